//! Data care: backups that restore (`backup`), the administrator's settings for them and for
//! retention (`store`), the periods applied by the scheduler (`retention`), and the
//! settings page (`web`).

pub mod backup;
pub mod retention;
pub mod store;
pub mod web;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::db::DbConn;
use crate::error::Error;

/// Where scheduled backups go: `DATA_DIR/backups`.
pub fn backup_folder(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// The daily backup, when the settings ask for one and today's is not made yet: written to
/// `folder` as `roundtable-YYYY-MM-DD.backup`, verified, the oldest beyond the number to keep
/// removed, and the outcome kept for the administrator's page. Returns whether it ran.
pub fn scheduled_backup(conn: &mut DbConn, folder: &Path, today: NaiveDate) -> Result<bool, Error> {
    let settings = store::get(conn)?;
    // The day's file is the mark that the day's backup is made (it survives restarts, and
    // only a whole, verified backup gets its name).
    let file = folder.join(format!("roundtable-{today}.backup"));
    if !settings.backup_daily || file.exists() {
        return Ok(false);
    }
    let outcome = (|| {
        std::fs::create_dir_all(folder)
            .map_err(|e| Error::Config(format!("{}: {e}", folder.display())))?;
        let report = backup::backup_to(conn, &file)?;
        let removed = keep_newest(folder, usize::try_from(settings.backup_keep).unwrap_or(1))?;
        Ok::<_, Error>(format!(
            "{}: {} rows of {} tables, verified{}",
            file.display(),
            report.rows,
            report.tables,
            if removed > 0 {
                format!("; {removed} older backups removed")
            } else {
                String::new()
            }
        ))
    })();
    let result = match &outcome {
        Ok(said) => format!("made {said}"),
        Err(e) => format!("failed: {e}"),
    };
    store::backup_done(conn, &result)?;
    outcome.map(|_| true)
}

/// Removes all but the `keep` newest scheduled backups in `folder`; returns how many went.
fn keep_newest(folder: &Path, keep: usize) -> Result<usize, Error> {
    let unreadable = |e: std::io::Error| Error::Config(format!("{}: {e}", folder.display()));
    let mut backups: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(unreadable)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("roundtable-") && n.ends_with(".backup"))
        })
        .collect();
    // The names carry the date: their order is their age.
    backups.sort();
    let surplus = backups.len().saturating_sub(keep.max(1));
    for old in &backups[..surplus] {
        std::fs::remove_file(old).map_err(unreadable)?;
    }
    Ok(surplus)
}
