//! The member directory: organisations with their sector and side, filtered, with counts.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::model::{Organisation, Sector};
use super::rules::{Side, Status};
use crate::db::DbConn;
use crate::db::schema::{organisations, sectors, working_group_members};
use crate::error::Error;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub sector_id: Option<i64>,
    pub side: Option<Side>,
    /// None: full members and associates.
    pub status: Option<Status>,
    pub group_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub organisation: Organisation,
    pub sector: Sector,
    pub side: Side,
    pub status: Status,
}

#[derive(Debug, Clone)]
pub struct Listing {
    pub entries: Vec<Entry>,
    /// Among the listed organisations.
    pub by_side: BTreeMap<&'static str, usize>,
    pub by_status: BTreeMap<&'static str, usize>,
    pub by_sector: BTreeMap<String, usize>,
}

/// Every organisation with its sector; a coalition has tens or hundreds, so filtering happens
/// here rather than in SQL.
pub fn all(conn: &mut DbConn) -> Result<Vec<Entry>, Error> {
    let rows: Vec<(Organisation, Sector)> = organisations::table
        .inner_join(sectors::table)
        .order(organisations::name)
        .select((Organisation::as_select(), Sector::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(organisation, sector)| Entry {
            side: Side::parse(&sector.side).unwrap_or(Side::CivilSociety),
            status: Status::parse(&organisation.status).unwrap_or(Status::Applicant),
            organisation,
            sector,
        })
        .collect())
}

pub fn list(conn: &mut DbConn, filter: &Filter) -> Result<Listing, Error> {
    let in_group: Option<Vec<i64>> = match filter.group_id {
        Some(g) => Some(
            working_group_members::table
                .filter(working_group_members::group_id.eq(g))
                .select(working_group_members::organisation_id)
                .load(conn)?,
        ),
        None => None,
    };
    let entries: Vec<Entry> = all(conn)?
        .into_iter()
        .filter(|e| match filter.status {
            Some(s) => e.status == s,
            None => e.status.participates(),
        })
        .filter(|e| filter.sector_id.is_none_or(|s| e.sector.id == s))
        .filter(|e| filter.side.is_none_or(|s| e.side == s))
        .filter(|e| {
            in_group
                .as_ref()
                .is_none_or(|ids| ids.contains(&e.organisation.id))
        })
        .collect();
    let mut by_side = BTreeMap::new();
    let mut by_status = BTreeMap::new();
    let mut by_sector = BTreeMap::new();
    for e in &entries {
        *by_side.entry(e.side.label()).or_insert(0) += 1;
        *by_status.entry(e.status.label()).or_insert(0) += 1;
        *by_sector.entry(e.sector.name.clone()).or_insert(0) += 1;
    }
    Ok(Listing {
        entries,
        by_side,
        by_status,
        by_sector,
    })
}

/// What the public sees when the coalition publishes its member list: names and sectors of
/// full members and associates, nothing else.
pub fn public_list(conn: &mut DbConn) -> Result<Option<Vec<(String, String)>>, Error> {
    let published = crate::coalition::get(conn)?.is_some_and(|c| c.publish_member_list);
    if !published {
        return Ok(None);
    }
    Ok(Some(
        all(conn)?
            .into_iter()
            .filter(|e| e.status.participates())
            .map(|e| (e.organisation.name, e.sector.name))
            .collect(),
    ))
}
