//! The one answer to "may this person see this?": pure functions of who asks and what is
//! asked for, so that pages, the API, feeds, mail and exports decide alike. Permissions
//! (`permissions`) say what a person may do; this says what they may read.

use super::permissions::{Actor, Role};
use crate::statements::rules::Status as StatementStage;

/// Confidential matters (confidential agenda items, the confidential part of minutes,
/// confidential addenda) are for the secretariat and the people of full members only: never
/// for associates, guests, the public, a calendar feed, or a mail to anyone else.
pub fn sees_confidential(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| {
        a.person.active
            && a.roles
                .iter()
                .any(|r| matches!(r, Role::Secretariat | Role::FullMember { .. }))
    })
}

/// An organisation's fees (tier, amounts, payments) are between it and the secretariat: its
/// own people and the secretariat see them, no other member.
pub fn sees_fees_of(actor: &Actor, organisation_id: i64) -> bool {
    actor.person.active
        && actor.roles.iter().any(|r| match r {
            Role::Secretariat => true,
            Role::Member { organisation_id: o } => *o == organisation_id,
            _ => false,
        })
}

/// A meeting's audience: a public meeting is everyone's; the others are for those who read
/// the coalition's records, and for whoever runs the meeting (a working group's convenor).
pub fn sees_meeting(actor: Option<&Actor>, public: bool, runs_it: bool) -> bool {
    public
        || actor.is_some_and(|a| {
            runs_it || super::permissions::may(a, super::permissions::Action::ViewDirectory)
        })
}

/// Whether the details of an audit event (what was written, with which reason or reference)
/// are the reader's to see. The event itself (who, what, on which record, when) always is:
/// the record is whole for everyone who may read it. Its details follow the rules above:
/// confidential matters, a statement's drafts and board, an organisation's fees.
pub fn sees_audit_details(actor: &Actor, action: &str, details: &serde_json::Value) -> bool {
    if !actor.person.active {
        return false;
    }
    if actor.roles.contains(&Role::Secretariat) {
        return true;
    }
    if details["confidential"].as_bool() == Some(true) {
        return sees_confidential(Some(actor));
    }
    let statement_work = action.starts_with("statement.") && action != "statement.published";
    let fees = action.starts_with("fee");
    !(statement_work || fees)
}

/// How much of a joint statement someone reads. Ordered: each level includes the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatementSight {
    /// Not even that it exists (a draft is its drafters' business).
    Nothing,
    /// The text, its versions, the comments and the outcome.
    Text,
    /// Also the round's board: each member's position, objection reasons and internal
    /// authorisation references.
    Board,
}

/// A draft is read by its drafters and the secretariat; from the consultation on, the text
/// by the people of every participating organisation; the board of a round (who approved,
/// who objected and why, the internal references) by full members and the secretariat only:
/// associates see the outcome.
pub fn statement_sight(
    actor: Option<&Actor>,
    stage: StatementStage,
    drafts: bool,
) -> StatementSight {
    let Some(actor) = actor.filter(|a| a.person.active) else {
        return StatementSight::Nothing;
    };
    let has = |wanted: fn(&Role) -> bool| actor.roles.iter().any(wanted);
    if drafts || has(|r| matches!(r, Role::Secretariat)) {
        return StatementSight::Board;
    }
    if stage == StatementStage::Drafting {
        return StatementSight::Nothing;
    }
    if has(|r| matches!(r, Role::FullMember { .. })) {
        StatementSight::Board
    } else if has(|r| matches!(r, Role::Member { .. })) {
        StatementSight::Text
    } else if stage == StatementStage::Published && has(|r| matches!(r, Role::Administrator)) {
        // What the coalition published is no secret from the one who runs its server.
        StatementSight::Text
    } else {
        StatementSight::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::Person;

    fn actor(active: bool, roles: Vec<Role>) -> Actor {
        Actor {
            person: Person {
                id: 1,
                name: "A".into(),
                email: "a@example.org".into(),
                password_hash: None,
                active,
                is_admin: false,
                created_at: chrono::DateTime::UNIX_EPOCH.naive_utc(),
            },
            roles,
        }
    }

    #[test]
    fn confidential_matters_reach_full_members_and_the_secretariat_only() {
        let table = [
            (vec![Role::Secretariat], true),
            (vec![Role::FullMember { organisation_id: 1 }], true),
            (vec![Role::Member { organisation_id: 1 }], false),
            (vec![Role::Administrator], false),
            (vec![Role::Convenor { group_id: 1 }], false),
            (vec![], false),
        ];
        for (roles, sees) in table {
            assert_eq!(
                sees_confidential(Some(&actor(true, roles.clone()))),
                sees,
                "{roles:?}"
            );
            assert!(
                !sees_confidential(Some(&actor(false, roles))),
                "deactivated"
            );
        }
        assert!(!sees_confidential(None), "the public");
    }

    #[test]
    fn a_statement_is_read_by_stage_and_standing() {
        use StatementSight::{Board, Nothing, Text};
        let full = vec![
            Role::Member { organisation_id: 1 },
            Role::FullMember { organisation_id: 1 },
        ];
        let associate = vec![Role::Member { organisation_id: 2 }];
        for stage in StatementStage::ALL {
            let drafting = stage == StatementStage::Drafting;
            let expect = |reader: &[Role], drafts: bool| {
                statement_sight(Some(&actor(true, reader.to_vec())), stage, drafts)
            };
            assert_eq!(expect(&[Role::Secretariat], false), Board, "{stage:?}");
            assert_eq!(expect(&associate, true), Board, "a drafter, {stage:?}");
            assert_eq!(expect(&full, false), if drafting { Nothing } else { Board });
            assert_eq!(
                expect(&associate, false),
                if drafting { Nothing } else { Text }
            );
            let published = stage == StatementStage::Published;
            assert_eq!(
                expect(&[Role::Administrator], false),
                if published { Text } else { Nothing },
                "{stage:?}"
            );
            assert_eq!(expect(&[], false), Nothing, "{stage:?}");
            assert_eq!(
                statement_sight(Some(&actor(false, full.clone())), stage, false),
                Nothing,
                "deactivated"
            );
            assert_eq!(statement_sight(None, stage, false), Nothing, "the public");
        }
    }

    #[test]
    fn the_administrator_reads_every_event_but_not_confidential_details() {
        let admin = actor(true, vec![Role::Administrator]);
        let secretariat = actor(true, vec![Role::Secretariat]);
        let open = serde_json::json!({ "title": "Venue" });
        let secret = serde_json::json!({ "title": "Raid", "confidential": true });
        let table = [
            ("agenda.item_added", &open, true),
            ("agenda.item_added", &secret, false),
            ("statement.position_taken", &open, false),
            ("statement.authorisation_decided", &open, false),
            ("statement.published", &open, true),
            ("fee.paid", &open, false),
            ("organisation.status_changed", &open, true),
        ];
        for (action, details, admin_sees) in table {
            assert_eq!(
                sees_audit_details(&admin, action, details),
                admin_sees,
                "{action}"
            );
            assert!(
                sees_audit_details(&secretariat, action, details),
                "{action}"
            );
        }
        assert!(!sees_audit_details(
            &actor(false, vec![Role::Secretariat]),
            "x.y",
            &open
        ));
    }

    #[test]
    fn a_meeting_is_seen_by_its_audience() {
        let member = actor(true, vec![Role::Member { organisation_id: 1 }]);
        let outsider = actor(true, vec![]);
        assert!(sees_meeting(None, true, false), "public: everyone");
        assert!(!sees_meeting(None, false, false));
        assert!(sees_meeting(Some(&member), false, false));
        assert!(!sees_meeting(Some(&outsider), false, false));
        assert!(
            sees_meeting(Some(&outsider), false, true),
            "the one who runs it"
        );
        assert!(!sees_meeting(
            Some(&actor(false, vec![Role::Member { organisation_id: 1 }])),
            false,
            false
        ));
    }

    #[test]
    fn fees_are_seen_by_their_organisation_and_the_secretariat_only() {
        let table = [
            (vec![Role::Secretariat], true),
            (vec![Role::Member { organisation_id: 1 }], true),
            (
                vec![
                    Role::Member { organisation_id: 2 },
                    Role::FullMember { organisation_id: 2 },
                ],
                false,
            ),
            (vec![Role::Administrator], false),
            (vec![], false),
        ];
        for (roles, sees) in table {
            assert_eq!(
                sees_fees_of(&actor(true, roles.clone()), 1),
                sees,
                "{roles:?}"
            );
            assert!(!sees_fees_of(&actor(false, roles), 1), "deactivated");
        }
    }
}
