//! The remediation plan: a JSON file of IAM calls to make, written by `remediate --plan`
//! and read by `remediate --apply`.
//!
//! Format (version 1):
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "created": "2026-11-23T10:00:00Z",
//!   "account": "123456789012",
//!   "report": { "history_id": 7, "generated": "2026-11-23T09:58:12Z", "sha256": "…" },
//!   "thresholds": { "key_unused_days": 45, "password_unused_days": 45 },
//!   "actions": [
//!     { "id": 1, "action": "deactivate-access-key", "call": "UpdateAccessKey Status=Inactive",
//!       "user": "ci-bot", "arn": "arn:aws:iam::123456789012:user/ci-bot",
//!       "access_key_id": "AKIA…", "slot": "access_key_1", "key_created": "…",
//!       "last_used": "…" | null, "unused_days": 61, "finding": "access-key-unused:…",
//!       "reversible": true, "note": "…" },
//!     { "id": 2, "action": "delete-login-profile", "call": "DeleteLoginProfile",
//!       "user": "carol", …, "reversible": false,
//!       "note": "a deleted password cannot be restored: --apply needs --allow-password-removal" }
//!   ],
//!   "flagged": [ { "resource": "…", "check": "root-access-key", "reason": "root", "detail": "…" } ]
//! }
//! ```
//!
//! `flagged` lists what the plan will never act on, and why: `root`, `used-within-window`,
//! `allowlisted`, `suppressed`, `under-threshold`, `not-found`, `already-done`.
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

/// The only plan format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

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
    /// The credential's last use when the plan was made (none: never used). The apply
    /// skips the action if it was used after this.
    pub last_used: Option<Time>,
    /// Days without use when the plan was made.
    pub unused_days: i64,
    /// The finding's fingerprint.
    pub finding: String,
    /// Whether `remediate --undo` can reverse it.
    pub reversible: bool,
    pub note: String,
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
    last_used: Option<Time>,
    unused_days: i64,
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
        match r.action {
            ActionKind::DeactivateAccessKey => match &r.access_key_id {
                Some(k) if valid_key_id(k) => {}
                Some(k) => {
                    return Err(format!(
                        "access_key_id: action {id}: {k:?} is not an access key id (AKIA…)"
                    ))
                }
                None => {
                    return Err(format!(
                        "action: action {id}: deactivate-access-key needs access_key_id"
                    ))
                }
            },
            ActionKind::DeleteLoginProfile => {
                if r.reversible {
                    return Err(format!(
                        "reversible: action {id}: a deleted password cannot be restored, so delete-login-profile is never reversible"
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

/// The windows the plan acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanThresholds {
    pub key_unused_days: u32,
    pub password_unused_days: u32,
}

impl PlanThresholds {
    /// The audit configuration's: a credential the audit calls unused (the shorter of
    /// the human and machine windows) is unused for the plan too.
    pub fn of(config: &credreport_audit::Config) -> PlanThresholds {
        let days = config.human.unused_days.min(config.machine.unused_days);
        PlanThresholds {
            key_unused_days: days,
            password_unused_days: days,
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
        self.actions
            .iter()
            .filter(|a| a.action == ActionKind::DeleteLoginProfile)
            .count()
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
        if plan.format_version != FORMAT_VERSION {
            anyhow::bail!(
                "{name}: format_version {}: this credreport reads version {FORMAT_VERSION}",
                plan.format_version
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
                "\"delete-user\"",
                "plan.json:8:38: unknown variant `delete-user`",
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
                "\"format_version\": 2",
                "plan.json: format_version 2",
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

    #[test]
    fn a_written_plan_reads_back_the_same() {
        let plan = Plan::parse("plan.json", GOOD).expect("good plan");
        let again = Plan::parse("again.json", &plan.to_json().expect("json")).expect("reads");
        assert_eq!(plan, again);
    }
}
