//! `credreport serve`: the IAM endpoint.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use credreport_server::proxies::TrustedProxies;
use credreport_server::throttle::Rate;
use credreport_server::{app, metrics, ServerConfig};
use tokio::sync::watch;

use crate::args::{LimitArgs, OpsArgs, ServeArgs, TlsArgs};
use crate::commands::account::credentials_json;
use crate::open::open;

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging("info");
    let opened = open(&args.store)?;
    let iam = opened.iam;
    iam.watch_store()
        .context("listening for key changes made by other instances")?;
    if let Some(created) = iam
        .create_first_account()
        .context("creating the first account")?
    {
        let path = opened.data_dir.join("root-credentials.json");
        write_private(&path, &format!("{}\n", credentials_json(&created)))
            .with_context(|| format!("{}: cannot write the root credentials", path.display()))?;
        tracing::info!(account = %created.account.id, path = %path.display(), "created the first account; its root credentials are in this file");
    }
    for build in iam.interrupted_builds(opened.sole_builder)? {
        tracing::info!(account = %build.account(), "finishing a report build interrupted by a restart");
        build.run()?;
    }
    serve_until_shutdown(iam, args.listen, &args.tls, &args.limits, &args.ops, |_| {})?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `iam` on `listen` (and its metrics on `ops.metrics_listen`) until SIGINT or
/// SIGTERM; `on_listening` is told the address (a port of 0 picks one) once the socket is
/// bound, before the first request.
pub(crate) fn serve_until_shutdown(
    iam: credreport_iam::Iam,
    listen: SocketAddr,
    tls: &TlsArgs,
    limits: &LimitArgs,
    ops: &OpsArgs,
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    // Read the certificate before anything listens: a bad file is an error at start.
    let acceptor = match (&tls.tls_cert, &tls.tls_key) {
        (Some(cert), Some(key)) => Some(super::listener::acceptor(cert, key)?),
        _ => None,
    };
    let config = ServerConfig {
        secure_cookies: acceptor.is_some(),
        account_rate: Rate {
            per_second: limits.account_rate,
            burst: limits.account_burst.max(1.0),
        },
        failure_rate: Rate {
            per_second: limits.failure_rate,
            burst: limits.failure_burst.max(1.0),
        },
        sign_in_rate: Rate {
            per_second: limits.sign_in_rate,
            burst: limits.sign_in_burst.max(1.0),
        },
        trusted_proxies: TrustedProxies::new(ops.trusted_proxies.clone()),
        ..ServerConfig::standard()
    };
    let metrics_listen = ops.metrics_listen;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        let header_timeout = std::time::Duration::from_secs_f64(limits.header_timeout.max(0.1));
        // One signal stops both listeners.
        let (stop, stopping) = watch::channel(false);
        tokio::spawn(async move {
            shutdown().await;
            let _ = stop.send(true);
        });
        // The metrics' listener first: once the API's is announced, both answer.
        let metrics_server = match metrics_listen {
            None => None,
            Some(at) => {
                let listener = tokio::net::TcpListener::bind(at)
                    .await
                    .with_context(|| format!("--metrics-listen: cannot listen on {at}"))?;
                let addr: SocketAddr = listener.local_addr()?;
                tracing::info!(%addr, "metrics on http://{addr}/metrics");
                Some(tokio::spawn(super::listener::serve(
                    listener,
                    None,
                    metrics::router(config.metrics.clone()),
                    header_timeout,
                    stopped(stopping.clone()),
                )))
            }
        };
        for range in config.trusted_proxies.ranges() {
            tracing::info!(%range, "X-Forwarded-For is believed from {range}");
        }
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr: SocketAddr = listener.local_addr()?;
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        tracing::info!(%addr, "listening on {scheme}://{addr}");
        on_listening(addr);
        super::listener::serve(
            listener,
            acceptor,
            app(iam, config),
            header_timeout,
            stopped(stopping),
        )
        .await
        .context("serving")?;
        if let Some(server) = metrics_server {
            server
                .await
                .context("the metrics listener")?
                .context("serving metrics")?;
        }
        tracing::info!("stopped");
        anyhow::Ok(())
    })
}

/// Ends when the shutdown signal has come.
async fn stopped(mut stopping: watch::Receiver<bool>) {
    // An error means the sender is gone, which it only is once it has sent.
    let _ = stopping.wait_for(|stop| *stop).await;
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

pub(crate) fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    credreport_iam::private::write(path, text.as_bytes())
}

pub(crate) fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CREDREPORT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only for a person at a terminal: a log file or a collector gets plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}
