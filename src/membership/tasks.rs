//! What membership asks of a person, for their dashboard.

use super::{admission, fees, mou};
use crate::auth::{Actor, Role};
use crate::db::DbConn;
use crate::error::Error;

/// Something waiting for the person: a title, a line of detail, where to act.
pub struct Task {
    pub title: String,
    pub detail: String,
    pub href: String,
}

pub fn for_actor(conn: &mut DbConn, actor: &Actor) -> Result<Vec<Task>, Error> {
    let mut tasks = Vec::new();
    let current = mou::current(conn)?;
    if actor.has(&Role::Secretariat) {
        let waiting = admission::queue(conn)?.len();
        if waiting > 0 {
            tasks.push(Task {
                title: format!(
                    "{waiting} application{} to decide",
                    if waiting == 1 { "" } else { "s" }
                ),
                detail:
                    "Organisations are waiting for the coalition's decision on their admission."
                        .into(),
                href: "/admission".into(),
            });
        }
        if crate::coalition::get(conn)?.is_some_and(|c| c.fees_enabled) {
            let open = fees::outstanding(conn)?.len();
            if open > 0 {
                tasks.push(Task {
                    title: format!("{open} fee{} outstanding", if open == 1 { "" } else { "s" }),
                    detail: "Record payments or waivers on the fees page.".into(),
                    href: "/fees".into(),
                });
            }
        }
        if let Some(v) = &current {
            let unsigned = mou::signature_status(conn, v.id)?
                .iter()
                .filter(|(_, s)| s.is_none())
                .count();
            if unsigned > 0 {
                tasks.push(Task {
                    title: format!(
                        "{unsigned} member{} yet to sign the memorandum",
                        if unsigned == 1 { "" } else { "s" }
                    ),
                    detail: format!("Version {} of {}.", v.version_no, v.adopted_on),
                    href: "/memorandum".into(),
                });
            }
        }
    }
    for role in &actor.roles {
        if let Role::Representative { organisation_id } = role
            && let Some((v, None)) = mou::signature_of(conn, *organisation_id)?
        {
            tasks.push(Task {
                title: "Your organisation has not signed the memorandum".into(),
                detail: format!(
                    "Version {} of {} awaits its signature.",
                    v.version_no, v.adopted_on
                ),
                href: format!("/organisations/{organisation_id}"),
            });
        }
    }
    Ok(tasks)
}
