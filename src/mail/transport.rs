//! Where mail goes: SMTP through lettre's pooled async transport when SMTP_URL is set; one
//! .eml file per message in DATA_DIR/outbox otherwise; memory in tests.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use lettre::transport::smtp::{AsyncSmtpTransportBuilder, PoolConfig};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::Error;

/// Why a send failed: a temporary failure is retried, a permanent one is not.
#[derive(Debug, Clone)]
pub struct SendError {
    pub temporary: bool,
    pub message: String,
}

/// The SMTP transport, built on first use: lettre's connection pool starts a task when it is
/// built (and another when it is dropped), which needs the async runtime that sending runs in,
/// not the command line's start-up that reads the settings.
pub struct Smtp {
    builder: AsyncSmtpTransportBuilder,
    transport: OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
}

impl Smtp {
    fn transport(&self) -> &AsyncSmtpTransport<Tokio1Executor> {
        self.transport.get_or_init(|| self.builder.clone().build())
    }
}

#[derive(Clone)]
pub enum Transport {
    Smtp(Arc<Smtp>),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<Vec<u8>>>>),
}

impl Transport {
    /// `smtp://user:pass@host:port` (add `?tls=required` for STARTTLS), `smtps://` for TLS from
    /// the start; none: files in `data_dir/outbox`.
    pub fn from_settings(
        smtp_url: Option<&str>,
        data_dir: &std::path::Path,
        connections: u32,
    ) -> Result<Transport, Error> {
        match smtp_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => {
                // Parsed (and so checked) now; connected on first use.
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| Error::Config(format!("SMTP_URL is not usable: {e}")))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .pool_config(PoolConfig::new().max_size(connections));
                Ok(Transport::Smtp(Arc::new(Smtp {
                    builder,
                    transport: OnceLock::new(),
                })))
            }
            None => Ok(Transport::Files(data_dir.join("outbox"))),
        }
    }

    /// For people: how mail leaves, without the server's paths.
    pub fn describe_for_people(&self) -> String {
        match self {
            Transport::Smtp(_) => "by SMTP".into(),
            Transport::Files(_) => {
                "as files in the outbox folder on the server (no SMTP_URL is set)".into()
            }
            Transport::Memory(_) => "kept in memory (tests)".into(),
        }
    }

    /// For the operator's console and logs: with the folder mail is written to.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::Files(dir) => format!("files in {}", dir.display()),
            Transport::Memory(_) => "memory".into(),
        }
    }

    pub async fn send(&self, message: Message, file_stem: &str) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => {
                smtp.transport()
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| SendError {
                        temporary: !e.is_permanent(),
                        message: e.to_string(),
                    })
            }
            Transport::Files(dir) => {
                let write = || -> std::io::Result<()> {
                    std::fs::create_dir_all(dir)?;
                    let path = dir.join(format!("{file_stem}.eml"));
                    let partial = dir.join(format!("{file_stem}.eml.partial"));
                    std::fs::write(&partial, message.formatted())?;
                    std::fs::rename(partial, path)
                };
                write().map_err(|e| SendError {
                    temporary: true,
                    message: format!("writing the mail file: {e}"),
                })
            }
            Transport::Memory(sent) => {
                match sent.lock() {
                    Ok(mut list) => list.push(message.formatted()),
                    Err(poisoned) => poisoned.into_inner().push(message.formatted()),
                }
                Ok(())
            }
        }
    }
}
