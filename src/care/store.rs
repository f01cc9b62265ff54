//! The data-care settings: one row, changed by the administrator, audited.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::care_settings;
use crate::db::{self, DbConn};
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = care_settings)]
pub struct CareSettings {
    pub backup_daily: bool,
    pub backup_keep: i32,
    pub mail_body_days: i32,
    pub session_days: i32,
    pub throttle_days: i32,
    pub last_backup_at: Option<NaiveDateTime>,
    pub last_backup_result: String,
}

/// What the administrator sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub backup_daily: bool,
    pub backup_keep: i32,
    pub mail_body_days: i32,
    pub session_days: i32,
    pub throttle_days: i32,
}

pub fn get(conn: &mut DbConn) -> Result<CareSettings, Error> {
    Ok(care_settings::table
        .find(1)
        .select(CareSettings::as_select())
        .first(conn)?)
}

/// The shortest periods that keep the service working: the sign-in throttle exempts an
/// address someone signed in from within 30 days, so sessions stay at least that long.
fn check(choice: &Choice) -> Result<(), Error> {
    let mut problems = crate::error::FieldErrors::new();
    let mut within = |field: &str, value: i32, low: i32, high: i32| {
        if !(low..=high).contains(&value) {
            problems.insert(field.into(), vec![format!("choose from {low} to {high}")]);
        }
    };
    within("backup_keep", choice.backup_keep, 1, 365);
    within("mail_body_days", choice.mail_body_days, 30, 3650);
    within("session_days", choice.session_days, 30, 3650);
    within("throttle_days", choice.throttle_days, 1, 365);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidFields(problems))
    }
}

pub fn save(conn: &mut DbConn, actor: &Actor, choice: &Choice) -> Result<(), Error> {
    permissions::require(actor, Action::AdministerCoalition)?;
    check(choice)?;
    db::write_tx(conn, |conn| {
        diesel::update(care_settings::table.find(1))
            .set((
                care_settings::backup_daily.eq(choice.backup_daily),
                care_settings::backup_keep.eq(choice.backup_keep),
                care_settings::mail_body_days.eq(choice.mail_body_days),
                care_settings::session_days.eq(choice.session_days),
                care_settings::throttle_days.eq(choice.throttle_days),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "care.settings_changed",
            Subject::new("care_settings", 1),
            json!({
                "backup_daily": choice.backup_daily, "backup_keep": choice.backup_keep,
                "mail_body_days": choice.mail_body_days, "session_days": choice.session_days,
                "throttle_days": choice.throttle_days,
            }),
        )
    })
}

/// Keeps the outcome of a scheduled backup for the administrator's page.
pub fn backup_done(conn: &mut DbConn, result: &str) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        diesel::update(care_settings::table.find(1))
            .set((
                care_settings::last_backup_at.eq(Some(db::now())),
                care_settings::last_backup_result.eq(result),
            ))
            .execute(conn)?;
        Ok(())
    })
}
