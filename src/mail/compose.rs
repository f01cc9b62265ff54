//! What every mail shares, whatever it is about: the coalition's name, its list ids, and a
//! plain notice. The mails themselves are composed by each capability in its `notices.rs`.

use roundtable_templates::mail::{self as bodies, MailBody};

use super::outbox::{self, NewMail, Recipient};
use crate::db::DbConn;
use crate::error::Error;

pub fn coalition_name(conn: &mut DbConn) -> Result<String, Error> {
    Ok(crate::coalition::get(conn)?
        .map(|c| c.name)
        .unwrap_or_else(|| "Roundtable".into()))
}

/// The List-Id of the coalition's list, or of a working group's.
pub fn list_id(conn: &mut DbConn, group_id: Option<i64>) -> Result<String, Error> {
    Ok(list_id_of(&coalition_name(conn)?, group_id))
}

/// The same, from the coalition's name already read.
pub fn list_id_of(coalition_name: &str, group_id: Option<i64>) -> String {
    let slug: String = coalition_name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    match group_id {
        Some(g) => format!("group-{g}.{}.roundtable", slug.trim_matches('-')),
        None => format!("{}.roundtable", slug.trim_matches('-')),
    }
}

/// A mail about no meeting (an invitation, a decision, a statement): essential, sent
/// automatically, on the coalition's list.
pub fn notice(
    conn: &mut DbConn,
    kind: &'static str,
    body: MailBody,
    recipients: Vec<Recipient>,
) -> Result<usize, Error> {
    let list = list_id(conn, None)?;
    notice_on_list(conn, kind, body, recipients, list)
}

/// `notice` when the caller knows the coalition list's id (many notices at once).
pub fn notice_on_list(
    conn: &mut DbConn,
    kind: &'static str,
    body: MailBody,
    recipients: Vec<Recipient>,
    list: String,
) -> Result<usize, Error> {
    outbox::enqueue(
        conn,
        &NewMail {
            kind,
            essential: true,
            body,
            invitation: None,
            list_id: list,
            auto_submitted: true,
            meeting_id: None,
            recipients,
        },
    )
}

/// A test mail to one person (the administrator's button).
pub fn test_mail(conn: &mut DbConn, to: Recipient) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    notice(conn, "test", bodies::test_mail(&coalition), vec![to])
}
