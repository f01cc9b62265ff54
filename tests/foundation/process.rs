//! The real `roundtable serve` process: where its logs go, what they leave out, and that it
//! stops on SIGTERM even while a client is half-way through a request.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Process, TestDb, free_port, wait_until_serving};
use crate::on_each_backend;

fn start(db: &TestDb, port: u16) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ROUNDTABLE_DATA_DIR", db.dir.path())
        .env("DATABASE_URL", &db.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start roundtable serve");
    Process(child)
}

/// One request over a fresh connection; the answer's status line.
fn request(port: u16, head: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(
            format!("{head}\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .as_bytes(),
        )
        .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer.lines().next().unwrap_or_default().to_owned()
}

#[actix_web::test]
async fn serve_logs_json_to_standard_error_without_tokens_and_stops_on_sigterm() {
    on_each_backend!(|backend| async {
        let db = TestDb::create(&backend);
        let port = free_port();
        let mut server = start(&db, port);
        wait_until_serving(port);

        assert!(request(port, "GET /healthz HTTP/1.1").contains("200"));
        // The process started itself again with few allocator arenas and large blocks
        // given back (`allocator`): the same process, now with the variables glibc reads.
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            let environ = std::fs::read(format!("/proc/{}/environ", server.id()))
                .expect("the server's environment");
            let cores = std::thread::available_parallelism().map_or(2, usize::from);
            let threshold = roundtable::allocator::MMAP_THRESHOLD_BYTES;
            for wanted in [
                format!("MALLOC_ARENA_MAX={cores}"),
                format!("MALLOC_MMAP_THRESHOLD_={threshold}"),
            ] {
                assert!(
                    environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()),
                    "{wanted} in {}",
                    String::from_utf8_lossy(&environ)
                );
            }
        }
        // A reset link and a feed, and a form sent without its CSRF token to a reset link:
        // all are logged, none with its token.
        request(port, "GET /password/reset/SECRET-RESET-TOKEN HTTP/1.1");
        request(port, "GET /calendar/feed/SECRET-FEED-TOKEN.ics HTTP/1.1");
        let refused = request(port, "POST /password/reset/SECRET-CSRF-CASE HTTP/1.1");
        assert!(refused.contains("403"), "{refused}");

        // A client that sends half a request and stalls must not keep the server up.
        let mut stalled = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stalled
            .write_all(
                b"POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nemail=",
            )
            .expect("send half");

        let asked = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = loop {
            if let Some(exit) = server.try_wait().expect("wait") {
                break exit;
            }
            if asked.elapsed() > Duration::from_secs(30) {
                panic!("serve was still running 30 s after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "{exit:?}");
        drop(stalled);

        let mut stdout = String::new();
        let mut stderr = String::new();
        server
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut stdout)
            .expect("stdout");
        server
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("stderr");
        assert!(
            !stdout.contains("\"level\""),
            "no log line on standard output: {stdout}"
        );
        let lines: Vec<serde_json::Value> = stderr
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let paths: Vec<&str> = lines
            .iter()
            .filter_map(|l| l["fields"]["path"].as_str())
            .collect();
        assert!(paths.contains(&"/healthz"), "{paths:?}");
        assert!(paths.contains(&"/password/reset/[redacted]"), "{paths:?}");
        assert!(
            paths.contains(&"/calendar/feed/[redacted].ics"),
            "{paths:?}"
        );
        assert!(
            !stderr.contains("SECRET-"),
            "a token reached the log: {stderr}"
        );
        assert!(
            lines.iter().any(|l| l["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("CSRF"))),
            "the CSRF refusal is logged: {stderr}"
        );
    })
}
