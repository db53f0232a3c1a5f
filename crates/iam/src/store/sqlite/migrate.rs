//! The SQLite store's schema: versioned migrations in `migrations/sqlite/`, applied in
//! order at open, each in its own transaction; `PRAGMA user_version` records the last. A
//! schema newer than this program knows is refused. (The PostgreSQL schema is its own
//! history; `tests/schemas.rs` checks that the two describe the same tables.)

use rusqlite::{params, Connection};

use super::super::report_files::ReportFiles;
use super::db::{length, sql_error as sql};
use crate::error::{Error, Result};
use crate::ids::AccountId;

/// One schema version: its SQL, then (in the same transaction) any code it needs.
pub(super) struct Migration {
    pub(super) sql: &'static str,
    then: Option<fn(&Connection, &ReportFiles) -> Result<()>>,
}

const fn sql_only(sql: &'static str) -> Migration {
    Migration { sql, then: None }
}

/// Versioned schema migrations, applied in order; `PRAGMA user_version` records the last.
pub(super) const MIGRATIONS: &[Migration] = &[
    sql_only(include_str!("../../../migrations/sqlite/0001_init.sql")),
    sql_only(include_str!(
        "../../../migrations/sqlite/0002_report_contents.sql"
    )),
    sql_only(include_str!(
        "../../../migrations/sqlite/0003_report_indexes.sql"
    )),
    Migration {
        sql: include_str!("../../../migrations/sqlite/0004_report_files.sql"),
        then: Some(move_report_contents_to_files),
    },
    sql_only(include_str!(
        "../../../migrations/sqlite/0005_access_keys_by_account.sql"
    )),
    sql_only(include_str!(
        "../../../migrations/sqlite/0006_console_sessions.sql"
    )),
    sql_only(include_str!(
        "../../../migrations/sqlite/0007_groups_and_managed_policies.sql"
    )),
    sql_only(include_str!("../../../migrations/sqlite/0008_roles.sql")),
    sql_only(include_str!(
        "../../../migrations/sqlite/0009_sign_in_failures.sql"
    )),
    sql_only(include_str!(
        "../../../migrations/sqlite/0010_permissions_boundaries.sql"
    )),
    sql_only(include_str!(
        "../../../migrations/sqlite/0011_console_session_mfa.sql"
    )),
    sql_only(include_str!(
        "../../../migrations/sqlite/0012_report_rows.sql"
    )),
    // 0013 is taken by a branch not merged yet (organizations).
    sql_only(include_str!(
        "../../../migrations/sqlite/0014_ssh_public_keys.sql"
    )),
];

/// Brings the schema of `conn`'s database up to date.
pub(super) fn migrate(conn: &Connection, files: &ReportFiles) -> Result<()> {
    let version: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql)?;
    if version > MIGRATIONS.len() {
        return Err(Error::internal(format!(
            "the database schema is version {version}, newer than this program knows ({})",
            MIGRATIONS.len()
        )));
    }
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(version) {
        conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
        let step = (|| {
            conn.execute_batch(migration.sql).map_err(sql)?;
            if let Some(then) = migration.then {
                then(conn, files)?;
            }
            conn.pragma_update(None, "user_version", i + 1)
                .map_err(sql)?;
            conn.execute_batch("COMMIT").map_err(sql)
        })();
        if step.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        step?;
    }
    Ok(())
}

/// Migration 4: each stored report's bytes into a file of its own, then `report_contents`
/// dropped. A file written before a failure is an orphan for the sweep.
fn move_report_contents_to_files(conn: &Connection, files: &ReportFiles) -> Result<()> {
    let accounts: Vec<String> = conn
        .prepare("SELECT account_id FROM report_contents")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(sql)?;
    for id in accounts {
        let account = AccountId::parse(&id)
            .ok_or_else(|| Error::internal(format!("report_contents: bad account id {id}")))?;
        let content: Vec<u8> = conn
            .query_row(
                "SELECT content FROM report_contents WHERE account_id = ?1",
                [&id],
                |r| r.get(0),
            )
            .map_err(sql)?;
        let file = files.write(&account, &content)?;
        conn.execute(
            "INSERT INTO report_files (account_id, file, length) VALUES (?1, ?2, ?3)",
            params![id, file, length(&content)],
        )
        .map_err(sql)?;
    }
    conn.execute_batch("DROP TABLE report_contents")
        .map_err(sql)
}
