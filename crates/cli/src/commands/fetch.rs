//! `credreport fetch`: one account's report to a file or stdout, or every account of an
//! organization to a directory. Also fetches for `credreport audit --profile …`.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{bail, Context};
use credreport_audit::Config;

use super::EXIT_ERROR;
use crate::args::{AwsArgs, FetchArgs, OrgArgs};
use credreport_review::env::system_now as now;
use credreport_review::fetch::account::fetch_account;
use credreport_review::fetch::client::AwsOptions;
use credreport_review::fetch::org::{self, AccountResult, Member, Organization, Outcome};
use credreport_review::fetch::{FetchOptions, Fetched};
use credreport_review::history::Source;

use super::history::keep_fetched;
use crate::output::write_atomic;
use crate::progress::{bar, Progress};

pub fn run(args: &FetchArgs) -> anyhow::Result<ExitCode> {
    let opts = FetchOptions {
        max_age: args.max_age,
        timeout: args.timeout,
        ..FetchOptions::default()
    };
    check_org_args(&args.org)?;
    runtime()?.block_on(async {
        match &args.org.role_name {
            Some(role) if args.org.all_accounts => {
                let Some(dir) = &args.output else {
                    bail!("--all-accounts writes one file per account: give the directory with -o DIR");
                };
                organization(&args.aws, role, &args.org, &opts, dir, args.history.as_deref()).await
            }
            _ => single(args, &opts).await,
        }
    })
}

/// `--role-name` goes with `--all-accounts` or `--account-id`.
fn check_org_args(org: &OrgArgs) -> anyhow::Result<()> {
    if org.role_name.is_some() && !org.all_accounts && org.account_id.is_none() {
        bail!("--role-name needs --all-accounts (every account of the organization) or --account-id ID (one account)");
    }
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")
}

fn aws_options(args: &AwsArgs) -> AwsOptions {
    AwsOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        ..AwsOptions::default()
    }
}

/// A credentials failure names the profile it was looking for (the SDK does not when the
/// files are missing).
fn name_profile(err: anyhow::Error, aws: &AwsOptions) -> anyhow::Error {
    match &aws.profile {
        Some(p) if format!("{err}").contains("no usable AWS credentials") => {
            err.context(format!("--profile {p}"))
        }
        _ => err,
    }
}

/// One account's report, with a progress line on a terminal: the caller's own account's,
/// or with `--account-id ID --role-name NAME` that account's through the role.
async fn fetch_one(
    aws: &AwsArgs,
    org_args: &OrgArgs,
    opts: &FetchOptions,
) -> anyhow::Result<Fetched> {
    let aws = aws_options(aws);
    let through = match (&org_args.account_id, &org_args.role_name) {
        (Some(account), Some(role)) => Some((account.as_str(), role.as_str())),
        _ => None,
    };
    let progress = Progress::stderr();
    let line = progress.clone();
    let result = fetch_account(&aws, through, opts, &move |m: &str| line.set(m)).await;
    progress.finish();
    result.map_err(|e| name_profile(e, &aws))
}

async fn single(args: &FetchArgs, opts: &FetchOptions) -> anyhow::Result<ExitCode> {
    let fetched = fetch_one(&args.aws, &args.org, opts).await?;
    match &args.output {
        Some(path) => write_atomic(path, &fetched.content)?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&fetched.content)
                .and_then(|()| out.flush())
                .context("writing the report to standard output")?;
        }
    }
    tell(&fetched)?;
    if let Some(dir) = &args.history {
        keep_fetched(dir, [&fetched], &Config::default(), Source::Fetch)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The summary line and the notes, on stderr.
fn tell(fetched: &Fetched) -> anyhow::Result<()> {
    eprintln!("{}", fetched.summary_line(now()?));
    for note in &fetched.notes {
        eprintln!("note: {note}");
    }
    Ok(())
}

/// The caller's organization and its accounts.
async fn connect_org(aws: &AwsArgs, role: &str) -> anyhow::Result<(Organization, Vec<Member>)> {
    let aws = aws_options(aws);
    let (organization, members) = Organization::connect(&aws, role)
        .await
        .map_err(|e| name_profile(e, &aws))?;
    if members.is_empty() {
        bail!("ListAccounts: the organization has no accounts");
    }
    Ok((organization, members))
}

/// Fetches every account, with a progress bar on a terminal; `save` runs on each report
/// (inside the account's task: its failure is the account's).
async fn fetch_org(
    organization: Organization,
    members: Vec<Member>,
    concurrency: u16,
    opts: &FetchOptions,
    save: impl Fn(&Member, &Fetched) -> anyhow::Result<()> + Send + Sync + 'static,
) -> Vec<AccountResult> {
    let total = members.len();
    let progress = Progress::stderr();
    let counts = Arc::new(Mutex::new((0usize, 0usize)));
    let show = |done: usize, failed: usize| {
        format!(
            "{} {done}/{total} accounts{}",
            bar(done, total, 24),
            if failed > 0 {
                format!(", {failed} failed")
            } else {
                String::new()
            }
        )
    };
    progress.set(show(0, 0));
    let organization = Arc::new(organization);
    let save = Arc::new(save);
    let opts = *opts;
    let results = org::fetch_all(
        members,
        usize::from(concurrency),
        |member| {
            let organization = Arc::clone(&organization);
            let save = Arc::clone(&save);
            async move {
                let fetched = organization.fetch(&member.id, &opts).await?;
                save(&member, &fetched)?;
                Ok(fetched)
            }
        },
        |result| {
            let mut c = counts.lock().unwrap_or_else(PoisonError::into_inner);
            c.0 += 1;
            if matches!(result.outcome, Outcome::Failed(_)) {
                c.1 += 1;
            }
            progress.set(show(c.0, c.1));
        },
    )
    .await;
    progress.finish();
    results
}

/// One line per account on stderr; the number that failed.
fn tell_all(results: &[AccountResult]) -> anyhow::Result<usize> {
    let now = now()?;
    let mut failed = 0;
    for r in results {
        let name = if r.member.name.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.member.name)
        };
        match &r.outcome {
            Outcome::Ok(f) => {
                eprintln!("{}", f.summary_line(now));
                for note in &f.notes {
                    eprintln!("note: account {}: {note}", r.member.id);
                }
            }
            Outcome::Failed(e) => {
                failed += 1;
                eprintln!("credreport: account {}{name}: {e}", r.member.id);
            }
            Outcome::Skipped(why) => {
                eprintln!("account {}{name}: skipped: {why}", r.member.id);
            }
        }
    }
    Ok(failed)
}

async fn organization(
    aws: &AwsArgs,
    role: &str,
    org_args: &OrgArgs,
    opts: &FetchOptions,
    dir: &Path,
    history: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
    let (organization, members) = connect_org(aws, role).await?;
    let out = dir.to_owned();
    let results = fetch_org(
        organization,
        members,
        org_args.concurrency,
        opts,
        move |member, fetched| {
            write_atomic(&out.join(format!("{}.csv", member.id)), &fetched.content)
        },
    )
    .await;
    let summary = org::summary_json(&results, role, now()?);
    let summary_path = dir.join("summary.json");
    let mut text = serde_json::to_string_pretty(&summary).context("summary.json")?;
    text.push('\n');
    write_atomic(&summary_path, text.as_bytes())?;
    let failed = tell_all(&results)?;
    if let Some(history) = history {
        let fetched = results.iter().filter_map(|r| match &r.outcome {
            Outcome::Ok(f) => Some(f.as_ref()),
            Outcome::Failed(_) | Outcome::Skipped(_) => None,
        });
        keep_fetched(history, fetched, &Config::default(), Source::Fetch)?;
    }
    let ok = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Ok(_)))
        .count();
    eprintln!(
        "{ok} of {} accounts written to {}; summary in {}",
        results.len(),
        dir.display(),
        summary_path.display()
    );
    if failed > 0 {
        eprintln!(
            "credreport: {failed} account{} failed",
            if failed == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reports fetched for `credreport audit`: `(name, report)`, and how many accounts failed
/// (each already named on stderr).
pub struct ForAudit {
    pub reports: Vec<(String, Fetched)>,
    pub failed: usize,
}

/// Fetches what `audit --profile/--region/--endpoint-url/--all-accounts` names; with
/// `access`, each account's authorization details and last-accessed data too.
pub fn for_audit(aws: &AwsArgs, org_args: &OrgArgs, access: bool) -> anyhow::Result<ForAudit> {
    let opts = FetchOptions {
        access,
        ..FetchOptions::default()
    };
    check_org_args(org_args)?;
    runtime()?.block_on(async {
        match &org_args.role_name {
            Some(role) if org_args.all_accounts => {
                let (organization, members) = connect_org(aws, role).await?;
                let results = fetch_org(
                    organization,
                    members,
                    org_args.concurrency,
                    &opts,
                    |_, _| Ok(()),
                )
                .await;
                let failed = tell_all(&results)?;
                let reports: Vec<(String, Fetched)> = results
                    .into_iter()
                    .filter_map(|r| match r.outcome {
                        Outcome::Ok(f) => Some((format!("fetched:{}", r.member.id), *f)),
                        Outcome::Failed(_) | Outcome::Skipped(_) => None,
                    })
                    .collect();
                if reports.is_empty() {
                    bail!("no account's report could be fetched; nothing to audit");
                }
                Ok(ForAudit { reports, failed })
            }
            _ => {
                let fetched = fetch_one(aws, org_args, &opts).await?;
                tell(&fetched)?;
                let name = format!(
                    "fetched:{}",
                    fetched.account.as_deref().unwrap_or("unknown-account")
                );
                Ok(ForAudit {
                    reports: vec![(name, fetched)],
                    failed: 0,
                })
            }
        }
    })
}
