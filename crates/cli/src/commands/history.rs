//! `credreport history`: list, show, diff and trend the stored reports; add a saved one.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use credreport_audit::Config;
use credreport_review::env::system_now as now;
use credreport_review::fetch::Fetched;
use credreport_review::history::changes::changes;
use credreport_review::history::diff::diff;
use credreport_review::history::ingest::ingest;
use credreport_review::history::store::NewReport;
use credreport_review::history::{audit_bytes, trend, view, History, Source};

use crate::args::{HistoryArgs, HistoryCommand, HistoryFormat, TrendFormat};
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
            source: Source::Add,
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
                    view::write_list(&mut out, &reports, history.content_count()?, history.path())?
                }
                HistoryFormat::Json => json_out(&mut out, &view::list_json(&reports))?,
            }
        }
        HistoryCommand::Show { id, format, report } => {
            let meta = history.report(*id)?;
            if *report {
                out.write_all(&history.content(&meta)?)?;
            } else {
                let findings = history.findings(meta.id)?;
                let notes = history.notifications(meta.id)?;
                let imports = history.imports(meta.id)?;
                match format {
                    HistoryFormat::Table => {
                        view::write_show(&mut out, &meta, &findings, &notes, &imports)?;
                    }
                    HistoryFormat::Json => {
                        let show = view::show_json(&meta, &findings, &notes, &imports);
                        json_out(&mut out, &show)?;
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
                HistoryFormat::Table => view::write_diff(&mut out, &old, &new, &d, &c)?,
                HistoryFormat::Json => json_out(&mut out, &view::diff_json(&old, &new, &d, &c))?,
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
                HistoryFormat::Table => view::write_runs(&mut out, &all)?,
                HistoryFormat::Json => json_out(&mut out, &view::runs_json(&all))?,
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
    source: Source,
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

/// JSON, pretty, and a newline.
fn json_out(out: &mut dyn Write, v: &serde_json::Value) -> anyhow::Result<()> {
    writeln!(out, "{}", serde_json::to_string_pretty(v)?)?;
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
