//! What `credreport remediate` prints: the plan it wrote, and how a run went.

use std::fmt::Write as _;
use std::path::Path;

use super::action::{ActionKind, Outcome};
use super::apply::RunResult;
use super::plan::{Plan, PlannedAction};
use crate::history::ingest::Ingested;

/// The plan written to `path`, made from the stored report `stored`.
pub fn plan(plan: &Plan, stored: &Ingested, path: &Path) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "plan for account {} (report {} in the history{}, generated {}): {} action(s), {} flagged",
        plan.account,
        stored.meta.id,
        if stored.new {
            ", new"
        } else {
            ", stored before"
        },
        stored.meta.generated.to_zulu(),
        plan.actions.len(),
        plan.flagged.len()
    );
    for a in &plan.actions {
        let irreversible = if a.reversible { "" } else { "  IRREVERSIBLE" };
        let unused = a
            .unused_days
            .map_or(String::new(), |d| format!("  unused {d} days"));
        let _ = writeln!(
            s,
            "  {:>3}  {:<22}  {:<20}  {}{unused}{irreversible}",
            a.id,
            a.action,
            a.user,
            what(a)
        );
    }
    if !plan.flagged.is_empty() {
        s.push_str("flagged (never acted on):\n");
        for f in &plan.flagged {
            let _ = writeln!(
                s,
                "  {:<19}  {}  ({}): {}",
                f.reason, f.resource, f.check, f.detail
            );
        }
    }
    let _ = writeln!(
        s,
        "plan written to {}; nothing was changed. Apply it with: credreport remediate --apply {}",
        path.display(),
        path.display()
    );
    s
}

/// What an action touches, in a few words.
fn what(a: &PlannedAction) -> String {
    let policy = a
        .policy_arn
        .as_deref()
        .and_then(|p| p.rsplit('/').next())
        .unwrap_or_default();
    match a.action {
        ActionKind::DeactivateAccessKey => a.access_key_id.clone().unwrap_or_default(),
        ActionKind::DeleteLoginProfile => "console password".to_owned(),
        ActionKind::RequireMfa => format!("{policy} attached"),
        ActionKind::QuarantineUser => {
            let keys = a.access_key_ids.as_deref().unwrap_or_default();
            let mut w = format!("{policy} attached");
            if !keys.is_empty() {
                w.push_str(&format!(", {} Inactive", keys.join(", ")));
            }
            if a.login_profile == Some(true) {
                w.push_str(", password deleted with --allow-password-removal");
            }
            w
        }
        ActionKind::DeleteUser => format!(
            "user deleted (quarantined {}{})",
            a.quarantined.map_or("-".to_owned(), |t| t.0.to_zulu()),
            a.quarantine_run
                .map_or(String::new(), |r| format!(" by run {r}"))
        ),
    }
}

/// A run (or a dry run) in `account`, acting as `principal`: each action's outcome, and
/// the counts.
pub fn run(account: &str, principal: &str, r: &RunResult) -> String {
    let mut s = String::new();
    let _ = match r.run_id {
        Some(id) => writeln!(s, "run {id} in account {account} as {principal}"),
        None => writeln!(
            s,
            "dry run in account {account} as {principal}: nothing is changed"
        ),
    };
    for (i, o) in r.outcomes.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {:>3}  {:<8}  {:<22}  {:<20}  {}",
            i + 1,
            o.outcome,
            o.action,
            o.user,
            o.detail
        );
    }
    let _ = match r.run_id {
        Some(id) => writeln!(
            s,
            "{} done, {} skipped, {} failed; audit trail: credreport history runs --run {id}",
            r.count(Outcome::Done),
            r.count(Outcome::Skipped),
            r.count(Outcome::Failed)
        ),
        None => writeln!(
            s,
            "{} would be done, {} skipped, {} failed; nothing was changed",
            r.count(Outcome::WouldDo),
            r.count(Outcome::Skipped),
            r.count(Outcome::Failed)
        ),
    };
    s
}
