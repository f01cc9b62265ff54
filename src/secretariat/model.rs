//! Row structs of the rotating secretariat.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{secretariat_covers, secretariat_settings, secretariat_terms};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = secretariat_settings)]
pub struct Settings {
    pub id: i64,
    pub term_months: i32,
    pub paired: bool,
    pub horizon_terms: i32,
    /// Set when the rotation starts; until then administrators act for the secretariat.
    pub first_term_starts: Option<NaiveDate>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            id: 1,
            term_months: 12,
            paired: true,
            horizon_terms: 4,
            first_term_starts: None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = secretariat_terms)]
pub struct Term {
    pub id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub civil_society_org: Option<i64>,
    pub governmental_org: Option<i64>,
    pub pinned: bool,
    pub note: String,
    pub created_at: NaiveDateTime,
}

impl Term {
    pub fn holders(&self) -> super::rules::Holders {
        super::rules::Holders {
            civil_society: self.civil_society_org,
            governmental: self.governmental_org,
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day < self.ends_on
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = secretariat_covers)]
pub struct Cover {
    pub id: i64,
    pub term_id: i64,
    pub side: String,
    pub organisation_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: String,
    pub created_at: NaiveDateTime,
}
