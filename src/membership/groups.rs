//! Thematic working groups: mandate, convenor, member organisations and their nominees.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{Organisation, WorkingGroup};
use super::{organisations, people};
use crate::audit::{self, Subject};
use crate::auth::model::Person;
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::store as people_store;
use crate::db::schema::{
    organisations as orgs, people as people_table, working_group_members, working_group_nominees,
    working_groups,
};
use crate::db::{self, DbConn};
use crate::error::Error;

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct GroupInput {
    pub name: String,
    pub mandate: String,
    pub convenor_id: Option<i64>,
}

pub fn list(conn: &mut DbConn) -> Result<Vec<WorkingGroup>, Error> {
    Ok(working_groups::table
        .order((working_groups::status.asc(), working_groups::name.asc()))
        .select(WorkingGroup::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<WorkingGroup, Error> {
    Ok(working_groups::table
        .find(id)
        .select(WorkingGroup::as_select())
        .first(conn)?)
}

fn check(conn: &mut DbConn, input: &GroupInput, except: Option<i64>) -> Result<(), Error> {
    let name = input.name.trim();
    crate::clean::name(name, "the group's name").map_err(|m| Error::field("name", m))?;
    crate::clean::text(&input.mandate, "the mandate", crate::clean::limits::NOTE)
        .map_err(|m| Error::field("mandate", m))?;
    let wanted = crate::clean::name_key(name);
    let clash: Option<i64> = working_groups::table
        .select((working_groups::id, working_groups::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .find(|(_, other)| crate::clean::name_key(other) == wanted)
        .map(|(id, _)| id);
    if clash.is_some() && clash != except {
        return Err(Error::Conflict(format!(
            "a working group named {name:?} already exists"
        )));
    }
    if let Some(convenor) = input.convenor_id {
        let person = people_store::find(conn, convenor)?;
        if !person.active {
            return Err(Error::Invalid(format!(
                "{} is deactivated and cannot convene",
                person.name
            )));
        }
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &GroupInput,
    started_on: NaiveDate,
) -> Result<WorkingGroup, Error> {
    permissions::require(actor, Action::CreateWorkingGroup)?;
    db::write_tx(conn, |conn| {
        check(conn, input, None)?;
        let id: i64 = diesel::insert_into(working_groups::table)
            .values((
                working_groups::name.eq(input.name.trim()),
                working_groups::mandate.eq(input.mandate.trim()),
                working_groups::convenor_id.eq(input.convenor_id),
                working_groups::status.eq("active"),
                working_groups::started_on.eq(started_on),
                working_groups::created_at.eq(db::now()),
            ))
            .returning(working_groups::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "working_group.created",
            Subject::new("working_group", id),
            json!({ "name": input.name.trim(), "convenor_id": input.convenor_id }),
        )?;
        get(conn, id)
    })
}

/// The mandate and name are the convenor's to keep current; choosing the convenor is the
/// secretariat's.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &GroupInput,
) -> Result<WorkingGroup, Error> {
    permissions::require(actor, Action::ManageWorkingGroup { group_id: id })?;
    db::write_tx(conn, |conn| {
        let before = get(conn, id)?;
        if input.convenor_id != before.convenor_id {
            permissions::require(actor, Action::CreateWorkingGroup)?;
        }
        check(conn, input, Some(id))?;
        diesel::update(working_groups::table.find(id))
            .set((
                working_groups::name.eq(input.name.trim()),
                working_groups::mandate.eq(input.mandate.trim()),
                working_groups::convenor_id.eq(input.convenor_id),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "working_group.updated",
            Subject::new("working_group", id),
            json!({ "name": input.name.trim(), "convenor_id": input.convenor_id }),
        )?;
        get(conn, id)
    })
}

pub fn close(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    closed_on: NaiveDate,
    reason: &str,
) -> Result<(), Error> {
    permissions::require(actor, Action::CreateWorkingGroup)?;
    db::write_tx(conn, |conn| {
        let updated = diesel::update(working_groups::table.find(id))
            .filter(working_groups::status.eq("active"))
            .set((
                working_groups::status.eq("closed"),
                working_groups::closed_on.eq(Some(closed_on)),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(Error::Conflict(
                "this working group is already closed".into(),
            ));
        }
        audit::record(
            conn,
            Some(actor.id()),
            "working_group.closed",
            Subject::new("working_group", id),
            json!({ "closed_on": closed_on, "reason": reason.trim() }),
        )
    })
}

pub fn add_member(
    conn: &mut DbConn,
    actor: &Actor,
    group_id: i64,
    organisation_id: i64,
    joined_on: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageWorkingGroup { group_id })?;
    db::write_tx(conn, |conn| {
        let group = get(conn, group_id)?;
        if group.status != "active" {
            return Err(Error::Invalid("this working group is closed".into()));
        }
        let organisation = organisations::get(conn, organisation_id)?;
        if !organisations::status_of(&organisation).participates() {
            return Err(Error::Invalid(format!(
                "{} is not a member of the coalition",
                organisation.name
            )));
        }
        let exists: i64 = working_group_members::table
            .filter(working_group_members::group_id.eq(group_id))
            .filter(working_group_members::organisation_id.eq(organisation_id))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(Error::Conflict(format!(
                "{} is already in this group",
                organisation.name
            )));
        }
        diesel::insert_into(working_group_members::table)
            .values((
                working_group_members::group_id.eq(group_id),
                working_group_members::organisation_id.eq(organisation_id),
                working_group_members::joined_on.eq(joined_on),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "working_group.member_added",
            Subject::new("working_group", group_id),
            json!({ "organisation_id": organisation_id, "organisation": organisation.name }),
        )
    })
}

/// Removes an organisation and its nominees from the group.
pub fn remove_member(
    conn: &mut DbConn,
    actor: &Actor,
    group_id: i64,
    organisation_id: i64,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageWorkingGroup { group_id })?;
    db::write_tx(conn, |conn| {
        let nominees: Vec<i64> = nominees_of(conn, group_id)?
            .into_iter()
            .filter(|(_, org)| org.id == organisation_id)
            .map(|(p, _)| p.id)
            .collect();
        diesel::delete(
            working_group_nominees::table
                .filter(working_group_nominees::group_id.eq(group_id))
                .filter(working_group_nominees::person_id.eq_any(&nominees)),
        )
        .execute(conn)?;
        let removed = diesel::delete(
            working_group_members::table
                .filter(working_group_members::group_id.eq(group_id))
                .filter(working_group_members::organisation_id.eq(organisation_id)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            conn,
            Some(actor.id()),
            "working_group.member_removed",
            Subject::new("working_group", group_id),
            json!({ "organisation_id": organisation_id, "nominees_removed": nominees }),
        )
    })
}

/// Nominates a person of a member organisation to the group.
pub fn nominate(
    conn: &mut DbConn,
    actor: &Actor,
    group_id: i64,
    person_id: i64,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageWorkingGroup { group_id })?;
    db::write_tx(conn, |conn| {
        let (_, organisation) = people::affiliation_of(conn, person_id)?.ok_or_else(|| {
            Error::Invalid("only people of member organisations can be nominated".into())
        })?;
        let in_group: i64 = working_group_members::table
            .filter(working_group_members::group_id.eq(group_id))
            .filter(working_group_members::organisation_id.eq(organisation.id))
            .count()
            .get_result(conn)?;
        if in_group == 0 {
            return Err(Error::Invalid(format!(
                "{} is not in this group: add the organisation first",
                organisation.name
            )));
        }
        let exists: i64 = working_group_nominees::table
            .filter(working_group_nominees::group_id.eq(group_id))
            .filter(working_group_nominees::person_id.eq(person_id))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(());
        }
        diesel::insert_into(working_group_nominees::table)
            .values((
                working_group_nominees::group_id.eq(group_id),
                working_group_nominees::person_id.eq(person_id),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "working_group.nominated",
            Subject::new("working_group", group_id),
            json!({ "person_id": person_id }),
        )
    })
}

/// How many member organisations each group has: one query for all groups.
pub fn member_counts(conn: &mut DbConn) -> Result<std::collections::HashMap<i64, usize>, Error> {
    let ids: Vec<i64> = working_group_members::table
        .select(working_group_members::group_id)
        .load(conn)?;
    let mut counts = std::collections::HashMap::new();
    for id in ids {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

pub fn members_of(conn: &mut DbConn, group_id: i64) -> Result<Vec<Organisation>, Error> {
    Ok(orgs::table
        .inner_join(working_group_members::table)
        .filter(working_group_members::group_id.eq(group_id))
        .order(orgs::name)
        .select(Organisation::as_select())
        .load(conn)?)
}

pub fn nominees_of(conn: &mut DbConn, group_id: i64) -> Result<Vec<(Person, Organisation)>, Error> {
    Ok(people_table::table
        .inner_join(working_group_nominees::table)
        .inner_join(crate::db::schema::affiliations::table.inner_join(orgs::table))
        .filter(working_group_nominees::group_id.eq(group_id))
        .order(people_table::name)
        .select((Person::as_select(), Organisation::as_select()))
        .load(conn)?)
}

/// The groups an organisation takes part in.
pub fn groups_of(conn: &mut DbConn, organisation_id: i64) -> Result<Vec<WorkingGroup>, Error> {
    Ok(working_groups::table
        .inner_join(working_group_members::table)
        .filter(working_group_members::organisation_id.eq(organisation_id))
        .order(working_groups::name)
        .select(WorkingGroup::as_select())
        .load(conn)?)
}
