//! What the server counts, for Prometheus (`serve --metrics-listen ADDR` serves
//! [`router`]'s `GET /metrics` on a listener of its own, never on the API's).
//!
//! Every figure is an atomic counter bumped where the event happens (relaxed ordering:
//! each counter is exact, a scrape reads them one by one), so recording costs a few
//! uncontended atomic additions per request and no lock on its path, except the first
//! time an action meets an error code. The families, named as Prometheus' conventions
//! ask (units in the name, `_total` for counters, `_seconds` for durations):
//!
//! | family | labels | what |
//! | --- | --- | --- |
//! | `credreport_build_info` (gauge, 1) | `version`, `rustc` | the running build |
//! | `credreport_api_requests_total` | `action`, `error` | Query API requests answered, by action (`unknown` for a name that is none) and AWS error code (`none` when it succeeded) |
//! | `credreport_api_request_duration_seconds` | `action` | their latency, arrival to answer |
//! | `credreport_console_requests_total` | `status` | console requests, by HTTP status |
//! | `credreport_console_request_duration_seconds` | | their latency |
//! | `credreport_throttled_requests_total` | `limit` | requests refused by a rate limit: `account` (IAM's `Throttling`), `failed_authentication` (a source over its failures), `console_sign_in` (a source over its sign-in attempts) |
//! | `credreport_console_sign_ins_total` | `step`, `outcome` | console sign-in steps checked (`password`, `mfa`): `succeeded`, `failed`, `locked` (the name's lockout) |
//! | `credreport_report_builds_total` | `outcome` | credential report builds: `completed`, `taken_over` (another instance built it), `failed` |
//! | `credreport_report_build_duration_seconds` | | completed builds' durations |
//! | `credreport_store_errors_total` | | internal failures of the domain answered as 500 or ending a build (a store that fails or holds a value that does not decode; the rare failure of randomness counts too) |

mod histogram;
mod requests;
mod text;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use credreport_iam::{Error, ReportBuild, ReportSink};
use credreport_report::Timestamp;

use crate::ops::Action;
use histogram::{Histogram, BUILD_BOUNDS};
use requests::{ApiRequests, ConsoleRequests};
pub use text::CONTENT_TYPE;
use text::{Exposition, Kind};

/// The version of rustc that built the server (`build.rs`).
const RUSTC_VERSION: &str = env!("CREDREPORT_RUSTC_VERSION");

/// Declares a closed set of label values: the enum, its list and its labels.
macro_rules! label_values {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $label:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in the order they are written.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The label value.
            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)*
                }
            }
        }
    };
}

label_values! {
    /// The rate limit that refused a request.
    Limit {
        /// Authenticated requests of one account (IAM's `Throttling`).
        Account => "account",
        /// Failed authentications of one source address.
        FailedAuthentication => "failed_authentication",
        /// Console sign-in attempts of one source address.
        ConsoleSignIn => "console_sign_in",
    }
}

label_values! {
    /// A console sign-in step.
    SignInStep {
        /// The password.
        Password => "password",
        /// The MFA code.
        Mfa => "mfa",
    }
}

label_values! {
    /// How a checked sign-in step ended.
    SignInOutcome {
        /// Passed (on to the next step, or signed in).
        Succeeded => "succeeded",
        /// A wrong account, name, password or code.
        Failed => "failed",
        /// Refused by the name's lockout (too many failures), before any check.
        Locked => "locked",
    }
}

label_values! {
    /// How a credential report build ended.
    BuildOutcome {
        /// The report was built and stored.
        Completed => "completed",
        /// Another instance of the fleet had taken the build over.
        TakenOver => "taken_over",
        /// The build failed (logged).
        Failed => "failed",
    }
}

/// The server's counters, shared by the API, the console and the metrics listener
/// (cloning shares them).
#[derive(Clone, Debug)]
pub struct Metrics(Arc<Registry>);

#[derive(Debug)]
struct Registry {
    api: ApiRequests,
    console: ConsoleRequests,
    throttled: Box<[AtomicU64]>,
    /// By step, then outcome.
    sign_ins: Box<[AtomicU64]>,
    builds: Box<[AtomicU64]>,
    build_duration: Histogram,
    store_errors: AtomicU64,
}

fn counters(n: usize) -> Box<[AtomicU64]> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

fn bump(counters: &[AtomicU64], i: usize) {
    if let Some(c) = counters.get(i) {
        c.fetch_add(1, Ordering::Relaxed);
    }
}

fn read(counters: &[AtomicU64], i: usize) -> u64 {
    counters.get(i).map_or(0, |c| c.load(Ordering::Relaxed))
}

fn index<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|v| v == value).unwrap_or(usize::MAX)
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Every counter at zero.
    pub fn new() -> Metrics {
        Metrics(Arc::new(Registry {
            api: ApiRequests::new(),
            console: ConsoleRequests::new(),
            throttled: counters(Limit::ALL.len()),
            sign_ins: counters(SignInStep::ALL.len() * SignInOutcome::ALL.len()),
            builds: counters(BuildOutcome::ALL.len()),
            build_duration: Histogram::new(BUILD_BOUNDS),
            store_errors: AtomicU64::new(0),
        }))
    }

    /// An API request for `action` (none: not an action) answered with `error` (none:
    /// success) after `took`.
    pub fn api_request(&self, action: Option<Action>, error: Option<&'static str>, took: Duration) {
        self.0.api.record(action, error, took);
    }

    /// A console request answered with `status` after `took`.
    pub fn console_request(&self, status: StatusCode, took: Duration) {
        self.0.console.record(status.as_u16(), took);
    }

    /// A request refused by `limit`.
    pub fn throttled(&self, limit: Limit) {
        bump(&self.0.throttled, index(Limit::ALL, &limit));
    }

    /// A console sign-in step checked.
    pub fn sign_in(&self, step: SignInStep, outcome: SignInOutcome) {
        bump(&self.0.sign_ins, sign_in_slot(step, outcome));
    }

    /// An internal failure of the domain (see the module's table).
    pub fn store_error(&self) {
        self.0.store_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs a credential report build, counting how it ended and timing it; `sink` is
    /// written the report before it is stored ([`ReportBuild::run_into`]).
    pub fn run_build(
        &self,
        build: ReportBuild,
        sink: &mut dyn ReportSink,
    ) -> Result<Option<Timestamp>, Error> {
        let started = Instant::now();
        let result = build.run_into(sink);
        let outcome = match &result {
            Ok(Some(_)) => {
                self.0.build_duration.observe(started.elapsed());
                BuildOutcome::Completed
            }
            Ok(None) => BuildOutcome::TakenOver,
            Err(e) => {
                if matches!(e, Error::Internal(_)) {
                    self.store_error();
                }
                BuildOutcome::Failed
            }
        };
        bump(&self.0.builds, index(BuildOutcome::ALL, &outcome));
        result
    }

    /// Every family in the text exposition format.
    pub fn render(&self) -> String {
        let r = &self.0;
        let mut e = Exposition::default();
        e.family(
            "credreport_build_info",
            Kind::Gauge,
            "The running build: its version and the rustc that compiled it (always 1).",
        );
        e.sample(
            "credreport_build_info",
            &[
                ("version", env!("CARGO_PKG_VERSION")),
                ("rustc", RUSTC_VERSION),
            ],
            1,
        );
        e.family(
            "credreport_api_requests_total",
            Kind::Counter,
            "Query API requests answered, by action and AWS error code (none: succeeded).",
        );
        for (action, error, n) in r.api.counts() {
            e.sample(
                "credreport_api_requests_total",
                &[("action", action), ("error", error)],
                n,
            );
        }
        e.family(
            "credreport_api_request_duration_seconds",
            Kind::Histogram,
            "Query API request latency, from arrival to answer, by action.",
        );
        for (action, h) in r.api.durations() {
            e.histogram(
                "credreport_api_request_duration_seconds",
                &[("action", action)],
                &h,
            );
        }
        e.family(
            "credreport_console_requests_total",
            Kind::Counter,
            "Console requests answered, by HTTP status.",
        );
        for (status, n) in r.console.counts() {
            let status = status.to_string();
            e.sample(
                "credreport_console_requests_total",
                &[("status", &status)],
                n,
            );
        }
        e.family(
            "credreport_console_request_duration_seconds",
            Kind::Histogram,
            "Console request latency, from arrival to answer.",
        );
        e.histogram(
            "credreport_console_request_duration_seconds",
            &[],
            &r.console.duration(),
        );
        e.family(
            "credreport_throttled_requests_total",
            Kind::Counter,
            "Requests refused by a rate limit, by limit.",
        );
        for (i, limit) in Limit::ALL.iter().enumerate() {
            let n = read(&r.throttled, i);
            e.sample(
                "credreport_throttled_requests_total",
                &[("limit", limit.label())],
                n,
            );
        }
        e.family(
            "credreport_console_sign_ins_total",
            Kind::Counter,
            "Console sign-in steps checked, by step and outcome (locked: the name's lockout).",
        );
        for step in SignInStep::ALL {
            for outcome in SignInOutcome::ALL {
                e.sample(
                    "credreport_console_sign_ins_total",
                    &[("step", step.label()), ("outcome", outcome.label())],
                    read(&r.sign_ins, sign_in_slot(*step, *outcome)),
                );
            }
        }
        e.family(
            "credreport_report_builds_total",
            Kind::Counter,
            "Credential report builds, by outcome.",
        );
        for (i, outcome) in BuildOutcome::ALL.iter().enumerate() {
            let n = read(&r.builds, i);
            e.sample(
                "credreport_report_builds_total",
                &[("outcome", outcome.label())],
                n,
            );
        }
        e.family(
            "credreport_report_build_duration_seconds",
            Kind::Histogram,
            "Completed credential report builds' durations.",
        );
        e.histogram(
            "credreport_report_build_duration_seconds",
            &[],
            &r.build_duration.snapshot(),
        );
        e.family(
            "credreport_store_errors_total",
            Kind::Counter,
            "Internal failures of the store (or of randomness) answered as 500 ServiceFailure or ending a report build.",
        );
        e.sample(
            "credreport_store_errors_total",
            &[],
            r.store_errors.load(Ordering::Relaxed),
        );
        e.finish()
    }
}

fn sign_in_slot(step: SignInStep, outcome: SignInOutcome) -> usize {
    index(SignInStep::ALL, &step) * SignInOutcome::ALL.len() + index(SignInOutcome::ALL, &outcome)
}

/// The metrics listener's application: `GET /metrics`, nothing else.
pub fn router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(metrics)
}

async fn scrape(State(metrics): State<Metrics>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the sample written exactly as `series` (name and labels).
    fn value(page: &str, series: &str) -> Option<u64> {
        page.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    /// Each recording moves its own series, and only it; the closed sets are written at
    /// zero from the start, so a rate over them works from the first event.
    #[test]
    fn each_event_moves_its_series() {
        let m = Metrics::new();
        let before = m.render();
        for limit in Limit::ALL {
            let s = format!(
                "credreport_throttled_requests_total{{limit=\"{}\"}}",
                limit.label()
            );
            assert_eq!(value(&before, &s), Some(0), "{s}");
        }
        assert_eq!(value(&before, "credreport_store_errors_total"), Some(0));
        assert!(!before.contains("credreport_api_requests_total{"));

        m.api_request(Some(Action::ListUsers), None, Duration::from_millis(2));
        m.api_request(
            Some(Action::ListUsers),
            Some("Throttling"),
            Duration::from_millis(1),
        );
        m.throttled(Limit::Account);
        m.sign_in(SignInStep::Password, SignInOutcome::Locked);
        m.sign_in(SignInStep::Mfa, SignInOutcome::Succeeded);
        m.console_request(StatusCode::SEE_OTHER, Duration::from_millis(5));
        m.store_error();
        let after = m.render();
        let cases = [
            (
                "credreport_api_requests_total{action=\"ListUsers\",error=\"none\"}",
                1,
            ),
            (
                "credreport_api_requests_total{action=\"ListUsers\",error=\"Throttling\"}",
                1,
            ),
            (
                "credreport_api_request_duration_seconds_count{action=\"ListUsers\"}",
                2,
            ),
            (
                "credreport_api_request_duration_seconds_bucket{action=\"ListUsers\",le=\"0.001\"}",
                1,
            ),
            (
                "credreport_api_request_duration_seconds_bucket{action=\"ListUsers\",le=\"+Inf\"}",
                2,
            ),
            ("credreport_throttled_requests_total{limit=\"account\"}", 1),
            (
                "credreport_throttled_requests_total{limit=\"failed_authentication\"}",
                0,
            ),
            (
                "credreport_console_sign_ins_total{step=\"password\",outcome=\"locked\"}",
                1,
            ),
            (
                "credreport_console_sign_ins_total{step=\"password\",outcome=\"succeeded\"}",
                0,
            ),
            (
                "credreport_console_sign_ins_total{step=\"mfa\",outcome=\"succeeded\"}",
                1,
            ),
            ("credreport_console_requests_total{status=\"303\"}", 1),
            ("credreport_console_request_duration_seconds_count", 1),
            ("credreport_report_builds_total{outcome=\"completed\"}", 0),
            ("credreport_store_errors_total", 1),
        ];
        for (series, want) in cases {
            assert_eq!(value(&after, series), Some(want), "{series}\n{after}");
        }
        let info = format!(
            "credreport_build_info{{version=\"{}\",rustc=\"{RUSTC_VERSION}\"}}",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(value(&after, &info), Some(1));
        assert!(RUSTC_VERSION.starts_with("1."), "{RUSTC_VERSION}");
    }

    /// Every family has its help and type lines once, before its samples, and every
    /// sample line belongs to the family announced last.
    #[test]
    fn families_are_announced_before_their_samples() {
        let m = Metrics::new();
        m.api_request(None, Some("InvalidAction"), Duration::from_millis(1));
        let page = m.render();
        let mut family = String::new();
        let mut seen = std::collections::HashSet::new();
        for line in page.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.split(' ').next().unwrap_or_default().to_owned();
                assert!(seen.insert(name.clone()), "{name} twice");
                family = name;
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap_or_default();
                let base = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|s| name.strip_suffix(s).filter(|b| *b == family))
                    .unwrap_or(name);
                assert_eq!(base, family, "{line}");
            }
        }
        assert_eq!(seen.len(), 10);
        assert!(page.ends_with('\n'));
    }
}
