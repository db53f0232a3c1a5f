//! The HTTP application: `POST /` (and `GET /`) for the Query API, `GET /health`, and the
//! web console under `/console/` ([`crate::console`]).
//!
//! Both the API and the console run through one [`Pipeline`]: the body read under its
//! limit, a worker permit, then the handler on a blocking thread. An API request then
//! goes: source not over its failure limit → SigV4 verified ([`authenticate`]) → the
//! account's rate → the key's use recorded → action decoded → handler, which calls the
//! operations layer ([`crate::ops`]: authorize, then act) → XML. Every failure a caller
//! can cause is an AWS error with its status; 5xx only for our faults. Each answer is
//! counted ([`Metrics`]) and logged under the request's source address (the client's
//! behind a trusted proxy, [`TrustedProxies`]).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Extensions, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use credreport_iam::{Iam, ReportBuild};
use credreport_report::Timestamp;

use crate::actions::{self, Ctx};
use crate::authz::{Caller, Identity};
use crate::body::Chunks;
use crate::changes::{may_change, Changes};
use crate::console::{self, Console};
use crate::error::AwsError;
use crate::json::{self, Input, JsonError, Target};
use crate::metrics::{Limit, Metrics};
use crate::ops::{Action, Ops, RequestContext, Service};
use crate::organizations;
use crate::pipeline::{Lane, Pipeline, Stopped};
use crate::principal::{authenticate, Principal};
use crate::proxies::TrustedProxies;
use crate::query::Params;
use crate::report_cache::ReportCache;
use crate::sigv4::{SignedRequest, VerifyOptions};
use crate::throttle::{Limiter, Rate};
use crate::xml::{self, IAM_NS, STS_NS};

/// How the service runs.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long one request may take.
    pub request_timeout: Duration,
    /// What SigV4 verification accepts.
    pub verify: VerifyOptions,
    /// How many requests are worked on at once (verification, store, XML); the others wait
    /// for a turn without holding a thread. More than the cores only oversubscribes them.
    pub workers: usize,
    /// Bytes of base64-encoded credential reports kept for GetCredentialReport.
    pub report_cache_bytes: usize,
    /// Mark the console's cookies `Secure` (served over TLS).
    pub secure_cookies: bool,
    /// Authenticated requests per account (IAM's `Throttling` past it).
    pub account_rate: Rate,
    /// Failed authentications per source address (then refused unchecked).
    pub failure_rate: Rate,
    /// Console sign-in attempts per source address (password and MFA steps; a
    /// successful one gives its token back, so failures are what count). Past it an
    /// attempt is refused before its password is hashed.
    pub sign_in_rate: Rate,
    /// The proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: TrustedProxies,
    /// Where requests, limits, sign-ins and builds are counted (shared with the metrics
    /// listener, [`crate::metrics::router`]).
    pub metrics: Metrics,
}

impl ServerConfig {
    /// 1 MiB bodies (IAM's largest input, a policy document, is 128 KiB of text), 30 s
    /// requests, standard SigV4 checks, four workers per core (a worker may wait for the
    /// store's one writer and its `fsync` while others read).
    pub fn standard() -> ServerConfig {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        ServerConfig {
            body_limit: 1 << 20,
            request_timeout: Duration::from_secs(30),
            verify: VerifyOptions::standard(),
            workers: (4 * cores).clamp(4, 64),
            // 36 reports of the users quota (5,000 users: 1.7 MB of base64 each).
            report_cache_bytes: 64 << 20,
            secure_cookies: false,
            account_rate: Rate {
                per_second: 100.0,
                burst: 200.0,
            },
            failure_rate: Rate {
                per_second: 5.0,
                burst: 20.0,
            },
            sign_in_rate: Rate {
                per_second: 1.0,
                burst: 10.0,
            },
            trusted_proxies: TrustedProxies::NONE,
            metrics: Metrics::new(),
        }
    }
}

#[derive(Debug)]
struct AppState {
    iam: Iam,
    config: ServerConfig,
    /// The worker permits, shared with the console.
    pipeline: Arc<Pipeline>,
    reports: Arc<ReportCache>,
    /// The changes made through the API, by account (shared with the console).
    changes: Arc<Changes>,
    /// Authenticated requests, by account.
    accounts: Limiter<credreport_iam::AccountId>,
    /// Failed authentications, by source address.
    failures: Limiter<IpAddr>,
}

impl AppState {
    /// The request's context (its source, behind a trusted proxy or not, and the time),
    /// as an API request of either protocol is authorized with.
    fn request_context(&self, extensions: &Extensions, headers: &HeaderMap) -> RequestContext {
        RequestContext::of(
            extensions,
            headers,
            &self.config.trusted_proxies,
            self.config.secure_cookies,
            self.iam.now(),
        )
    }
}

/// The router, ready to serve. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` (or put a `ConnectInfo` in each
/// request's extensions) for the per-source limit to apply.
pub fn app(iam: Iam, config: ServerConfig) -> Router {
    let timeout = config.request_timeout;
    let reports = Arc::new(ReportCache::new(config.report_cache_bytes));
    let pipeline = Arc::new(Pipeline::new(config.workers));
    let changes = Arc::new(Changes::default());
    let console = Console::new(
        iam.clone(),
        Arc::clone(&reports),
        Arc::clone(&pipeline),
        Arc::clone(&changes),
        &config,
    );
    Router::new()
        .route("/", get(query).post(query))
        .route("/health", get(health))
        .with_state(Arc::new(AppState {
            iam,
            pipeline,
            reports,
            changes,
            accounts: Limiter::new(config.account_rate),
            failures: Limiter::new(config.failure_rate),
            config,
        }))
        .merge(console::router(Arc::new(console)))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
}

async fn health() -> &'static str {
    "ok\n"
}

async fn query(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
    body: Body,
) -> Response {
    let started = Instant::now();
    let request_id = request_id();
    let (id, s) = (request_id.clone(), Arc::clone(&state));
    // A JSON protocol request (Organizations) names its operation in `X-Amz-Target`.
    let target = headers
        .get("x-amz-target")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let json = target.is_some();
    let answer = state
        .pipeline
        .run(body, state.config.body_limit, Lane::General, move |body| {
            let query = uri.query().unwrap_or("");
            let req = SignedRequest {
                method: method.as_str(),
                path: uri.path(),
                query,
                headers: &headers,
                body: &body,
            };
            match &target {
                Some(target) => Reply::Json(handle_json(&s, &req, &extensions, target)),
                None => Reply::Query(handle_query(&s, &req, &extensions, &id)),
            }
        })
        .await;
    let stopped = |e: Stopped| match e {
        Stopped::TooLarge => AwsError::new(
            "RequestEntityTooLarge",
            413,
            format!(
                "Request body must not exceed {} bytes.",
                state.config.body_limit
            ),
        ),
        Stopped::Failed => AwsError::service_failure(),
    };
    let handled = match answer {
        Ok(Reply::Query(handled)) => handled,
        Ok(Reply::Json(handled)) => return answer_json(&state, handled, &request_id, started),
        Err(e) if json => {
            let handled = JsonHandled::before_reading(Err(stopped(e).into()));
            return answer_json(&state, handled, &request_id, started);
        }
        Err(e) => Handled::before_reading(Err((IAM_NS, stopped(e)))),
    };
    let error = handled.outcome.as_ref().err().map(|(_, e)| e);
    // A ServiceFailure from a handler that ran is the domain's internal failure (a
    // handler's panic is `Stopped::Failed`, answered before reading).
    if handled.read && error.is_some_and(AwsError::is_service_failure) {
        state.config.metrics.store_error();
    }
    let (error, known) = (error.map(|e| e.code), handled.known);
    let response = respond(&state.iam, handled, &request_id, started);
    state
        .config
        .metrics
        .api_request(known, error, started.elapsed());
    response
}

/// What a request's handler answered, in its protocol.
enum Reply {
    /// The Query protocol (IAM, STS).
    Query(Handled),
    /// The JSON protocol (Organizations).
    Json(JsonHandled),
}

type Outcome = Result<(&'static str, Chunks), (&'static str, AwsError)>;

/// What became of a query: the action as named, the action it is, where it came from
/// (the context's source and the proxy it came through), and the answer.
struct Handled {
    action: String,
    known: Option<Action>,
    source: Option<IpAddr>,
    via: Option<IpAddr>,
    /// Whether the request was read and its handler ran to an answer.
    read: bool,
    outcome: Outcome,
}

impl Handled {
    /// A request answered before its handler could run.
    fn before_reading(outcome: Outcome) -> Handled {
        Handled {
            action: String::new(),
            known: None,
            source: None,
            via: None,
            read: false,
            outcome,
        }
    }
}

/// IAM's answer to a caller over its rate.
fn throttled() -> AwsError {
    AwsError::new("Throttling", 400, "Rate exceeded")
}

fn handle_query(
    state: &AppState,
    req: &SignedRequest<'_>,
    extensions: &Extensions,
    request_id: &str,
) -> Handled {
    let params = Params::parse(req.query, req.body);
    let action = params.get("Action").unwrap_or("").to_owned();
    let known = Action::from_name(&action);
    let service = known.map(Action::service);
    let sts =
        service == Some(Service::Sts) || params.get("Version") == Some(Service::Sts.version());
    let ns = if sts { STS_NS } else { IAM_NS };
    let context = state.request_context(extensions, req.headers);
    let now = context.time();
    let (source, via) = (context.source(), context.via());
    let asked = Query {
        req,
        params: &params,
        action: &action,
        known,
        context,
        now,
    };
    let outcome = match answer(state, asked) {
        Ok(result) => Ok((ns, xml::response(&action, ns, request_id, result))),
        Err(e) => Err((ns, e)),
    };
    Handled {
        action,
        known,
        source,
        via,
        read: true,
        outcome,
    }
}

/// A query as read: the signed request, its parameters, its action (as named and as
/// known), its context and the time it is handled at.
struct Query<'a> {
    req: &'a SignedRequest<'a>,
    params: &'a Params,
    action: &'a str,
    known: Option<Action>,
    context: RequestContext,
    now: Timestamp,
}

/// The answer to a query: its Result element, or the error.
fn answer(state: &AppState, q: Query<'_>) -> Result<Option<xml::Xml>, AwsError> {
    let iam = &state.iam;
    let metrics = &state.config.metrics;
    let (principal, context) = admit(state, q.req, q.context, q.now, &state.config.verify)?;
    if q.action.is_empty() {
        return Err(AwsError::new("MissingAction", 400, "Missing Action"));
    }
    let version = q.params.get("Version").unwrap_or("");
    let Some(handler) = q
        .known
        .filter(|a| a.service().is_query() && a.service().version() == version)
        .and_then(actions::handler)
    else {
        return Err(AwsError::new(
            "InvalidAction",
            400,
            format!(
                "Could not find operation {} for version {version}",
                q.action
            ),
        ));
    };
    // A user's or the root's session without an MFA code (GetSessionToken) reaches IAM's
    // API not at all, and STS only for AssumeRole and GetCallerIdentity, as AWS has it.
    if principal.is_session_without_mfa()
        && !matches!(
            q.known,
            Some(Action::AssumeRole | Action::GetCallerIdentity)
        )
    {
        return Err(AwsError::invalid_client_token());
    }
    let spawn_build = |build: ReportBuild| {
        let reports = Arc::clone(&state.reports);
        let metrics = metrics.clone();
        crate::build_thread::spawn(move || {
            let account = build.account().clone();
            let started = Instant::now();
            // Encoded before the report is stored, so that the GetCredentialReport that
            // follows the first COMPLETE finds it.
            match reports.keeping(&account, |sink| metrics.run_build(build, sink)) {
                Ok(Some(generated)) => {
                    tracing::info!(
                        account = %account,
                        generated = %generated,
                        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                        "credential report built"
                    );
                }
                Ok(None) => {
                    tracing::info!(account = %account, "credential report build taken over")
                }
                Err(e) => {
                    tracing::error!(account = %account, error = %e, "credential report build failed");
                }
            }
        });
    };
    let ctx = Ctx {
        ops: Ops::new(iam, &principal, &context),
        principal: &principal,
        params: q.params,
        spawn_build: &spawn_build,
        reports: &state.reports,
    };
    let answer = handler(&ctx);
    if q.known.is_some_and(may_change) {
        state.changes.bump(principal.account());
    }
    answer
}

/// What every API request passes before its action is looked at, in order: its source
/// under the failure limit, its SigV4 signature (for a scope service `verify` accepts),
/// its account's rate, and its key's use recorded. The caller and the request's context;
/// or the refusal, in the Query protocol's words.
fn admit(
    state: &AppState,
    req: &SignedRequest<'_>,
    context: RequestContext,
    now: Timestamp,
    verify: &VerifyOptions,
) -> Result<(Principal, RequestContext), AwsError> {
    let iam = &state.iam;
    let metrics = &state.config.metrics;
    let source: Option<IpAddr> = context.source();
    let clock = Instant::now();
    if source.is_some_and(|ip| !state.failures.has(&ip, clock)) {
        metrics.throttled(Limit::FailedAuthentication);
        return Err(throttled());
    }
    let principal = match authenticate(iam, req, now, verify) {
        Ok(p) => p,
        Err(e) => {
            if let Some(ip) = source {
                state.failures.take(&ip, clock);
            }
            return Err(e);
        }
    };
    if !state.accounts.take(principal.account(), clock) {
        metrics.throttled(Limit::Account);
        return Err(throttled());
    }
    // A role's session's requests are the role's use (RoleLastUsed), in their region.
    if let Identity::AssumedRole { role, .. } = principal.identity() {
        iam.record_role_use(principal.account(), &role.id, now, principal.region())?;
    }
    // Temporary credentials have no stored key whose use the report shows.
    if !principal.is_session() {
        // The use could not be recorded durably; fail the request rather than lose it.
        iam.record_key_use(
            principal.access_key_id(),
            now,
            principal.region(),
            principal.service(),
        )?;
    }
    let context = context.with_region(principal.region());
    Ok((principal, context))
}

type JsonOutcome = Result<String, JsonError>;

/// The credential scope service an Organizations request is signed for.
const ORGANIZATIONS_SCOPE: &[&str] = &[Service::Organizations.namespace()];

/// What became of an Organizations request, as [`Handled`] for a query: the operation as
/// named, the action it is, where it came from, whether its handler ran, the answer.
struct JsonHandled {
    operation: String,
    known: Option<Action>,
    source: Option<IpAddr>,
    via: Option<IpAddr>,
    read: bool,
    outcome: JsonOutcome,
}

impl JsonHandled {
    /// A request answered before its handler could run.
    fn before_reading(outcome: JsonOutcome) -> JsonHandled {
        JsonHandled {
            operation: String::new(),
            known: None,
            source: None,
            via: None,
            read: false,
            outcome,
        }
    }
}

/// An Organizations request (JSON 1.1): admitted as every API request is, but signed for
/// the `organizations` scope; then its operation by `X-Amz-Target`.
fn handle_json(
    state: &AppState,
    req: &SignedRequest<'_>,
    extensions: &Extensions,
    target: &str,
) -> JsonHandled {
    let verify = VerifyOptions {
        services: ORGANIZATIONS_SCOPE,
        ..state.config.verify.clone()
    };
    let parsed = Target::parse(target);
    let operation = parsed.map_or_else(|| target.to_owned(), |t| t.operation.to_owned());
    let known = parsed
        .and_then(|t| organizations::operation(&t).ok())
        .map(|(action, _)| action);
    let context = state.request_context(extensions, req.headers);
    let now = context.time();
    let (source, via) = (context.source(), context.via());
    let outcome = (|| {
        let (principal, context) =
            admit(state, req, context, now, &verify).map_err(JsonError::from)?;
        let target = parsed.ok_or_else(|| {
            JsonError::new(
                "UnknownOperationException",
                400,
                format!("Unknown operation {target}"),
            )
        })?;
        let (_, handler) = organizations::operation(&target)?;
        let input = Input::parse(req.body)?;
        handler(&Ops::new(&state.iam, &principal, &context), &input)
    })();
    JsonHandled {
        operation,
        known,
        source,
        via,
        read: true,
        outcome,
    }
}

/// An Organizations request's response, counted as a query's is.
fn answer_json(
    state: &AppState,
    handled: JsonHandled,
    request_id: &str,
    started: Instant,
) -> Response {
    let error = handled.outcome.as_ref().err();
    if handled.read && error.is_some_and(|e| e.code == "ServiceException") {
        state.config.metrics.store_error();
    }
    let (error, known) = (error.map(|e| e.code), handled.known);
    let response = respond_json(&state.iam, handled, request_id, started);
    state
        .config
        .metrics
        .api_request(known, error, started.elapsed());
    response
}

fn respond_json(iam: &Iam, handled: JsonHandled, request_id: &str, started: Instant) -> Response {
    let (status, body) = match handled.outcome {
        Ok(body) => (StatusCode::OK, body),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.body(),
        ),
    };
    tracing::info!(
        request_id,
        action = handled.operation,
        status = status.as_u16(),
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        source = handled.source.map(tracing::field::display),
        via = handled.via.map(tracing::field::display),
        "request"
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(json::CONTENT_TYPE),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(iam.now())) {
        headers.insert(header::DATE, v);
    }
    response
}

fn respond(iam: &Iam, handled: Handled, request_id: &str, started: Instant) -> Response {
    let (status, body) = match handled.outcome {
        Ok((_, body)) => (StatusCode::OK, body),
        Err((ns, e)) => {
            let status =
                StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (
                status,
                Chunks::from(xml::error_response(ns, &e, request_id)),
            )
        }
    };
    tracing::info!(
        request_id,
        action = handled.action,
        status = status.as_u16(),
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        source = handled.source.map(tracing::field::display),
        via = handled.via.map(tracing::field::display),
        "request"
    );
    let mut response = (status, Body::new(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(iam.now())) {
        headers.insert(header::DATE, v);
    }
    response
}

/// A random (version 4) UUID.
fn request_id() -> String {
    let mut b = credreport_iam::secret::random_bytes(16).unwrap_or_else(|_| vec![0; 16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// RFC 1123: `Mon, 23 Nov 2026 10:00:00 GMT`. Clients derive clock skew from it.
pub fn http_date(t: Timestamp) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s) = t.civil();
    let weekday = usize::try_from(t.unix().div_euclid(86_400).rem_euclid(7)).unwrap_or(0);
    let month = MONTHS[usize::try_from(mo).unwrap_or(1).clamp(1, 12) - 1];
    format!(
        "{}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT",
        DAYS[weekday]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        let t = Timestamp::parse(b"2026-11-23T10:00:00Z").unwrap().0;
        assert_eq!(http_date(t), "Mon, 23 Nov 2026 10:00:00 GMT");
        assert_eq!(
            http_date(Timestamp::from_unix(0).unwrap()),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn request_ids_are_uuids() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }
}
