//! The one answer to "may this person see this?": pure functions of who asks and what is
//! asked for, so that pages, the API, feeds, mail and exports decide alike. Permissions
//! (`permissions`) say what a person may do; this says what they may read.

use super::permissions::{Actor, Role};
use crate::complaints::rules::{About, Seat, Standing};
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

/// How much of a complaint someone reads. Ordered: each level includes the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ComplaintSight {
    /// Not even that it exists.
    Nothing,
    /// The register: that it exists, its reference, stage, due dates and panel, to
    /// schedule the work (the secretariat). Never the parties or a word of the content.
    Register,
    /// Also who the parties are: what an appointed panel member needs to declare whether
    /// they have a conflict of interest, before anything else opens to them.
    Parties,
    /// The text, the messages meant for them, the files, the proposal, the outcome's
    /// details and the access record: the parties and the serving panel.
    Content,
}

/// The facts of a complaint that decide who stands where in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintParties {
    /// The complainant organisation (None: the secretariat filed it).
    pub complainant_org: Option<i64>,
    /// None once the retention period has pseudonymised the case.
    pub filed_by: Option<i64>,
    pub about: About,
    pub respondent_org: Option<i64>,
    /// The respondent has been told (after the assessment); until then it reads nothing.
    pub respondent_notified: bool,
}

/// Who `actor` is to the complaint, given their seat on its panel: the filer and the
/// complainant organisation's representatives; the respondent organisation's
/// representatives (or the secretariat, when it is the respondent) once notified.
pub fn complaint_standing(actor: &Actor, parties: &ComplaintParties, seat: Seat) -> Standing {
    let speaks_for = |organisation_id: i64| {
        actor.has(&Role::Representative { organisation_id })
            || actor.has(&Role::Alternate { organisation_id })
    };
    let secretariat = actor.has(&Role::Secretariat);
    let complainant = parties.filed_by == Some(actor.id())
        || match parties.complainant_org {
            Some(o) => speaks_for(o),
            None => secretariat,
        };
    let respondent = parties.respondent_notified
        && match (parties.about, parties.respondent_org) {
            (About::Organisation, Some(o)) => speaks_for(o),
            (About::Secretariat, _) => secretariat,
            _ => false,
        };
    Standing {
        complainant,
        respondent,
        seat,
        secretariat,
    }
}

/// The one rule of who reads a complaint: the parties and the serving panel read its
/// content; an appointed panel member who has not yet declared sees who the parties are;
/// the secretariat keeps the register; the administrator, other members, evaluators (who
/// get counts only) and the public see nothing.
pub fn complaint_sight(actor: Option<&Actor>, standing: &Standing) -> ComplaintSight {
    let Some(actor) = actor.filter(|a| a.person.active) else {
        return ComplaintSight::Nothing;
    };
    if standing.complainant || standing.respondent || standing.seat == Seat::Serving {
        ComplaintSight::Content
    } else if standing.seat == Seat::Appointed {
        ComplaintSight::Parties
    } else if actor.has(&Role::Secretariat) {
        ComplaintSight::Register
    } else {
        ComplaintSight::Nothing
    }
}

/// Whether a message of a complaint's thread is the reader's: the serving panel reads
/// every message; a party reads what was meant for both parties, and what its own side
/// wrote to the panel alone. `party` and `audience` are the message's.
pub fn sees_complaint_message(standing: &Standing, party: &str, audience: &str) -> bool {
    if standing.seat == Seat::Serving {
        return true;
    }
    let own = standing.party().is_some_and(|p| p.as_str() == party);
    (standing.complainant || standing.respondent) && (audience == "parties" || own)
}

/// Whether the filer's name is kept from this reader: they asked so, and the reader is the
/// respondent's (not the complainant's side, not the panel).
pub fn hides_complaint_filer(standing: &Standing, filer_unnamed: bool) -> bool {
    filer_unnamed && standing.respondent && !standing.complainant && standing.seat != Seat::Serving
}

/// How much of an evaluation someone reads. Ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EvaluationSight {
    Nothing,
    /// The indicators and the report, once shared with the members.
    Report,
    /// Everything of the cycle as it is being made: the draft, the evaluators, the record
    /// of their reads.
    Work,
}

/// The secretariat and the cycle's evaluators work on it; the people of member
/// organisations read it once shared for comment; the administrator reads it once adopted
/// (what the coalition adopted is no secret from the one who runs its server); nobody else.
pub fn evaluation_sight(
    actor: Option<&Actor>,
    evaluation_id: i64,
    status: crate::evaluations::rules::Status,
) -> EvaluationSight {
    use crate::evaluations::rules::Status;
    let Some(actor) = actor.filter(|a| a.person.active) else {
        return EvaluationSight::Nothing;
    };
    if actor.has(&Role::Secretariat) || actor.has(&Role::Evaluator { evaluation_id }) {
        EvaluationSight::Work
    } else if (status >= Status::Shared
        && actor.roles.iter().any(|r| matches!(r, Role::Member { .. })))
        || (status == Status::Adopted && actor.has(&Role::Administrator))
    {
        EvaluationSight::Report
    } else {
        EvaluationSight::Nothing
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
    fn a_complaint_is_read_by_its_parties_and_serving_panel_only() {
        use ComplaintSight::{Content, Nothing, Parties as Names, Register};
        // Filed by person 1 of organisation 1 against organisation 2.
        let against_org = ComplaintParties {
            complainant_org: Some(1),
            filed_by: Some(1),
            about: About::Organisation,
            respondent_org: Some(2),
            respondent_notified: true,
        };
        let person = |id: i64, roles: Vec<Role>| {
            let mut a = actor(true, roles);
            a.person.id = id;
            a
        };
        let rep = |o: i64| {
            vec![
                Role::Member { organisation_id: o },
                Role::FullMember { organisation_id: o },
                Role::Representative { organisation_id: o },
            ]
        };
        let sight = |a: &Actor, parties: &ComplaintParties, seat: Seat| {
            complaint_sight(Some(a), &complaint_standing(a, parties, seat))
        };
        let filer = person(1, vec![Role::Member { organisation_id: 1 }]);
        let colleague = person(5, vec![Role::Member { organisation_id: 1 }]);
        let complainant_rep = person(6, rep(1));
        let respondent_rep = person(7, rep(2));
        let bystander = person(8, rep(3));
        let secretariat = person(9, vec![Role::Secretariat]);
        let admin = person(10, vec![Role::Administrator]);
        let table = [
            (&filer, Seat::None, Content),
            (&colleague, Seat::None, Nothing),
            (&complainant_rep, Seat::None, Content),
            (&respondent_rep, Seat::None, Content),
            (&bystander, Seat::None, Nothing),
            (&bystander, Seat::Appointed, Names),
            (&bystander, Seat::Serving, Content),
            (&secretariat, Seat::None, Register),
            (&secretariat, Seat::Serving, Content),
            (&admin, Seat::None, Nothing),
        ];
        for (who, seat, expected) in table {
            assert_eq!(sight(who, &against_org, seat), expected, "{who:?} {seat:?}");
            let mut gone = who.clone();
            gone.person.active = false;
            assert_eq!(sight(&gone, &against_org, seat), Nothing, "deactivated");
        }
        assert_eq!(
            complaint_sight(None, &Standing::default()),
            Nothing,
            "the public"
        );
        // Before the assessment, the respondent reads nothing.
        let unnotified = ComplaintParties {
            respondent_notified: false,
            ..against_org
        };
        assert_eq!(sight(&respondent_rep, &unnotified, Seat::None), Nothing);
        // Against the secretariat: its holders answer, once notified.
        let against_secretariat = ComplaintParties {
            about: About::Secretariat,
            respondent_org: None,
            ..against_org
        };
        assert_eq!(
            sight(&secretariat, &against_secretariat, Seat::None),
            Content
        );
        assert_eq!(
            sight(&respondent_rep, &against_secretariat, Seat::None),
            Nothing
        );
        // Filed by the secretariat: it is the complainant.
        let by_secretariat = ComplaintParties {
            complainant_org: None,
            filed_by: Some(99),
            ..against_org
        };
        assert_eq!(sight(&secretariat, &by_secretariat, Seat::None), Content);
        assert_eq!(sight(&filer, &by_secretariat, Seat::None), Nothing);
        // An issue has no respondent.
        let issue = ComplaintParties {
            about: About::Issue,
            respondent_org: None,
            ..against_org
        };
        assert_eq!(sight(&respondent_rep, &issue, Seat::None), Nothing);
    }

    #[test]
    fn a_complaint_s_messages_reach_their_audience_only() {
        let complainant = Standing {
            complainant: true,
            ..Standing::default()
        };
        let respondent = Standing {
            respondent: true,
            ..Standing::default()
        };
        let serving = Standing {
            seat: Seat::Serving,
            ..Standing::default()
        };
        let appointed = Standing {
            seat: Seat::Appointed,
            ..Standing::default()
        };
        let secretariat = Standing {
            secretariat: true,
            ..Standing::default()
        };
        let table = [
            // (party, audience): complainant, respondent, serving, appointed, secretariat
            (("complainant", "parties"), [true, true, true, false, false]),
            (("complainant", "panel"), [true, false, true, false, false]),
            (("respondent", "panel"), [false, true, true, false, false]),
            (("panel", "parties"), [true, true, true, false, false]),
            (("panel", "panel"), [false, false, true, false, false]),
        ];
        let readers = [complainant, respondent, serving, appointed, secretariat];
        for ((party, audience), expected) in table {
            for (reader, sees) in readers.iter().zip(expected) {
                assert_eq!(
                    sees_complaint_message(reader, party, audience),
                    sees,
                    "{party}/{audience} to {reader:?}"
                );
            }
        }
        assert!(hides_complaint_filer(&respondent, true));
        assert!(!hides_complaint_filer(&respondent, false));
        assert!(!hides_complaint_filer(&complainant, true));
        assert!(!hides_complaint_filer(&serving, true));
    }

    #[test]
    fn an_evaluation_is_worked_on_by_its_evaluators_and_read_once_shared() {
        use crate::evaluations::rules::Status;
        use EvaluationSight::{Nothing, Report, Work};
        let member = actor(true, vec![Role::Member { organisation_id: 1 }]);
        let evaluator = actor(true, vec![Role::Evaluator { evaluation_id: 7 }]);
        let other_evaluator = actor(true, vec![Role::Evaluator { evaluation_id: 8 }]);
        let secretariat = actor(true, vec![Role::Secretariat]);
        let admin = actor(true, vec![Role::Administrator]);
        for status in Status::ALL {
            let shared = status >= Status::Shared;
            assert_eq!(evaluation_sight(Some(&secretariat), 7, status), Work);
            assert_eq!(evaluation_sight(Some(&evaluator), 7, status), Work);
            assert_eq!(
                evaluation_sight(Some(&other_evaluator), 7, status),
                Nothing,
                "another cycle's evaluator"
            );
            assert_eq!(
                evaluation_sight(Some(&member), 7, status),
                if shared { Report } else { Nothing }
            );
            assert_eq!(
                evaluation_sight(Some(&admin), 7, status),
                if status == Status::Adopted {
                    Report
                } else {
                    Nothing
                }
            );
            assert_eq!(evaluation_sight(None, 7, status), Nothing);
            let mut gone = evaluator.clone();
            gone.person.active = false;
            assert_eq!(evaluation_sight(Some(&gone), 7, status), Nothing);
        }
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
