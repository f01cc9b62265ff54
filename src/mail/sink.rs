//! A small SMTP receiver for trying Roundtable out and for the benchmark: it accepts every
//! mail on a local port and writes each to a folder as an .eml file (or just counts them).
//! Not a mail server: no relaying, no authentication, loopback use only.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How the receiver's threads share the machine's cores with a server beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cores {
    /// As any program does (`roundtable mail sink`).
    Shared,
    /// Only what the server leaves idle, at the mail lane's priority: the benchmark's stand-in
    /// for a relay on another machine, which takes none of the server's cores.
    Leftover,
}

/// A running receiver.
#[derive(Clone)]
pub struct Sink {
    pub port: u16,
    pub received: Arc<AtomicUsize>,
}

impl Sink {
    /// Listens on `bind` (port 0 for any free port), in background threads.
    pub fn start(bind: &str, folder: Option<PathBuf>, cores: Cores) -> std::io::Result<Sink> {
        let listener = TcpListener::bind(bind)?;
        let port = listener.local_addr()?.port();
        let received = Arc::new(AtomicUsize::new(0));
        let count = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (count, folder) = (count.clone(), folder.clone());
                std::thread::spawn(move || {
                    if cores == Cores::Leftover {
                        super::lane::lowest_priority();
                    }
                    if let Err(e) = session(stream, &count, folder.as_ref()) {
                        tracing::debug!("mail sink session: {e}");
                    }
                });
            }
        });
        Ok(Sink { port, received })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

fn session(
    stream: TcpStream,
    count: &AtomicUsize,
    folder: Option<&PathBuf>,
) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 roundtable-sink ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.trim_end().to_uppercase();
        if upper.starts_with("EHLO") {
            out.write_all(
                b"250-roundtable-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n",
            )?;
        } else if upper == "DATA" {
            out.write_all(b"354 go ahead\r\n")?;
            let mut data = Vec::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                data.extend_from_slice(if l.starts_with("..") {
                    &l.as_bytes()[1..]
                } else {
                    l.as_bytes()
                });
            }
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(dir) = folder {
                std::fs::create_dir_all(dir)?;
                std::fs::write(dir.join(format!("{n:06}.eml")), &data)?;
            }
            out.write_all(b"250 accepted\r\n")?;
        } else if upper.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else if upper.is_empty() {
            continue;
        } else {
            // HELO, MAIL, RCPT, RSET, NOOP: all accepted.
            out.write_all(b"250 OK\r\n")?;
        }
    }
}
