//! The embedded store: one SQLite file in WAL mode.
//!
//! One connection writes (`BEGIN IMMEDIATE`, so write transactions are serialized, which
//! is what the [`Store`] contract asks); a few more read concurrently from WAL snapshots.
//! Several processes may open the same file (a running server and `credreport account
//! create`): SQLite's file locks serialize their writers, with a busy timeout.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use credreport_report::Timestamp;
use rusqlite::config::DbConfig;
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row as SqlRow, TransactionBehavior};

use super::checkpoint::Checkpointer;
use super::pool::Idle;
use super::report_files::{self, ReportFiles};
use super::{ReadPart, Store, Tx, UserQuery};
use crate::error::{Error, Result};
use crate::ids::{name_key, AccountId};
use crate::model::{
    AccessKey, Account, CertFacts, ConsoleSession, Entity, EntityKind, Group, InlinePolicy,
    InstanceProfile, KeyFacts, KeyUse, ManagedPolicy, MfaDevice, Owner, Password, PasswordHash,
    PolicyVersion, Role, Sealed, SessionStage, SigningCertificate, StoredReport, Tag, TagTarget,
    User,
};

/// One schema version: its SQL, then (in the same transaction) any code it needs.
struct Migration {
    sql: &'static str,
    then: Option<fn(&Connection, &ReportFiles) -> Result<()>>,
}

const fn sql_only(sql: &'static str) -> Migration {
    Migration { sql, then: None }
}

/// Versioned schema migrations, applied in order; `PRAGMA user_version` records the last.
const MIGRATIONS: &[Migration] = &[
    sql_only(include_str!("../../migrations/sqlite/0001_init.sql")),
    sql_only(include_str!(
        "../../migrations/sqlite/0002_report_contents.sql"
    )),
    sql_only(include_str!(
        "../../migrations/sqlite/0003_report_indexes.sql"
    )),
    Migration {
        sql: include_str!("../../migrations/sqlite/0004_report_files.sql"),
        then: Some(move_report_contents_to_files),
    },
    sql_only(include_str!(
        "../../migrations/sqlite/0005_access_keys_by_account.sql"
    )),
    sql_only(include_str!(
        "../../migrations/sqlite/0006_console_sessions.sql"
    )),
    sql_only(include_str!(
        "../../migrations/sqlite/0007_groups_and_managed_policies.sql"
    )),
    sql_only(include_str!("../../migrations/sqlite/0008_roles.sql")),
    sql_only(include_str!(
        "../../migrations/sqlite/0009_sign_in_failures.sql"
    )),
];

/// How many times a read runs again when a report file its snapshot named was replaced
/// meanwhile (each replacement is a whole report build, so two in a row is already rare).
const READ_ATTEMPTS: usize = 4;

/// Idle reader connections kept for reuse. As many as a server runs requests at once (its
/// workers): opening a connection costs far more than a read (the file, the WAL index, the
/// schema, and a cold statement cache), so a pool smaller than the concurrency turns most
/// reads into an open and a close. Each idle connection holds at most its page cache.
const READERS: usize = 64;

/// The writer's page cache, in KiB (SQLite's default is 2 MiB). A report build replaces
/// megabytes of report bytes in one transaction: the old pages are read to be freed and the
/// new ones written, and with 2 MiB the cache spilled to the WAL in the middle of it.
const WRITER_CACHE_KIB: i64 = -32 * 1024;

/// How much of the database file each connection reads through a memory mapping.
const MMAP_BYTES: i64 = 1 << 28;

/// A page of an account's users (ListUsers, and every user for a report build). Answered
/// from the `users_listing` index alone.
const USERS_PAGE: &str = "SELECT * FROM users
    WHERE account_id = ?1 AND substr(path, 1, length(?2)) = ?2 AND name_key > ?3
    ORDER BY name_key, name LIMIT ?4";
/// Every access key of an account, without its secret (a report build).
const KEY_FACTS: &str = "SELECT key_id, owner, active, created, last_used, last_used_region,
    last_used_service FROM access_keys WHERE account_id = ?1";

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Idle<Connection>,
    checkpointer: Checkpointer,
    files: ReportFiles,
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
            .map_err(sql)?;
        // Checkpoints run on their own thread (see `checkpoint`), not inside a commit.
        writer
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(sql)?;
        let files = ReportFiles::beside(path);
        migrate(&writer, &files)?;
        let named = writer
            .prepare("SELECT file FROM report_files")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(sql)?;
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
}

pub(super) fn connect(path: &Path) -> Result<Connection> {
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

fn migrate(conn: &Connection, files: &ReportFiles) -> Result<()> {
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

/// A report's length as SQLite stores it.
fn length(content: &[u8]) -> i64 {
    i64::try_from(content.len()).unwrap_or(i64::MAX)
}

#[allow(clippy::needless_pass_by_value)]
pub(super) fn sql(e: rusqlite::Error) -> Error {
    Error::internal(format!("sqlite: {e}"))
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
        || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

impl SqliteStore {
    /// One run of `f` in a read transaction on `conn`, and whether it found a report file
    /// gone (replaced since its snapshot named it), in which case a new snapshot will do.
    fn read_once(
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
    fn read_parts_once(
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
fn again_while_gone(mut read: impl FnMut() -> (Result<()>, bool)) -> Result<()> {
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
    let mut stx = SqliteTx::new(conn, files);
    let result = f(&mut stx);
    let gone = stx.effects.gone;
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = conn.execute_batch(end).map_err(sql);
    (result.and(ended), gone)
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
        let mut conn = self
            .writer
            .lock()
            .map_err(|_| Error::internal("sqlite writer poisoned"))?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let mut stx = SqliteTx::new(&tx, &self.files);
        let result = f(&mut stx);
        let effects = stx.effects;
        if let Err(e) = result {
            // Rolled back (when `tx` drops): no row names the files this one wrote.
            for file in &effects.written {
                self.files.remove(file);
            }
            return Err(e);
        }
        // Should the commit fail, its files are left for the sweep: a failed commit may
        // still have reached the WAL.
        tx.commit().map_err(sql)?;
        self.checkpointer.committed();
        for file in &effects.replaced {
            self.files.remove_later(file);
        }
        Ok(())
    }

    fn record_key_use(&self, key_id: &str, used: &KeyUse, window_secs: i64) -> Result<bool> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| Error::internal("sqlite writer poisoned"))?;
        let n = conn
            .prepare_cached(
                "UPDATE access_keys SET last_used = ?2, last_used_region = ?3, last_used_service = ?4
                 WHERE key_id = ?1 AND (last_used IS NULL OR last_used <= ?2 - ?5)",
            )
            .and_then(|mut s| s.execute(params![key_id, used.at.unix(), used.region, used.service, window_secs]))
            .map_err(sql)?;
        self.checkpointer.committed();
        Ok(n == 1)
    }

    fn record_password_use(
        &self,
        account: &AccountId,
        owner: &Owner,
        at: Timestamp,
        window_secs: i64,
    ) -> Result<bool> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| Error::internal("sqlite writer poisoned"))?;
        let n = match owner {
            Owner::Root => conn.execute(
                "UPDATE accounts SET root_password_last_used = ?2
                 WHERE id = ?1 AND (root_password_last_used IS NULL OR root_password_last_used <= ?2 - ?3)",
                params![account.as_str(), at.unix(), window_secs],
            ),
            Owner::User(user_id) => conn.execute(
                "UPDATE users SET password_last_used = ?3
                 WHERE account_id = ?1 AND user_id = ?2 AND (password_last_used IS NULL OR password_last_used <= ?3 - ?4)",
                params![account.as_str(), user_id, at.unix(), window_secs],
            ),
        }
        .map_err(sql)?;
        self.checkpointer.committed();
        Ok(n == 1)
    }

    fn sign_in_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        let conn = self.reader()?;
        let times = conn
            .prepare_cached("SELECT at FROM sign_in_failures WHERE key = ?1 AND at >= ?2")
            .and_then(|mut s| {
                s.query_map(params![key, since.unix()], |r| ts(r.get(0)?))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(sql);
        self.give_back(conn);
        times
    }

    fn record_sign_in_failure(
        &self,
        key: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<()> {
        let mut conn = self
            .writer
            .lock()
            .map_err(|_| Error::internal("sqlite writer poisoned"))?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        tx.execute(
            "DELETE FROM sign_in_failures WHERE at < ?1",
            [forget_before.unix()],
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT INTO sign_in_failures (key, at) VALUES (?1, ?2)",
            params![key, at.unix()],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        self.checkpointer.committed();
        Ok(())
    }

    fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| Error::internal("sqlite writer poisoned"))?;
        conn.execute("DELETE FROM sign_in_failures WHERE key = ?1", [key])
            .map_err(sql)?;
        self.checkpointer.committed();
        Ok(())
    }
}

/// A transaction's operations, on a connection inside a transaction (begun and ended by
/// the store).
struct SqliteTx<'a> {
    tx: &'a Connection,
    files: &'a ReportFiles,
    effects: FileEffects,
}

/// What a transaction did to report files, for its store to finish after it ends.
#[derive(Default)]
struct FileEffects {
    /// Files written: removed if the transaction rolls back.
    written: Vec<String>,
    /// Files no longer named: removed (soon) once the transaction has committed.
    replaced: Vec<String>,
    /// A file the snapshot named was gone.
    gone: bool,
}

fn ts(v: i64) -> rusqlite::Result<Timestamp> {
    Timestamp::from_unix(v).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, v))
}

fn opt_ts(v: Option<i64>) -> rusqlite::Result<Option<Timestamp>> {
    v.map(ts).transpose()
}

/// The text at column `i`, borrowed from the row (no `String` for a value only parsed).
fn str_at<'r>(r: &'r SqlRow<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn account_id(s: &str) -> rusqlite::Result<AccountId> {
    AccountId::parse(s)
        .ok_or_else(|| rusqlite::Error::InvalidColumnName(format!("bad account id {s}")))
}

fn hashes_to_json(hashes: &[PasswordHash]) -> String {
    serde_json::to_string(&hashes.iter().map(|h| h.0.as_str()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

fn hashes_from_json(s: &str) -> Vec<PasswordHash> {
    serde_json::from_str::<Vec<String>>(s)
        .unwrap_or_default()
        .into_iter()
        .map(PasswordHash)
        .collect()
}

fn account_from(r: &SqlRow<'_>) -> rusqlite::Result<Account> {
    let hash: Option<String> = r.get("root_password_hash")?;
    let root_password = match hash {
        Some(hash) => Some(Password {
            hash: PasswordHash(hash),
            created: ts(r.get("root_password_created")?)?,
            changed: ts(r.get("root_password_changed")?)?,
            reset_required: r.get("root_password_reset")?,
            previous: hashes_from_json(&r.get::<_, String>("root_password_previous")?),
        }),
        None => None,
    };
    let policy: Option<String> = r.get("password_policy")?;
    Ok(Account {
        id: account_id(&r.get::<_, String>("id")?)?,
        created: ts(r.get("created")?)?,
        organization_member: r.get("organization_member")?,
        root_password,
        root_password_last_used: opt_ts(r.get("root_password_last_used")?)?,
        password_policy: policy.and_then(|p| serde_json::from_str(&p).ok()),
    })
}

/// The columns of a table in `SELECT *` order (the order of its `CREATE TABLE`), as an enum
/// whose discriminants are the positions. Rows are decoded by position: looking a column up
/// by name compares it against every column's name, for every value of every row, and that
/// was a third of a report build's store read. `columns_match_the_schema` checks each list
/// against the migrated database.
macro_rules! columns {
    ($name:ident in $table:literal { $($variant:ident = $col:literal),* $(,)? }) => {
        #[derive(Clone, Copy)]
        #[allow(dead_code)] // Some columns are only filtered on, never read.
        enum $name {
            $($variant),*
        }
        impl $name {
            #[cfg(test)]
            const TABLE: &'static str = $table;
            #[cfg(test)]
            const NAMES: &'static [&'static str] = &[$($col),*];
            fn at(self) -> usize {
                self as usize
            }
        }
    };
}

columns!(UserCol in "users" {
    AccountId = "account_id", UserId = "user_id", Name = "name", NameKey = "name_key",
    Path = "path", Created = "created", PasswordLastUsed = "password_last_used",
});
columns!(LoginCol in "login_profiles" {
    AccountId = "account_id", UserId = "user_id", Hash = "hash", Created = "created",
    Changed = "changed", ResetRequired = "reset_required", Previous = "previous",
});
columns!(KeyCol in "access_keys" {
    KeyId = "key_id", AccountId = "account_id", Owner = "owner", Secret = "secret",
    Active = "active", Created = "created", LastUsed = "last_used",
    LastUsedRegion = "last_used_region", LastUsedService = "last_used_service",
});
columns!(MfaCol in "mfa_devices" {
    AccountId = "account_id", SerialKey = "serial_key", Serial = "serial", Name = "name",
    Path = "path", Seed = "seed", Created = "created", Owner = "owner", Enabled = "enabled",
    LastCounter = "last_counter",
});
columns!(SessionCol in "console_sessions" {
    TokenHash = "token_hash", AccountId = "account_id", Owner = "owner", Stage = "stage",
    Created = "created", Expires = "expires",
});
columns!(CertCol in "signing_certificates" {
    CertId = "cert_id", AccountId = "account_id", Owner = "owner", Body = "body",
    DerSha256 = "der_sha256", Active = "active", Uploaded = "uploaded",
});

fn user_from(r: &SqlRow<'_>) -> rusqlite::Result<User> {
    Ok(User {
        account: account_id(str_at(r, UserCol::AccountId.at())?)?,
        id: r.get(UserCol::UserId.at())?,
        name: r.get(UserCol::Name.at())?,
        path: r.get(UserCol::Path.at())?,
        created: ts(r.get(UserCol::Created.at())?)?,
        password_last_used: opt_ts(r.get(UserCol::PasswordLastUsed.at())?)?,
    })
}

fn password_from(r: &SqlRow<'_>) -> rusqlite::Result<Password> {
    Ok(Password {
        hash: PasswordHash(r.get(LoginCol::Hash.at())?),
        created: ts(r.get(LoginCol::Created.at())?)?,
        changed: ts(r.get(LoginCol::Changed.at())?)?,
        reset_required: r.get(LoginCol::ResetRequired.at())?,
        previous: hashes_from_json(str_at(r, LoginCol::Previous.at())?),
    })
}

/// A key's last use from the columns at `at` (time), `at + 1` (region), `at + 2` (service).
fn key_use_from(r: &SqlRow<'_>, at: usize) -> rusqlite::Result<Option<KeyUse>> {
    let Some(time) = opt_ts(r.get(at)?)? else {
        return Ok(None);
    };
    Ok(Some(KeyUse {
        at: time,
        region: r.get::<_, Option<String>>(at + 1)?.unwrap_or_default(),
        service: r.get::<_, Option<String>>(at + 2)?.unwrap_or_default(),
    }))
}

fn key_from(r: &SqlRow<'_>) -> rusqlite::Result<AccessKey> {
    let last_used = key_use_from(r, KeyCol::LastUsed.at())?;
    Ok(AccessKey {
        id: r.get(KeyCol::KeyId.at())?,
        account: account_id(str_at(r, KeyCol::AccountId.at())?)?,
        owner: Owner::from_key(str_at(r, KeyCol::Owner.at())?),
        secret: Sealed(r.get(KeyCol::Secret.at())?),
        active: r.get(KeyCol::Active.at())?,
        created: ts(r.get(KeyCol::Created.at())?)?,
        last_used,
    })
}

fn mfa_from(r: &SqlRow<'_>) -> rusqlite::Result<MfaDevice> {
    let owner: Option<String> = r.get(MfaCol::Owner.at())?;
    let enabled = opt_ts(r.get(MfaCol::Enabled.at())?)?;
    let last_counter: Option<i64> = r.get(MfaCol::LastCounter.at())?;
    Ok(MfaDevice {
        serial: r.get(MfaCol::Serial.at())?,
        account: account_id(str_at(r, MfaCol::AccountId.at())?)?,
        name: r.get(MfaCol::Name.at())?,
        path: r.get(MfaCol::Path.at())?,
        seed: Sealed(r.get(MfaCol::Seed.at())?),
        created: ts(r.get(MfaCol::Created.at())?)?,
        assignment: owner.zip(enabled).map(|(o, t)| (Owner::from_key(&o), t)),
        last_counter: last_counter.and_then(|c| u64::try_from(c).ok()),
    })
}

fn cert_from(r: &SqlRow<'_>) -> rusqlite::Result<SigningCertificate> {
    let digest: Vec<u8> = r.get(CertCol::DerSha256.at())?;
    Ok(SigningCertificate {
        id: r.get(CertCol::CertId.at())?,
        account: account_id(str_at(r, CertCol::AccountId.at())?)?,
        owner: Owner::from_key(str_at(r, CertCol::Owner.at())?),
        body: r.get(CertCol::Body.at())?,
        der_sha256: digest.try_into().unwrap_or([0; 32]),
        active: r.get(CertCol::Active.at())?,
        uploaded: ts(r.get(CertCol::Uploaded.at())?)?,
    })
}

fn session_from(r: &SqlRow<'_>) -> rusqlite::Result<ConsoleSession> {
    let hash: Vec<u8> = r.get(SessionCol::TokenHash.at())?;
    let stage = str_at(r, SessionCol::Stage.at())?;
    Ok(ConsoleSession {
        token_hash: hash.try_into().unwrap_or([0; 32]),
        account: account_id(str_at(r, SessionCol::AccountId.at())?)?,
        owner: Owner::from_key(str_at(r, SessionCol::Owner.at())?),
        stage: SessionStage::from_key(stage)
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(format!("bad stage {stage}")))?,
        created: ts(r.get(SessionCol::Created.at())?)?,
        expires: ts(r.get(SessionCol::Expires.at())?)?,
    })
}

fn entity_kind(r: &SqlRow<'_>, column: &str) -> rusqlite::Result<EntityKind> {
    let key: String = r.get(column)?;
    EntityKind::from_key(&key)
        .ok_or_else(|| rusqlite::Error::InvalidColumnName(format!("bad entity kind {key}")))
}

fn inline_from(r: &SqlRow<'_>) -> rusqlite::Result<InlinePolicy> {
    Ok(InlinePolicy {
        entity: Entity {
            kind: entity_kind(r, "entity_kind")?,
            id: r.get("entity_id")?,
        },
        name: r.get("name")?,
        document: r.get("document")?,
    })
}

fn group_from(r: &SqlRow<'_>) -> rusqlite::Result<Group> {
    Ok(Group {
        account: account_id(&r.get::<_, String>("account_id")?)?,
        id: r.get("group_id")?,
        name: r.get("name")?,
        path: r.get("path")?,
        created: ts(r.get("created")?)?,
    })
}

fn role_from(r: &SqlRow<'_>) -> rusqlite::Result<Role> {
    let last_used = opt_ts(r.get("last_used")?)?;
    let region: Option<String> = r.get("last_used_region")?;
    Ok(Role {
        account: account_id(&r.get::<_, String>("account_id")?)?,
        id: r.get("role_id")?,
        name: r.get("name")?,
        path: r.get("path")?,
        created: ts(r.get("created")?)?,
        assume_role_policy: r.get("assume_role_policy")?,
        description: r.get("description")?,
        max_session_duration: r.get("max_session_duration")?,
        last_used: last_used.map(|t| (t, region.unwrap_or_default())),
    })
}

fn profile_from(r: &SqlRow<'_>) -> rusqlite::Result<InstanceProfile> {
    Ok(InstanceProfile {
        account: account_id(&r.get::<_, String>("account_id")?)?,
        id: r.get("profile_id")?,
        name: r.get("name")?,
        path: r.get("path")?,
        created: ts(r.get("created")?)?,
    })
}

fn managed_from(r: &SqlRow<'_>) -> rusqlite::Result<ManagedPolicy> {
    Ok(ManagedPolicy {
        account: account_id(&r.get::<_, String>("account_id")?)?,
        id: r.get("policy_id")?,
        name: r.get("name")?,
        path: r.get("path")?,
        description: r.get("description")?,
        created: ts(r.get("created")?)?,
        updated: ts(r.get("updated")?)?,
        default_version: r.get("default_version")?,
        next_version: r.get("next_version")?,
    })
}

fn version_from(r: &SqlRow<'_>) -> rusqlite::Result<PolicyVersion> {
    Ok(PolicyVersion {
        policy_id: r.get("policy_id")?,
        version: r.get("version")?,
        document: r.get("document")?,
        created: ts(r.get("created")?)?,
    })
}

impl<'a> SqliteTx<'a> {
    fn new(tx: &'a Connection, files: &'a ReportFiles) -> SqliteTx<'a> {
        SqliteTx {
            tx,
            files,
            effects: FileEffects::default(),
        }
    }

    fn one<T>(
        &self,
        query: &str,
        params: impl rusqlite::Params,
        f: fn(&SqlRow<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        self.tx
            .prepare_cached(query)
            .and_then(|mut s| s.query_row(params, f).optional())
            .map_err(sql)
    }

    fn all<T>(
        &self,
        query: &str,
        params: impl rusqlite::Params,
        f: fn(&SqlRow<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.tx
            .prepare_cached(query)
            .and_then(|mut s| {
                s.query_map(params, f)?
                    .collect::<rusqlite::Result<Vec<T>>>()
            })
            .map_err(sql)
    }

    /// A page of a table of named entities (groups, roles, instance profiles, managed
    /// policies): by name key, after `q.after`, under `q.path_prefix`.
    fn named_page<T>(
        &self,
        table: &str,
        account: &AccountId,
        q: &UserQuery<'_>,
        f: fn(&SqlRow<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let query = format!(
            "SELECT * FROM {table} WHERE account_id = ?1 AND substr(path, 1, length(?2)) = ?2
             AND name_key > ?3 ORDER BY name_key, name LIMIT ?4"
        );
        self.all(
            &query,
            params![
                account.as_str(),
                q.path_prefix.unwrap_or(""),
                q.after.unwrap_or(""),
                i64::try_from(q.limit).unwrap_or(i64::MAX)
            ],
            f,
        )
    }

    /// A named entity by name, ignoring case.
    fn named<T>(
        &self,
        table: &str,
        account: &AccountId,
        name: &str,
        f: fn(&SqlRow<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        let query = format!("SELECT * FROM {table} WHERE account_id = ?1 AND name_key = ?2");
        self.one(&query, params![account.as_str(), name_key(name)], f)
    }

    fn count(&self, query: &str, params: impl rusqlite::Params) -> Result<usize> {
        let n = self.one(query, params, |r| r.get::<_, i64>(0))?;
        Ok(usize::try_from(n.unwrap_or(0)).unwrap_or(0))
    }

    fn exec(&self, query: &str, params: impl rusqlite::Params) -> Result<usize> {
        self.tx
            .prepare_cached(query)
            .and_then(|mut s| s.execute(params))
            .map_err(sql)
    }

    fn put_account(&self, a: &Account, insert: bool) -> Result<()> {
        let query = if insert {
            "INSERT INTO accounts (id, created, organization_member, root_password_hash, root_password_created,
             root_password_changed, root_password_reset, root_password_previous, root_password_last_used, password_policy)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        } else {
            "UPDATE accounts SET created = ?2, organization_member = ?3, root_password_hash = ?4,
             root_password_created = ?5, root_password_changed = ?6, root_password_reset = ?7,
             root_password_previous = ?8, root_password_last_used = ?9, password_policy = ?10 WHERE id = ?1"
        };
        let rp = a.root_password.as_ref();
        let policy = a
            .password_policy
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok());
        let result = self.tx.prepare_cached(query).and_then(|mut s| {
            s.execute(params![
                a.id.as_str(),
                a.created.unix(),
                a.organization_member,
                rp.map(|p| p.hash.0.as_str()),
                rp.map(|p| p.created.unix()),
                rp.map(|p| p.changed.unix()),
                rp.map(|p| p.reset_required),
                rp.map(|p| hashes_to_json(&p.previous)),
                a.root_password_last_used.map(Timestamp::unix),
                policy,
            ])
        });
        match result {
            Err(e) if is_unique_violation(&e) => Err(Error::EntityAlreadyExists(format!(
                "Account {} already exists.",
                a.id
            ))),
            other => other.map(drop).map_err(sql),
        }
    }
}

impl Tx for SqliteTx<'_> {
    fn account(&mut self, id: &AccountId) -> Result<Option<Account>> {
        self.one(
            "SELECT * FROM accounts WHERE id = ?1",
            [id.as_str()],
            account_from,
        )
    }

    fn account_ids(&mut self) -> Result<Vec<AccountId>> {
        self.all("SELECT id FROM accounts ORDER BY id", [], |r| {
            account_id(&r.get::<_, String>(0)?)
        })
    }

    fn insert_account(&mut self, account: &Account) -> Result<()> {
        self.put_account(account, true)
    }

    fn update_account(&mut self, account: &Account) -> Result<()> {
        self.put_account(account, false)
    }

    fn user_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<User>> {
        self.one(
            "SELECT * FROM users WHERE account_id = ?1 AND name_key = ?2",
            params![account.as_str(), name_key(name)],
            user_from,
        )
    }

    fn user_by_id(&mut self, account: &AccountId, user_id: &str) -> Result<Option<User>> {
        self.one(
            "SELECT * FROM users WHERE account_id = ?1 AND user_id = ?2",
            params![account.as_str(), user_id],
            user_from,
        )
    }

    fn users(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<User>> {
        let prefix = q.path_prefix.unwrap_or("");
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        self.all(
            USERS_PAGE,
            params![account.as_str(), prefix, q.after.unwrap_or(""), limit],
            user_from,
        )
    }

    fn count_users(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM users WHERE account_id = ?1",
            [account.as_str()],
        )
    }

    fn insert_user(&mut self, u: &User) -> Result<()> {
        let result = self.tx.prepare_cached(
            "INSERT INTO users (account_id, user_id, name, name_key, path, created, password_last_used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        ).and_then(|mut s| {
            s.execute(params![
                u.account.as_str(),
                u.id,
                u.name,
                name_key(&u.name),
                u.path,
                u.created.unix(),
                u.password_last_used.map(Timestamp::unix)
            ])
        });
        match result {
            Err(e) if is_unique_violation(&e) => Err(Error::EntityAlreadyExists(format!(
                "User with name {} already exists.",
                u.name
            ))),
            other => other.map(drop).map_err(sql),
        }
    }

    fn update_user(&mut self, u: &User) -> Result<()> {
        self.exec(
            "UPDATE users SET name = ?3, name_key = ?4, path = ?5, created = ?6, password_last_used = ?7
             WHERE account_id = ?1 AND user_id = ?2",
            params![
                u.account.as_str(),
                u.id,
                u.name,
                name_key(&u.name),
                u.path,
                u.created.unix(),
                u.password_last_used.map(Timestamp::unix)
            ],
        )
        .map(drop)
    }

    fn delete_user(&mut self, account: &AccountId, user_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM users WHERE account_id = ?1 AND user_id = ?2",
            params![account.as_str(), user_id],
        )
        .map(drop)
    }

    fn login_profile(&mut self, account: &AccountId, user_id: &str) -> Result<Option<Password>> {
        self.one(
            "SELECT * FROM login_profiles WHERE account_id = ?1 AND user_id = ?2",
            params![account.as_str(), user_id],
            password_from,
        )
    }

    fn login_profiles(&mut self, account: &AccountId) -> Result<Vec<(String, Password)>> {
        self.all(
            "SELECT * FROM login_profiles WHERE account_id = ?1",
            [account.as_str()],
            |r| Ok((r.get(LoginCol::UserId.at())?, password_from(r)?)),
        )
    }

    fn put_login_profile(
        &mut self,
        account: &AccountId,
        user_id: &str,
        p: &Password,
    ) -> Result<()> {
        self.exec(
            "REPLACE INTO login_profiles (account_id, user_id, hash, created, changed, reset_required, previous)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                account.as_str(),
                user_id,
                p.hash.0,
                p.created.unix(),
                p.changed.unix(),
                p.reset_required,
                hashes_to_json(&p.previous)
            ],
        )
        .map(drop)
    }

    fn delete_login_profile(&mut self, account: &AccountId, user_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM login_profiles WHERE account_id = ?1 AND user_id = ?2",
            params![account.as_str(), user_id],
        )
        .map(drop)
    }

    fn access_key(&mut self, key_id: &str) -> Result<Option<AccessKey>> {
        self.one(
            "SELECT * FROM access_keys WHERE key_id = ?1",
            [key_id],
            key_from,
        )
    }

    fn access_keys_of(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<AccessKey>> {
        self.all(
            "SELECT * FROM access_keys WHERE account_id = ?1 AND owner = ?2 ORDER BY created, key_id",
            params![account.as_str(), owner.as_key()],
            key_from,
        )
    }

    fn access_keys(&mut self, account: &AccountId) -> Result<Vec<AccessKey>> {
        self.all(
            "SELECT * FROM access_keys WHERE account_id = ?1 ORDER BY created, key_id",
            [account.as_str()],
            key_from,
        )
    }

    fn put_access_key(&mut self, k: &AccessKey) -> Result<()> {
        let used = k.last_used.as_ref();
        self.exec(
            "REPLACE INTO access_keys (key_id, account_id, owner, secret, active, created, last_used, last_used_region, last_used_service)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                k.id,
                k.account.as_str(),
                k.owner.as_key(),
                k.secret.0,
                k.active,
                k.created.unix(),
                used.map(|u| u.at.unix()),
                used.map(|u| u.region.as_str()),
                used.map(|u| u.service.as_str()),
            ],
        )
        .map(drop)
    }

    fn delete_access_key(&mut self, key_id: &str) -> Result<()> {
        self.exec("DELETE FROM access_keys WHERE key_id = ?1", [key_id])
            .map(drop)
    }

    fn mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<Option<MfaDevice>> {
        self.one(
            "SELECT * FROM mfa_devices WHERE account_id = ?1 AND serial_key = ?2",
            params![account.as_str(), name_key(serial)],
            mfa_from,
        )
    }

    fn mfa_devices(&mut self, account: &AccountId) -> Result<Vec<MfaDevice>> {
        self.all(
            "SELECT * FROM mfa_devices WHERE account_id = ?1 ORDER BY serial_key",
            [account.as_str()],
            mfa_from,
        )
    }

    fn put_mfa_device(&mut self, d: &MfaDevice) -> Result<()> {
        let (owner, enabled) = match &d.assignment {
            Some((o, t)) => (Some(o.as_key()), Some(t.unix())),
            None => (None, None),
        };
        self.exec(
            "REPLACE INTO mfa_devices (account_id, serial_key, serial, name, path, seed, created, owner, enabled, last_counter)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                d.account.as_str(),
                name_key(&d.serial),
                d.serial,
                d.name,
                d.path,
                d.seed.0,
                d.created.unix(),
                owner,
                enabled,
                d.last_counter.and_then(|c| i64::try_from(c).ok()),
            ],
        )
        .map(drop)
    }

    fn delete_mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<()> {
        self.exec(
            "DELETE FROM mfa_devices WHERE account_id = ?1 AND serial_key = ?2",
            params![account.as_str(), name_key(serial)],
        )
        .map(drop)
    }

    fn signing_certificate(
        &mut self,
        account: &AccountId,
        cert_id: &str,
    ) -> Result<Option<SigningCertificate>> {
        self.one(
            "SELECT * FROM signing_certificates WHERE account_id = ?1 AND cert_id = ?2",
            params![account.as_str(), cert_id],
            cert_from,
        )
    }

    fn signing_certificates(&mut self, account: &AccountId) -> Result<Vec<SigningCertificate>> {
        self.all(
            "SELECT * FROM signing_certificates WHERE account_id = ?1 ORDER BY uploaded, cert_id",
            [account.as_str()],
            cert_from,
        )
    }

    fn put_signing_certificate(&mut self, c: &SigningCertificate) -> Result<()> {
        self.exec(
            "REPLACE INTO signing_certificates (cert_id, account_id, owner, body, der_sha256, active, uploaded)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![c.id, c.account.as_str(), c.owner.as_key(), c.body, &c.der_sha256[..], c.active, c.uploaded.unix()],
        )
        .map(drop)
    }

    fn delete_signing_certificate(&mut self, account: &AccountId, cert_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM signing_certificates WHERE account_id = ?1 AND cert_id = ?2",
            params![account.as_str(), cert_id],
        )
        .map(drop)
    }

    fn inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<Option<InlinePolicy>> {
        self.one(
            "SELECT * FROM inline_policies WHERE account_id = ?1 AND entity_kind = ?2 AND entity_id = ?3 AND name_key = ?4",
            params![account.as_str(), entity.kind.as_key(), entity.id, name_key(name)],
            inline_from,
        )
    }

    fn inline_policies(
        &mut self,
        account: &AccountId,
        entity: &Entity,
    ) -> Result<Vec<InlinePolicy>> {
        self.all(
            "SELECT * FROM inline_policies WHERE account_id = ?1 AND entity_kind = ?2 AND entity_id = ?3 ORDER BY name_key",
            params![account.as_str(), entity.kind.as_key(), entity.id],
            inline_from,
        )
    }

    fn put_inline_policy(&mut self, account: &AccountId, p: &InlinePolicy) -> Result<()> {
        self.exec(
            "REPLACE INTO inline_policies (account_id, entity_kind, entity_id, name, name_key, document) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![account.as_str(), p.entity.kind.as_key(), p.entity.id, p.name, name_key(&p.name), p.document],
        )
        .map(drop)
    }

    fn delete_inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM inline_policies WHERE account_id = ?1 AND entity_kind = ?2 AND entity_id = ?3 AND name_key = ?4",
            params![account.as_str(), entity.kind.as_key(), entity.id, name_key(name)],
        )
        .map(drop)
    }

    fn group_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Group>> {
        self.named("groups", account, name, group_from)
    }

    fn group_by_id(&mut self, account: &AccountId, group_id: &str) -> Result<Option<Group>> {
        self.one(
            "SELECT * FROM groups WHERE account_id = ?1 AND group_id = ?2",
            params![account.as_str(), group_id],
            group_from,
        )
    }

    fn groups(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<Group>> {
        self.named_page("groups", account, q, group_from)
    }

    fn count_groups(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM groups WHERE account_id = ?1",
            [account.as_str()],
        )
    }

    fn insert_group(&mut self, g: &Group) -> Result<()> {
        self.exec(
            "INSERT INTO groups (account_id, group_id, name, name_key, path, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![g.account.as_str(), g.id, g.name, name_key(&g.name), g.path, g.created.unix()],
        )
        .map(drop)
    }

    fn update_group(&mut self, g: &Group) -> Result<()> {
        self.exec(
            "UPDATE groups SET name = ?3, name_key = ?4, path = ?5 WHERE account_id = ?1 AND group_id = ?2",
            params![g.account.as_str(), g.id, g.name, name_key(&g.name), g.path],
        )
        .map(drop)
    }

    fn delete_group(&mut self, account: &AccountId, group_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM groups WHERE account_id = ?1 AND group_id = ?2",
            params![account.as_str(), group_id],
        )
        .map(drop)
    }

    fn add_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()> {
        self.exec(
            "INSERT OR IGNORE INTO group_members (account_id, group_id, user_id) VALUES (?1, ?2, ?3)",
            params![account.as_str(), group_id, user_id],
        )
        .map(drop)
    }

    fn remove_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM group_members WHERE account_id = ?1 AND group_id = ?2 AND user_id = ?3",
            params![account.as_str(), group_id, user_id],
        )
        .map(drop)
    }

    fn group_members(&mut self, account: &AccountId, group_id: &str) -> Result<Vec<User>> {
        self.all(
            "SELECT u.* FROM group_members m JOIN users u ON u.user_id = m.user_id
             WHERE m.account_id = ?1 AND m.group_id = ?2 ORDER BY u.name_key, u.name",
            params![account.as_str(), group_id],
            user_from,
        )
    }

    fn groups_of_user(&mut self, account: &AccountId, user_id: &str) -> Result<Vec<Group>> {
        self.all(
            "SELECT g.* FROM group_members m JOIN groups g ON g.group_id = m.group_id
             WHERE m.account_id = ?1 AND m.user_id = ?2 ORDER BY g.name_key, g.name",
            params![account.as_str(), user_id],
            group_from,
        )
    }

    fn role_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Role>> {
        self.named("roles", account, name, role_from)
    }

    fn role_by_id(&mut self, account: &AccountId, role_id: &str) -> Result<Option<Role>> {
        self.one(
            "SELECT * FROM roles WHERE account_id = ?1 AND role_id = ?2",
            params![account.as_str(), role_id],
            role_from,
        )
    }

    fn roles(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<Role>> {
        self.named_page("roles", account, q, role_from)
    }

    fn count_roles(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM roles WHERE account_id = ?1",
            [account.as_str()],
        )
    }

    fn put_role(&mut self, r: &Role) -> Result<()> {
        self.exec(
            "REPLACE INTO roles (account_id, role_id, name, name_key, path, created, assume_role_policy,
             description, max_session_duration, last_used, last_used_region)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                r.account.as_str(), r.id, r.name, name_key(&r.name), r.path, r.created.unix(),
                r.assume_role_policy, r.description, r.max_session_duration,
                r.last_used.as_ref().map(|(t, _)| t.unix()),
                r.last_used.as_ref().map(|(_, region)| region.as_str())
            ],
        )
        .map(drop)
    }

    fn delete_role(&mut self, account: &AccountId, role_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM roles WHERE account_id = ?1 AND role_id = ?2",
            params![account.as_str(), role_id],
        )
        .map(drop)
    }

    fn instance_profile_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<InstanceProfile>> {
        self.named("instance_profiles", account, name, profile_from)
    }

    fn instance_profiles(
        &mut self,
        account: &AccountId,
        q: &UserQuery<'_>,
    ) -> Result<Vec<InstanceProfile>> {
        self.named_page("instance_profiles", account, q, profile_from)
    }

    fn count_instance_profiles(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM instance_profiles WHERE account_id = ?1",
            [account.as_str()],
        )
    }

    fn insert_instance_profile(&mut self, p: &InstanceProfile) -> Result<()> {
        self.exec(
            "INSERT INTO instance_profiles (account_id, profile_id, name, name_key, path, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![p.account.as_str(), p.id, p.name, name_key(&p.name), p.path, p.created.unix()],
        )
        .map(drop)
    }

    fn delete_instance_profile(&mut self, account: &AccountId, profile_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM instance_profiles WHERE account_id = ?1 AND profile_id = ?2",
            params![account.as_str(), profile_id],
        )
        .map(drop)
    }

    fn add_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()> {
        self.exec(
            "INSERT OR IGNORE INTO instance_profile_roles (account_id, profile_id, role_id) VALUES (?1, ?2, ?3)",
            params![account.as_str(), profile_id, role_id],
        )
        .map(drop)
    }

    fn remove_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM instance_profile_roles WHERE account_id = ?1 AND profile_id = ?2 AND role_id = ?3",
            params![account.as_str(), profile_id, role_id],
        )
        .map(drop)
    }

    fn profile_roles(&mut self, account: &AccountId, profile_id: &str) -> Result<Vec<Role>> {
        self.all(
            "SELECT r.* FROM instance_profile_roles m JOIN roles r ON r.role_id = m.role_id
             WHERE m.account_id = ?1 AND m.profile_id = ?2 ORDER BY r.name_key",
            params![account.as_str(), profile_id],
            role_from,
        )
    }

    fn profiles_of_role(
        &mut self,
        account: &AccountId,
        role_id: &str,
    ) -> Result<Vec<InstanceProfile>> {
        self.all(
            "SELECT p.* FROM instance_profile_roles m JOIN instance_profiles p ON p.profile_id = m.profile_id
             WHERE m.account_id = ?1 AND m.role_id = ?2 ORDER BY p.name_key, p.name",
            params![account.as_str(), role_id],
            profile_from,
        )
    }

    fn managed_policy(
        &mut self,
        account: &AccountId,
        policy_id: &str,
    ) -> Result<Option<ManagedPolicy>> {
        self.one(
            "SELECT * FROM managed_policies WHERE account_id = ?1 AND policy_id = ?2",
            params![account.as_str(), policy_id],
            managed_from,
        )
    }

    fn managed_policy_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<ManagedPolicy>> {
        self.named("managed_policies", account, name, managed_from)
    }

    fn managed_policies(
        &mut self,
        account: &AccountId,
        q: &UserQuery<'_>,
    ) -> Result<Vec<ManagedPolicy>> {
        self.named_page("managed_policies", account, q, managed_from)
    }

    fn count_managed_policies(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM managed_policies WHERE account_id = ?1",
            [account.as_str()],
        )
    }

    fn put_managed_policy(&mut self, p: &ManagedPolicy) -> Result<()> {
        self.exec(
            "REPLACE INTO managed_policies (account_id, policy_id, name, name_key, path, description, created, updated, default_version, next_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                p.account.as_str(), p.id, p.name, name_key(&p.name), p.path, p.description,
                p.created.unix(), p.updated.unix(), p.default_version, p.next_version
            ],
        )
        .map(drop)
    }

    fn delete_managed_policy(&mut self, account: &AccountId, policy_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM policy_versions WHERE policy_id = ?1",
            [policy_id],
        )?;
        self.exec(
            "DELETE FROM managed_policies WHERE account_id = ?1 AND policy_id = ?2",
            params![account.as_str(), policy_id],
        )
        .map(drop)
    }

    fn policy_versions(&mut self, policy_id: &str) -> Result<Vec<PolicyVersion>> {
        self.all(
            "SELECT * FROM policy_versions WHERE policy_id = ?1 ORDER BY version",
            [policy_id],
            version_from,
        )
    }

    fn put_policy_version(&mut self, v: &PolicyVersion) -> Result<()> {
        self.exec(
            "REPLACE INTO policy_versions (policy_id, version, document, created) VALUES (?1, ?2, ?3, ?4)",
            params![v.policy_id, v.version, v.document, v.created.unix()],
        )
        .map(drop)
    }

    fn delete_policy_version(&mut self, policy_id: &str, version: u32) -> Result<()> {
        self.exec(
            "DELETE FROM policy_versions WHERE policy_id = ?1 AND version = ?2",
            params![policy_id, version],
        )
        .map(drop)
    }

    fn attach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()> {
        self.exec(
            "INSERT OR IGNORE INTO policy_attachments (account_id, entity_kind, entity_id, policy_arn) VALUES (?1, ?2, ?3, ?4)",
            params![account.as_str(), entity.kind.as_key(), entity.id, policy_arn],
        )
        .map(drop)
    }

    fn detach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM policy_attachments WHERE account_id = ?1 AND entity_kind = ?2 AND entity_id = ?3 AND policy_arn = ?4",
            params![account.as_str(), entity.kind.as_key(), entity.id, policy_arn],
        )
        .map(drop)
    }

    fn attached_policies(&mut self, account: &AccountId, entity: &Entity) -> Result<Vec<String>> {
        self.all(
            "SELECT policy_arn FROM policy_attachments WHERE account_id = ?1 AND entity_kind = ?2 AND entity_id = ?3 ORDER BY policy_arn",
            params![account.as_str(), entity.kind.as_key(), entity.id],
            |r| r.get(0),
        )
    }

    fn policy_attachments(&mut self, account: &AccountId, policy_arn: &str) -> Result<Vec<Entity>> {
        self.all(
            "SELECT entity_kind, entity_id FROM policy_attachments WHERE account_id = ?1 AND policy_arn = ?2 ORDER BY entity_kind, entity_id",
            params![account.as_str(), policy_arn],
            |r| {
                Ok(Entity {
                    kind: entity_kind(r, "entity_kind")?,
                    id: r.get("entity_id")?,
                })
            },
        )
    }

    fn tags(&mut self, account: &AccountId, target: &TagTarget) -> Result<Vec<Tag>> {
        let (kind, id) = target.parts();
        self.all(
            "SELECT key, value FROM tags WHERE account_id = ?1 AND resource_kind = ?2 AND resource_id = ?3 ORDER BY position",
            params![account.as_str(), kind, id],
            |r| Ok(Tag { key: r.get(0)?, value: r.get(1)? }),
        )
    }

    fn put_tags(&mut self, account: &AccountId, target: &TagTarget, tags: &[Tag]) -> Result<()> {
        let (kind, id) = target.parts();
        self.exec(
            "DELETE FROM tags WHERE account_id = ?1 AND resource_kind = ?2 AND resource_id = ?3",
            params![account.as_str(), kind, id],
        )?;
        for (position, t) in tags.iter().enumerate() {
            self.exec(
                "INSERT INTO tags (account_id, resource_kind, resource_id, position, key, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![account.as_str(), kind, id, i64::try_from(position).unwrap_or(i64::MAX), t.key, t.value],
            )?;
        }
        Ok(())
    }

    fn account_alias(&mut self, account: &AccountId) -> Result<Option<String>> {
        self.one(
            "SELECT alias FROM account_aliases WHERE account_id = ?1",
            [account.as_str()],
            |r| r.get(0),
        )
    }

    fn alias_owner(&mut self, alias: &str) -> Result<Option<AccountId>> {
        self.one(
            "SELECT account_id FROM account_aliases WHERE alias = ?1",
            [alias],
            |r| account_id(&r.get::<_, String>(0)?),
        )
    }

    fn set_account_alias(&mut self, account: &AccountId, alias: Option<&str>) -> Result<()> {
        self.exec(
            "DELETE FROM account_aliases WHERE account_id = ?1",
            [account.as_str()],
        )?;
        if let Some(alias) = alias {
            self.exec(
                "INSERT INTO account_aliases (alias, account_id) VALUES (?1, ?2)",
                params![alias, account.as_str()],
            )?;
        }
        Ok(())
    }

    fn key_facts(&mut self, account: &AccountId) -> Result<Vec<KeyFacts>> {
        self.all(KEY_FACTS, [account.as_str()], |r| {
            Ok(KeyFacts {
                id: r.get(0)?,
                owner: Owner::from_key(str_at(r, 1)?),
                active: r.get(2)?,
                created: ts(r.get(3)?)?,
                last_used: key_use_from(r, 4)?,
            })
        })
    }

    fn cert_facts(&mut self, account: &AccountId) -> Result<Vec<CertFacts>> {
        self.all(
            "SELECT cert_id, owner, active, uploaded FROM signing_certificates WHERE account_id = ?1",
            [account.as_str()],
            |r| {
                Ok(CertFacts {
                    id: r.get(0)?,
                    owner: Owner::from_key(str_at(r, 1)?),
                    active: r.get(2)?,
                    uploaded: ts(r.get(3)?)?,
                })
            },
        )
    }

    fn password_changes(&mut self, account: &AccountId) -> Result<Vec<(String, Timestamp)>> {
        self.all(
            "SELECT user_id, changed FROM login_profiles WHERE account_id = ?1",
            [account.as_str()],
            |r| Ok((r.get(0)?, ts(r.get(1)?)?)),
        )
    }

    fn mfa_owners(&mut self, account: &AccountId) -> Result<Vec<Owner>> {
        self.all(
            "SELECT owner FROM mfa_devices
             WHERE account_id = ?1 AND owner IS NOT NULL AND enabled IS NOT NULL",
            [account.as_str()],
            |r| Ok(Owner::from_key(str_at(r, 0)?)),
        )
    }

    fn report(&mut self, account: &AccountId) -> Result<StoredReport> {
        let row = self.one(
            "SELECT generated, building_since FROM reports WHERE account_id = ?1",
            [account.as_str()],
            |r| {
                Ok(StoredReport {
                    generated: opt_ts(r.get(0)?)?,
                    building_since: opt_ts(r.get(1)?)?,
                })
            },
        )?;
        Ok(row.unwrap_or_default())
    }

    fn put_report(&mut self, account: &AccountId, r: &StoredReport) -> Result<()> {
        self.exec(
            "REPLACE INTO reports (account_id, generated, building_since) VALUES (?1, ?2, ?3)",
            params![
                account.as_str(),
                r.generated.map(Timestamp::unix),
                r.building_since.map(Timestamp::unix)
            ],
        )
        .map(drop)
    }

    fn report_content(&mut self, account: &AccountId) -> Result<Option<Vec<u8>>> {
        let Some((file, length)) = self.one(
            "SELECT file, length FROM report_files WHERE account_id = ?1",
            [account.as_str()],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?
        else {
            return Ok(None);
        };
        let length = u64::try_from(length)
            .map_err(|_| Error::internal(format!("report file {file}: length {length}")))?;
        match self.files.read(&file, length)? {
            report_files::Read::Bytes(bytes) => Ok(Some(bytes)),
            report_files::Read::Gone => {
                self.effects.gone = true;
                Err(Error::internal(format!(
                    "the report file {file} was replaced during the read"
                )))
            }
        }
    }

    fn put_report_content(&mut self, account: &AccountId, content: &[u8]) -> Result<()> {
        let previous = self.one(
            "SELECT file FROM report_files WHERE account_id = ?1",
            [account.as_str()],
            |r| r.get::<_, String>(0),
        )?;
        let file = self.files.write(account, content)?;
        self.effects.written.push(file.clone());
        self.exec(
            "REPLACE INTO report_files (account_id, file, length) VALUES (?1, ?2, ?3)",
            params![account.as_str(), file, length(content)],
        )?;
        self.effects.replaced.extend(previous);
        Ok(())
    }

    fn reports_building(&mut self) -> Result<Vec<(AccountId, Timestamp)>> {
        self.all(
            "SELECT account_id, building_since FROM reports WHERE building_since IS NOT NULL",
            [],
            |r| Ok((account_id(&r.get::<_, String>(0)?)?, ts(r.get(1)?)?)),
        )
    }

    fn console_session(&mut self, token_hash: &[u8; 32]) -> Result<Option<ConsoleSession>> {
        self.one(
            "SELECT * FROM console_sessions WHERE token_hash = ?1",
            [&token_hash[..]],
            session_from,
        )
    }

    fn put_console_session(&mut self, s: &ConsoleSession) -> Result<()> {
        self.exec(
            "REPLACE INTO console_sessions (token_hash, account_id, owner, stage, created, expires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                &s.token_hash[..],
                s.account.as_str(),
                s.owner.as_key(),
                s.stage.as_key(),
                s.created.unix(),
                s.expires.unix()
            ],
        )
        .map(drop)
    }

    fn delete_console_session(&mut self, token_hash: &[u8; 32]) -> Result<()> {
        self.exec(
            "DELETE FROM console_sessions WHERE token_hash = ?1",
            [&token_hash[..]],
        )
        .map(drop)
    }

    fn delete_expired_console_sessions(&mut self, now: Timestamp) -> Result<usize> {
        self.exec(
            "DELETE FROM console_sessions WHERE expires <= ?1",
            [now.unix()],
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use super::*;
    use crate::store::{read, write};
    use credreport_testkit::eventually;

    /// A schema in memory (no report ever written, so no directory of report files).
    fn migrated_in_memory() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn, &ReportFiles::beside(Path::new("unused-in-memory"))).unwrap();
        conn
    }

    #[test]
    fn a_version_1_store_keeps_its_reports_and_keys_through_every_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("iam.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.execute_batch(
                "PRAGMA user_version = 1;
                 INSERT INTO accounts (id, created, organization_member) VALUES
                     ('111111111111', 0, 0), ('222222222222', 0, 0), ('333333333333', 0, 0);
                 INSERT INTO reports (account_id, generated, content, building_since) VALUES
                     ('111111111111', 60, X'757365722C61726E', NULL),
                     ('222222222222', 60, X'757365722C61726E', 120),
                     ('333333333333', NULL, NULL, 120);
                 INSERT INTO access_keys (key_id, account_id, owner, secret, active, created,
                     last_used, last_used_region, last_used_service) VALUES
                     ('AKIAAAAAAAAAAAAAAAAA', '111111111111', 'root', X'00', 1, 30, 90, 'us-east-1', 'iam');",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let at = |secs| Timestamp::from_unix(secs);
        for (id, generated, building_since, content) in [
            ("111111111111", at(60), None, Some(&b"user,arn"[..])),
            ("222222222222", at(60), at(120), Some(&b"user,arn"[..])),
            ("333333333333", None, at(120), None),
        ] {
            let account = AccountId::parse(id).unwrap();
            let (report, bytes) = read(&store, |tx| {
                Ok((tx.report(&account)?, tx.report_content(&account)?))
            })
            .unwrap();
            assert_eq!(
                report,
                StoredReport {
                    generated,
                    building_since
                },
                "{id}"
            );
            assert_eq!(bytes.as_deref(), content, "{id}");
        }
        assert_eq!(report_file_names(&path).len(), 2);
        let key = read(&store, |tx| tx.access_key("AKIAAAAAAAAAAAAAAAAA"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                key.account.as_str(),
                key.owner,
                key.active,
                key.created.unix()
            ),
            ("111111111111", Owner::Root, true, 30)
        );
        assert_eq!(
            key.last_used.map(|u| (u.at.unix(), u.region)),
            Some((90, "us-east-1".into()))
        );
        let tables: i64 = store
            .writer
            .lock()
            .unwrap()
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'report_contents'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "report_contents is dropped");
    }

    fn report_file_names(db: &Path) -> Vec<String> {
        let mut dir = db.as_os_str().to_owned();
        dir.push("-reports");
        let mut names: Vec<String> = std::fs::read_dir(PathBuf::from(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// A store at `dir/iam.db` with one account, `123456789012`.
    fn store_with_account(dir: &Path) -> (SqliteStore, AccountId) {
        let store = SqliteStore::open(&dir.join("iam.db")).unwrap();
        let account = AccountId::parse("123456789012").unwrap();
        write(&store, None, |tx| {
            tx.insert_account(&Account {
                id: account.clone(),
                created: Timestamp::from_unix(0).unwrap(),
                organization_member: false,
                root_password: None,
                root_password_last_used: None,
                password_policy: None,
            })
        })
        .unwrap();
        (store, account)
    }

    #[test]
    fn a_replaced_report_file_is_removed_once_the_replacement_commits() {
        let dir = tempfile::tempdir().unwrap();
        let (store, account) = store_with_account(dir.path());
        for content in [&b"first"[..], b"second", b"third"] {
            write(&store, None, |tx| tx.put_report_content(&account, content)).unwrap();
            let got = read(&store, |tx| tx.report_content(&account)).unwrap();
            assert_eq!(got.as_deref(), Some(content));
            let one_left = eventually(|| report_file_names(&store.path).len() == 1);
            assert!(one_left, "{:?}", report_file_names(&store.path));
        }
    }

    #[test]
    fn a_rolled_back_report_leaves_no_file_and_the_previous_report_stands() {
        let dir = tempfile::tempdir().unwrap();
        let (store, account) = store_with_account(dir.path());
        write(&store, None, |tx| tx.put_report_content(&account, b"kept")).unwrap();
        let before = report_file_names(&store.path);
        let failed = write(&store, None, |tx| {
            tx.put_report_content(&account, b"dropped")?;
            Err::<(), _>(Error::internal("the build failed after storing"))
        });
        assert!(failed.is_err());
        assert_eq!(report_file_names(&store.path), before);
        let got = read(&store, |tx| tx.report_content(&account)).unwrap();
        assert_eq!(got.as_deref(), Some(&b"kept"[..]));
    }

    /// The reader's snapshot names the first file; a build replaces it (and removes the
    /// file) before the reader opens it. The read runs again and sees the new report.
    #[test]
    fn a_read_whose_report_file_was_replaced_meanwhile_runs_again() {
        let dir = tempfile::tempdir().unwrap();
        let (store, account) = store_with_account(dir.path());
        write(&store, None, |tx| tx.put_report_content(&account, b"old")).unwrap();
        let mut runs = 0;
        let got = read(&store, |tx| {
            runs += 1;
            let _ = tx.report(&account)?; // the snapshot starts here
            if runs == 1 {
                write(&store, None, |w| w.put_report_content(&account, b"new")).unwrap();
                let removed = eventually(|| report_file_names(&store.path).len() == 1);
                assert!(removed, "the replaced file is still there after 5 s");
            }
            tx.report_content(&account)
        })
        .unwrap();
        assert_eq!((runs, got.as_deref()), (2, Some(&b"new"[..])));
    }

    #[test]
    fn opening_a_store_removes_old_report_files_that_no_row_names() {
        let dir = tempfile::tempdir().unwrap();
        let (store, account) = store_with_account(dir.path());
        write(&store, None, |tx| {
            tx.put_report_content(&account, b"report")
        })
        .unwrap();
        let named = report_file_names(&store.path);
        drop(store);
        let reports = dir.path().join("iam.db-reports");
        let orphan = reports.join("123456789012-00000000000000ff.csv");
        std::fs::write(&orphan, b"a build that died before its commit").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&orphan)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - 2 * report_files::ORPHAN_AGE)
            .unwrap();

        let store = SqliteStore::open(&dir.path().join("iam.db")).unwrap();
        assert_eq!(report_file_names(&store.path), named);
        let got = read(&store, |tx| tx.report_content(&account)).unwrap();
        assert_eq!(got.as_deref(), Some(&b"report"[..]));
    }

    /// A report build reads every user (ListUsers a page of them) and every access key of
    /// an account; a second search per row, in the table, made each read a third slower
    /// (migrations 3 and 5).
    #[test]
    fn report_reads_are_one_range_scan_each() {
        let conn = migrated_in_memory();
        for (query, params, step) in [
            (
                USERS_PAGE,
                &["123456789012", "/", "", "10"][..],
                "SEARCH users USING COVERING INDEX users_listing ",
            ),
            (
                KEY_FACTS,
                &["123456789012"][..],
                "SEARCH access_keys USING PRIMARY KEY (account_id=?)",
            ),
        ] {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {query}"))
                .unwrap()
                .query_map(rusqlite::params_from_iter(params), |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(plan.len(), 1, "{plan:?}");
            assert!(plan[0].starts_with(step), "{plan:?}");
        }
    }

    /// The writer never checkpoints (its automatic checkpoint is off), so pages reach the
    /// database file only through the checkpoint thread.
    #[test]
    fn the_checkpoint_thread_moves_committed_pages_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let (store, account) = store_with_account(dir.path());
        let before = std::fs::metadata(&store.path).unwrap().len();
        // 2,000 users with 500-byte paths: over a megabyte of rows and index entries.
        let path = format!("/{}/", "p".repeat(498));
        write(&store, None, |tx| {
            for i in 0..2_000 {
                tx.insert_user(&User {
                    account: account.clone(),
                    id: format!("AIDA{i:017}"),
                    name: format!("user{i}"),
                    path: path.clone(),
                    created: Timestamp::from_unix(0).unwrap(),
                    password_last_used: None,
                })?;
            }
            Ok(())
        })
        .unwrap();
        let grown =
            eventually(|| std::fs::metadata(&store.path).unwrap().len() >= before + (1 << 20));
        assert!(grown, "the database file did not grow within 5 s");
    }

    /// A cached statement runs again with new values without being compiled again.
    #[test]
    fn cached_queries_are_not_compiled_again_for_new_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("iam.db");
        let conn = connect(&path).unwrap();
        migrate(&conn, &ReportFiles::beside(&path)).unwrap();
        for (query, values) in [
            (
                USERS_PAGE,
                [
                    ["123456789012", "/", "", "10"],
                    ["210987654321", "/a/", "b", "5"],
                ],
            ),
            (KEY_FACTS, [["123456789012"; 4], ["210987654321"; 4]]),
        ] {
            for params in values {
                let mut stmt = conn.prepare_cached(query).unwrap();
                let params = &params[..stmt.parameter_count()];
                let mut rows = stmt.query(rusqlite::params_from_iter(params)).unwrap();
                while rows.next().unwrap().is_some() {}
            }
            let stmt = conn.prepare_cached(query).unwrap();
            assert_eq!(
                stmt.get_status(rusqlite::StatementStatus::RePrepare),
                0,
                "{query}"
            );
        }
    }

    #[test]
    fn columns_match_the_schema() {
        let conn = migrated_in_memory();
        for (table, names) in [
            (UserCol::TABLE, UserCol::NAMES),
            (LoginCol::TABLE, LoginCol::NAMES),
            (KeyCol::TABLE, KeyCol::NAMES),
            (MfaCol::TABLE, MfaCol::NAMES),
            (CertCol::TABLE, CertCol::NAMES),
            (SessionCol::TABLE, SessionCol::NAMES),
        ] {
            let stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let actual: Vec<&str> = stmt.column_names();
            assert_eq!(actual, names, "the columns of {table}, in order");
        }
    }
}
