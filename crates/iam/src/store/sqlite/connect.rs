//! A connection to the SQLite store's file, set up as every connection of the store is.

use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::Connection;

use super::db::sql_error as sql;
use crate::error::{Error, Result};

/// How much of the database file each connection reads through a memory mapping.
const MMAP_BYTES: i64 = 1 << 28;

/// Opens `path` in WAL mode, durable commits, foreign keys on.
pub(crate) fn connect(path: &Path) -> Result<Connection> {
    let conn =
        Connection::open(path).map_err(|e| Error::internal(format!("{}: {e}", path.display())))?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(sql)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sql)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sql)?;
    // Pages read through a shared mapping of the file rather than copied into each
    // connection's own 2 MiB cache: the readers are many, and a report build's two reads
    // (users, keys) on two connections each found the other's pages missing from its cache
    // (1.0x -> 1.6x for reading them side by side). Writes still go through the WAL.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
        .map_err(sql)?;
    // Plans that do not depend on the values bound. Without this, SQLite (built with STAT4)
    // marks a statement whose WHERE compares an indexed column with a parameter as expired
    // whenever its bindings are cleared, which the statement cache does after every use:
    // each ListUsers page compiled its query again, a third of its time.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(sql)?;
    Ok(conn)
}
