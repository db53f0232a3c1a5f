//! The history file: `DIR/history.db`, SQLite in WAL mode (its schema: [`super::schema`]).
//!
//! - `contents`: report bytes by SHA-256, stored once however many entries name them.
//! - `reports`: one entry per account and generated report (the same account, generation
//!   time and bytes again is the same entry): where it came from, the audit's as-of time,
//!   the row count and the open counts by severity.
//! - `findings`: each entry's findings, as data.
//! - `runs` and `actions`: remediation runs and every IAM call they made or skipped
//!   ([`super::trail`]).
//! - `notifications`: what a review sent, where, and whether it was delivered
//!   ([`super::notifications`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use credreport_audit::{CheckId, Credential, Severity, Status};
use credreport_report::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::record::{Audited, Counts, StoredFinding};
use super::schema::{self, named};
use crate::names::named;

/// An open history file.
#[derive(Debug)]
pub struct History {
    pub(super) conn: Connection,
    path: PathBuf,
}

named! {
    /// How a report came into the history.
    pub enum Source {
        /// `credreport fetch --history`.
        Fetch = "fetch",
        /// `credreport audit --history`.
        Audit = "audit",
        /// `credreport review`.
        Review = "review",
        /// `credreport remediate --plan`.
        Remediate = "remediate",
        /// `credreport history add`.
        Add = "add",
    }
}

/// A stored report's entry (without its bytes and findings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportMeta {
    pub id: i64,
    pub account: String,
    pub generated: Timestamp,
    pub sha256: String,
    pub stored: Timestamp,
    pub source: Source,
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
    pub source: Source,
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

/// A time the history wrote (whole seconds since 1970).
pub(super) fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix(secs).unwrap_or(Timestamp::MAX)
}

/// A count as SQLite keeps it.
pub(super) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
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
        source: named(r, 5, "report source", Source::from_name)?,
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

fn finding_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFinding> {
    Ok(StoredFinding {
        fingerprint: r.get(0)?,
        check: named(r, 1, "check", CheckId::from_name)?,
        severity: named(r, 2, "severity", Severity::from_name)?,
        status: named(r, 3, "finding status", Status::from_name)?,
        user: r.get(4)?,
        arn: r.get(5)?,
        credential: named(r, 6, "credential", Credential::from_name)?,
        age_days: r.get(7)?,
        message: r.get(8)?,
    })
}

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl History {
    /// Opens (creating if needed) the history in directory `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<History> {
        credreport_private::create_dir(dir)
            .with_context(|| format!("{}: cannot create the history directory", dir.display()))?;
        let path = dir.join("history.db");
        // Made 0600 before SQLite creates it: its WAL and SHM files take its mode.
        credreport_private::prepare_database(&path)
            .with_context(|| format!("{}: cannot create the history", path.display()))?;
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
        schema::migrate(&self.conn)
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
                new.source.name(),
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
                    f.check.as_str(),
                    f.severity.name(),
                    f.status.name(),
                    f.user,
                    f.arn,
                    f.credential.name(),
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
             AND source = ?4 \
             AND (generated < ?3 OR (generated = ?3 AND id < ?2)) \
             AND NOT EXISTS (SELECT 1 FROM notifications n \
                             WHERE n.report_id = r.id AND n.delivered = 0) \
             ORDER BY generated DESC, id DESC LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(
                &sql,
                params![
                    report.account,
                    report.id,
                    report.generated.unix(),
                    Source::Review.name()
                ],
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
        let rows = stmt.query_map(params![report_id], finding_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many distinct report contents are stored (deduplicated bytes).
    pub fn content_count(&self) -> anyhow::Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM contents", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
