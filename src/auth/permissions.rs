//! The one place that answers "may this person do this?". Services call `require`; handlers
//! never decide alone. Anything not granted here is denied.

use super::model::Person;
use crate::error::Error;

/// What a person is, in this coalition, right now. Later capabilities add their roles here
/// (secretariat by the rotation, evaluator, complaints panel member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Administrator,
    Secretariat,
    /// Belongs to a participating organisation (full member or associate).
    Member {
        organisation_id: i64,
    },
    /// Belongs to a full member: reads confidential agenda items and minutes.
    FullMember {
        organisation_id: i64,
    },
    /// The primary representative of a full member.
    Representative {
        organisation_id: i64,
    },
    /// An alternate representative of a full member.
    Alternate {
        organisation_id: i64,
    },
    /// May give a full member's internal authorisation.
    Authoriser {
        organisation_id: i64,
    },
    /// Convenes an active working group.
    Convenor {
        group_id: i64,
    },
    /// Evaluates one evaluation cycle (appointed by the secretariat; an external evaluator
    /// holds this role alone).
    Evaluator {
        evaluation_id: i64,
    },
}

/// Someone acting: the person and the roles they hold at this moment.
#[derive(Debug, Clone)]
pub struct Actor {
    pub person: Person,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn id(&self) -> i64 {
        self.person.id
    }

    pub fn has(&self, role: &Role) -> bool {
        self.roles.contains(role)
    }
}

/// Things a person may ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See their own dashboard and account.
    UseOwnAccount,
    /// Create and revoke their own API tokens.
    ManageOwnTokens,
    /// Read the audit record.
    ViewAudit,
    /// Add people and change the coalition's settings.
    AdministerCoalition,
    /// Choose what the coalition publishes and whether it keeps fees.
    ManageCoalitionSettings,
    /// Read the coalition's non-confidential records: the directory with contact details,
    /// the calendar, groups, the memorandum, who holds the secretariat. Confidential matters
    /// are decided apart (`visibility`).
    ViewDirectory,
    /// Admit, suspend and withdraw organisations, manage their people, criteria, fees and
    /// the memorandum: the secretariat's work.
    ManageMembership,
    /// Sign the memorandum on an organisation's behalf.
    SignMemorandum { organisation_id: i64 },
    /// Create a working group.
    CreateWorkingGroup,
    /// Change a working group's mandate, members and nominees.
    ManageWorkingGroup { group_id: i64 },
    /// Start the rotation, change its settings, swap or replace holders, put in cover.
    ManageSecretariat,
    /// Plan meetings, publish agendas, record attendance, write and approve minutes.
    ManageMeetings,
    /// Watch the outbox and send a failed mail again: the secretariat, whose mail it is, and
    /// the administrator, who configures its delivery.
    ManageMail,
    /// Draft joint statements, open rounds, adopt and publish: the secretariat for the
    /// plenary's statements, also the convenor for a working group's.
    DraftStatement { group_id: Option<i64> },
    /// Take the organisation's position in an approval round.
    TakePosition { organisation_id: i64 },
    /// Give or refuse the organisation's internal authorisation.
    AuthoriseStatement { organisation_id: i64 },
    /// Download everything held about a person (GDPR articles 15 and 20): the person, or the
    /// administrator on their request.
    ExportPersonalData { person_id: i64 },
    /// File a complaint on the organisation's behalf (its people), or as the secretariat
    /// (`None`).
    FileComplaint { organisation_id: Option<i64> },
    /// Open evaluation cycles, appoint their evaluators, move a report through its stages.
    ManageEvaluations,
    /// Write an evaluation's report: its evaluators.
    WriteEvaluationReport { evaluation_id: i64 },
    /// Take the report through its stages (shared, discussed, adopted) and keep its
    /// follow-up actions: the secretariat and the evaluation's evaluators.
    SteerEvaluation { evaluation_id: i64 },
    /// Keep the complaints register: acknowledge receipt, appoint panels, set the
    /// procedure's time limits. Never reading a complaint's content: that is decided per
    /// complaint (`visibility::complaint_sight`).
    KeepComplaintsRegister,
}

pub fn may(actor: &Actor, action: Action) -> bool {
    if !actor.person.active {
        return false;
    }
    match action {
        Action::UseOwnAccount | Action::ManageOwnTokens => true,
        Action::ViewAudit => actor.has(&Role::Administrator) || actor.has(&Role::Secretariat),
        Action::AdministerCoalition => actor.has(&Role::Administrator),
        Action::ManageCoalitionSettings => {
            actor.has(&Role::Administrator) || actor.has(&Role::Secretariat)
        }
        // The administrator reads what is not confidential, before and after the rotation.
        Action::ViewDirectory => {
            actor.has(&Role::Secretariat)
                || actor.has(&Role::Administrator)
                || actor.roles.iter().any(|r| matches!(r, Role::Member { .. }))
        }
        Action::ManageMembership | Action::CreateWorkingGroup => actor.has(&Role::Secretariat),
        Action::SignMemorandum { organisation_id } => {
            actor.has(&Role::Secretariat) || actor.has(&Role::Representative { organisation_id })
        }
        Action::ManageWorkingGroup { group_id } => {
            actor.has(&Role::Secretariat) || actor.has(&Role::Convenor { group_id })
        }
        // Once the rotation runs, its changes are the secretariat's alone (before, the
        // administrator holds the secretariat's role, see `actor::roles_from`).
        Action::ManageSecretariat => actor.has(&Role::Secretariat),
        Action::ManageMeetings => actor.has(&Role::Secretariat),
        Action::ManageMail => actor.has(&Role::Secretariat) || actor.has(&Role::Administrator),
        Action::DraftStatement { group_id } => {
            actor.has(&Role::Secretariat)
                || group_id.is_some_and(|group_id| actor.has(&Role::Convenor { group_id }))
        }
        // Only the people of that organisation: the secretariat cannot speak for a member.
        Action::TakePosition { organisation_id } => {
            actor.has(&Role::Representative { organisation_id })
                || actor.has(&Role::Alternate { organisation_id })
        }
        Action::AuthoriseStatement { organisation_id } => {
            actor.has(&Role::Authoriser { organisation_id })
        }
        Action::ExportPersonalData { person_id } => {
            actor.id() == person_id || actor.has(&Role::Administrator)
        }
        Action::FileComplaint {
            organisation_id: Some(organisation_id),
        } => actor.has(&Role::Member { organisation_id }),
        Action::ManageEvaluations => actor.has(&Role::Secretariat),
        Action::WriteEvaluationReport { evaluation_id } => {
            actor.has(&Role::Evaluator { evaluation_id })
        }
        Action::SteerEvaluation { evaluation_id } => {
            actor.has(&Role::Secretariat) || actor.has(&Role::Evaluator { evaluation_id })
        }
        Action::FileComplaint {
            organisation_id: None,
        }
        | Action::KeepComplaintsRegister => actor.has(&Role::Secretariat),
    }
}

pub fn require(actor: &Actor, action: Action) -> Result<(), Error> {
    if may(actor, action) {
        Ok(())
    } else {
        Err(Error::NotFor(action.for_whom()))
    }
}

impl Action {
    /// Who may, in words for the page that refuses someone else.
    pub fn for_whom(self) -> &'static str {
        match self {
            Action::UseOwnAccount | Action::ManageOwnTokens => "people who are signed in",
            Action::ViewAudit => "the secretariat and the administrator",
            Action::AdministerCoalition => "the administrator",
            Action::ManageCoalitionSettings => "the secretariat and the administrator",
            Action::ViewDirectory => {
                "the people of member and associate organisations, the secretariat and the administrator"
            }
            Action::ManageMembership
            | Action::CreateWorkingGroup
            | Action::ManageSecretariat
            | Action::ManageMeetings => "the secretariat",
            Action::ManageMail => "the secretariat and the administrator",
            Action::SignMemorandum { .. } => {
                "the organisation's primary representative and the secretariat"
            }
            Action::ManageWorkingGroup { .. } => "the group's convenor and the secretariat",
            Action::DraftStatement { group_id: None } => "the secretariat",
            Action::DraftStatement { .. } => "the group's convenor and the secretariat",
            Action::TakePosition { .. } => "the organisation's representative and alternates",
            Action::AuthoriseStatement { .. } => "the organisation's authorisers",
            Action::ExportPersonalData { .. } => "the person and the administrator",
            Action::FileComplaint {
                organisation_id: Some(_),
            } => "the people of the organisation",
            Action::ManageEvaluations => "the secretariat",
            Action::WriteEvaluationReport { .. } => "the evaluation's evaluators",
            Action::SteerEvaluation { .. } => "the secretariat and the evaluation's evaluators",
            Action::FileComplaint {
                organisation_id: None,
            }
            | Action::KeepComplaintsRegister => "the secretariat",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(active: bool, roles: Vec<Role>) -> Actor {
        Actor {
            person: Person {
                id: 1,
                name: "A".into(),
                email: "a@example.org".into(),
                password_hash: None,
                active,
                is_admin: roles.contains(&Role::Administrator),
                created_at: chrono::DateTime::UNIX_EPOCH.naive_utc(),
            },
            roles,
        }
    }

    #[test]
    fn a_plain_member_uses_only_their_account() {
        let member = actor(true, vec![]);
        assert!(may(&member, Action::UseOwnAccount));
        assert!(may(&member, Action::ManageOwnTokens));
        assert!(!may(&member, Action::ViewAudit));
        assert!(!may(&member, Action::AdministerCoalition));
    }

    /// Once the rotation runs the administrator holds no secretariat role: they configure
    /// and read what is not confidential, and never act for the secretariat or a member.
    #[test]
    fn the_administrator_configures_and_reads_but_never_acts_for_others() {
        let admin = actor(true, vec![Role::Administrator]);
        for allowed in [
            Action::ViewDirectory,
            Action::ViewAudit,
            Action::AdministerCoalition,
            Action::ManageCoalitionSettings,
            Action::ManageMail,
        ] {
            assert!(may(&admin, allowed), "{allowed:?}");
        }
        for refused in [
            Action::ManageSecretariat,
            Action::ManageMembership,
            Action::ManageMeetings,
            Action::CreateWorkingGroup,
            Action::DraftStatement { group_id: None },
            Action::TakePosition { organisation_id: 1 },
            Action::AuthoriseStatement { organisation_id: 1 },
            Action::SignMemorandum { organisation_id: 1 },
        ] {
            assert!(!may(&admin, refused), "{refused:?}");
        }
    }

    #[test]
    fn the_secretariat_reads_the_audit_but_does_not_administer() {
        let sec = actor(true, vec![Role::Secretariat]);
        assert!(may(&sec, Action::ViewAudit));
        assert!(!may(&sec, Action::AdministerCoalition));
        assert!(may(&sec, Action::ManageMembership));
        assert!(may(&sec, Action::ManageWorkingGroup { group_id: 9 }));
    }

    #[test]
    fn representatives_and_convenors_act_only_for_their_own() {
        let rep = actor(
            true,
            vec![
                Role::Member { organisation_id: 3 },
                Role::Representative { organisation_id: 3 },
            ],
        );
        assert!(may(&rep, Action::ViewDirectory));
        assert!(may(&rep, Action::SignMemorandum { organisation_id: 3 }));
        assert!(!may(&rep, Action::SignMemorandum { organisation_id: 4 }));
        assert!(!may(&rep, Action::ManageMembership));
        let convenor = actor(true, vec![Role::Convenor { group_id: 2 }]);
        assert!(may(&convenor, Action::ManageWorkingGroup { group_id: 2 }));
        assert!(!may(&convenor, Action::ManageWorkingGroup { group_id: 5 }));
        assert!(!may(&convenor, Action::CreateWorkingGroup));
        let outsider = actor(true, vec![]);
        assert!(!may(&outsider, Action::ViewDirectory));
    }

    #[test]
    fn only_an_organisation_s_own_people_speak_for_it() {
        let sec = actor(true, vec![Role::Secretariat, Role::Administrator]);
        assert!(may(&sec, Action::DraftStatement { group_id: None }));
        assert!(!may(&sec, Action::TakePosition { organisation_id: 3 }));
        assert!(!may(
            &sec,
            Action::AuthoriseStatement { organisation_id: 3 }
        ));
        let alternate = actor(true, vec![Role::Alternate { organisation_id: 3 }]);
        assert!(may(&alternate, Action::TakePosition { organisation_id: 3 }));
        assert!(!may(
            &alternate,
            Action::TakePosition { organisation_id: 4 }
        ));
        assert!(!may(
            &alternate,
            Action::AuthoriseStatement { organisation_id: 3 }
        ));
        let authoriser = actor(true, vec![Role::Authoriser { organisation_id: 3 }]);
        assert!(may(
            &authoriser,
            Action::AuthoriseStatement { organisation_id: 3 }
        ));
        assert!(!may(
            &authoriser,
            Action::AuthoriseStatement { organisation_id: 4 }
        ));
        assert!(!may(
            &authoriser,
            Action::TakePosition { organisation_id: 3 }
        ));
        let convenor = actor(true, vec![Role::Convenor { group_id: 2 }]);
        assert!(may(&convenor, Action::DraftStatement { group_id: Some(2) }));
        assert!(!may(
            &convenor,
            Action::DraftStatement { group_id: Some(5) }
        ));
        assert!(!may(&convenor, Action::DraftStatement { group_id: None }));
    }

    #[test]
    fn personal_data_is_the_persons_and_on_request_the_administrators() {
        let member = actor(true, vec![Role::Member { organisation_id: 3 }]);
        let own = member.id();
        assert!(may(&member, Action::ExportPersonalData { person_id: own }));
        assert!(!may(
            &member,
            Action::ExportPersonalData { person_id: own + 1 }
        ));
        let secretariat = actor(true, vec![Role::Secretariat]);
        assert!(
            !may(
                &secretariat,
                Action::ExportPersonalData { person_id: own + 1 }
            ),
            "the secretariat runs the coalition, not people's data requests"
        );
        let admin = actor(true, vec![Role::Administrator]);
        assert!(may(
            &admin,
            Action::ExportPersonalData { person_id: own + 1 }
        ));
    }

    #[test]
    fn complaints_are_filed_by_an_organisation_s_people_or_the_secretariat() {
        let member = actor(true, vec![Role::Member { organisation_id: 3 }]);
        let own = Action::FileComplaint {
            organisation_id: Some(3),
        };
        let other = Action::FileComplaint {
            organisation_id: Some(4),
        };
        let as_secretariat = Action::FileComplaint {
            organisation_id: None,
        };
        assert!(may(&member, own));
        assert!(!may(&member, other));
        assert!(!may(&member, as_secretariat));
        assert!(!may(&member, Action::KeepComplaintsRegister));
        let secretariat = actor(true, vec![Role::Secretariat]);
        assert!(may(&secretariat, as_secretariat));
        assert!(may(&secretariat, Action::KeepComplaintsRegister));
        assert!(
            !may(&secretariat, own),
            "the secretariat does not speak for a member"
        );
        let admin = actor(true, vec![Role::Administrator]);
        for action in [own, as_secretariat, Action::KeepComplaintsRegister] {
            assert!(!may(&admin, action), "{action:?}");
        }
    }

    #[test]
    fn an_inactive_person_may_do_nothing() {
        let admin = actor(false, vec![Role::Administrator]);
        assert!(!may(&admin, Action::UseOwnAccount));
        assert!(!may(&admin, Action::AdministerCoalition));
        assert!(matches!(
            require(&admin, Action::ViewAudit),
            Err(Error::NotFor("the secretariat and the administrator"))
        ));
    }
}
