//! The re-checks before each call, as pure functions of the plan and of the credential's
//! state read just before it: whether a plan may run at all, and for each action whether
//! its call is still wanted. A skip says why, in words for the audit trail.

use std::time::Duration;

use credreport_report::Timestamp;

use super::api::{KeyState, PasswordState};
use super::plan::{Plan, PlannedAction};

/// A call still wanted (`Ok`), or skipped, and why.
pub type Check = Result<(), String>;

/// Whether `plan` may be applied in `account` at `now`: password deletions allowed if it
/// has any, not older than `max_age`, made for this account. A dry run changes nothing,
/// so it may see a plan that deletes passwords.
pub fn plan_may_run(
    plan: &Plan,
    account: &str,
    now: Timestamp,
    allow_password_removal: bool,
    dry_run: bool,
    max_age: Option<Duration>,
) -> anyhow::Result<()> {
    let removals = plan.password_removals();
    if removals > 0 && !allow_password_removal && !dry_run {
        anyhow::bail!(
            "the plan deletes {removals} console password(s), which cannot be restored: \
             add --allow-password-removal, or take those actions out of the plan"
        );
    }
    if let Some(max) = max_age {
        let age = now.secs_since(plan.created.0);
        if age > i64::try_from(max.as_secs()).unwrap_or(i64::MAX) {
            anyhow::bail!(
                "the plan was made {} ({} days ago), longer ago than --max-plan-age allows: \
                 make a new one with --plan",
                plan.created.0.to_zulu(),
                age / 86_400
            );
        }
    }
    if account != plan.account {
        anyhow::bail!(
            "the plan is for account {}, but these credentials reach account {account}",
            plan.account
        );
    }
    Ok(())
}

/// A use now later than the one the plan saw (or one where the plan saw none).
fn used_since(now: Option<Timestamp>, planned: Option<Timestamp>) -> Option<Timestamp> {
    match (now, planned) {
        (Some(n), Some(p)) if n > p => Some(n),
        (Some(n), None) => Some(n),
        _ => None,
    }
}

/// `deactivate-access-key`: the key is there, Active, and not used since the plan.
pub fn deactivate(
    a: &PlannedAction,
    key: Option<&KeyState>,
    last_used: Option<Timestamp>,
) -> Check {
    let key_id = a.access_key_id.as_deref().unwrap_or_default();
    let Some(key) = key else {
        return Err(format!("{} has no key {key_id} any more", a.user));
    };
    if !key.active {
        return Err(format!("{key_id} is already Inactive"));
    }
    if let Some(t) = used_since(last_used, a.last_used.map(|t| t.0)) {
        return Err(format!(
            "{key_id} was used at {} since the plan was made: left Active",
            t.to_zulu()
        ));
    }
    Ok(())
}

/// `delete-login-profile`: the password is there and not used since the plan.
pub fn delete_password(a: &PlannedAction, state: &PasswordState) -> Check {
    if !state.exists {
        return Err(format!("{} has no console password any more", a.user));
    }
    if let Some(t) = used_since(state.last_used, a.last_used.map(|t| t.0)) {
        return Err(format!(
            "{}'s password was used at {} since the plan was made: kept",
            a.user,
            t.to_zulu()
        ));
    }
    Ok(())
}

/// `reactivate-access-key` (undo): the key is there and Inactive (one reactivated by
/// someone since is left as it is).
pub fn reactivate(user: &str, key_id: &str, key: Option<&KeyState>) -> Check {
    match key {
        None => Err(format!("{user} has no key {key_id} any more")),
        Some(k) if k.active => Err(format!("{key_id} is already Active")),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remediate::action::ActionKind;
    use crate::remediate::plan::{PlanReport, PlanThresholds, Time};

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text.as_bytes()).expect("time").0
    }

    const KEY: &str = "AKIAIOSFODNN7EXAMPLE";

    fn action(kind: ActionKind, planned_use: Option<&str>) -> PlannedAction {
        PlannedAction {
            id: 1,
            action: kind,
            call: kind.call().to_owned(),
            user: "bob".to_owned(),
            arn: "arn:aws:iam::123456789012:user/bob".to_owned(),
            access_key_id: (kind == ActionKind::DeactivateAccessKey).then(|| KEY.to_owned()),
            slot: None,
            key_created: None,
            last_used: planned_use.map(|t| Time(at(t))),
            unused_days: 60,
            finding: String::new(),
            reversible: kind.reversible(),
            note: String::new(),
        }
    }

    fn key(active: bool) -> KeyState {
        KeyState {
            id: KEY.to_owned(),
            active,
            created: None,
        }
    }

    /// A time, a verdict's words: maybe.
    type Opt<'a> = Option<&'a str>;

    /// The start of a skip's words, or `None` for a call still wanted.
    fn verdict(check: Check) -> Option<String> {
        check.err()
    }

    fn starts(got: Option<String>, want: Option<&str>, case: &str) {
        match (got, want) {
            (None, None) => {}
            (Some(g), Some(w)) => assert!(g.starts_with(w), "{case}: {g}"),
            (got, want) => panic!("{case}: got {got:?}, expected {want:?}"),
        }
    }

    #[test]
    fn a_key_is_deactivated_only_if_there_active_and_unused_since_the_plan() {
        let t0 = "2026-01-10T09:00:00Z";
        let later = "2026-03-01T09:30:00Z";
        // (case, key now, its last use now, the use the plan saw, the verdict)
        type Case<'a> = (&'a str, Option<KeyState>, Opt<'a>, Opt<'a>, Opt<'a>);
        let cases: &[Case<'_>] = &[
            (
                "unchanged since the plan",
                Some(key(true)),
                Some(t0),
                Some(t0),
                None,
            ),
            ("never used, then or now", Some(key(true)), None, None, None),
            (
                "gone",
                None,
                None,
                Some(t0),
                Some("bob has no key AKIAIOSFODNN7EXAMPLE any more"),
            ),
            (
                "already Inactive",
                Some(key(false)),
                Some(t0),
                Some(t0),
                Some("AKIAIOSFODNN7EXAMPLE is already Inactive"),
            ),
            (
                "used since the plan",
                Some(key(true)),
                Some(later),
                Some(t0),
                Some(
                    "AKIAIOSFODNN7EXAMPLE was used at 2026-03-01T09:30:00Z since the plan was made",
                ),
            ),
            (
                "used for the first time since the plan",
                Some(key(true)),
                Some(later),
                None,
                Some("AKIAIOSFODNN7EXAMPLE was used at 2026-03-01T09:30:00Z"),
            ),
            (
                "an older use than the plan saw is no new use",
                Some(key(true)),
                Some(t0),
                Some(later),
                None,
            ),
        ];
        for (case, k, now, planned, want) in cases {
            let a = action(ActionKind::DeactivateAccessKey, *planned);
            let got = verdict(deactivate(&a, k.as_ref(), now.map(at)));
            starts(got, *want, case);
        }
    }

    #[test]
    fn a_password_is_deleted_only_if_there_and_unused_since_the_plan() {
        let t0 = "2026-01-10T09:00:00Z";
        // (case, the password there now, its last use now, the use the plan saw, verdict)
        type Case<'a> = (&'a str, bool, Opt<'a>, Opt<'a>, Opt<'a>);
        let cases: &[Case<'_>] = &[
            ("unchanged", true, Some(t0), Some(t0), None),
            (
                "removed meanwhile",
                false,
                None,
                Some(t0),
                Some("bob has no console password any more"),
            ),
            (
                "used since the plan",
                true,
                Some("2026-03-02T00:00:00Z"),
                Some(t0),
                Some(
                    "bob's password was used at 2026-03-02T00:00:00Z since the plan was made: kept",
                ),
            ),
        ];
        for (case, exists, now, planned, want) in cases {
            let a = action(ActionKind::DeleteLoginProfile, *planned);
            let state = PasswordState {
                exists: *exists,
                last_used: now.map(at),
            };
            starts(verdict(delete_password(&a, &state)), *want, case);
        }
    }

    #[test]
    fn an_undo_reactivates_only_a_key_still_there_and_inactive() {
        let cases: &[(&str, Option<KeyState>, Option<&str>)] = &[
            ("inactive", Some(key(false)), None),
            (
                "reactivated by someone",
                Some(key(true)),
                Some("AKIAIOSFODNN7EXAMPLE is already Active"),
            ),
            (
                "deleted",
                None,
                Some("bob has no key AKIAIOSFODNN7EXAMPLE any more"),
            ),
        ];
        for (case, k, want) in cases {
            starts(verdict(reactivate("bob", KEY, k.as_ref())), *want, case);
        }
    }

    #[test]
    fn a_plan_runs_only_in_its_account_while_fresh_and_with_password_removal_allowed() {
        let created = at("2026-03-01T09:00:00Z");
        let plan = Plan {
            format_version: 1,
            created: Time(created),
            account: "123456789012".to_owned(),
            report: PlanReport {
                history_id: None,
                generated: Time(created),
                sha256: String::new(),
            },
            thresholds: PlanThresholds {
                key_unused_days: 45,
                password_unused_days: 45,
            },
            actions: vec![action(ActionKind::DeleteLoginProfile, None)],
            flagged: Vec::new(),
        };
        let day = Duration::from_secs(86_400);
        let soon = created.checked_add_secs(3600).expect("time");
        let late = created.checked_add_secs(86_401).expect("time");
        // (case, account, now, allow password removal, dry run, max age, verdict)
        type Case<'a> = (
            &'a str,
            &'a str,
            Timestamp,
            bool,
            bool,
            Option<Duration>,
            Option<&'a str>,
        );
        let cases: &[Case<'_>] = &[
            ("allowed", "123456789012", soon, true, false, Some(day), None),
            ("a dry run may see it", "123456789012", soon, false, true, None, None),
            ("password removal not allowed", "123456789012", soon, false, false, None, Some("the plan deletes 1 console password(s)")),
            ("too old", "123456789012", late, true, false, Some(day), Some("the plan was made 2026-03-01T09:00:00Z (1 days ago), longer ago than --max-plan-age")),
            ("no age limit", "123456789012", late, true, false, None, None),
            ("another account", "210987654321", soon, true, false, None, Some("the plan is for account 123456789012, but these credentials reach account 210987654321")),
        ];
        for (case, account, now, allow, dry, max_age, want) in cases {
            let got = plan_may_run(&plan, account, *now, *allow, *dry, *max_age)
                .err()
                .map(|e| e.to_string());
            starts(got, *want, case);
        }
    }
}
