//! What every handler, the scheduler and the command line can reach: the settings, the
//! database pool and the mail transport.

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{self, DbConn, DbPool};
use crate::error::Error;
use crate::mail;

/// What every handler can reach: the settings, the database pool and the mail transport.
pub struct AppState {
    pub settings: Settings,
    pub pool: DbPool,
    pub mail: mail::transport::Transport,
    pub mail_policy: mail::worker::Policy,
    pub clock: Clock,
    /// What the audit page filters by, read incrementally (`audit::summary`).
    pub audit_summary: std::sync::Mutex<crate::audit::summary::Summary>,
    /// Pages rendered once per change of the data (`web::cache`).
    pub page_cache: crate::page_cache::PageCache,
}

impl AppState {
    /// Connects to the database (running its migrations), sets up the mail transport and
    /// keeps the settings.
    pub fn open(settings: Settings) -> Result<AppState, Error> {
        crate::audit::use_key(settings.audit_key)?;
        let pool = db::connect_pool_with(
            &settings.database_url,
            settings.db_pool_size,
            crate::audit::protect,
        )?;
        let mail = mail::transport::Transport::from_settings(
            settings.smtp_url.as_deref(),
            &settings.data_dir,
            settings.smtp_connections,
        )?;
        let mail_policy = mail::worker::Policy {
            in_flight: settings.smtp_connections as usize,
            ..mail::worker::Policy::default()
        };
        Ok(AppState {
            page_cache: crate::page_cache::PageCache::new(settings.page_cache_bytes),
            settings,
            pool,
            mail,
            mail_policy,
            clock: Clock::default(),
            audit_summary: Default::default(),
        })
    }

    /// Runs blocking database work on actix's thread pool with a pooled connection.
    pub async fn db<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, Error> + Send + 'static,
    {
        db::run(&self.pool, work).await
    }

    /// The parts the mail worker delivers with.
    pub fn courier(&self) -> mail::worker::Courier<'_> {
        mail::worker::Courier {
            pool: &self.pool,
            transport: &self.mail,
            policy: &self.mail_policy,
        }
    }
}
