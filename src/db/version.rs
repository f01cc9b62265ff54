//! The data's version: one number that rises with every committed change to the records.
//! Triggers on every table raise it (migration 000022), in the same transaction as the
//! change, so a reader that sees version `v` sees every change up to `v`. Several instances
//! share it through the database. The rendered-page cache (`web::cache`) keys on it.

use diesel::prelude::*;

use super::DbConn;
use super::schema::data_version;
use crate::error::Error;

/// The current version of the data.
pub fn current(conn: &mut DbConn) -> Result<i64, Error> {
    Ok(data_version::table
        .select(data_version::version)
        .first(conn)?)
}
