//! Findings into a plan: a pure function of the findings, the credentials' current state
//! ([`CurrentState`]), the thresholds and the allowlist. No call, no clock: the caller
//! reads the state ([`super::state::read`], for what [`wanted`] names) and passes now.
//!
//! - `access-key-unused` (failed): UpdateAccessKey to Inactive, once the key is resolved
//!   (the report has no key ids: the user's listed key created when the report's slot
//!   says) and its last use read again (the report may be hours old).
//! - `password-unused` (failed): DeleteLoginProfile, marked irreversible.
//! - Flagged, never acted on: root's credentials, anything allowlisted or suppressed,
//!   a credential used within the window since the report, one unused for fewer days
//!   than the plan's threshold, one that is gone or already done.

use std::collections::HashMap;

use anyhow::anyhow;
use credreport_audit::{CheckId, Credential, Status};
use credreport_report::{is_root_arn, read_all, Cell, Column, KeyField, Slot, Timestamp};

use super::action::ActionKind;
use super::allowlist::Allowlist;
use super::plan::{
    FlagReason, Flagged, Plan, PlanReport, PlanThresholds, PlannedAction, Time, FORMAT_VERSION,
};
use super::state::{CurrentState, Wanted};
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
    if !matches!(f.check, CheckId::AccessKeyUnused | CheckId::PasswordUnused)
        || f.status == Status::NotEvaluated
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
    if f.check == CheckId::PasswordUnused {
        return Rule::Password;
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
    let action = ActionKind::DeactivateAccessKey;
    Ok(PlannedAction {
        id: 0,
        action,
        call: action.call().to_owned(),
        user: f.user.clone(),
        arn: f.arn.clone(),
        access_key_id: Some(key.id.clone()),
        slot: Some(Credential::AccessKey(slot)),
        key_created: Some(Time(created)),
        last_used: last_used.map(Time),
        unused_days: unused,
        finding: f.fingerprint.clone(),
        reversible: action.reversible(),
        note: format!(
            "reversible: `credreport remediate --undo RUN_ID` sets {} Active again",
            key.id
        ),
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
    let action = ActionKind::DeleteLoginProfile;
    Ok(PlannedAction {
        id: 0,
        action,
        call: action.call().to_owned(),
        user: f.user.clone(),
        arn: f.arn.clone(),
        access_key_id: None,
        slot: None,
        key_created: None,
        last_used: state.last_used.map(Time),
        unused_days: unused,
        finding: f.fingerprint.clone(),
        reversible: action.reversible(),
        note: "a deleted password cannot be restored (undo cannot bring it back): \
               --apply needs --allow-password-removal"
            .to_owned(),
    })
}

/// The plan: an action for each finding that asks for one and whose credential, as IAM
/// has it now, still needs it; every other finding a remediation could answer, flagged
/// with the reason. Actions are numbered from 1 in the findings' order.
pub fn plan(input: &PlanInput<'_>) -> Plan {
    let mut actions = Vec::new();
    let mut flagged = Vec::new();
    for f in input.findings {
        let decided = match rule(f, input.key_times, input.allowlist) {
            Rule::Ignore => continue,
            Rule::Flag(reason, detail) => Err((reason, detail)),
            Rule::Key(slot, created) => key_action(input, f, slot, created),
            Rule::Password => password_action(input, f),
        };
        match decided {
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
    use crate::remediate::api::{KeyState, PasswordState};

    const ACCOUNT: &str = "123456789012";
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

    /// What the plan must say about a case's one finding.
    #[derive(Debug, PartialEq, Eq)]
    enum Want {
        /// An action: its kind, its key, the days unused.
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
            },
            allowlist: &allowlist,
            now: now(),
        });
        match (&c.want, &plan.actions[..], &plan.flagged[..]) {
            (Want::Act(kind, key, days), [a], []) => {
                assert_eq!(
                    (a.action, a.access_key_id.as_deref(), a.unused_days),
                    (*kind, *key, *days),
                    "{}",
                    c.name
                );
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
            },
            allowlist: &allowlist,
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
}
