//! Row structs of membership.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    admission_criteria, affiliations, application_answers, applications, fee_ledger, fee_schedules,
    membership_events, mou_signatures, mou_versions, organisations, sectors, working_groups,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sectors)]
pub struct Sector {
    pub id: i64,
    pub name: String,
    pub side: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub sector_id: i64,
    pub region: String,
    pub address: String,
    pub website: String,
    pub email: String,
    pub phone: String,
    pub needs_authorisation: bool,
    pub offers_venue: bool,
    pub status: String,
    pub admitted_on: Option<NaiveDate>,
    pub fee_tier: Option<String>,
    pub created_at: NaiveDateTime,
    /// Asked not to hold the rotating secretariat.
    pub secretariat_opt_out: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = membership_events)]
pub struct MembershipEvent {
    pub id: i64,
    pub organisation_id: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub effective_on: NaiveDate,
    pub decided_by: Option<i64>,
    pub reason: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = affiliations)]
pub struct Affiliation {
    pub id: i64,
    pub person_id: i64,
    pub organisation_id: i64,
    pub representation: Option<String>,
    pub is_authoriser: bool,
    pub job_title: String,
    pub phone: String,
    pub since: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = admission_criteria)]
pub struct Criterion {
    pub id: i64,
    pub position: i32,
    pub text: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = applications)]
pub struct Application {
    pub id: i64,
    pub organisation_id: i64,
    pub contact_person_id: i64,
    pub motivation: String,
    pub submitted_via: String,
    pub submitted_by: Option<i64>,
    pub submitted_at: NaiveDateTime,
    pub decision: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = application_answers)]
pub struct Answer {
    pub id: i64,
    pub application_id: i64,
    pub criterion_id: i64,
    pub criterion_text: String,
    pub attested: bool,
    pub comment: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = fee_schedules)]
pub struct FeeTier {
    pub id: i64,
    pub year: i32,
    pub tier: String,
    pub amount_cents: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = fee_ledger)]
pub struct FeeEntry {
    pub id: i64,
    pub organisation_id: i64,
    pub year: i32,
    pub tier: String,
    pub amount_cents: i64,
    pub currency: String,
    pub status: String,
    pub paid_on: Option<NaiveDate>,
    pub reference: String,
    pub note: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = mou_versions)]
pub struct MouVersion {
    pub id: i64,
    pub version_no: i32,
    pub title: String,
    pub body: String,
    pub adopted_on: NaiveDate,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = mou_signatures)]
pub struct MouSignature {
    pub id: i64,
    pub mou_version_id: i64,
    pub organisation_id: i64,
    pub signed_by_name: String,
    pub signed_on: NaiveDate,
    pub reference: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = working_groups)]
pub struct WorkingGroup {
    pub id: i64,
    pub name: String,
    pub mandate: String,
    pub convenor_id: Option<i64>,
    pub status: String,
    pub started_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}
