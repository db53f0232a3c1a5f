//! What `credreport review` prints when a review is done: each target's and account's
//! outcome, the new findings, and the counts.

use std::fmt::Write as _;
use std::path::Path;

use super::run::{ReviewRun, Reviewed};

/// The review of every target and account, and where the history is.
pub fn text(run: &ReviewRun, history: &Path) -> String {
    let mut s = String::new();
    for (target, e) in &run.failed_targets {
        let _ = writeln!(s, "target {target}: FAILED: {e}");
    }
    for a in &run.accounts {
        match &a.outcome {
            Reviewed::Done(d) => {
                let state = if d.new_report {
                    match d.previous {
                        Some(p) => format!("compared with report {p}"),
                        None => "first report of the account".to_owned(),
                    }
                } else {
                    "the same report as last time (IAM's 4-hour rule)".to_owned()
                };
                let notified = match &d.notified {
                    Some(n) if n.delivered => format!(", notified ({} attempt(s))", n.attempts),
                    Some(n) => format!(
                        ", notification NOT delivered after {} attempt(s): {}",
                        n.attempts,
                        n.error.as_deref().unwrap_or("")
                    ),
                    None => String::new(),
                };
                let _ = writeln!(
                    s,
                    "target {} account {}: report {} generated {} ({state}): {} new, {} open{notified}",
                    a.target,
                    a.account,
                    d.report_id,
                    d.generated.to_zulu(),
                    d.new_findings.len(),
                    d.open
                );
                for f in &d.new_findings {
                    let _ = writeln!(
                        s,
                        "  new {:<8} {:<24} {}",
                        f.severity.name(),
                        f.check.as_str(),
                        f.resource()
                    );
                }
                if let Some(i) = &d.security_hub {
                    let _ = writeln!(
                        s,
                        "  security hub {} ({}): {} new, {} changed, {} archived, {} unchanged, {} failed in {} call(s){}",
                        i.region,
                        i.destination,
                        i.new,
                        i.changed,
                        i.archived,
                        i.unchanged,
                        i.failed.len(),
                        i.calls,
                        i.error
                            .as_deref()
                            .map_or(String::new(), |e| format!("; STOPPED: {e}"))
                    );
                    for f in &i.failed {
                        let _ = writeln!(
                            s,
                            "  security hub refused {}: {}: {}",
                            f.id, f.code, f.message
                        );
                    }
                }
            }
            Reviewed::Failed(e) => {
                let _ = writeln!(s, "target {} account {}: FAILED: {e}", a.target, a.account);
            }
            Reviewed::Skipped(why) => {
                let _ = writeln!(
                    s,
                    "target {} account {}: skipped: {why}",
                    a.target, a.account
                );
            }
        }
    }
    let _ = writeln!(
        s,
        "{} account(s) reviewed, {} failed; history in {}",
        run.accounts
            .iter()
            .filter(|a| matches!(a.outcome, Reviewed::Done(_)))
            .count(),
        run.failures(),
        history.display()
    );
    s
}
