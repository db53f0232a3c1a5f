//! Findings into a plan: a pure function of the findings, the credentials' current state
//! ([`CurrentState`]), the thresholds and the allowlist. No call, no clock: the caller
//! reads the state ([`super::state::read`], for what [`wanted`] names) and passes now.
//!
//! - `access-key-unused` (failed): UpdateAccessKey to Inactive, once the key is resolved
//!   (the report has no key ids: the user's listed key created when the report's slot
//!   says) and its last use read again (the report may be hours old).
//! - `password-unused` (failed): DeleteLoginProfile, marked irreversible.
//! - `console-no-mfa` (failed): `require-mfa`, the policy `credreport-require-mfa`
//!   attached, unless the user has an MFA device now or no password any more.
//! - `user-inactive` (failed): `quarantine-user` (AWSDenyAll attached, active keys
//!   deactivated); for a user an earlier run quarantined (the history's [`Quarantine`]),
//!   still quarantined and unused since, `delete-user` once `quarantine_days` have passed
//!   (flagged `quarantined` until then).
//! - An action a stronger one for the same user answers is flagged `superseded`.
//! - Flagged, never acted on: root's credentials, anything allowlisted or suppressed,
//!   a credential used within the window since the report, one unused for fewer days
//!   than the plan's threshold, one that is gone or already done.

use std::collections::{BTreeMap, HashMap};

use anyhow::anyhow;
use credreport_audit::{CheckId, Credential, Status};
use credreport_report::{is_root_arn, read_all, Cell, Column, KeyField, Slot, Timestamp};

use super::action::ActionKind;
use super::allowlist::Allowlist;
use super::api::{KeyState, UserInfo};
use super::decide;
use super::plan::{
    FlagReason, Flagged, Plan, PlanReport, PlanThresholds, PlannedAction, Time,
    DEFAULT_QUARANTINE_DAYS, FORMAT_VERSION,
};
use super::policy::{deny_all_arn, partition, require_mfa_arn};
use super::state::{CurrentState, Wanted};
use crate::history::trail::Quarantine;
use crate::history::StoredFinding;

const DAY: i64 = 86_400;

/// What a plan says about the root user's findings.
const ROOT: &str = "a plan never acts on the root user: its access keys are removed, and its \
                    use reviewed, by hand (signed in as root)";

/// The creation time of each access key slot of a report, by ARN: how a finding's key is
/// found among the keys IAM lists now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyTimes(HashMap<(String, Slot), Timestamp>);

impl KeyTimes {
    /// The key slots of a report's bytes.
    pub fn read(report: &[u8]) -> anyhow::Result<KeyTimes> {
        let (rows, _) = read_all(report).map_err(|e| anyhow!("the report: {e}"))?;
        let mut times = KeyTimes::default();
        for row in rows {
            for slot in Slot::BOTH {
                if let Some(Cell::Timestamp(t)) =
                    row.get(Column::access_key(slot, KeyField::LastRotated))
                {
                    times.0.insert((row.arn().to_owned(), slot), *t);
                }
            }
        }
        Ok(times)
    }

    /// When the key in `slot` of `arn` was created.
    pub fn get(&self, arn: &str, slot: Slot) -> Option<Timestamp> {
        self.0.get(&(arn.to_owned(), slot)).copied()
    }
}

impl FromIterator<(String, Slot, Timestamp)> for KeyTimes {
    fn from_iter<I: IntoIterator<Item = (String, Slot, Timestamp)>>(iter: I) -> KeyTimes {
        KeyTimes(iter.into_iter().map(|(a, s, t)| ((a, s), t)).collect())
    }
}

/// What a plan is made from.
#[derive(Debug)]
pub struct PlanInput<'a> {
    pub account: &'a str,
    /// The report the findings came from.
    pub report: PlanReport,
    pub key_times: &'a KeyTimes,
    pub findings: &'a [StoredFinding],
    pub state: &'a CurrentState,
    pub thresholds: PlanThresholds,
    pub allowlist: &'a Allowlist,
    /// The users earlier runs quarantined (the history's, for this account).
    pub quarantines: &'a BTreeMap<String, Quarantine>,
    pub now: Timestamp,
}

/// What one finding asks for, before the current state is looked at.
enum Rule {
    /// Nothing: no action answers this check, or the report could not decide.
    Ignore,
    Flag(FlagReason, String),
    /// The access key in this slot, created at this time (per the report).
    Key(Slot, Timestamp),
    Password,
    /// A console user without MFA.
    Mfa,
    /// A user without any recent use.
    Inactive,
}

fn rule(f: &StoredFinding, key_times: &KeyTimes, allowlist: &Allowlist) -> Rule {
    if is_root_arn(&f.arn) {
        return if f.status != Status::NotEvaluated
            && matches!(f.check, CheckId::RootAccessKey | CheckId::RootRecentUse)
        {
            Rule::Flag(FlagReason::Root, ROOT.to_owned())
        } else {
            Rule::Ignore
        };
    }
    if !matches!(
        f.check,
        CheckId::AccessKeyUnused
            | CheckId::PasswordUnused
            | CheckId::ConsoleNoMfa
            | CheckId::UserInactive
    ) || f.status == Status::NotEvaluated
    {
        return Rule::Ignore;
    }
    if f.status == Status::Suppressed {
        return Rule::Flag(
            FlagReason::Suppressed,
            "a suppression in the audit configuration accepts this finding".to_owned(),
        );
    }
    if let Some(rule) = allowlist.matching(&[&f.user, &f.arn, &f.resource()]) {
        return Rule::Flag(FlagReason::Allowlisted, format!("allowlist {rule}"));
    }
    match f.check {
        CheckId::PasswordUnused => return Rule::Password,
        CheckId::ConsoleNoMfa => return Rule::Mfa,
        CheckId::UserInactive => return Rule::Inactive,
        _ => {}
    }
    let slot = match f.credential {
        Credential::AccessKey(slot) => slot,
        _ => Slot::One,
    };
    match key_times.get(&f.arn, slot) {
        Some(created) => Rule::Key(slot, created),
        None => Rule::Flag(
            FlagReason::NotFound,
            "the report has no such key".to_owned(),
        ),
    }
}

/// Whose credentials [`plan`] needs to see for these findings.
pub fn wanted(findings: &[StoredFinding], key_times: &KeyTimes, allowlist: &Allowlist) -> Wanted {
    let mut w = Wanted::default();
    for f in findings {
        match rule(f, key_times, allowlist) {
            Rule::Key(..) => {
                w.keys_of.insert(f.user.clone());
            }
            Rule::Password => {
                w.passwords_of.insert(f.user.clone());
            }
            Rule::Mfa => {
                w.passwords_of.insert(f.user.clone());
                w.mfa_of.insert(f.user.clone());
                w.policies_of.insert(f.user.clone());
            }
            Rule::Inactive => {
                w.keys_of.insert(f.user.clone());
                w.passwords_of.insert(f.user.clone());
                w.policies_of.insert(f.user.clone());
            }
            Rule::Ignore | Rule::Flag(..) => {}
        }
    }
    w
}

fn days_since(now: Timestamp, t: Timestamp) -> i64 {
    now.secs_since(t).div_euclid(DAY)
}

/// An action for `f`, or why there is none.
type Decided = Result<PlannedAction, (FlagReason, String)>;

fn key_action(input: &PlanInput<'_>, f: &StoredFinding, slot: Slot, created: Timestamp) -> Decided {
    let Some(key) = input
        .state
        .keys_of(&f.user)
        .iter()
        .find(|k| k.created == Some(created))
    else {
        return Err((
            FlagReason::NotFound,
            format!(
                "{} has no key created {} any more (deleted or rotated since the report)",
                f.user,
                created.to_zulu()
            ),
        ));
    };
    if let Some(rule) = input.allowlist.matching(&[&key.id]) {
        return Err((FlagReason::Allowlisted, format!("allowlist {rule}")));
    }
    if !key.active {
        return Err((
            FlagReason::AlreadyDone,
            format!("{} is already Inactive", key.id),
        ));
    }
    let last_used = input.state.last_used.get(&key.id).copied().flatten();
    let unused = days_since(input.now, last_used.unwrap_or(created));
    let window = i64::from(input.thresholds.key_unused_days);
    if unused < window {
        return Err(match last_used {
            Some(t) if t > input.report.generated.0 => (
                FlagReason::UsedWithinWindow,
                format!(
                    "{} was used {} ({unused} days ago), after the report: within the {window}-day window",
                    key.id,
                    t.to_zulu()
                ),
            ),
            _ => (
                FlagReason::UnderThreshold,
                format!(
                    "{} is unused for {unused} days; the plan acts from {window}",
                    key.id
                ),
            ),
        });
    }
    Ok(PlannedAction {
        access_key_id: Some(key.id.clone()),
        slot: Some(Credential::AccessKey(slot)),
        key_created: Some(Time(created)),
        last_used: last_used.map(Time),
        unused_days: Some(unused),
        note: format!(
            "reversible: `credreport remediate --undo RUN_ID` sets {} Active again",
            key.id
        ),
        ..PlannedAction::of(
            ActionKind::DeactivateAccessKey,
            &f.user,
            &f.arn,
            &f.fingerprint,
        )
    })
}

fn password_action(input: &PlanInput<'_>, f: &StoredFinding) -> Decided {
    let Some(state) = input.state.passwords.get(&f.user) else {
        return Err((
            FlagReason::NotFound,
            format!("{}'s console password was not read", f.user),
        ));
    };
    if !state.exists {
        return Err((
            FlagReason::AlreadyDone,
            format!("{} has no console password any more", f.user),
        ));
    }
    let generated = input.report.generated.0;
    let Some(since) = state.last_used.or(f
        .age_days
        .and_then(|d| generated.checked_add_secs(-d * DAY)))
    else {
        return Err((
            FlagReason::NotFound,
            "the password's last use is unknown".to_owned(),
        ));
    };
    let unused = days_since(input.now, since);
    let window = i64::from(input.thresholds.password_unused_days);
    if unused < window {
        let reason = if since > generated {
            FlagReason::UsedWithinWindow
        } else {
            FlagReason::UnderThreshold
        };
        return Err((
            reason,
            format!(
                "{}'s password was last used {} ({unused} days ago): within the {window}-day window",
                f.user,
                since.to_zulu()
            ),
        ));
    }
    Ok(PlannedAction {
        last_used: state.last_used.map(Time),
        unused_days: Some(unused),
        note: "a deleted password cannot be restored (undo cannot bring it back): \
               --apply needs --allow-password-removal"
            .to_owned(),
        ..PlannedAction::of(
            ActionKind::DeleteLoginProfile,
            &f.user,
            &f.arn,
            &f.fingerprint,
        )
    })
}

/// The user's attached policies as read (none if they were not).
fn attached<'s>(input: &'s PlanInput<'_>, user: &str) -> Option<&'s [String]> {
    input.state.attached.get(user).map(Vec::as_slice)
}

fn mfa_action(input: &PlanInput<'_>, f: &StoredFinding) -> Decided {
    let (Some(password), Some(attached)) =
        (input.state.passwords.get(&f.user), attached(input, &f.user))
    else {
        return Err((
            FlagReason::NotFound,
            format!("{}'s password and policies were not read", f.user),
        ));
    };
    if let Some(d) = input.state.mfa.get(&f.user).and_then(|m| m.first()) {
        return Err((
            FlagReason::AlreadyDone,
            format!("{} has MFA device {} now", f.user, d.serial),
        ));
    }
    if !password.exists {
        return Err((
            FlagReason::AlreadyDone,
            format!("{} has no console password any more", f.user),
        ));
    }
    let deny = deny_all_arn(partition(&f.arn));
    if attached.contains(&deny) {
        return Err((
            FlagReason::Superseded,
            format!("{} is quarantined ({deny} attached)", f.user),
        ));
    }
    let arn = require_mfa_arn(partition(&f.arn), input.account);
    if attached.contains(&arn) {
        return Err((
            FlagReason::AlreadyDone,
            format!("{arn} is already attached to {}", f.user),
        ));
    }
    Ok(PlannedAction {
        policy_arn: Some(arn),
        last_used: password.last_used.map(Time),
        note: format!(
            "reversible: `credreport remediate --undo RUN_ID` detaches it. Until {} signs \
             in with MFA, the policy denies everything but setting up an MFA device and \
             managing their own credentials (AWS's documented example; created in the \
             account when missing). Enforced by AWS; by `credreport serve` where its \
             authorization evaluates the policy language",
            f.user
        ),
        ..PlannedAction::of(ActionKind::RequireMfa, &f.user, &f.arn, &f.fingerprint)
    })
}

/// A user's keys as read, each with its last use.
fn keys_with_use(input: &PlanInput<'_>, user: &str) -> Vec<(KeyState, Option<Timestamp>)> {
    input
        .state
        .keys_of(user)
        .iter()
        .map(|k| {
            (
                k.clone(),
                input.state.last_used.get(&k.id).copied().flatten(),
            )
        })
        .collect()
}

/// `quarantine-user`, or for a user an earlier run quarantined, `delete-user`.
fn user_action(input: &PlanInput<'_>, f: &StoredFinding) -> Decided {
    let (Some(password), Some(attached)) =
        (input.state.passwords.get(&f.user), attached(input, &f.user))
    else {
        return Err((
            FlagReason::NotFound,
            format!("{}'s credentials and policies were not read", f.user),
        ));
    };
    let generated = input.report.generated.0;
    let latest = input.state.keys_last_used(&f.user).max(password.last_used);
    let Some(since) = latest.or(f
        .age_days
        .and_then(|d| generated.checked_add_secs(-d * DAY)))
    else {
        return Err((
            FlagReason::NotFound,
            format!("{}'s last activity is unknown", f.user),
        ));
    };
    let unused = days_since(input.now, since);
    let deny = deny_all_arn(partition(&f.arn));
    if attached.contains(&deny) {
        return match input.quarantines.get(&f.user) {
            Some(q) => delete_action(input, f, *q, latest, unused, &deny),
            None => Err((
                FlagReason::AlreadyDone,
                format!(
                    "{deny} is attached to {}, but no run in this history quarantined it: \
                     since when is unknown, so no deletion is planned",
                    f.user
                ),
            )),
        };
    }
    let window = i64::from(input.thresholds.user_inactive_days.unwrap_or(0));
    if unused < window {
        let reason = if since > generated {
            FlagReason::UsedWithinWindow
        } else {
            FlagReason::UnderThreshold
        };
        return Err((
            reason,
            format!(
                "{} was last active {} ({unused} days ago): within the {window}-day window",
                f.user,
                since.to_zulu()
            ),
        ));
    }
    let active: Vec<String> = input
        .state
        .keys_of(&f.user)
        .iter()
        .filter(|k| k.active)
        .map(|k| k.id.clone())
        .collect();
    Ok(PlannedAction {
        policy_arn: Some(deny),
        access_key_ids: Some(active),
        login_profile: Some(password.exists),
        last_used: latest.map(Time),
        unused_days: Some(unused),
        note: format!(
            "reversible: `credreport remediate --undo RUN_ID` detaches AWSDenyAll and sets \
             the keys Active again{}; a later plan deletes {} once quarantined {} days \
             with no use (--quarantine-days)",
            if password.exists {
                "; with --allow-password-removal the console password is deleted too, \
                 and that cannot be undone"
            } else {
                ""
            },
            f.user,
            input
                .thresholds
                .quarantine_days
                .unwrap_or(DEFAULT_QUARANTINE_DAYS)
        ),
        ..PlannedAction::of(ActionKind::QuarantineUser, &f.user, &f.arn, &f.fingerprint)
    })
}

fn delete_action(
    input: &PlanInput<'_>,
    f: &StoredFinding,
    q: Quarantine,
    latest: Option<Timestamp>,
    unused: i64,
    deny: &str,
) -> Decided {
    let action = PlannedAction {
        policy_arn: Some(deny.to_owned()),
        quarantined: Some(Time(q.at)),
        quarantine_run: Some(q.run_id),
        last_used: latest.map(Time),
        unused_days: Some(unused),
        note: format!(
            "irreversible: {} and everything it holds are deleted (undo cannot bring them \
             back): --apply needs --allow-user-deletion",
            f.user
        ),
        ..PlannedAction::of(ActionKind::DeleteUser, &f.user, &f.arn, &f.fingerprint)
    };
    if let Some(t) = latest.filter(|t| *t > q.at) {
        return Err((
            FlagReason::UsedWithinWindow,
            format!(
                "{} was used at {}, after its quarantine by run {} on {}: not deleted \
                 (undo run {} to release it)",
                f.user,
                t.to_zulu(),
                q.run_id,
                q.at.to_zulu(),
                q.run_id
            ),
        ));
    }
    let password = input.state.passwords.get(&f.user).copied();
    let attached = attached(input, &f.user).unwrap_or(&[]);
    let user = UserInfo {
        created: None,
        password_last_used: password.and_then(|p| p.last_used),
    };
    let password = password.unwrap_or(super::api::PasswordState {
        exists: false,
        last_used: None,
    });
    // The same re-check the apply makes: what it would refuse is not planned.
    decide::delete_user(
        &action,
        Some(&user),
        &keys_with_use(input, &f.user),
        &password,
        attached,
    )
    .map_err(|detail| (FlagReason::UsedWithinWindow, detail))?;
    let need = input
        .thresholds
        .quarantine_days
        .unwrap_or(DEFAULT_QUARANTINE_DAYS);
    let waited = days_since(input.now, q.at);
    if waited < i64::from(need) {
        let from =
            q.at.checked_add_secs(i64::from(need) * DAY)
                .unwrap_or(Timestamp::MAX);
        return Err((
            FlagReason::Quarantined,
            format!(
                "{} was quarantined by run {} on {} ({waited} days ago); its deletion is \
                 planned from {} if it stays unused",
                f.user,
                q.run_id,
                q.at.to_zulu(),
                from.to_zulu()
            ),
        ));
    }
    Ok(action)
}

/// Why `weaker` is moot for `user` when the plan also has `stronger` for them: no MFA is
/// required of a user whose password goes or who is quarantined or deleted; no key of a
/// user quarantined or deleted (which takes every key with it) needs its own action; no
/// password of a deleted user does.
fn superseded(weaker: ActionKind, stronger: ActionKind, user: &str) -> Option<String> {
    use ActionKind::{
        DeactivateAccessKey, DeleteLoginProfile, DeleteUser, QuarantineUser, RequireMfa,
    };
    match (weaker, stronger) {
        (RequireMfa, DeleteLoginProfile) => Some(format!(
            "the plan deletes {user}'s console password: no MFA is needed to sign in"
        )),
        (RequireMfa | DeactivateAccessKey, QuarantineUser) => Some(format!(
            "the plan quarantines {user} (AWSDenyAll attached, every active key deactivated)"
        )),
        (RequireMfa | DeactivateAccessKey | DeleteLoginProfile, DeleteUser) => {
            Some(format!("the plan deletes {user} with every credential"))
        }
        _ => None,
    }
}

/// The plan: an action for each finding that asks for one and whose credential, as IAM
/// has it now, still needs it; every other finding a remediation could answer, flagged
/// with the reason. Actions are numbered from 1 in the findings' order.
pub fn plan(input: &PlanInput<'_>) -> Plan {
    let mut decided = Vec::new();
    for f in input.findings {
        let d = match rule(f, input.key_times, input.allowlist) {
            Rule::Ignore => continue,
            Rule::Flag(reason, detail) => Err((reason, detail)),
            _ if input.state.gone.contains(&f.user) => Err((
                FlagReason::NotFound,
                format!(
                    "there is no user {} any more (deleted since the report)",
                    f.user
                ),
            )),
            Rule::Key(slot, created) => key_action(input, f, slot, created),
            Rule::Password => password_action(input, f),
            Rule::Mfa => mfa_action(input, f),
            Rule::Inactive => user_action(input, f),
        };
        decided.push((f, d));
    }
    // A stronger action for the same user makes a weaker one moot.
    let mut planned: HashMap<String, Vec<ActionKind>> = HashMap::new();
    for a in decided.iter().filter_map(|(_, d)| d.as_ref().ok()) {
        planned.entry(a.user.clone()).or_default().push(a.action);
    }
    let mut actions = Vec::new();
    let mut flagged = Vec::new();
    for (f, d) in decided {
        let d = match d {
            Ok(a) => {
                let why = planned
                    .get(a.user.as_str())
                    .into_iter()
                    .flatten()
                    .find_map(|stronger| superseded(a.action, *stronger, &a.user));
                match why {
                    Some(why) => Err((FlagReason::Superseded, why)),
                    None => Ok(a),
                }
            }
            other => other,
        };
        match d {
            Ok(mut action) => {
                action.id = u32::try_from(actions.len() + 1).unwrap_or(u32::MAX);
                actions.push(action);
            }
            Err((reason, detail)) => flagged.push(Flagged {
                resource: f.resource(),
                check: f.check,
                reason,
                detail,
            }),
        }
    }
    Plan {
        format_version: FORMAT_VERSION,
        created: Time(input.now),
        account: input.account.to_owned(),
        report: input.report.clone(),
        thresholds: input.thresholds,
        actions,
        flagged,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use credreport_audit::Severity;

    use super::*;
    use crate::remediate::api::{KeyState, MfaDevice, PasswordState};

    const ACCOUNT: &str = "123456789012";
    const DENY: &str = "arn:aws:iam::aws:policy/AWSDenyAll";
    const REQUIRE: &str = "arn:aws:iam::123456789012:policy/credreport-require-mfa";
    const DAY: i64 = 86_400;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text.as_bytes()).expect("time").0
    }

    /// The report's generation; the plan is made an hour later.
    fn generated() -> Timestamp {
        at("2026-03-01T09:00:00Z")
    }

    fn now() -> Timestamp {
        generated().checked_add_secs(3600).expect("time")
    }

    fn days_ago(d: i64) -> Timestamp {
        now().checked_add_secs(-d * DAY).expect("time")
    }

    fn arn(user: &str) -> String {
        if user == "<root_account>" {
            format!("arn:aws:iam::{ACCOUNT}:root")
        } else {
            format!("arn:aws:iam::{ACCOUNT}:user/{user}")
        }
    }

    fn finding(
        check: CheckId,
        status: Status,
        user: &str,
        credential: Credential,
    ) -> StoredFinding {
        let arn = arn(user);
        StoredFinding {
            fingerprint: format!("{check}:{}", credential.resource(&arn)),
            check,
            severity: Severity::Medium,
            status,
            user: user.to_owned(),
            arn,
            credential,
            age_days: None,
            message: String::new(),
        }
    }

    fn key_finding(user: &str, slot: Slot) -> StoredFinding {
        finding(
            CheckId::AccessKeyUnused,
            Status::Fail,
            user,
            Credential::AccessKey(slot),
        )
    }

    fn password_finding(user: &str) -> StoredFinding {
        finding(
            CheckId::PasswordUnused,
            Status::Fail,
            user,
            Credential::Password,
        )
    }

    fn mfa_finding(user: &str) -> StoredFinding {
        finding(CheckId::ConsoleNoMfa, Status::Fail, user, Credential::User)
    }

    fn inactive_finding(user: &str) -> StoredFinding {
        finding(CheckId::UserInactive, Status::Fail, user, Credential::User)
    }

    /// What the plan must say about a case's one finding.
    #[derive(Debug, PartialEq, Eq)]
    enum Want {
        /// An action: its kind, its key, the days unused (-1: none).
        Act(ActionKind, Option<&'static str>, i64),
        Flag(FlagReason),
        Nothing,
    }

    /// A key as IAM lists it now.
    fn key(id: &str, active: bool, created: Timestamp) -> KeyState {
        KeyState {
            id: id.to_owned(),
            active,
            created: Some(created),
        }
    }

    /// One case: a finding, the report's key slots, IAM's state now, the allowlist.
    struct Case {
        name: &'static str,
        finding: StoredFinding,
        key_times: Vec<(&'static str, Slot, Timestamp)>,
        keys: Vec<(&'static str, KeyState, Option<Timestamp>)>,
        passwords: Vec<(&'static str, PasswordState)>,
        mfa: Vec<(&'static str, &'static str)>,
        attached: Vec<(&'static str, &'static str)>,
        /// Users an earlier run quarantined: when, by which run.
        quarantined: Vec<(&'static str, Timestamp)>,
        gone: Vec<&'static str>,
        allowlist: &'static str,
        want: Want,
    }

    fn case(name: &'static str, finding: StoredFinding, want: Want) -> Case {
        Case {
            name,
            finding,
            key_times: Vec::new(),
            keys: Vec::new(),
            passwords: Vec::new(),
            mfa: Vec::new(),
            attached: Vec::new(),
            quarantined: Vec::new(),
            gone: Vec::new(),
            allowlist: "",
            want,
        }
    }

    impl Case {
        /// The report shows `user`'s key in `slot` created `created`, and IAM lists it
        /// now as `now`, last used `used`.
        fn key(
            mut self,
            user: &'static str,
            slot: Slot,
            created: Timestamp,
            now: KeyState,
            used: Option<Timestamp>,
        ) -> Case {
            self.key_times.push((user, slot, created));
            self.keys.push((user, now, used));
            self
        }

        fn password(
            mut self,
            user: &'static str,
            exists: bool,
            last_used: Option<Timestamp>,
        ) -> Case {
            self.passwords
                .push((user, PasswordState { exists, last_used }));
            self
        }

        /// `user`'s MFA devices and attached policies were read: these.
        fn mfa(mut self, user: &'static str, serial: &'static str) -> Case {
            self.mfa.push((user, serial));
            self
        }

        fn attached(mut self, user: &'static str, arn: &'static str) -> Case {
            self.attached.push((user, arn));
            self
        }

        /// GetUser no longer finds `user`.
        fn gone(mut self, user: &'static str) -> Case {
            self.gone.push(user);
            self
        }

        /// Run 3 quarantined `user` at `at`.
        fn quarantined(mut self, user: &'static str, at: Timestamp) -> Case {
            self.quarantined.push((user, at));
            self
        }

        fn allow(mut self, allowlist: &'static str) -> Case {
            self.allowlist = allowlist;
            self
        }

        fn age(mut self, days: i64) -> Case {
            self.finding.age_days = Some(days);
            self
        }
    }

    fn check(c: &Case) {
        let key_times: KeyTimes = c
            .key_times
            .iter()
            .map(|(u, s, t)| (arn(u), *s, *t))
            .collect();
        let mut state = CurrentState::default();
        for (user, k, used) in &c.keys {
            state.last_used.insert(k.id.clone(), *used);
            state
                .keys
                .entry((*user).to_owned())
                .or_default()
                .push(k.clone());
        }
        state.passwords = c
            .passwords
            .iter()
            .map(|(u, p)| ((*u).to_owned(), *p))
            .collect::<BTreeMap<_, _>>();
        // Whoever's password was read had their devices and policies read too.
        for (user, _) in &c.passwords {
            state.mfa.insert((*user).to_owned(), Vec::new());
            state.attached.insert((*user).to_owned(), Vec::new());
        }
        for (user, serial) in &c.mfa {
            state
                .mfa
                .entry((*user).to_owned())
                .or_default()
                .push(MfaDevice {
                    serial: (*serial).to_owned(),
                    enabled: Some(days_ago(1)),
                });
        }
        for (user, arn) in &c.attached {
            state
                .attached
                .entry((*user).to_owned())
                .or_default()
                .push((*arn).to_owned());
        }
        state.gone = c.gone.iter().map(|u| (*u).to_owned()).collect();
        let quarantines: BTreeMap<String, Quarantine> = c
            .quarantined
            .iter()
            .map(|(u, at)| ((*u).to_owned(), Quarantine { run_id: 3, at: *at }))
            .collect();
        let allowlist = Allowlist::parse("allow.txt", c.allowlist);
        let findings = std::slice::from_ref(&c.finding);
        let plan = plan(&PlanInput {
            account: ACCOUNT,
            report: PlanReport {
                history_id: Some(7),
                generated: Time(generated()),
                sha256: "ab".to_owned(),
            },
            key_times: &key_times,
            findings,
            state: &state,
            thresholds: PlanThresholds {
                key_unused_days: 45,
                password_unused_days: 45,
                user_inactive_days: Some(90),
                quarantine_days: Some(30),
            },
            allowlist: &allowlist,
            quarantines: &quarantines,
            now: now(),
        });
        match (&c.want, &plan.actions[..], &plan.flagged[..]) {
            (Want::Act(kind, key, days), [a], []) => {
                assert_eq!(
                    (
                        a.action,
                        a.access_key_id.as_deref(),
                        a.unused_days.unwrap_or(-1)
                    ),
                    (*kind, *key, *days),
                    "{}",
                    c.name
                );
                let policy = match kind {
                    ActionKind::RequireMfa => Some(REQUIRE),
                    ActionKind::QuarantineUser | ActionKind::DeleteUser => Some(DENY),
                    _ => None,
                };
                assert_eq!(a.policy_arn.as_deref(), policy, "{}", c.name);
                // What the plan writes reads back as a valid action.
                let text = serde_json::to_string(a).expect("json");
                let back: PlannedAction = serde_json::from_str(&text).expect(c.name);
                assert_eq!(&back, a, "{}", c.name);
                assert_eq!(a.id, 1, "{}", c.name);
                assert_eq!(a.finding, c.finding.fingerprint, "{}", c.name);
                assert_eq!(a.reversible, a.action.reversible(), "{}", c.name);
            }
            (Want::Flag(reason), [], [f]) => {
                assert_eq!(f.reason, *reason, "{}: {}", c.name, f.detail);
                assert_eq!(f.check, c.finding.check, "{}", c.name);
                assert_eq!(f.resource, c.finding.resource(), "{}", c.name);
            }
            (Want::Nothing, [], []) => {}
            _ => panic!("{}: expected {:?}, got {plan:?}", c.name, c.want),
        }
        // What the plan looked at is exactly what `wanted` asks to read.
        let w = wanted(findings, &key_times, &allowlist);
        let reads_keys = matches!(c.want, Want::Act(ActionKind::DeactivateAccessKey, ..));
        if reads_keys {
            assert!(w.keys_of.contains(&c.finding.user), "{}", c.name);
        }
        if matches!(c.want, Want::Act(ActionKind::RequireMfa, ..)) {
            assert!(w.mfa_of.contains(&c.finding.user), "{}", c.name);
        }
        if matches!(
            c.want,
            Want::Act(ActionKind::QuarantineUser | ActionKind::DeleteUser, ..)
        ) {
            assert!(w.keys_of.contains(&c.finding.user), "{}", c.name);
            assert!(w.policies_of.contains(&c.finding.user), "{}", c.name);
        }
        if matches!(c.want, Want::Nothing) {
            assert_eq!(w, Wanted::default(), "{}", c.name);
        }
    }

    #[test]
    fn each_finding_becomes_an_action_a_flag_or_nothing() {
        use ActionKind::{DeactivateAccessKey as Deactivate, DeleteLoginProfile as Delete};
        use FlagReason::*;
        let created = days_ago(200);
        let cases = [
            case(
                "a key unused for 60 days is deactivated",
                key_finding("bob", Slot::One),
                Want::Act(Deactivate, Some("AKIABOB0000000000000"), 60),
            )
            .key(
                "bob",
                Slot::One,
                created,
                key("AKIABOB0000000000000", true, created),
                Some(days_ago(60)),
            ),
            case(
                "a key never used counts from its creation",
                key_finding("new", Slot::One),
                Want::Act(Deactivate, Some("AKIANEW0000000000000"), 50),
            )
            .key(
                "new",
                Slot::One,
                days_ago(50),
                key("AKIANEW0000000000000", true, days_ago(50)),
                None,
            ),
            case(
                "the finding's slot picks the key (slot 2)",
                key_finding("two", Slot::Two),
                Want::Act(Deactivate, Some("AKIATWO2000000000000"), 90),
            )
            .key(
                "two",
                Slot::One,
                days_ago(10),
                key("AKIATWO1000000000000", true, days_ago(10)),
                Some(days_ago(1)),
            )
            .key(
                "two",
                Slot::Two,
                created,
                key("AKIATWO2000000000000", true, created),
                Some(days_ago(90)),
            ),
            case(
                "a key used after the report is left alone",
                key_finding("busy", Slot::One),
                Want::Flag(UsedWithinWindow),
            )
            .key(
                "busy",
                Slot::One,
                created,
                key("AKIABUSY000000000000", true, created),
                Some(generated().checked_add_secs(1800).expect("time")),
            ),
            case(
                "a key unused for fewer days than the threshold",
                key_finding("young", Slot::One),
                Want::Flag(UnderThreshold),
            )
            .key(
                "young",
                Slot::One,
                created,
                key("AKIAYOUNG00000000000", true, created),
                Some(days_ago(44)),
            ),
            case(
                "45 days is the threshold itself",
                key_finding("edge", Slot::One),
                Want::Act(Deactivate, Some("AKIAEDGE000000000000"), 45),
            )
            .key(
                "edge",
                Slot::One,
                created,
                key("AKIAEDGE000000000000", true, created),
                Some(days_ago(45)),
            ),
            case(
                "a key already Inactive",
                key_finding("off", Slot::One),
                Want::Flag(AlreadyDone),
            )
            .key(
                "off",
                Slot::One,
                created,
                key("AKIAOFF0000000000000", false, created),
                None,
            ),
            case(
                "a key rotated since the report",
                key_finding("rot", Slot::One),
                Want::Flag(NotFound),
            )
            .key(
                "rot",
                Slot::One,
                created,
                key("AKIAROT0000000000000", true, days_ago(1)),
                None,
            ),
            case(
                "the report has no key in that slot",
                key_finding("none", Slot::Two),
                Want::Flag(NotFound),
            ),
            case(
                "a user the allowlist names",
                key_finding("svc-backup", Slot::One),
                Want::Flag(Allowlisted),
            )
            .key(
                "svc-backup",
                Slot::One,
                created,
                key("AKIASVC0000000000000", true, created),
                None,
            )
            .allow("svc-*\n"),
            case(
                "a key id the allowlist names",
                key_finding("kept", Slot::One),
                Want::Flag(Allowlisted),
            )
            .key(
                "kept",
                Slot::One,
                created,
                key("AKIAKEEP100000000000", true, created),
                None,
            )
            .allow("AKIAKEEP*\n"),
            case(
                "a suppressed finding",
                finding(
                    CheckId::AccessKeyUnused,
                    Status::Suppressed,
                    "sup",
                    Credential::AccessKey(Slot::One),
                ),
                Want::Flag(Suppressed),
            ),
            case(
                "a finding the report could not decide",
                finding(
                    CheckId::AccessKeyUnused,
                    Status::NotEvaluated,
                    "old",
                    Credential::AccessKey(Slot::One),
                ),
                Want::Nothing,
            ),
            case(
                "a check no action answers",
                finding(
                    CheckId::AccessKeyRotation,
                    Status::Fail,
                    "bob",
                    Credential::AccessKey(Slot::One),
                ),
                Want::Nothing,
            ),
            case(
                "root's access key is flagged for a person",
                finding(
                    CheckId::RootAccessKey,
                    Status::Fail,
                    "<root_account>",
                    Credential::AccessKey(Slot::One),
                ),
                Want::Flag(Root),
            ),
            case(
                "root's recent use is flagged for a person",
                finding(
                    CheckId::RootRecentUse,
                    Status::Fail,
                    "<root_account>",
                    Credential::User,
                ),
                Want::Flag(Root),
            ),
            case(
                "root's other findings are not the plan's",
                finding(
                    CheckId::RootMfa,
                    Status::Fail,
                    "<root_account>",
                    Credential::User,
                ),
                Want::Nothing,
            ),
            case(
                "root findings the report could not decide",
                finding(
                    CheckId::RootAccessKey,
                    Status::NotEvaluated,
                    "<root_account>",
                    Credential::AccessKey(Slot::One),
                ),
                Want::Nothing,
            ),
            case(
                "a password unused for 60 days is deleted",
                password_finding("carol"),
                Want::Act(Delete, None, 60),
            )
            .password("carol", true, Some(days_ago(60))),
            case(
                "a password removed since the report",
                password_finding("gone"),
                Want::Flag(AlreadyDone),
            )
            .password("gone", false, None),
            case(
                "a password used after the report",
                password_finding("back"),
                Want::Flag(UsedWithinWindow),
            )
            .password(
                "back",
                true,
                Some(generated().checked_add_secs(600).expect("time")),
            ),
            case(
                "a password used 30 days ago",
                password_finding("recent"),
                Want::Flag(UnderThreshold),
            )
            .password("recent", true, Some(days_ago(30))),
            case(
                "a password never used counts from the finding's age",
                password_finding("never"),
                Want::Act(Delete, None, 50),
            )
            .password("never", true, None)
            .age(50),
            case(
                "a password whose last use nobody knows",
                password_finding("unknown"),
                Want::Flag(NotFound),
            )
            .password("unknown", true, None),
            case(
                "a password whose state was not read",
                password_finding("unread"),
                Want::Flag(NotFound),
            ),
            case(
                "a console user without MFA gets the policy",
                mfa_finding("dave"),
                Want::Act(ActionKind::RequireMfa, None, -1),
            )
            .password("dave", true, Some(days_ago(2))),
            case(
                "a console user who set up MFA since the report",
                mfa_finding("eve"),
                Want::Flag(AlreadyDone),
            )
            .password("eve", true, Some(days_ago(2)))
            .mfa("eve", "arn:aws:iam::123456789012:mfa/eve"),
            case(
                "a console user whose password is gone",
                mfa_finding("gone"),
                Want::Flag(AlreadyDone),
            )
            .password("gone", false, None),
            case(
                "the policy is attached already",
                mfa_finding("done"),
                Want::Flag(AlreadyDone),
            )
            .password("done", true, None)
            .attached("done", REQUIRE),
            case(
                "a console user whose state was not read",
                mfa_finding("unread"),
                Want::Flag(NotFound),
            ),
            case(
                "a quarantined console user",
                mfa_finding("held"),
                Want::Flag(Superseded),
            )
            .password("held", true, None)
            .attached("held", DENY),
            case(
                "an allowlisted console user",
                mfa_finding("svc-console"),
                Want::Flag(Allowlisted),
            )
            .allow("svc-*\n"),
            case(
                "an inactive user is quarantined",
                inactive_finding("erin"),
                Want::Act(ActionKind::QuarantineUser, None, 120),
            )
            .key(
                "erin",
                Slot::One,
                created,
                key("AKIAERIN000000000000", true, created),
                Some(days_ago(120)),
            )
            .password("erin", true, Some(days_ago(150))),
            case(
                "an inactive user never active counts from the finding's age",
                inactive_finding("never"),
                Want::Act(ActionKind::QuarantineUser, None, 200),
            )
            .password("never", false, None)
            .age(200),
            case(
                "an inactive user who signed in after the report",
                inactive_finding("back"),
                Want::Flag(UsedWithinWindow),
            )
            .password(
                "back",
                true,
                Some(generated().checked_add_secs(600).expect("time")),
            ),
            case(
                "a user active 60 days ago is under the 90-day threshold",
                inactive_finding("recent"),
                Want::Flag(UnderThreshold),
            )
            .password("recent", true, Some(days_ago(60))),
            case(
                "AWSDenyAll attached by someone else: no date, no deletion",
                inactive_finding("byhand"),
                Want::Flag(AlreadyDone),
            )
            .password("byhand", false, None)
            .attached("byhand", DENY)
            .age(300),
            case(
                "quarantined 10 days ago: waiting",
                inactive_finding("waiting"),
                Want::Flag(Quarantined),
            )
            .password("waiting", false, None)
            .attached("waiting", DENY)
            .quarantined("waiting", days_ago(10))
            .age(300),
            case(
                "quarantined 40 days ago and unused since: deleted",
                inactive_finding("frank"),
                Want::Act(ActionKind::DeleteUser, None, 300),
            )
            .key(
                "frank",
                Slot::One,
                created,
                key("AKIAFRANK00000000000", false, created),
                None,
            )
            .password("frank", false, None)
            .attached("frank", DENY)
            .quarantined("frank", days_ago(40))
            .age(300),
            case(
                "quarantined 40 days ago, signed in 5 days ago: kept",
                inactive_finding("woke"),
                Want::Flag(UsedWithinWindow),
            )
            .password("woke", true, Some(days_ago(5)))
            .attached("woke", DENY)
            .quarantined("woke", days_ago(40)),
            case(
                "quarantined 40 days ago, a key Active again: kept",
                inactive_finding("revived"),
                Want::Flag(UsedWithinWindow),
            )
            .key(
                "revived",
                Slot::One,
                created,
                key("AKIAREVIVED000000000", true, created),
                None,
            )
            .password("revived", false, None)
            .attached("revived", DENY)
            .quarantined("revived", days_ago(40))
            .age(300),
            case(
                "quarantined before, released since: quarantined again",
                inactive_finding("again"),
                Want::Act(ActionKind::QuarantineUser, None, 300),
            )
            .password("again", false, None)
            .quarantined("again", days_ago(40))
            .age(300),
            case(
                "a user deleted since the report",
                inactive_finding("deleted"),
                Want::Flag(NotFound),
            )
            .gone("deleted"),
            case(
                "root's inactivity is not the plan's",
                finding(
                    CheckId::UserInactive,
                    Status::Fail,
                    "<root_account>",
                    Credential::User,
                ),
                Want::Nothing,
            ),
        ];
        for c in &cases {
            check(c);
        }
    }

    #[test]
    fn actions_are_numbered_in_the_findings_order_and_the_plan_reads_back() {
        let created = days_ago(200);
        let findings = [
            password_finding("carol"),
            key_finding("bob", Slot::One),
            key_finding("ann", Slot::One),
        ];
        let key_times: KeyTimes = [
            (arn("bob"), Slot::One, created),
            (arn("ann"), Slot::One, created),
        ]
        .into_iter()
        .collect();
        let allowlist = Allowlist::default();
        let w = wanted(&findings, &key_times, &allowlist);
        assert_eq!(w.keys_of.iter().collect::<Vec<_>>(), ["ann", "bob"]);
        assert_eq!(w.passwords_of.iter().collect::<Vec<_>>(), ["carol"]);
        let mut state = CurrentState::default();
        for (user, id) in [
            ("bob", "AKIABOB0000000000000"),
            ("ann", "AKIAANN0000000000000"),
        ] {
            state
                .keys
                .insert(user.to_owned(), vec![key(id, true, created)]);
            state.last_used.insert(id.to_owned(), Some(days_ago(100)));
        }
        state.passwords.insert(
            "carol".to_owned(),
            PasswordState {
                exists: true,
                last_used: Some(days_ago(100)),
            },
        );
        let plan = plan(&PlanInput {
            account: ACCOUNT,
            report: PlanReport {
                history_id: None,
                generated: Time(generated()),
                sha256: "ab".to_owned(),
            },
            key_times: &key_times,
            findings: &findings,
            state: &state,
            thresholds: PlanThresholds {
                key_unused_days: 90,
                password_unused_days: 90,
                user_inactive_days: Some(90),
                quarantine_days: Some(30),
            },
            allowlist: &allowlist,
            quarantines: &BTreeMap::new(),
            now: now(),
        });
        let got: Vec<(u32, &str)> = plan
            .actions
            .iter()
            .map(|a| (a.id, a.user.as_str()))
            .collect();
        assert_eq!(got, [(1, "carol"), (2, "bob"), (3, "ann")]);
        assert_eq!(plan.password_removals(), 1);
        let text = plan.to_json().expect("json");
        assert_eq!(Plan::parse("plan.json", &text).expect("reads back"), plan);
    }

    #[test]
    fn no_mfa_is_required_of_a_user_whose_password_the_plan_deletes() {
        let findings = [mfa_finding("carol"), password_finding("carol")];
        let mut state = CurrentState::default();
        state.passwords.insert(
            "carol".to_owned(),
            PasswordState {
                exists: true,
                last_used: Some(days_ago(100)),
            },
        );
        state.mfa.insert("carol".to_owned(), Vec::new());
        state.attached.insert("carol".to_owned(), Vec::new());
        let plan = plan(&PlanInput {
            account: ACCOUNT,
            report: PlanReport {
                history_id: None,
                generated: Time(generated()),
                sha256: "ab".to_owned(),
            },
            key_times: &KeyTimes::default(),
            findings: &findings,
            state: &state,
            thresholds: PlanThresholds::of(&credreport_audit::Config::default()),
            allowlist: &Allowlist::default(),
            quarantines: &BTreeMap::new(),
            now: now(),
        });
        let got: Vec<(u32, ActionKind)> = plan.actions.iter().map(|a| (a.id, a.action)).collect();
        assert_eq!(got, [(1, ActionKind::DeleteLoginProfile)]);
        assert_eq!(plan.flagged.len(), 1);
        assert_eq!(plan.flagged[0].reason, FlagReason::Superseded);
        assert_eq!(plan.flagged[0].check, CheckId::ConsoleNoMfa);
    }

    #[test]
    fn a_quarantine_takes_the_users_keys_with_it() {
        let created = days_ago(200);
        let findings = [key_finding("erin", Slot::One), inactive_finding("erin")];
        let key_times: KeyTimes = [(arn("erin"), Slot::One, created)].into_iter().collect();
        let mut state = CurrentState::default();
        state.keys.insert(
            "erin".to_owned(),
            vec![key("AKIAERIN000000000000", true, created)],
        );
        state
            .last_used
            .insert("AKIAERIN000000000000".to_owned(), Some(days_ago(150)));
        state.passwords.insert(
            "erin".to_owned(),
            PasswordState {
                exists: false,
                last_used: None,
            },
        );
        state.attached.insert("erin".to_owned(), Vec::new());
        let plan = plan(&PlanInput {
            account: ACCOUNT,
            report: PlanReport {
                history_id: None,
                generated: Time(generated()),
                sha256: "ab".to_owned(),
            },
            key_times: &key_times,
            findings: &findings,
            state: &state,
            thresholds: PlanThresholds::of(&credreport_audit::Config::default()),
            allowlist: &Allowlist::default(),
            quarantines: &BTreeMap::new(),
            now: now(),
        });
        let got: Vec<(u32, ActionKind)> = plan.actions.iter().map(|a| (a.id, a.action)).collect();
        assert_eq!(got, [(1, ActionKind::QuarantineUser)]);
        assert_eq!(
            (plan.flagged[0].check, plan.flagged[0].reason),
            (CheckId::AccessKeyUnused, FlagReason::Superseded)
        );
        assert_eq!(
            plan.actions[0].access_key_ids.as_deref(),
            Some(&["AKIAERIN000000000000".to_owned()][..])
        );
    }
}
