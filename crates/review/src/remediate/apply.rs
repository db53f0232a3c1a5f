//! Applying a plan, and undoing a run, through [`IamApi`].
//!
//! Each action's credential is read again just before the call (ListAccessKeys and
//! GetAccessKeyLastUsed; GetLoginProfile and GetUser) and re-checked ([`super::decide`]):
//! a key used since the plan was made, one already Inactive or gone, a password already
//! removed, are skipped and said so. Every call, made or skipped, goes into the history's
//! audit trail (run, time, principal, state before and after) as it happens, before the
//! next one.

use std::time::Duration;

use credreport_report::Timestamp;
use serde_json::Value;

use super::action::{ActionKind, Outcome, TrailAction, UndoKind};
use super::api::IamApi;
use super::decide::{self, Check};
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
    /// Let the plan delete console passwords.
    pub allow_password_removal: bool,
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

/// One call's end, with the credential's state before and after.
struct Attempt {
    outcome: Outcome,
    detail: String,
    before: Option<Value>,
    after: Option<Value>,
}

impl Attempt {
    /// The re-check's verdict: skipped, or `go` (the call, or what a dry run says).
    fn checked(check: Check, before: Option<Value>) -> Result<Option<Value>, Attempt> {
        match check {
            Ok(()) => Ok(before),
            Err(detail) => Err(Attempt {
                outcome: Outcome::Skipped,
                detail,
                before,
                after: None,
            }),
        }
    }

    fn would(detail: String, before: Option<Value>) -> Attempt {
        Attempt {
            outcome: Outcome::WouldDo,
            detail,
            before,
            after: None,
        }
    }

    fn failed(e: &anyhow::Error) -> Attempt {
        Attempt {
            outcome: Outcome::Failed,
            detail: format!("{e:#}"),
            before: None,
            after: None,
        }
    }
}

async fn deactivate(
    iam: &impl IamApi,
    a: &PlannedAction,
    dry_run: bool,
) -> anyhow::Result<Attempt> {
    let key_id = a.access_key_id.as_deref().unwrap_or_default();
    let keys = iam.list_access_keys(&a.user).await?;
    let key = keys.iter().find(|k| k.id == key_id);
    let last_used = match key {
        Some(_) => iam.access_key_last_used(key_id).await?,
        None => None,
    };
    let before = key.map(|k| k.to_json(last_used));
    let before = match Attempt::checked(decide::deactivate(a, key, last_used), before) {
        Ok(before) => before,
        Err(skipped) => return Ok(skipped),
    };
    if dry_run {
        return Ok(Attempt::would(
            format!("would set {key_id} Inactive"),
            before,
        ));
    }
    iam.set_access_key_status(&a.user, key_id, false).await?;
    let after = iam
        .list_access_keys(&a.user)
        .await?
        .into_iter()
        .find(|k| k.id == key_id);
    Ok(Attempt {
        outcome: Outcome::Done,
        detail: format!("{key_id} set Inactive (unused {} days)", a.unused_days),
        before,
        after: after.map(|k| k.to_json(last_used)),
    })
}

async fn delete_password(
    iam: &impl IamApi,
    a: &PlannedAction,
    dry_run: bool,
) -> anyhow::Result<Attempt> {
    let state = iam.password(&a.user).await?;
    let before = Some(state.to_json());
    let before = match Attempt::checked(decide::delete_password(a, &state), before) {
        Ok(before) => before,
        Err(skipped) => return Ok(skipped),
    };
    if dry_run {
        return Ok(Attempt::would(
            format!("would delete {}'s console password", a.user),
            before,
        ));
    }
    iam.delete_login_profile(&a.user).await?;
    let after = iam.password(&a.user).await?;
    Ok(Attempt {
        outcome: Outcome::Done,
        detail: format!(
            "{}'s console password deleted (unused {} days); it cannot be restored",
            a.user, a.unused_days
        ),
        before,
        after: Some(after.to_json()),
    })
}

async fn reactivate(iam: &impl IamApi, user: &str, key_id: &str) -> anyhow::Result<Attempt> {
    let keys = iam.list_access_keys(user).await?;
    let key = keys.iter().find(|k| k.id == key_id);
    let before = key.map(|k| k.to_json(None));
    let before = match Attempt::checked(decide::reactivate(user, key_id, key), before) {
        Ok(before) => before,
        Err(skipped) => return Ok(skipped),
    };
    iam.set_access_key_status(user, key_id, true).await?;
    let after = iam
        .list_access_keys(user)
        .await?
        .into_iter()
        .find(|k| k.id == key_id);
    Ok(Attempt {
        outcome: Outcome::Done,
        detail: format!("{key_id} set Active again"),
        before,
        after: after.map(|k| k.to_json(None)),
    })
}

/// Records `attempt` as call `seq` of run `run_id` (none: a dry run, nothing recorded),
/// and returns its result.
fn record(
    history: &History,
    run_id: Option<i64>,
    seq: usize,
    at: Timestamp,
    result: ActionResult,
    attempt: &Attempt,
) -> anyhow::Result<ActionResult> {
    if let Some(run_id) = run_id {
        history.add_action(
            run_id,
            &Action {
                seq: i64::try_from(seq).unwrap_or(i64::MAX),
                at,
                action: result.action,
                user: result.user.clone(),
                access_key_id: result.access_key_id.clone(),
                outcome: result.outcome,
                detail: result.detail.clone(),
                before: attempt.before.as_ref().map(Value::to_string),
                after: attempt.after.as_ref().map(Value::to_string),
            },
        )?;
    }
    Ok(result)
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
        opts.allow_password_removal,
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
        let attempt = match a.action {
            ActionKind::DeactivateAccessKey => deactivate(s.iam, a, dry_run).await,
            ActionKind::DeleteLoginProfile => delete_password(s.iam, a, dry_run).await,
        }
        .unwrap_or_else(|e| Attempt::failed(&e));
        let result = ActionResult {
            action: TrailAction::Apply(a.action),
            user: a.user.clone(),
            access_key_id: a.access_key_id.clone(),
            outcome: attempt.outcome,
            detail: attempt.detail.clone(),
        };
        outcomes.push(record(
            history,
            run_id,
            seq + 1,
            s.clock.now(),
            result,
            &attempt,
        )?);
    }
    if let Some(id) = run_id {
        history.finish_run(id, s.clock.now())?;
    }
    Ok(RunResult { run_id, outcomes })
}

/// Reverses run `undo`: sets the keys it deactivated Active again (a key used, deleted or
/// reactivated since is left as it is). A deleted password cannot come back: said so.
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
    let done: Vec<(ActionKind, Action)> = history
        .actions(undo)?
        .into_iter()
        .filter(|a| a.outcome == Outcome::Done)
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
        let undoing = kind.undo();
        let attempt = match undoing {
            UndoKind::ReactivateAccessKey => {
                let key_id = a.access_key_id.as_deref().unwrap_or_default();
                reactivate(s.iam, &a.user, key_id)
                    .await
                    .unwrap_or_else(|e| Attempt::failed(&e))
            }
            UndoKind::RestoreLoginProfile => Attempt {
                outcome: Outcome::Skipped,
                detail: format!(
                    "{}'s deleted console password cannot be restored; give a new one \
                     with CreateLoginProfile if it is needed",
                    a.user
                ),
                before: None,
                after: None,
            },
        };
        let result = ActionResult {
            action: TrailAction::Undo(undoing),
            user: a.user.clone(),
            access_key_id: match undoing {
                UndoKind::ReactivateAccessKey => a.access_key_id.clone(),
                UndoKind::RestoreLoginProfile => None,
            },
            outcome: attempt.outcome,
            detail: attempt.detail.clone(),
        };
        outcomes.push(record(
            history,
            Some(run_id),
            seq + 1,
            s.clock.now(),
            result,
            &attempt,
        )?);
    }
    history.finish_run(run_id, s.clock.now())?;
    Ok(RunResult {
        run_id: Some(run_id),
        outcomes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Clock;
    use crate::remediate::memory::Memory;
    use crate::remediate::plan::{PlanReport, PlanThresholds, Time};

    const ACCOUNT: &str = "123456789012";
    const BOB: &str = "AKIABOB0000000000000";
    const IDLE: &str = "AKIAIDLE000000000000";
    const DAN: &str = "AKIADAN0000000000000";

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text.as_bytes()).expect("time").0
    }

    #[derive(Debug)]
    struct Fixed(Timestamp);

    impl Clock for Fixed {
        fn now(&self) -> Timestamp {
            self.0
        }
    }

    fn deactivate(id: u32, user: &str, key: &str, used: &str) -> PlannedAction {
        let kind = ActionKind::DeactivateAccessKey;
        PlannedAction {
            id,
            action: kind,
            call: kind.call().to_owned(),
            user: user.to_owned(),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
            access_key_id: Some(key.to_owned()),
            slot: None,
            key_created: None,
            last_used: Some(Time(at(used))),
            unused_days: 60,
            finding: String::new(),
            reversible: true,
            note: String::new(),
        }
    }

    fn plan() -> Plan {
        let kind = ActionKind::DeleteLoginProfile;
        let carol = PlannedAction {
            id: 1,
            action: kind,
            call: kind.call().to_owned(),
            user: "carol".to_owned(),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/carol"),
            access_key_id: None,
            slot: None,
            key_created: None,
            last_used: Some(Time(at("2026-01-01T00:00:00Z"))),
            unused_days: 60,
            finding: String::new(),
            reversible: false,
            note: String::new(),
        };
        Plan {
            format_version: 1,
            created: Time(at("2026-03-01T09:00:00Z")),
            account: ACCOUNT.to_owned(),
            report: PlanReport {
                history_id: None,
                generated: Time(at("2026-03-01T09:00:00Z")),
                sha256: String::new(),
            },
            thresholds: PlanThresholds {
                key_unused_days: 45,
                password_unused_days: 45,
            },
            actions: vec![
                carol,
                deactivate(2, "idle", IDLE, "2026-01-01T00:00:00Z"),
                deactivate(3, "dan", DAN, "2026-01-01T00:00:00Z"),
                deactivate(4, "bob", BOB, "2026-01-01T00:00:00Z"),
            ],
            flagged: Vec::new(),
        }
    }

    /// carol's password, idle's key (used after the plan), dan's key (whose calls are
    /// refused) and bob's key, all unused since the start of the year.
    fn account() -> Memory {
        let t = at("2025-06-01T00:00:00Z");
        let used = Some(at("2026-01-01T00:00:00Z"));
        let m = Memory::default()
            .password("carol", used)
            .key("idle", IDLE, true, t, used)
            .key("dan", DAN, true, t, used)
            .key("bob", BOB, true, t, used)
            .deny("dan");
        m.use_key(IDLE, at("2026-03-01T09:30:00Z"));
        m
    }

    fn outcomes(r: &RunResult) -> Vec<(TrailAction, &str, Outcome)> {
        r.outcomes
            .iter()
            .map(|o| (o.action, o.user.as_str(), o.outcome))
            .collect()
    }

    #[tokio::test]
    async fn apply_rechecks_each_call_records_it_and_undo_reverses_what_was_done() {
        use ActionKind::{DeactivateAccessKey as Deactivate, DeleteLoginProfile as Delete};
        use Outcome::{Done, Failed, Skipped, WouldDo};
        use TrailAction::{Apply, Undo};
        let dir = tempfile::tempdir().expect("temporary directory");
        let history = History::open(dir.path()).expect("history");
        let iam = account();
        let clock = Fixed(at("2026-03-01T10:00:00Z"));
        let s = Session {
            iam: &iam,
            account: ACCOUNT,
            principal: "arn:aws:iam::123456789012:user/admin",
            clock: &clock,
        };
        let plan = plan();

        // A dry run re-checks, changes nothing and records nothing.
        let dry = ApplyOptions {
            dry_run: true,
            ..ApplyOptions::default()
        };
        let r = apply(&s, &history, &plan, "sha", dry)
            .await
            .expect("dry run");
        assert_eq!(r.run_id, None);
        assert_eq!(
            outcomes(&r),
            [
                (Apply(Delete), "carol", WouldDo),
                (Apply(Deactivate), "idle", Skipped),
                (Apply(Deactivate), "dan", Failed),
                (Apply(Deactivate), "bob", WouldDo),
            ]
        );
        assert!(history.runs().expect("runs").is_empty());
        assert!(iam
            .calls()
            .iter()
            .all(|c| !c.starts_with("UpdateAccessKey") && !c.starts_with("DeleteLoginProfile")));

        // Without --allow-password-removal nothing at all.
        let refused = apply(&s, &history, &plan, "sha", ApplyOptions::default()).await;
        assert!(refused.is_err());

        let opts = ApplyOptions {
            allow_password_removal: true,
            ..ApplyOptions::default()
        };
        let r = apply(&s, &history, &plan, "sha", opts)
            .await
            .expect("apply");
        assert_eq!(
            outcomes(&r),
            [
                (Apply(Delete), "carol", Done),
                (Apply(Deactivate), "idle", Skipped),
                (Apply(Deactivate), "dan", Failed),
                (Apply(Deactivate), "bob", Done),
            ]
        );
        assert!(
            r.outcomes[2].detail.contains("AccessDenied"),
            "{:?}",
            r.outcomes[2]
        );
        assert!(!iam.has_password("carol"));
        assert_eq!(iam.active(IDLE), Some(true), "used since the plan");
        assert_eq!(iam.active(BOB), Some(false));
        let run_id = r.run_id.expect("a run");
        let run = history.run(run_id).expect("run");
        assert_eq!(
            (run.kind, run.plan_sha256.as_deref(), run.finished),
            (RunKind::Apply, Some("sha"), Some(clock.0))
        );
        let trail = history.actions(run_id).expect("trail");
        let recorded: Vec<(TrailAction, &str, Outcome)> = trail
            .iter()
            .map(|a| (a.action, a.user.as_str(), a.outcome))
            .collect();
        assert_eq!(recorded, outcomes(&r), "every call is in the trail");
        assert!(trail[3]
            .before
            .as_deref()
            .is_some_and(|b| b.contains("\"Active\"")));
        assert!(trail[3]
            .after
            .as_deref()
            .is_some_and(|a| a.contains("\"Inactive\"")));
        assert!(trail[0]
            .after
            .as_deref()
            .is_some_and(|a| a.contains("\"login_profile\":false")));

        // Undo: bob's key comes back; carol's password cannot, and says so.
        let u = undo(&s, &history, run_id).await.expect("undo");
        assert_eq!(
            outcomes(&u),
            [
                (Undo(UndoKind::RestoreLoginProfile), "carol", Skipped),
                (Undo(UndoKind::ReactivateAccessKey), "bob", Done),
            ]
        );
        assert_eq!(iam.active(BOB), Some(true));
        let again = undo(&s, &history, run_id).await.expect("undo again");
        assert_eq!(again.count(Done), 0, "a second undo changes nothing");
        let undo_run = history.run(u.run_id.expect("a run")).expect("run");
        assert_eq!(
            (undo_run.kind, undo_run.undoes),
            (RunKind::Undo, Some(run_id))
        );
        let err = undo(&s, &history, undo_run.id)
            .await
            .expect_err("an undo run");
        assert!(
            err.to_string().contains("only apply runs can be undone"),
            "{err}"
        );
        let elsewhere = Session {
            account: "210987654321",
            ..s
        };
        let err = undo(&elsewhere, &history, run_id)
            .await
            .expect_err("another account");
        assert!(
            err.to_string().contains("was in account 123456789012"),
            "{err}"
        );
    }
}
