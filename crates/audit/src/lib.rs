//! The credential-report auditor: checks over report rows, and their findings.
//!
//! - [`checks`]: one pure function per check, over a row and an as-of time. Each check has
//!   a stable id ([`CheckId`]), a title, a severity, and its CIS AWS Foundations (v1.4.0 to
//!   v6.0.0) and Security Hub (FSBP numbering) controls ([`CheckInfo`]).
//! - [`Finding`]: one check's conclusion about one credential, with a stable resource id
//!   (`<arn>#access_key_1`); "not evaluated" is a status of its own, never a pass. It
//!   carries data and borrows its row; its words ([`FindingText`]) are written only when
//!   asked for.
//! - [`Config`]: thresholds (human and machine), checks on and off, severities,
//!   suppressions with a reason, an owner and an expiry.
//! - [`Auditor`]: runs the checks row by row over a [`credreport_report::ReportReader`],
//!   keeping no rows.
//! - [`render`]: table, JSON, CSV, SARIF 2.1.0, Markdown, HTML, OCSF 1.5.0 Detection
//!   Findings and ASFF (AWS Security Hub); [`Diff`] compares with a baseline report.
//!
//! The crate does no I/O of its own and never reads the clock: it reads the readers and
//! writes the writers it is handed, and the as-of time is an argument.
//!
//! ```
//! use credreport_audit::{audit, AsOfSource, Collect, Config, Input, Status};
//! use credreport_report::Timestamp;
//!
//! let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
//! <root_account>,arn:aws:iam::123456789012:root,2014-10-15T16:31:25+00:00,not_supported,2015-04-20T17:41:10+00:00,not_supported,not_supported,false,false,N/A,false,N/A,false,N/A,false,N/A";
//! let config = Config::default();
//! let as_of = Timestamp::parse(b"2015-04-21T00:00:00Z").unwrap().0;
//! let mut found = Collect::default();
//! let inputs = vec![Input::new("report.csv", csv.as_bytes())];
//! audit(&config, as_of, AsOfSource::Given, inputs, None, &mut found).unwrap();
//! // Root's password_enabled is not_supported, and that is no reason to skip it.
//! let mfa = found.findings.iter().find(|f| f.check.as_str() == "root-mfa").unwrap();
//! assert_eq!(mfa.status, Status::Fail);
//! assert_eq!(mfa.resource().to_string(), "arn:aws:iam::123456789012:root");
//! assert!(mfa.message().contains("no MFA device"));
//! ```
#![deny(missing_docs)]

use std::io::{self, Read};

use credreport_report::Timestamp;

mod account_data;
mod check;
pub mod checks;
pub mod config;
mod diff;
mod engine;
mod finding;
pub mod priority;
pub mod render;
pub mod stats;

pub use account_data::AccountData;
pub use check::{CheckId, CheckInfo, Cis, Scope, Severity};
pub use config::{CheckSetting, Config, ConfigError, Glob, Suppression, Thresholds};
pub use credreport_privilege::{AuthorizationDetails, LastAccessed};
pub use diff::{Comparison, Diff};
pub use engine::{
    AsOfSource, Auditor, CheckCounts, InputSummary, Summary, SuppressionHits, MAX_LISTED_ERRORS,
};
pub use finding::{
    Change, Credential, Evidence, Finding, FindingText, Resource, Status, SuppressionNote,
    SuppressionState, UserKind,
};
pub use priority::{Priority, Privilege};
pub use render::{Collect, Format, RenderOptions, RunInfo, Sink, Tally, TallyCounts};

/// A report to audit: a name for messages and a reader of its bytes.
pub struct Input<'a> {
    /// The name (a path as given, or `<stdin>`).
    pub name: String,
    /// The bytes.
    pub reader: Box<dyn Read + 'a>,
}

impl<'a> Input<'a> {
    /// An input from a name and a reader.
    pub fn new(name: impl Into<String>, reader: impl Read + 'a) -> Input<'a> {
        Input {
            name: name.into(),
            reader: Box::new(reader),
        }
    }
}

impl std::fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input").field("name", &self.name).finish()
    }
}

/// A baseline to compare with: its reports, and the instant to audit them as of.
#[derive(Debug)]
pub struct Baseline<'a> {
    /// The older reports.
    pub inputs: Vec<Input<'a>>,
    /// Their as-of time.
    pub as_of: Timestamp,
}

/// Audits `inputs` (one combined result) into `sink`, compared with `baseline` if given,
/// with the credential reports alone: every finding's privilege is unknown.
/// [`audit_with`] also takes the accounts' authorization details and last-accessed data.
pub fn audit(
    config: &Config,
    as_of: Timestamp,
    as_of_source: AsOfSource,
    inputs: Vec<Input<'_>>,
    baseline: Option<Baseline<'_>>,
    sink: &mut dyn Sink,
) -> io::Result<Summary> {
    audit_with(config, as_of, as_of_source, inputs, baseline, None, sink)
}

/// Audits `inputs` (one combined result) into `sink`, compared with `baseline` if given,
/// knowing `data` (the accounts' authorization details and last-accessed data) if given:
/// findings carry their principal's privilege and severity, and the principal checks
/// (`role-unused`, `permissions-unused`) run after the reports.
///
/// Findings reach the sink in [`Priority`] order (most severe first, then most
/// privileged; report order within), unless the sink orders them itself
/// ([`Sink::orders_itself`]: the table, Markdown and HTML); each is marked new or
/// persisting when there is a baseline, and the baseline's other findings are marked
/// resolved. Returns the summary the sink was given, tallies included. Read errors are in
/// the summary ([`Summary::has_errors`]); an `Err` is a failure to write.
pub fn audit_with(
    config: &Config,
    as_of: Timestamp,
    as_of_source: AsOfSource,
    inputs: Vec<Input<'_>>,
    baseline: Option<Baseline<'_>>,
    data: Option<&AccountData>,
    sink: &mut dyn Sink,
) -> io::Result<Summary> {
    let mut baseline_findings = None;
    let mut baseline_summaries = Vec::new();
    let mut baseline_names = Vec::new();
    if let Some(baseline) = baseline {
        let mut auditor = Auditor::new(config, baseline.as_of);
        let mut collect = Collect::default();
        for input in baseline.inputs {
            baseline_names.push(input.name.clone());
            baseline_summaries.push(auditor.audit_report(
                &input.name,
                input.reader,
                &mut collect,
            )?);
        }
        baseline_findings = Some(collect.findings);
    }
    let run = RunInfo {
        tool: "credreport",
        version: env!("CARGO_PKG_VERSION"),
        as_of,
        as_of_source,
        config: config.clone(),
        inputs: inputs.iter().map(|i| i.name.clone()).collect(),
        baseline: baseline_names,
    };
    let mut sorted;
    let sink: &mut dyn Sink = if sink.orders_itself() {
        sink
    } else {
        sorted = render::Sorted::new(sink);
        &mut sorted
    };
    let mut tally = Tally::new(sink);
    let summary = {
        let mut stage: Box<dyn Sink + '_> = match baseline_findings {
            Some(findings) => Box::new(Diff::new(findings, &mut tally)),
            None => Box::new(&mut tally),
        };
        stage.begin(&run)?;
        let mut auditor = Auditor::with_data(config, as_of, data);
        let mut summaries = Vec::with_capacity(inputs.len());
        for input in inputs {
            summaries.push(auditor.audit_report(&input.name, input.reader, &mut stage)?);
        }
        auditor.audit_principals(&mut stage)?;
        let summary = auditor.finish(summaries, baseline_summaries);
        stage.finish(&summary)?;
        summary
    };
    Ok(Summary {
        tally: tally.counts().clone(),
        ..summary
    })
}
