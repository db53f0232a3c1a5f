//! `credreport audit`: opens the reports, the configuration and the output, and hands
//! them to the auditor.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use credreport_audit::config::parse_time;
use credreport_audit::render::{renderer, Region};
use credreport_audit::{
    audit_with, AccountData, AsOfSource, AuthorizationDetails, Baseline, CheckId, Config, Format,
    Input, LastAccessed, RenderOptions, Severity, Summary,
};
use credreport_report::Timestamp;

use super::EXIT_ERROR;
use crate::args::{AuditArgs, ColorArg, FormatArg, SeverityArg};
use crate::input;
use credreport_review::env::system_now as now;
use credreport_review::fetch::access::AccessData;
use credreport_review::fetch::org::newest_generated;

/// Exit status when findings at or above `--fail-on` are open.
const EXIT_FINDINGS: u8 = 1;

pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    if args.list_checks {
        list_checks()?;
        return Ok(ExitCode::SUCCESS);
    }
    let fetching = args.aws.profile.is_some()
        || args.aws.region.is_some()
        || args.aws.endpoint_url.is_some()
        || args.org.all_accounts;
    if args.input.is_none() && !fetching {
        bail!("give a report file, a directory of reports, or - for standard input");
    }
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            Config::from_toml(&text).with_context(|| format!("{}", path.display()))?
        }
        None => Config::default(),
    };
    // Fetched reports carry their generation time, and so does a directory written by
    // `fetch --all-accounts` (its summary.json); a report file alone does not.
    let mut fetched_access = Vec::new();
    let (inputs, generated, fetch_failures) = match &args.input {
        Some(path) => {
            let generated = if path.is_dir() {
                newest_generated(path)
            } else {
                None
            };
            (open_inputs(path)?, generated, 0)
        }
        None => {
            let mut fetched = super::fetch::for_audit(&args.aws, &args.org, !args.report_only)?;
            fetched_access = fetched
                .reports
                .iter_mut()
                .filter_map(|(_, f)| f.access.take())
                .collect();
            if let Some(dir) = &args.history {
                super::history::keep_fetched(
                    dir,
                    fetched.reports.iter().map(|(_, f)| f),
                    &config,
                    credreport_review::history::Source::Audit,
                )?;
            }
            let generated = fetched.reports.iter().map(|(_, f)| f.generated).max();
            let inputs = fetched
                .reports
                .into_iter()
                .map(|(name, f)| Input::new(name, io::Cursor::new(f.content)))
                .collect();
            (inputs, generated, fetched.failed)
        }
    };
    let (as_of, as_of_source) = match (&args.as_of, generated) {
        (Some(text), _) => (time_arg("--as-of", text)?, AsOfSource::Given),
        (None, Some(generated)) => (generated, AsOfSource::Generated),
        (None, None) => (now()?, AsOfSource::Now),
    };
    let baseline = match &args.baseline {
        Some(old) => Some(Baseline {
            inputs: open_inputs(old)?,
            as_of: match &args.baseline_as_of {
                Some(text) => time_arg("--baseline-as-of", text)?,
                None => as_of,
            },
        }),
        None => None,
    };
    let format = match args.format {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Ocsf => Format::Ocsf,
        FormatArg::Asff => Format::Asff,
    };
    let region = findings_region(args, format)?;
    let (out, terminal): (Box<dyn Write>, bool) = match &args.output {
        Some(file) => {
            let file =
                File::create(file).with_context(|| format!("{}: cannot create", file.display()))?;
            (Box::new(BufWriter::new(file)), false)
        }
        None => (Box::new(BufWriter::new(io::stdout().lock())), true),
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            terminal && anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
        }
    };
    let data = account_data(args, fetched_access)?;
    let mut sink = renderer(format, out, RenderOptions { color, region });
    let summary = audit_with(
        &config,
        as_of,
        as_of_source,
        inputs,
        baseline,
        data.as_ref(),
        &mut sink,
    )
    .context("writing the output")?;
    drop(sink);
    report_errors(&summary);
    if summary.has_errors() || fetch_failures > 0 {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    if let Some(level) = args.fail_on {
        if summary.tally.open.at_least(severity(level)) > 0 {
            return Ok(ExitCode::from(EXIT_FINDINGS));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--authorization-details` (pages merged) and `--last-accessed` files, and what a
/// fetch read of each account (`fetched`), merged and analysed; `None` when there is none
/// (or `--report-only`).
fn account_data(args: &AuditArgs, fetched: Vec<AccessData>) -> anyhow::Result<Option<AccountData>> {
    if args.report_only
        || (args.authorization_details.is_empty()
            && args.last_accessed.is_empty()
            && fetched.is_empty())
    {
        return Ok(None);
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))
    };
    let mut details: Option<AuthorizationDetails> = None;
    for path in &args.authorization_details {
        let page = AuthorizationDetails::from_json(&read(path)?)
            .map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?;
        match &mut details {
            Some(d) => d.merge(page),
            None => details = Some(page),
        }
    }
    let mut last_accessed: Option<LastAccessed> = None;
    for path in &args.last_accessed {
        let data = LastAccessed::from_json(&read(path)?)
            .map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?;
        match &mut last_accessed {
            Some(l) => l.merge(data),
            None => last_accessed = Some(data),
        }
    }
    let fetched_any = !fetched.is_empty();
    for data in fetched {
        match &mut details {
            Some(d) => d.merge(data.details),
            None => details = Some(data.details),
        }
        match &mut last_accessed {
            Some(l) => l.merge(data.last_accessed),
            None => last_accessed = Some(data.last_accessed),
        }
    }
    let names = |paths: &[std::path::PathBuf], api: &str| {
        let mut names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        if fetched_any {
            names.push(api.to_owned());
        }
        names.join(", ")
    };
    Ok(Some(AccountData::new(details, last_accessed).sources(
        &names(
            &args.authorization_details,
            "GetAccountAuthorizationDetails",
        ),
        &names(&args.last_accessed, "GetServiceLastAccessedDetails"),
    )))
}

/// `--findings-region`, else the `--region` a fetch used, else the default; a fetch's
/// region that is no Region name is an error only for the formats that write it.
fn findings_region(args: &AuditArgs, format: Format) -> anyhow::Result<Region> {
    if let Some(region) = &args.findings_region {
        return Ok(region.clone());
    }
    let Some(name) = &args.aws.region else {
        return Ok(Region::default());
    };
    match Region::parse(name) {
        Some(region) => Ok(region),
        None if matches!(format, Format::Ocsf | Format::Asff) => bail!(
            "--region {name:?} is not a Region name to write in {} findings: give --findings-region",
            format.name()
        ),
        None => Ok(Region::default()),
    }
}

pub(crate) fn severity(level: SeverityArg) -> Severity {
    match level {
        SeverityArg::Critical => Severity::Critical,
        SeverityArg::High => Severity::High,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Info => Severity::Info,
    }
}

pub(crate) fn time_arg(flag: &str, text: &str) -> anyhow::Result<Timestamp> {
    match parse_time(text, false) {
        Some(t) => Ok(t),
        None => {
            bail!("{flag} {text:?}: expected YYYY-MM-DDTHH:MM:SSZ (or an offset) or YYYY-MM-DD")
        }
    }
}

/// A file, standard input, or every `*.csv` of a directory (sorted by name).
fn open_inputs(path: &Path) -> anyhow::Result<Vec<Input<'static>>> {
    if path.is_dir() {
        let mut files = Vec::new();
        for entry in
            std::fs::read_dir(path).with_context(|| format!("{}: cannot list", path.display()))?
        {
            let entry = entry.with_context(|| format!("{}: cannot list", path.display()))?;
            let p = entry.path();
            let is_csv = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if is_csv && p.is_file() {
                files.push(p);
            }
        }
        files.sort();
        if files.is_empty() {
            bail!("{}: no *.csv report in this directory", path.display());
        }
        return files
            .iter()
            .map(|p| {
                let opened = input::open(p)?;
                Ok(Input::new(opened.name, opened.reader))
            })
            .collect();
    }
    let opened = input::open(path)?;
    Ok(vec![Input::new(opened.name, opened.reader)])
}

/// Read errors, once each on stderr, as `file:line:column: message`.
fn report_errors(summary: &Summary) {
    for input in summary.inputs.iter().chain(&summary.baseline) {
        for e in &input.errors {
            eprintln!("{}:{e}", input.name);
        }
        let listed = input.errors.len() as u64;
        if input.error_count > listed {
            eprintln!(
                "{}: {} more errors not listed",
                input.name,
                input.error_count - listed
            );
        }
        if input.error_count > 0 {
            let errors = if input.error_count == 1 {
                "1 error".to_owned()
            } else {
                format!("{} errors", input.error_count)
            };
            eprintln!(
                "{}: {errors}; what could not be read was not audited",
                input.name
            );
        }
    }
}

fn list_checks() -> io::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "{:<30} {:<9} {:<16} {:<12} title",
        "check", "severity", "CIS 1.4/5.0/6.0", "Security Hub"
    )?;
    for id in CheckId::ALL {
        let info = id.info();
        let cis = info
            .cis
            .map_or("-".to_owned(), |c| format!("{}/{}/{}", c.v1_4, c.v5, c.v6));
        let fsbp = if info.fsbp.is_empty() {
            "-".to_owned()
        } else {
            info.fsbp.join(",")
        };
        writeln!(
            out,
            "{:<30} {:<9} {:<16} {:<12} {}",
            id.as_str(),
            info.severity.name(),
            cis,
            fsbp,
            info.title
        )?;
    }
    out.flush()
}
