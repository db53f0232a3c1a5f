//! The two migration histories (`migrations/sqlite/`, `migrations/postgres/`) describe
//! the same schema: after every migration of each, the tables, their columns (in order,
//! with types mapped: `INTEGER` to `BIGINT` or `BOOLEAN`, `TEXT` to `TEXT`, `BLOB` to
//! `BYTEA`), what may be NULL, the primary keys, the unique constraints and the indexes
//! agree, but for the differences listed here with their reasons. Both schemas are read
//! from real databases their stores migrated. The store's statements are written once for
//! both (`store/sql/`), so a table or column added to one history and not the other fails
//! this test before it fails a statement.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::SqliteStore;
use credreport_testkit::postgres::fresh_database;

/// Facts of the SQLite schema PostgreSQL's does not have, and why.
const ONLY_SQLITE: &[(&str, &str)] = &[
    (
        "table report_files",
        "SQLite keeps report bytes in files beside the database; the row names the file",
    ),
    (
        "column report_files.account_id #1 TEXT not null",
        "the same",
    ),
    ("column report_files.file #2 TEXT not null", "the same"),
    ("column report_files.length #3 INTEGER not null", "the same"),
    ("key report_files (account_id)", "the same"),
    (
        "index users (account_id, name_key, name, path, user_id, created, password_last_used)",
        "SQLite's users_listing covers every column a report build reads (migration 3)",
    ),
];

/// Facts of the PostgreSQL schema SQLite's does not have, and why.
const ONLY_POSTGRES: &[(&str, &str)] = &[
    (
        "table report_contents",
        "every instance of a fleet reads report bytes from the database",
    ),
    (
        "column report_contents.account_id #1 TEXT not null",
        "the same",
    ),
    (
        "column report_contents.content #2 BLOB not null",
        "the same",
    ),
    ("key report_contents (account_id)", "the same"),
    (
        "table credreport_schema",
        "PostgreSQL's schema version (SQLite's is PRAGMA user_version)",
    ),
    (
        "column credreport_schema.version #1 INTEGER not null",
        "the same",
    ),
    (
        "index users (account_id, name_key, name)",
        "PostgreSQL's users_listing, not covering",
    ),
    (
        "index reports (account_id) where (building_since IS NOT NULL)",
        "the builds in progress, found at start (a partial index; SQLite scans the table)",
    ),
];

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}

fn sqlite_facts() -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut facts = BTreeSet::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for table in tables {
        facts.insert(format!("table {table}"));
        let mut key: Vec<(i64, String)> = Vec::new();
        let columns: Vec<(i64, String, String, bool, i64)> = conn
            .prepare("SELECT cid, name, type, \"notnull\", pk FROM pragma_table_info(?1)")
            .unwrap()
            .query_map([&table], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (cid, name, ty, not_null, pk) in columns {
            // A primary key column of a rowid table may hold NULL in SQLite; none of the
            // store's ever does, and PostgreSQL's never can.
            let nullable = !not_null && pk == 0;
            facts.insert(column_fact(&table, cid + 1, &name, &ty, nullable));
            if pk > 0 {
                key.push((pk, name));
            }
        }
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, name)| name).collect();
        if !key.is_empty() {
            facts.insert(format!("key {table} ({})", key.join(", ")));
        }
        let indexes: Vec<(String, bool, String, bool)> = conn
            .prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
            .unwrap()
            .query_map([&table], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (index, unique, origin, partial) in indexes {
            assert!(
                !partial,
                "{index}: a partial index (its condition is not compared)"
            );
            let columns: Vec<String> = conn
                .prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                .unwrap()
                .query_map([&index], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            match (origin.as_str(), unique) {
                ("pk", _) => {} // the key, above
                (_, true) => {
                    facts.insert(format!("unique {table} ({})", columns.join(", ")));
                }
                (_, false) => {
                    facts.insert(format!("index {table} ({})", columns.join(", ")));
                }
            }
        }
    }
    facts
}

fn column_fact(table: &str, position: i64, name: &str, ty: &str, nullable: bool) -> String {
    let null = if nullable { "null" } else { "not null" };
    format!("column {table}.{name} #{position} {ty} {null}")
}

/// PostgreSQL's types as the SQLite types they map to.
fn sqlite_type(pg: &str) -> &'static str {
    match pg {
        "bigint" | "boolean" => "INTEGER",
        "text" => "TEXT",
        "bytea" => "BLOB",
        other => panic!("a PostgreSQL type with no SQLite counterpart: {other}"),
    }
}

/// The schema's facts, and the text columns of its keys and indexes with their collation.
fn postgres_facts() -> (BTreeSet<String>, Vec<(String, String)>) {
    let url = fresh_database("schemas");
    drop(PgStore::open(&PgUrl::parse(&url).unwrap()).unwrap());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut facts = BTreeSet::new();
    for row in client
        .query(
            "SELECT table_name::text, ordinal_position::bigint, column_name::text,
                    data_type::text, is_nullable = 'YES'
             FROM information_schema.columns WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
    {
        let table: String = row.get(0);
        facts.insert(format!("table {table}"));
        facts.insert(column_fact(
            &table,
            row.get(1),
            row.get::<_, &str>(2),
            sqlite_type(row.get(3)),
            row.get(4),
        ));
    }
    let indexes = client
        .query(
            "SELECT t.relname::text, ix.indisprimary, ix.indisunique,
                    array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n
                          ORDER BY k.i),
                    array(SELECT c.collname::text FROM unnest(ix.indcollation) k(coll)
                          JOIN pg_collation c ON c.oid = k.coll),
                    pg_get_expr(ix.indpred, ix.indrelid)
             FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = 'public'",
            &[],
        )
        .unwrap();
    let mut collations = Vec::new();
    for row in indexes {
        let table: String = row.get(0);
        let columns: Vec<String> = row.get(3);
        let fact = match (row.get::<_, bool>(1), row.get::<_, bool>(2)) {
            (true, _) => format!("key {table} ({})", columns.join(", ")),
            (false, true) => format!("unique {table} ({})", columns.join(", ")),
            (false, false) => format!("index {table} ({})", columns.join(", ")),
        };
        let fact = match row.get::<_, Option<String>>(5) {
            Some(condition) => format!("{fact} where {condition}"),
            None => fact,
        };
        for collation in row.get::<_, Vec<String>>(4) {
            collations.push((fact.clone(), collation));
        }
        facts.insert(fact);
    }
    (facts, collations)
}

#[test]
fn both_migration_histories_describe_the_same_schema_but_for_the_listed_differences() {
    let sqlite = sqlite_facts();
    let (postgres, _) = postgres_facts();
    let only_sqlite: Vec<&String> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<&String> = postgres.difference(&sqlite).collect();
    let listed_sqlite: Vec<&str> = ONLY_SQLITE.iter().map(|(fact, _)| *fact).collect();
    let listed_postgres: Vec<&str> = ONLY_POSTGRES.iter().map(|(fact, _)| *fact).collect();
    assert_eq!(
        sorted(only_sqlite.iter().map(|s| s.as_str()).collect()),
        sorted(listed_sqlite),
        "facts of the SQLite schema only (left: found, right: listed)"
    );
    assert_eq!(
        sorted(only_postgres.iter().map(|s| s.as_str()).collect()),
        sorted(listed_postgres),
        "facts of the PostgreSQL schema only (left: found, right: listed)"
    );
    assert!(
        sqlite.len() > 100,
        "the schemas were read: {} facts",
        sqlite.len()
    );
}

/// Keys and indexes order text by its bytes on both backends (SQLite's BINARY collation;
/// PostgreSQL's "C"), so pages by name key never depend on the database's locale.
#[test]
fn every_text_column_of_a_postgres_key_or_index_sorts_by_bytes() {
    let (_, collations) = postgres_facts();
    assert!(!collations.is_empty());
    let other: Vec<_> = collations
        .iter()
        .filter(|(_, collation)| collation != "C")
        .collect();
    assert!(other.is_empty(), "not COLLATE \"C\": {other:?}");
}
