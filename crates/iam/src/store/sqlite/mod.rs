//! The embedded store: one SQLite file in WAL mode.
//!
//! One connection writes (`BEGIN IMMEDIATE`, so write transactions are serialized, which
//! is what the [`Store`] contract asks); a few more read concurrently from WAL snapshots.
//! Several processes may open the same file (a running server and `credreport account
//! create`): SQLite's file locks serialize their writers, with a busy timeout.
//!
//! The record operations are the store's shared ones (`store/sql/`); this module is the
//! connections, the transactions and the report files. `connect.rs`: a connection's
//! settings; `migrate.rs`: the schema's history; `db.rs`: the SQLite dialect of the
//! shared statements; `read.rs`: read transactions and `read_parts`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use credreport_report::Timestamp;
use rusqlite::{Connection, TransactionBehavior};

use super::checkpoint::Checkpointer;
use super::pool::Idle;
use super::report_files::{self, ReportFiles};
use super::sql::SqlTx;
use super::{ReadPart, Store, Tx};
use crate::error::{Error, Result};
use crate::ids::AccountId;

mod connect;
mod db;
mod migrate;
mod read;
#[cfg(test)]
mod tests;

pub(crate) use connect::connect;
pub(crate) use db::sql_error;

use db::SqliteDb;
use read::again_while_gone;

/// Idle reader connections kept for reuse. As many as a server runs requests at once (its
/// workers): opening a connection costs far more than a read (the file, the WAL index, the
/// schema, and a cold statement cache), so a pool smaller than the concurrency turns most
/// reads into an open and a close. Each idle connection holds at most its page cache.
const READERS: usize = 64;

/// The writer's page cache, in KiB (SQLite's default is 2 MiB). A report build replaces
/// megabytes of report bytes in one transaction: the old pages are read to be freed and the
/// new ones written, and with 2 MiB the cache spilled to the WAL in the middle of it.
const WRITER_CACHE_KIB: i64 = -32 * 1024;

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Idle<Connection>,
    checkpointer: Checkpointer,
    files: ReportFiles,
}

/// How a write transaction's commit ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Commit {
    /// Synced to the disk (`synchronous = FULL`).
    Synced,
    /// Appended to the WAL, synced by the next synced commit.
    Unsynced,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date. The
    /// report bytes live in files in a directory beside it (`iam.db-reports/` for
    /// `iam.db`); files left there by a process that died mid-build are removed.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        // Made 0600 before SQLite creates it: its WAL and SHM files take its mode.
        crate::private::prepare_database(path)
            .map_err(|e| Error::internal(format!("{}: {e}", path.display())))?;
        let writer = connect(path)?;
        writer
            .pragma_update(None, "cache_size", WRITER_CACHE_KIB)
            .map_err(sql_error)?;
        // Checkpoints run on their own thread (see `checkpoint`), not inside a commit.
        writer
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(sql_error)?;
        let files = ReportFiles::beside(path);
        migrate::migrate(&writer, &files)?;
        let named = writer
            .prepare("SELECT file FROM report_files")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(sql_error)?;
        files.sweep(&named, report_files::ORPHAN_AGE);
        let checkpointer = Checkpointer::start(connect(path)?)
            .map_err(|e| Error::internal(format!("starting the checkpoint thread: {e}")))?;
        Ok(SqliteStore {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Idle::new(READERS, Vec::new()),
            checkpointer,
            files,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn reader(&self) -> Result<Connection> {
        match self.readers.take() {
            Some(conn) => Ok(conn),
            None => connect(&self.path),
        }
    }

    fn give_back(&self, conn: Connection) {
        self.readers.put(conn);
    }

    fn writer(&self) -> Result<MutexGuard<'_, Connection>> {
        self.writer
            .lock()
            .map_err(|_| Error::internal("sqlite writer poisoned"))
    }

    /// A write transaction on the writer connection `conn`; a synced commit wakes the
    /// checkpoint thread.
    fn write_on(
        &self,
        conn: &mut Connection,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
        commit: Commit,
    ) -> Result<()> {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_error)?;
        let mut stx = SqlTx::new(SqliteDb::new(&tx, &self.files));
        let result = f(&mut stx);
        let effects = stx.db.effects;
        if let Err(e) = result {
            // Rolled back (when `tx` drops): no row names the files this one wrote.
            for file in &effects.written {
                self.files.remove(file);
            }
            return Err(e);
        }
        // Should the commit fail, its files are left for the sweep: a failed commit may
        // still have reached the WAL.
        tx.commit().map_err(sql_error)?;
        if commit == Commit::Synced {
            self.checkpointer.committed();
        }
        for file in &effects.replaced {
            self.files.remove_later(file);
        }
        Ok(())
    }

    /// Runs `f` on the writer connection outside any transaction (one statement commits on
    /// its own), then wakes the checkpointer.
    fn on_writer<T>(&self, f: impl FnOnce(&mut SqlTx<SqliteDb<'_>>) -> Result<T>) -> Result<T> {
        let conn = self.writer()?;
        let out = f(&mut SqlTx::new(SqliteDb::new(&conn, &self.files)))?;
        self.checkpointer.committed();
        Ok(out)
    }
}

impl Store for SqliteStore {
    fn read_parts(&self, parts: &mut [&mut ReadPart<'_>]) -> Result<()> {
        let mut conns = Vec::with_capacity(parts.len());
        for _ in 0..parts.len() {
            conns.push(self.reader()?);
        }
        let result = again_while_gone(|| self.read_parts_once(&mut conns, parts));
        for conn in conns {
            self.give_back(conn);
        }
        result
    }

    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let conn = self.reader()?;
        let result = again_while_gone(|| self.read_once(&conn, f));
        self.give_back(conn);
        result
    }

    fn write(
        &self,
        _account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        self.write_on(&mut *self.writer()?, f, Commit::Synced)
    }

    /// In WAL mode with `synchronous = NORMAL` a commit appends to the WAL without syncing
    /// it; the next commit under `FULL` syncs the WAL file, this one's pages with its own.
    /// The writer is back to `FULL` before its lock is released. The checkpoint thread is
    /// not woken: a checkpoint syncs the WAL before it copies a page, which would put the
    /// fsync this write spares in the way of the next one (a build's commit waited 2-4 ms
    /// behind it); the next durable commit wakes it.
    fn write_unsynced(
        &self,
        _account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let mut conn = self.writer()?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql_error)?;
        let result = self.write_on(&mut conn, f, Commit::Unsynced);
        let restored = conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(sql_error);
        result.and(restored)
    }

    fn sign_in_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        let conn = self.reader()?;
        let times = SqlTx::new(SqliteDb::new(&conn, &self.files)).sign_in_failures(key, since);
        self.give_back(conn);
        times
    }

    fn record_sign_in_failure(
        &self,
        key: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<()> {
        let mut conn = self.writer()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_error)?;
        SqlTx::new(SqliteDb::new(&tx, &self.files)).record_sign_in_failure(
            key,
            at,
            forget_before,
        )?;
        tx.commit().map_err(sql_error)?;
        self.checkpointer.committed();
        Ok(())
    }

    fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        self.on_writer(|tx| tx.clear_sign_in_failures(key))
    }
}
