//! Backups that restore. `backup` copies every table in one consistent snapshot (a read
//! transaction: SQLite's WAL, PostgreSQL's repeatable read) while the service runs, into one
//! portable file, and then reads the file back to prove it: every table whole, the audit
//! chain verifying. `restore` writes such a file into an empty database of either backend,
//! so a coalition that outgrows SQLite moves to PostgreSQL with it (and back).
//!
//! The file is JSON lines: a header (format, when, the schema's migration, the audit key's
//! fingerprint, the audit head), then each table's rows in chunks, parents before children,
//! then a footer with every table's row count (a cut file fails to restore).

mod file;
pub(crate) mod tables;

pub use file::{Header, Report, backup_to, contents, read, restore_from, snapshot};
