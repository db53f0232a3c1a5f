//! The history file: `DIR/history.db`, SQLite in WAL mode.
//!
//! - `contents`: report bytes by SHA-256, stored once however many entries name them.
//! - `reports`: one entry per account and generated report (the same account, generation
//!   time and bytes again is the same entry): where it came from, the audit's as-of time,
//!   the row count and the open counts by severity.
//! - `findings`: each entry's findings, as data.
//! - `runs` and `actions`: remediation runs (who ran them, when, on which account) and
//!   every IAM call they made or skipped, with the state before and after.
//! - `notifications`: what a review sent, where, and whether it was delivered.
//!
//! The schema's version is SQLite's `user_version`; a newer file than this build knows
//! is refused rather than misread.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use credreport_audit::Severity;
use credreport_report::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::record::{Audited, Counts, StoredFinding};

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE contents (
    sha256 TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    generated INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES contents(sha256),
    stored INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT,
    as_of INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    critical INTEGER NOT NULL,
    high INTEGER NOT NULL,
    medium INTEGER NOT NULL,
    low INTEGER NOT NULL,
    info INTEGER NOT NULL,
    suppressed INTEGER NOT NULL,
    not_evaluated INTEGER NOT NULL,
    UNIQUE (account, generated, sha256)
);
CREATE INDEX reports_by_account ON reports (account, generated, id);
CREATE TABLE findings (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    seq INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    user TEXT NOT NULL,
    arn TEXT NOT NULL,
    credential TEXT NOT NULL,
    age_days INTEGER,
    message TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    account TEXT NOT NULL,
    principal TEXT NOT NULL,
    started INTEGER NOT NULL,
    finished INTEGER,
    plan_sha256 TEXT,
    undoes INTEGER REFERENCES runs(id)
);
CREATE TABLE actions (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    user TEXT NOT NULL,
    access_key_id TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    before TEXT,
    after TEXT,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    at INTEGER NOT NULL,
    destination TEXT NOT NULL,
    findings INTEGER NOT NULL,
    delivered INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT
);
";

/// An open history file.
#[derive(Debug)]
pub struct History {
    conn: Connection,
    path: PathBuf,
}

/// A stored report's entry (without its bytes and findings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportMeta {
    pub id: i64,
    pub account: String,
    pub generated: Timestamp,
    pub sha256: String,
    pub stored: Timestamp,
    /// `fetch`, `audit`, `review`, `remediate`, `add`.
    pub source: String,
    /// The review target that fetched it, if any.
    pub target: Option<String>,
    pub as_of: Timestamp,
    pub rows: u64,
    pub counts: Counts,
}

/// What to store.
#[derive(Debug)]
pub struct NewReport<'a> {
    pub account: &'a str,
    pub generated: Timestamp,
    pub bytes: &'a [u8],
    pub source: &'a str,
    pub target: Option<&'a str>,
    pub audited: &'a Audited,
    pub stored: Timestamp,
}

/// A stored report's id, and whether it was there already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Added {
    pub id: i64,
    pub existed: bool,
}

/// A remediation run as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub id: i64,
    /// `apply` or `undo`.
    pub kind: String,
    pub account: String,
    pub principal: String,
    pub started: Timestamp,
    pub finished: Option<Timestamp>,
    pub plan_sha256: Option<String>,
    pub undoes: Option<i64>,
}

/// One IAM call of a run (made, skipped or failed), with the state before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub seq: i64,
    pub at: Timestamp,
    /// `deactivate-access-key`, `delete-login-profile`, `reactivate-access-key`.
    pub action: String,
    pub user: String,
    pub access_key_id: Option<String>,
    /// `done`, `skipped`, `failed`, `would-do` (a dry run).
    pub outcome: String,
    pub detail: String,
    /// JSON: the credential's state just before the call.
    pub before: Option<String>,
    /// JSON: its state after.
    pub after: Option<String>,
}

/// A notification a review sent (or failed to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub report_id: i64,
    pub at: Timestamp,
    pub destination: String,
    pub findings: u64,
    pub delivered: bool,
    pub attempts: u32,
    pub error: Option<String>,
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix(secs).unwrap_or(Timestamp::MAX)
}

fn sev_from(text: &str) -> Severity {
    Severity::from_name(text).unwrap_or(Severity::Info)
}

const REPORT_COLUMNS: &str =
    "id, account, generated, sha256, stored, source, target, as_of, rows, \
     critical, high, medium, low, info, suppressed, not_evaluated";

fn report_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReportMeta> {
    let n =
        |i: usize| -> rusqlite::Result<u64> { Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0)) };
    Ok(ReportMeta {
        id: r.get(0)?,
        account: r.get(1)?,
        generated: ts(r.get(2)?),
        sha256: r.get(3)?,
        stored: ts(r.get(4)?),
        source: r.get(5)?,
        target: r.get(6)?,
        as_of: ts(r.get(7)?),
        rows: n(8)?,
        counts: Counts {
            open: [n(9)?, n(10)?, n(11)?, n(12)?, n(13)?],
            suppressed: n(14)?,
            not_evaluated: n(15)?,
        },
    })
}

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl History {
    /// Opens (creating if needed) the history in directory `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<History> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the history directory", dir.display()))?;
        let path = dir.join("history.db");
        let conn = Connection::open(&path)
            .with_context(|| format!("{}: cannot open the history", path.display()))?;
        let history = History { conn, path };
        history
            .init()
            .with_context(|| format!("{}", history.path.display()))?;
        Ok(history)
    }

    /// Opens the history in `dir`, which must exist (for commands that only read).
    pub fn open_existing(dir: &Path) -> anyhow::Result<History> {
        let path = dir.join("history.db");
        if !path.is_file() {
            bail!(
                "{}: no history here (nothing was reviewed, fetched with --history or added yet)",
                path.display()
            );
        }
        History::open(dir)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn init(&self) -> anyhow::Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .context("WAL mode")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .context("not a history file (not SQLite)")?;
        match version {
            0 => {
                let tables: i64 =
                    self.conn
                        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
                if tables > 0 {
                    bail!("not a credreport history file (it has other tables)");
                }
                self.conn.execute_batch(&format!(
                    "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))?;
            }
            SCHEMA_VERSION => {}
            v => bail!(
                "history schema version {v}, newer than this credreport knows ({SCHEMA_VERSION})"
            ),
        }
        Ok(())
    }

    /// Stores a report and its audit, unless this account's report with the same
    /// generation time and bytes is there already (then its id is returned).
    pub fn add_report(&mut self, new: &NewReport<'_>) -> anyhow::Result<Added> {
        let hash = sha256_hex(new.bytes);
        let tx = self.conn.transaction()?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM reports WHERE account = ?1 AND generated = ?2 AND sha256 = ?3",
                params![new.account, new.generated.unix(), hash],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(Added { id, existed: true });
        }
        tx.execute(
            "INSERT OR IGNORE INTO contents (sha256, bytes) VALUES (?1, ?2)",
            params![hash, new.bytes],
        )?;
        let c = Counts::of(&new.audited.findings);
        tx.execute(
            "INSERT INTO reports (account, generated, sha256, stored, source, target, as_of, rows, \
             critical, high, medium, low, info, suppressed, not_evaluated) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                new.account,
                new.generated.unix(),
                hash,
                new.stored.unix(),
                new.source,
                new.target,
                new.audited.as_of.unix(),
                to_i64(new.audited.rows),
                to_i64(c.open[0]),
                to_i64(c.open[1]),
                to_i64(c.open[2]),
                to_i64(c.open[3]),
                to_i64(c.open[4]),
                to_i64(c.suppressed),
                to_i64(c.not_evaluated),
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare(
                "INSERT INTO findings (report_id, seq, fingerprint, check_id, severity, status, \
                 user, arn, credential, age_days, message) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for (seq, f) in new.audited.findings.iter().enumerate() {
                insert.execute(params![
                    id,
                    i64::try_from(seq).unwrap_or(i64::MAX),
                    f.fingerprint,
                    f.check,
                    f.severity.name(),
                    f.status,
                    f.user,
                    f.arn,
                    f.credential,
                    f.age_days,
                    f.message,
                ])?;
            }
        }
        tx.commit()?;
        Ok(Added { id, existed: false })
    }

    /// Every entry (of one account), oldest generated first.
    pub fn reports(&self, account: Option<&str>) -> anyhow::Result<Vec<ReportMeta>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE ?1 IS NULL OR account = ?1 \
             ORDER BY generated, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![account], report_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One entry.
    pub fn report(&self, id: i64) -> anyhow::Result<ReportMeta> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = ?1");
        self.conn
            .query_row(&sql, params![id], report_row)
            .optional()?
            .with_context(|| format!("no report {id} in the history ({})", self.path.display()))
    }

    /// The review of `account` to compare a new review's report with: the latest entry
    /// before `report` stored by a review whose notifications, if any, were all
    /// delivered. Reports kept by `fetch`, `audit` or `remediate` never hide a finding
    /// from a review, and a finding whose notification failed is new again next time.
    pub fn previous_review(&self, report: &ReportMeta) -> anyhow::Result<Option<ReportMeta>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports r WHERE account = ?1 AND id <> ?2 \
             AND source = 'review' \
             AND (generated < ?3 OR (generated = ?3 AND id < ?2)) \
             AND NOT EXISTS (SELECT 1 FROM notifications n \
                             WHERE n.report_id = r.id AND n.delivered = 0) \
             ORDER BY generated DESC, id DESC LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(
                &sql,
                params![report.account, report.id, report.generated.unix()],
                report_row,
            )
            .optional()?)
    }

    /// An entry's report bytes, exactly as fetched.
    pub fn content(&self, report: &ReportMeta) -> anyhow::Result<Vec<u8>> {
        let bytes: Vec<u8> = self.conn.query_row(
            "SELECT bytes FROM contents WHERE sha256 = ?1",
            params![report.sha256],
            |r| r.get(0),
        )?;
        if sha256_hex(&bytes) != report.sha256 {
            bail!(
                "{}: report {}'s bytes do not match their SHA-256 (the file was damaged)",
                self.path.display(),
                report.id
            );
        }
        Ok(bytes)
    }

    /// An entry's findings, in report order.
    pub fn findings(&self, report_id: i64) -> anyhow::Result<Vec<StoredFinding>> {
        let mut stmt = self.conn.prepare(
            "SELECT fingerprint, check_id, severity, status, user, arn, credential, age_days, \
             message FROM findings WHERE report_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![report_id], |r| {
            Ok(StoredFinding {
                fingerprint: r.get(0)?,
                check: r.get(1)?,
                severity: sev_from(&r.get::<_, String>(2)?),
                status: r.get(3)?,
                user: r.get(4)?,
                arn: r.get(5)?,
                credential: r.get(6)?,
                age_days: r.get(7)?,
                message: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many distinct report contents are stored (deduplicated bytes).
    pub fn content_count(&self) -> anyhow::Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM contents", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Starts a remediation run; returns its id.
    pub fn start_run(
        &self,
        kind: &str,
        account: &str,
        principal: &str,
        started: Timestamp,
        plan_sha256: Option<&str>,
        undoes: Option<i64>,
    ) -> anyhow::Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (kind, account, principal, started, plan_sha256, undoes) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                kind,
                account,
                principal,
                started.unix(),
                plan_sha256,
                undoes
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records one call of run `run_id` (durably, before the next one is made).
    pub fn add_action(&self, run_id: i64, a: &Action) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO actions (run_id, seq, at, action, user, access_key_id, outcome, detail, \
             before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                run_id,
                a.seq,
                a.at.unix(),
                a.action,
                a.user,
                a.access_key_id,
                a.outcome,
                a.detail,
                a.before,
                a.after
            ],
        )?;
        Ok(())
    }

    /// Marks a run finished.
    pub fn finish_run(&self, run_id: i64, at: Timestamp) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished = ?2 WHERE id = ?1",
            params![run_id, at.unix()],
        )?;
        Ok(())
    }

    /// One run.
    pub fn run(&self, id: i64) -> anyhow::Result<Run> {
        self.conn
            .query_row(
                "SELECT id, kind, account, principal, started, finished, plan_sha256, undoes \
                 FROM runs WHERE id = ?1",
                params![id],
                |r| {
                    Ok(Run {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        account: r.get(2)?,
                        principal: r.get(3)?,
                        started: ts(r.get(4)?),
                        finished: r.get::<_, Option<i64>>(5)?.map(ts),
                        plan_sha256: r.get(6)?,
                        undoes: r.get(7)?,
                    })
                },
            )
            .optional()?
            .with_context(|| {
                format!(
                    "no remediation run {id} in the history ({})",
                    self.path.display()
                )
            })
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> anyhow::Result<Vec<Run>> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare("SELECT id FROM runs ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.into_iter().map(|id| self.run(id)).collect()
    }

    /// A run's calls, in order.
    pub fn actions(&self, run_id: i64) -> anyhow::Result<Vec<Action>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, action, user, access_key_id, outcome, detail, before, after \
             FROM actions WHERE run_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![run_id], |r| {
            Ok(Action {
                seq: r.get(0)?,
                at: ts(r.get(1)?),
                action: r.get(2)?,
                user: r.get(3)?,
                access_key_id: r.get(4)?,
                outcome: r.get(5)?,
                detail: r.get(6)?,
                before: r.get(7)?,
                after: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a notification.
    pub fn add_notification(&self, n: &Notification) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO notifications (report_id, at, destination, findings, delivered, \
             attempts, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                n.report_id,
                n.at.unix(),
                n.destination,
                to_i64(n.findings),
                n.delivered,
                n.attempts,
                n.error
            ],
        )?;
        Ok(())
    }

    /// Whether a notification about `report_id` was due and never delivered.
    pub fn notification_pending(&self, report_id: i64) -> anyhow::Result<bool> {
        let (failed, delivered): (i64, i64) = self.conn.query_row(
            "SELECT count(*) FILTER (WHERE delivered = 0), count(*) FILTER (WHERE delivered = 1) \
             FROM notifications WHERE report_id = ?1",
            params![report_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(failed > 0 && delivered == 0)
    }

    /// The notifications about `report_id`.
    pub fn notifications(&self, report_id: i64) -> anyhow::Result<Vec<Notification>> {
        let mut stmt = self.conn.prepare(
            "SELECT report_id, at, destination, findings, delivered, attempts, error \
             FROM notifications WHERE report_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![report_id], |r| {
            Ok(Notification {
                report_id: r.get(0)?,
                at: ts(r.get(1)?),
                destination: r.get(2)?,
                findings: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                delivered: r.get(4)?,
                attempts: r.get(5)?,
                error: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
