//! `roundtable demo --scale large`: the demo coalition grown to a national one, through the
//! same services the pages use: 400 organisations with 2,000 people, ten years of quarterly
//! plenaries and working-group meetings with their attendance, 300 statements whose rounds
//! every full member answers, and the mail all of it sent. For measuring (`cargo bench
//! --bench pages`), not for trying the product: the small demo tells a story, this one is
//! large. Each part shows its progress on the terminal.

mod meetings;
mod members;
mod progress;
mod statements;

use chrono::NaiveDate;

use crate::auth::permissions::Actor;
use crate::cli::DemoLogin;
use crate::db::DbConn;
use crate::error::Error;
pub use progress::Progress;

/// How large the large coalition is.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub organisations: usize,
    pub people_per_organisation: usize,
    pub years: i32,
    pub working_groups: usize,
    pub group_meetings_per_year: usize,
    pub statements: usize,
}

/// The national coalition the performance issue asks for.
pub const LARGE: Size = Size {
    organisations: 400,
    people_per_organisation: 5,
    years: 10,
    working_groups: 8,
    group_meetings_per_year: 12,
    statements: 300,
};

/// Builds the demo, then grows it to `size`; returns the demo's logins.
pub fn seed(conn: &mut DbConn, size: Size, quiet: bool) -> Result<Vec<DemoLogin>, Error> {
    let logins = crate::cli::seed_demo(conn)?;
    let today = crate::coalition::today(conn)?;
    // Since the rotation started, the secretariat runs the coalition.
    let secretariat = crate::cli::secretariat_actor(conn, today)?;
    grow(conn, &secretariat, today, size, quiet)?;
    crate::mail::outbox::mark_all_sent(conn, "demo history")?;
    Ok(logins)
}

fn grow(
    conn: &mut DbConn,
    admin: &Actor,
    today: NaiveDate,
    size: Size,
    quiet: bool,
) -> Result<(), Error> {
    members::grow(conn, admin, today, size, quiet)?;
    meetings::grow(conn, admin, today, size, quiet)?;
    statements::grow(conn, admin, today, size, quiet)?;
    Ok(())
}
