//! `credreport review`: once, or `--every` interval until a signal.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::EXIT_ERROR;
use crate::args::ReviewArgs;
use credreport_review::env::Env;
use credreport_review::history::History;
use credreport_review::review::config::ReviewConfig;
use credreport_review::review::notify::WEBHOOK_BACKOFF;
use credreport_review::review::run::{run_once, Review, ReviewRun};
use credreport_review::review::summary;

use crate::progress::Progress;

/// Exit status when new findings at or above `--fail-on` were found.
const EXIT_FINDINGS: u8 = 1;

pub fn run(args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let config = ReviewConfig::read(&args.config)?;
    let audit = super::history::load_config(config.audit_config.as_deref())?;
    let dir = args
        .history
        .clone()
        .or_else(|| config.history.clone())
        .unwrap_or_else(|| credreport_review::history::DEFAULT_DIR.into());
    let mut history = History::open(&dir)?;
    let terminal = std::io::stderr().is_terminal();
    init_logging(terminal);
    let env = Env::system();
    let review = Review {
        env: &env,
        config: &config,
        audit: &audit,
        notify_backoff: WEBHOOK_BACKOFF,
        import_backoff: credreport_review::securityhub::import::IMPORT_BACKOFF,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async {
        loop {
            let started = std::time::Instant::now();
            let progress = if terminal {
                Progress::stderr()
            } else {
                Progress::hidden()
            };
            let line = progress.clone();
            let run = run_once(&review, &mut history, &move |m: &str| line.set(m)).await;
            progress.finish();
            print!("{}", summary::text(&run, history.path()));
            let code = exit_code(&run, args);
            let Some(every) = args.every else {
                return Ok(code);
            };
            let wait = every
                .saturating_sub(started.elapsed())
                .max(Duration::from_secs(1));
            tracing::info!(next_in_secs = wait.as_secs(), "waiting for the next review");
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = shutdown() => {
                    tracing::info!("stopping");
                    return Ok(code);
                }
            }
        }
    })
}

fn exit_code(run: &ReviewRun, args: &ReviewArgs) -> ExitCode {
    if run.failures() > 0 {
        return ExitCode::from(EXIT_ERROR);
    }
    if let Some(level) = args.fail_on {
        if run.new_at_least(super::audit::severity(level)) > 0 {
            return ExitCode::from(EXIT_FINDINGS);
        }
    }
    ExitCode::SUCCESS
}

/// JSON lines when nobody watches; warnings only (the progress line and the summary say
/// the rest) on a terminal.
fn init_logging(terminal: bool) {
    // Our own events; the SDK's (an IMDS region probe, retries) only when asked for.
    let default = if terminal {
        "credreport=warn"
    } else {
        "credreport=info"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CREDREPORT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if terminal {
        builder.with_ansi(true).try_init()
    } else {
        builder.json().with_current_span(false).try_init()
    };
}

async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}
