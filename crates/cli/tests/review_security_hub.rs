//! `credreport review` with `[security_hub]`, as cron runs it: the demo's account
//! reviewed, its findings imported into moto's Security Hub, and read back with boto3's
//! GetFindings (`tests/e2e/securityhub_findings.py`, an independent client): the same
//! count, ids and compliance as `credreport audit --format asff` writes for the same
//! report. A second review (IAM's 4-hour rule gives the same report) sends nothing. (A
//! review after a key is fixed archives its finding: the review crate's simulation,
//! `security_hub.rs`, where time can pass IAM's 4 hours.)

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{credreport, demo, stderr, stdout, Moto};
use serde_json::Value;

const REGION: &str = "eu-west-1";

/// Security Hub's findings, by id, read with boto3.
fn get_findings(moto: &Moto) -> BTreeMap<String, Value> {
    let python = std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/securityhub_findings.py");
    let mut cmd = Command::new(python);
    cmd.arg(&script)
        .args(["--endpoint-url", &moto.endpoint, "--region", REGION])
        .current_dir(moto.dir.path());
    common::isolate(&mut cmd, moto.dir.path());
    let out = cmd
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .expect("run securityhub_findings.py");
    assert!(out.status.success(), "{}", stderr(&out));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    findings
        .into_iter()
        .map(|f| (f["Id"].as_str().expect("Id").to_owned(), f))
        .collect()
}

#[test]
fn a_review_imports_the_demos_findings_into_security_hub_and_the_next_sends_nothing() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    let demo = demo::start(&data);
    let creds: Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("root-credentials.json")).expect("credentials"),
    )
    .expect("JSON");
    let env = [
        (
            "AWS_ACCESS_KEY_ID",
            creds["AccessKeyId"].as_str().expect("key"),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            creds["SecretAccessKey"].as_str().expect("secret"),
        ),
    ];
    let config = dir.path().join("review.toml");
    std::fs::write(
        &config,
        format!(
            "history = \"hist\"\n\n[security_hub]\nregion = \"{REGION}\"\nendpoint_url = \"{}\"\n\n\
             [[target]]\nname = \"demo\"\nendpoint_url = \"{}\"\n",
            moto.endpoint, demo.endpoint
        ),
    )
    .expect("write");
    let config_s = config.to_str().expect("path");
    let out = credreport(&["review", "--config", config_s], &env, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(
        summary.contains(&format!("security hub {REGION} ({})", moto.endpoint)),
        "{summary}"
    );

    // What `credreport audit --format asff` writes for the same report, as of its
    // generation time, is what Security Hub holds: same count, ids, compliance.
    let hist = dir.path().join("hist");
    let hist_s = hist.to_str().expect("path");
    let list: Value = serde_json::from_str(&stdout(&credreport(
        &["history", "--history", hist_s, "list", "--format", "json"],
        &[],
        dir.path(),
    )))
    .expect("JSON");
    let entry = &list[0];
    let id = entry["id"].to_string();
    let out = credreport(
        &["history", "--history", hist_s, "show", &id, "--report"],
        &[],
        dir.path(),
    );
    let report = dir.path().join("report.csv");
    std::fs::write(&report, &out.stdout).expect("write");
    let out = credreport(
        &[
            "audit",
            report.to_str().expect("path"),
            "--format",
            "asff",
            "--findings-region",
            REGION,
            "--as-of",
            entry["generated"].as_str().expect("generated"),
        ],
        &[],
        dir.path(),
    );
    let asff: Vec<Value> = serde_json::from_slice(&out.stdout).expect("ASFF");
    let hub = get_findings(&moto);
    assert!(asff.len() > 20, "the demo has findings: {}", asff.len());
    assert_eq!(hub.len(), asff.len(), "the same count");
    for f in &asff {
        let id = f["Id"].as_str().expect("Id");
        let got = hub
            .get(id)
            .unwrap_or_else(|| panic!("{id} is in Security Hub"));
        assert_eq!(
            got["Compliance"]["Status"], f["Compliance"]["Status"],
            "{id}"
        );
        assert_eq!(got["RecordState"], "ACTIVE", "{id}");
        assert_eq!(got["Severity"]["Label"], f["Severity"]["Label"], "{id}");
        assert_eq!(got["ProductArn"], f["ProductArn"], "{id}");
    }

    // The import is recorded with the report.
    let text = stdout(&credreport(
        &["history", "--history", hist_s, "show", &id],
        &[],
        dir.path(),
    ));
    assert!(
        text.contains(&format!(
            "imported into Security Hub {REGION} ({}) at ",
            moto.endpoint
        )) && text.contains(&format!(
            ": {} new, 0 changed, 0 archived, 0 unchanged, 0 failed",
            asff.len()
        )),
        "{text}"
    );
    let show: Value = serde_json::from_str(&stdout(&credreport(
        &[
            "history",
            "--history",
            hist_s,
            "show",
            &id,
            "--format",
            "json",
        ],
        &[],
        dir.path(),
    )))
    .expect("JSON");
    let import = &show["security_hub"][0];
    assert_eq!(import["new"], asff.len());
    assert_eq!(import["region"], REGION);
    assert_eq!(import["failed"], serde_json::json!([]));

    // The same report again: Security Hub has everything, nothing is sent.
    let out = credreport(&["review", "--config", config_s], &env, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(
        summary.contains(&format!(
            "0 new, 0 changed, 0 archived, {} unchanged, 0 failed in 0 call(s)",
            asff.len()
        )),
        "{summary}"
    );
    assert_eq!(get_findings(&moto).len(), asff.len());
}
