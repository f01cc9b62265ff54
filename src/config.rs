//! Settings, read from the environment (and `.env`), each with a default that works on a
//! laptop. They travel through the app state, so tests can vary them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha512};

use crate::error::Error;

/// What the environment may set. clap reads it, so `roundtable --help` lists every key.
#[derive(clap::Args, Clone, Debug)]
pub struct EnvSettings {
    /// Folder for the SQLite database, the generated secret key and mail written to files.
    #[arg(
        long,
        env = "ROUNDTABLE_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// postgres://USER:PASS@HOST/DB, sqlite://PATH (created when missing) or the path of an
    /// existing SQLite file. Default: sqlite://DATA_DIR/roundtable.sqlite3.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Address and port the web server listens on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: String,
    /// The address people use to reach the service, for links in mail and the console.
    /// Default: http://BIND. With https://, cookies are marked Secure.
    #[arg(long, env = "BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// smtp://USER:PASS@HOST:587?tls=required (STARTTLS), smtps://USER:PASS@HOST:465, or
    /// smtp://127.0.0.1:2525 for a plain local relay. Unset: mail is written as .eml files to
    /// DATA_DIR/outbox.
    #[arg(long, env = "SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The From address of every mail.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "roundtable@localhost",
        global = true
    )]
    pub mail_from: String,
    /// Key for session cookies (at least 32 characters). Unset: generated once and kept in
    /// DATA_DIR/secret_key.
    #[arg(long, env = "SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "SESSION_IDLE_MINUTES",
        default_value_t = 60,
        global = true
    )]
    pub session_idle_minutes: u64,
    /// Hours after sign-in at which a session ends, however active.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = 12, global = true)]
    pub session_max_hours: u64,
    /// Mails in flight at once, each over its own SMTP connection (the relay must accept as
    /// many connections from this host).
    #[arg(long, env = "SMTP_CONNECTIONS", default_value_t = 16, global = true)]
    pub smtp_connections: u32,
    /// Database connections kept open. Unset: twice the cores on SQLite (at most 8), whose
    /// queries are work for these cores, each connection holding its own copy of the schema
    /// and a page cache; 8 on PostgreSQL, whose queries wait on another process.
    #[arg(long, env = "DB_CONNECTIONS", global = true)]
    pub db_connections: Option<u32>,
    /// Megabytes of rendered pages kept in memory until the data changes (0: none kept).
    #[arg(long, env = "PAGE_CACHE_MB", default_value_t = 8, global = true)]
    pub page_cache_mb: u64,
    /// Add a Server-Timing header to every answer: the database's time and query count.
    #[arg(
        long,
        env = "SERVER_TIMING",
        default_value_t = false,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub server_timing: bool,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` header names the client: addresses
    /// or CIDR ranges separated by commas, such as `127.0.0.1,10.0.0.0/8`. Unset: the peer
    /// address is the client, whatever the headers say.
    #[arg(long, env = "TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// How log lines look on standard error: text, or json (one object per line).
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// How failed sign-ins slow down further attempts. There are no locks: a delay never grows
/// past `max_delay`, so the right password always gets through within a minute, while the
/// delays bound the guesses an attacker can make.
#[derive(Clone, Debug)]
pub struct ThrottlePolicy {
    /// Failures for one account, from anywhere. With the defaults an attacker gets at most
    /// 100 guesses per account per hour (ASVS 2.2.1; a unit test counts them).
    pub account: Budget,
    /// Failures from one address, for any account. People who have signed in from that
    /// address before are exempt, so an office behind one NAT is not punished for a guesser.
    pub address: Budget,
}

/// Failures allowed without delay, then a delay after the last failure that doubles with each
/// further failure up to a ceiling; counts are forgotten after a quiet spell.
#[derive(Clone, Debug)]
pub struct Budget {
    pub free: i32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub forget_after: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account: Budget {
                free: 3,
                first_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(40),
                forget_after: Duration::from_secs(3600),
            },
            address: Budget {
                free: 20,
                first_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(60),
                forget_after: Duration::from_secs(15 * 60),
            },
        }
    }
}

/// The resolved settings the service runs with.
#[derive(Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub bind: String,
    pub base_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Mails in flight at once, over as many SMTP connections (`SMTP_CONNECTIONS`).
    pub smtp_connections: u32,
    /// 64 bytes: signs and encrypts the session cookie.
    pub cookie_key: [u8; 64],
    /// 32 bytes: keys the hashes of the audit chain, so a rewrite without it shows.
    pub audit_key: [u8; 32],
    pub session_idle: Duration,
    pub session_max: Duration,
    pub throttle: ThrottlePolicy,
    /// Proxies trusted to name the client (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<crate::addresses::Range>,
    /// How long the first-run set-up link stays valid.
    pub setup_link_valid: Duration,
    pub db_pool_size: u32,
    /// Bytes of rendered pages kept until the data changes (`web::cache`); 0 keeps none.
    pub page_cache_bytes: usize,
    /// Answers carry `Server-Timing: db;dur=MS;desc="N queries"`.
    pub server_timing: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Settings {
    pub fn resolve(env: &EnvSettings) -> Result<Settings, Error> {
        let database_url = env.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                env.data_dir.join("roundtable.sqlite3").display()
            )
        });
        let base_url = env
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", env.bind))
            .trim_end_matches('/')
            .to_owned();
        url::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("BASE_URL {base_url:?} is not a URL: {e}")))?;
        let secret = match &env.secret_key {
            Some(s) => s.clone(),
            None => load_or_create_secret(&env.data_dir)?,
        };
        if secret.len() < 32 {
            return Err(Error::Config(
                "SECRET_KEY must be at least 32 characters long".into(),
            ));
        }
        let postgres = ["postgres://", "postgresql://"]
            .iter()
            .any(|scheme| database_url.starts_with(scheme));
        let db_pool_size = match env.db_connections {
            Some(n) => n.clamp(1, 64),
            None => default_connections(
                !postgres,
                std::thread::available_parallelism().map_or(2, usize::from),
            ),
        };
        Ok(Settings {
            data_dir: env.data_dir.clone(),
            database_url,
            bind: env.bind.clone(),
            base_url,
            smtp_url: env.smtp_url.clone(),
            mail_from: env.mail_from.clone(),
            smtp_connections: env.smtp_connections.clamp(1, 256),
            cookie_key: derive_cookie_key(&secret),
            audit_key: derive_audit_key(&secret),
            session_idle: Duration::from_secs(env.session_idle_minutes.max(1) * 60),
            session_max: Duration::from_secs(env.session_max_hours.max(1) * 3600),
            throttle: ThrottlePolicy::default(),
            trusted_proxies: crate::addresses::parse_ranges(
                env.trusted_proxies.as_deref().unwrap_or(""),
            )
            .map_err(|e| Error::Config(format!("TRUSTED_PROXIES: {e}")))?,
            setup_link_valid: Duration::from_secs(24 * 3600),
            db_pool_size,
            page_cache_bytes: usize::try_from(env.page_cache_mb.saturating_mul(1 << 20))
                .unwrap_or(usize::MAX),
            server_timing: env.server_timing,
        })
    }

    /// Cookies are marked Secure when people reach the service over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// The database connections kept open unless `DB_CONNECTIONS` says: on SQLite twice the
/// cores, at least 2 and at most 8 (a query there is this process's own work, and each
/// connection keeps about 0.7 MB of schema and pages: on the large coalition 8 of them held
/// 5.5 MB, README "Performance"); on PostgreSQL 8.
pub fn default_connections(sqlite: bool, cores: usize) -> u32 {
    if sqlite {
        u32::try_from(cores.saturating_mul(2)).map_or(8, |n| n.clamp(2, 8))
    } else {
        8
    }
}

pub fn derive_cookie_key(secret: &str) -> [u8; 64] {
    Sha512::digest(secret.as_bytes()).into()
}

/// The key of the audit chain: from the same secret, but never the same bytes as the cookie
/// key, so one cannot be used for the other.
pub fn derive_audit_key(secret: &str) -> [u8; 32] {
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"roundtable audit chain\0");
    hasher.update(secret.as_bytes());
    hasher.finalize().into()
}

/// The generated key lives beside the database, readable by its owner only.
fn load_or_create_secret(data_dir: &Path) -> Result<String, Error> {
    let path = data_dir.join("secret_key");
    match std::fs::read_to_string(&path) {
        Ok(s) => return Ok(s.trim().to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Error::Config(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    }
    let cannot = |e: std::io::Error| Error::Config(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(data_dir).map_err(cannot)?;
    let secret = crate::secret::random_token(48);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(cannot)?;
    std::io::Write::write_all(&mut file, secret.as_bytes()).map_err(cannot)?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        env: EnvSettings,
    }

    fn resolved(args: &[&str]) -> Settings {
        let dir = tempfile::tempdir().expect("temp");
        let data_dir = format!("--data-dir={}", dir.path().display());
        let cli = Cli::try_parse_from(["roundtable", data_dir.as_str()].iter().chain(args))
            .expect("arguments");
        Settings::resolve(&cli.env).expect("settings")
    }

    #[test]
    fn sqlite_gets_two_connections_per_core_and_postgres_eight() {
        assert_eq!(default_connections(true, 1), 2);
        assert_eq!(default_connections(true, 2), 4);
        assert_eq!(default_connections(true, 64), 8);
        assert_eq!(default_connections(false, 2), 8);
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let sqlite = resolved(&["--database-url=sqlite:///tmp/unopened.sqlite3"]);
        assert_eq!(sqlite.db_pool_size, default_connections(true, cores));
        let postgres = resolved(&["--database-url=postgres://u@localhost/db"]);
        assert_eq!(postgres.db_pool_size, 8);
    }

    #[test]
    fn the_operators_connections_stand_within_bounds() {
        assert_eq!(resolved(&["--db-connections=12"]).db_pool_size, 12);
        assert_eq!(resolved(&["--db-connections=0"]).db_pool_size, 1);
        assert_eq!(resolved(&["--db-connections=1000"]).db_pool_size, 64);
    }
}
