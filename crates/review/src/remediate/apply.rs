//! Applying a plan, and undoing a run.
//!
//! Each action's credential is read again just before the call (ListAccessKeys and
//! GetAccessKeyLastUsed; GetLoginProfile and GetUser): a key used since the plan was
//! made, one already Inactive or gone, a password already removed, are skipped and said
//! so. Every call, made or skipped, goes into the history's audit trail (run, time,
//! principal, state before and after) as it happens, before the next one.

use credreport_report::Timestamp;
use serde_json::Value;

use super::calls::{self, key_json, password_json};
use super::plan::{ActionKind, Plan, PlannedAction};
use crate::env::{Connected, Env};
use crate::history::store::Action;
use crate::history::History;

/// How to apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct ApplyOptions {
    /// Re-check and report, change nothing, record nothing.
    pub dry_run: bool,
    /// Let the plan delete console passwords.
    pub allow_password_removal: bool,
    /// Refuse a plan made longer ago than this (the world it describes has moved on).
    pub max_plan_age: Option<std::time::Duration>,
}

/// How one action ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub action: String,
    pub user: String,
    pub access_key_id: Option<String>,
    /// `done`, `skipped`, `failed`, or `would-do` in a dry run.
    pub outcome: &'static str,
    pub detail: String,
}

/// A run's result: its id in the history (none for a dry run) and each action's outcome.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub run_id: Option<i64>,
    pub outcomes: Vec<Outcome>,
}

impl RunResult {
    pub fn count(&self, outcome: &str) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome == outcome)
            .count()
    }
}

struct Step {
    outcome: &'static str,
    detail: String,
    before: Option<Value>,
    after: Option<Value>,
}

impl Step {
    fn skip(detail: String, before: Option<Value>) -> Step {
        Step {
            outcome: "skipped",
            detail,
            before,
            after: None,
        }
    }
}

fn after_plan(now: Option<Timestamp>, planned: Option<Timestamp>) -> Option<Timestamp> {
    match (now, planned) {
        (Some(n), Some(p)) if n > p => Some(n),
        (Some(n), None) => Some(n),
        _ => None,
    }
}

async fn deactivate(c: &Connected, a: &PlannedAction, dry_run: bool) -> anyhow::Result<Step> {
    let key_id = a.access_key_id.as_deref().unwrap_or_default();
    let keys = calls::list_keys(&c.iam, &c.place, &a.user).await?;
    let Some(key) = keys.iter().find(|k| k.id == key_id) else {
        return Ok(Step::skip(
            format!("{} has no key {key_id} any more", a.user),
            None,
        ));
    };
    let last_used = calls::key_last_used(&c.iam, &c.place, key_id).await?;
    let before = Some(key_json(key, last_used));
    if !key.active {
        return Ok(Step::skip(format!("{key_id} is already Inactive"), before));
    }
    if let Some(t) = after_plan(last_used, a.last_used.map(|t| t.0)) {
        return Ok(Step::skip(
            format!(
                "{key_id} was used at {} since the plan was made: left Active",
                t.to_zulu()
            ),
            before,
        ));
    }
    if dry_run {
        return Ok(Step {
            outcome: "would-do",
            detail: format!("would set {key_id} Inactive"),
            before,
            after: None,
        });
    }
    calls::set_key_status(&c.iam, &c.place, &a.user, key_id, false).await?;
    let after = calls::list_keys(&c.iam, &c.place, &a.user)
        .await?
        .into_iter()
        .find(|k| k.id == key_id);
    Ok(Step {
        outcome: "done",
        detail: format!("{key_id} set Inactive (unused {} days)", a.unused_days),
        before,
        after: after.map(|k| key_json(&k, last_used)),
    })
}

async fn delete_password(c: &Connected, a: &PlannedAction, dry_run: bool) -> anyhow::Result<Step> {
    let state = calls::password_state(&c.iam, &c.place, &a.user).await?;
    let before = Some(password_json(&state));
    if !state.exists {
        return Ok(Step::skip(
            format!("{} has no console password any more", a.user),
            before,
        ));
    }
    if let Some(t) = after_plan(state.last_used, a.last_used.map(|t| t.0)) {
        return Ok(Step::skip(
            format!(
                "{}'s password was used at {} since the plan was made: kept",
                a.user,
                t.to_zulu()
            ),
            before,
        ));
    }
    if dry_run {
        return Ok(Step {
            outcome: "would-do",
            detail: format!("would delete {}'s console password", a.user),
            before,
            after: None,
        });
    }
    calls::delete_login_profile(&c.iam, &c.place, &a.user).await?;
    let after = calls::password_state(&c.iam, &c.place, &a.user).await?;
    Ok(Step {
        outcome: "done",
        detail: format!(
            "{}'s console password deleted (unused {} days); it cannot be restored",
            a.user, a.unused_days
        ),
        before,
        after: Some(password_json(&after)),
    })
}

fn record(
    history: &History,
    run_id: Option<i64>,
    seq: usize,
    at: Timestamp,
    o: &Outcome,
    before: Option<&Value>,
    after: Option<&Value>,
) -> anyhow::Result<()> {
    if let Some(run_id) = run_id {
        history.add_action(
            run_id,
            &Action {
                seq: i64::try_from(seq).unwrap_or(i64::MAX),
                at,
                action: o.action.clone(),
                user: o.user.clone(),
                access_key_id: o.access_key_id.clone(),
                outcome: o.outcome.to_owned(),
                detail: o.detail.clone(),
                before: before.map(Value::to_string),
                after: after.map(Value::to_string),
            },
        )?;
    }
    Ok(())
}

/// Applies `plan` in account `c` (which must be the plan's). A failing call is recorded
/// and the next action goes on.
pub async fn apply(
    env: &Env,
    c: &Connected,
    history: &History,
    plan: &Plan,
    plan_sha256: &str,
    opts: ApplyOptions,
) -> anyhow::Result<RunResult> {
    let dry_run = opts.dry_run;
    let removals = plan.password_removals();
    if removals > 0 && !opts.allow_password_removal && !dry_run {
        anyhow::bail!(
            "the plan deletes {removals} console password(s), which cannot be restored: \
             add --allow-password-removal, or take those actions out of the plan"
        );
    }
    if let Some(max) = opts.max_plan_age {
        let age = env.now().secs_since(plan.created.0);
        if age > i64::try_from(max.as_secs()).unwrap_or(i64::MAX) {
            anyhow::bail!(
                "the plan was made {} ({} days ago), longer ago than --max-plan-age allows: \
                 make a new one with --plan",
                plan.created.0.to_zulu(),
                age / 86_400
            );
        }
    }
    if c.account != plan.account {
        anyhow::bail!(
            "the plan is for account {}, but these credentials reach account {}",
            plan.account,
            c.account
        );
    }
    let run_id = if dry_run {
        None
    } else {
        Some(history.start_run(
            "apply",
            &c.account,
            &c.principal,
            env.now(),
            Some(plan_sha256),
            None,
        )?)
    };
    let mut outcomes = Vec::with_capacity(plan.actions.len());
    for (seq, a) in plan.actions.iter().enumerate() {
        let step = match a.action {
            ActionKind::DeactivateAccessKey => deactivate(c, a, dry_run).await,
            ActionKind::DeleteLoginProfile => delete_password(c, a, dry_run).await,
        };
        let step = step.unwrap_or_else(|e| Step {
            outcome: "failed",
            detail: format!("{e:#}"),
            before: None,
            after: None,
        });
        let o = Outcome {
            action: a.action.name().to_owned(),
            user: a.user.clone(),
            access_key_id: a.access_key_id.clone(),
            outcome: step.outcome,
            detail: step.detail,
        };
        record(
            history,
            run_id,
            seq + 1,
            env.now(),
            &o,
            step.before.as_ref(),
            step.after.as_ref(),
        )?;
        outcomes.push(o);
    }
    if let Some(id) = run_id {
        history.finish_run(id, env.now())?;
    }
    Ok(RunResult { run_id, outcomes })
}

/// Reverses run `undo`: sets the keys it deactivated Active again (a key used, deleted or
/// reactivated since is left as it is). A deleted password cannot come back: said so.
pub async fn undo(
    env: &Env,
    c: &Connected,
    history: &History,
    undo: i64,
) -> anyhow::Result<RunResult> {
    let run = history.run(undo)?;
    if run.kind != "apply" {
        anyhow::bail!(
            "run {undo} is an {} run; only apply runs can be undone",
            run.kind
        );
    }
    if run.account != c.account {
        anyhow::bail!(
            "run {undo} was in account {}, but these credentials reach account {}",
            run.account,
            c.account
        );
    }
    let done: Vec<Action> = history
        .actions(undo)?
        .into_iter()
        .filter(|a| a.outcome == "done")
        .collect();
    let run_id = history.start_run(
        "undo",
        &c.account,
        &c.principal,
        env.now(),
        None,
        Some(undo),
    )?;
    let mut outcomes = Vec::new();
    for (seq, a) in done.iter().enumerate() {
        let (o, before, after) = if a.action == ActionKind::DeactivateAccessKey.name() {
            let key_id = a.access_key_id.clone().unwrap_or_default();
            let step = reactivate(c, &a.user, &key_id)
                .await
                .unwrap_or_else(|e| Step {
                    outcome: "failed",
                    detail: format!("{e:#}"),
                    before: None,
                    after: None,
                });
            (
                Outcome {
                    action: "reactivate-access-key".to_owned(),
                    user: a.user.clone(),
                    access_key_id: a.access_key_id.clone(),
                    outcome: step.outcome,
                    detail: step.detail,
                },
                step.before,
                step.after,
            )
        } else {
            (
                Outcome {
                    action: "restore-login-profile".to_owned(),
                    user: a.user.clone(),
                    access_key_id: None,
                    outcome: "skipped",
                    detail: format!(
                        "{}'s deleted console password cannot be restored; give a new one \
                         with CreateLoginProfile if it is needed",
                        a.user
                    ),
                },
                None,
                None,
            )
        };
        record(
            history,
            Some(run_id),
            seq + 1,
            env.now(),
            &o,
            before.as_ref(),
            after.as_ref(),
        )?;
        outcomes.push(o);
    }
    history.finish_run(run_id, env.now())?;
    Ok(RunResult {
        run_id: Some(run_id),
        outcomes,
    })
}

async fn reactivate(c: &Connected, user: &str, key_id: &str) -> anyhow::Result<Step> {
    let keys = calls::list_keys(&c.iam, &c.place, user).await?;
    let Some(key) = keys.iter().find(|k| k.id == key_id) else {
        return Ok(Step::skip(
            format!("{user} has no key {key_id} any more"),
            None,
        ));
    };
    let before = Some(key_json(key, None));
    if key.active {
        return Ok(Step::skip(format!("{key_id} is already Active"), before));
    }
    calls::set_key_status(&c.iam, &c.place, user, key_id, true).await?;
    let after = calls::list_keys(&c.iam, &c.place, user)
        .await?
        .into_iter()
        .find(|k| k.id == key_id);
    Ok(Step {
        outcome: "done",
        detail: format!("{key_id} set Active again"),
        before,
        after: after.map(|k| key_json(&k, None)),
    })
}
