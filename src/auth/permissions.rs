//! The one place that answers "may this person do this?". Services call `require`; handlers
//! never decide alone. Anything not granted here is denied.

use super::model::Person;
use crate::db::DbConn;
use crate::error::Error;

/// What a person is, in this coalition, right now. Later capabilities add their roles here
/// (secretariat by the rotation, representative and authoriser by their organisation,
/// convenor by their working group, evaluator, complaints panel member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Administrator,
    Secretariat,
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
}

pub fn may(actor: &Actor, action: Action) -> bool {
    if !actor.person.active {
        return false;
    }
    match action {
        Action::UseOwnAccount | Action::ManageOwnTokens => true,
        Action::ViewAudit => actor.has(&Role::Administrator) || actor.has(&Role::Secretariat),
        Action::AdministerCoalition => actor.has(&Role::Administrator),
    }
}

pub fn require(actor: &Actor, action: Action) -> Result<(), Error> {
    if may(actor, action) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The roles a person holds now, worked out from the records (never from a stored flag that
/// someone must remember to clear).
pub fn roles_of(_conn: &mut DbConn, person: &Person) -> Result<Vec<Role>, Error> {
    let mut roles = Vec::new();
    if person.is_admin {
        roles.push(Role::Administrator);
    }
    Ok(roles)
}

pub fn actor_for(conn: &mut DbConn, person: Person) -> Result<Actor, Error> {
    let roles = roles_of(conn, &person)?;
    Ok(Actor { person, roles })
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

    #[test]
    fn the_secretariat_reads_the_audit_but_does_not_administer() {
        let sec = actor(true, vec![Role::Secretariat]);
        assert!(may(&sec, Action::ViewAudit));
        assert!(!may(&sec, Action::AdministerCoalition));
    }

    #[test]
    fn an_inactive_person_may_do_nothing() {
        let admin = actor(false, vec![Role::Administrator]);
        assert!(!may(&admin, Action::UseOwnAccount));
        assert!(!may(&admin, Action::AdministerCoalition));
        assert!(matches!(
            require(&admin, Action::ViewAudit),
            Err(Error::Forbidden)
        ));
    }
}
