//! The mail the rotation sends: the hand-over notice when a term begins, once, to the list.

use chrono::{Duration, NaiveDate};
use roundtable_templates::mail as bodies;

use super::{lists, store};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::mail::compose::{coalition_name, list_id};
use crate::mail::outbox::{self, BASE_URL, NewMail};
use crate::mail::reminders;

/// The reminder kind of the hand-over notice (evaluations count hand-overs by it).
pub const HANDOVER: &str = "handover";
/// How long after a term begins its notice may still go out (a server that was down).
const HANDOVER_DAYS: i64 = 14;

/// Queues the hand-over notice of a term that began lately and was not announced; returns how
/// many mails were queued. Reads first: a tick with nothing due takes no write lock.
pub fn tick(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    let due =
        |conn: &mut DbConn| -> Result<Option<(crate::secretariat::model::Term, Vec<i64>)>, Error> {
            Ok(match store::holders_on(conn, today)? {
                Some((term, holders))
                    if term.starts_on <= today
                        && today < term.starts_on + Duration::days(HANDOVER_DAYS)
                        && !reminders::was_sent(conn, HANDOVER, term.id)? =>
                {
                    Some((term, holders))
                }
                _ => None,
            })
        };
    if due(conn)?.is_none() {
        return Ok(0);
    }
    db::write_tx(conn, |conn| {
        let Some((term, holders)) = due(conn)? else {
            return Ok(0);
        };
        if !reminders::first_time(conn, HANDOVER, term.id)? {
            return Ok(0);
        }
        let names = crate::membership::organisations::names(conn, &holders)?;
        let names: Vec<String> = holders
            .iter()
            .filter_map(|h| names.get(h).cloned())
            .collect();
        let period = format!("{} to {}", term.starts_on, term.ends_on - Duration::days(1));
        let body = bodies::handover_notice(
            &coalition_name(conn)?,
            &names.join(" and "),
            &period,
            &format!("{BASE_URL}/secretariat/handover"),
        );
        let recipients = lists::coalition(conn, today)?;
        let list_id = list_id(conn, None)?;
        // A notice, not a call to act: those who chose essential mail only are spared it.
        outbox::enqueue(
            conn,
            &NewMail {
                kind: HANDOVER,
                essential: false,
                body,
                invitation: None,
                list_id,
                auto_submitted: true,
                meeting_id: None,
                recipients,
            },
        )
    })
}
