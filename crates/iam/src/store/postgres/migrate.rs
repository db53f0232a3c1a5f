//! The PostgreSQL store's schema: versioned migrations in `migrations/postgres/`, applied
//! at open under a session advisory lock (instances starting together migrate once), each
//! in its own transaction; `credreport_schema` records the last. A schema newer than this
//! program knows is refused. (The SQLite schema is its own history; `tests/schemas.rs`
//! checks that the two describe the same tables.)

use super::pg;
use crate::error::{Error, Result};

/// Versioned schema migrations, applied in order.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_init.sql"),
    include_str!("../../../migrations/postgres/0002_sign_in_failures.sql"),
    include_str!("../../../migrations/postgres/0003_permissions_boundaries.sql"),
    include_str!("../../../migrations/postgres/0004_console_session_mfa.sql"),
    include_str!("../../../migrations/postgres/0005_report_rows.sql"),
    // 0006 is taken by a branch not merged yet (organizations).
    include_str!("../../../migrations/postgres/0007_ssh_public_keys.sql"),
];

/// The advisory lock key of migrations (account keys are never negative).
const MIGRATION_KEY: i64 = -2;

/// Brings the schema up to date, under the migration lock.
pub(super) fn migrate(client: &mut postgres::Client) -> Result<()> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_KEY])
        .map_err(pg)?;
    let result = migrate_locked(client);
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_KEY])
        .map(drop)
        .map_err(pg);
    result.and(unlocked)
}

fn migrate_locked(client: &mut postgres::Client) -> Result<()> {
    client
        .batch_execute("CREATE TABLE IF NOT EXISTS credreport_schema (version BIGINT NOT NULL)")
        .map_err(pg)?;
    let version: i64 = client
        .query_opt("SELECT max(version) FROM credreport_schema", &[])
        .map_err(pg)?
        .and_then(|r| r.get::<_, Option<i64>>(0))
        .unwrap_or(0);
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if version > known {
        return Err(Error::internal(format!(
            "the database schema is version {version}, newer than this program knows ({known}): \
             run a newer credreport"
        )));
    }
    let applied = usize::try_from(version).unwrap_or(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let mut tx = client.transaction().map_err(pg)?;
        tx.batch_execute(sql).map_err(pg)?;
        let next = i64::try_from(i + 1).unwrap_or(i64::MAX);
        tx.execute("DELETE FROM credreport_schema", &[])
            .map_err(pg)?;
        tx.execute(
            "INSERT INTO credreport_schema (version) VALUES ($1)",
            &[&next],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
    }
    Ok(())
}
