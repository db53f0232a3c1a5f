//! The PostgreSQL store: several `credreport serve` instances on one database.
//!
//! - Reads run in `REPEATABLE READ READ ONLY` transactions: one snapshot each.
//! - Writes run in `READ COMMITTED` transactions serialized per account by transaction-
//!   scoped advisory locks: a write of an account takes the fleet-wide key shared and the
//!   account's key exclusive; a write of no particular account takes the fleet-wide key
//!   exclusive. So the service's check-then-act rules (at most two keys, one report build
//!   at a time) hold across instances as they do across threads.
//! - Report bytes live in the database (`report_contents`), so every instance serves the
//!   same bytes.
//! - Schema migrations run at open under a session advisory lock, whichever instance opens
//!   first; an instance refuses a schema newer than it knows.
//! - A change to an access key or to a report's state is announced with `NOTIFY` in its
//!   transaction (delivered on commit): see [`PgStore::watch_changes`].
//!
//! The driver is the synchronous `postgres` crate: the [`Store`] trait is synchronous and
//! the server calls it from blocking threads. Connections are pooled here.
//!
//! The record operations are the store's shared ones (`store/sql/`); this module is the
//! connections, transactions, locks, snapshots and notifications. `db.rs`: the PostgreSQL
//! dialect of the shared statements; `migrate.rs`: the schema's history; `url.rs`: the
//! URL.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::pool::Idle;
use super::{BuildClaim, BuildHold, Change, Changes, ReadPart, Store, Tx};
use crate::error::{Error, Result};
use crate::ids::AccountId;
use credreport_report::Timestamp;

mod db;
mod migrate;
mod url;

pub use url::PgUrl;

use super::sql::SqlTx;
use db::{Conn, PgDb, KEY_CHANNEL, REPORT_CHANNEL};
use migrate::migrate;

/// Advisory lock keys. Account keys are the account number (0 to 999,999,999,999), so
/// these negative ones never collide with them.
const FLEET_KEY: i64 = -1;
/// A report build of an account holds `BUILD_BASE + account number` for its run.
const BUILD_BASE: i64 = 1_000_000_000_000;

/// Idle connections kept for reuse.
const IDLE: usize = 32;

/// The PostgreSQL store.
#[derive(Debug)]
pub struct PgStore {
    url: PgUrl,
    idle: Arc<Idle<Conn>>,
}

/// A postgres error, with the server's message when there is one, else with its causes
/// (a TLS handshake fails for a reason: an unknown issuer, a name mismatch).
pub(super) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

pub(super) fn pg(e: postgres::Error) -> Error {
    Error::internal(format!("postgres: {}", describe(&e)))
}

fn account_key(account: &AccountId) -> i64 {
    account.as_str().parse().unwrap_or(0)
}

impl PgStore {
    /// Connects and brings the schema up to date (under a lock, so that instances
    /// starting together migrate once).
    pub fn open(url: &PgUrl) -> Result<PgStore> {
        let mut client = url.connect()?;
        migrate(&mut client)?;
        Ok(PgStore {
            url: url.clone(),
            idle: Arc::new(Idle::new(IDLE, vec![Conn::new(client)])),
        })
    }

    /// The store's URL (without its password).
    pub fn url(&self) -> &PgUrl {
        &self.url
    }

    fn conn(&self) -> Result<Conn> {
        match self.idle.take() {
            Some(conn) => Ok(conn),
            None => self.url.connect().map(Conn::new),
        }
    }

    fn give_back(&self, conn: Conn) {
        if !conn.client.is_closed() {
            self.idle.put(conn);
        }
    }

    /// Runs `f` on a pooled connection outside any transaction (one statement commits on
    /// its own).
    fn on_conn<T>(&self, f: impl FnOnce(&mut SqlTx<PgDb<'_>>) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        let out = f(&mut SqlTx::new(PgDb::new(&mut conn)));
        self.give_back(conn);
        out
    }

    /// Runs `f` between `begin` and its end on a pooled connection.
    fn transaction(
        &self,
        begin: &str,
        lock: Option<(&str, &[&(dyn postgres::types::ToSql + Sync)])>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let mut conn = self.conn()?;
        let result = self.transaction_on(&mut conn, begin, lock, f);
        self.give_back(conn);
        result
    }

    /// A write transaction opened by `begin`, serialized as [`Store::write`] says.
    fn write_as(
        &self,
        begin: &str,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        match account {
            Some(account) => {
                let key = account_key(account);
                self.transaction(
                    begin,
                    Some((
                        "SELECT pg_advisory_xact_lock_shared($1), pg_advisory_xact_lock($2)",
                        &[&FLEET_KEY, &key],
                    )),
                    f,
                )
            }
            None => self.transaction(
                begin,
                Some(("SELECT pg_advisory_xact_lock($1)", &[&FLEET_KEY])),
                f,
            ),
        }
    }

    /// The same on `conn`, which goes back to the pool unless it was closed.
    fn transaction_on(
        &self,
        conn: &mut Conn,
        begin: &str,
        lock: Option<(&str, &[&(dyn postgres::types::ToSql + Sync)])>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let result = (|| {
            conn.client.batch_execute(begin).map_err(pg)?;
            let body = (|| {
                if let Some((query, params)) = lock {
                    conn.client.execute(query, params).map_err(pg)?;
                }
                f(&mut SqlTx::new(PgDb::new(conn)))
            })();
            let end = if body.is_ok() { "COMMIT" } else { "ROLLBACK" };
            let ended = conn.client.batch_execute(end).map_err(pg);
            body.and(ended)
        })();
        result
    }
}

/// The session advisory lock of an account's report build, on a connection kept out of
/// the pool while it is held; released (and the connection given back) on drop.
struct Hold {
    conn: Option<Conn>,
    key: i64,
    idle: Arc<Idle<Conn>>,
}

impl std::fmt::Debug for Hold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hold({})", self.key)
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let (key, idle) = (self.key, Arc::clone(&self.idle));
        off_runtime(move || {
            let released = conn
                .client
                .execute("SELECT pg_advisory_unlock($1)", &[&key])
                .is_ok();
            // A connection that could not release the lock is closed, which releases it.
            if released && !conn.client.is_closed() {
                idle.put(conn);
            }
        });
    }
}

impl Drop for PgStore {
    /// Closes the idle connections (each says goodbye to the server).
    fn drop(&mut self) {
        let conns = self.idle.drain();
        off_runtime(move || drop(conns));
    }
}

/// Runs `f` on a thread of its own and waits for it. The synchronous client blocks on a
/// runtime of its own to talk to the server, also when a connection is dropped, which
/// tokio forbids on a thread that drives asynchronous tasks; a store or a build claim may
/// be dropped on one (a server shutting down).
fn off_runtime(f: impl FnOnce() + Send + 'static) {
    match thread::Builder::new()
        .name("postgres-close".into())
        .spawn(f)
    {
        Ok(handle) => {
            let _ = handle.join();
        }
        Err(_) => {
            // No thread to be had: leak rather than risk a panic; the server closes the
            // connections when this process ends.
        }
    }
}

fn listen(url: &PgUrl) -> Result<postgres::Client> {
    let mut client = url.connect()?;
    client
        .batch_execute(&format!("LISTEN {KEY_CHANNEL}; LISTEN {REPORT_CHANNEL}"))
        .map_err(pg)?;
    Ok(client)
}

/// A read transaction: one snapshot.
const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Begins a read transaction on each of `conns`, all on the first one's snapshot (exported
/// by it, adopted by the others).
fn begin_on_one_snapshot(conns: &mut [Conn]) -> Result<()> {
    let Some((first, others)) = conns.split_first_mut() else {
        return Ok(());
    };
    first.client.batch_execute(BEGIN_READ).map_err(pg)?;
    let snapshot: String = first
        .client
        .query_one("SELECT pg_export_snapshot()", &[])
        .and_then(|r| r.try_get(0))
        .map_err(pg)?;
    // The id is the server's own (hex digits and dashes), safe to put in the statement.
    let adopt = format!("SET TRANSACTION SNAPSHOT '{snapshot}'");
    for conn in others {
        conn.client.batch_execute(BEGIN_READ).map_err(pg)?;
        conn.client.batch_execute(&adopt).map_err(pg)?;
    }
    Ok(())
}

/// Runs `part` in the read transaction begun on `conn`, and ends it.
fn run_part(conn: &mut Conn, part: &mut ReadPart<'_>) -> Result<()> {
    let result = part(&mut SqlTx::new(PgDb::new(conn)));
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = conn.client.batch_execute(end).map_err(pg);
    result.and(ended)
}

impl Store for PgStore {
    /// A read that failed because its pooled connection had been closed (the server
    /// restarted, or ended idle sessions) runs once more on a new connection: a read
    /// changed nothing, so it is safe to repeat. Writes are not repeated: their commit may
    /// have happened.
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let mut conn = self.conn()?;
        let mut result = self.transaction_on(&mut conn, BEGIN_READ, None, f);
        // Only a store error can mean a dead connection (a domain error is the answer);
        // then one empty query tells.
        let dead = |conn: &mut Conn| {
            conn.client.is_closed() || conn.client.is_valid(Duration::from_secs(2)).is_err()
        };
        if matches!(result, Err(Error::Internal(_))) && dead(&mut conn) {
            conn = self.url.connect().map(Conn::new)?;
            result = self.transaction_on(&mut conn, BEGIN_READ, None, f);
        }
        self.give_back(conn);
        result
    }

    /// Each part on a connection of its own, side by side on threads, all on one snapshot
    /// (`pg_export_snapshot` / `SET TRANSACTION SNAPSHOT`).
    fn read_parts(&self, parts: &mut [&mut ReadPart<'_>]) -> Result<()> {
        let mut conns = Vec::with_capacity(parts.len());
        for _ in 0..parts.len() {
            conns.push(self.conn()?);
        }
        let result = match begin_on_one_snapshot(&mut conns) {
            Err(e) => Err(e),
            Ok(()) => thread::scope(|scope| {
                let mut pairs = conns.iter_mut().zip(parts.iter_mut());
                let first = pairs.next();
                let spawned: Vec<_> = pairs
                    .map(|(conn, part)| {
                        thread::Builder::new()
                            .name("postgres-read-part".into())
                            .spawn_scoped(scope, move || run_part(conn, &mut **part))
                    })
                    .collect();
                let mut outcomes: Vec<Result<()>> = first
                    .map(|(conn, part)| run_part(conn, &mut **part))
                    .into_iter()
                    .collect();
                for spawn in spawned {
                    outcomes.push(match spawn {
                        Ok(handle) => handle
                            .join()
                            .unwrap_or_else(|_| Err(Error::internal("a read part panicked"))),
                        Err(e) => Err(Error::internal(format!("starting a read thread: {e}"))),
                    });
                }
                outcomes.into_iter().collect::<Result<Vec<()>>>().map(drop)
            }),
        };
        for mut conn in conns {
            if result.is_err() {
                // A transaction begun for a part that never ran (no thread) is still open.
                let _ = conn.client.batch_execute("ROLLBACK");
            }
            self.give_back(conn);
        }
        result
    }

    fn write(
        &self,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        self.write_as("BEGIN", account, f)
    }

    /// `synchronous_commit` off for this transaction: the commit does not wait for its WAL
    /// to be flushed; a later commit's flush covers it (the WAL is written in order).
    fn write_unsynced(
        &self,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        self.write_as("BEGIN; SET LOCAL synchronous_commit TO OFF", account, f)
    }

    fn sign_in_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        self.on_conn(|tx| tx.sign_in_failures(key, since))
    }

    fn record_sign_in_failure(
        &self,
        key: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<()> {
        let mut conn = self.conn()?;
        let done = conn
            .client
            .batch_execute("BEGIN")
            .map_err(pg)
            .and_then(|()| {
                SqlTx::new(PgDb::new(&mut conn)).record_sign_in_failure(key, at, forget_before)?;
                conn.client.batch_execute("COMMIT").map_err(pg)
            });
        if done.is_err() {
            let _ = conn.client.batch_execute("ROLLBACK");
        }
        self.give_back(conn);
        done
    }

    fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        self.on_conn(|tx| tx.clear_sign_in_failures(key))
    }

    /// A session advisory lock per account: held by the building process's connection, so
    /// it is released when that process dies, however it dies.
    fn claim_build(&self, account: &AccountId) -> Result<BuildClaim> {
        let key = BUILD_BASE + account_key(account);
        let mut conn = self.conn()?;
        let taken = conn
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .and_then(|r| r.try_get::<_, bool>(0));
        match taken {
            Ok(true) => Ok(BuildClaim::Held(BuildHold(Box::new(Hold {
                conn: Some(conn),
                key,
                idle: Arc::clone(&self.idle),
            })))),
            Ok(false) => {
                self.give_back(conn);
                Ok(BuildClaim::Busy)
            }
            Err(e) => Err(pg(e)),
        }
    }

    /// LISTEN/NOTIFY: every change or deletion of an access key, and every change of a
    /// report's state, notifies in its transaction (so on commit, and only then); a
    /// connection of this instance listens on a thread of its own. When that connection is
    /// lost, [`Change::Lost`] (changes may be missed while it is down), then it reconnects,
    /// and [`Change::Listening`].
    fn watch_changes(&self, changed: Changes) -> Result<bool> {
        let url = self.url.clone();
        let mut client = listen(&url)?;
        thread::Builder::new()
            .name("postgres-listen".into())
            .spawn(move || loop {
                {
                    let mut notifications = client.notifications();
                    let mut it = notifications.blocking_iter();
                    while let Ok(Some(n)) = it.next() {
                        match n.channel() {
                            REPORT_CHANNEL => changed(Change::Report(n.payload())),
                            _ => changed(Change::Key(n.payload())),
                        }
                    }
                }
                changed(Change::Lost);
                client = loop {
                    thread::sleep(Duration::from_millis(500));
                    if let Ok(c) = listen(&url) {
                        break c;
                    }
                };
                changed(Change::Listening);
            })
            .map_err(|e| Error::internal(format!("starting the postgres listener: {e}")))?;
        Ok(true)
    }
}
