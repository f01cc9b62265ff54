//! What a backup reads and writes, the same on both backends: the tables (in an order that
//! satisfies their foreign keys), their columns with a portable kind each, and every value in
//! one canonical JSON form, whatever the backend stores it as.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::Value;

use crate::db::DbConn;
use crate::error::Error;

/// How a column's values are written in a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    Boolean,
    Date,
    Timestamp,
    Text,
}

impl Kind {
    /// From a declared type: SQLite's (`BIGINT`, `BOOLEAN`, `TIMESTAMP`) or PostgreSQL's
    /// (`bigint`, `boolean`, `timestamp without time zone`).
    fn of_declared(declared: &str) -> Kind {
        let declared = declared.to_ascii_lowercase();
        if declared.contains("int") || declared == "serial" || declared == "bigserial" {
            Kind::Integer
        } else if declared.contains("bool") {
            Kind::Boolean
        } else if declared.contains("timestamp") {
            Kind::Timestamp
        } else if declared == "date" {
            Kind::Date
        } else {
            Kind::Text
        }
    }

    /// PostgreSQL's type to cast a JSON text value to when restoring.
    fn postgres_cast(self) -> &'static str {
        match self {
            Kind::Integer => "bigint",
            Kind::Boolean => "boolean",
            Kind::Date => "date",
            Kind::Timestamp => "timestamp",
            Kind::Text => "text",
        }
    }

    /// The canonical form of a value as a backend gave it: integers as numbers, booleans
    /// as true/false (SQLite stores 0/1), instants as `YYYY-MM-DD HH:MM:SS[.ffffff]` (PostgreSQL
    /// writes a `T`), dates as `YYYY-MM-DD`.
    pub fn canonical(self, value: Value) -> Result<Value, Error> {
        let unreadable = |v: &Value| Error::Internal(format!("a {self:?} column holds {v}"));
        Ok(match (self, value) {
            (_, Value::Null) => Value::Null,
            (Kind::Boolean, Value::Number(n)) => Value::Bool(n.as_i64() != Some(0)),
            (Kind::Boolean, Value::Bool(b)) => Value::Bool(b),
            (Kind::Integer, Value::Number(n)) if n.is_i64() => Value::Number(n),
            (Kind::Timestamp, Value::String(s)) => {
                let instant =
                    NaiveDateTime::parse_from_str(&s.replace('T', " "), "%Y-%m-%d %H:%M:%S%.f")
                        .map_err(|_| unreadable(&Value::String(s.clone())))?;
                Value::String(instant.format("%Y-%m-%d %H:%M:%S%.f").to_string())
            }
            (Kind::Date, Value::String(s)) => {
                let day = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .map_err(|_| unreadable(&Value::String(s.clone())))?;
                Value::String(day.format("%Y-%m-%d").to_string())
            }
            (Kind::Text, Value::String(s)) => Value::String(s),
            (_, other) => return Err(unreadable(&other)),
        })
    }
}

/// One table as a backup holds it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub kinds: Vec<Kind>,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

pub(super) fn lines(conn: &mut DbConn, query: &str) -> Result<Vec<String>, Error> {
    let rows: Vec<Line> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(query).load(c)?,
        DbConn::Postgres(c) => diesel::sql_query(query).load(c)?,
    };
    Ok(rows.into_iter().map(|l| l.line).collect())
}

/// A name from our own schema, quoted as an SQL identifier.
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A name as an SQL string literal (for the catalogue queries below).
fn literal(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// Roundtable's tables, parents before children. Not diesel's migration list, nor the data's
/// version (the restored database's own goes on rising: a restore is a change).
pub fn all(conn: &mut DbConn) -> Result<Vec<Table>, Error> {
    let (names_query, postgres) = match conn {
        DbConn::Sqlite(_) => (
            "SELECT name AS line FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' \
             AND name <> 'data_version'",
            false,
        ),
        DbConn::Postgres(_) => (
            "SELECT table_name::text AS line FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> '__diesel_schema_migrations' AND table_name <> 'data_version'",
            true,
        ),
    };
    let names = lines(conn, names_query)?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut tables = BTreeMap::new();
    for name in names {
        let (columns_query, parents_query) = if postgres {
            (
                format!(
                    "SELECT column_name::text || ' ' || data_type::text AS line \
                     FROM information_schema.columns WHERE table_schema = current_schema() \
                     AND table_name = {} ORDER BY ordinal_position",
                    literal(&name)
                ),
                format!(
                    "SELECT DISTINCT confrelid::regclass::text AS line FROM pg_constraint \
                     WHERE contype = 'f' AND conrelid = {}::regclass",
                    literal(&quoted(&name))
                ),
            )
        } else {
            (
                format!(
                    "SELECT name || ' ' || type AS line FROM pragma_table_info({}) ORDER BY cid",
                    literal(&name)
                ),
                format!(
                    "SELECT DISTINCT \"table\" AS line FROM pragma_foreign_key_list({})",
                    literal(&name)
                ),
            )
        };
        let mut columns = Vec::new();
        let mut kinds = Vec::new();
        for line in lines(conn, &columns_query)? {
            let (column, declared) = line.split_once(' ').unwrap_or((&line, "text"));
            columns.push(column.to_owned());
            kinds.push(Kind::of_declared(declared));
        }
        let of_table: BTreeSet<String> = lines(conn, &parents_query)?
            .into_iter()
            .map(|p| p.trim_matches('"').to_owned())
            .filter(|p| *p != name)
            .collect();
        parents.insert(name.clone(), of_table);
        tables.insert(
            name.clone(),
            Table {
                name,
                columns,
                kinds,
            },
        );
    }
    // Parents first (Kahn's order; ties by name, so every backup lists tables alike).
    let mut ordered = Vec::with_capacity(tables.len());
    while !parents.is_empty() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(_, of)| of.iter().all(|p| !parents.contains_key(p)))
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            return Err(Error::Internal(format!(
                "the tables' foreign keys form a cycle: {:?}",
                parents.keys().collect::<Vec<_>>()
            )));
        }
        for table in ready {
            parents.remove(&table);
            if let Some(t) = tables.remove(&table) {
                ordered.push(t);
            }
        }
    }
    Ok(ordered)
}

/// Every row of `table` in canonical form, in the order of its columns' values.
pub fn rows(conn: &mut DbConn, table: &Table) -> Result<Vec<Vec<Value>>, Error> {
    let mut all = Vec::new();
    each_chunk(conn, table, usize::MAX, |rows| {
        all.extend(rows);
        Ok(())
    })?;
    Ok(all)
}

/// `SELECT <every column as one JSON array> AS line FROM table`, for this backend.
fn select_rows(conn: &DbConn, table: &Table) -> String {
    let columns: Vec<String> = table.columns.iter().map(|c| quoted(c)).collect();
    let array = match conn {
        DbConn::Sqlite(_) => "json_array",
        DbConn::Postgres(_) => "json_build_array",
    };
    format!(
        "SELECT CAST({array}({}) AS TEXT) AS line FROM {}",
        columns.join(", "),
        quoted(&table.name)
    )
}

/// The rows `query` (a `select_rows` with its clauses) finds, each in canonical form.
fn read_rows(conn: &mut DbConn, table: &Table, query: &str) -> Result<Vec<Vec<Value>>, Error> {
    lines(conn, query)?
        .into_iter()
        .map(|line| {
            let values: Vec<Value> = serde_json::from_str(&line)
                .map_err(|e| Error::Internal(format!("a row of {}: {e}", table.name)))?;
            values
                .into_iter()
                .zip(&table.kinds)
                .map(|(value, kind)| kind.canonical(value))
                .collect()
        })
        .collect()
}

/// Hands `table`'s rows to `take` a chunk of at most `size` at a time, in the order of
/// their columns' values. A table keyed by `id` is read a chunk per query (after the last
/// id seen), so a table of a million mails never sits in memory whole.
pub fn each_chunk(
    conn: &mut DbConn,
    table: &Table,
    size: usize,
    mut take: impl FnMut(Vec<Vec<Value>>) -> Result<(), Error>,
) -> Result<(), Error> {
    let select = select_rows(conn, table);
    let keyed = table.columns.first().is_some_and(|c| c == "id")
        && table.kinds.first() == Some(&Kind::Integer);
    if !keyed || size == usize::MAX {
        // Every column, in order: rows come out in one order whatever the backend.
        let order: Vec<String> = table.columns.iter().map(|c| quoted(c)).collect();
        let rows = read_rows(
            conn,
            table,
            &format!("{select} ORDER BY {}", order.join(", ")),
        )?;
        for chunk in rows.chunks(size.max(1)) {
            take(chunk.to_vec())?;
        }
        return Ok(());
    }
    let mut after: Option<i64> = None;
    loop {
        let from = after.map_or_else(String::new, |id| format!(" WHERE \"id\" > {id}"));
        let rows = read_rows(
            conn,
            table,
            &format!("{select}{from} ORDER BY \"id\" LIMIT {size}"),
        )?;
        let Some(last) = rows.last().and_then(|r| r.first()).and_then(Value::as_i64) else {
            return Ok(());
        };
        after = Some(last);
        let full = rows.len() == size;
        take(rows)?;
        if !full {
            return Ok(());
        }
    }
}

/// A value to select rows by.
pub enum Key<'a> {
    Id(i64),
    /// Any of these ids.
    Ids(&'a [i64]),
    Text(&'a str),
}

/// The rows of `table` whose `column` holds `key`, each as an object of its columns (in
/// canonical form), in the order of their first column.
pub fn rows_where(
    conn: &mut DbConn,
    table: &Table,
    column: &str,
    key: Key<'_>,
) -> Result<Vec<serde_json::Map<String, Value>>, Error> {
    let condition = match key {
        Key::Id(id) => format!("= {id}"),
        Key::Ids([]) => return Ok(Vec::new()),
        Key::Ids(ids) => format!(
            "IN ({})",
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Key::Text(text) => format!("= {}", literal(text)),
    };
    let query = format!(
        "{} WHERE {} {condition} ORDER BY {}",
        select_rows(conn, table),
        quoted(column),
        quoted(&table.columns[0])
    );
    Ok(read_rows(conn, table, &query)?
        .into_iter()
        .map(|row| table.columns.iter().cloned().zip(row).collect())
        .collect())
}

/// Inserts canonical rows into `table`, many per statement.
pub fn insert(conn: &mut DbConn, table: &Table, rows: &[Vec<Value>]) -> Result<(), Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let columns: Vec<String> = table.columns.iter().map(|c| quoted(c)).collect();
    let payload = Value::Array(rows.iter().map(|r| Value::Array(r.clone())).collect()).to_string();
    // The rows go as one JSON array, bound once; each backend takes it apart in SQL.
    let (values, source): (Vec<String>, &str) = match conn {
        // JSON true/false become 1/0, as SQLite stores booleans.
        DbConn::Sqlite(_) => (
            (0..columns.len())
                .map(|i| format!("json_extract(value, '$[{i}]')"))
                .collect(),
            "json_each(?)",
        ),
        DbConn::Postgres(_) => (
            table
                .kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| format!("(r->>{i})::{}", kind.postgres_cast()))
                .collect(),
            "json_array_elements($1::json) AS r",
        ),
    };
    let query = format!(
        "INSERT INTO {} ({}) SELECT {} FROM {source}",
        quoted(&table.name),
        columns.join(", "),
        values.join(", ")
    );
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(query)
            .bind::<Text, _>(&payload)
            .execute(c)?,
        DbConn::Postgres(c) => diesel::sql_query(query)
            .bind::<Text, _>(&payload)
            .execute(c)?,
    };
    Ok(())
}

/// How many rows `table` holds.
pub fn count(conn: &mut DbConn, table: &str) -> Result<i64, Error> {
    let query = format!(
        "SELECT CAST(COUNT(*) AS TEXT) AS line FROM {}",
        quoted(table)
    );
    lines(conn, &query)?
        .first()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Error::Internal(format!("counting {table}")))
}

/// Empties `table` (the rows migrations seed, before a restore writes the backup's).
pub fn clear(conn: &mut DbConn, table: &str) -> Result<(), Error> {
    let query = format!("DELETE FROM {}", quoted(table));
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(query).execute(c)?,
        DbConn::Postgres(c) => diesel::sql_query(query).execute(c)?,
    };
    Ok(())
}

/// After rows were written with their ids, PostgreSQL's id sequences continue after the
/// largest (SQLite's do by themselves). A table keyed by a random text (the anonymous
/// answers) has no sequence.
pub fn continue_ids(conn: &mut DbConn, table: &Table) -> Result<(), Error> {
    if let DbConn::Postgres(c) = conn
        && table.columns.first().is_some_and(|c| c == "id")
        && table.kinds.first() == Some(&Kind::Integer)
    {
        let query = format!(
            "SELECT setval(pg_get_serial_sequence({}, 'id'), COALESCE(MAX(id), 0) + 1, false) \
             FROM {}",
            literal(&quoted(&table.name)),
            quoted(&table.name)
        );
        diesel::sql_query(query).execute(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_take_one_form_whatever_the_backend() {
        let at = |v: &str| {
            Kind::Timestamp
                .canonical(Value::String(v.into()))
                .expect("read")
        };
        assert_eq!(at("2026-11-29T20:01:02.5"), at("2026-11-29 20:01:02.500"));
        assert_eq!(
            at("2026-11-29 20:01:02"),
            Value::String("2026-11-29 20:01:02".into())
        );
        assert_eq!(
            Kind::Boolean.canonical(serde_json::json!(1)).expect("read"),
            Value::Bool(true)
        );
        assert_eq!(
            Kind::Boolean
                .canonical(serde_json::json!(false))
                .expect("read"),
            Value::Bool(false)
        );
        assert!(Kind::Integer.canonical(serde_json::json!("seven")).is_err());
        assert_eq!(
            Kind::of_declared("timestamp without time zone"),
            Kind::Timestamp
        );
        assert_eq!(Kind::of_declared("BIGINT"), Kind::Integer);
        assert_eq!(Kind::of_declared("character varying"), Kind::Text);
    }
}
