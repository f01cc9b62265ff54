//! A real SMTP server inside the test process: it speaks enough of RFC 5321 for lettre, keeps
//! what it receives, and can be told to refuse (as a server that is down or overloaded).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub refuse: Arc<AtomicBool>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("address").port();
        let server = SmtpServer {
            port,
            received: Arc::default(),
            refuse: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = s.session(stream);
                });
            }
        });
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn session(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut out = stream.try_clone()?;
        let mut reader = BufReader::new(stream);
        if self.refuse.load(Ordering::SeqCst) {
            out.write_all(b"421 4.3.2 Service not available, try again later\r\n")?;
            return Ok(());
        }
        out.write_all(b"220 test.roundtable ESMTP\r\n")?;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_owned();
            let upper = command.to_uppercase();
            if self.refuse.load(Ordering::SeqCst) {
                out.write_all(b"451 4.3.0 Temporary failure\r\n")?;
                continue;
            }
            if upper.starts_with("EHLO") {
                out.write_all(
                    b"250-test.roundtable\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n",
                )?;
            } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
                out.write_all(b"250 OK\r\n")?;
            } else if upper.starts_with("RSET") {
                from.clear();
                to.clear();
                out.write_all(b"250 OK\r\n")?;
            } else if upper.starts_with("MAIL FROM:") {
                from = command[10..].trim().to_owned();
                to.clear();
                out.write_all(b"250 OK\r\n")?;
            } else if upper.starts_with("RCPT TO:") {
                to.push(command[8..].trim().trim_matches(['<', '>']).to_owned());
                out.write_all(b"250 OK\r\n")?;
            } else if upper == "DATA" {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l)? == 0 {
                        return Ok(());
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(
                        l.strip_prefix('.')
                            .filter(|_| l.starts_with(".."))
                            .unwrap_or(&l),
                    );
                }
                if let Ok(mut r) = self.received.lock() {
                    r.push(Received {
                        from: from.clone(),
                        to: to.clone(),
                        data,
                    });
                }
                out.write_all(b"250 OK queued\r\n")?;
            } else if upper.starts_with("QUIT") {
                out.write_all(b"221 Bye\r\n")?;
                return Ok(());
            } else {
                out.write_all(b"502 Command not implemented\r\n")?;
            }
        }
    }
}
