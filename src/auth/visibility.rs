//! The one answer to "may this person see this?": pure functions of who asks and what is
//! asked for, so that pages, the API, feeds, mail and exports decide alike. Permissions
//! (`permissions`) say what a person may do; this says what they may read.

use super::permissions::{Actor, Role};

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
