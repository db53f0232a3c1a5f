//! `credreport demo` (issue 14): it serves on a loopback port, `credreport fetch` gets both
//! accounts' reports (the sandbox's through OrganizationAccountAccessRole), `credreport
//! audit` finds something for every check of the auditor (the principal checks in fetch
//! mode, with privilege and use: issue 24), and two runs ending on the same day give the
//! same report bytes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::demo::start;
use common::{credreport, iam_client, stderr, stdout};
use credreport_report::Column;

fn root_env(data: &Path) -> [(&'static str, String); 2] {
    let creds: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("root-credentials.json"))
            .expect("root-credentials.json"),
    )
    .expect("JSON");
    let field = |k: &str| creds[k].as_str().expect("credential").to_owned();
    [
        ("AWS_ACCESS_KEY_ID", field("AccessKeyId")),
        ("AWS_SECRET_ACCESS_KEY", field("SecretAccessKey")),
    ]
}

fn run(args: &[&str], env: &[(&'static str, String)], dir: &Path) -> std::process::Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    credreport(args, &env, dir)
}

/// The demo user's access key, from the demo's welcome.
fn demo_user_env(welcome: &str) -> [(&'static str, String); 2] {
    let line = welcome
        .lines()
        .skip_while(|l| !l.starts_with("demo-admin's access key"))
        .nth(1)
        .expect("the demo user's key line");
    let mut parts = line
        .split_whitespace()
        .map(|p| p.split_once('=').expect("K=V").1.to_owned());
    [
        ("AWS_ACCESS_KEY_ID", parts.next().expect("id")),
        ("AWS_SECRET_ACCESS_KEY", parts.next().expect("secret")),
    ]
}

#[test]
fn the_demo_serves_reports_on_which_every_check_fires_and_the_same_day_gives_the_same_bytes() {
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path();
    let first = dir.join("first");
    let demo = start(&first);
    let health = std::net::TcpStream::connect(demo.endpoint.trim_start_matches("http://"))
        .map(|mut s| {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut body = String::new();
            let _ = s.read_to_string(&mut body);
            body
        })
        .expect("connect");
    assert!(health.ends_with("ok\n"), "{health}");
    let mode = std::fs::metadata(first.join("root-credentials.json")).expect("file");
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600
    );

    let root = root_env(&first);
    std::fs::create_dir(dir.join("reports")).expect("mkdir");
    let main = run(
        &[
            "fetch",
            "--endpoint-url",
            &demo.endpoint,
            "-o",
            "reports/main.csv",
        ],
        &root,
        dir,
    );
    assert_eq!(main.status.code(), Some(0), "{}", stderr(&main));
    list_users_says_what_the_report_says_of_passwords(
        &demo.endpoint,
        &root,
        &std::fs::read(dir.join("reports/main.csv")).expect("report"),
    );
    // The sandbox, as the organization's administrator: through the role AWS Organizations
    // leaves in member accounts.
    assert!(
        demo.welcome
            .contains("The three worst (by severity, then privilege):"),
        "{}",
        demo.welcome
    );
    assert!(demo.welcome.contains("/console/"), "{}", demo.welcome);
    let user = demo_user_env(&demo.welcome);
    let sandbox = run(
        &[
            "fetch",
            "--endpoint-url",
            &demo.endpoint,
            "--account-id",
            "210987654321",
            "--role-name",
            "OrganizationAccountAccessRole",
            "-o",
            "reports/sandbox.csv",
        ],
        &user,
        dir,
    );
    assert_eq!(sandbox.status.code(), Some(0), "{}", stderr(&sandbox));
    let audit = run(&["audit", "--format", "json", "reports"], &[], dir);
    assert_eq!(audit.status.code(), Some(0), "{}", stderr(&audit));
    let json: serde_json::Value = serde_json::from_str(&stdout(&audit)).expect("audit JSON");
    let fired: BTreeSet<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail")
        .filter_map(|f| f["check"].as_str().map(str::to_owned))
        .collect();
    // The principal checks need authorization details or last-accessed data, which an
    // audit of the reports alone does not have.
    let all: BTreeSet<String> = credreport_audit::CheckId::ALL
        .iter()
        .filter(|c| c.info().scope != credreport_audit::Scope::Principal)
        .map(|c| c.as_str().to_owned())
        .collect();
    let missing: Vec<_> = all.difference(&fired).collect();
    assert!(
        missing.is_empty(),
        "checks that found nothing in the demo: {missing:?}"
    );
    fetch_mode_audit_weighs_privilege_and_use(&demo.endpoint, &user, dir);
    the_api_answers_the_storys_uses(&demo.endpoint, &user);
    drop(demo);

    // The same day again, into another directory: the same report, byte for byte.
    let second = dir.join("second");
    let again = start(&second);
    let main2 = run(
        &[
            "fetch",
            "--endpoint-url",
            &again.endpoint,
            "-o",
            "main2.csv",
        ],
        &root_env(&second),
        dir,
    );
    assert_eq!(main2.status.code(), Some(0), "{}", stderr(&main2));
    let (a, b) = (
        std::fs::read(dir.join("reports/main.csv")).expect("first"),
        std::fs::read(dir.join("main2.csv")).expect("second"),
    );
    assert_eq!(a, b, "two runs of the same day give the same report");
    let (rows, _) = credreport_report::read_all(&a).expect("a valid report");
    assert_eq!(rows.len(), 61, "root and 60 users");
}

/// Issue 24: `credreport audit --endpoint-url` as the demo user, over the organization (the
/// sandbox through OrganizationAccountAccessRole), also reads the authorization details and
/// every user's and role's last-accessed data. Every check fires, the principal checks
/// too: the role of last year's migration is unused and the release role, in steady use,
/// is not; svc-deploy is allowed Lambda, used in its first year only, and CodeDeploy, never
/// used, but not EC2, used at every release. Of two stale access keys, the
/// administrator's finding is one level above the reader's.
fn fetch_mode_audit_weighs_privilege_and_use(
    endpoint: &str,
    user: &[(&'static str, String)],
    dir: &Path,
) {
    use credreport_audit::{CheckId, Severity};

    let audit = run(
        &[
            "audit",
            "--endpoint-url",
            endpoint,
            "--all-accounts",
            "--role-name",
            "OrganizationAccountAccessRole",
            "--format",
            "json",
        ],
        user,
        dir,
    );
    assert_eq!(audit.status.code(), Some(0), "{}", stderr(&audit));
    let json: serde_json::Value = serde_json::from_str(&stdout(&audit)).expect("audit JSON");
    let failed: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    let fired: BTreeSet<&str> = failed.iter().filter_map(|f| f["check"].as_str()).collect();
    let missing: Vec<&str> = CheckId::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !fired.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "checks that found nothing in the demo's fetch-mode audit: {missing:?}"
    );
    let of = |check: &str, arn: &str| -> Vec<&serde_json::Value> {
        failed
            .iter()
            .filter(|f| f["check"] == check && f["arn"] == arn)
            .copied()
            .collect()
    };
    let main = |path: &str| format!("arn:aws:iam::123456789012:{path}");
    let unused_roles: Vec<&str> = failed
        .iter()
        .filter(|f| f["check"] == "role-unused")
        .filter_map(|f| f["arn"].as_str())
        .collect();
    assert_eq!(unused_roles, [main("role/service-role/db-migration")]);
    let deploy = of("permissions-unused", &main("user/service/svc-deploy"));
    let message = deploy
        .first()
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default();
    for (listed, expected) in [
        ("(lambda, last used 20", true),
        ("(codedeploy, not used)", true),
        ("(ec2,", false),
    ] {
        assert_eq!(message.contains(listed), expected, "{listed}: {message}");
    }
    let base = CheckId::AccessKeyUnused.info().severity;
    let rank = Severity::DESCENDING
        .iter()
        .position(|s| *s == base)
        .expect("a severity");
    for (who, privilege, severity) in [
        (
            "user/people/alice.nguyen",
            "admin",
            Severity::DESCENDING[rank.saturating_sub(1)],
        ),
        ("user/service/svc-dashboard", "read", base),
    ] {
        let found = of("access-key-unused", &main(who));
        assert_eq!(found.len(), 1, "{who}: {found:?}");
        let f = found[0];
        assert_eq!(f["privilege"], privilege, "{who}: {f}");
        assert_eq!(f["base_severity"], base.name(), "{who}: {f}");
        assert_eq!(f["severity"], severity.name(), "{who}: {f}");
    }
}

/// Issue 24: the story's requests as IAM's API answers them. RoleLastUsed: the migration
/// role's last use a year before the release role's, each in its region. svc-deploy's
/// last-accessed data (GenerateServiceLastAccessedDetails): every service its policy allows,
/// with the region of its last use, and none for those only the `deploy` role's session
/// used (S3, CloudFormation) or nobody used (CodeDeploy).
fn the_api_answers_the_storys_uses(endpoint: &str, user: &[(&'static str, String); 2]) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let iam = iam_client(endpoint, &user[0].1, &user[1].1);
    runtime.block_on(async {
        let mut last_used = BTreeMap::new();
        for role in ["db-migration", "deploy"] {
            let out = iam
                .get_role()
                .role_name(role)
                .send()
                .await
                .expect("GetRole");
            let used = out
                .role()
                .and_then(|r| r.role_last_used())
                .expect("RoleLastUsed");
            let at = used.last_used_date().map(|t| t.secs()).expect("a last use");
            last_used.insert(role, (at, used.region().map(str::to_owned)));
        }
        let (migration, deploy) = (&last_used["db-migration"], &last_used["deploy"]);
        assert_eq!(migration.1.as_deref(), Some("eu-west-1"), "{last_used:?}");
        assert_eq!(deploy.1.as_deref(), Some("us-east-1"), "{last_used:?}");
        assert!(deploy.0 - migration.0 > 365 * 86_400, "{last_used:?}");

        let job = iam
            .generate_service_last_accessed_details()
            .arn("arn:aws:iam::123456789012:user/service/svc-deploy")
            .send()
            .await
            .expect("GenerateServiceLastAccessedDetails");
        let details = iam
            .get_service_last_accessed_details()
            .job_id(job.job_id().expect("a job id"))
            .send()
            .await
            .expect("GetServiceLastAccessedDetails");
        let regions: BTreeMap<&str, Option<&str>> = details
            .services_last_accessed()
            .iter()
            .map(|s| (s.service_namespace(), s.last_authenticated_region()))
            .collect();
        assert_eq!(
            regions,
            BTreeMap::from([
                ("cloudformation", None),
                ("codedeploy", None),
                ("ec2", Some("us-east-1")),
                ("lambda", Some("us-west-2")),
                ("s3", None),
                ("sts", Some("us-east-1")),
            ])
        );
    });
}

/// Issue 27: tools that read ListUsers (an open-source auditor's "console access unused for
/// 45 days" check) see each user's last sign-in, the same as the report's
/// `password_last_used`; the demo has users whose passwords are unused for longer.
fn list_users_says_what_the_report_says_of_passwords(
    endpoint: &str,
    root: &[(&'static str, String); 2],
    report: &[u8],
) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let iam = iam_client(endpoint, &root[0].1, &root[1].1);
    let listed: BTreeMap<String, Option<i64>> = runtime.block_on(async {
        let mut listed = BTreeMap::new();
        let mut pages = iam.list_users().into_paginator().send();
        while let Some(page) = pages.next().await {
            for u in page.expect("ListUsers").users() {
                listed.insert(
                    u.user_name().to_owned(),
                    u.password_last_used().map(|t| t.secs()),
                );
            }
        }
        listed
    });
    let (rows, _) = credreport_report::read_all(report).expect("a valid report");
    let generated = rows
        .iter()
        .filter_map(|r| r.get(Column::PasswordLastUsed)?.as_timestamp())
        .map(|t| t.unix())
        .max()
        .expect("someone signed in");
    let reported: BTreeMap<String, Option<i64>> = rows
        .iter()
        .filter(|r| !r.is_root())
        .map(|r| {
            let used = r
                .get(Column::PasswordLastUsed)
                .and_then(|c| c.as_timestamp())
                .map(|t| t.unix());
            (r.user().to_owned(), used)
        })
        .collect();
    assert_eq!(
        listed, reported,
        "ListUsers' PasswordLastUsed is the report's"
    );
    let unused = listed
        .values()
        .flatten()
        .filter(|t| generated - **t > 45 * 86_400)
        .count();
    assert!(unused > 0, "the demo has passwords unused for over 45 days");
}

/// Issue 26: the demo's two accounts form an organization served by credreport itself.
/// `fetch --all-accounts --endpoint-url` lists them with Organizations' ListAccounts (as
/// the management account's administrator) and fetches both, the sandbox through its
/// role; the root user, who cannot assume roles, gets the management account only. A
/// review with `organization = true` against the endpoint reviews both, and again within
/// IAM's 4 hours fetches nothing new.
#[test]
fn the_demos_organization_is_fetched_and_reviewed_whole() {
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path();
    let data = dir.join("data");
    let demo = start(&data);
    let user = demo_user_env(&demo.welcome);
    let fetch_all = |env: &[(&'static str, String)], out: &str| {
        run(
            &[
                "fetch",
                "--endpoint-url",
                &demo.endpoint,
                "--all-accounts",
                "--role-name",
                "OrganizationAccountAccessRole",
                "-o",
                out,
            ],
            env,
            dir,
        )
    };
    let summary = |out: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(dir.join(out).join("summary.json")).expect("summary.json"),
        )
        .expect("JSON")
    };
    let fetched = fetch_all(&user, "org");
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    let s = summary("org");
    let accounts = s["accounts"].as_array().expect("accounts");
    let listed: Vec<(&str, &str, &str)> = accounts
        .iter()
        .map(|a| {
            (
                a["id"].as_str().expect("id"),
                a["name"].as_str().expect("name"),
                a["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("123456789012", "acme-prod", "ok"),
            ("210987654321", "acme-sandbox", "ok")
        ]
    );
    for (id, ..) in &listed {
        let bytes = std::fs::read(dir.join("org").join(format!("{id}.csv"))).expect("report");
        let (rows, _) = credreport_report::read_all(&bytes).expect("a valid report");
        assert_eq!(rows[0].arn(), format!("arn:aws:iam::{id}:root"));
    }

    // The root user may list the accounts but not assume a role (as in AWS): one account.
    let as_root = fetch_all(&root_env(&data), "as-root");
    assert_eq!(as_root.status.code(), Some(2), "{}", stderr(&as_root));
    let s = summary("as-root");
    assert_eq!(s["accounts"][0]["status"], "ok");
    assert_eq!(s["accounts"][1]["status"], "error");
    assert!(
        s["accounts"][1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("AccessDenied")),
        "{s}"
    );

    // A review of the organization through the endpoint, twice.
    std::fs::write(
        dir.join("review.toml"),
        format!(
            "history = \"history\"\n\n[[target]]\nname = \"acme\"\nendpoint_url = \"{}\"\norganization = true\nrole_name = \"OrganizationAccountAccessRole\"\n",
            demo.endpoint
        ),
    )
    .expect("review.toml");
    let review = || run(&["review", "--config", "review.toml"], &user, dir);
    let first = review();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let text = stdout(&first);
    for id in ["123456789012", "210987654321"] {
        assert!(
            text.contains(&format!("target acme account {id}: report ")),
            "{text}"
        );
    }
    assert!(text.contains("2 account(s) reviewed, 0 failed"), "{text}");
    let again = review();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let text = stdout(&again);
    assert_eq!(
        text.matches("the same report as last time (IAM's 4-hour rule)")
            .count(),
        2,
        "{text}"
    );
}
