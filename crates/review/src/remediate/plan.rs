//! The remediation plan: a JSON file of IAM calls to make, written by `remediate --plan`
//! and read by `remediate --apply`.
//!
//! Format (version 2; version 1, written before `require-mfa`, `quarantine-user` and
//! `delete-user`, is read too, and written back as it was):
//!
//! ```json
//! {
//!   "format_version": 2,
//!   "created": "2026-11-23T10:00:00Z",
//!   "account": "123456789012",
//!   "report": { "history_id": 7, "generated": "2026-11-23T09:58:12Z", "sha256": "…" },
//!   "thresholds": { "key_unused_days": 45, "password_unused_days": 45,
//!                   "user_inactive_days": 90, "quarantine_days": 30 },
//!   "actions": [
//!     { "id": 1, "action": "deactivate-access-key", "call": "UpdateAccessKey Status=Inactive",
//!       "user": "ci-bot", "arn": "arn:aws:iam::123456789012:user/ci-bot",
//!       "access_key_id": "AKIA…", "slot": "access_key_1", "key_created": "…",
//!       "last_used": "…" | null, "unused_days": 61, "finding": "access-key-unused:…",
//!       "reversible": true, "note": "…" },
//!     { "id": 2, "action": "delete-login-profile", "call": "DeleteLoginProfile",
//!       "user": "carol", …, "reversible": false,
//!       "note": "a deleted password cannot be restored: --apply needs --allow-password-removal" },
//!     { "id": 3, "action": "require-mfa", "call": "AttachUserPolicy credreport-require-mfa …",
//!       "user": "dave", …, "policy_arn": "arn:aws:iam::123456789012:policy/credreport-require-mfa",
//!       "last_used": …, "finding": "console-no-mfa:…", "reversible": true, "note": "…" },
//!     { "id": 4, "action": "quarantine-user", "call": "AttachUserPolicy AWSDenyAll; …",
//!       "user": "erin", …, "policy_arn": "arn:aws:iam::aws:policy/AWSDenyAll",
//!       "access_key_ids": ["AKIA…"], "login_profile": true, "last_used": …,
//!       "unused_days": 120, "finding": "user-inactive:…", "reversible": true, "note": "…" },
//!     { "id": 5, "action": "delete-user", "call": "DeleteAccessKey, …, then DeleteUser",
//!       "user": "frank", …, "policy_arn": "arn:aws:iam::aws:policy/AWSDenyAll",
//!       "quarantined": "2026-10-20T10:00:00Z", "quarantine_run": 12, "last_used": …,
//!       "unused_days": 160, "finding": "user-inactive:…", "reversible": false, "note": "…" }
//!   ],
//!   "flagged": [ { "resource": "…", "check": "root-access-key", "reason": "root", "detail": "…" } ]
//! }
//! ```
//!
//! `unused_days` is left out where it means nothing (`require-mfa`). `flagged` lists what
//! the plan will never act on, and why: `root`, `used-within-window`, `allowlisted`,
//! `suppressed`, `under-threshold`, `not-found`, `already-done`, `quarantined` (a user
//! quarantined fewer than `quarantine_days` ago), `superseded` (another action of the plan
//! answers it).
//!
//! Reading a plan checks every value while parsing, so a bad plan is refused with its
//! file, line, column and field (`plan.json:14:25: actions: access_key_id "AKIA": …`).

use std::path::Path;

use anyhow::Context;
use credreport_audit::{CheckId, Credential};
use credreport_report::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use super::action::ActionKind;
use crate::names::named;
use crate::position::{line_col, offset_of};

/// The plan format this build writes.
pub const FORMAT_VERSION: u32 = 2;

/// The plan formats this build reads.
pub const READS: [u32; 2] = [1, 2];

/// The managed policy `require-mfa` attaches (created when missing).
pub const REQUIRE_MFA_POLICY: &str = "credreport-require-mfa";

/// AWS's managed policy `quarantine-user` attaches.
pub const DENY_ALL_POLICY: &str = "AWSDenyAll";

/// An instant, written `2026-11-23T10:00:00Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub Timestamp);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_zulu())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let text = String::deserialize(d)?;
        match Timestamp::parse(text.as_bytes()) {
            Some((t, _)) => Ok(Time(t)),
            None => Err(serde::de::Error::custom(format!(
                "{text:?} is not a time (expected 2026-11-23T10:00:00Z)"
            ))),
        }
    }
}

/// One IAM call of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAction")]
pub struct PlannedAction {
    pub id: u32,
    pub action: ActionKind,
    /// The call, for the reader (`UpdateAccessKey Status=Inactive`).
    pub call: String,
    pub user: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// The key's slot in the report (`access_key_1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<Credential>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_created: Option<Time>,
    /// The managed policy attached (`require-mfa`, `quarantine-user`, and the
    /// quarantine's for `delete-user`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_arn: Option<String>,
    /// `quarantine-user`: the keys Active when the plan was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_ids: Option<Vec<String>>,
    /// `quarantine-user`: whether the user had a console password when the plan was made
    /// (deleted only with `--allow-password-removal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_profile: Option<bool>,
    /// `delete-user`: when an earlier run quarantined the user, and that run's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantined: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantine_run: Option<i64>,
    /// The credential's (for a user's actions: any credential's) last use when the plan
    /// was made (none: never used). The apply skips the action if it was used after this.
    pub last_used: Option<Time>,
    /// Days without use when the plan was made (none where it means nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unused_days: Option<i64>,
    /// The finding's fingerprint.
    pub finding: String,
    /// Whether `remediate --undo` can reverse it.
    pub reversible: bool,
    pub note: String,
}

impl PlannedAction {
    /// An action of `kind` on `user` (its ARN `arn`) for the finding `finding`: its call
    /// and reversibility from its kind, every credential field empty, numbered 0.
    pub fn of(kind: ActionKind, user: &str, arn: &str, finding: &str) -> PlannedAction {
        PlannedAction {
            id: 0,
            action: kind,
            call: kind.call().to_owned(),
            user: user.to_owned(),
            arn: arn.to_owned(),
            access_key_id: None,
            slot: None,
            key_created: None,
            policy_arn: None,
            access_key_ids: None,
            login_profile: None,
            quarantined: None,
            quarantine_run: None,
            last_used: None,
            unused_days: None,
            finding: finding.to_owned(),
            reversible: kind.reversible(),
            note: String::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    id: u32,
    action: ActionKind,
    call: String,
    user: String,
    arn: String,
    #[serde(default)]
    access_key_id: Option<String>,
    #[serde(default)]
    slot: Option<Credential>,
    #[serde(default)]
    key_created: Option<Time>,
    #[serde(default)]
    policy_arn: Option<String>,
    #[serde(default)]
    access_key_ids: Option<Vec<String>>,
    #[serde(default)]
    login_profile: Option<bool>,
    #[serde(default)]
    quarantined: Option<Time>,
    #[serde(default)]
    quarantine_run: Option<i64>,
    last_used: Option<Time>,
    #[serde(default)]
    unused_days: Option<i64>,
    finding: String,
    reversible: bool,
    note: String,
}

/// An IAM user name as CreateUser accepts it.
fn valid_user(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// Whether `arn` is the ARN of the managed policy `name`: AWS's
/// (`arn:<partition>:iam::aws:policy/<name>`) or a customer's
/// (`arn:<partition>:iam::<account>:policy/<path><name>`).
fn policy_arn_names(arn: &str, name: &str, aws: bool) -> bool {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(owner), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let owner_fits = if aws {
        owner == "aws"
    } else {
        owner.len() == 12 && owner.bytes().all(|b| b.is_ascii_digit())
    };
    !partition.is_empty()
        && owner_fits
        && resource.starts_with("policy/")
        && resource.rsplit('/').next() == Some(name)
}

/// An access key id: `AKIA`/`ASIA` and 16 or more upper-case letters and digits.
fn valid_key_id(id: &str) -> bool {
    (16..=128).contains(&id.len())
        && (id.starts_with("AKIA") || id.starts_with("ASIA"))
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl TryFrom<RawAction> for PlannedAction {
    type Error = String;

    fn try_from(r: RawAction) -> Result<PlannedAction, String> {
        let id = r.id;
        if !valid_user(&r.user) {
            return Err(format!(
                "user: action {id}: {:?} is not an IAM user name",
                r.user
            ));
        }
        let key = |field: &str, k: &str| -> Result<(), String> {
            if valid_key_id(k) {
                Ok(())
            } else {
                Err(format!(
                    "{field}: action {id}: {k:?} is not an access key id (AKIA…)"
                ))
            }
        };
        let policy = |name: &str, aws: bool| -> Result<(), String> {
            match &r.policy_arn {
                Some(arn) if policy_arn_names(arn, name, aws) => Ok(()),
                Some(arn) => Err(format!(
                    "policy_arn: action {id}: {arn:?} is not the ARN of {}{name}",
                    if aws { "AWS's " } else { "" }
                )),
                None => Err(format!(
                    "action: action {id}: {} needs policy_arn",
                    r.action
                )),
            }
        };
        let irreversible = |what: &str| -> Result<(), String> {
            if r.reversible {
                Err(format!(
                    "reversible: action {id}: {what} cannot be restored, so {} is never reversible",
                    r.action
                ))
            } else {
                Ok(())
            }
        };
        if r.unused_days.is_none() && r.action != ActionKind::RequireMfa {
            return Err(format!(
                "action: action {id}: {} needs unused_days",
                r.action
            ));
        }
        match r.action {
            ActionKind::DeactivateAccessKey => match &r.access_key_id {
                Some(k) => key("access_key_id", k)?,
                None => {
                    return Err(format!(
                        "action: action {id}: deactivate-access-key needs access_key_id"
                    ))
                }
            },
            ActionKind::DeleteLoginProfile => irreversible("a deleted password")?,
            ActionKind::RequireMfa => policy(REQUIRE_MFA_POLICY, false)?,
            ActionKind::QuarantineUser => {
                policy(DENY_ALL_POLICY, true)?;
                for k in r.access_key_ids.iter().flatten() {
                    key("access_key_ids", k)?;
                }
            }
            ActionKind::DeleteUser => {
                irreversible("a deleted user")?;
                policy(DENY_ALL_POLICY, true)?;
                if r.quarantined.is_none() {
                    return Err(format!(
                        "action: action {id}: delete-user needs quarantined (when an earlier run quarantined the user)"
                    ));
                }
            }
        }
        if let Some(slot) = r.slot {
            if !matches!(slot, Credential::AccessKey(_)) {
                return Err(format!(
                    "slot: action {id}: {slot} is not an access key's slot"
                ));
            }
        }
        Ok(PlannedAction {
            id,
            action: r.action,
            call: r.call,
            user: r.user,
            arn: r.arn,
            access_key_id: r.access_key_id,
            slot: r.slot,
            key_created: r.key_created,
            policy_arn: r.policy_arn,
            access_key_ids: r.access_key_ids,
            login_profile: r.login_profile,
            quarantined: r.quarantined,
            quarantine_run: r.quarantine_run,
            last_used: r.last_used,
            unused_days: r.unused_days,
            finding: r.finding,
            reversible: r.reversible,
            note: r.note,
        })
    }
}

named! {
    /// Why a plan does not act on a finding.
    pub enum FlagReason {
        /// The root user's credentials are handled by hand, signed in as root.
        Root = "root",
        /// Used after the report, within the window.
        UsedWithinWindow = "used-within-window",
        /// The allowlist names it.
        Allowlisted = "allowlisted",
        /// A suppression in the audit configuration accepts the finding.
        Suppressed = "suppressed",
        /// Unused for fewer days than the plan's threshold.
        UnderThreshold = "under-threshold",
        /// The credential is not there (or not in the report).
        NotFound = "not-found",
        /// The credential is already as the action would leave it.
        AlreadyDone = "already-done",
        /// Quarantined by an earlier run fewer than the plan's `quarantine_days` ago:
        /// deleted once that long has passed with no use.
        Quarantined = "quarantined",
        /// A stronger action of the plan for the same user answers it (no MFA is
        /// required of a user whose password the plan deletes, or whom it quarantines or
        /// deletes; no key is deactivated on its own for a user quarantined or deleted).
        Superseded = "superseded",
    }
}

/// Something the plan will not act on, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flagged {
    pub resource: String,
    pub check: CheckId,
    pub reason: FlagReason,
    pub detail: String,
}

/// The report the plan was made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanReport {
    pub history_id: Option<i64>,
    pub generated: Time,
    pub sha256: String,
}

/// The windows the plan acted on. `user_inactive_days` and `quarantine_days` are in
/// version 2 plans (a version 1 plan has neither: it quarantines and deletes nobody).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanThresholds {
    pub key_unused_days: u32,
    pub password_unused_days: u32,
    /// `quarantine-user`: days with no use of any of the user's credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_inactive_days: Option<u32>,
    /// `delete-user`: days a quarantined user stays unused before it is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine_days: Option<u32>,
}

/// How long a quarantined user waits for deletion unless told otherwise.
pub const DEFAULT_QUARANTINE_DAYS: u32 = 30;

impl PlanThresholds {
    /// The audit configuration's: a credential the audit calls unused (the shorter of
    /// the human and machine windows) is unused for the plan too, a user it calls
    /// inactive is inactive for the plan too; quarantined users wait 30 days.
    pub fn of(config: &credreport_audit::Config) -> PlanThresholds {
        let days = config.human.unused_days.min(config.machine.unused_days);
        PlanThresholds {
            key_unused_days: days,
            password_unused_days: days,
            user_inactive_days: Some(
                config
                    .human
                    .inactive_user_days
                    .min(config.machine.inactive_user_days),
            ),
            quarantine_days: Some(DEFAULT_QUARANTINE_DAYS),
        }
    }
}

/// A remediation plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub format_version: u32,
    pub created: Time,
    pub account: String,
    pub report: PlanReport,
    pub thresholds: PlanThresholds,
    pub actions: Vec<PlannedAction>,
    pub flagged: Vec<Flagged>,
}

impl Plan {
    /// The actions that delete console passwords (never reversible).
    pub fn password_removals(&self) -> usize {
        self.count(ActionKind::DeleteLoginProfile)
    }

    /// The actions that delete users (never reversible).
    pub fn user_deletions(&self) -> usize {
        self.count(ActionKind::DeleteUser)
    }

    /// The actions of one kind.
    pub fn count(&self, kind: ActionKind) -> usize {
        self.actions.iter().filter(|a| a.action == kind).count()
    }

    /// The plan as its file holds it.
    pub fn to_json(&self) -> anyhow::Result<String> {
        let mut text = serde_json::to_string_pretty(self).context("writing the plan")?;
        text.push('\n');
        Ok(text)
    }

    /// Reads a plan from `text` (from file `name`): a bad plan is an error naming the
    /// file, line and column, and what is wrong there.
    pub fn parse(name: &str, text: &str) -> anyhow::Result<Plan> {
        let plan: Plan = serde_json::from_str(text).map_err(|e| {
            // serde_json appends " at line L column C": say it the way the CLI names
            // positions everywhere else.
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m)
                .to_owned();
            let (mut line, mut column) = (e.line(), e.column());
            let mut message = message;
            // A value refused after it was read is reported past it (an action: at its
            // end): point at its field, and name it.
            if e.is_data() {
                let end = offset_of(text, line, column);
                let named = message
                    .split_once(": ")
                    .map(|(f, _)| f)
                    .filter(|f| is_field_name(f))
                    .and_then(|f| text[..end].rfind(&format!("\"{f}\"")));
                if let Some(at) = named {
                    (line, column) = line_col(text, at);
                } else if !message.contains('`') {
                    if let Some((field, at)) = field_before(text, end) {
                        message = format!("{field}: {message}");
                        (line, column) = line_col(text, at);
                    }
                }
            }
            anyhow::anyhow!("{name}:{line}:{column}: {message}")
        })?;
        if !READS.contains(&plan.format_version) {
            anyhow::bail!(
                "{name}: format_version {}: this credreport reads versions {} and {}",
                plan.format_version,
                READS[0],
                READS[1]
            );
        }
        if !(plan.account.len() == 12 && plan.account.bytes().all(|b| b.is_ascii_digit())) {
            anyhow::bail!(
                "{name}: account {:?} is not a 12-digit account id",
                plan.account
            );
        }
        let mut ids = std::collections::HashSet::new();
        for a in &plan.actions {
            if !ids.insert(a.id) {
                anyhow::bail!("{name}: actions: id {} appears twice", a.id);
            }
            if a.action.since_version() > plan.format_version {
                anyhow::bail!(
                    "{name}: actions: action {}: {} needs format_version {} (this plan is version {})",
                    a.id,
                    a.action,
                    a.action.since_version(),
                    plan.format_version
                );
            }
            if a.action == ActionKind::RequireMfa
                && a.policy_arn
                    .as_deref()
                    .and_then(|arn| arn.split(':').nth(4))
                    != Some(plan.account.as_str())
            {
                anyhow::bail!(
                    "{name}: actions: action {}: policy_arn is not in account {}",
                    a.id,
                    plan.account
                );
            }
        }
        Ok(plan)
    }

    /// Reads the plan file.
    pub fn read(path: &Path) -> anyhow::Result<(Plan, String)> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let plan = Plan::parse(&path.display().to_string(), &text)?;
        Ok((plan, crate::history::store::sha256_hex(text.as_bytes())))
    }
}

fn is_field_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// The last `"field":` before byte `end`: its name and the offset of its opening quote.
fn field_before(text: &str, end: usize) -> Option<(String, usize)> {
    let mut end = end.min(text.len());
    while let Some(colon) = text[..end].rfind(':') {
        let key = text[..colon].trim_end();
        if let Some(k) = key.strip_suffix('"') {
            if let Some(open) = k.rfind('"') {
                let field = &k[open + 1..];
                if is_field_name(field) {
                    return Some((field.to_owned(), open));
                }
            }
        }
        end = colon;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
  "format_version": 1,
  "created": "2026-11-23T10:00:00Z",
  "account": "123456789012",
  "report": { "history_id": 3, "generated": "2026-11-23T09:58:12Z", "sha256": "ab" },
  "thresholds": { "key_unused_days": 45, "password_unused_days": 45 },
  "actions": [
    { "id": 1, "action": "deactivate-access-key", "call": "UpdateAccessKey Status=Inactive",
      "user": "ci-bot", "arn": "arn:aws:iam::123456789012:user/ci-bot",
      "access_key_id": "AKIAIOSFODNN7EXAMPLE", "slot": "access_key_1",
      "key_created": "2026-01-01T00:00:00Z", "last_used": null, "unused_days": 61,
      "finding": "access-key-unused:x", "reversible": true, "note": "" }
  ],
  "flagged": []
}"#;

    /// Each case: a change to the good plan, and the start of the error it must give.
    #[test]
    fn a_bad_plan_is_refused_with_line_column_and_field() {
        assert!(Plan::parse("plan.json", GOOD).is_ok());
        let cases: &[(&str, &str, &str)] = &[
            (
                "\"AKIAIOSFODNN7EXAMPLE\"",
                "\"AKIA-nope\"",
                "plan.json:10:7: access_key_id: action 1",
            ),
            (
                "\"deactivate-access-key\"",
                "\"delete-everything\"",
                "plan.json:8:44: unknown variant `delete-everything`",
            ),
            (
                "\"deactivate-access-key\"",
                "\"delete-user\"",
                "plan.json:12:41: reversible: action 1: a deleted user cannot be restored",
            ),
            (
                "\"ci-bot\", \"arn\"",
                "\"ci bot\", \"arn\"",
                "plan.json:9:7: user: action 1",
            ),
            (
                "\"access_key_id\": \"AKIAIOSFODNN7EXAMPLE\",",
                "",
                "plan.json:8:16: action: action 1: deactivate-access-key needs",
            ),
            (
                "\"2026-01-01T00:00:00Z\"",
                "\"last tuesday\"",
                "plan.json:11:7: key_created: ",
            ),
            (
                "\"2026-11-23T10:00:00Z\"",
                "\"soon\"",
                "plan.json:3:3: created: \"soon\" is not a time",
            ),
            (
                "\"unused_days\": 61",
                "\"unused_days\": 61, \"extra\": 1",
                "plan.json:11:90: unknown field `extra`",
            ),
            (
                "\"format_version\": 1",
                "\"format_version\": 3",
                "plan.json: format_version 3: this credreport reads versions 1 and 2",
            ),
            (
                "\"123456789012\",\n  \"report\"",
                "\"12345\",\n  \"report\"",
                "plan.json: account",
            ),
            (
                "{\n  \"format_version\"",
                "{\n  \"format_versio\"",
                "plan.json:2:",
            ),
        ];
        for (from, to, want) in cases {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "case {to} changes the plan");
            let err = Plan::parse("plan.json", &text).expect_err(to).to_string();
            assert!(err.starts_with(want), "{to}: {err}");
        }
    }

    /// A plan `remediate --plan` wrote before the review loop became a library (the
    /// simulation's, `tests/data/README.md`): read and written again, byte for byte.
    #[test]
    fn a_plan_written_by_the_wave2_build_reads_and_writes_back_the_same_bytes() {
        let text = include_str!("../../tests/data/plan-wave2.json");
        let plan = Plan::parse("plan-wave2.json", text).expect("reads");
        assert_eq!(plan.actions.len(), 3);
        assert_eq!(plan.flagged.len(), 3);
        assert_eq!(plan.to_json().expect("json"), text);
    }

    const GOOD_V2: &str = r#"{
  "format_version": 2,
  "created": "2026-11-23T10:00:00Z",
  "account": "123456789012",
  "report": { "history_id": 3, "generated": "2026-11-23T09:58:12Z", "sha256": "ab" },
  "thresholds": { "key_unused_days": 45, "password_unused_days": 45,
                  "user_inactive_days": 90, "quarantine_days": 30 },
  "actions": [
    { "id": 1, "action": "require-mfa", "call": "AttachUserPolicy",
      "user": "dave", "arn": "arn:aws:iam::123456789012:user/dave",
      "policy_arn": "arn:aws:iam::123456789012:policy/credreport-require-mfa",
      "last_used": null, "finding": "console-no-mfa:x", "reversible": true, "note": "" },
    { "id": 2, "action": "quarantine-user", "call": "AttachUserPolicy",
      "user": "erin", "arn": "arn:aws:iam::123456789012:user/erin",
      "policy_arn": "arn:aws:iam::aws:policy/AWSDenyAll",
      "access_key_ids": ["AKIAIOSFODNN7EXAMPLE"], "login_profile": true,
      "last_used": null, "unused_days": 120, "finding": "user-inactive:x",
      "reversible": true, "note": "" },
    { "id": 3, "action": "delete-user", "call": "DeleteUser",
      "user": "frank", "arn": "arn:aws:iam::123456789012:user/frank",
      "policy_arn": "arn:aws:iam::aws:policy/AWSDenyAll",
      "quarantined": "2026-10-01T00:00:00Z", "quarantine_run": 4,
      "last_used": null, "unused_days": 200, "finding": "user-inactive:y",
      "reversible": false, "note": "" }
  ],
  "flagged": [ { "resource": "r", "check": "user-inactive", "reason": "quarantined",
                 "detail": "d" } ]
}"#;

    /// Version 2's actions: each case a change to the good plan, and the start of the
    /// error it must give.
    #[test]
    fn a_version_2_plan_reads_and_its_actions_are_checked() {
        let plan = Plan::parse("plan.json", GOOD_V2).expect("good");
        assert_eq!(plan.user_deletions(), 1);
        assert_eq!(plan.password_removals(), 0, "a quarantine's needs no flag");
        let again = Plan::parse("again.json", &plan.to_json().expect("json")).expect("reads");
        assert_eq!(plan, again);
        let cases: &[(&str, &str, &str)] = &[
            (
                "\"format_version\": 2",
                "\"format_version\": 1",
                "plan.json: actions: action 1: require-mfa needs format_version 2 (this plan is version 1)",
            ),
            (
                "policy/credreport-require-mfa",
                "policy/AdministratorAccess",
                "plan.json:11:7: policy_arn: action 1: \"arn:aws:iam::123456789012:policy/AdministratorAccess\" is not the ARN of credreport-require-mfa",
            ),
            (
                "arn:aws:iam::123456789012:policy/credreport-require-mfa",
                "arn:aws:iam::210987654321:policy/credreport-require-mfa",
                "plan.json: actions: action 1: policy_arn is not in account 123456789012",
            ),
            (
                "\"policy_arn\": \"arn:aws:iam::aws:policy/AWSDenyAll\",\n      \"access_key_ids\"",
                "\"policy_arn\": \"arn:aws:iam::123456789012:policy/AWSDenyAll\",\n      \"access_key_ids\"",
                "plan.json:15:7: policy_arn: action 2: \"arn:aws:iam::123456789012:policy/AWSDenyAll\" is not the ARN of AWS's AWSDenyAll",
            ),
            (
                "[\"AKIAIOSFODNN7EXAMPLE\"]",
                "[\"nope\"]",
                "plan.json:16:7: access_key_ids: action 2: \"nope\" is not an access key id",
            ),
            (
                "\"quarantined\": \"2026-10-01T00:00:00Z\", ",
                "",
                "plan.json:19:16: action: action 3: delete-user needs quarantined",
            ),
            (
                "\"unused_days\": 120, ",
                "",
                "plan.json:13:16: action: action 2: quarantine-user needs unused_days",
            ),
        ];
        for (from, to, want) in cases {
            let text = GOOD_V2.replacen(from, to, 1);
            assert_ne!(text, GOOD_V2, "case {to} changes the plan");
            let err = Plan::parse("plan.json", &text).expect_err(to).to_string();
            assert!(err.starts_with(want), "{to}: {err}");
        }
    }

    #[test]
    fn a_written_plan_reads_back_the_same() {
        let plan = Plan::parse("plan.json", GOOD).expect("good plan");
        let again = Plan::parse("again.json", &plan.to_json().expect("json")).expect("reads");
        assert_eq!(plan, again);
    }
}
