//! What joint statements ask of a person, for "what needs me" on the dashboard: positions to
//! take, authorisations to give, and for drafters, statements ready to adopt or publish and
//! amendments to consider.

use super::rounds::{self, BoardRow};
use super::rules::{Outcome, Standing, Status};
use super::store;
use crate::auth::{Action, Actor, permissions};
use crate::db::DbConn;
use chrono::NaiveDate;

use crate::error::Error;
use crate::membership::tasks::Task;

pub fn for_actor(conn: &mut DbConn, actor: &Actor, today: NaiveDate) -> Result<Vec<Task>, Error> {
    let mut tasks = Vec::new();
    if !store::may_see(Some(actor)) {
        return Ok(tasks);
    }
    for s in store::list(conn)? {
        let status = store::status_of(&s);
        let href = format!("/statements/{}", s.id);
        if let Some(round) = rounds::open_round(conn, s.id)? {
            let rows: Vec<BoardRow> = rounds::board(conn, &round)?;
            for row in &rows {
                let org = row.member.id;
                let may_position = permissions::may(
                    actor,
                    Action::TakePosition {
                        organisation_id: org,
                    },
                );
                if may_position && row.standing == Standing::NoAnswer && today <= round.deadline {
                    tasks.push(Task {
                        title: format!("Take {}'s position on \"{}\"", row.member.name, s.title),
                        detail: format!("Approve, abstain or object by {}.", round.deadline),
                        href: format!("{href}#round"),
                    });
                }
                let may_authorise = permissions::may(
                    actor,
                    Action::AuthoriseStatement {
                        organisation_id: org,
                    },
                );
                if may_authorise
                    && row.standing == Standing::AwaitingAuthorisation
                    && today <= round.deadline
                {
                    tasks.push(Task {
                        title: format!("Authorise \"{}\" for {}", s.title, row.member.name),
                        detail: format!(
                            "Your organisation approved; confirm or refuse by {}.",
                            round.deadline
                        ),
                        href: format!("{href}#round"),
                    });
                }
            }
            if store::may_draft(actor, &s) {
                let result = rounds::outcome(rounds::rule_of(&round), &rows, round.deadline, today);
                if matches!(result, Outcome::Met { .. }) {
                    tasks.push(Task {
                        title: format!(
                            "{} \"{}\"",
                            if status == Status::Adopted {
                                "Publish"
                            } else {
                                "Adopt"
                            },
                            s.title
                        ),
                        detail: "Its decision rule is met.".into(),
                        href: format!("{href}#round"),
                    });
                }
            }
        }
        if store::may_draft(actor, &s) && status.open_for_comments() {
            let open = store::comments(conn, s.id)?
                .iter()
                .filter(|c| c.proposed_text.is_some() && c.status == "open")
                .count();
            if open > 0 {
                tasks.push(Task {
                    title: format!("Consider {open} proposed amendment(s) to \"{}\"", s.title),
                    detail: "Take one into a new version, or decline it.".into(),
                    href: format!("{href}#comments"),
                });
            }
        }
    }
    Ok(tasks)
}
