//! `credreport remediate`: `--plan`, `--apply`, `--undo`.

use std::process::ExitCode;

use anyhow::{bail, Context};

use super::EXIT_ERROR;
use crate::args::RemediateArgs;
use credreport_review::env::{connect, Connected, Env};
use credreport_review::fetch::fetch_report;
use credreport_review::history::ingest::{ingest, Ingested};
use credreport_review::history::History;
use credreport_review::remediate::allowlist::Allowlist;
use credreport_review::remediate::apply::{apply, undo, ApplyOptions, RunResult};
use credreport_review::remediate::build::make_plan;
use credreport_review::remediate::plan::{Plan, PlanThresholds};

use crate::output::write_atomic;
use crate::progress::Progress;

pub fn run(args: &RemediateArgs) -> anyhow::Result<ExitCode> {
    let env = Env::system();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(run_in(&env, args))
}

async fn run_in(env: &Env, args: &RemediateArgs) -> anyhow::Result<ExitCode> {
    let mut history = History::open(&args.history)?;
    // Read the plan before reaching AWS: a bad plan fails fast and offline.
    let plan = match &args.apply {
        Some(path) => {
            let (plan, sha) = Plan::read(path)?;
            Some((plan, sha))
        }
        None => None,
    };
    let aws = env.aws(
        args.aws.profile.as_deref(),
        args.aws.region.as_deref(),
        args.aws.endpoint_url.as_deref(),
    );
    let c = connect(&aws, args.account_id.as_deref(), args.role_name.as_deref()).await?;
    if let Some(path) = &args.plan {
        let config = super::history::load_config(args.config.as_deref())?;
        let allowlist = match &args.allowlist {
            Some(p) => Allowlist::read(p)?,
            None => Allowlist::default(),
        };
        let defaults = PlanThresholds::of(&config);
        let thresholds = PlanThresholds {
            key_unused_days: args.key_unused_days.unwrap_or(defaults.key_unused_days),
            password_unused_days: args
                .password_unused_days
                .unwrap_or(defaults.password_unused_days),
        };
        let progress = Progress::stderr();
        let line = progress.clone();
        let opts = credreport_review::fetch::FetchOptions {
            max_age: args.max_age,
            ..env.fetch
        };
        let fetched = fetch_report(&c.iam, &c.place, &opts, &move |m: &str| line.set(m)).await;
        progress.finish();
        let fetched = fetched?;
        let stored = ingest(
            &mut history,
            &c.account,
            fetched.generated,
            &fetched.content,
            &config,
            "remediate",
            None,
            env.now(),
        )?;
        let plan = make_plan(env, &c, &stored, &fetched.content, thresholds, &allowlist).await?;
        write_atomic(path, plan.to_json()?.as_bytes())?;
        print_plan(&plan, &stored);
        println!(
            "plan written to {}; nothing was changed. Apply it with: credreport remediate --apply {}",
            path.display(),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let result = match (&plan, args.undo) {
        (Some((plan, sha)), _) => {
            let opts = ApplyOptions {
                dry_run: args.dry_run,
                allow_password_removal: args.allow_password_removal,
                max_plan_age: (!args.max_plan_age.is_zero()).then_some(args.max_plan_age),
            };
            apply(env, &c, &history, plan, sha, opts).await?
        }
        (None, Some(run)) => undo(env, &c, &history, run).await?,
        (None, None) => bail!("give --plan FILE, --apply FILE or --undo RUN_ID"),
    };
    print_run(&c, &result);
    if result.count("failed") > 0 {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_plan(plan: &Plan, stored: &Ingested) {
    println!(
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
        println!(
            "  {:>3}  {:<22}  {:<20}  {what}  unused {} days{irreversible}",
            a.id, a.action, a.user, a.unused_days
        );
    }
    if !plan.flagged.is_empty() {
        println!("flagged (never acted on):");
        for f in &plan.flagged {
            println!(
                "  {:<19}  {}  ({}): {}",
                f.reason, f.resource, f.check, f.detail
            );
        }
    }
}

fn print_run(c: &Connected, r: &RunResult) {
    match r.run_id {
        Some(id) => println!("run {id} in account {} as {}", c.account, c.principal),
        None => println!(
            "dry run in account {} as {}: nothing is changed",
            c.account, c.principal
        ),
    }
    for (i, o) in r.outcomes.iter().enumerate() {
        println!(
            "  {:>3}  {:<8}  {:<22}  {:<20}  {}",
            i + 1,
            o.outcome,
            o.action,
            o.user,
            o.detail
        );
    }
    match r.run_id {
        Some(id) => println!(
            "{} done, {} skipped, {} failed; audit trail: credreport history runs --run {id}",
            r.count("done"),
            r.count("skipped"),
            r.count("failed")
        ),
        None => println!(
            "{} would be done, {} skipped, {} failed; nothing was changed",
            r.count("would-do"),
            r.count("skipped"),
            r.count("failed")
        ),
    }
}
