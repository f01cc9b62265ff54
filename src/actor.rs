//! Who is acting: a person and the roles they hold right now, worked out from the records
//! (their organisation and its standing, representation, the rotation's terms and covers,
//! the groups they convene), never from a stored flag that someone must remember to clear.
//! Resolved once per request (web context, API token) and by the command line, in two
//! queries; the permission and visibility checks in `auth` then decide on the result alone.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Text};

use crate::auth::model::{Person, ServerSession};
use crate::auth::permissions::{Actor, Role};
use crate::clock::Clock;
use crate::coalition::Coalition;
use crate::db::DbConn;
use crate::db::schema::{affiliations, coalition, organisations, people, sessions};
use crate::error::Error;
use crate::membership::rules::{Representation, Side, Status};

/// A person's place in their organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affiliation {
    pub organisation_id: i64,
    pub representation: Option<String>,
    pub is_authoriser: bool,
    /// The organisation's membership status.
    pub status: String,
}

/// One fact about the day that decides roles: the running term, a holder or a cover of the
/// secretariat (with whether it is still a full member), a group the person convenes.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Fact {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub side: String,
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Bool)]
    pub full: bool,
}

/// The rotation on `$1` and the active groups person `$2` convenes, as one list of facts.
const FACTS: &str = "\
SELECT 'term' AS kind, '' AS side, t.id AS id, TRUE AS full FROM secretariat_terms t \
 WHERE t.starts_on <= $1 AND t.ends_on > $1 \
UNION ALL SELECT 'holder', 'civil_society', o.id, o.status = 'full' FROM secretariat_terms t \
 JOIN organisations o ON o.id = t.civil_society_org WHERE t.starts_on <= $1 AND t.ends_on > $1 \
UNION ALL SELECT 'holder', 'governmental', o.id, o.status = 'full' FROM secretariat_terms t \
 JOIN organisations o ON o.id = t.governmental_org WHERE t.starts_on <= $1 AND t.ends_on > $1 \
UNION ALL SELECT 'cover', c.side, o.id, o.status = 'full' FROM secretariat_covers c \
 JOIN secretariat_terms t ON t.id = c.term_id JOIN organisations o ON o.id = c.organisation_id \
 WHERE t.starts_on <= $1 AND t.ends_on > $1 AND c.starts_on <= $1 AND c.ends_on > $1 \
UNION ALL SELECT 'convenor', '', g.id, TRUE FROM working_groups g \
 WHERE g.convenor_id = $2 AND g.status = 'active' \
UNION ALL SELECT 'evaluator', '', e.evaluation_id, TRUE FROM evaluation_evaluators e \
 WHERE e.person_id = $2";

/// The organisations holding the secretariat according to `facts` (a cover replaces its
/// side's holder; an organisation no longer a full member holds nothing), and whether a term
/// runs at all.
fn holders(facts: &[Fact]) -> (Vec<i64>, bool) {
    let running = facts.iter().any(|f| f.kind == "term");
    let mut holders = Vec::new();
    for side in [Side::CivilSociety, Side::Governmental] {
        let of_side = |kind: &str| {
            facts
                .iter()
                .find(|f| f.kind == kind && Side::parse(&f.side) == Some(side))
        };
        if let Some(f) = of_side("cover").or_else(|| of_side("holder"))
            && f.full
        {
            holders.push(f.id);
        }
    }
    (holders, running)
}

/// The roles the facts give a person: pure, so that every rule of who-may-act is tested as
/// a table.
pub fn roles_from(person: &Person, affiliation: Option<&Affiliation>, facts: &[Fact]) -> Vec<Role> {
    let mut roles = Vec::new();
    if !person.active {
        return roles;
    }
    if person.is_admin {
        roles.push(Role::Administrator);
    }
    let (holders, running) = holders(facts);
    let holds = affiliation.is_some_and(|a| holders.contains(&a.organisation_id));
    // Before the rotation starts (or in a gap), administrators act for the secretariat, so
    // a coalition being set up is never without one.
    if holds || (person.is_admin && !running) {
        roles.push(Role::Secretariat);
    }
    if let Some(a) = affiliation {
        let organisation_id = a.organisation_id;
        let status = Status::parse(&a.status);
        if status.is_some_and(Status::participates) {
            roles.push(Role::Member { organisation_id });
        }
        // Associates, suspended and withdrawn organisations hold no representative rights.
        if status.is_some_and(Status::takes_positions) {
            roles.push(Role::FullMember { organisation_id });
            match a.representation.as_deref().and_then(Representation::parse) {
                Some(Representation::Primary) => {
                    roles.push(Role::Representative { organisation_id })
                }
                Some(Representation::Alternate) => roles.push(Role::Alternate { organisation_id }),
                None => {}
            }
            if a.is_authoriser {
                roles.push(Role::Authoriser { organisation_id });
            }
        }
    }
    roles.extend(
        facts
            .iter()
            .filter(|f| f.kind == "convenor")
            .map(|f| Role::Convenor { group_id: f.id }),
    );
    roles.extend(
        facts
            .iter()
            .filter(|f| f.kind == "evaluator")
            .map(|f| Role::Evaluator {
                evaluation_id: f.id,
            }),
    );
    roles
}

type PersonRow = (
    Option<Person>,
    Option<i64>,
    Option<String>,
    Option<bool>,
    Option<String>,
);

fn with_affiliation(row: PersonRow) -> Option<(Person, Option<Affiliation>)> {
    let (person, organisation_id, representation, is_authoriser, status) = row;
    let affiliation = organisation_id.map(|organisation_id| Affiliation {
        organisation_id,
        representation,
        is_authoriser: is_authoriser.unwrap_or(false),
        status: status.unwrap_or_default(),
    });
    person.map(|p| (p, affiliation))
}

fn with_roles(
    conn: &mut DbConn,
    person: Person,
    affiliation: Option<Affiliation>,
    day: NaiveDate,
) -> Result<Actor, Error> {
    let facts: Vec<Fact> = diesel::sql_query(FACTS)
        .bind::<Date, _>(day)
        .bind::<BigInt, _>(person.id)
        .load(conn)?;
    let roles = roles_from(&person, affiliation.as_ref(), &facts);
    Ok(Actor { person, roles })
}

/// Active people with their organisation and standing there: one query for any number.
fn with_affiliations(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<Vec<(Person, Option<Affiliation>)>, Error> {
    let rows: Vec<PersonRow> = people::table
        .left_join(affiliations::table.left_join(organisations::table))
        .filter(people::id.eq_any(ids))
        .filter(people::active.eq(true))
        .select((
            people::all_columns.nullable(),
            affiliations::organisation_id.nullable(),
            affiliations::representation.nullable(),
            affiliations::is_authoriser.nullable(),
            organisations::status.nullable(),
        ))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(with_affiliation).collect())
}

/// The active person `person_id` with the roles they hold on `day`: two queries.
pub fn resolve(conn: &mut DbConn, person_id: i64, day: NaiveDate) -> Result<Option<Actor>, Error> {
    match with_affiliations(conn, &[person_id])?.pop() {
        Some((person, affiliation)) => with_roles(conn, person, affiliation, day).map(Some),
        None => Ok(None),
    }
}

/// Several people with their roles on `day` (for mail: who may read what), in three queries
/// whatever their number. Deactivated people are left out.
pub fn resolve_many(
    conn: &mut DbConn,
    ids: &[i64],
    day: NaiveDate,
) -> Result<std::collections::HashMap<i64, Actor>, Error> {
    use crate::db::schema::working_groups;
    let people = with_affiliations(conn, ids)?;
    // The rotation's facts are everyone's; -1 is nobody, so no group comes with them.
    let rotation: Vec<Fact> = diesel::sql_query(FACTS)
        .bind::<Date, _>(day)
        .bind::<BigInt, _>(-1_i64)
        .load(conn)?;
    let convened: Vec<(i64, Option<i64>)> = working_groups::table
        .filter(working_groups::convenor_id.eq_any(ids))
        .filter(working_groups::status.eq("active"))
        .select((working_groups::id, working_groups::convenor_id))
        .load(conn)?;
    Ok(people
        .into_iter()
        .map(|(person, affiliation)| {
            let mut facts = rotation.clone();
            facts.extend(
                convened
                    .iter()
                    .filter(|(_, convenor)| *convenor == Some(person.id))
                    .map(|(group, _)| Fact {
                        kind: "convenor".into(),
                        side: String::new(),
                        id: *group,
                        full: true,
                    }),
            );
            let roles = roles_from(&person, affiliation.as_ref(), &facts);
            (person.id, Actor { person, roles })
        })
        .collect())
}

/// What a request starts from: the coalition, its date by `clock`, who is acting and the
/// server session they act in.
pub struct Request {
    pub coalition: Option<Coalition>,
    pub today: NaiveDate,
    pub actor: Option<Actor>,
    /// The open session the cookie names (its limits are the caller's to check).
    pub session: Option<ServerSession>,
}

/// The coalition, the open session whose id hashes to `session_hash`, and its person (if
/// active) with their roles: two queries for a signed-in person, one for a visitor.
pub fn resolve_request(
    conn: &mut DbConn,
    session_hash: Option<&str>,
    clock: &Clock,
) -> Result<Request, Error> {
    let Some(session_hash) = session_hash else {
        let coalition = crate::coalition::get(conn)?;
        let today = clock.today(crate::coalition::zone_of(coalition.as_ref()));
        return Ok(Request {
            coalition,
            today,
            actor: None,
            session: None,
        });
    };
    let row: Option<(Coalition, Option<ServerSession>, PersonRow)> = coalition::table
        .left_join(
            sessions::table.on(sessions::token_hash
                .eq(session_hash.to_owned())
                .and(sessions::ended_at.is_null())),
        )
        .left_join(
            people::table.on(people::id
                .eq(sessions::person_id)
                .and(people::active.eq(true))),
        )
        .left_join(affiliations::table.on(affiliations::person_id.eq(people::id)))
        .left_join(organisations::table.on(organisations::id.eq(affiliations::organisation_id)))
        .select((
            Coalition::as_select(),
            sessions::all_columns.nullable(),
            (
                people::all_columns.nullable(),
                affiliations::organisation_id.nullable(),
                affiliations::representation.nullable(),
                affiliations::is_authoriser.nullable(),
                organisations::status.nullable(),
            ),
        ))
        .first(conn)
        .optional()?;
    let (coalition, session, person) = match row {
        Some((coalition, session, person)) => (Some(coalition), session, with_affiliation(person)),
        None => (None, None, None),
    };
    let today = clock.today(crate::coalition::zone_of(coalition.as_ref()));
    let actor = match person {
        Some((person, affiliation)) => Some(with_roles(conn, person, affiliation, today)?),
        None => None,
    };
    Ok(Request {
        coalition,
        today,
        actor,
        session,
    })
}

/// The roles a person holds on a given day: the secretariat follows the rotation's terms.
pub fn roles_on(conn: &mut DbConn, person: &Person, day: NaiveDate) -> Result<Vec<Role>, Error> {
    Ok(resolve(conn, person.id, day)?
        .map(|actor| actor.roles)
        .unwrap_or_default())
}

/// The person as they act today (the coalition's date): for the command line, the demo and
/// tests; requests resolve through `resolve` with their own clock.
pub fn actor_for(conn: &mut DbConn, person: Person) -> Result<Actor, Error> {
    let today = crate::coalition::today(conn)?;
    let roles = roles_on(conn, &person, today)?;
    Ok(Actor { person, roles })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(is_admin: bool) -> Person {
        Person {
            id: 7,
            name: "P".into(),
            email: "p@example.org".into(),
            password_hash: None,
            active: true,
            is_admin,
            created_at: chrono::DateTime::UNIX_EPOCH.naive_utc(),
        }
    }

    fn fact(kind: &str, side: &str, id: i64, full: bool) -> Fact {
        Fact {
            kind: kind.into(),
            side: side.into(),
            id,
            full,
        }
    }

    fn of(organisation_id: i64, status: &str, representation: Option<&str>) -> Affiliation {
        Affiliation {
            organisation_id,
            representation: representation.map(String::from),
            is_authoriser: false,
            status: status.into(),
        }
    }

    #[test]
    fn the_administrator_acts_for_the_secretariat_only_while_no_term_runs() {
        let admin = person(true);
        assert!(roles_from(&admin, None, &[]).contains(&Role::Secretariat));
        let running = [
            fact("term", "", 1, true),
            fact("holder", "civil_society", 3, true),
        ];
        let roles = roles_from(&admin, None, &running);
        assert!(!roles.contains(&Role::Secretariat));
        assert!(roles.contains(&Role::Administrator));
    }

    #[test]
    fn a_cover_replaces_its_side_and_a_holder_that_left_holds_nothing() {
        let facts = [
            fact("term", "", 1, true),
            fact("holder", "civil_society", 3, true),
            fact("holder", "governmental", 4, false),
            fact("cover", "civil_society", 5, true),
        ];
        assert_eq!(holders(&facts), (vec![5], true));
        let covering = roles_from(&person(false), Some(&of(5, "full", None)), &facts);
        assert!(covering.contains(&Role::Secretariat));
        let covered = roles_from(&person(false), Some(&of(3, "full", None)), &facts);
        assert!(!covered.contains(&Role::Secretariat));
        let withdrawn = roles_from(&person(false), Some(&of(4, "withdrawn", None)), &facts);
        assert!(!withdrawn.contains(&Role::Secretariat));
    }

    #[test]
    fn membership_gives_rights_by_status_and_representation() {
        let full = roles_from(&person(false), Some(&of(3, "full", Some("primary"))), &[]);
        assert_eq!(
            full,
            [
                Role::Member { organisation_id: 3 },
                Role::FullMember { organisation_id: 3 },
                Role::Representative { organisation_id: 3 }
            ]
        );
        let associate = roles_from(
            &person(false),
            Some(&of(3, "associate", Some("primary"))),
            &[],
        );
        assert_eq!(associate, [Role::Member { organisation_id: 3 }]);
        let suspended = roles_from(
            &person(false),
            Some(&of(3, "suspended", Some("primary"))),
            &[],
        );
        assert!(suspended.is_empty());
        let convenor = roles_from(&person(false), None, &[fact("convenor", "", 9, true)]);
        assert_eq!(convenor, [Role::Convenor { group_id: 9 }]);
        let mut inactive = person(true);
        inactive.active = false;
        assert!(roles_from(&inactive, None, &[]).is_empty());
    }
}
