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
    assert_eq!(written["format_version"], 1);
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
