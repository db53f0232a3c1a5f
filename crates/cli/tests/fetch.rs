//! `credreport fetch` and `credreport audit --endpoint-url/--all-accounts`, run as a user
//! runs them: against `credreport serve` (the report lifecycle, `--max-age`, failures), and
//! against moto's server as a stand-in for an AWS organization (Organizations, STS
//! AssumeRole across accounts, IAM in each account).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::config::Credentials;
use common::{
    credreport, free_port, iam_client, iam_session_client, organizations_client, stderr, stdout,
    sts_client, Moto, Server,
};
use serde_json::Value;

/// `report generated <T> (<age> ago) for account <A>` and the generated time.
fn summary_time(stderr: &str, account: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("report generated "))
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"));
    assert!(
        line.contains(" ago) for account ") && line.contains(account),
        "summary line: {line}"
    );
    line["report generated ".len()..]
        .split(' ')
        .next()
        .expect("time")
        .to_owned()
}

fn code(out: &std::process::Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_waits_for_a_new_report_and_writes_the_servers_bytes() {
    let server = Server::start();
    let dir = server.dir.path();
    let out_file = dir.join("report.csv");
    let out_arg = out_file.to_str().expect("path");

    // A fresh server has no report: GenerateCredentialReport says STARTED, fetch waits.
    let out = server.credreport(&[
        "fetch",
        "--endpoint-url",
        &server.endpoint,
        "--region",
        "eu-west-1",
        "-o",
        out_arg,
    ]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "stderr: {err}");
    assert!(out.stdout.is_empty(), "with -o nothing goes to stdout");
    let written = std::fs::read(&out_file).expect("the report file");
    let generated = summary_time(&err, &server.account);
    assert!(
        !err.contains('\r'),
        "no progress line when stderr is not a terminal"
    );

    // Exactly the bytes the server stores, as another client gets them.
    let stored = server
        .root_iam()
        .get_credential_report()
        .send()
        .await
        .expect("GetCredentialReport");
    assert_eq!(written, stored.content().expect("Content").as_ref());
    assert_eq!(
        stored.generated_time().expect("GeneratedTime").to_string(),
        generated
    );
    let (rows, summary) = credreport_report::read_all(&written).expect("valid report");
    assert!(summary.root_row && rows.len() == 1);

    // To stdout; within 4 hours IAM hands back the same report.
    let out = server.credreport(&["fetch", "--endpoint-url", &server.endpoint]);
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(out.stdout, written);
    assert_eq!(summary_time(&stderr(&out), &server.account), generated);

    // --max-age: a report younger than it is reused as it is.
    let out = server.credreport(&[
        "fetch",
        "--endpoint-url",
        &server.endpoint,
        "--max-age",
        "1h",
    ]);
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    assert_eq!(out.stdout, written);
    assert!(stderr(&out).contains("reused (younger than --max-age)"));

    // --max-age shorter than the report's age: IAM will not make a newer one for 4 hours,
    // so it fails, says why and until when, and writes nothing.
    let fresh = dir.join("fresh.csv");
    let out = server.credreport(&[
        "fetch",
        "--endpoint-url",
        &server.endpoint,
        "--max-age",
        "0s",
        "-o",
        fresh.to_str().expect("path"),
    ]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "stderr: {err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.starts_with("credreport: the account's credential report was generated ")
            && err.contains("older than --max-age 0 s")
            && err.contains("at most once in 4 hours"),
        "{err}"
    );
    assert!(!fresh.exists(), "nothing written on failure");
    assert_eq!(std::fs::read(&out_file).expect("report"), written);
}

#[test]
fn fetch_failures_are_clear_and_leave_files_alone() {
    let server = Server::start();
    let dir = server.dir.path();
    let target = dir.join("report.csv");
    std::fs::write(&target, "an older report\n").expect("write");
    let target_arg = target.to_str().expect("path");

    // Nothing listens on the port.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let out = server.credreport(&["fetch", "--endpoint-url", &closed, "-o", target_arg]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "stderr: {err}");
    assert!(
        err.starts_with(&format!(
            "credreport: GenerateCredentialReport: cannot reach {closed}: "
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one message: {err}");

    // A wrong secret: IAM's own error, code and message.
    let out = common::credreport(
        &[
            "fetch",
            "--endpoint-url",
            &server.endpoint,
            "-o",
            target_arg,
        ],
        &[
            ("AWS_ACCESS_KEY_ID", server.key_id.as_str()),
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ),
        ],
        dir,
    );
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "stderr: {err}");
    assert!(
        err.starts_with("credreport: GenerateCredentialReport: SignatureDoesNotMatch: ")
            && err.trim_end().ends_with("(HTTP 403)"),
        "{err}"
    );

    // No credentials at all.
    let out = common::credreport(&["fetch", "--endpoint-url", &server.endpoint], &[], dir);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "stderr: {err}");
    assert!(
        err.starts_with("credreport: GenerateCredentialReport: "),
        "{err}"
    );
    assert!(err.contains("credentials"), "{err}");
    assert!(out.stdout.is_empty());

    // The file that was there is untouched by every failure.
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "an older report\n"
    );

    // Command-line mistakes.
    let out = server.credreport(&["fetch", "--all-accounts", "--role-name", "R"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("-o DIR"), "{}", stderr(&out));
    let out = server.credreport(&["fetch", "--role-name", "R"]);
    assert_eq!(code(&out), 2);
    let out = server.credreport(&["fetch", "--max-age", "30"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("give a unit"), "{}", stderr(&out));
    let out = server.credreport(&["audit", "report.csv", "--endpoint-url", &server.endpoint]);
    assert_eq!(code(&out), 2, "a file and a fetch at once");
}

#[test]
fn profiles_in_the_shared_files_are_used_and_an_explicit_one_wins() {
    let server = Server::start();
    let dir = server.dir.path();
    let credentials = dir.join("credentials");
    let config = dir.join("config");
    std::fs::write(
        &credentials,
        format!(
            "[audit]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            server.key_id, server.secret
        ),
    )
    .expect("write");
    std::fs::write(&config, "[profile audit]\nregion = eu-west-1\n").expect("write");
    let files = [
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            credentials.to_str().expect("path"),
        ),
        ("AWS_CONFIG_FILE", config.to_str().expect("path")),
    ];
    let run = |args: &[&str], extra: &[(&str, &str)]| {
        let env: Vec<(&str, &str)> = files.iter().chain(extra).copied().collect();
        common::credreport(args, &env, dir)
    };
    let fetch = ["fetch", "--endpoint-url", server.endpoint.as_str()];

    // --profile takes the profile's key even with another key in the environment.
    let mut args = fetch.to_vec();
    args.extend(["--profile", "audit"]);
    let out = run(
        &args,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            ),
        ],
    );
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    summary_time(&stderr(&out), &server.account);

    // AWS_PROFILE, through the standard chain.
    let out = run(&fetch, &[("AWS_PROFILE", "audit")]);
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));

    // A profile that is not there.
    let mut args = fetch.to_vec();
    args.extend(["--profile", "nope"]);
    let out = run(&args, &[]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "stderr: {err}");
    assert!(
        err.starts_with(
            "credreport: --profile nope: GenerateCredentialReport: no usable AWS credentials"
        ),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_fetches_then_audits_as_of_the_generated_time() {
    let server = Server::start();
    let iam = server.root_iam();
    iam.create_user()
        .user_name("alice")
        .send()
        .await
        .expect("CreateUser");
    iam.create_login_profile()
        .user_name("alice")
        .password("Alice-Passw0rd!2026")
        .send()
        .await
        .expect("CreateLoginProfile");

    let out = server.credreport(&[
        "audit",
        "--endpoint-url",
        &server.endpoint,
        "--format",
        "json",
    ]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "stderr: {err}");
    let generated = summary_time(&err, &server.account);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["as_of"], generated.as_str());
    assert_eq!(doc["as_of_source"], "generated");
    assert_eq!(
        doc["inputs"],
        serde_json::json!([format!("fetched:{}", server.account)])
    );
    let findings = doc["findings"].as_array().expect("findings");
    let mfa = findings
        .iter()
        .find(|f| f["check"] == "console-no-mfa")
        .expect("alice has a password and no MFA");
    assert_eq!(mfa["account_id"], server.account.as_str());
    assert_eq!(
        mfa["arn"],
        format!("arn:aws:iam::{}:user/alice", server.account).as_str()
    );
    assert!(findings
        .iter()
        .any(|f| f["check"] == "root-mfa" && f["account_id"] == server.account.as_str()));

    // --as-of still wins.
    let out = server.credreport(&[
        "audit",
        "--endpoint-url",
        &server.endpoint,
        "--format",
        "json",
        "--as-of",
        "2030-01-01",
    ]);
    assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["as_of"], "2030-01-01T00:00:00Z");
    assert_eq!(doc["as_of_source"], "given");
}

/// An organization in moto: the management account (123456789012) and two members made
/// with CreateAccount; in each, users made through AssumeRole.
struct Org {
    accounts: BTreeMap<String, String>,
}

const ROLE: &str = "OrganizationAccountAccessRole";
const MANAGEMENT: &str = "123456789012";

async fn moto_organization(moto: &Moto) -> Org {
    let e = &moto.endpoint;
    let orgs = organizations_client(e, "testing", "testing");
    orgs.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .expect("CreateOrganization");
    for name in ["dev", "prod"] {
        orgs.create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .expect("CreateAccount");
    }
    let mut accounts = BTreeMap::new();
    let listed = orgs.list_accounts().send().await.expect("ListAccounts");
    for a in listed.accounts() {
        accounts.insert(
            a.id().expect("id").to_owned(),
            a.name().expect("name").to_owned(),
        );
    }
    assert_eq!(accounts.len(), 3, "{accounts:?}");
    assert_eq!(accounts.get(MANAGEMENT).map(String::as_str), Some("master"));

    let sts = sts_client(e, "testing", "testing");
    for (id, name) in &accounts {
        let iam = if id == MANAGEMENT {
            iam_client(e, "testing", "testing")
        } else {
            let assumed = sts
                .assume_role()
                .role_arn(format!("arn:aws:iam::{id}:role/{ROLE}"))
                .role_session_name("test-setup")
                .send()
                .await
                .expect("AssumeRole");
            let c = assumed.credentials().expect("Credentials");
            iam_session_client(
                e,
                Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    Some(c.session_token().to_owned()),
                    None,
                    "test",
                ),
            )
        };
        let user = format!("{name}-admin");
        iam.create_user()
            .user_name(&user)
            .send()
            .await
            .expect("CreateUser");
        iam.create_login_profile()
            .user_name(&user)
            .password("Some-Passw0rd!2026")
            .send()
            .await
            .expect("CreateLoginProfile");
        iam.create_access_key()
            .user_name(&user)
            .send()
            .await
            .expect("CreateAccessKey");
    }
    Org { accounts }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_and_audit_every_account_of_an_organization_in_moto() {
    let moto = Moto::start();
    let org = moto_organization(&moto).await;
    let out_dir = moto.dir.path().join("reports");
    let out_arg = out_dir.to_str().expect("path");

    let out = moto.credreport(&[
        "fetch",
        "--all-accounts",
        "--role-name",
        ROLE,
        "--endpoint-url",
        &moto.endpoint,
        "--concurrency",
        "2",
        "-o",
        out_arg,
    ]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "stderr: {err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("3 of 3 accounts written to"), "{err}");
    // moto's quirks are named, not fatal: no root row, a fixed GeneratedTime.
    assert!(err.contains("no root row"), "{err}");

    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("summary.json")).expect("summary.json"),
    )
    .expect("JSON");
    assert_eq!(summary["role_name"], ROLE);
    let accounts = summary["accounts"].as_array().expect("accounts");
    let ids: Vec<&str> = accounts
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        org.accounts.keys().map(String::as_str).collect::<Vec<_>>()
    );
    for a in accounts {
        let id = a["id"].as_str().expect("id");
        assert_eq!(a["status"], "ok", "{a}");
        assert_eq!(a["name"], org.accounts[id].as_str());
        assert_eq!(a["error"], Value::Null);
        assert_eq!(
            a["generated_time"], "2015-02-02T20:02:02Z",
            "moto's fixed time"
        );
        let csv = std::fs::read_to_string(out_dir.join(format!("{id}.csv"))).expect("report");
        let user = format!("{}-admin", org.accounts[id]);
        assert!(
            csv.contains(&format!("{user},arn:aws:iam::{id}:user/{user},")),
            "{id}: {csv}"
        );
    }

    // The folder audits as one result, as of the reports' generation time, and every
    // finding names its account.
    let out = moto.credreport(&["audit", out_arg, "--format", "json"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "stderr: {err}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["as_of"], "2015-02-02T20:02:02Z");
    assert_eq!(doc["as_of_source"], "generated");
    let findings = doc["findings"].as_array().expect("findings");
    assert!(findings.iter().all(|f| f["account_id"].is_string()));
    let no_mfa: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f["check"] == "console-no-mfa")
        .map(|f| f["account_id"].as_str().expect("account"))
        .collect();
    assert_eq!(
        no_mfa,
        org.accounts
            .keys()
            .map(String::as_str)
            .collect::<BTreeSet<_>>()
    );

    // The same in one step.
    let out = moto.credreport(&[
        "audit",
        "--all-accounts",
        "--role-name",
        ROLE,
        "--endpoint-url",
        &moto.endpoint,
        "--format",
        "json",
    ]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "stderr: {err}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["as_of_source"], "generated");
    let inputs: BTreeSet<&str> = doc["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i.as_str().expect("name"))
        .collect();
    assert_eq!(
        inputs,
        org.accounts
            .keys()
            .map(|id| format!("fetched:{id}"))
            .collect::<BTreeSet<_>>()
            .iter()
            .map(String::as_str)
            .collect()
    );
    let with_findings: BTreeSet<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "console-no-mfa")
        .map(|f| f["account_id"].as_str().expect("account"))
        .collect();
    assert_eq!(with_findings.len(), 3);

    // A single account from moto: the management account's report, no root row noted.
    let out = moto.credreport(&["fetch", "--endpoint-url", &moto.endpoint]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "stderr: {err}");
    assert!(err.contains(&format!("for account {MANAGEMENT}")), "{err}");
    assert!(stdout(&out).contains("master-admin,arn:aws:iam::123456789012:user/master-admin,"));
}

/// Issue 18: an Organizations member account created without root credentials is reached
/// through `OrganizationAccountAccessRole`, as in AWS, and `fetch --role-name` gets its
/// report from `credreport serve` that way (no Organizations call).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_through_organization_account_access_role_from_credreport_serve() {
    let server = Server::start();
    let dir = server.dir.path();
    let data = dir.join("data");
    let created = server.credreport(&[
        "account",
        "create",
        "--data-dir",
        data.to_str().expect("path"),
        "--organization-member",
        "--management-account",
        &server.account,
    ]);
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    let member: serde_json::Value = serde_json::from_slice(&created.stdout).expect("JSON");
    let member = member["AccountId"].as_str().expect("id").to_owned();

    // The management account's administrator: a user (the root user cannot assume roles).
    let root = server.root_iam();
    root.create_user()
        .user_name("org-admin")
        .send()
        .await
        .expect("CreateUser");
    root.attach_user_policy()
        .user_name("org-admin")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .expect("AttachUserPolicy");
    let key = root
        .create_access_key()
        .user_name("org-admin")
        .send()
        .await
        .expect("CreateAccessKey");
    let key = key.access_key().expect("AccessKey");
    let as_admin = |args: &[&str]| {
        credreport(
            args,
            &[
                ("AWS_ACCESS_KEY_ID", key.access_key_id()),
                ("AWS_SECRET_ACCESS_KEY", key.secret_access_key()),
            ],
            dir,
        )
    };
    let out_file = dir.join("member.csv");
    let out = as_admin(&[
        "fetch",
        "--endpoint-url",
        &server.endpoint,
        "--account-id",
        &member,
        "--role-name",
        "OrganizationAccountAccessRole",
        "-o",
        out_file.to_str().expect("path"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains(&member), "{}", stderr(&out));
    let (rows, _) = credreport_report::read_all(&std::fs::read(&out_file).expect("report"))
        .expect("valid report");
    assert_eq!(rows[0].arn(), format!("arn:aws:iam::{member}:root"));
    assert_eq!(
        rows[0].get(credreport_report::Column::PasswordEnabled),
        Some(&credreport_report::Cell::Bool(false)),
        "a member account created without root credentials (seed 001)"
    );
    // The same through audit; and the management account's root user is refused the role.
    let audit = as_admin(&[
        "audit",
        "--endpoint-url",
        &server.endpoint,
        "--account-id",
        &member,
        "--role-name",
        "OrganizationAccountAccessRole",
        "--format",
        "json",
    ]);
    assert!(matches!(code(&audit), 0 | 1), "{}", stderr(&audit));
    assert!(
        stdout(&audit).contains(&format!("fetched:{member}")),
        "{}",
        stdout(&audit)
    );
    let refused = server.credreport(&[
        "fetch",
        "--endpoint-url",
        &server.endpoint,
        "--account-id",
        &member,
        "--role-name",
        "OrganizationAccountAccessRole",
    ]);
    assert_eq!(code(&refused), 2);
    assert!(
        stderr(&refused).contains("AccessDenied"),
        "{}",
        stderr(&refused)
    );
    let lone = as_admin(&[
        "fetch",
        "--endpoint-url",
        &server.endpoint,
        "--role-name",
        "X",
    ]);
    assert_eq!(code(&lone), 2);
    assert!(
        stderr(&lone).contains("--role-name needs --all-accounts"),
        "{}",
        stderr(&lone)
    );
}

/// The severities in order, as the JSON output names them.
const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

fn level(name: &Value) -> usize {
    SEVERITIES
        .iter()
        .position(|s| name == *s)
        .unwrap_or_else(|| panic!("severity {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_mode_audit_weighs_the_same_finding_by_each_users_privilege() {
    let server = Server::start();
    let iam = server.root_iam();
    for (user, policy) in [
        ("admin", Some("arn:aws:iam::aws:policy/AdministratorAccess")),
        ("reader", Some("arn:aws:iam::aws:policy/ReadOnlyAccess")),
        ("nobody", None),
    ] {
        iam.create_user()
            .user_name(user)
            .send()
            .await
            .expect("CreateUser");
        iam.create_access_key()
            .user_name(user)
            .send()
            .await
            .expect("CreateAccessKey");
        if let Some(arn) = policy {
            iam.attach_user_policy()
                .user_name(user)
                .policy_arn(arn)
                .send()
                .await
                .expect("AttachUserPolicy");
        }
    }
    let audit = |extra: &[&str]| {
        let mut args = vec![
            "audit",
            "--endpoint-url",
            server.endpoint.as_str(),
            "--format",
            "json",
            "--as-of",
            "2030-01-01",
        ];
        args.extend_from_slice(extra);
        let out = server.credreport(&args);
        assert_eq!(code(&out), 0, "stderr: {}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        doc["findings"].as_array().expect("findings").clone()
    };
    let of = |findings: &[Value], user: &str, check: &str| -> Value {
        let arn = format!("arn:aws:iam::{}:user/{user}", server.account);
        findings
            .iter()
            .find(|f| f["arn"] == arn.as_str() && f["check"] == check)
            .unwrap_or_else(|| panic!("{user} has no {check} finding"))
            .clone()
    };
    // Each user's key is years old by then: the same credential finding for all three.
    let findings = audit(&[]);
    let check = "access-key-rotation";
    for (user, privilege, step) in [
        ("admin", "admin", 1),
        ("reader", "read", 0),
        ("nobody", "none", -1),
    ] {
        let f = of(&findings, user, check);
        assert_eq!(f["privilege"], privilege, "{user}: {f}");
        let base = level(&f["base_severity"]);
        let want = (base as i64 + step).clamp(0, 4) as usize;
        assert_eq!(level(&f["severity"]), want, "{user}: {f}");
    }
    // --report-only reads neither: every privilege unknown, every severity the check's own.
    let findings = audit(&["--report-only"]);
    for user in ["admin", "reader", "nobody"] {
        let f = of(&findings, user, check);
        assert_eq!(f["privilege"], "unknown", "{user}: {f}");
        assert_eq!(f["severity"], f["base_severity"], "{user}: {f}");
    }
}

/// Issue 24's fetch mode answers users whose only policies are their groups' from their
/// groups' jobs (`review::fetch::access_plan`): what it gives each of them must be what a
/// job of the user's own says, service by service (the region of a use aside, which a
/// group's job gives for its latest user only).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_jobs_give_each_member_what_its_own_job_gives() {
    use credreport_review::fetch::{access::fetch_access, FetchOptions};
    let server = Server::start();
    let iam = server.root_iam();
    for (group, policy) in [
        ("readers", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ("iam-admins", "arn:aws:iam::aws:policy/IAMFullAccess"),
    ] {
        iam.create_group()
            .group_name(group)
            .send()
            .await
            .expect("CreateGroup");
        iam.attach_group_policy()
            .group_name(group)
            .policy_arn(policy)
            .send()
            .await
            .expect("AttachGroupPolicy");
    }
    // (user, groups, an inline policy of its own, whether it calls ListUsers and
    // GetCallerIdentity with its key)
    let people: [(&str, &[&str], bool, bool); 5] = [
        ("ann", &["readers", "iam-admins"], false, true),
        ("bob", &["readers"], false, true),
        ("cy", &["readers"], false, false),
        ("dee", &["iam-admins"], true, true),
        ("eve", &[], false, false),
    ];
    for (user, groups, inline, calls) in people {
        iam.create_user()
            .user_name(user)
            .send()
            .await
            .expect("CreateUser");
        for g in groups {
            iam.add_user_to_group()
                .group_name(*g)
                .user_name(user)
                .send()
                .await
                .expect("AddUserToGroup");
        }
        if inline {
            iam.put_user_policy()
                .user_name(user)
                .policy_name("own")
                .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}"#)
                .send()
                .await
                .expect("PutUserPolicy");
        }
        if calls {
            let key = iam
                .create_access_key()
                .user_name(user)
                .send()
                .await
                .expect("CreateAccessKey");
            let key = key.access_key().expect("AccessKey");
            let own = iam_client(
                &server.endpoint,
                key.access_key_id(),
                key.secret_access_key(),
            );
            own.list_users()
                .send()
                .await
                .expect("ListUsers as the user");
        }
    }
    let opts = FetchOptions {
        access: true,
        ..FetchOptions::default()
    };
    let data = fetch_access(&iam, "credreport serve", &opts)
        .await
        .expect("fetch_access");
    let arn = |user: &str| format!("arn:aws:iam::{}:user/{user}", server.account);
    let mut some_use = false;
    for (user, ..) in people {
        let got = data
            .last_accessed
            .get(&arn(user))
            .unwrap_or_else(|| panic!("{user} has no last-accessed data"));
        let job = iam
            .generate_service_last_accessed_details()
            .arn(arn(user))
            .send()
            .await
            .expect("GenerateServiceLastAccessedDetails");
        let own = iam
            .get_service_last_accessed_details()
            .job_id(job.job_id().expect("JobId"))
            .max_items(1000)
            .send()
            .await
            .expect("GetServiceLastAccessedDetails");
        let want: Vec<(String, Option<i64>)> = own
            .services_last_accessed()
            .iter()
            .map(|s| {
                let at = s.last_authenticated().map(|t| t.secs());
                (s.service_namespace().to_owned(), at)
            })
            .collect();
        let mut have: Vec<(String, Option<i64>)> = got
            .services()
            .map(|(s, last)| {
                let at = last.map(|u| u.at.unix_seconds() as i64);
                (s.namespace().to_owned(), at)
            })
            .collect();
        have.sort();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(have, want_sorted, "{user}");
        some_use |= want.iter().any(|(_, at)| at.is_some());
    }
    assert!(some_use, "the scenario made no use to compare");
}
