//! The schema is proven, not trusted: both migration sets give the same tables and columns,
//! those match `schema.rs`, and every migration runs down and up again.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::MigrationHarness;
use roundtable::db::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

use crate::common::{Backend, TestDb, backends};

#[derive(QueryableByName, Debug)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
}

/// table -> column -> (type family, not null)
type Shape = BTreeMap<String, BTreeMap<String, (String, bool)>>;

fn family(sql_type: &str) -> String {
    let t = sql_type.to_lowercase();
    let f = if t.contains("int") || t.contains("serial") {
        "integer"
    } else if t.contains("char") || t == "text" {
        "text"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("timestamp") {
        "timestamp"
    } else if t.contains("date") {
        "date"
    } else if t.contains("double") || t.contains("real") || t.contains("float") {
        "float"
    } else {
        return t;
    };
    f.to_owned()
}

fn shape(rows: Vec<ColumnRow>) -> Shape {
    let mut shape = Shape::new();
    for r in rows {
        shape
            .entry(r.table_name)
            .or_default()
            .insert(r.column_name, (family(&r.data_type), r.not_null));
    }
    shape
}

const SQLITE_COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
     (p.\"notnull\" <> 0 OR p.pk > 0) AS not_null \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'";

const POSTGRES_COLUMNS: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name, \
     data_type::text AS data_type, (is_nullable = 'NO') AS not_null \
     FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations'";

fn sqlite_shape(conn: &mut SqliteConnection) -> Shape {
    shape(
        diesel::sql_query(SQLITE_COLUMNS)
            .load(conn)
            .expect("read SQLite schema"),
    )
}

fn postgres_shape(conn: &mut PgConnection) -> Shape {
    shape(
        diesel::sql_query(POSTGRES_COLUMNS)
            .load(conn)
            .expect("read PostgreSQL schema"),
    )
}

/// The tables and columns `schema.rs` declares, read from its text.
fn declared_shape() -> Shape {
    let source = include_str!("../../src/db/schema.rs");
    let mut shape = Shape::new();
    let mut table: Option<String> = None;
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_suffix('{')
            && let Some((name, _)) = rest.split_once(" (")
            && !line.starts_with("diesel::")
        {
            table = Some(name.trim().to_owned());
        } else if line == "}" {
            table = None;
        } else if let (Some(t), Some((column, ty))) = (&table, line.split_once(" -> ")) {
            let ty = ty.trim_end_matches(',');
            let nullable = ty.starts_with("Nullable<");
            let inner = ty.trim_start_matches("Nullable<").trim_end_matches('>');
            let fam = match inner {
                "BigInt" | "Integer" | "SmallInt" => "integer",
                "Text" => "text",
                "Bool" => "boolean",
                "Timestamp" => "timestamp",
                "Date" => "date",
                "Double" | "Float" => "float",
                other => other,
            };
            shape
                .entry(t.clone())
                .or_default()
                .insert(column.trim().to_owned(), (fam.to_owned(), !nullable));
        }
    }
    shape
}

fn migrated_shapes() -> Vec<(String, Shape)> {
    let mut shapes = Vec::new();
    for backend in backends() {
        let db = TestDb::create(&backend);
        let shape = match &backend {
            Backend::Sqlite => {
                let path = db.url.trim_start_matches("sqlite://");
                let mut conn = SqliteConnection::establish(path).expect("open SQLite");
                conn.run_pending_migrations(SQLITE_MIGRATIONS)
                    .expect("migrate");
                sqlite_shape(&mut conn)
            }
            Backend::Postgres(_) => {
                let mut conn = PgConnection::establish(&db.url).expect("open PostgreSQL");
                conn.run_pending_migrations(POSTGRES_MIGRATIONS)
                    .expect("migrate");
                postgres_shape(&mut conn)
            }
        };
        shapes.push((backend.name().to_owned(), shape));
    }
    shapes
}

#[test]
fn both_migration_sets_match_schema_rs() {
    let declared = declared_shape();
    assert!(
        declared.contains_key("people") && declared.contains_key("audit_events"),
        "{declared:?}"
    );
    for (name, shape) in migrated_shapes() {
        assert_eq!(shape, declared, "{name} migrations differ from schema.rs");
    }
}

#[test]
fn both_migration_folders_hold_the_same_names() {
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let root = env!("CARGO_MANIFEST_DIR");
    assert_eq!(
        names(&format!("{root}/migrations/sqlite")),
        names(&format!("{root}/migrations/postgres"))
    );
}

#[test]
fn every_migration_runs_down_and_up_again() {
    for backend in backends() {
        let db = TestDb::create(&backend);
        match &backend {
            Backend::Sqlite => {
                let path = db.url.trim_start_matches("sqlite://");
                let mut conn = SqliteConnection::establish(path).expect("open SQLite");
                let applied = conn
                    .run_pending_migrations(SQLITE_MIGRATIONS)
                    .expect("up")
                    .len();
                let full = sqlite_shape(&mut conn);
                let reverted = conn.revert_all_migrations(SQLITE_MIGRATIONS).expect("down");
                assert_eq!(reverted.len(), applied);
                assert!(
                    sqlite_shape(&mut conn).is_empty(),
                    "down leaves no tables behind"
                );
                conn.run_pending_migrations(SQLITE_MIGRATIONS)
                    .expect("up again");
                assert_eq!(sqlite_shape(&mut conn), full);
            }
            Backend::Postgres(_) => {
                let mut conn = PgConnection::establish(&db.url).expect("open PostgreSQL");
                let applied = conn
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .expect("up")
                    .len();
                let full = postgres_shape(&mut conn);
                let reverted = conn
                    .revert_all_migrations(POSTGRES_MIGRATIONS)
                    .expect("down");
                assert_eq!(reverted.len(), applied);
                assert!(
                    postgres_shape(&mut conn).is_empty(),
                    "down leaves no tables behind"
                );
                conn.run_pending_migrations(POSTGRES_MIGRATIONS)
                    .expect("up again");
                assert_eq!(postgres_shape(&mut conn), full);
            }
        }
    }
}

#[derive(QueryableByName)]
struct TableRow {
    #[diesel(sql_type = Text)]
    table_name: String,
}

/// Every table raises the data's version (`db::version`; the page cache trusts it), but the
/// sign-in throttle and the version itself: three triggers each on SQLite (insert, update,
/// delete), one for the three events on PostgreSQL.
#[test]
fn every_table_raises_the_data_version() {
    let mut expected: Vec<String> = declared_shape()
        .into_keys()
        .filter(|t| t != "data_version" && t != "login_throttle")
        .flat_map(|t| [t.clone(), t.clone(), t])
        .collect();
    expected.sort();
    for backend in backends() {
        let db = TestDb::create(&backend);
        let mut found: Vec<String> = match &backend {
            Backend::Sqlite => {
                let path = db.url.trim_start_matches("sqlite://");
                let mut conn = SqliteConnection::establish(path).expect("open SQLite");
                conn.run_pending_migrations(SQLITE_MIGRATIONS)
                    .expect("migrate");
                diesel::sql_query(
                    "SELECT tbl_name AS table_name FROM sqlite_master \
                     WHERE type = 'trigger' AND name LIKE 'version_after_%'",
                )
                .load::<TableRow>(&mut conn)
                .expect("the triggers")
            }
            Backend::Postgres(_) => {
                let mut conn = PgConnection::establish(&db.url).expect("open PostgreSQL");
                conn.run_pending_migrations(POSTGRES_MIGRATIONS)
                    .expect("migrate");
                diesel::sql_query(
                    "SELECT event_object_table::text AS table_name FROM information_schema.triggers \
                     WHERE trigger_name = 'version_after_write' AND trigger_schema = current_schema()",
                )
                .load::<TableRow>(&mut conn)
                .expect("the triggers")
            }
        }
        .into_iter()
        .map(|r| r.table_name)
        .collect();
        found.sort();
        assert_eq!(found, expected, "{}", backend.name());
    }
}

/// A change raises the version once, whatever it touched; a session's "last seen", touched
/// every minute of use, does not; ending it does.
#[test]
fn a_change_raises_the_version_and_a_sessions_last_seen_does_not() {
    use roundtable::auth::sessions;
    use roundtable::db::version;
    for backend in backends() {
        let app = crate::common::TestApp::new(&backend);
        let person = app.bootstrap();
        let mut conn = app.conn();
        let at = chrono::Utc::now().naive_utc();
        let v0 = version::current(&mut conn).expect("a version");
        let sid = sessions::start(&mut conn, person.id, "test", "127.0.0.1", at).expect("start");
        let v1 = version::current(&mut conn).expect("a version");
        assert!(v1 > v0, "{}: a new session", backend.name());
        let id = sessions::of_person(&mut conn, person.id).expect("read")[0].id;
        sessions::touch(&mut conn, id, at + chrono::TimeDelta::minutes(2)).expect("touch");
        assert_eq!(
            version::current(&mut conn).expect("v"),
            v1,
            "{}: last seen",
            backend.name()
        );
        sessions::end(&mut conn, &sid, sessions::SIGNED_OUT).expect("end");
        assert!(
            version::current(&mut conn).expect("v") > v1,
            "{}: ended",
            backend.name()
        );
    }
}
