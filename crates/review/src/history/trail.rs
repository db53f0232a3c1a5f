//! Remediation's audit trail in the history: each run (`apply` or `undo`: who ran it,
//! when, on which account, from which plan) and each IAM call it made or decided not to
//! make, with the credential's state before and after, recorded before the next call.

use anyhow::Context;
use credreport_report::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::schema::named;
use super::store::{ts, History};
use crate::names::named;
use crate::remediate::action::{ActionKind, Outcome, TrailAction, UndoKind};
use crate::remediate::change::Change;

named! {
    /// What a run did.
    pub enum RunKind {
        /// `remediate --apply`: a plan's actions.
        Apply = "apply",
        /// `remediate --undo`: an apply run's actions reversed.
        Undo = "undo",
    }
}

/// A remediation run as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub id: i64,
    pub kind: RunKind,
    pub account: String,
    pub principal: String,
    pub started: Timestamp,
    pub finished: Option<Timestamp>,
    pub plan_sha256: Option<String>,
    pub undoes: Option<i64>,
}

/// A run about to start.
#[derive(Clone, Copy, Debug)]
pub struct NewRun<'a> {
    pub kind: RunKind,
    pub account: &'a str,
    /// Who acts: the caller's ARN, and the role assumed in the account if any.
    pub principal: &'a str,
    pub started: Timestamp,
    /// The plan file's SHA-256 (apply runs).
    pub plan_sha256: Option<&'a str>,
    /// The run it reverses (undo runs).
    pub undoes: Option<i64>,
}

/// One IAM call of a run (made, skipped or failed), with the state before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub seq: i64,
    pub at: Timestamp,
    pub action: TrailAction,
    pub user: String,
    pub access_key_id: Option<String>,
    /// Done, skipped or failed (a dry run records nothing).
    pub outcome: Outcome,
    pub detail: String,
    /// JSON: the credential's state just before the call.
    pub before: Option<String>,
    /// JSON: its state after.
    pub after: Option<String>,
    /// The calls that changed the account, in order, as recorded (none for a row
    /// written before they were: [`Action::changes`] says what it stands for).
    pub recorded: Option<Vec<Change>>,
}

impl Action {
    /// The calls that changed the account, in order: as recorded, or for a row written
    /// before they were, its action's one call.
    pub fn changes(&self) -> Vec<Change> {
        if let Some(c) = &self.recorded {
            return c.clone();
        }
        match self.action {
            TrailAction::Apply(kind) => Change::implied(kind, self.access_key_id.as_deref()),
            TrailAction::Undo(UndoKind::ReactivateAccessKey) => self
                .access_key_id
                .iter()
                .map(|id| Change::ActivateAccessKey {
                    access_key_id: id.clone(),
                })
                .collect(),
            TrailAction::Undo(_) => Vec::new(),
        }
    }
}

/// A user an apply run quarantined (and no undo run released since).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quarantine {
    /// The apply run.
    pub run_id: i64,
    /// When its `quarantine-user` call was recorded.
    pub at: Timestamp,
}

fn run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Run> {
    Ok(Run {
        id: r.get(0)?,
        kind: named(r, 1, "run kind", RunKind::from_name)?,
        account: r.get(2)?,
        principal: r.get(3)?,
        started: ts(r.get(4)?),
        finished: r.get::<_, Option<i64>>(5)?.map(ts),
        plan_sha256: r.get(6)?,
        undoes: r.get(7)?,
    })
}

fn action_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Action> {
    let recorded = match r.get::<_, Option<String>>(9)? {
        Some(text) => Some(Change::from_json(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, e.into())
        })?),
        None => None,
    };
    Ok(Action {
        seq: r.get(0)?,
        at: ts(r.get(1)?),
        action: named(r, 2, "action", TrailAction::from_name)?,
        user: r.get(3)?,
        access_key_id: r.get(4)?,
        outcome: named(r, 5, "outcome", Outcome::from_name)?,
        detail: r.get(6)?,
        before: r.get(7)?,
        after: r.get(8)?,
        recorded,
    })
}

impl History {
    /// Starts a remediation run; returns its id.
    pub fn start_run(&self, run: &NewRun<'_>) -> anyhow::Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (kind, account, principal, started, plan_sha256, undoes) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.kind.name(),
                run.account,
                run.principal,
                run.started.unix(),
                run.plan_sha256,
                run.undoes
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records action `a.seq` of run `run_id` (durably, before the next call is made),
    /// or records it again as it goes on: an action of many calls is written after each.
    pub fn add_action(&self, run_id: i64, a: &Action) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO actions (run_id, seq, at, action, user, access_key_id, outcome, detail, \
             before, after, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
             ON CONFLICT (run_id, seq) DO UPDATE SET at = ?3, outcome = ?7, detail = ?8, \
             before = ?9, after = ?10, changes = ?11",
            params![
                run_id,
                a.seq,
                a.at.unix(),
                a.action.name(),
                a.user,
                a.access_key_id,
                a.outcome.name(),
                a.detail,
                a.before,
                a.after,
                a.recorded.as_deref().map(Change::to_json),
            ],
        )?;
        Ok(())
    }

    /// The users of `account` that an apply run quarantined and no undo run released
    /// since (an undo whose `release-user` was done), by user: the latest quarantine.
    pub fn quarantines(
        &self,
        account: &str,
    ) -> anyhow::Result<std::collections::BTreeMap<String, Quarantine>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.user, r.id, a.at FROM actions a JOIN runs r ON a.run_id = r.id \
             WHERE r.kind = ?2 AND r.account = ?1 AND a.action = ?3 AND a.outcome = ?5 \
             AND NOT EXISTS (SELECT 1 FROM runs u JOIN actions ua ON ua.run_id = u.id \
                             WHERE u.undoes = r.id AND ua.user = a.user \
                             AND ua.action = ?4 AND ua.outcome = ?5) \
             ORDER BY a.at, r.id",
        )?;
        let rows = stmt.query_map(
            params![
                account,
                RunKind::Apply.name(),
                ActionKind::QuarantineUser.name(),
                UndoKind::ReleaseUser.name(),
                Outcome::Done.name()
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Quarantine {
                        run_id: r.get(1)?,
                        at: ts(r.get(2)?),
                    },
                ))
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
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
                run_row,
            )
            .optional()?
            .with_context(|| {
                format!(
                    "no remediation run {id} in the history ({})",
                    self.path().display()
                )
            })
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> anyhow::Result<Vec<Run>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, account, principal, started, finished, plan_sha256, undoes \
             FROM runs ORDER BY id",
        )?;
        let rows = stmt.query_map([], run_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A run's calls, in order.
    pub fn actions(&self, run_id: i64) -> anyhow::Result<Vec<Action>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, action, user, access_key_id, outcome, detail, before, after, \
             changes FROM actions WHERE run_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![run_id], action_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
