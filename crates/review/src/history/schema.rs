//! The history file's schema: versioned migrations in `migrations/history/`, applied in
//! order, each in its own transaction; SQLite's `user_version` records how many were
//! applied (the scheme of the IAM store's SQLite file). A new table is a new file here.
//! A file newer than this build is refused rather than misread, and a SQLite file that
//! is not a history is never written to.

use anyhow::{bail, Context};
use rusqlite::Connection;

/// The migrations, oldest first: `user_version` N means the first N are applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/history/0001_init.sql"),
    include_str!("../../migrations/history/0002_trail_changes.sql"),
    include_str!("../../migrations/history/0003_security_hub.sql"),
];

/// This build's schema version.
pub const VERSION: usize = MIGRATIONS.len();

/// Brings the file's schema to [`VERSION`].
pub fn migrate(conn: &Connection) -> anyhow::Result<()> {
    let version: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .context("not a history file (not SQLite)")?;
    if version > VERSION {
        bail!("history schema version {version}, newer than this credreport knows ({VERSION})");
    }
    if version == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables > 0 {
            bail!("not a credreport history file (it has other tables)");
        }
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}\nPRAGMA user_version = {}; COMMIT;",
            i + 1
        ))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })
        .with_context(|| format!("history schema migration {}", i + 1))?;
    }
    Ok(())
}

/// A stored name read back as its value: an unknown one is an error naming it (a file
/// written by a newer build).
pub fn named<T>(
    row: &rusqlite::Row<'_>,
    column: usize,
    what: &str,
    from_name: impl Fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(column)?;
    from_name(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("{what} {text:?} is unknown to this credreport").into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case: what the file holds before, and what opening it must say.
    #[test]
    fn only_an_empty_file_or_a_history_is_migrated() {
        let first = format!("{}PRAGMA user_version = 1;", MIGRATIONS[0]);
        let cases: &[(&str, Result<usize, &str>)] = &[
            ("", Ok(VERSION)),
            // A file of the first schema is brought to this one.
            (&first, Ok(VERSION)),
            (
                "CREATE TABLE mine (x);",
                Err("not a credreport history file (it has other tables)"),
            ),
            (
                "PRAGMA user_version = 99;",
                Err("history schema version 99, newer than this credreport knows"),
            ),
        ];
        for (before, want) in cases {
            let conn = Connection::open_in_memory().expect("in memory");
            conn.execute_batch(before).expect("set up");
            let got = migrate(&conn).map(|()| {
                conn.pragma_query_value(None, "user_version", |r| r.get::<_, usize>(0))
                    .expect("version")
            });
            match (got, want) {
                (Ok(v), Ok(w)) => assert_eq!(v, *w, "{before}"),
                (Err(e), Err(w)) => assert!(e.to_string().starts_with(w), "{before}: {e}"),
                (got, want) => panic!("{before}: {got:?}, expected {want:?}"),
            }
        }
    }
}
