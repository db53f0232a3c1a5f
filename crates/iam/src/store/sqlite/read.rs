//! Reads: a transaction on a reader connection (a WAL snapshot), run again on a fresh
//! snapshot when a report file it named was replaced meanwhile; and `read_parts`, several
//! read transactions on one snapshot, side by side on threads.

use rusqlite::{Connection, OptionalExtension};

use super::super::report_files::ReportFiles;
use super::super::sql::SqlTx;
use super::super::{ReadPart, Tx};
use super::db::{sql_error as sql, SqliteDb};
use super::SqliteStore;
use crate::error::{Error, Result};

/// How many times a read runs again when a report file its snapshot named was replaced
/// meanwhile (each replacement is a whole report build, so two in a row is already rare).
const READ_ATTEMPTS: usize = 4;

impl SqliteStore {
    /// One run of `f` in a read transaction on `conn`, and whether it found a report file
    /// gone (replaced since its snapshot named it), in which case a new snapshot will do.
    pub(super) fn read_once(
        &self,
        conn: &Connection,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> (Result<()>, bool) {
        match conn.execute_batch("BEGIN") {
            Ok(()) => run_read(conn, &self.files, f),
            Err(e) => (Err(sql(e)), false),
        }
    }

    /// Begins a read transaction on each of `conns`, all on the same snapshot: they begin
    /// while this process holds the database's write lock, so no commit lands in between.
    fn begin_on_one_snapshot(&self, conns: &[Connection]) -> Result<()> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| Error::internal("sqlite writer poisoned"))?;
        writer.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
        let mut begun = 0;
        let result = conns.iter().try_for_each(|conn| {
            conn.execute_batch("BEGIN").map_err(sql)?;
            begun += 1;
            // A WAL read transaction takes its snapshot at its first read.
            conn.query_row("SELECT 1 FROM accounts LIMIT 1", [], |_| Ok(()))
                .optional()
                .map(drop)
                .map_err(sql)
        });
        if result.is_err() {
            for conn in &conns[..begun] {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
        let released = writer.execute_batch("ROLLBACK").map_err(sql);
        result.and(released)
    }

    /// Runs `parts` on `conns` (one each) on one snapshot, each but the first on a thread
    /// of its own; answers the first error, and whether any part found a report file gone.
    pub(super) fn read_parts_once(
        &self,
        conns: &mut [Connection],
        parts: &mut [&mut ReadPart<'_>],
    ) -> (Result<()>, bool) {
        if let Err(e) = self.begin_on_one_snapshot(conns) {
            return (Err(e), false);
        }
        let files = &self.files;
        let outcomes: Vec<(Result<()>, bool)> = std::thread::scope(|scope| {
            let mut pairs = conns.iter_mut().zip(parts.iter_mut());
            let first = pairs.next();
            let spawned: Vec<_> = pairs
                .map(|(conn, part)| {
                    std::thread::Builder::new()
                        .name("sqlite-read-part".into())
                        .spawn_scoped(scope, move || run_read(conn, files, &mut **part))
                })
                .collect();
            let mut outcomes: Vec<_> = first
                .map(|(conn, part)| run_read(conn, files, &mut **part))
                .into_iter()
                .collect();
            outcomes.extend(spawned.into_iter().map(|spawn| {
                match spawn {
                    Ok(handle) => handle
                        .join()
                        .unwrap_or_else(|_| (Err(Error::internal("a read part panicked")), false)),
                    Err(e) => (
                        Err(Error::internal(format!("starting a read thread: {e}"))),
                        false,
                    ),
                }
            }));
            outcomes
        });
        // A part that never ran (no thread) left its transaction open.
        for conn in conns.iter() {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
        let gone = outcomes.iter().any(|(_, gone)| *gone);
        let result = outcomes.into_iter().try_for_each(|(r, _)| r);
        (result, gone)
    }
}

/// Runs a read again, on a fresh snapshot, while it found a report file gone (`read`
/// answers its result and whether it did), at most [`READ_ATTEMPTS`] times.
pub(super) fn again_while_gone(mut read: impl FnMut() -> (Result<()>, bool)) -> Result<()> {
    let mut result = Ok(());
    for _ in 0..READ_ATTEMPTS {
        let gone;
        (result, gone) = read();
        if !gone {
            break;
        }
    }
    result
}

/// Runs `f` on `conn` inside a begun read transaction, which it ends; answers its result
/// and whether it found a report file gone.
fn run_read(
    conn: &Connection,
    files: &ReportFiles,
    f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
) -> (Result<()>, bool) {
    let mut stx = SqlTx::new(SqliteDb::new(conn, files));
    let result = f(&mut stx);
    let gone = stx.db.effects.gone;
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = conn.execute_batch(end).map_err(sql);
    (result.and(ended), gone)
}
