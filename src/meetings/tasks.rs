//! What meetings ask of a person, for their dashboard: the next meeting, agendas to read, open
//! action items they own, and for those who manage meetings, agendas and minutes due.

use chrono::Duration;

use super::model::Meeting;
use super::{agenda, minutes, store};
use crate::auth::{Action, Actor, Role, permissions};
use crate::db::DbConn;
use crate::error::Error;
use crate::task::Task;

pub fn for_actor(conn: &mut DbConn, actor: &Actor) -> Result<Vec<Task>, Error> {
    let mut tasks = Vec::new();
    if !permissions::may(actor, Action::ViewDirectory) {
        return Ok(tasks);
    }
    let now = crate::db::now();
    let coming = store::between(conn, now, now + Duration::days(60))?;
    let visible: Vec<_> = coming
        .iter()
        .filter(|m| store::may_see(Some(actor), m) && m.status != "cancelled")
        .collect();
    if let Some(next) = visible.first() {
        tasks.push(Task {
            title: format!("Next meeting: {}", next.title),
            detail: super::display::when(next),
            href: format!("/meetings/{}", next.id),
        });
    }
    for m in visible.iter().filter(|m| m.status == "agenda_published") {
        tasks.push(Task {
            title: format!("Read the agenda of {}", m.title),
            detail: super::display::when(m),
            href: format!("/meetings/{}#agenda", m.id),
        });
    }
    if permissions::may(actor, Action::ManageMeetings) {
        let soon = now + Duration::days(21);
        let due: Vec<&&Meeting> = visible
            .iter()
            .filter(|m| m.status == "planned" && m.starts_at < soon)
            .collect();
        let ids: Vec<i64> = due.iter().map(|m| m.id).collect();
        // Asked even when nothing is due, so the page always costs the same.
        let published = agenda::published_among(conn, &ids)?;
        for m in due {
            if !published.contains(&m.id) {
                tasks.push(Task {
                    title: format!("Publish the agenda of {}", m.title),
                    detail: format!("The meeting is on {}.", super::display::when(m)),
                    href: format!("/meetings/{}#agenda", m.id),
                });
            }
        }
    }
    let organisations: Vec<i64> = actor
        .roles
        .iter()
        .filter_map(|r| {
            if let Role::Member { organisation_id } = r {
                Some(*organisation_id)
            } else {
                None
            }
        })
        .collect();
    for item in minutes::open_actions(conn)? {
        let mine = item.owner_person_id == Some(actor.id())
            || item
                .owner_organisation_id
                .is_some_and(|o| organisations.contains(&o));
        if mine {
            tasks.push(Task {
                title: format!("Action: {}", item.title),
                detail: item
                    .due_on
                    .map(|d| format!("Due {d}."))
                    .unwrap_or_else(|| "No due date.".into()),
                href: format!("/meetings/{}#actions-heading", item.meeting_id),
            });
        }
    }
    Ok(tasks)
}
