//! Mail that time causes goes out once: `mail_reminders` remembers what was sent. The
//! reminders themselves belong to their capabilities (meetings, secretariat, statements).

use diesel::prelude::*;

use crate::db::schema::mail_reminders;
use crate::db::{self, DbConn};
use crate::error::Error;

/// Whether this reminder went out already (a read, for ticks that write only when due).
pub fn was_sent(conn: &mut DbConn, kind: &str, subject_id: i64) -> Result<bool, Error> {
    let seen: i64 = mail_reminders::table
        .filter(mail_reminders::kind.eq(kind))
        .filter(mail_reminders::subject_id.eq(subject_id))
        .count()
        .get_result(conn)?;
    Ok(seen > 0)
}

/// Records a reminder; false when it was already sent.
pub fn first_time(conn: &mut DbConn, kind: &str, subject_id: i64) -> Result<bool, Error> {
    if was_sent(conn, kind, subject_id)? {
        return Ok(false);
    }
    diesel::insert_into(mail_reminders::table)
        .values((
            mail_reminders::kind.eq(kind),
            mail_reminders::subject_id.eq(subject_id),
            mail_reminders::sent_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(true)
}
