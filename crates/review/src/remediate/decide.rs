//! The re-checks before each call, as pure functions of the plan and of the credential's
//! state read just before it: whether a plan may run at all, and for each action whether
//! its call is still wanted. A skip says why, in words for the audit trail.

use std::time::Duration;

use credreport_report::Timestamp;

use super::api::{KeyState, MfaDevice, PasswordState, UserInfo};
use super::plan::{Plan, PlannedAction};

/// A call still wanted (`Ok`), or skipped, and why.
pub type Check = Result<(), String>;

/// What a run may do that nothing can undo.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allowed {
    /// `--allow-password-removal`: delete console passwords (`delete-login-profile`, and
    /// a quarantine's).
    pub password_removal: bool,
    /// `--allow-user-deletion`: delete users (`delete-user`).
    pub user_deletion: bool,
}

/// Whether `plan` may be applied in `account` at `now`: password and user deletions
/// allowed if it has any, not older than `max_age`, made for this account. A dry run
/// changes nothing, so it may see a plan that deletes passwords or users.
pub fn plan_may_run(
    plan: &Plan,
    account: &str,
    now: Timestamp,
    allowed: Allowed,
    dry_run: bool,
    max_age: Option<Duration>,
) -> anyhow::Result<()> {
    let removals = plan.password_removals();
    if removals > 0 && !allowed.password_removal && !dry_run {
        anyhow::bail!(
            "the plan deletes {removals} console password(s), which cannot be restored: \
             add --allow-password-removal, or take those actions out of the plan"
        );
    }
    let deletions = plan.user_deletions();
    if deletions > 0 && !allowed.user_deletion && !dry_run {
        anyhow::bail!(
            "the plan deletes {deletions} user(s), which cannot be restored: add \
             --allow-user-deletion, or take those actions out of the plan"
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

/// `require-mfa`: the user still has a console password, no MFA device (one set up since
/// the plan makes the policy needless), and not the policy already.
pub fn require_mfa(
    a: &PlannedAction,
    password: &PasswordState,
    mfa: &[MfaDevice],
    attached: &[String],
) -> Check {
    let arn = a.policy_arn.as_deref().unwrap_or_default();
    if let Some(d) = mfa.first() {
        return Err(format!(
            "{} set up MFA device {}{} since the plan was made: no policy needed",
            a.user,
            d.serial,
            d.enabled
                .map_or(String::new(), |t| format!(" (enabled {})", t.to_zulu()))
        ));
    }
    if !password.exists {
        return Err(format!(
            "{} has no console password any more: no MFA needed to sign in",
            a.user
        ));
    }
    if attached.iter().any(|p| p == arn) {
        return Err(format!("{arn} is already attached to {}", a.user));
    }
    Ok(())
}

/// The latest use of any active key or the password later than `since`.
fn use_after(
    keys: &[(KeyState, Option<Timestamp>)],
    password: &PasswordState,
    since: Option<Timestamp>,
) -> Option<(Timestamp, String)> {
    let uses = keys
        .iter()
        .filter(|(k, _)| k.active)
        .filter_map(|(k, used)| used.map(|t| (t, k.id.clone())))
        .chain(
            password
                .last_used
                .map(|t| (t, "the console password".to_owned())),
        );
    uses.filter_map(|(t, what)| used_since(Some(t), since).map(|t| (t, what)))
        .max_by_key(|(t, _)| *t)
}

/// `quarantine-user`: no credential used since the plan, and not quarantined already
/// (AWSDenyAll attached, no active key, and the password gone or not to be removed).
pub fn quarantine(
    a: &PlannedAction,
    keys: &[(KeyState, Option<Timestamp>)],
    password: &PasswordState,
    attached: &[String],
    remove_password: bool,
) -> Check {
    if let Some((t, what)) = use_after(keys, password, a.last_used.map(|t| t.0)) {
        return Err(format!(
            "{} used {what} at {} since the plan was made: not quarantined",
            a.user,
            t.to_zulu()
        ));
    }
    let arn = a.policy_arn.as_deref().unwrap_or_default();
    let denied = attached.iter().any(|p| p == arn);
    let active = keys.iter().any(|(k, _)| k.active);
    if denied && !active && !(remove_password && password.exists) {
        return Err(format!(
            "{} is already quarantined ({arn} attached, no active key)",
            a.user
        ));
    }
    Ok(())
}

/// `delete-user`: the user is there, still quarantined (AWSDenyAll attached, no key made
/// Active again), and no credential was used since the quarantine.
pub fn delete_user(
    a: &PlannedAction,
    user: Option<&UserInfo>,
    keys: &[(KeyState, Option<Timestamp>)],
    password: &PasswordState,
    attached: &[String],
) -> Check {
    if user.is_none() {
        return Err(format!("there is no user {} any more", a.user));
    }
    let arn = a.policy_arn.as_deref().unwrap_or_default();
    let since = a.quarantined.map(|t| t.0).max(a.last_used.map(|t| t.0));
    if !attached.iter().any(|p| p == arn) {
        return Err(format!(
            "{arn} is no longer attached to {} (released since the quarantine{}): not deleted",
            a.user,
            a.quarantined
                .map_or(String::new(), |t| format!(" of {}", t.0.to_zulu()))
        ));
    }
    if let Some((k, _)) = keys.iter().find(|(k, _)| k.active) {
        return Err(format!(
            "{} is Active again since the quarantine: {} is not deleted",
            k.id, a.user
        ));
    }
    if let Some((t, what)) = use_after(keys, password, since) {
        return Err(format!(
            "{} used {what} at {} since the quarantine: not deleted",
            a.user,
            t.to_zulu()
        ));
    }
    Ok(())
}

/// An undo's DetachUserPolicy: the policy is still attached.
pub fn detach(user: &str, arn: &str, attached: &[String]) -> Check {
    if attached.iter().any(|p| p == arn) {
        Ok(())
    } else {
        Err(format!("{arn} is not attached to {user} any more"))
    }
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
            access_key_id: (kind == ActionKind::DeactivateAccessKey).then(|| KEY.to_owned()),
            last_used: planned_use.map(|t| Time(at(t))),
            unused_days: Some(60),
            ..PlannedAction::of(kind, "bob", "arn:aws:iam::123456789012:user/bob", "")
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
                user_inactive_days: None,
                quarantine_days: None,
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
            let allowed = Allowed {
                password_removal: *allow,
                user_deletion: false,
            };
            let got = plan_may_run(&plan, account, *now, allowed, *dry, *max_age)
                .err()
                .map(|e| e.to_string());
            starts(got, *want, case);
        }
    }

    fn user_action(kind: ActionKind, planned_use: Option<&str>) -> PlannedAction {
        PlannedAction {
            policy_arn: Some(match kind {
                ActionKind::RequireMfa => {
                    "arn:aws:iam::123456789012:policy/credreport-require-mfa".to_owned()
                }
                _ => "arn:aws:iam::aws:policy/AWSDenyAll".to_owned(),
            }),
            quarantined: (kind == ActionKind::DeleteUser).then(|| Time(at("2026-01-10T09:00:00Z"))),
            ..action(kind, planned_use)
        }
    }

    fn password(exists: bool, used: Option<&str>) -> PasswordState {
        PasswordState {
            exists,
            last_used: used.map(at),
        }
    }

    #[test]
    fn mfa_is_required_only_of_a_console_user_still_without_it() {
        let arn = "arn:aws:iam::123456789012:policy/credreport-require-mfa";
        let device = MfaDevice {
            serial: "arn:aws:iam::123456789012:mfa/bob".to_owned(),
            enabled: Some(at("2026-03-01T09:30:00Z")),
        };
        // (case, password there, MFA devices, attached, verdict)
        type Case<'a> = (&'a str, bool, Vec<MfaDevice>, Vec<String>, Opt<'a>);
        let cases: Vec<Case<'_>> = vec![
            ("unchanged", true, vec![], vec![], None),
            (
                "set up MFA since the plan",
                true,
                vec![device],
                vec![],
                Some("bob set up MFA device arn:aws:iam::123456789012:mfa/bob (enabled 2026-03-01T09:30:00Z) since the plan was made"),
            ),
            (
                "password gone",
                false,
                vec![],
                vec![],
                Some("bob has no console password any more"),
            ),
            (
                "attached already",
                true,
                vec![],
                vec![arn.to_owned()],
                Some("arn:aws:iam::123456789012:policy/credreport-require-mfa is already attached"),
            ),
        ];
        let a = user_action(ActionKind::RequireMfa, None);
        for (case, exists, mfa, attached, want) in &cases {
            let got = verdict(require_mfa(&a, &password(*exists, None), mfa, attached));
            starts(got, *want, case);
        }
    }

    #[test]
    fn a_user_is_quarantined_only_if_unused_since_the_plan_and_not_already() {
        let t0 = "2025-10-01T00:00:00Z";
        let later = "2026-03-01T09:30:00Z";
        let deny = "arn:aws:iam::aws:policy/AWSDenyAll".to_owned();
        let keys = |active: bool, used: Option<&str>| vec![(key(active), used.map(at))];
        // (case, keys, password, attached, remove password, verdict)
        type Case<'a> = (
            &'a str,
            Vec<(KeyState, Option<Timestamp>)>,
            PasswordState,
            Vec<String>,
            bool,
            Opt<'a>,
        );
        let cases: Vec<Case<'_>> = vec![
            (
                "unchanged",
                keys(true, Some(t0)),
                password(true, Some(t0)),
                vec![],
                false,
                None,
            ),
            (
                "a key used since",
                keys(true, Some(later)),
                password(true, Some(t0)),
                vec![],
                false,
                Some(
                    "bob used AKIAIOSFODNN7EXAMPLE at 2026-03-01T09:30:00Z since the plan was made",
                ),
            ),
            (
                "signed in since",
                keys(true, Some(t0)),
                password(true, Some(later)),
                vec![],
                false,
                Some("bob used the console password at 2026-03-01T09:30:00Z"),
            ),
            (
                "an inactive key's old use is no use",
                keys(false, Some(later)),
                password(false, None),
                vec![],
                false,
                None,
            ),
            (
                "quarantined already",
                keys(false, None),
                password(true, Some(t0)),
                vec![deny.clone()],
                false,
                Some("bob is already quarantined"),
            ),
            (
                "quarantined, but the password is to go now",
                keys(false, None),
                password(true, Some(t0)),
                vec![deny.clone()],
                true,
                None,
            ),
            (
                "denied, but a key is active",
                keys(true, Some(t0)),
                password(false, None),
                vec![deny],
                false,
                None,
            ),
        ];
        let a = user_action(ActionKind::QuarantineUser, Some(t0));
        for (case, keys, pw, attached, remove, want) in &cases {
            starts(
                verdict(quarantine(&a, keys, pw, attached, *remove)),
                *want,
                case,
            );
        }
    }

    #[test]
    fn a_user_is_deleted_only_if_there_still_quarantined_and_unused_since() {
        let before = "2025-10-01T00:00:00Z";
        let after = "2026-02-01T00:00:00Z";
        let deny = vec!["arn:aws:iam::aws:policy/AWSDenyAll".to_owned()];
        let info = UserInfo {
            created: None,
            password_last_used: None,
        };
        // (case, user there, keys, password, attached, verdict)
        type Case<'a> = (
            &'a str,
            bool,
            Vec<(KeyState, Option<Timestamp>)>,
            PasswordState,
            Vec<String>,
            Opt<'a>,
        );
        let cases: Vec<Case<'_>> = vec![
            ("still quarantined", true, vec![(key(false), Some(at(before)))], password(true, Some(before)), deny.clone(), None),
            ("gone", false, vec![], password(false, None), deny.clone(), Some("there is no user bob any more")),
            ("released", true, vec![], password(false, None), vec![], Some("arn:aws:iam::aws:policy/AWSDenyAll is no longer attached to bob (released since the quarantine of 2026-01-10T09:00:00Z)")),
            ("a key Active again", true, vec![(key(true), None)], password(false, None), deny.clone(), Some("AKIAIOSFODNN7EXAMPLE is Active again")),
            ("signed in since the quarantine", true, vec![], password(true, Some(after)), deny, Some("bob used the console password at 2026-02-01T00:00:00Z since the quarantine")),
        ];
        let a = user_action(ActionKind::DeleteUser, Some(before));
        for (case, there, keys, pw, attached, want) in &cases {
            let user = there.then_some(&info);
            starts(
                verdict(delete_user(&a, user, keys, pw, attached)),
                *want,
                case,
            );
        }
        starts(
            verdict(detach("bob", "arn:x", &["arn:x".to_owned()])),
            None,
            "attached",
        );
        starts(
            verdict(detach("bob", "arn:x", &[])),
            Some("arn:x is not attached to bob any more"),
            "detached",
        );
    }

    #[test]
    fn a_plan_that_deletes_users_needs_their_deletion_allowed() {
        let created = at("2026-03-01T09:00:00Z");
        let plan = Plan {
            format_version: 2,
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
                user_inactive_days: Some(90),
                quarantine_days: Some(30),
            },
            actions: vec![user_action(ActionKind::DeleteUser, None)],
            flagged: Vec::new(),
        };
        let run = |user_deletion, dry_run| {
            plan_may_run(
                &plan,
                "123456789012",
                created,
                Allowed {
                    password_removal: false,
                    user_deletion,
                },
                dry_run,
                None,
            )
            .err()
            .map(|e| e.to_string())
        };
        starts(
            run(false, false),
            Some("the plan deletes 1 user(s), which cannot be restored: add --allow-user-deletion"),
            "refused",
        );
        starts(run(true, false), None, "allowed");
        starts(run(false, true), None, "a dry run");
    }
}
