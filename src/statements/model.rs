//! Row structs of joint statements.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    approval_rounds, statement_authorisations, statement_comments, statement_positions,
    statement_signatories, statement_versions, statements,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = statements)]
pub struct Statement {
    pub id: i64,
    pub title: String,
    pub context_note: String,
    /// The working group it comes from; none for the plenary.
    pub group_id: Option<i64>,
    pub status: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub published_version_id: Option<i64>,
    /// Why it was withdrawn or lapsed.
    pub closing_reason: String,
    /// The head of the audit chain as it was published (a witness its receipts carry).
    pub published_audit_seq: Option<i64>,
    pub published_audit_hash: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = statement_versions)]
pub struct Version {
    pub id: i64,
    pub statement_id: i64,
    pub version_no: i32,
    /// Markdown, stored normalised (see `text::normalise`), so the hash is of what is shown.
    pub body: String,
    pub content_hash: String,
    pub note: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = statement_comments)]
pub struct Comment {
    pub id: i64,
    pub statement_id: i64,
    pub version_id: i64,
    pub person_id: i64,
    pub organisation_id: Option<i64>,
    pub body: String,
    /// An amendment proposes a whole new text.
    pub proposed_text: Option<String>,
    /// open, taken (into a new version) or declined.
    pub status: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = approval_rounds)]
pub struct Round {
    pub id: i64,
    pub statement_id: i64,
    pub version_id: i64,
    pub content_hash: String,
    pub decision_rule: String,
    pub consensus_percent: i32,
    /// The last day positions may be taken (inclusive, UTC).
    pub deadline: NaiveDate,
    pub status: String,
    pub opened_by: i64,
    pub opened_at: NaiveDateTime,
    pub adopted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub changes: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = statement_positions)]
pub struct Position {
    pub id: i64,
    pub round_id: i64,
    pub organisation_id: i64,
    pub position: String,
    pub reason: String,
    pub content_hash: String,
    pub person_id: i64,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = statement_authorisations)]
pub struct Authorisation {
    pub id: i64,
    pub round_id: i64,
    pub organisation_id: i64,
    pub decision: String,
    /// The organisation's internal reference, for example a file number.
    pub reference: String,
    pub content_hash: String,
    pub person_id: i64,
    pub decided_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = statement_signatories)]
pub struct Signatory {
    pub id: i64,
    pub statement_id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub approved_at: NaiveDateTime,
    pub approved_by: i64,
    pub authorised_at: Option<NaiveDateTime>,
    pub authorised_by: Option<i64>,
    pub authorisation_reference: String,
}
