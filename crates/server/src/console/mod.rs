//! The web console, under `/console/` on the API's listener: server-rendered HTML (maud
//! escapes every value it interpolates), one embedded stylesheet, no JavaScript.
//!
//! A page is a thin view over the same operations as the matching API action
//! ([`crate::ops::Ops`]: the same action names, resources and authorization): no second
//! path to the store. Requests are dispatched in one table ([`route`]) and take the API's
//! pipeline (form under its limit, a worker permit, a blocking thread). Every POST carries
//! a CSRF token ([`session`]), checked here before any handler runs.

mod access;
mod audit;
mod credentials;
mod findings;
mod home;
mod identities;
mod page;
mod principal;
mod report;
mod session;
mod settings;
mod signin;
mod users;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Extensions, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use credreport_iam::Iam;

use crate::app::ServerConfig;
use crate::changes::Changes;
use crate::error::AwsError;
use crate::metrics::Metrics;
use crate::ops::{OpError, Ops, RequestContext};
use crate::pipeline::{Lane, Pipeline, Stopped};
use crate::proxies::TrustedProxies;
use crate::query::Params;
use crate::report_cache::ReportCache;
use crate::throttle::Limiter;

use session::{token_matches, Session};
pub use session::{CSRF_FIELD, PRESESSION_COOKIE, SESSION_COOKIE};

/// The largest form accepted (a policy document is at most 128 KiB of text).
const FORM_LIMIT: usize = 1 << 20;

/// The console's state.
#[derive(Debug)]
pub(crate) struct Console {
    pub(crate) iam: Iam,
    pub(crate) reports: Arc<ReportCache>,
    /// Served over TLS: cookies are marked `Secure`.
    pub(crate) secure: bool,
    /// The accounts' audits (the stored report with privilege and use), for the
    /// Credential report page and the user and role pages.
    pub(crate) audits: audit::Audits,
    /// The worker permits, shared with the API.
    pipeline: Arc<Pipeline>,
    /// The changes made through the API and the console, by account.
    pub(crate) changes: Arc<Changes>,
    /// Sign-in attempts, by source address ([`ServerConfig::sign_in_rate`]).
    pub(crate) sign_ins: Limiter<IpAddr>,
    /// The proxies whose `X-Forwarded-For` names the client.
    proxies: TrustedProxies,
    /// The API's counters, the console's pages, sign-ins and builds among them.
    pub(crate) metrics: Metrics,
}

impl Console {
    pub(crate) fn new(
        iam: Iam,
        reports: Arc<ReportCache>,
        pipeline: Arc<Pipeline>,
        changes: Arc<Changes>,
        config: &ServerConfig,
    ) -> Console {
        Console {
            iam,
            reports,
            secure: config.secure_cookies,
            audits: audit::Audits::default(),
            pipeline,
            changes,
            sign_ins: Limiter::new(config.sign_in_rate),
            proxies: config.trusted_proxies.clone(),
            metrics: config.metrics.clone(),
        }
    }

    /// The account's audit, as the caller of `ops` may see it.
    pub(crate) fn audit(&self, ops: &Ops<'_>) -> Result<Arc<audit::AccountAudit>, PageError> {
        self.audits.get(ops, self.changes.count(ops.account()))
    }

    /// The operations, as the signed-in `me`, in `req`.
    pub(crate) fn ops<'a>(&'a self, me: &'a session::ConsoleUser, req: &'a Req) -> Ops<'a> {
        Ops::new(&self.iam, me, &req.context)
    }
}

/// A console request, its session (if its cookie names a live one) and its form.
pub(crate) struct Req {
    pub(crate) method: Method,
    /// The path's segments after `/console/`, percent-decoded.
    pub(crate) segments: Vec<String>,
    pub(crate) headers: HeaderMap,
    /// The query string's and the body's fields (the body wins on a clash).
    pub(crate) form: Params,
    pub(crate) session: Option<Session>,
    /// What the request knows (its source address, for the sign-in limit).
    pub(crate) context: RequestContext,
}

impl Req {
    /// A form field, trimmed of nothing: passwords keep their spaces.
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.form.get(name)
    }

    /// The signed-in user, or where to go instead.
    pub(crate) fn signed_in(&mut self) -> Result<session::ConsoleUser, PageError> {
        self.session.take().ok_or(PageError::SignIn)?.signed_in()
    }
}

/// Why a page is not shown as asked.
#[derive(Debug)]
pub(crate) enum PageError {
    /// Go there (303).
    Redirect(String),
    /// Not signed in: to the sign-in page.
    SignIn,
    /// The policies do not allow `action` (403, naming it).
    Denied { action: String, message: String },
    /// The form's CSRF token is missing or wrong (403).
    Csrf,
    /// No such page (404).
    NotFound,
    /// An IAM error the page cannot show in place.
    Aws(AwsError),
}

impl From<credreport_iam::Error> for PageError {
    fn from(e: credreport_iam::Error) -> PageError {
        PageError::Aws(AwsError::from(e))
    }
}

impl From<AwsError> for PageError {
    fn from(e: AwsError) -> PageError {
        PageError::Aws(e)
    }
}

impl From<OpError> for PageError {
    fn from(e: OpError) -> PageError {
        match e {
            OpError::Denied { action, error } => PageError::Denied {
                action: action.policy_name().to_owned(),
                message: error.message.unwrap_or_default(),
            },
            OpError::Iam(e) => e.into(),
            OpError::Aws(e) => PageError::Aws(e),
        }
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

/// The console's routes, for the app to merge.
pub(crate) fn router(console: Arc<Console>) -> Router {
    Router::new()
        .route("/console", get(|| async { see_other("/console/") }))
        .route("/console/static/style.css", get(stylesheet))
        .route("/console/", get(dispatch).post(dispatch))
        .route("/console/{*rest}", get(dispatch).post(dispatch))
        .with_state(console)
}

async fn stylesheet() -> Response {
    let mut r = (StatusCode::OK, page::STYLESHEET).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

async fn dispatch(
    State(console): State<Arc<Console>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
    body: Body,
) -> Response {
    let started = Instant::now();
    let c = Arc::clone(&console);
    let segments = segments(uri.path());
    let lane = lane(&method, &segments);
    let answer = console
        .pipeline
        .run(body, FORM_LIMIT, lane, move |body| {
            let form = Params::parse(uri.query().unwrap_or(""), &body);
            let context =
                RequestContext::of(&extensions, &headers, &c.proxies, c.secure, c.iam.now());
            let req = Req {
                method,
                segments,
                headers,
                form,
                session: None,
                context,
            };
            handle(&c, req).unwrap_or_else(|e| {
                // A ServiceFailure from a page that ran is the domain's internal failure.
                if matches!(&e, PageError::Aws(e) if e.is_service_failure()) {
                    c.metrics.store_error();
                }
                error_page(e, c.secure)
            })
        })
        .await;
    let page = match answer {
        Ok(page) => page,
        Err(Stopped::TooLarge) => page::message_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too large",
            "The form is larger than the console accepts (1 MiB).",
        ),
        Err(Stopped::Failed) => error_page(PageError::Aws(AwsError::service_failure()), false),
    };
    console
        .metrics
        .console_request(page.status(), started.elapsed());
    page
}

/// The pipeline's lane of a request: the sign-in steps (a password or an MFA code to
/// check) wait in their own, known by the same segments [`route`] dispatches on.
fn lane(method: &Method, segments: &[String]) -> Lane {
    let sign_in_step = matches!(
        segments,
        [only] if ["signin", "mfa", "change-password"].contains(&only.as_str())
    );
    if *method == Method::POST && sign_in_step {
        Lane::SignIn
    } else {
        Lane::General
    }
}

/// `/console/users/a%2Bb/keys` → `["users", "a+b", "keys"]`.
fn segments(path: &str) -> Vec<String> {
    path.trim_start_matches("/console")
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

fn handle(c: &Console, mut req: Req) -> PageResult {
    req.session = Session::of(&c.iam, &req.headers)?;
    if req.method != Method::POST {
        return route(c, req);
    }
    check_csrf(&req)?;
    // A form posted may have changed its account: what is kept of it is made again.
    let account = req.session.as_ref().map(|s| s.live.session.account.clone());
    let page = route(c, req);
    if let Some(account) = account {
        c.changes.bump(&account);
    }
    page
}

/// Every POST carries its form's token: the sign-in form the pre-session cookie's, every
/// other form its session's.
fn check_csrf(req: &Req) -> Result<(), PageError> {
    let sent = req.field(CSRF_FIELD);
    let ok = if req.segments == ["signin"] {
        session::cookie(&req.headers, PRESESSION_COOKIE)
            .is_some_and(|pre| token_matches(pre, "signin", sent))
    } else {
        match &req.session {
            Some(s) => token_matches(s.token.expose(), "form", sent),
            None if req.segments == ["signout"] => true,
            None => return Err(PageError::SignIn),
        }
    };
    if ok {
        Ok(())
    } else {
        Err(PageError::Csrf)
    }
}

/// The table of pages.
fn route(c: &Console, req: Req) -> PageResult {
    let get = req.method == Method::GET;
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    match (get, segs.as_slice()) {
        (true, []) => home::page(c, req),
        (true, ["signin"]) => signin::form(c, req),
        (false, ["signin"]) => signin::submit(c, req),
        (true, ["mfa"]) => signin::mfa_form(c, req),
        (false, ["mfa"]) => signin::mfa_submit(c, req),
        (true, ["change-password"]) => signin::change_form(c, req),
        (false, ["change-password"]) => signin::change_submit(c, req),
        (false, ["signout"]) => signin::sign_out(c, req),
        (true, ["credential-report"]) => report::page(c, req),
        (false, ["credential-report", "download"]) => report::download(c, req),
        (true, ["users"]) => users::list(c, req),
        (false, ["users"]) => users::create(c, req),
        (true, ["users", name]) => {
            let name = (*name).to_owned();
            credentials::page(c, req, credentials::Whose::User(name))
        }
        (false, ["users", name, action]) => {
            let (name, action) = ((*name).to_owned(), (*action).to_owned());
            credentials::act(c, req, credentials::Whose::User(name), &action)
        }
        (true, ["my-credentials"]) => credentials::page(c, req, credentials::Whose::Me),
        (false, ["my-credentials", action]) => {
            let action = (*action).to_owned();
            credentials::act(c, req, credentials::Whose::Me, &action)
        }
        (true, ["groups"]) => identities::groups(c, req),
        (true, ["groups", name]) => {
            let name = (*name).to_owned();
            identities::group(c, req, &name)
        }
        (true, ["roles"]) => identities::roles(c, req),
        (true, ["roles", name]) => {
            let name = (*name).to_owned();
            identities::role(c, req, &name)
        }
        (true, ["policies"]) => identities::policies(c, req),
        (true, ["policies", "view"]) => identities::policy(c, req),
        (true, ["account-settings"]) => settings::page(c, req),
        (false, ["account-settings", action]) => {
            let action = (*action).to_owned();
            settings::act(c, req, &action)
        }
        _ => Err(PageError::NotFound),
    }
}

/// 303 See Other.
pub(crate) fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn error_page(e: PageError, secure: bool) -> Response {
    match e {
        PageError::Redirect(to) => see_other(&to),
        PageError::SignIn => {
            let mut r = see_other("/console/signin");
            // A cookie that names no live session is cleared.
            if let Ok(v) =
                HeaderValue::from_str(&session::set_cookie(SESSION_COOKIE, None, secure, 0))
            {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        PageError::Denied { action, message } => page::denied_page(&action, &message),
        PageError::Csrf => page::message_page(
            StatusCode::FORBIDDEN,
            "Request refused",
            "The form's security token is missing or does not match this session (CSRF \
             protection). Reload the page and submit the form again.",
        ),
        PageError::NotFound => page::message_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is no such page in the console.",
        ),
        PageError::Aws(e) => {
            let status =
                StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let title = if status.is_server_error() {
                "Something went wrong"
            } else {
                e.code
            };
            page::message_page(status, title, e.message.as_deref().unwrap_or(e.code))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sign-in steps take their lane however their path is spelled, as `route` finds
    /// them; everything else goes straight to the workers.
    #[test]
    fn sign_in_steps_wait_in_their_lane_however_the_path_is_written() {
        let cases = [
            ("POST", "/console/signin", Lane::SignIn),
            ("POST", "/console/mfa", Lane::SignIn),
            ("POST", "/console/change-password", Lane::SignIn),
            ("POST", "/console//signin/", Lane::SignIn),
            ("POST", "/console/%73ignin", Lane::SignIn),
            ("GET", "/console/signin", Lane::General),
            ("POST", "/console/signout", Lane::General),
            ("POST", "/console/users", Lane::General),
            ("POST", "/console/signin/x", Lane::General),
            ("POST", "/console/users/signin", Lane::General),
        ];
        for (method, path, want) in cases {
            let method: Method = method.parse().unwrap_or_else(|_| unreachable!());
            assert_eq!(lane(&method, &segments(path)), want, "{method} {path}");
        }
    }
}
