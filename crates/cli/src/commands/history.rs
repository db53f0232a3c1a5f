//! `credreport history`: list, show, diff and trend the stored reports; add a saved one.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use credreport_audit::Config;
use serde_json::json;

use crate::args::{HistoryArgs, HistoryCommand, HistoryFormat, TrendFormat};
use credreport_review::env::system_now as now;
use credreport_review::fetch::Fetched;
use credreport_review::history::changes::{changes, CredentialChange};
use credreport_review::history::diff::{diff, FindingsDiff};
use credreport_review::history::ingest::ingest;
use credreport_review::history::store::{Action, NewReport, Run};
use credreport_review::history::{audit_bytes, trend, History, ReportMeta, StoredFinding};

use crate::output::write_atomic;

pub fn run(args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    if let HistoryCommand::Add {
        file,
        generated,
        config,
    } = &args.command
    {
        let generated = crate::commands::audit::time_arg("--generated", generated)?;
        let bytes =
            std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
        let config = load_config(config.as_deref())?;
        let name = file.display().to_string();
        let audited = audit_bytes(&name, &bytes, &config, generated)?;
        let Some(account) = audited.account.clone() else {
            bail!("{name}: the report names no account (no rows)");
        };
        let mut history = History::open(&args.history)?;
        let added = history.add_report(&NewReport {
            account: &account,
            generated,
            bytes: &bytes,
            source: "add",
            target: None,
            audited: &audited,
            stored: now()?,
        })?;
        let verb = if added.existed {
            "already in the history as"
        } else {
            "stored as"
        };
        writeln!(
            out,
            "{name}: account {account}, generated {}: {verb} report {}",
            generated.to_zulu(),
            added.id
        )?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    // `add` creates the history once its report is read; the others only read one.
    let history = History::open_existing(&args.history)?;
    match &args.command {
        HistoryCommand::List { account, format } => {
            let reports = history.reports(account.as_deref())?;
            match format {
                HistoryFormat::Table => {
                    write_list(&mut out, &reports)?;
                    writeln!(
                        out,
                        "{} report(s); {} distinct report content(s) stored in {}",
                        reports.len(),
                        history.content_count()?,
                        history.path().display()
                    )?;
                }
                HistoryFormat::Json => {
                    let list: Vec<_> = reports.iter().map(meta_json).collect();
                    writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
                }
            }
        }
        HistoryCommand::Show { id, format, report } => {
            let meta = history.report(*id)?;
            if *report {
                out.write_all(&history.content(&meta)?)?;
            } else {
                let findings = history.findings(meta.id)?;
                let notes = history.notifications(meta.id)?;
                match format {
                    HistoryFormat::Table => {
                        write_show(&mut out, &meta, &findings)?;
                        for n in &notes {
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
                    }
                    HistoryFormat::Json => {
                        let mut v = meta_json(&meta);
                        v["findings"] = serde_json::to_value(&findings)?;
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
                        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                    }
                }
            }
        }
        HistoryCommand::Diff { from, to, format } => {
            let (old, new) = (history.report(*from)?, history.report(*to)?);
            if old.account != new.account {
                bail!(
                    "report {} is of account {} and report {} of account {}: compare reports of one account",
                    old.id,
                    old.account,
                    new.id,
                    new.account
                );
            }
            let d = diff(&history.findings(old.id)?, &history.findings(new.id)?);
            let c = changes(&history.content(&old)?, &history.content(&new)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", history.path().display()))?;
            match format {
                HistoryFormat::Table => write_diff(&mut out, &old, &new, &d, &c)?,
                HistoryFormat::Json => {
                    let v = diff_json(&old, &new, &d, &c);
                    writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                }
            }
        }
        HistoryCommand::Trend {
            account,
            format,
            output,
        } => {
            let reports = history.reports(Some(account))?;
            if reports.is_empty() {
                bail!("no report of account {account} in the history");
            }
            let text = match format {
                TrendFormat::Table => trend::table(account, &reports),
                TrendFormat::Json => {
                    let mut t = serde_json::to_string_pretty(&trend::json(account, &reports))?;
                    t.push('\n');
                    t
                }
                TrendFormat::Html => trend::html(account, &reports),
            };
            match output {
                Some(path) => write_atomic(path, text.as_bytes())?,
                None => out.write_all(text.as_bytes())?,
            }
        }
        HistoryCommand::Runs { run, format } => {
            let runs = match run {
                Some(id) => vec![history.run(*id)?],
                None => history.runs()?,
            };
            let mut all = Vec::with_capacity(runs.len());
            for r in runs {
                let actions = history.actions(r.id)?;
                all.push((r, actions));
            }
            match format {
                HistoryFormat::Table => write_runs(&mut out, &all)?,
                HistoryFormat::Json => {
                    let v: Vec<_> = all.iter().map(|(r, a)| run_json(r, a)).collect();
                    writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                }
            }
        }
        // Handled above, before any history is opened.
        HistoryCommand::Add { .. } => {}
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `fetch --history` and `audit --history`: keeps each fetched report (audited with
/// `config`) and says so on stderr.
pub fn keep_fetched<'a>(
    dir: &std::path::Path,
    reports: impl IntoIterator<Item = &'a Fetched>,
    config: &Config,
    source: &str,
) -> anyhow::Result<()> {
    let mut history = History::open(dir)?;
    let now = now()?;
    for f in reports {
        let Some(account) = f.account.as_deref() else {
            eprintln!("note: a report that names no account is not kept in the history");
            continue;
        };
        let stored = ingest(
            &mut history,
            account,
            f.generated,
            &f.content,
            config,
            source,
            None,
            now,
        )?;
        eprintln!(
            "account {account}: {} report {} in {}",
            if stored.new {
                "kept as"
            } else {
                "already kept as"
            },
            stored.meta.id,
            history.path().display()
        );
    }
    Ok(())
}

/// The audit configuration of `--config`, or the default one.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            Ok(Config::from_toml(&text).with_context(|| format!("{}", path.display()))?)
        }
        None => Ok(Config::default()),
    }
}

pub fn meta_json(r: &ReportMeta) -> serde_json::Value {
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

fn write_list(out: &mut dyn Write, reports: &[ReportMeta]) -> io::Result<()> {
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
    Ok(())
}

fn finding_line(out: &mut dyn Write, f: &StoredFinding) -> io::Result<()> {
    let age = f.age_days.map_or(String::new(), |d| format!(" ({d} d)"));
    writeln!(
        out,
        "  {:<8}  {:<13}  {:<26}  {}{age}\n            {}",
        f.severity.name(),
        f.status,
        f.check,
        f.resource(),
        f.message
    )
}

fn write_show(out: &mut dyn Write, r: &ReportMeta, findings: &[StoredFinding]) -> io::Result<()> {
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
    Ok(())
}

fn write_runs(out: &mut dyn Write, runs: &[(Run, Vec<Action>)]) -> io::Result<()> {
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
        }
    }
    if runs.is_empty() {
        writeln!(out, "(no remediation runs)")?;
    }
    Ok(())
}

fn run_json(r: &Run, actions: &[Action]) -> serde_json::Value {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
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
        "actions": actions.iter().map(|a| json!({
            "seq": a.seq,
            "at": a.at.to_zulu(),
            "action": a.action,
            "user": a.user,
            "access_key_id": a.access_key_id,
            "outcome": a.outcome,
            "detail": a.detail,
            "before": parse(&a.before),
            "after": parse(&a.after),
        })).collect::<Vec<_>>(),
    })
}

fn write_diff(
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

fn diff_json(
    old: &ReportMeta,
    new: &ReportMeta,
    d: &FindingsDiff,
    c: &[CredentialChange],
) -> serde_json::Value {
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
