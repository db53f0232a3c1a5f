//! Findings into a plan: which IAM calls to make, and what to flag instead.
//!
//! - `access-key-unused` (failed): UpdateAccessKey to Inactive, once the key is resolved
//!   (the report has no key ids: ListAccessKeys, matched by creation time) and its last
//!   use read again (GetAccessKeyLastUsed: the report may be hours old).
//! - `password-unused` (failed): DeleteLoginProfile, marked irreversible.
//! - Flagged, never acted on: root's credentials, anything allowlisted or suppressed,
//!   a credential used within the window since the report, one unused for fewer days
//!   than the plan's threshold, one that is gone or already done.

use std::collections::HashMap;

use credreport_report::{read_all, Cell, Column, KeyField, Slot, Timestamp};

use super::allowlist::Allowlist;
use super::calls;
use super::plan::{
    ActionKind, Flagged, Plan, PlanReport, PlanThresholds, PlannedAction, Time, FORMAT_VERSION,
};
use crate::env::{Connected, Env};
use crate::history::ingest::Ingested;
use crate::history::StoredFinding;

/// What a plan is made from.
#[derive(Debug)]
pub struct PlanInput<'a> {
    pub account: &'a str,
    pub report: &'a [u8],
    pub generated: Timestamp,
    pub sha256: String,
    pub history_id: Option<i64>,
    pub findings: &'a [StoredFinding],
    pub thresholds: PlanThresholds,
    pub allowlist: &'a Allowlist,
    pub now: Timestamp,
}

const DAY: i64 = 86_400;

fn days_since(now: Timestamp, t: Timestamp) -> i64 {
    now.secs_since(t).div_euclid(DAY)
}

/// The creation time of each key slot, by ARN.
fn key_times(report: &[u8]) -> anyhow::Result<HashMap<(String, u8), Timestamp>> {
    let (rows, _) = read_all(report).map_err(|e| anyhow::anyhow!("the report: {e}"))?;
    let mut out = HashMap::new();
    for row in rows {
        for slot in Slot::BOTH {
            if let Some(Cell::Timestamp(t)) =
                row.get(Column::access_key(slot, KeyField::LastRotated))
            {
                out.insert((row.arn().to_owned(), slot.number()), *t);
            }
        }
    }
    Ok(out)
}

fn flag(f: &StoredFinding, reason: &str, detail: String) -> Flagged {
    Flagged {
        resource: f.resource(),
        check: f.check.clone(),
        reason: reason.to_owned(),
        detail,
    }
}

/// Makes the plan, reading each credential's current state through `iam`.
pub async fn build(
    iam: &aws_sdk_iam::Client,
    place: &str,
    input: &PlanInput<'_>,
) -> anyhow::Result<Plan> {
    let keys = key_times(input.report)?;
    let mut actions = Vec::new();
    let mut flagged = Vec::new();
    let now = input.now;
    for f in input.findings {
        let is_root = f.arn.ends_with(":root");
        let acts = matches!(f.check.as_str(), "access-key-unused" | "password-unused");
        if is_root {
            if f.status != "not_evaluated"
                && matches!(f.check.as_str(), "root-access-key" | "root-recent-use")
            {
                flagged.push(flag(
                    f,
                    "root",
                    "a plan never acts on the root user: its access keys are removed, and its \
                     use reviewed, by hand (signed in as root)"
                        .to_owned(),
                ));
            }
            continue;
        }
        if !acts || f.status == "not_evaluated" {
            continue;
        }
        if f.status == "suppressed" {
            flagged.push(flag(
                f,
                "suppressed",
                "a suppression in the audit configuration accepts this finding".to_owned(),
            ));
            continue;
        }
        let resource = f.resource();
        if let Some(rule) = input.allowlist.matching(&[&f.user, &f.arn, &resource]) {
            flagged.push(flag(f, "allowlisted", format!("allowlist {rule}")));
            continue;
        }
        if f.check == "access-key-unused" {
            let slot = if f.credential == "access_key_2" { 2 } else { 1 };
            let Some(created) = keys.get(&(f.arn.clone(), slot)).copied() else {
                flagged.push(flag(
                    f,
                    "not-found",
                    "the report has no such key".to_owned(),
                ));
                continue;
            };
            let listed = calls::list_keys(iam, place, &f.user).await?;
            let Some(key) = listed.iter().find(|k| k.created == Some(created)) else {
                flagged.push(flag(
                    f,
                    "not-found",
                    format!(
                        "{} has no key created {} any more (deleted or rotated since the report)",
                        f.user,
                        created.to_zulu()
                    ),
                ));
                continue;
            };
            if let Some(rule) = input.allowlist.matching(&[&key.id]) {
                flagged.push(flag(f, "allowlisted", format!("allowlist {rule}")));
                continue;
            }
            if !key.active {
                flagged.push(flag(
                    f,
                    "already-done",
                    format!("{} is already Inactive", key.id),
                ));
                continue;
            }
            let last_used = calls::key_last_used(iam, place, &key.id).await?;
            let unused = days_since(now, last_used.unwrap_or(created));
            let window = i64::from(input.thresholds.key_unused_days);
            if unused < window {
                let (reason, detail) = match last_used {
                    Some(t) if t > input.generated => (
                        "used-within-window",
                        format!(
                            "{} was used {} ({unused} days ago), after the report: within the {window}-day window",
                            key.id,
                            t.to_zulu()
                        ),
                    ),
                    _ => (
                        "under-threshold",
                        format!(
                            "{} is unused for {unused} days; the plan acts from {window}",
                            key.id
                        ),
                    ),
                };
                flagged.push(flag(f, reason, detail));
                continue;
            }
            let id = u32::try_from(actions.len() + 1).unwrap_or(u32::MAX);
            actions.push(PlannedAction {
                id,
                action: ActionKind::DeactivateAccessKey,
                call: "UpdateAccessKey Status=Inactive".to_owned(),
                user: f.user.clone(),
                arn: f.arn.clone(),
                access_key_id: Some(key.id.clone()),
                slot: Some(f.credential.clone()),
                key_created: Some(Time(created)),
                last_used: last_used.map(Time),
                unused_days: unused,
                finding: f.fingerprint.clone(),
                reversible: true,
                note: format!(
                    "reversible: `credreport remediate --undo RUN_ID` sets {} Active again",
                    key.id
                ),
            });
        } else {
            let state = calls::password_state(iam, place, &f.user).await?;
            if !state.exists {
                flagged.push(flag(
                    f,
                    "already-done",
                    format!("{} has no console password any more", f.user),
                ));
                continue;
            }
            let Some(since) = state.last_used.or(f
                .age_days
                .and_then(|d| input.generated.checked_add_secs(-d * DAY)))
            else {
                flagged.push(flag(
                    f,
                    "not-found",
                    "the password's last use is unknown".to_owned(),
                ));
                continue;
            };
            let unused = days_since(now, since);
            let window = i64::from(input.thresholds.password_unused_days);
            if unused < window {
                let reason = if since > input.generated {
                    "used-within-window"
                } else {
                    "under-threshold"
                };
                flagged.push(flag(
                    f,
                    reason,
                    format!(
                        "{}'s password was last used {} ({unused} days ago): within the {window}-day window",
                        f.user,
                        since.to_zulu()
                    ),
                ));
                continue;
            }
            let id = u32::try_from(actions.len() + 1).unwrap_or(u32::MAX);
            actions.push(PlannedAction {
                id,
                action: ActionKind::DeleteLoginProfile,
                call: "DeleteLoginProfile".to_owned(),
                user: f.user.clone(),
                arn: f.arn.clone(),
                access_key_id: None,
                slot: None,
                key_created: None,
                last_used: state.last_used.map(Time),
                unused_days: unused,
                finding: f.fingerprint.clone(),
                reversible: false,
                note: "a deleted password cannot be restored (undo cannot bring it back): \
                       --apply needs --allow-password-removal"
                    .to_owned(),
            });
        }
    }
    Ok(Plan {
        format_version: FORMAT_VERSION,
        created: Time(now),
        account: input.account.to_owned(),
        report: PlanReport {
            history_id: input.history_id,
            generated: Time(input.generated),
            sha256: input.sha256.clone(),
        },
        thresholds: input.thresholds,
        actions,
        flagged,
    })
}

/// The plan for a stored report.
pub async fn make_plan(
    env: &Env,
    c: &Connected,
    stored: &Ingested,
    report: &[u8],
    thresholds: PlanThresholds,
    allowlist: &Allowlist,
) -> anyhow::Result<Plan> {
    build(
        &c.iam,
        &c.place,
        &PlanInput {
            account: &c.account,
            report,
            generated: stored.meta.generated,
            sha256: stored.meta.sha256.clone(),
            history_id: Some(stored.meta.id),
            findings: &stored.findings,
            thresholds,
            allowlist,
            now: env.now(),
        },
    )
    .await
}
