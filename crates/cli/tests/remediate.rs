//! `credreport remediate` as a user runs it, against `credreport serve` (the system
//! clock: the month-long story with used and unused keys runs on a simulated clock in the
//! binary's own tests, `src/simulation/`). Here: the command line's wiring, the plan file,
//! the audit trail, and bad input named by file and line before anything is reached.

mod common;

use common::{stderr, stdout, Server};

#[test]
fn plan_then_apply_then_history_runs_over_credreport_serve() {
    let server = Server::start();
    let dir = server.dir.path();
    let plan = dir.join("plan.json");
    let history = dir.join("hist");
    let (plan_s, history_s) = (
        plan.to_str().expect("path"),
        history.to_str().expect("path"),
    );
    let out = server.credreport(&[
        "remediate",
        "--plan",
        plan_s,
        "--endpoint-url",
        &server.endpoint,
        "--history",
        history_s,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("nothing was changed"), "{text}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).expect("plan")).expect("json");
    assert_eq!(written["format_version"], 2);
    assert_eq!(written["account"], server.account.as_str());
    // A fresh account: no unused credential yet, and root's own key is flagged, never planned.
    assert_eq!(written["actions"], serde_json::json!([]));
    let flagged = written["flagged"].as_array().expect("flagged");
    assert!(flagged.iter().any(|f| f["reason"] == "root"), "{flagged:?}");
    // The report it was made from is in the history.
    let out = server.credreport(&[
        "history",
        "--history",
        history_s,
        "list",
        "--format",
        "json",
    ]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(list[0]["id"], written["report"]["history_id"]);
    assert_eq!(list[0]["source"], "remediate");

    let out = server.credreport(&[
        "remediate",
        "--apply",
        plan_s,
        "--endpoint-url",
        &server.endpoint,
        "--history",
        history_s,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("0 done, 0 skipped, 0 failed"));
    let out = server.credreport(&[
        "history",
        "--history",
        history_s,
        "runs",
        "--format",
        "json",
    ]);
    let runs: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(runs[0]["kind"], "apply");
    assert_eq!(runs[0]["account"], server.account.as_str());
    assert!(runs[0]["principal"]
        .as_str()
        .expect("principal")
        .ends_with(":root"));
    assert!(runs[0]["finished"].is_string());
}

#[test]
fn a_bad_plan_is_refused_with_file_line_and_field_before_anything_is_reached() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        "{\n  \"format_version\": 1,\n  \"created\": \"soon\"\n}\n",
    )
    .expect("write");
    // No endpoint is running at this address: the plan is read first.
    let out = common::credreport(
        &[
            "remediate",
            "--apply",
            plan.to_str().expect("path"),
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &[],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("plan.json:3:3: created: \"soon\" is not a time"),
        "{err}"
    );
    let out = common::credreport(&["remediate", "--dry-run"], &[], dir.path());
    assert_eq!(out.status.code(), Some(2), "one of --plan, --apply, --undo");
}

/// Runs `credreport remediate ARGS` against the server, with its history in `hist`.
fn remediate(server: &Server, args: &[&str]) -> std::process::Output {
    let history = server.dir.path().join("hist");
    let mut all = vec!["remediate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--endpoint-url",
        &server.endpoint,
        "--history",
        history.to_str().expect("path"),
    ]);
    server.credreport(&all)
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// The actions of a plan file: `(action, user)`.
fn planned(plan: &serde_json::Value) -> Vec<(String, String)> {
    plan["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            (
                a["action"].as_str().expect("action").to_owned(),
                a["user"].as_str().expect("user").to_owned(),
            )
        })
        .collect()
}

/// The run id `remediate --apply` printed (`run N in account …`).
fn run_id(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("run "))
        .and_then(|l| l.split_whitespace().next())
        .expect("a run id")
        .to_owned()
}

fn attached(iam: &aws_sdk_iam::Client, rt: &tokio::runtime::Runtime, user: &str) -> Vec<String> {
    rt.block_on(iam.list_attached_user_policies().user_name(user).send())
        .expect("ListAttachedUserPolicies")
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_owned))
        .collect()
}

#[test]
fn require_mfa_plan_apply_undo_over_credreport_serve_skipping_a_user_who_set_up_mfa() {
    let server = Server::start();
    let iam = server.root_iam();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for user in ["dave", "eve"] {
        rt.block_on(iam.create_user().user_name(user).send())
            .expect("CreateUser");
        rt.block_on(
            iam.create_login_profile()
                .user_name(user)
                .password("Initial-Password-1!")
                .send(),
        )
        .expect("CreateLoginProfile");
    }
    let plan = server.dir.path().join("plan.json");
    let plan_s = plan.to_str().expect("path");
    let out = remediate(&server, &["--plan", plan_s]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = read_json(&plan);
    assert_eq!(written["format_version"], 2);
    assert_eq!(
        planned(&written),
        [
            ("require-mfa".to_owned(), "dave".to_owned()),
            ("require-mfa".to_owned(), "eve".to_owned()),
        ]
    );
    let policy = format!(
        "arn:aws:iam::{}:policy/credreport-require-mfa",
        server.account
    );
    assert_eq!(written["actions"][0]["policy_arn"], policy.as_str());
    assert!(
        stdout(&out).contains("credreport-require-mfa attached"),
        "{}",
        stdout(&out)
    );

    // eve sets up a virtual MFA device after the plan was made.
    let device = rt
        .block_on(
            iam.create_virtual_mfa_device()
                .virtual_mfa_device_name("eve")
                .send(),
        )
        .expect("CreateVirtualMFADevice");
    let device = device.virtual_mfa_device().expect("device");
    let seed = credreport_iam::totp::base32_decode(
        std::str::from_utf8(device.base32_string_seed().expect("seed").as_ref()).expect("utf-8"),
    )
    .expect("base32");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    let counter = credreport_iam::totp::counter_at(i64::try_from(now).expect("time"));
    let code = |c| credreport_iam::totp::format_code(credreport_iam::totp::code_at(&seed, c));
    rt.block_on(
        iam.enable_mfa_device()
            .user_name("eve")
            .serial_number(device.serial_number())
            .authentication_code1(code(counter - 1))
            .authentication_code2(code(counter))
            .send(),
    )
    .expect("EnableMFADevice");

    let out = remediate(&server, &["--apply", plan_s]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("1 done, 1 skipped, 0 failed"), "{text}");
    assert!(text.contains("eve set up MFA device"), "{text}");
    assert_eq!(attached(&iam, &rt, "dave"), std::slice::from_ref(&policy));
    assert!(attached(&iam, &rt, "eve").is_empty());
    let created = rt
        .block_on(
            iam.get_policy_version()
                .policy_arn(&policy)
                .version_id("v1")
                .send(),
        )
        .expect("GetPolicyVersion");
    let document = created
        .policy_version()
        .and_then(|v| v.document())
        .expect("document");
    assert!(
        document.contains("DenyAllExceptListedIfNoMFA"),
        "AWS's documented policy (URL-encoded as IAM sends it): {document}"
    );

    let run = run_id(&text);
    let out = server.credreport(&[
        "history",
        "--history",
        server.dir.path().join("hist").to_str().expect("path"),
        "runs",
        "--run",
        &run,
        "--format",
        "json",
    ]);
    let runs: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        runs[0]["actions"][0]["changes"],
        serde_json::json!([
            {"call": "create-policy", "policy_arn": policy},
            {"call": "attach-user-policy", "policy_arn": policy},
        ])
    );

    let out = remediate(&server, &["--undo", &run]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("detach-require-mfa"),
        "{}",
        stdout(&out)
    );
    assert!(attached(&iam, &rt, "dave").is_empty());
}

#[test]
fn quarantine_then_delete_user_over_credreport_serve() {
    let server = Server::start();
    let iam = server.root_iam();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(iam.create_user().user_name("ghost").send())
        .expect("CreateUser");
    let key = rt
        .block_on(iam.create_access_key().user_name("ghost").send())
        .expect("CreateAccessKey")
        .access_key()
        .expect("key")
        .access_key_id()
        .to_owned();
    rt.block_on(
        iam.create_login_profile()
            .user_name("ghost")
            .password("Initial-Password-1!")
            .send(),
    )
    .expect("CreateLoginProfile");
    rt.block_on(iam.create_group().group_name("ops").send())
        .expect("CreateGroup");
    rt.block_on(
        iam.add_user_to_group()
            .group_name("ops")
            .user_name("ghost")
            .send(),
    )
    .expect("AddUserToGroup");
    // Every user is inactive from its first day: the quarantine can be planned now.
    let config = server.dir.path().join("audit.toml");
    std::fs::write(
        &config,
        "[thresholds]\ninactive_user_days = 0\nnever_used_grace_days = 0\n",
    )
    .expect("write");
    let config_s = config.to_str().expect("path");
    let plan = server.dir.path().join("plan.json");
    let plan_s = plan.to_str().expect("path");
    let plan_quarantine = || {
        let out = remediate(&server, &["--plan", plan_s, "--config", config_s]);
        assert!(out.status.success(), "{}", stderr(&out));
        read_json(&plan)
    };
    let written = plan_quarantine();
    assert_eq!(
        planned(&written),
        [("quarantine-user".to_owned(), "ghost".to_owned())],
        "{written:#}"
    );
    assert_eq!(
        written["actions"][0]["access_key_ids"],
        serde_json::json!([key])
    );
    assert_eq!(written["actions"][0]["login_profile"], true);

    let deny = "arn:aws:iam::aws:policy/AWSDenyAll";
    let key_status = || {
        rt.block_on(iam.list_access_keys().user_name("ghost").send())
            .expect("ListAccessKeys")
            .access_key_metadata()[0]
            .status()
            .map(|s| s.as_str().to_owned())
    };
    let out = remediate(&server, &["--apply", plan_s, "--allow-password-removal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("1 done, 0 skipped, 0 failed"), "{text}");
    assert_eq!(attached(&iam, &rt, "ghost"), [deny]);
    assert_eq!(key_status().as_deref(), Some("Inactive"));
    assert!(rt
        .block_on(iam.get_login_profile().user_name("ghost").send())
        .is_err());

    // Undo releases what can be released, and says what cannot.
    let out = remediate(&server, &["--undo", &run_id(&text)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let undone = stdout(&out);
    assert!(undone.contains("release-user"), "{undone}");
    assert!(
        undone.contains("ghost's deleted console password cannot be restored"),
        "{undone}"
    );
    assert!(attached(&iam, &rt, "ghost").is_empty());
    assert_eq!(key_status().as_deref(), Some("Active"));

    // Quarantined again; with --quarantine-days 0 the next plan deletes the user.
    let written = plan_quarantine();
    assert_eq!(planned(&written)[0].0, "quarantine-user");
    let out = remediate(&server, &["--apply", plan_s]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = remediate(
        &server,
        &[
            "--plan",
            plan_s,
            "--config",
            config_s,
            "--quarantine-days",
            "0",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("IRREVERSIBLE"), "{}", stdout(&out));
    let written = read_json(&plan);
    assert_eq!(
        planned(&written),
        [("delete-user".to_owned(), "ghost".to_owned())]
    );
    assert_eq!(written["actions"][0]["reversible"], false);
    let out = remediate(&server, &["--apply", plan_s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--allow-user-deletion"),
        "{}",
        stderr(&out)
    );
    let out = remediate(&server, &["--apply", plan_s, "--allow-user-deletion"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("1 done"), "{text}");
    let gone = rt
        .block_on(iam.get_user().user_name("ghost").send())
        .expect_err("deleted");
    assert!(format!("{gone:?}").contains("NoSuchEntity"), "{gone:?}");
    let out = remediate(&server, &["--undo", &run_id(&text)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing can bring it back"),
        "{}",
        stdout(&out)
    );
}
