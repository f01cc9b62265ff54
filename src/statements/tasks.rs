//! What joint statements ask of a person, for "what needs me" on the dashboard: positions to
//! take, authorisations to give, and for drafters, statements ready to adopt or publish and
//! amendments to consider. A fixed number of queries, however many statements there are.

use chrono::NaiveDate;

use super::rounds;
use super::rules::{Outcome, Standing, Status};
use super::store;
use crate::auth::{Action, Actor, Role, permissions};
use crate::db::DbConn;
use crate::error::Error;
use crate::task::Task;

pub fn for_actor(conn: &mut DbConn, actor: &Actor, today: NaiveDate) -> Result<Vec<Task>, Error> {
    let mut tasks = Vec::new();
    if !store::may_see(Some(actor)) {
        return Ok(tasks);
    }
    let open = rounds::open_rounds(conn)?;
    let boards = rounds::standings(conn, &open.iter().map(|(_, r)| r).collect::<Vec<_>>())?;
    for (s, round) in &open {
        let href = format!("/statements/{}#round", s.id);
        let rows = boards.get(&round.id).map(Vec::as_slice).unwrap_or_default();
        let running = today <= round.deadline;
        for row in rows {
            let organisation_id = row.member.id;
            if running
                && row.standing == Standing::NoAnswer
                && permissions::may(actor, Action::TakePosition { organisation_id })
            {
                tasks.push(Task {
                    title: format!("Take {}'s position on \"{}\"", row.member.name, s.title),
                    detail: format!("Approve, abstain or object by {}.", round.deadline),
                    href: href.clone(),
                });
            }
            if running
                && row.standing == Standing::AwaitingAuthorisation
                && permissions::may(actor, Action::AuthoriseStatement { organisation_id })
            {
                tasks.push(Task {
                    title: format!("Authorise \"{}\" for {}", s.title, row.member.name),
                    detail: format!(
                        "Your organisation approved; confirm or refuse by {}.",
                        round.deadline
                    ),
                    href: href.clone(),
                });
            }
        }
        if store::may_draft(actor, s)
            && matches!(
                rounds::outcome_of_standings(rounds::rule_of(round), rows, round.deadline, today),
                Outcome::Met { .. }
            )
        {
            let verb = if store::status_of(s) == Status::Adopted {
                "Publish"
            } else {
                "Adopt"
            };
            tasks.push(Task {
                title: format!("{verb} \"{}\"", s.title),
                detail: "Its decision rule is met.".into(),
                href: href.clone(),
            });
        }
    }
    let drafts_anything = actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Secretariat | Role::Convenor { .. }));
    if drafts_anything {
        for (s, open) in store::open_amendments(conn)? {
            if store::may_draft(actor, &s) && store::status_of(&s).open_for_comments() {
                tasks.push(Task {
                    title: format!("Consider {open} proposed amendment(s) to \"{}\"", s.title),
                    detail: "Take one into a new version, or decline it.".into(),
                    href: format!("/statements/{}#comments", s.id),
                });
            }
        }
    }
    Ok(tasks)
}
