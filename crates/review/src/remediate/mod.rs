//! Remediation, safe by default: findings into a plan of IAM calls (`--plan`, which
//! changes nothing), the plan applied with every credential re-checked just before its
//! call (`--apply`), and a run undone (`--undo`). Every call, made or skipped, is in the
//! history's audit trail.
//!
//! The decisions are pure functions, tested as tables without an endpoint: [`planner`]
//! (findings, current state, thresholds, allowlist into a plan) and [`decide`] (the
//! re-check before each call). The IAM calls sit behind [`IamApi`]: [`state`] reads what
//! a plan needs through it, [`apply`] makes the calls; [`sdk`] implements it with the
//! AWS SDK.
//!
//! - [`action`]: the actions by name, what undoes each, how a call ended.
//! - [`change`]: the calls an action made, as the trail keeps them, and their undo.
//! - [`plan`]: the plan file (JSON, versioned) and its strict reader.
//! - [`policy`]: the managed policies actions attach (`credreport-require-mfa`'s
//!   document, AWS's `AWSDenyAll`), their ARNs.
//! - [`allowlist`]: credentials never acted on.

pub mod action;
pub mod allowlist;
pub mod api;
pub mod apply;
pub mod change;
pub mod decide;
#[cfg(test)]
pub(crate) mod memory;
pub mod plan;
pub mod planner;
pub mod policy;
pub mod sdk;
pub mod state;
pub mod view;

pub use api::{IamApi, KeyState, MfaDevice, PasswordState, UserInfo};

use std::collections::BTreeMap;

use credreport_report::Timestamp;

use allowlist::Allowlist;
use plan::{Plan, PlanReport, PlanThresholds, Time};
use planner::{KeyTimes, PlanInput};

use crate::history::ingest::Ingested;
use crate::history::trail::Quarantine;

/// The plan for a stored report of `account` (its bytes `report`): what the planner
/// needs of the credentials' current state is read through `iam`, then [`planner::plan`].
/// `quarantines` are the users earlier runs quarantined in this account
/// ([`crate::history::History::quarantines`]).
#[allow(clippy::too_many_arguments)]
pub async fn make_plan(
    iam: &impl IamApi,
    account: &str,
    stored: &Ingested,
    report: &[u8],
    thresholds: PlanThresholds,
    allowlist: &Allowlist,
    quarantines: &BTreeMap<String, Quarantine>,
    now: Timestamp,
) -> anyhow::Result<Plan> {
    let key_times = KeyTimes::read(report)?;
    let wanted = planner::wanted(&stored.findings, &key_times, allowlist);
    let state = state::read(iam, &wanted).await?;
    Ok(planner::plan(&PlanInput {
        account,
        report: PlanReport {
            history_id: Some(stored.meta.id),
            generated: Time(stored.meta.generated),
            sha256: stored.meta.sha256.clone(),
        },
        key_times: &key_times,
        findings: &stored.findings,
        state: &state,
        thresholds,
        allowlist,
        quarantines,
        now,
    }))
}
