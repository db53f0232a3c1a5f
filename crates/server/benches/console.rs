//! The console's pages on an account at the users quota (issue 13: the users list and the
//! Credential report page under 50 ms of server time).
//!
//! ```text
//! cargo bench -p credreport-server --bench console
//! ```
//!
//! Setup: the IAM core benchmark's account (5,000 users with mixed credentials, the same
//! on every run), a real `SqliteStore` in a temporary directory, a stored credential
//! report, and root signed in to the console. Each page is requested in process through
//! the whole application (`app().oneshot()`: routing, the session's store read, the
//! authorization, the store reads of the page, rendering, the body collected), one
//! request at a time; wall clock, best / median / p95 of `RUNS` after one warm-up. The
//! Credential report page is timed cold too (its audit of the stored report is kept per
//! account until a newer report; cold means a newer report each time).
//!
//! For privilege (issue 24) the users are put in groups (a tenth administrators, four
//! tenths readers, three tenths power users, the rest with nothing) and the account has
//! roles. The console's audit joins the report with the authorization details and every
//! principal's last-accessed data; it is kept while the report, the account's count of
//! changes and its 5 minutes hold: the "kept audit expired" lines time the pages that make
//! it again (the details and last-accessed data read, the analysis and the audit run), as
//! after a change.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::{MasterKey, Secret};
use credreport_iam::{
    AccountId, Iam, IamConfig, ManualClock, Named, NewRole, SqliteStore, Store, REPORT_FRESH_SECS,
};
use credreport_server::{app, ServerConfig};
use tower::ServiceExt;

#[path = "../../iam/benches/common/account.rs"]
mod account;
use account::{populate, ts, Result, ACCOUNT, DAY, START, USERS};

const RUNS: usize = 40;
const GOAL_MS: f64 = 50.0;
const ROOT_PASSWORD: &str = "Bench-Root-Password-1";

const AUDITOR_PASSWORD: &str = "Bench-Auditor-Password-1";

struct Session {
    router: Router,
    cookie: String,
}

impl Session {
    async fn get(&self, path: &str) -> Result<usize> {
        let req = Request::get(path)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())?;
        let resp = self.router.clone().oneshot(req).await?;
        if resp.status() != StatusCode::OK {
            return Err(format!("GET {path}: {}", resp.status()).into());
        }
        Ok(to_bytes(resp.into_body(), usize::MAX).await?.len())
    }
}

fn cookie_named(resp: &axum::response::Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(name))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Gives one of the users (the account is at the quota; the first without an MFA device
/// among `user-04996`, `user-04992`, …) a password and a policy that reads IAM, and signs
/// it in: an auditor who reads through the console with its own policies.
async fn auditor(iam: &Iam, account: &AccountId, router: &Router) -> Result<Session> {
    let password = Secret::from_string(AUDITOR_PASSWORD.into());
    for i in 0..50 {
        let name = format!("user-{:05}", 4996 - 4 * i);
        if iam
            .create_login_profile(account, &name, &password, false)
            .is_err()
        {
            iam.update_login_profile(account, &name, Some(&password), Some(false))?;
        }
        iam.put_inline_policy(
            account,
            Named::User(&name),
            "read",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","iam:GenerateServiceLastAccessedDetails"],"Resource":"*"}]}"#,
        )?;
        let session = Session {
            cookie: sign_in_as(router, Some((&name, AUDITOR_PASSWORD))).await?,
            router: router.clone(),
        };
        if session.get("/console/").await.is_ok() {
            return Ok(session);
        }
    }
    Err("no user without MFA to sign in as".into())
}

/// Signs in as root (`user` `None`) or as the IAM user `user` with its password.
async fn sign_in_as(router: &Router, user: Option<(&str, &str)>) -> Result<String> {
    let page = router
        .clone()
        .oneshot(Request::get("/console/signin").body(Body::empty())?)
        .await?;
    let pre = cookie_named(&page, "credreport_presession=").ok_or("no pre-session cookie")?;
    let body = String::from_utf8(to_bytes(page.into_body(), usize::MAX).await?.to_vec())?;
    let at = body
        .find("name=\"csrf_token\" value=\"")
        .ok_or("no token")?
        + 25;
    let token = &body[at..at + 32];
    let form = match user {
        None => {
            format!("csrf_token={token}&account={ACCOUNT}&signin_as=root&password={ROOT_PASSWORD}")
        }
        Some((name, password)) => format!(
            "csrf_token={token}&account={ACCOUNT}&signin_as=iam&username={name}&password={password}"
        ),
    };
    let resp = router
        .clone()
        .oneshot(
            Request::post("/console/signin")
                .header(header::COOKIE, pre)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))?,
        )
        .await?;
    cookie_named(&resp, "credreport_session=").ok_or_else(|| "sign-in set no session".into())
}

async fn sign_in(router: &Router) -> Result<String> {
    sign_in_as(router, None).await
}

fn summary(name: &str, mut times: Vec<Duration>, bytes: usize) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!(
        "| {name} | {:.2} | {:.2} | {:.2} | {} | {} |",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(p95),
        bytes,
        if ms(p95) < GOAL_MS { "met" } else { "NOT met" }
    );
}

/// The users in groups by privilege (user `i`: `i % 10` 0 an administrator, 1-4 a
/// reader, 5-7 a power user, 8-9 nothing) and 20 roles (half readers, one an
/// administrator); answers the roles made.
fn privilege_mix(iam: &Iam, account: &AccountId) -> Result<usize> {
    const GROUPS: [(&str, &str); 3] = [
        ("Admins", "arn:aws:iam::aws:policy/AdministratorAccess"),
        ("Readers", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ("Developers", "arn:aws:iam::aws:policy/PowerUserAccess"),
    ];
    for (group, policy) in GROUPS {
        iam.create_group(account, group, None)?;
        iam.attach_policy(account, Named::Group(group), policy)?;
    }
    let mut marker: Option<String> = None;
    let mut i = 0usize;
    loop {
        let page = iam.list_users(account, None, marker.as_deref(), 1000)?;
        for u in &page.items {
            let group = match i % 10 {
                0 => Some(GROUPS[0].0),
                1..=4 => Some(GROUPS[1].0),
                5..=7 => Some(GROUPS[2].0),
                _ => None,
            };
            if let Some(g) = group {
                iam.add_user_to_group(account, g, &u.name)?;
            }
            i += 1;
        }
        match page.next {
            Some(m) => marker = Some(m),
            None => break,
        }
    }
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let roles = 20;
    for r in 0..roles {
        let name = format!("role-{r:03}");
        iam.create_role(
            account,
            &NewRole {
                name: &name,
                path: None,
                assume_role_policy: &trust,
                description: None,
                max_session_duration: None,
                permissions_boundary: None,
            },
        )?;
        let policy = match r {
            0 => "arn:aws:iam::aws:policy/AdministratorAccess",
            r if r % 2 == 0 => "arn:aws:iam::aws:policy/ReadOnlyAccess",
            _ => "arn:aws:iam::aws:policy/SecurityAudit",
        };
        iam.attach_policy(account, Named::Role(&name), policy)?;
    }
    Ok(roles)
}

fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("iam.db"))?);
    let clock = ManualClock::new(ts(START)?);
    let iam = Iam::new(
        Arc::clone(&store),
        Arc::new(clock.clone()),
        MasterKey::generate()?,
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = AccountId::parse(ACCOUNT).ok_or("bad account id")?;
    let mix = populate(&iam, store.as_ref(), &account)?;
    let roles = privilege_mix(&iam, &account)?;
    clock.set(ts(START + 365 * DAY)?);
    iam.set_root_password(&account, Some(&Secret::from_string(ROOT_PASSWORD.into())))?;
    let build = || -> Result<()> {
        clock.advance(REPORT_FRESH_SECS);
        if let Some(b) = iam.generate_credential_report(&account)?.build {
            b.run()?;
        }
        Ok(())
    };
    build()?;
    let router = app(iam.clone(), ServerConfig::standard());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut session = Session {
        cookie: rt.block_on(sign_in(&router))?,
        router,
    };
    println!(
        "account: {} users ({} with passwords, {} access keys, {} MFA devices), {roles} roles\n",
        mix.users,
        mix.passwords,
        mix.keys.len(),
        mix.mfa
    );
    println!(
        "| page ({USERS} users, {RUNS} runs) | best ms | median ms | p95 ms | bytes | p95 < {GOAL_MS} ms |"
    );
    println!("|---|---|---|---|---|---|");
    let pages = [
        ("users list, first page", "/console/users"),
        (
            "users list, a later page",
            "/console/users?marker=svc.deploy_02501",
        ),
        (
            "users search (reads all 5,000)",
            "/console/users?search=alice%2B04",
        ),
        ("a user's security credentials", "/console/users/user-02500"),
        ("a role's page", "/console/roles/role-005"),
        (
            "credential report (audit kept)",
            "/console/credential-report",
        ),
        (
            "credential report, high only",
            "/console/credential-report?severity=high",
        ),
    ];
    for (name, path) in pages {
        let bytes = rt.block_on(session.get(path))?;
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            black_box(rt.block_on(session.get(path))?);
            times.push(t.elapsed());
        }
        summary(name, times, bytes);
    }
    let kept_peak = credreport_testkit::peak_rss_kib()? / 1024;
    // The same pages for an IAM user: the kept audit is used once its policies are seen
    // to allow what it was made of (each principal's last-accessed data among them).
    let auditor = rt.block_on(auditor(&iam, &account, &session.router))?;
    for (name, path) in [
        (
            "credential report as an IAM user (audit kept)",
            "/console/credential-report",
        ),
        (
            "a user's page as an IAM user (audit kept)",
            "/console/users/user-02500",
        ),
    ] {
        let bytes = rt.block_on(auditor.get(path))?;
        let mut times = Vec::with_capacity(RUNS / 4);
        for _ in 0..RUNS / 4 {
            let t = Instant::now();
            black_box(rt.block_on(auditor.get(path))?);
            times.push(t.elapsed());
        }
        summary(name, times, bytes);
    }
    // The kept audit expired (as after a change): made again in the request.
    for (name, path) in [
        (
            "credential report, kept audit expired (account read, audit runs)",
            "/console/credential-report",
        ),
        (
            "a user's page, kept audit expired",
            "/console/users/user-02500",
        ),
    ] {
        let mut times = Vec::with_capacity(RUNS / 4);
        let mut bytes = 0;
        for _ in 0..RUNS / 4 {
            clock.advance(300);
            let t = Instant::now();
            bytes = rt.block_on(session.get(path))?;
            times.push(t.elapsed());
        }
        summary(name, times, bytes);
    }
    // Cold: a newer report each time, so the page audits it again.
    let mut times = Vec::with_capacity(RUNS / 4);
    let mut bytes = 0;
    for _ in 0..RUNS / 4 {
        build()?;
        // Four hours on: within the 12-hour session for two builds only.
        session.cookie = rt.block_on(sign_in(&session.router))?;
        let t = Instant::now();
        bytes = rt.block_on(session.get("/console/credential-report"))?;
        times.push(t.elapsed());
    }
    summary("credential report, newly built (audit runs)", times, bytes);
    // High-water marks of the process (the system allocator: each blocking thread that
    // made an audit keeps its arena).
    println!(
        "\npeak RSS: {kept_peak} MiB after the kept pages (one audit made), {} MiB at the end",
        credreport_testkit::peak_rss_kib()? / 1024
    );
    Ok(())
}
