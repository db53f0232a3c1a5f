//! The console in process (`app().oneshot()`), as a browser without JavaScript drives it:
//! cookies kept between requests, forms posted with the CSRF token the page carried.
//! Issue 13's rules that need no real browser: sign-in failures share one message, CSRF
//! refusals, access denied naming the action, every user-supplied string escaped, the
//! download equal to GetCredentialReport's bytes, and the forced password change.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::{MasterKey, Secret};
use credreport_iam::{
    AccountId, Iam, IamConfig, ManualClock, PasswordPolicyInput, SqliteStore, Store,
};
use credreport_report::Timestamp;
use credreport_server::throttle::Rate;
use credreport_server::{app, ServerConfig};
use tower::ServiceExt;

mod common;

const ACCOUNT: &str = "123456789012";
const ROOT_PASSWORD: &str = "Root-Password-42";
const NOW: &str = "2026-11-23T10:00:00Z";
const FAILED: &str = "Your authentication information is incorrect. Please try again.";
const TOO_MANY: &str =
    "Too many failed sign-in attempts from your network address. Wait a moment and try again.";

struct Fixture {
    iam: Iam,
    clock: ManualClock,
    account: AccountId,
    router: Router,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    fixture_with(ServerConfig::standard())
}

fn fixture_with(config: ServerConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap());
    let clock = ManualClock::new(Timestamp::parse(NOW.as_bytes()).unwrap().0);
    let iam = Iam::new(
        store,
        Arc::new(clock.clone()),
        MasterKey::generate().unwrap(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = AccountId::parse(ACCOUNT).unwrap();
    iam.create_account(Some(account.clone()), false).unwrap();
    iam.set_root_password(&account, Some(&Secret::from_string(ROOT_PASSWORD.into())))
        .unwrap();
    let router = app(iam.clone(), config);
    Fixture {
        iam,
        clock,
        account,
        router,
        _dir: dir,
    }
}

impl Fixture {
    fn user(&self, name: &str, path: Option<&str>, password: Option<&str>) {
        self.iam.create_user(&self.account, name, path).unwrap();
        if let Some(p) = password {
            self.iam
                .create_login_profile(&self.account, name, &Secret::from_string(p.into()), false)
                .unwrap();
        }
    }

    fn browser(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            cookies: HashMap::new(),
            csrf: None,
            source: None,
            forwarded_for: None,
        }
    }

    /// A browser whose requests come from `ip` (as `serve` gives each request its peer).
    fn browser_at(&self, ip: &str) -> Browser {
        Browser {
            source: Some(SocketAddr::new(ip.parse().unwrap(), 50_000)),
            ..self.browser()
        }
    }

    /// A browser at `client` behind the proxy at `proxy`, which names it in
    /// `X-Forwarded-For`.
    fn browser_behind(&self, proxy: &str, client: &str) -> Browser {
        Browser {
            forwarded_for: Some(client.to_owned()),
            ..self.browser_at(proxy)
        }
    }
}

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }
}

/// Keeps cookies, and the CSRF token of the last page that had one.
struct Browser {
    router: Router,
    cookies: HashMap<String, String>,
    csrf: Option<String>,
    /// The peer address its requests carry, if any.
    source: Option<SocketAddr>,
    /// The client its proxy names in `X-Forwarded-For`, if any.
    forwarded_for: Option<String>,
}

impl Browser {
    async fn send(&mut self, method: &str, path: &str, body: String) -> Page {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut req = Request::builder().method(method).uri(path);
        if !cookie.is_empty() {
            req = req.header(header::COOKIE, cookie.join("; "));
        }
        if method == "POST" {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        if let Some(peer) = self.source {
            req = req.extension(ConnectInfo(peer));
        }
        if let Some(client) = &self.forwarded_for {
            req = req.header("x-forwarded-for", client);
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = String::from_utf8_lossy(&to_bytes(resp.into_body(), usize::MAX).await.unwrap())
            .into_owned();
        if let Some(at) = body.find("name=\"csrf_token\" value=\"") {
            let rest = &body[at + 25..];
            self.csrf = Some(rest[..rest.find('"').unwrap()].to_owned());
        }
        Page {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, String::new()).await
    }

    /// Posts `fields` with the last page's CSRF token.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_exactly(path, &all).await
    }

    async fn post_exactly(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send("POST", path, body).await
    }

    async fn sign_in(&mut self, account: &str, user: Option<&str>, password: &str) -> Page {
        self.get("/console/signin").await;
        let mut fields = vec![("account", account), ("password", password)];
        match user {
            Some(u) => fields.extend([("signin_as", "iam"), ("username", u)]),
            None => fields.push(("signin_as", "root")),
        }
        self.post("/console/signin", &fields).await
    }
}

#[tokio::test]
async fn the_console_sends_a_visitor_without_a_session_to_sign_in() {
    let f = fixture();
    let mut b = f.browser();
    for path in [
        "/console",
        "/console/",
        "/console/users",
        "/console/credential-report",
    ] {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            p.location().starts_with("/console"),
            "{path}: {}",
            p.location()
        );
    }
    let p = b.get("/console/signin").await;
    assert_eq!(p.status, StatusCode::OK);
    for field in [
        "name=\"account\"",
        "name=\"username\"",
        "name=\"password\"",
        "name=\"signin_as\" value=\"iam\"",
        "name=\"signin_as\" value=\"root\"",
    ] {
        assert!(p.body.contains(field), "the sign-in form has {field}");
    }
}

#[tokio::test]
async fn wrong_password_unknown_user_and_unknown_account_look_the_same() {
    let f = fixture();
    f.user("alice", None, Some("Alice-Password-1"));
    let cases = [
        ("wrong password", ACCOUNT, Some("alice"), "nope"),
        ("unknown user", ACCOUNT, Some("nobody"), "Alice-Password-1"),
        (
            "unknown account",
            "999999999999",
            Some("alice"),
            "Alice-Password-1",
        ),
        ("wrong root password", ACCOUNT, None, "nope"),
    ];
    for (what, account, user, password) in cases {
        let mut b = f.browser();
        let p = b.sign_in(account, user, password).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{what}");
        assert!(p.body.contains(FAILED), "{what}");
        assert!(!b.cookies.contains_key("credreport_session"), "{what}");
    }
    let mut b = f.browser();
    let p = b.sign_in(ACCOUNT, Some("alice"), "Alice-Password-1").await;
    assert_eq!(
        (p.status, p.location()),
        (StatusCode::SEE_OTHER, "/console/")
    );
    let cookie = p
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("credreport_session="))
        .unwrap();
    for attr in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/console",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(attr), "{cookie} has {attr}");
    }
    assert_eq!(
        f.iam.user(&f.account, "alice").unwrap().password_last_used,
        Some(f.iam.now())
    );
}

/// Issue 22: sign-in attempts are limited per source address, before any password is
/// checked, whatever the names typed (made-up names never meet the per-name lockout); a
/// refused attempt is not counted against the name, and a successful one gives its token
/// back.
#[tokio::test]
async fn sign_in_attempts_are_limited_per_source_before_any_password_is_checked() {
    let f = fixture_with(ServerConfig {
        // A burst of 3 and (for the test's length) no refill.
        sign_in_rate: Rate {
            per_second: 0.000_1,
            burst: 3.0,
        },
        ..ServerConfig::standard()
    });
    f.user("alice", None, Some("Alice-Password-1"));
    // (user, password, status, refused unchecked): one source's attempts in order.
    let steps: &[(&str, &str, StatusCode, bool)] = &[
        ("made-up-1", "guess", StatusCode::UNAUTHORIZED, false),
        ("made-up-2", "guess", StatusCode::UNAUTHORIZED, false),
        ("alice", "Alice-Password-1", StatusCode::SEE_OTHER, false),
        ("made-up-3", "guess", StatusCode::UNAUTHORIZED, false),
        ("made-up-4", "guess", StatusCode::TOO_MANY_REQUESTS, true),
        ("alice", "wrong-1", StatusCode::TOO_MANY_REQUESTS, true),
        ("alice", "wrong-2", StatusCode::TOO_MANY_REQUESTS, true),
        ("alice", "wrong-3", StatusCode::TOO_MANY_REQUESTS, true),
        ("alice", "wrong-4", StatusCode::TOO_MANY_REQUESTS, true),
        ("alice", "wrong-5", StatusCode::TOO_MANY_REQUESTS, true),
        (
            "alice",
            "Alice-Password-1",
            StatusCode::TOO_MANY_REQUESTS,
            true,
        ),
    ];
    let mut b = f.browser_at("192.0.2.1");
    for (i, &(user, password, status, refused)) in steps.iter().enumerate() {
        let p = b.sign_in(ACCOUNT, Some(user), password).await;
        let got = (p.status, p.body.contains(TOO_MANY));
        assert_eq!(got, (status, refused), "attempt {i}: {user}");
        b.cookies.remove("credreport_session");
    }
    // Another source is not limited by the first's attempts, and the five refused
    // guesses at alice's password were never counted towards her lockout.
    let mut other = f.browser_at("192.0.2.2");
    let p = other
        .sign_in(ACCOUNT, Some("alice"), "Alice-Password-1")
        .await;
    assert_eq!(
        (p.status, p.location()),
        (StatusCode::SEE_OTHER, "/console/")
    );
    // Without a peer address (in-process callers) there is no per-source limit.
    let mut local = f.browser();
    for _ in 0..5 {
        let p = local.sign_in(ACCOUNT, Some("made-up"), "guess").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    }
}

/// Issue 25: behind a trusted proxy each forwarded client has its own sign-in limit (one
/// over it leaves another through the same proxy untouched), a client sending the header
/// directly is its own peer, and the metrics count each step's outcome and the refusals.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit() {
    let config = ServerConfig {
        sign_in_rate: Rate {
            per_second: 0.000_1,
            burst: 2.0,
        },
        trusted_proxies: credreport_server::proxies::TrustedProxies::new(vec!["10.0.0.2"
            .parse()
            .unwrap()]),
        ..ServerConfig::standard()
    };
    let metrics = config.metrics.clone();
    let f = fixture_with(config);
    f.user("alice", None, Some("Alice-Password-1"));
    let mut forger = f.browser_at("192.0.2.1");
    forger.forwarded_for = Some("198.51.100.7".to_owned());
    let mut browsers = [
        ("a", f.browser_behind("10.0.0.2", "198.51.100.7")),
        ("b", f.browser_behind("10.0.0.2", "198.51.100.8")),
        ("forger", forger),
    ];
    // Who tries which password, in order: a's third try is over its limit.
    let mut tries = Vec::new();
    for (i, password) in [
        (0, "wrong-1"),
        (0, "wrong-2"),
        (0, "Alice-Password-1"),
        (1, "Alice-Password-1"),
        (2, "Alice-Password-1"),
    ] {
        let (who, browser) = &mut browsers[i];
        let p = browser.sign_in(ACCOUNT, Some("alice"), password).await;
        tries.push((*who, p.status, p.body.contains(TOO_MANY)));
        browser.cookies.remove("credreport_session");
    }
    assert_eq!(
        tries,
        [
            ("a", StatusCode::UNAUTHORIZED, false),
            ("a", StatusCode::UNAUTHORIZED, false),
            ("a", StatusCode::TOO_MANY_REQUESTS, true),
            ("b", StatusCode::SEE_OTHER, false),
            ("forger", StatusCode::SEE_OTHER, false),
        ]
    );
    let page = metrics.render();
    for (series, want) in [
        (
            "credreport_console_sign_ins_total{step=\"password\",outcome=\"failed\"}",
            2,
        ),
        (
            "credreport_console_sign_ins_total{step=\"password\",outcome=\"succeeded\"}",
            2,
        ),
        (
            "credreport_console_sign_ins_total{step=\"password\",outcome=\"locked\"}",
            0,
        ),
        (
            "credreport_throttled_requests_total{limit=\"console_sign_in\"}",
            1,
        ),
        ("credreport_console_requests_total{status=\"401\"}", 2),
        ("credreport_console_requests_total{status=\"429\"}", 1),
    ] {
        let got = page.lines().find_map(|l| {
            l.strip_prefix(series)?
                .strip_prefix(' ')?
                .parse::<u64>()
                .ok()
        });
        assert_eq!(got, Some(want), "{series}\n{page}");
    }
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let f = fixture();
    let mut b = f.browser();
    // Sign-in without the pre-session token.
    let p = b
        .post_exactly(
            "/console/signin",
            &[
                ("account", ACCOUNT),
                ("signin_as", "root"),
                ("password", ROOT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.body.contains("CSRF"));
    assert_eq!(
        f.iam.account(&f.account).unwrap().root_password_last_used,
        None
    );
    b.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    for token in [None, Some("0123456789abcdef0123456789abcdef")] {
        let mut fields = vec![("user_name", "mallory")];
        if let Some(t) = token {
            fields.push(("csrf_token", t));
        }
        let p = b.post_exactly("/console/users", &fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "token {token:?}");
        assert!(
            f.iam.user(&f.account, "mallory").is_err(),
            "no user was created"
        );
    }
    b.get("/console/users").await;
    let p = b.post("/console/users", &[("user_name", "mallory")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(f.iam.user(&f.account, "mallory").is_ok());
}

#[tokio::test]
async fn a_user_without_permission_sees_access_denied_naming_the_action() {
    let f = fixture();
    f.user("bob", None, Some("Bob-Password-12"));
    let mut b = f.browser();
    b.sign_in(ACCOUNT, Some("bob"), "Bob-Password-12").await;
    let cases = [
        ("/console/users", "iam:ListUsers"),
        ("/console/credential-report", "iam:GetCredentialReport"),
        ("/console/account-settings", "iam:GetAccountPasswordPolicy"),
        ("/console/users/bob", "iam:GetUser"),
        ("/console/groups", "iam:ListGroups"),
        ("/console/roles", "iam:ListRoles"),
        ("/console/policies", "iam:ListPolicies"),
    ];
    for (path, action) in cases {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            p.body
                .contains(&format!("<code class=\"action\">{action}</code>")),
            "{path}: {}",
            p.body
        );
    }
    b.get("/console/my-credentials").await;
    let p = b.post("/console/credential-report/download", &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.body.contains("iam:GetCredentialReport"));
    // The own page shows which action each section needs.
    let p = b.get("/console/my-credentials").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("iam:ListAccessKeys"));
}

#[tokio::test]
async fn every_user_supplied_string_is_shown_literally() {
    let f = fixture();
    f.user("ops,admin", Some("/<script>alert(1)</script>/"), None);
    let mut b = f.browser();
    let p = b
        .sign_in(ACCOUNT, Some("<script>alert(2)</script>"), "x")
        .await;
    assert!(p.body.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    b.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    let p = b.get("/console/users?search=%3Cscript%3E").await;
    assert!(
        p.body.contains("value=\"&lt;script&gt;\""),
        "the search is echoed escaped"
    );
    let p = b.get("/console/users").await;
    assert!(p.body.contains(">ops,admin</a>"));
    assert!(p.body.contains("/&lt;script&gt;alert(1)&lt;/script&gt;/"));
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Sid":"x"}],"Id":"</pre><script>alert(3)</script>"}"#;
    b.get("/console/users/ops%2Cadmin").await;
    let p = b
        .post(
            "/console/users/ops%2Cadmin/policy-put",
            &[("policy_name", "p1"), ("policy_document", doc)],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    for page in [&p.body, &b.get("/console/users/ops%2Cadmin").await.body] {
        assert!(!page.contains("<script>"), "no markup from user input");
        assert!(page.contains("&lt;/pre&gt;&lt;script&gt;alert(3)"));
        assert!(page.contains("ops,admin"));
    }
}

#[tokio::test]
async fn the_download_is_the_exact_bytes_of_get_credential_report() {
    let f = fixture();
    f.user("alice", None, Some("Alice-Password-1"));
    let mut b = f.browser();
    b.sign_in(ACCOUNT, Some("alice"), "Alice-Password-1").await;
    let mut root = f.browser();
    root.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    let page = root.get("/console/credential-report").await;
    assert!(page.body.contains("No report has been generated yet"));
    let p = root.post("/console/credential-report/download", &[]).await;
    assert_eq!(p.status, StatusCode::OK);
    let stored = f.iam.credential_report(&f.account).unwrap();
    assert_eq!(p.body.as_bytes(), stored.content.as_slice());
    assert_eq!(p.headers[header::CONTENT_TYPE], "text/csv");
    assert_eq!(
        p.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"credential-report-123456789012-2026-11-23T100000Z.csv\""
    );
    let alice_row = p.body.lines().find(|l| l.starts_with("alice,")).unwrap();
    assert!(
        alice_row.contains(",true,2026-11-23T10:00:00+00:00,"),
        "{alice_row}"
    );
    let root_row = p.body.lines().nth(1).unwrap();
    assert!(root_row.starts_with("<root_account>,"));
    assert!(
        root_row.contains(",not_supported,2026-11-23T10:00:00+00:00,"),
        "{root_row}"
    );
    // Within 4 hours the stored report is returned as it is; after, a new one is built.
    f.clock.advance(3600);
    root.get("/console/credential-report").await;
    let again = root.post("/console/credential-report/download", &[]).await;
    assert_eq!(again.body, p.body);
    let page = root.get("/console/credential-report").await;
    assert!(page.body.contains("less than 4 hours old"));
    assert!(page.body.contains("Findings"));
    assert!(page.body.contains("<svg"), "charts are inline SVG");
    f.clock.advance(3 * 3600);
    let page = root.get("/console/credential-report").await;
    assert!(page.body.contains("more than 4 hours old"));
    let newer = root.post("/console/credential-report/download", &[]).await;
    assert_eq!(
        newer.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"credential-report-123456789012-2026-11-23T140000Z.csv\"",
        "a new report, generated at the download"
    );
    assert_eq!(
        newer.body.as_bytes(),
        f.iam
            .credential_report(&f.account)
            .unwrap()
            .content
            .as_slice()
    );
}

#[tokio::test]
async fn a_password_that_must_be_reset_is_changed_first_under_the_policy() {
    let f = fixture();
    f.iam
        .update_password_policy(
            &f.account,
            &PasswordPolicyInput {
                minimum_password_length: Some(14),
                allow_users_to_change_password: Some(true),
                ..PasswordPolicyInput::default()
            },
        )
        .unwrap();
    f.user("carol", None, None);
    f.iam
        .create_login_profile(
            &f.account,
            "carol",
            &Secret::from_string("Temporary-Pass-1".into()),
            true,
        )
        .unwrap();
    let mut b = f.browser();
    let p = b.sign_in(ACCOUNT, Some("carol"), "Temporary-Pass-1").await;
    assert_eq!(p.location(), "/console/change-password");
    let p = b.get("/console/users").await;
    assert_eq!(
        p.location(),
        "/console/change-password",
        "nothing else first"
    );
    b.get("/console/change-password").await;
    let short = [
        ("password", "Temporary-Pass-1"),
        ("new_password", "Short-1"),
        ("confirm_password", "Short-1"),
    ];
    let p = b.post("/console/change-password", &short).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(
        p.body
            .contains("Password should have a minimum length of 14"),
        "{}",
        p.body
    );
    let good = [
        ("password", "Temporary-Pass-1"),
        ("new_password", "A-Much-Longer-Password-2"),
        ("confirm_password", "A-Much-Longer-Password-2"),
    ];
    let p = b.post("/console/change-password", &good).await;
    assert_eq!(p.location(), "/console/?notice=password-changed");
    let p = b.get("/console/?notice=password-changed").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Your password was changed."));
    assert!(
        !f.iam
            .login_profile(&f.account, "carol")
            .unwrap()
            .reset_required
    );
}

#[tokio::test]
async fn console_answers_carry_the_security_headers_and_unknown_pages_are_404() {
    let f = fixture();
    let mut b = f.browser();
    let p = b.get("/console/signin").await;
    assert_eq!(p.headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(p.headers[header::CACHE_CONTROL], "no-store");
    assert!(p.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    b.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    assert_eq!(
        b.get("/console/nowhere").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/console/users/nobody").await.status,
        StatusCode::NOT_FOUND
    );
    let p = b.get("/console/static/style.css").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("@media"));
    b.get("/console/").await;
    let p = b.post("/console/signout", &[]).await;
    assert_eq!(p.location(), "/console/signin");
    assert_eq!(b.get("/console/").await.location(), "/console/signin");
}

#[tokio::test]
async fn groups_roles_and_policies_are_shown_with_what_they_hold() {
    let f = fixture();
    f.user("alice", None, None);
    let a = &f.account;
    f.iam.create_group(a, "Ops", None).unwrap();
    f.iam.add_user_to_group(a, "Ops", "alice").unwrap();
    f.iam
        .attach_policy(
            a,
            credreport_iam::Named::Group("Ops"),
            "arn:aws:iam::aws:policy/SecurityAudit",
        )
        .unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Sid":"x"}]}"#;
    f.iam
        .create_role(
            a,
            &credreport_iam::NewRole {
                name: "Auditor",
                path: None,
                assume_role_policy: trust,
                description: Some("<b>reads</b>"),
                max_session_duration: None,
                permissions_boundary: None,
            },
        )
        .unwrap();
    let mut b = f.browser();
    b.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    let cases: &[(&str, &[&str])] = &[
        ("/console/groups", &[">Ops</a>"]),
        ("/console/groups/Ops", &[">alice</a>", ">SecurityAudit</a>"]),
        ("/console/roles", &[">Auditor</a>", "never"]),
        (
            "/console/roles/Auditor",
            &["sts:AssumeRole", "&lt;b&gt;reads&lt;/b&gt;"],
        ),
        (
            "/console/policies?scope=AWS&attached=true",
            &[">SecurityAudit</a>"],
        ),
        (
            "/console/policies/view?arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FSecurityAudit",
            &[">Ops</a>", "iam:GenerateCredentialReport"],
        ),
        ("/console/users/alice", &[">Ops</a>"]),
    ];
    for (path, needles) in cases {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        for n in *needles {
            assert!(p.body.contains(n), "{path} shows {n}");
        }
    }
    let p = b.get("/console/policies?scope=Local").await;
    assert!(p.body.contains("No policies."));
}

#[tokio::test]
async fn keys_and_certificates_are_managed_from_a_users_page() {
    let f = fixture();
    f.user("svc", None, None);
    let mut b = f.browser();
    b.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    b.get("/console/users/svc").await;
    let p = b.post("/console/users/svc/key-create", &[]).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p
        .body
        .contains("This is the only time the secret access key can be seen"));
    assert!(p.body.contains("download=\"svc_accessKeys.csv\""));
    let keys = f
        .iam
        .list_access_keys(
            &f.account,
            &credreport_iam::model::Owner::User(f.iam.user(&f.account, "svc").unwrap().id),
        )
        .unwrap();
    let id = keys[0].id.clone();
    assert!(p.body.contains(&format!("id=\"new-key-id\">{id}<")));
    let p = b
        .post(
            "/console/users/svc/key-status",
            &[("key_id", &id), ("status", "Inactive")],
        )
        .await;
    assert!(
        p.body
            .contains(&format!("Access key {id} is now inactive.")),
        "{}",
        p.body
    );
    assert!(
        !p.body.contains("only time the secret"),
        "the secret is not shown again"
    );
    let cert = include_str!("../../iam/tests/data/cert-valid-rsa2048.pem");
    let p = b
        .post(
            "/console/users/svc/cert-upload",
            &[("certificate_body", cert)],
        )
        .await;
    assert!(p.body.contains("was uploaded."), "{}", p.body);
    let p = b
        .post(
            "/console/users/svc/cert-upload",
            &[("certificate_body", "not a certificate")],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::BAD_REQUEST,
        "a bad PEM is an error on the page"
    );
    let p = b
        .post(
            "/console/users/svc/cert-upload",
            &[("certificate_body", cert)],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "the same certificate twice");
    let certs = f
        .iam
        .list_signing_certificates(
            &f.account,
            &credreport_iam::model::Owner::User(f.iam.user(&f.account, "svc").unwrap().id),
        )
        .unwrap();
    let cid = certs[0].id.clone();
    let p = b
        .post(
            "/console/users/svc/cert-status",
            &[("certificate_id", &cid), ("status", "Inactive")],
        )
        .await;
    assert!(p.body.contains("is now inactive"), "{}", p.body);
    let p = b
        .post(
            "/console/users/svc/cert-delete",
            &[("certificate_id", &cid)],
        )
        .await;
    assert!(p.body.contains("was deleted"), "{}", p.body);
    let p = b
        .post("/console/users/svc/key-delete", &[("key_id", &id)])
        .await;
    assert!(p.body.contains("was deleted"), "{}", p.body);
    assert!(p.body.contains("No access keys."));
}

#[tokio::test]
async fn a_users_and_a_roles_pages_show_access_advisor() {
    let f = fixture();
    f.user("alice", None, Some("Alice-Password-1"));
    let a = &f.account;
    f.iam
        .put_inline_policy(
            a,
            credreport_iam::Named::User("alice"),
            "own",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","s3:GetObject"],"Resource":"*"}]}"#,
        )
        .unwrap();
    // alice uses IAM from the console (ListUsers); s3 is allowed and never used.
    let mut alice = f.browser();
    alice
        .sign_in(ACCOUNT, Some("alice"), "Alice-Password-1")
        .await;
    assert_eq!(alice.get("/console/users").await.status, StatusCode::OK);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
    f.iam
        .create_role(
            a,
            &credreport_iam::NewRole {
                name: "Auditor",
                path: None,
                assume_role_policy: trust,
                description: None,
                max_session_duration: None,
                permissions_boundary: None,
            },
        )
        .unwrap();
    let mut root = f.browser();
    root.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    let p = root.get("/console/users/alice").await;
    assert_eq!(p.status, StatusCode::OK);
    let table = p
        .body
        .split("id=\"access-advisor-table\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no Access Advisor table: {}", p.body));
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(
        rows[0].contains(">iam<") && rows[0].contains("us-east-1"),
        "iam used from the console: {}",
        rows[0]
    );
    assert!(
        rows[1].contains(">s3<") && rows[1].contains("Not accessed in the tracking period"),
        "s3 never used: {}",
        rows[1]
    );
    let p = root.get("/console/roles/Auditor").await;
    assert!(p.body.contains("Access Advisor") && p.body.contains("Its policies allow no service."));
}

/// Issue 23: a user under AWS's "manage your own credentials with MFA" example policy
/// (`crates/policy/tests/data/aws-examples/my-sec-creds-self-manage.json`) manages its own
/// access keys in the console only in a session signed in with MFA: signed in with the
/// password alone (no device yet) the policy's Deny refuses it; once a device is enabled,
/// the sign-in asks for a code and the session it makes is an MFA session.
#[tokio::test]
async fn the_mfa_example_policy_lets_a_user_manage_its_keys_only_after_an_mfa_sign_in() {
    let f = fixture();
    f.user("mia", None, Some("Mia-Password-123"));
    f.iam
        .put_inline_policy(
            &f.account,
            credreport_iam::Named::User("mia"),
            "SelfManage",
            include_str!("../../policy/tests/data/aws-examples/my-sec-creds-self-manage.json"),
        )
        .unwrap();
    let owner = credreport_iam::model::Owner::User(f.iam.user(&f.account, "mia").unwrap().id);
    let mut b = f.browser();
    let p = b.sign_in(ACCOUNT, Some("mia"), "Mia-Password-123").await;
    assert_eq!(p.location(), "/console/", "no device: no MFA step");
    b.get("/console/my-credentials").await;
    let p = b.post("/console/my-credentials/key-create", &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    assert!(
        p.body
            .contains("<code class=\"action\">iam:CreateAccessKey</code>"),
        "{}",
        p.body
    );
    assert!(f
        .iam
        .list_access_keys(&f.account, &owner)
        .unwrap()
        .is_empty());

    // Her virtual MFA device, enabled with two consecutive codes.
    let device = f
        .iam
        .create_virtual_mfa_device(&f.account, None, "mia-phone")
        .unwrap();
    let seed =
        credreport_iam::totp::base32_decode(device.base32_seed.expose_str().unwrap()).unwrap();
    let c = credreport_iam::totp::counter_at(f.iam.now().unix());
    let code = |n| credreport_iam::totp::format_code(credreport_iam::totp::code_at(&seed, n));
    f.iam
        .enable_mfa_device(
            &f.account,
            &owner,
            &device.device.serial,
            &code(c - 1),
            &code(c),
        )
        .unwrap();

    let mut b = f.browser();
    let p = b.sign_in(ACCOUNT, Some("mia"), "Mia-Password-123").await;
    assert_eq!(
        p.location(),
        "/console/mfa",
        "the password alone is not enough"
    );
    b.get("/console/mfa").await;
    let p = b.post("/console/mfa", &[("mfa_code", &code(c + 1))]).await;
    assert_eq!(p.location(), "/console/", "{}", p.body);
    b.get("/console/my-credentials").await;
    let p = b.post("/console/my-credentials/key-create", &[]).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p
        .body
        .contains("This is the only time the secret access key can be seen"));
    assert_eq!(f.iam.list_access_keys(&f.account, &owner).unwrap().len(), 1);
    // Someone else's keys stay out of reach, MFA or not.
    f.user("zed", None, None);
    b.get("/console/users/zed").await;
    let p = b.post("/console/users/zed/key-create", &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
}

// Issue 24: privilege on the user, role and Credential report pages.

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// What makes a test user what it is.
enum Grant {
    /// A managed policy attached to the user.
    Attached(&'static str),
    /// Member of a group with a managed policy attached.
    Group(&'static str, &'static str),
    /// An inline policy allowing these actions on everything.
    Inline(&'static [&'static str]),
    /// No policy at all.
    Nothing,
}

impl Fixture {
    fn grant(&self, user: &str, grant: &Grant) {
        let a = &self.account;
        match grant {
            Grant::Attached(arn) => self
                .iam
                .attach_policy(a, credreport_iam::Named::User(user), arn)
                .unwrap(),
            Grant::Group(group, arn) => {
                if self.iam.group(a, group, None, 1).is_err() {
                    self.iam.create_group(a, group, None).unwrap();
                    self.iam
                        .attach_policy(a, credreport_iam::Named::Group(group), arn)
                        .unwrap();
                }
                self.iam.add_user_to_group(a, group, user).unwrap();
            }
            Grant::Inline(actions) => {
                let document = serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": actions, "Resource": "*"}]});
                self.iam
                    .put_inline_policy(
                        a,
                        credreport_iam::Named::User(user),
                        "granted",
                        &document.to_string(),
                    )
                    .unwrap();
            }
            Grant::Nothing => {}
        }
    }

    /// Generates the credential report and waits for it.
    fn report(&self) {
        if let Some(build) = self
            .iam
            .generate_credential_report(&self.account)
            .unwrap()
            .build
        {
            build.run().unwrap();
        }
    }

    fn role(&self, name: &str, actions: &[&str]) {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
        let a = &self.account;
        self.iam
            .create_role(
                a,
                &credreport_iam::NewRole {
                    name,
                    path: None,
                    assume_role_policy: trust,
                    description: None,
                    max_session_duration: None,
                    permissions_boundary: None,
                },
            )
            .unwrap();
        if !actions.is_empty() {
            let document = serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": actions, "Resource": "*"}]});
            self.iam
                .put_inline_policy(
                    a,
                    credreport_iam::Named::Role(name),
                    "granted",
                    &document.to_string(),
                )
                .unwrap();
        }
    }
}

/// The rows of the body of the table with `id`.
fn table_rows<'a>(body: &'a str, id: &str) -> Vec<&'a str> {
    let Some(at) = body.find(&format!("id=\"{id}\"")) else {
        panic!("no table {id}: {body}")
    };
    let table = &body[at..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows = &table[table.find("<tbody>").unwrap()..];
    rows.split("<tr>").skip(1).collect()
}

/// The element with `id`, up to its first closing tag.
fn element<'a>(body: &'a str, id: &str) -> &'a str {
    let Some(at) = body.find(&format!("id=\"{id}\"")) else {
        panic!("no element {id}: {body}")
    };
    let rest = &body[at..];
    &rest[..rest.find("</d").or_else(|| rest.find("</p>")).unwrap()]
}

/// One credential finding (a console password without MFA, `console-no-mfa`, high) on an
/// administrator, a read-only user and a user with no policies: the audit raises it for
/// the first, keeps it for the second and lowers it for the third, on their pages and on
/// the Credential report page, which lists them in that order (their names, in report
/// order, are the other way round).
#[tokio::test]
async fn privilege_raises_keeps_or_lowers_the_same_finding_and_orders_the_report_page() {
    let f = fixture();
    // (user, grant, privilege, severity, the check's own severity when moved)
    let cases: &[(&str, Grant, &str, &str, Option<&str>)] = &[
        (
            "zed-admin",
            Grant::Attached(ADMIN),
            "admin",
            "critical",
            Some("raised from high"),
        ),
        (
            "mia-reader",
            Grant::Group("Readers", READ_ONLY),
            "read",
            "high",
            None,
        ),
        (
            "ann-nobody",
            Grant::Nothing,
            "none",
            "medium",
            Some("lowered from high"),
        ),
    ];
    for (user, grant, ..) in cases {
        f.user(user, None, Some("A-Password-1234"));
        f.grant(user, grant);
    }
    f.report();
    let mut root = f.browser();
    root.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    for (user, _, privilege, severity, moved) in cases {
        let p = root.get(&format!("/console/users/{user}")).await;
        assert_eq!(p.status, StatusCode::OK, "{user}");
        let class = element(&p.body, "privilege-class");
        assert!(
            class.contains(&format!("priv priv-{privilege}\">{privilege}<")),
            "{user}: {class}"
        );
        let rows = table_rows(&p.body, "principal-findings");
        assert_eq!(rows.len(), 1, "{user}: one open finding: {rows:?}");
        let row = rows[0];
        assert!(row.contains(">console-no-mfa<"), "{user}: {row}");
        assert!(
            row.contains(&format!("sev sev-{severity}\">{severity}<")),
            "{user}: {row}"
        );
        match moved {
            Some(m) => assert!(row.contains(m), "{user}: {m}: {row}"),
            None => assert!(!row.contains(" from "), "{user}: unchanged: {row}"),
        }
    }
    // The reason names what makes the administrator one.
    let p = root.get("/console/users/zed-admin").await;
    assert!(
        element(&p.body, "privilege-reason").contains("every action on every resource"),
        "{}",
        element(&p.body, "privilege-reason")
    );
    let p = root.get("/console/credential-report").await;
    assert_eq!(p.status, StatusCode::OK);
    let rows: Vec<&str> = table_rows(&p.body, "report-findings")
        .into_iter()
        .filter(|r| r.contains(">console-no-mfa<"))
        .collect();
    assert_eq!(rows.len(), cases.len(), "{rows:?}");
    for (row, (user, _, privilege, severity, _)) in rows.iter().zip(cases) {
        assert!(row.contains(&format!(">{user}<")), "{user} in order: {row}");
        assert!(weighs(row, privilege, severity), "{user}: {row}");
        assert!(
            row.contains(&format!("sev sev-{severity}\">{severity}<")),
            "{user}: {row}"
        );
    }
}

/// Whether a findings row shows the principal's privilege and the finding's severity.
fn weighs(row: &str, privilege: &str, severity: &str) -> bool {
    row.contains(&format!("priv priv-{privilege}\""))
        && row.contains(&format!("sev sev-{severity}\""))
}

/// What the Credential report page keeps of its audit is not kept past a change of
/// policy: one made in the console shows on the next page, without a new report; one made
/// around the server (here, on the store directly) once the kept audit is 5 minutes old.
#[tokio::test]
async fn the_report_page_follows_a_policy_change_without_a_new_report() {
    let f = fixture();
    f.user("ann", None, Some("A-Password-1234"));
    f.report();
    let mut root = f.browser();
    root.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    let admin =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let ann_on_the_report_page = |body: &str| {
        let rows = table_rows(body, "report-findings");
        let row = rows.iter().find(|r| r.contains(">ann<")).unwrap();
        ["admin", "none"]
            .into_iter()
            .find(|p| row.contains(&format!("priv priv-{p}\"")))
            .unwrap_or("?")
            .to_owned()
    };
    // (what happens, ann's privilege on the page after it)
    let steps: &[(&str, &str)] = &[
        ("nothing", "none"),
        ("an administrator's policy put in the console", "admin"),
        ("the policy deleted on the store", "admin"),
        ("5 minutes pass", "none"),
    ];
    for (step, privilege) in steps {
        match *step {
            "an administrator's policy put in the console" => {
                root.get("/console/users/ann").await;
                let p = root
                    .post(
                        "/console/users/ann/policy-put",
                        &[("policy_name", "all"), ("policy_document", admin)],
                    )
                    .await;
                assert_eq!(p.status, StatusCode::OK, "{}", p.body);
            }
            "the policy deleted on the store" => f
                .iam
                .delete_inline_policy(&f.account, credreport_iam::Named::User("ann"), "all")
                .unwrap(),
            "5 minutes pass" => f.clock.advance(300),
            _ => {}
        }
        let p = root.get("/console/credential-report").await;
        assert_eq!(ann_on_the_report_page(&p.body), *privilege, "after {step}");
    }
}

/// A role unused since its creation 100 days ago shows its privilege (an inline policy
/// that reads S3: `read`) and its principal checks' findings: `role-unused` (medium) and
/// `permissions-unused` (S3 allowed and never used, low); a role created today has none,
/// and says so.
#[tokio::test]
async fn a_roles_page_shows_its_privilege_and_its_role_unused_finding() {
    let f = fixture();
    f.role("Dormant", &["s3:GetObject"]);
    f.clock.advance(100 * 86_400);
    f.role("Fresh", &["s3:GetObject"]);
    f.report();
    let mut root = f.browser();
    root.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    let p = root.get("/console/roles/Dormant").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        element(&p.body, "privilege-class").contains("priv priv-read\">read<"),
        "{}",
        element(&p.body, "privilege-class")
    );
    assert!(element(&p.body, "privilege-reason").contains("s3:GetObject"));
    let rows = table_rows(&p.body, "principal-findings");
    let found: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            let check = if r.contains(">role-unused<") {
                "role-unused"
            } else if r.contains(">permissions-unused<") {
                "permissions-unused"
            } else {
                "other"
            };
            let severity = ["critical", "high", "medium", "low", "info"]
                .into_iter()
                .find(|s| r.contains(&format!("sev sev-{s}\"")))
                .unwrap_or("?");
            (check, severity)
        })
        .collect();
    assert_eq!(
        found,
        [("role-unused", "medium"), ("permissions-unused", "low")]
    );
    let p = root.get("/console/roles/Fresh").await;
    assert!(p.body.contains("id=\"no-findings\""), "{}", p.body);
    // The role-unused finding is on the Credential report page too.
    let p = root.get("/console/credential-report").await;
    assert!(table_rows(&p.body, "report-findings")
        .iter()
        .any(|r| r.contains(">role-unused<") && r.contains(">Dormant<")));
}

/// A caller who may read the report but not what privilege and use come from still gets
/// the page: privilege `unknown` (every severity the check's own), or unused permissions
/// not checked, each saying which action it needs.
#[tokio::test]
async fn without_the_read_actions_privilege_is_unknown_and_the_page_says_which_it_needs() {
    // (the auditor's actions, the notice shown, the action it names, zed's privilege and
    // severity on the report page)
    let cases: &[(&[&str], &str, &str, &str, &str)] = &[
        (
            &["iam:GetCredentialReport"],
            "privilege-unknown",
            "iam:GetAccountAuthorizationDetails",
            "unknown",
            "high",
        ),
        (
            &[
                "iam:GetCredentialReport",
                "iam:GetAccountAuthorizationDetails",
            ],
            "last-accessed-unknown",
            "iam:GenerateServiceLastAccessedDetails",
            "admin",
            "critical",
        ),
    ];
    for (actions, notice, needed, privilege, severity) in cases {
        let f = fixture();
        f.user("zed", None, Some("A-Password-1234"));
        f.grant("zed", &Grant::Attached(ADMIN));
        f.user("auditor", None, Some("Auditor-Password-1"));
        f.grant("auditor", &Grant::Inline(actions));
        f.report();
        let mut b = f.browser();
        b.sign_in(ACCOUNT, Some("auditor"), "Auditor-Password-1")
            .await;
        let p = b.get("/console/credential-report").await;
        assert_eq!(p.status, StatusCode::OK, "{actions:?}: {}", p.body);
        assert!(
            element(&p.body, notice).contains(needed),
            "{actions:?}: {}",
            element(&p.body, notice)
        );
        let rows = table_rows(&p.body, "report-findings");
        let row = rows.iter().find(|r| r.contains(">zed<")).unwrap();
        assert!(weighs(row, privilege, severity), "{actions:?}: {row}");
    }
}

/// At phone width a `table.wide` is stacked, one cell a line, each cell's label written
/// before it from its `data-label`: every cell of every such table on the pages that have
/// them carries one.
#[tokio::test]
async fn every_cell_of_a_stacked_table_has_its_label() {
    let f = fixture();
    // A role unused for 100 days, with findings.
    f.role("Dormant", &["s3:GetObject"]);
    f.iam
        .attach_policy(
            &f.account,
            credreport_iam::Named::Role("Dormant"),
            READ_ONLY,
        )
        .unwrap();
    f.clock.advance(100 * 86_400);
    let zed = f.iam.create_user(&f.account, "zed", None).unwrap();
    f.iam
        .create_login_profile(
            &f.account,
            "zed",
            &Secret::from_string("A-Password-1234".into()),
            false,
        )
        .unwrap();
    f.grant("zed", &Grant::Group("Admins", ADMIN));
    f.iam
        .create_access_key(&f.account, &credreport_iam::model::Owner::User(zed.id))
        .unwrap();
    f.report();
    let mut root = f.browser();
    root.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    // (page, the stacked tables it has at least)
    let pages = [
        ("/console/users", 1),
        ("/console/users/zed", 3),
        ("/console/groups", 1),
        ("/console/roles", 1),
        ("/console/roles/Dormant", 2),
        ("/console/policies", 1),
        ("/console/credential-report", 1),
    ];
    for (path, least) in pages {
        let p = root.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        let tables: Vec<&str> = p
            .body
            .split("<table")
            .skip(1)
            .filter(|t| t[..t.find('>').unwrap()].contains("class=\"wide\""))
            .map(|t| &t[..t.find("</table>").unwrap()])
            .collect();
        assert!(tables.len() >= least, "{path}: {} tables", tables.len());
        for t in tables {
            for cell in t.split("<td").skip(1) {
                let tag = &cell[..cell.find('>').unwrap()];
                assert!(tag.contains("data-label=\""), "{path}: <td{tag}>");
            }
        }
    }
}

/// The root user, as a caller of the operations layer in a test.
struct RootCaller(AccountId);

impl credreport_server::authz::Caller for RootCaller {
    fn account(&self) -> &AccountId {
        &self.0
    }
    fn identity(&self) -> credreport_server::authz::Identity<'_> {
        credreport_server::authz::Identity::Root
    }
    fn arn(&self) -> credreport_iam::Arn {
        credreport_iam::Arn::root(&self.0)
    }
    fn session(&self) -> Option<&credreport_iam::sts::SessionFacts> {
        None
    }
}

/// The console's audit reads every user's and role's last-accessed data at once; for each
/// it is what a GenerateServiceLastAccessedDetails job about it answers (the Access
/// Advisor panel's): the services its own and its groups' inline and managed policies
/// allow, each with its last use and region.
#[tokio::test]
async fn the_accounts_last_accessed_data_read_at_once_is_each_principals_job() {
    let f = fixture();
    let a = &f.account;
    f.user("alice", None, Some("Alice-Password-1"));
    f.grant("alice", &Grant::Inline(&["iam:ListUsers", "s3:GetObject"]));
    f.user("bob", None, None);
    f.grant("bob", &Grant::Group("Readers", READ_ONLY));
    f.iam
        .put_inline_policy(
            a,
            credreport_iam::Named::Group("Readers"),
            "ec2",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#,
        )
        .unwrap();
    f.user("carol", None, None);
    f.role("Deployer", &[]);
    f.iam
        .attach_policy(a, credreport_iam::Named::Role("Deployer"), ADMIN)
        .unwrap();
    f.role("Empty", &[]);
    // alice uses IAM from the console.
    let mut alice = f.browser();
    alice
        .sign_in(ACCOUNT, Some("alice"), "Alice-Password-1")
        .await;
    assert_eq!(alice.get("/console/users").await.status, StatusCode::OK);
    let root = RootCaller(a.clone());
    let context = credreport_server::ops::RequestContext::at(f.iam.now());
    let ops = credreport_server::ops::Ops::new(&f.iam, &root, &context);
    let details = ops.privilege_details().unwrap();
    let all = ops.principals_last_accessed(&details).unwrap();
    assert_eq!(all.len(), 5);
    let mut used = 0;
    for (arn, access) in all.iter() {
        let job: Vec<_> = ops
            .access_advisor(&credreport_iam::Arn::parse(arn).unwrap())
            .unwrap()
            .into_iter()
            .map(|s| {
                let last = s.last.map(|l| (l.time().unix(), l.region));
                (s.namespace, s.name, last)
            })
            .collect();
        let read: Vec<_> = access
            .services()
            .map(|(s, last)| {
                let at = last.map(|u| i64::try_from(u.at.unix_seconds()).unwrap());
                (
                    s.namespace().to_owned(),
                    s.name().to_owned(),
                    at.zip(last.and_then(|u| u.region.clone())),
                )
            })
            .collect();
        assert_eq!(read, job, "{arn}");
        used += read.iter().filter(|s| s.2.is_some()).count();
    }
    assert_eq!(used, 1, "alice's use of IAM");
}

/// A policy attached through the API (a signed AttachUserPolicy) shows on the console's
/// next Credential report page: the API's changes to policies count against the kept
/// audit as the console's forms do.
#[tokio::test]
async fn a_policy_attached_through_the_api_shows_on_the_next_report_page() {
    let f = fixture();
    f.user("ann", None, Some("A-Password-1234"));
    f.report();
    let key = f
        .iam
        .create_access_key(&f.account, &credreport_iam::model::Owner::Root)
        .unwrap();
    let secret = key.secret.expose_str().unwrap().to_owned();
    let mut root = f.browser();
    root.sign_in(ACCOUNT, None, ROOT_PASSWORD).await;
    let ann = |body: &str| {
        let rows = table_rows(body, "report-findings");
        let row = rows.iter().find(|r| r.contains(">ann<")).unwrap();
        ["admin", "none"]
            .into_iter()
            .find(|p| row.contains(&format!("priv priv-{p}\"")))
            .unwrap_or("?")
            .to_owned()
    };
    let p = root.get("/console/credential-report").await;
    assert_eq!(ann(&p.body), "none");
    let body = "Action=AttachUserPolicy&Version=2010-05-08&UserName=ann\
                &PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess";
    let resp = f
        .router
        .clone()
        .oneshot(common::signed(&key.key.id, &secret, body, 0))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let p = root.get("/console/credential-report").await;
    assert_eq!(ann(&p.body), "admin", "after AttachUserPolicy");
}
