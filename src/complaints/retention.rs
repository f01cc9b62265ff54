//! The retention period of closed complaints: once it is over, the content goes (text,
//! messages, files, the access record, the proposal and summary) and the people are
//! pseudonymised (the filer, the panel, who answered), keeping the reference, dates,
//! stages, the complainant's organisation, the outcome category, the satisfaction answers
//! and the lesson learned, for the evaluations.

use chrono::{Months, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::model::Complaint;
use crate::audit::{self, Subject};
use crate::db::schema::{
    complaint_access, complaint_answers, complaint_files, complaint_messages, complaint_panel,
    complaints,
};
use crate::db::{self, DbConn};
use crate::error::Error;

/// The complaints whose retention period is over at `now`: closed or withdrawn longer ago
/// than the settings' years, not yet erased.
pub fn due(conn: &mut DbConn, now: NaiveDateTime) -> Result<Vec<Complaint>, Error> {
    let years = super::store::settings(conn)?.retention_years.max(1);
    let months = u32::try_from(years).unwrap_or(1) * 12;
    let Some(before) = now.checked_sub_months(Months::new(months)) else {
        return Ok(Vec::new());
    };
    Ok(complaints::table
        .filter(complaints::closed_at.lt(before))
        .filter(complaints::erased_at.is_null())
        .order(complaints::id)
        .select(Complaint::as_select())
        .load(conn)?)
}

/// Erases what the period covers; returns the references erased (with `dry_run`, those
/// that would be, changing nothing).
pub fn purge(conn: &mut DbConn, now: NaiveDateTime, dry_run: bool) -> Result<Vec<String>, Error> {
    let cases = due(conn, now)?;
    if dry_run || cases.is_empty() {
        return Ok(cases.into_iter().map(|c| c.reference).collect());
    }
    db::write_tx(conn, |conn| {
        let mut erased = Vec::new();
        for c in cases {
            let id = c.id;
            diesel::delete(complaint_files::table.filter(complaint_files::complaint_id.eq(id)))
                .execute(conn)?;
            diesel::delete(
                complaint_messages::table.filter(complaint_messages::complaint_id.eq(id)),
            )
            .execute(conn)?;
            diesel::delete(complaint_access::table.filter(complaint_access::complaint_id.eq(id)))
                .execute(conn)?;
            diesel::delete(complaint_panel::table.filter(complaint_panel::complaint_id.eq(id)))
                .execute(conn)?;
            diesel::update(complaint_answers::table.filter(complaint_answers::complaint_id.eq(id)))
                .set(complaint_answers::person_id.eq(None::<i64>))
                .execute(conn)?;
            diesel::update(complaints::table.find(id))
                .set((
                    complaints::title.eq(format!("Complaint {} (erased)", c.reference)),
                    complaints::body.eq(""),
                    complaints::assessment.eq(""),
                    complaints::proposal.eq(""),
                    complaints::panel_summary.eq(""),
                    complaints::filed_by.eq(None::<i64>),
                    complaints::filer_unnamed.eq(false),
                    complaints::erased_at.eq(Some(db::now())),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                None,
                "complaint.erased",
                Subject::new("complaint", id),
                json!({ "reference": c.reference }),
            )?;
            erased.push(c.reference);
        }
        Ok(erased)
    })
}
