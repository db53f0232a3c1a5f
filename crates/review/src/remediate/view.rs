//! What `credreport remediate` prints: the plan it wrote, and how a run went.

use std::fmt::Write as _;
use std::path::Path;

use super::action::Outcome;
use super::apply::RunResult;
use super::plan::Plan;
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
        let what = a
            .access_key_id
            .clone()
            .unwrap_or_else(|| "console password".to_owned());
        let irreversible = if a.reversible { "" } else { "  IRREVERSIBLE" };
        let _ = writeln!(
            s,
            "  {:>3}  {:<22}  {:<20}  {what}  unused {} days{irreversible}",
            a.id, a.action, a.user, a.unused_days
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
