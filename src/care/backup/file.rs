//! The backup file: written from one snapshot, read back to prove it, restored in one
//! transaction.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use diesel::connection::SimpleConnection;
use serde_json::Value;

use super::tables::{self, Kind, Table};
use crate::audit::{self, AuditEvent, Verdict};
use crate::db::{self, DbConn};
use crate::error::Error;

const FORMAT: &str = "roundtable-backup";
const VERSION: u32 = 1;
/// Rows per line of the file (and per INSERT when restoring).
const CHUNK: usize = 1000;

/// What a backup says about itself, on its first line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// When the snapshot was taken (UTC).
    pub created_at: String,
    /// The backend it was taken from (it restores into either).
    pub backend: String,
    /// The last migration of its schema: it restores into a database at the same one.
    pub schema: String,
    /// The audit key's fingerprint: the chain verifies only under the same SECRET_KEY.
    pub key_fingerprint: String,
    /// The newest audit event as SEQ:HASH, a witness of the record at that moment.
    pub audit_head: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Chunk {
    table: String,
    columns: Vec<String>,
    kinds: Vec<Kind>,
    rows: Vec<Vec<Value>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Footer {
    end: bool,
    rows: BTreeMap<String, u64>,
}

/// What a backup or a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub header: Header,
    pub tables: usize,
    pub rows: u64,
    /// Audit events whose chain verified.
    pub audit_events: u64,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Config(format!("{}: {e}", path.display()))
}

fn schema_of(conn: &mut DbConn) -> Result<String, Error> {
    tables::lines(
        conn,
        "SELECT MAX(version) AS line FROM __diesel_schema_migrations",
    )?
    .into_iter()
    .next()
    .ok_or_else(|| Error::Internal("the database has no migrations".into()))
}

/// Runs `work` in a read transaction that sees one snapshot of the whole database while
/// writers go on (SQLite in WAL mode: from the first read; PostgreSQL: repeatable read).
fn in_snapshot<T>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<T, Error>,
) -> Result<T, Error> {
    let begin = match conn {
        DbConn::Sqlite(_) => "BEGIN DEFERRED",
        DbConn::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    };
    conn.batch_execute(begin)?;
    let result = work(conn);
    // Only reads happened: ending the transaction either way changes nothing.
    let end = conn.batch_execute(if result.is_ok() { "COMMIT" } else { "ROLLBACK" });
    let value = result?;
    end?;
    Ok(value)
}

/// Writes a backup of the whole database to `path` (through a temporary file beside it, so
/// an interrupted backup never looks like a whole one), then reads it back and verifies it.
pub fn backup_to(conn: &mut DbConn, path: &Path) -> Result<Report, Error> {
    let partial = path.with_extension("partial");
    let written = (|| {
        let file = std::fs::File::create(&partial).map_err(io(&partial))?;
        let mut out = BufWriter::new(file);
        in_snapshot(conn, |conn| write_snapshot(conn, &mut out, &partial))?;
        out.flush().map_err(io(&partial))?;
        out.into_inner()
            .map_err(|e| Error::Config(format!("{}: {e}", partial.display())))?
            .sync_all()
            .map_err(io(&partial))
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, path).map_err(io(path))?;
    read(path)
}

fn write_snapshot(conn: &mut DbConn, out: &mut impl Write, path: &Path) -> Result<(), Error> {
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        created_at: db::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        backend: match conn {
            DbConn::Sqlite(_) => "sqlite".into(),
            DbConn::Postgres(_) => "postgres".into(),
        },
        schema: schema_of(conn)?,
        key_fingerprint: audit::key_fingerprint()?,
        audit_head: audit::head(conn)?.map(|(seq, hash)| format!("{seq}:{hash}")),
    };
    let mut line =
        |value: &dyn erased::Line| -> Result<(), Error> { value.write(out).map_err(io(path)) };
    line(&header)?;
    let mut counts = BTreeMap::new();
    for table in tables::all(conn)? {
        let mut count = 0_u64;
        tables::each_chunk(conn, &table, CHUNK, |rows| {
            count += rows.len() as u64;
            line(&chunk_of(&table, rows))
        })?;
        // A table without rows still gets a line: the restore learns its columns.
        if count == 0 {
            line(&chunk_of(&table, Vec::new()))?;
        }
        counts.insert(table.name.clone(), count);
    }
    line(&Footer {
        end: true,
        rows: counts,
    })
}

fn chunk_of(table: &Table, rows: Vec<Vec<Value>>) -> Chunk {
    Chunk {
        table: table.name.clone(),
        columns: table.columns.clone(),
        kinds: table.kinds.clone(),
        rows,
    }
}

/// One JSON line of the file, whichever part it is.
mod erased {
    pub trait Line {
        fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()>;
    }

    impl<T: serde::Serialize> Line for T {
        fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
            serde_json::to_writer(&mut *out, self)?;
            out.write_all(b"\n")
        }
    }
}

/// The parts of a backup file, in order, each checked as it is read.
struct Reader<R> {
    lines: std::io::Lines<R>,
    line_no: usize,
    path: String,
}

enum Part {
    Chunk(Chunk),
    Footer(Footer),
}

impl<R: BufRead> Reader<R> {
    fn broken(&self, why: impl std::fmt::Display) -> Error {
        Error::Invalid(format!(
            "{} is not a whole Roundtable backup (line {}): {why}",
            self.path, self.line_no
        ))
    }

    fn next_line(&mut self) -> Result<Option<Value>, Error> {
        self.line_no += 1;
        match self.lines.next() {
            None => Ok(None),
            Some(Err(e)) => Err(self.broken(e)),
            Some(Ok(text)) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| self.broken(e)),
        }
    }

    fn header(&mut self) -> Result<Header, Error> {
        let first = self
            .next_line()?
            .ok_or_else(|| self.broken("it is empty"))?;
        let header: Header = serde_json::from_value(first).map_err(|e| self.broken(e))?;
        if header.format != FORMAT || header.version != VERSION {
            return Err(self.broken(format!(
                "format {} version {} (this Roundtable reads {FORMAT} version {VERSION})",
                header.format, header.version
            )));
        }
        Ok(header)
    }

    fn part(&mut self) -> Result<Part, Error> {
        let value = self
            .next_line()?
            .ok_or_else(|| self.broken("it ends before its last line (was it cut short?)"))?;
        if value.get("end").is_some() {
            serde_json::from_value(value)
                .map(Part::Footer)
                .map_err(|e| self.broken(e))
        } else {
            serde_json::from_value(value)
                .map(Part::Chunk)
                .map_err(|e| self.broken(e))
        }
    }
}

fn open(path: &Path) -> Result<Reader<BufReader<std::fs::File>>, Error> {
    let file = std::fs::File::open(path).map_err(io(path))?;
    Ok(Reader {
        lines: BufReader::new(file).lines(),
        line_no: 0,
        path: path.display().to_string(),
    })
}

/// An audit event from its canonical row.
fn event_of(columns: &[String], row: &[Value]) -> Result<AuditEvent, Error> {
    let object: serde_json::Map<String, Value> =
        columns.iter().cloned().zip(row.iter().cloned()).collect();
    let at = |v: &Value| {
        v.as_str()
            .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok())
    };
    let text = |k: &str| object.get(k).and_then(Value::as_str).map(str::to_owned);
    let unreadable = || Error::Invalid("an audit event of the backup cannot be read".into());
    Ok(AuditEvent {
        id: object
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(unreadable)?,
        occurred_at: object
            .get("occurred_at")
            .and_then(at)
            .ok_or_else(unreadable)?,
        actor_id: object.get("actor_id").and_then(Value::as_i64),
        action: text("action").ok_or_else(unreadable)?,
        subject_type: text("subject_type").ok_or_else(unreadable)?,
        subject_id: object.get("subject_id").and_then(Value::as_i64),
        details: text("details").ok_or_else(unreadable)?,
        prev_hash: text("prev_hash").ok_or_else(unreadable)?,
        hash: text("hash").ok_or_else(unreadable)?,
    })
}

/// Reads a backup through and verifies it: its header, every table's rows against its last
/// line's counts, and the audit chain it holds (under this installation's key).
pub fn read(path: &Path) -> Result<Report, Error> {
    let mut reader = open(path)?;
    let header = reader.header()?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut events = Vec::new();
    let footer = loop {
        match reader.part()? {
            Part::Chunk(chunk) => {
                *counts.entry(chunk.table.clone()).or_default() += chunk.rows.len() as u64;
                if chunk.table == "audit_events" {
                    for row in &chunk.rows {
                        events.push(event_of(&chunk.columns, row)?);
                    }
                }
            }
            Part::Footer(footer) => break footer,
        }
    };
    if footer.rows != counts {
        return Err(reader.broken("its rows do not add up to the counts of its last line"));
    }
    if header.key_fingerprint == audit::key_fingerprint()? {
        events.sort_by_key(|e| e.id);
        if let Verdict::Broken { event_id, reason } = audit::verify_events(&events)? {
            return Err(Error::Conflict(format!(
                "the backup's audit record is broken at event #{event_id}: {reason}"
            )));
        }
    }
    Ok(Report {
        header,
        tables: counts.len(),
        rows: counts.values().sum(),
        audit_events: events.len() as u64,
    })
}

/// Whether the database already holds a coalition (or anything it did).
fn holds_data(conn: &mut DbConn) -> Result<bool, Error> {
    for table in ["coalition", "people", "organisations", "audit_events"] {
        if tables::count(conn, table)? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Restores a backup into this database, which must be empty (only migrated), in one
/// transaction: all of it or nothing. The audit chain is verified afterwards.
pub fn restore_from(conn: &mut DbConn, path: &Path) -> Result<Report, Error> {
    // Read through first: a cut or altered file is refused before anything is written.
    let checked = read(path)?;
    if checked.header.key_fingerprint != audit::key_fingerprint()? {
        return Err(Error::Config(format!(
            "the backup's audit record was written under another SECRET_KEY (fingerprint {}, \
             this installation's is {}); set SECRET_KEY to the backed-up installation's key, \
             or its chain will not verify",
            checked.header.key_fingerprint,
            audit::key_fingerprint()?
        )));
    }
    let schema = schema_of(conn)?;
    if checked.header.schema != schema {
        return Err(Error::Config(format!(
            "the backup's schema is {}, this database's is {schema}: restore with the \
             Roundtable version that made it",
            checked.header.schema
        )));
    }
    if holds_data(conn)? {
        return Err(Error::Conflict(
            "this database already holds a coalition; restore into a new, empty one (a new \
             DATABASE_URL or data folder)"
                .into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let existing = tables::all(conn)?;
        // Rows the migrations seeded (the sectors) make way for the backup's own.
        for table in existing.iter().rev() {
            if tables::count(conn, &table.name)? > 0 {
                tables::clear(conn, &table.name)?;
            }
        }
        let mut reader = open(path)?;
        reader.header()?;
        // The file was read through above: its parts end with the footer.
        while let Part::Chunk(chunk) = reader.part()? {
            let table = existing
                .iter()
                .find(|t| t.name == chunk.table)
                .ok_or_else(|| reader.broken(format!("no table {}", chunk.table)))?;
            if table.columns != chunk.columns {
                return Err(reader.broken(format!(
                    "the columns of {} differ from this database's",
                    chunk.table
                )));
            }
            tables::insert(conn, table, &chunk.rows)?;
        }
        for table in &existing {
            tables::continue_ids(conn, table)?;
        }
        Ok(())
    })?;
    match audit::verify(conn)? {
        Verdict::Intact { .. } => Ok(checked),
        Verdict::Broken { event_id, reason } => Err(Error::Conflict(format!(
            "restored, but the audit record is broken at event #{event_id}: {reason}"
        ))),
    }
}

/// Every table's rows in canonical form, as the database holds them now: what a restore must
/// reproduce (the tests compare it with `contents`).
pub fn snapshot(conn: &mut DbConn) -> Result<BTreeMap<String, Vec<Vec<Value>>>, Error> {
    in_snapshot(conn, |conn| {
        tables::all(conn)?
            .into_iter()
            .map(|table| Ok((table.name.clone(), tables::rows(conn, &table)?)))
            .collect()
    })
}

/// Every table's rows as a backup file holds them.
pub fn contents(path: &Path) -> Result<BTreeMap<String, Vec<Vec<Value>>>, Error> {
    let mut reader = open(path)?;
    reader.header()?;
    let mut all: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    loop {
        match reader.part()? {
            Part::Chunk(chunk) => all.entry(chunk.table).or_default().extend(chunk.rows),
            Part::Footer(_) => return Ok(all),
        }
    }
}
