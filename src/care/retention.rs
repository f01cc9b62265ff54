//! Retention: what only serves for a while goes once its period is over. The bodies of mails
//! sent long ago (the delivery record stays: to whom, when, what kind), sessions ended or
//! idle long ago, and sign-in throttling records. Reads first; writes only when something is
//! due, so an idle server takes no write lock.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::schema::{login_throttle, outbox_deliveries, outbox_messages, sessions};
use crate::db::{self, DbConn};
use crate::error::Error;

/// What a mail's text becomes once its period is over.
pub const REMOVED: &str = "(removed under the retention period for mail)";

/// What one pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub mail_bodies: usize,
    pub sessions: usize,
    pub throttle_records: usize,
}

fn days_before(now: NaiveDateTime, days: i32) -> NaiveDateTime {
    now - TimeDelta::days(i64::from(days))
}

/// Applies the retention periods as of `now`.
pub fn apply(conn: &mut DbConn, now: NaiveDateTime) -> Result<Removed, Error> {
    let settings = super::store::get(conn)?;
    let mail_before = days_before(now, settings.mail_body_days);
    let sessions_before = days_before(now, settings.session_days);
    let throttle_before = days_before(now, settings.throttle_days);

    // A message waits while any of its deliveries may still go out.
    let waiting = outbox_deliveries::table
        .filter(outbox_deliveries::status.eq("queued"))
        .select(outbox_deliveries::message_id);
    let old_mail = || {
        outbox_messages::table
            .filter(outbox_messages::created_at.lt(mail_before))
            .filter(outbox_messages::text_body.ne(REMOVED))
            .filter(outbox_messages::id.ne_all(waiting))
    };
    let ended = || {
        sessions::table.filter(
            sessions::ended_at.lt(sessions_before).or(sessions::ended_at
                .is_null()
                .and(sessions::last_seen_at.lt(sessions_before))),
        )
    };
    let stale =
        || login_throttle::table.filter(login_throttle::last_failure_at.lt(throttle_before));

    let due: (i64, i64, i64) = (
        old_mail().count().get_result(conn)?,
        ended().count().get_result(conn)?,
        stale().count().get_result(conn)?,
    );
    if due == (0, 0, 0) {
        return Ok(Removed::default());
    }
    db::write_tx(conn, |conn| {
        let ids: Vec<i64> = old_mail().select(outbox_messages::id).load(conn)?;
        let mail_bodies =
            diesel::update(outbox_messages::table.filter(outbox_messages::id.eq_any(&ids)))
                .set((
                    outbox_messages::text_body.eq(REMOVED),
                    outbox_messages::html_body.eq(format!("<p>{REMOVED}</p>")),
                    outbox_messages::calendar.eq(None::<String>),
                ))
                .execute(conn)?;
        Ok(Removed {
            mail_bodies,
            sessions: diesel::delete(ended()).execute(conn)?,
            throttle_records: diesel::delete(stale()).execute(conn)?,
        })
    })
}
