//! `credreport remediate`: `--plan`, `--apply`, `--undo`.

use std::process::ExitCode;

use anyhow::{bail, Context};

use credreport_review::env::{connect, Env};
use credreport_review::fetch::{fetch_report, FetchOptions};
use credreport_review::history::ingest::ingest;
use credreport_review::history::{History, Source};
use credreport_review::remediate::action::Outcome;
use credreport_review::remediate::allowlist::Allowlist;
use credreport_review::remediate::apply::{apply, undo, ApplyOptions};
use credreport_review::remediate::make_plan;
use credreport_review::remediate::plan::{Plan, PlanThresholds};
use credreport_review::remediate::view;

use super::EXIT_ERROR;
use crate::args::RemediateArgs;
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
            user_inactive_days: args.user_inactive_days.or(defaults.user_inactive_days),
            quarantine_days: Some(args.quarantine_days),
        };
        let progress = Progress::stderr();
        let line = progress.clone();
        let opts = FetchOptions {
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
            Source::Remediate,
            None,
            env.now(),
        )?;
        let plan = make_plan(
            &c.api(),
            &c.account,
            &stored,
            &fetched.content,
            thresholds,
            &allowlist,
            &history.quarantines(&c.account)?,
            env.now(),
        )
        .await?;
        write_atomic(path, plan.to_json()?.as_bytes())?;
        print!("{}", view::plan(&plan, &stored, path));
        return Ok(ExitCode::SUCCESS);
    }
    let api = c.api();
    let session = c.session(&api, env.clock.as_ref());
    let result = match (&plan, args.undo) {
        (Some((plan, sha)), _) => {
            let opts = ApplyOptions {
                dry_run: args.dry_run,
                allow_password_removal: args.allow_password_removal,
                allow_user_deletion: args.allow_user_deletion,
                max_plan_age: (!args.max_plan_age.is_zero()).then_some(args.max_plan_age),
            };
            apply(&session, &history, plan, sha, opts).await?
        }
        (None, Some(run)) => undo(&session, &history, run).await?,
        (None, None) => bail!("give --plan FILE, --apply FILE or --undo RUN_ID"),
    };
    print!("{}", view::run(&c.account, &c.principal, &result));
    if result.count(Outcome::Failed) > 0 {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    Ok(ExitCode::SUCCESS)
}
