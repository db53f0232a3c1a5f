//! The history as `credreport history` shows it: a table for people and JSON for
//! programs, for the list of reports, one report, two compared, and the remediation
//! runs. The JSON shapes are part of the command's interface; the golden transcripts of
//! `crates/cli/tests/history_files.rs` hold them.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use super::changes::CredentialChange;
use super::diff::FindingsDiff;
use super::notifications::Notification;
use super::securityhub::ImportRecord;
use super::trail::{Action, Run};
use super::{ReportMeta, StoredFinding};
use crate::remediate::change::Change;

/// A report's entry.
pub fn meta_json(r: &ReportMeta) -> Value {
    let c = &r.counts;
    json!({
        "id": r.id,
        "account": r.account,
        "generated": r.generated.to_zulu(),
        "stored": r.stored.to_zulu(),
        "source": r.source,
        "target": r.target,
        "sha256": r.sha256,
        "rows": r.rows,
        "as_of": r.as_of.to_zulu(),
        "open": {
            "critical": c.open[0], "high": c.open[1], "medium": c.open[2],
            "low": c.open[3], "info": c.open[4],
        },
        "suppressed": c.suppressed,
        "not_evaluated": c.not_evaluated,
    })
}

fn counts_text(r: &ReportMeta) -> String {
    let c = &r.counts;
    format!(
        "{}/{}/{}/{}/{}",
        c.open[0], c.open[1], c.open[2], c.open[3], c.open[4]
    )
}

/// The entries as JSON.
pub fn list_json(reports: &[ReportMeta]) -> Value {
    reports.iter().map(meta_json).collect()
}

/// The entries as a table, and where they are: `contents` distinct report contents in
/// the file at `path`.
pub fn write_list(
    out: &mut dyn Write,
    reports: &[ReportMeta],
    contents: u64,
    path: &Path,
) -> io::Result<()> {
    writeln!(
        out,
        "{:>5}  {:<12}  {:<20}  {:<20}  {:<9}  {:<12}  {:>5}  open C/H/M/L/I",
        "id", "account", "generated", "stored", "source", "sha256", "rows"
    )?;
    for r in reports {
        writeln!(
            out,
            "{:>5}  {:<12}  {:<20}  {:<20}  {:<9}  {:<12}  {:>5}  {}",
            r.id,
            r.account,
            r.generated.to_zulu(),
            r.stored.to_zulu(),
            r.source,
            &r.sha256[..12.min(r.sha256.len())],
            r.rows,
            counts_text(r)
        )?;
    }
    if reports.is_empty() {
        writeln!(out, "(no reports)")?;
    }
    writeln!(
        out,
        "{} report(s); {} distinct report content(s) stored in {}",
        reports.len(),
        contents,
        path.display()
    )
}

fn finding_line(out: &mut dyn Write, f: &StoredFinding) -> io::Result<()> {
    let age = f.age_days.map_or(String::new(), |d| format!(" ({d} d)"));
    writeln!(
        out,
        "  {:<8}  {:<13}  {:<26}  {}{age}\n            {}",
        f.severity.name(),
        f.status.name(),
        f.check.as_str(),
        f.resource(),
        f.message
    )
}

/// One entry, its findings, its notifications and its Security Hub imports, as text.
pub fn write_show(
    out: &mut dyn Write,
    r: &ReportMeta,
    findings: &[StoredFinding],
    notes: &[Notification],
    imports: &[ImportRecord],
) -> io::Result<()> {
    let c = &r.counts;
    writeln!(
        out,
        "report {}: account {}, generated {}",
        r.id,
        r.account,
        r.generated.to_zulu()
    )?;
    let target = r
        .target
        .as_deref()
        .map_or(String::new(), |t| format!(" (target {t})"));
    writeln!(
        out,
        "stored {} by {}{target}; {} rows; sha256 {}",
        r.stored.to_zulu(),
        r.source,
        r.rows,
        r.sha256
    )?;
    writeln!(
        out,
        "audited as of {}: open {} critical, {} high, {} medium, {} low, {} info; {} suppressed, {} not evaluated",
        r.as_of.to_zulu(),
        c.open[0], c.open[1], c.open[2], c.open[3], c.open[4], c.suppressed, c.not_evaluated
    )?;
    writeln!(out, "findings:")?;
    for f in findings {
        finding_line(out, f)?;
    }
    if findings.is_empty() {
        writeln!(out, "  (none)")?;
    }
    for n in notes {
        writeln!(
            out,
            "notified {} at {}: {} finding(s), {} after {} attempt(s){}",
            n.destination,
            n.at.to_zulu(),
            n.findings,
            if n.delivered {
                "delivered"
            } else {
                "NOT delivered"
            },
            n.attempts,
            n.error
                .as_deref()
                .map_or(String::new(), |e| format!(": {e}"))
        )?;
    }
    for i in imports {
        writeln!(
            out,
            "imported into Security Hub {} ({}) at {}: {} new, {} changed, {} archived, {} unchanged, {} failed in {} call(s){}",
            i.region,
            i.destination,
            i.at.to_zulu(),
            i.new,
            i.changed,
            i.archived,
            i.unchanged,
            i.failed.len(),
            i.calls,
            i.error
                .as_deref()
                .map_or(String::new(), |e| format!("; stopped: {e}"))
        )?;
        for f in &i.failed {
            writeln!(out, "  refused {}: {}: {}", f.id, f.code, f.message)?;
        }
    }
    Ok(())
}

/// One entry, its findings, its notifications and its Security Hub imports (the key only
/// when there are some), as JSON.
pub fn show_json(
    r: &ReportMeta,
    findings: &[StoredFinding],
    notes: &[Notification],
    imports: &[ImportRecord],
) -> Value {
    let mut v = meta_json(r);
    v["findings"] = json!(findings);
    v["notifications"] = notes
        .iter()
        .map(|n| {
            json!({
                "destination": n.destination, "at": n.at.to_zulu(),
                "findings": n.findings, "delivered": n.delivered,
                "attempts": n.attempts, "error": n.error,
            })
        })
        .collect();
    if !imports.is_empty() {
        v["security_hub"] = imports
            .iter()
            .map(|i| {
                json!({
                    "destination": i.destination, "region": i.region, "at": i.at.to_zulu(),
                    "new": i.new, "changed": i.changed, "archived": i.archived,
                    "unchanged": i.unchanged, "calls": i.calls, "error": i.error,
                    "failed": i.failed.iter().map(|f| json!({
                        "id": f.id, "code": f.code, "message": f.message,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
    }
    v
}

/// Remediation runs and their calls, as text.
pub fn write_runs(out: &mut dyn Write, runs: &[(Run, Vec<Action>)]) -> io::Result<()> {
    for (r, actions) in runs {
        let undoes = r
            .undoes
            .map_or(String::new(), |u| format!(" (undoes run {u})"));
        writeln!(
            out,
            "run {}: {}{undoes} on account {} by {}, started {}, {}",
            r.id,
            r.kind,
            r.account,
            r.principal,
            r.started.to_zulu(),
            r.finished.map_or("not finished".to_owned(), |f| format!(
                "finished {}",
                f.to_zulu()
            ))
        )?;
        for a in actions {
            let key = a.access_key_id.as_deref().unwrap_or("-");
            writeln!(
                out,
                "  {:>3}  {}  {:<8}  {:<22}  {:<20}  {key}\n       {}",
                a.seq,
                a.at.to_zulu(),
                a.outcome,
                a.action,
                a.user,
                a.detail
            )?;
            if let Some(before) = &a.before {
                writeln!(out, "       before: {before}")?;
            }
            if let Some(after) = &a.after {
                writeln!(out, "       after:  {after}")?;
            }
            if let Some(changes) = a.recorded.as_deref().filter(|c| !c.is_empty()) {
                writeln!(out, "       calls:  {}", Change::to_json(changes))?;
            }
        }
    }
    if runs.is_empty() {
        writeln!(out, "(no remediation runs)")?;
    }
    Ok(())
}

/// Remediation runs and their calls, as JSON.
pub fn runs_json(runs: &[(Run, Vec<Action>)]) -> Value {
    runs.iter().map(|(r, a)| run_json(r, a)).collect()
}

fn run_json(r: &Run, actions: &[Action]) -> Value {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    let action = |a: &Action| {
        let mut v = json!({
            "seq": a.seq,
            "at": a.at.to_zulu(),
            "action": a.action,
            "user": a.user,
            "access_key_id": a.access_key_id,
            "outcome": a.outcome,
            "detail": a.detail,
            "before": parse(&a.before),
            "after": parse(&a.after),
        });
        // Recorded since the second history schema; older rows are shown as they were.
        if let Some(changes) = &a.recorded {
            v["changes"] = json!(changes);
        }
        v
    };
    json!({
        "id": r.id,
        "kind": r.kind,
        "account": r.account,
        "principal": r.principal,
        "started": r.started.to_zulu(),
        "finished": r.finished.map(|f| f.to_zulu()),
        "plan_sha256": r.plan_sha256,
        "undoes": r.undoes,
        "actions": actions.iter().map(action).collect::<Vec<_>>(),
    })
}

/// Two entries compared, as text.
pub fn write_diff(
    out: &mut dyn Write,
    old: &ReportMeta,
    new: &ReportMeta,
    d: &FindingsDiff,
    c: &[CredentialChange],
) -> io::Result<()> {
    writeln!(
        out,
        "account {}: report {} (generated {}) -> report {} (generated {})",
        new.account,
        old.id,
        old.generated.to_zulu(),
        new.id,
        new.generated.to_zulu()
    )?;
    writeln!(
        out,
        "findings: {} appeared, {} disappeared, {} persisted; credential changes: {}",
        d.appeared.len(),
        d.disappeared.len(),
        d.persisted.len(),
        c.len()
    )?;
    for (title, list) in [
        ("appeared", &d.appeared),
        ("disappeared", &d.disappeared),
        ("persisted", &d.persisted),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "{title}:")?;
        for f in list {
            finding_line(out, f)?;
        }
    }
    if !c.is_empty() {
        writeln!(out, "credential changes:")?;
        for ch in c {
            let key = ch
                .key_created
                .as_deref()
                .map_or(String::new(), |k| format!(" (key created {k})"));
            writeln!(out, "  {:<17} {}{key}", ch.change, ch.user)?;
        }
    }
    Ok(())
}

/// Two entries compared, as JSON.
pub fn diff_json(
    old: &ReportMeta,
    new: &ReportMeta,
    d: &FindingsDiff,
    c: &[CredentialChange],
) -> Value {
    json!({
        "account": new.account,
        "from": {"id": old.id, "generated": old.generated.to_zulu()},
        "to": {"id": new.id, "generated": new.generated.to_zulu()},
        "findings": {
            "appeared": d.appeared,
            "disappeared": d.disappeared,
            "persisted": d.persisted,
        },
        "credential_changes": c,
    })
}
