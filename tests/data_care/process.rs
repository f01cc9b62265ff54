//! Tried as an administrator would, with the real binary on the embedded default: back up a
//! running demo, wipe the data folder, restore, sign in: everything is there.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::{Process, TEST_SECRET, free_port, wait_until_serving};

fn roundtable(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_roundtable"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ROUNDTABLE_DATA_DIR", data)
        .env("SECRET_KEY", TEST_SECRET);
    command
}

fn run(data: &Path, args: &[&str]) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = roundtable(data, args).output().expect("run");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr),
    );
    assert!(status.success(), "roundtable {args:?}: {stdout}\n{stderr}");
    stdout.into_owned()
}

fn serve(data: &Path, port: u16) -> Process {
    let child = roundtable(data, &["serve"])
        .env("BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let server = Process(child);
    wait_until_serving(port);
    server
}

fn stop(mut server: Process) {
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
}

/// One request; the answer's head and body.
fn request(port: u16, head: &str, body: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(
            format!(
                "{head}\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (head.to_owned(), body.to_owned())
}

fn cookie_of(head: &str) -> String {
    head.lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// Signs in over HTTP as a browser would; the session cookie.
fn sign_in(port: u16, email: &str, password: &str) -> String {
    let (head, page) = request(port, "GET /login HTTP/1.1", "");
    let cookie = cookie_of(&head);
    let token = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a form token");
    let form = serde_urlencoded::to_string([
        ("csrf_token", token),
        ("email", email),
        ("password", password),
    ])
    .expect("form");
    let (head, _) = request(
        port,
        &format!(
            "POST /login HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded"
        ),
        &form,
    );
    assert!(head.starts_with("HTTP/1.1 303"), "signed in: {head}");
    cookie_of(&head)
}

#[test]
fn a_running_demo_backed_up_wiped_and_restored_is_all_there() {
    let data = tempfile::tempdir().expect("a data folder");
    let port = free_port();
    let printed = run(data.path(), &["demo"]);
    let member = printed
        .split("as a member")
        .nth(1)
        .expect("the member's login");
    let field = |name: &str| {
        member
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .expect("printed")
    };
    let (email, password) = (field("email:"), field("password:"));

    let server = serve(data.path(), port);
    let backups = tempfile::tempdir().expect("a folder for backups");
    let file = backups.path().join("demo.backup");
    let said = run(data.path(), &["backup", "--to", &file.to_string_lossy()]);
    assert!(said.contains("verify"), "{said}");
    stop(server);

    // The disk is lost: a new, empty data folder.
    std::fs::remove_dir_all(data.path()).expect("wipe");
    std::fs::create_dir_all(data.path()).expect("an empty folder");
    let said = run(data.path(), &["restore", "--from", &file.to_string_lossy()]);
    assert!(said.starts_with("Restored"), "{said}");
    assert!(run(data.path(), &["audit", "verify"]).contains("intact"));
    // Restoring again is refused: the database is in use now.
    let again = roundtable(data.path(), &["restore", "--from", &file.to_string_lossy()])
        .output()
        .expect("run");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a coalition"));

    // The complaints came back whole, and none is past its retention period yet.
    let purge = run(data.path(), &["complaints", "purge", "--dry-run"]);
    assert!(
        purge.contains("No closed complaint is past its retention period"),
        "{purge}"
    );

    let server = serve(data.path(), port);
    let session = sign_in(port, &email, &password);
    let (head, page) = request(
        port,
        &format!("GET /statements HTTP/1.1\r\nCookie: {session}"),
        "",
    );
    // The member's complaint, with the file its filer attached, restored byte for byte.
    let (_, complaints) = request(
        port,
        &format!("GET /complaints HTTP/1.1\r\nCookie: {session}"),
        "",
    );
    let case = complaints
        .split("href=\"/complaints/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the member's complaint")
        .to_owned();
    let (_, case_page) = request(
        port,
        &format!("GET /complaints/{case} HTTP/1.1\r\nCookie: {session}"),
        "",
    );
    let file = case_page
        .split("href=\"/complaints/")
        .find(|part| part.contains("/files/"))
        .and_then(|rest| rest.split('"').next())
        .expect("the attached file")
        .to_owned();
    let (file_head, pdf) = request(
        port,
        &format!("GET /complaints/{file} HTTP/1.1\r\nCookie: {session}"),
        "",
    );
    stop(server);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(page.contains("World Day against Trafficking in Persons"));
    assert!(file_head.starts_with("HTTP/1.1 200"), "{file_head}");
    assert!(
        pdf.starts_with("%PDF-1.4") && pdf.trim_end().ends_with("%%EOF"),
        "{pdf}"
    );
}
