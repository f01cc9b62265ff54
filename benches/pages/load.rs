//! A load generator in the benchmark itself: plain HTTP/1.1 over keep-alive connections on
//! one thread (tokio's current-thread runtime), so that it takes as little of the machine
//! as it can from the server it measures. Latency is measured per request, from writing it
//! to reading the whole answer.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One answer, read whole.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A keep-alive connection.
pub struct Connection {
    stream: BufReader<TcpStream>,
}

impl Connection {
    pub async fn open(addr: &str) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufReader::new(stream),
        })
    }

    /// Sends `request` (the whole of it, ending with the blank line and any body) and reads
    /// the answer.
    pub async fn exchange(&mut self, request: &[u8]) -> std::io::Result<Answer> {
        self.stream.get_mut().write_all(request).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("no status line: {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':') {
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let mut body = Vec::new();
        if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16)
                    .map_err(|e| std::io::Error::other(format!("chunk size {line:?}: {e}")))?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// A GET as written on the wire.
pub fn get(path: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n");
    for (name, value) in extra {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.into_bytes()
}

/// A form POST as written on the wire.
pub fn post_form(path: &str, extra: &[(&str, &str)], form: &str) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
        form.len()
    );
    for (name, value) in extra {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(form);
    request.into_bytes()
}

/// What a run measured.
pub struct Figures {
    /// Answers with another status than expected (or broken connections).
    pub wrong: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
}

/// Sends `request` over `connections` connections, each as soon as the last answer is in,
/// for `warm_up` (not counted) and then `measured`; every answer must have `expected` status.
pub async fn drive(
    addr: &str,
    request: &[u8],
    expected: u16,
    connections: usize,
    warm_up: Duration,
    measured: Duration,
) -> Figures {
    let start = Instant::now();
    let counting_from = start + warm_up;
    let end = counting_from + measured;
    let one = |_: usize| async move {
        let mut latencies: Vec<Duration> = Vec::new();
        let mut wrong = 0;
        let Ok(mut connection) = Connection::open(addr).await else {
            return (latencies, 1);
        };
        loop {
            let sent = Instant::now();
            if sent >= end {
                break;
            }
            match connection.exchange(request).await {
                Ok(answer) => {
                    if sent >= counting_from {
                        latencies.push(sent.elapsed());
                        if answer.status != expected {
                            wrong += 1;
                        }
                    }
                }
                Err(_) => {
                    wrong += 1;
                    match Connection::open(addr).await {
                        Ok(c) => connection = c,
                        Err(_) => break,
                    }
                }
            }
        }
        (latencies, wrong)
    };
    let results = join_all((0..connections).map(one)).await;
    let mut all: Vec<Duration> = Vec::new();
    let mut wrong = 0;
    for (latencies, w) in results {
        all.extend(latencies);
        wrong += w;
    }
    all.sort_unstable();
    let at = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Figures {
        wrong,
        per_second: all.len() as f64 / measured.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}
