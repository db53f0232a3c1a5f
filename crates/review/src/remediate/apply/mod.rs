//! Applying a plan, and undoing a run, through [`IamApi`].
//!
//! Each action's credentials are read again just before its calls and re-checked
//! ([`super::decide`]): a key used since the plan was made, one already Inactive or gone,
//! a password already removed, a user who set up MFA or was used since, are skipped and
//! said so. Every action, made or skipped, goes into the history's audit trail (run, time,
//! principal, state before and after, the calls made) as it happens: an action of many
//! calls is recorded after each call, so a run that stops part-way leaves a trail that
//! says what it changed (marked failed, "interrupted"), and an undo reverses exactly that.
//!
//! - [`keys`]: `deactivate-access-key`, `delete-login-profile`.
//! - [`user`]: `require-mfa`, `quarantine-user`, `delete-user`.
//! - [`reverse`]: what `--undo` does for each change.

mod keys;
mod reverse;
mod user;

use std::time::Duration;

use credreport_report::Timestamp;
use serde_json::Value;

use super::action::{ActionKind, Outcome, TrailAction};
use super::api::IamApi;
use super::change::Change;
use super::decide::{self, Allowed, Check};
use super::plan::{Plan, PlannedAction};
use crate::env::Clock;
use crate::history::trail::{Action, NewRun, RunKind};
use crate::history::History;

/// Where and as whom a run acts, and the clock it records with.
#[derive(Clone, Copy, Debug)]
pub struct Session<'a, I> {
    pub iam: &'a I,
    /// The account the credentials reach.
    pub account: &'a str,
    /// Who acts: the caller's ARN, and the role assumed in the account if any.
    pub principal: &'a str,
    pub clock: &'a dyn Clock,
}

/// How to apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct ApplyOptions {
    /// Re-check and report, change nothing, record nothing.
    pub dry_run: bool,
    /// Let the plan delete console passwords (`delete-login-profile`, and a quarantined
    /// user's).
    pub allow_password_removal: bool,
    /// Let the plan delete users (`delete-user`).
    pub allow_user_deletion: bool,
    /// Refuse a plan made longer ago than this (the world it describes has moved on).
    pub max_plan_age: Option<Duration>,
}

/// How one action ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionResult {
    pub action: TrailAction,
    pub user: String,
    pub access_key_id: Option<String>,
    pub outcome: Outcome,
    pub detail: String,
}

/// A run's result: its id in the history (none for a dry run) and each action's outcome.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub run_id: Option<i64>,
    pub outcomes: Vec<ActionResult>,
}

impl RunResult {
    /// How many actions ended so.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome == outcome)
            .count()
    }
}

/// How an action ended: its outcome, in words, and the state after.
struct Ended {
    outcome: Outcome,
    detail: String,
    after: Option<Value>,
}

impl Ended {
    fn done(detail: String, after: Option<Value>) -> Ended {
        Ended {
            outcome: Outcome::Done,
            detail,
            after,
        }
    }

    fn skipped(detail: String) -> Ended {
        Ended {
            outcome: Outcome::Skipped,
            detail,
            after: None,
        }
    }

    fn would(detail: String) -> Ended {
        Ended {
            outcome: Outcome::WouldDo,
            detail,
            after: None,
        }
    }

    /// The re-check's verdict: go on (`None`), or skipped, and why.
    fn unless(check: Check) -> Option<Ended> {
        check.err().map(Ended::skipped)
    }
}

/// One action of a run as the trail records it: its state before, the calls it made so
/// far, written to the history after each call (none for a dry run).
struct Step<'h> {
    history: &'h History,
    clock: &'h dyn Clock,
    run_id: Option<i64>,
    seq: i64,
    action: TrailAction,
    user: String,
    access_key_id: Option<String>,
    before: Option<Value>,
    changes: Vec<Change>,
}

impl Step<'_> {
    /// A call that changed the account: recorded at once. Until the action ends, its row
    /// says it was interrupted, so a run that stops here leaves the truth.
    fn made(&mut self, change: Change) -> anyhow::Result<()> {
        self.changes.push(change);
        let detail = format!(
            "interrupted after {} call(s): the run stopped before this action ended",
            self.changes.len()
        );
        self.write(Outcome::Failed, &detail, None)
    }

    fn write(&self, outcome: Outcome, detail: &str, after: Option<&Value>) -> anyhow::Result<()> {
        let Some(run_id) = self.run_id else {
            return Ok(());
        };
        self.history.add_action(
            run_id,
            &Action {
                seq: self.seq,
                at: self.clock.now(),
                action: self.action,
                user: self.user.clone(),
                access_key_id: self.access_key_id.clone(),
                outcome,
                detail: detail.to_owned(),
                before: self.before.as_ref().map(Value::to_string),
                after: after.map(Value::to_string),
                recorded: Some(self.changes.clone()),
            },
        )
    }

    /// Records how the action ended (a failed call: its error, and what was made before
    /// it), and returns its result.
    fn finish(self, ended: anyhow::Result<Ended>) -> anyhow::Result<ActionResult> {
        let ended = ended.unwrap_or_else(|e| {
            let made = if self.changes.is_empty() {
                String::new()
            } else {
                format!(
                    " (after {} call(s) made: {})",
                    self.changes.len(),
                    Change::to_json(&self.changes)
                )
            };
            Ended {
                outcome: Outcome::Failed,
                detail: format!("{e:#}{made}"),
                after: None,
            }
        });
        if ended.outcome != Outcome::WouldDo {
            self.write(ended.outcome, &ended.detail, ended.after.as_ref())?;
        }
        Ok(ActionResult {
            action: self.action,
            user: self.user,
            access_key_id: self.access_key_id,
            outcome: ended.outcome,
            detail: ended.detail,
        })
    }
}

/// Applies `plan` in the session's account (which must be the plan's). A failing call is
/// recorded and the next action goes on.
pub async fn apply<I: IamApi>(
    s: &Session<'_, I>,
    history: &History,
    plan: &Plan,
    plan_sha256: &str,
    opts: ApplyOptions,
) -> anyhow::Result<RunResult> {
    let dry_run = opts.dry_run;
    decide::plan_may_run(
        plan,
        s.account,
        s.clock.now(),
        Allowed {
            password_removal: opts.allow_password_removal,
            user_deletion: opts.allow_user_deletion,
        },
        dry_run,
        opts.max_plan_age,
    )?;
    let run_id = if dry_run {
        None
    } else {
        Some(history.start_run(&NewRun {
            kind: RunKind::Apply,
            account: s.account,
            principal: s.principal,
            started: s.clock.now(),
            plan_sha256: Some(plan_sha256),
            undoes: None,
        })?)
    };
    let mut outcomes = Vec::with_capacity(plan.actions.len());
    for (seq, a) in plan.actions.iter().enumerate() {
        let mut step = Step {
            history,
            clock: s.clock,
            run_id,
            seq: i64::try_from(seq + 1).unwrap_or(i64::MAX),
            action: TrailAction::Apply(a.action),
            user: a.user.clone(),
            access_key_id: a.access_key_id.clone(),
            before: None,
            changes: Vec::new(),
        };
        let ended = act(s.iam, a, &opts, &mut step).await;
        outcomes.push(step.finish(ended)?);
    }
    if let Some(id) = run_id {
        history.finish_run(id, s.clock.now())?;
    }
    Ok(RunResult { run_id, outcomes })
}

/// One planned action: its re-check and calls.
async fn act(
    iam: &impl IamApi,
    a: &PlannedAction,
    opts: &ApplyOptions,
    step: &mut Step<'_>,
) -> anyhow::Result<Ended> {
    match a.action {
        ActionKind::DeactivateAccessKey => keys::deactivate(iam, a, opts, step).await,
        ActionKind::DeleteLoginProfile => keys::delete_password(iam, a, opts, step).await,
        ActionKind::RequireMfa => user::require_mfa(iam, a, opts, step).await,
        ActionKind::QuarantineUser => user::quarantine(iam, a, opts, step).await,
        ActionKind::DeleteUser => user::delete(iam, a, opts, step).await,
    }
}

/// Reverses run `undo`: each change its actions made is undone where it can be (a key
/// set Active again, a policy detached), after a re-check (a key used, deleted or
/// reactivated since, a policy detached since, are left as they are); what nothing can
/// bring back (a password, a user) is said so.
pub async fn undo<I: IamApi>(
    s: &Session<'_, I>,
    history: &History,
    undo: i64,
) -> anyhow::Result<RunResult> {
    let run = history.run(undo)?;
    if run.kind != RunKind::Apply {
        anyhow::bail!(
            "run {undo} is an {} run; only apply runs can be undone",
            run.kind
        );
    }
    if run.account != s.account {
        anyhow::bail!(
            "run {undo} was in account {}, but these credentials reach account {}",
            run.account,
            s.account
        );
    }
    // What the run changed: its actions done, and those that failed part-way.
    let done: Vec<(ActionKind, Action)> = history
        .actions(undo)?
        .into_iter()
        .filter(|a| {
            a.outcome == Outcome::Done || (a.outcome == Outcome::Failed && !a.changes().is_empty())
        })
        .filter_map(|a| match a.action {
            TrailAction::Apply(kind) => Some((kind, a)),
            TrailAction::Undo(_) => None,
        })
        .collect();
    let run_id = history.start_run(&NewRun {
        kind: RunKind::Undo,
        account: s.account,
        principal: s.principal,
        started: s.clock.now(),
        plan_sha256: None,
        undoes: Some(undo),
    })?;
    let mut outcomes = Vec::with_capacity(done.len());
    for (seq, (kind, a)) in done.iter().enumerate() {
        let mut step = Step {
            history,
            clock: s.clock,
            run_id: Some(run_id),
            seq: i64::try_from(seq + 1).unwrap_or(i64::MAX),
            action: TrailAction::Undo(kind.undo()),
            user: a.user.clone(),
            access_key_id: match kind {
                ActionKind::DeactivateAccessKey => a.access_key_id.clone(),
                _ => None,
            },
            before: None,
            changes: Vec::new(),
        };
        let ended = reverse::action(s.iam, &a.user, &a.changes(), &mut step).await;
        outcomes.push(step.finish(ended)?);
    }
    history.finish_run(run_id, s.clock.now())?;
    Ok(RunResult {
        run_id: Some(run_id),
        outcomes,
    })
}

/// `t`, as the trail writes times.
fn zulu(t: Option<Timestamp>) -> Option<String> {
    t.map(Timestamp::to_zulu)
}

#[cfg(test)]
mod tests;
