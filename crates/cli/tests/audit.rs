//! `credreport audit …` run as a user runs it, in `crates/report/tests/data` (the report
//! fixtures; the auditor's own are in `crates/audit/tests/data`). Expected transcripts
//! (exit code, stdout, stderr) are in `tests/golden/audit/<case>.txt`;
//! `UPDATE_GOLDEN=1 cargo test` rewrites them for review.

mod transcript;

use transcript::{check_golden, data_dir, transcript};

fn check(case: &str, args: &[&str], stdin: Option<&[u8]>, exit: i32) {
    let (code, got) = transcript(args, stdin);
    check_golden("audit", case, &got);
    assert_eq!(code, exit, "{case}: exit status");
}

const AS_OF: &str = "--as-of=2016-11-25T14:30:42Z";

#[test]
fn table_of_the_2016_capture() {
    check(
        "table-real-output-quirks",
        &["audit", AS_OF, "real-output-quirks.csv"],
        None,
        0,
    );
}

#[test]
fn fail_on_gates_ci() {
    check(
        "fail-on-high",
        &[
            "audit",
            AS_OF,
            "--format=csv",
            "--fail-on=high",
            "real-output-quirks.csv",
        ],
        None,
        1,
    );
    // Seed 003's legacy root has MFA and no key: nothing critical, exit 0.
    check(
        "fail-on-critical-clean-legacy",
        &[
            "audit",
            "--as-of=2015-06-17T19:11:50Z",
            "--format=markdown",
            "--fail-on=critical",
            "seed003-legacy.csv",
        ],
        None,
        0,
    );
}

#[test]
fn stdin_and_json() {
    let bytes = std::fs::read(data_dir().join("seed003-legacy.csv")).expect("fixture");
    check(
        "stdin-json",
        &["audit", "--as-of=2015-06-17", "--format=json", "-"],
        Some(&bytes),
        0,
    );
}

#[test]
fn a_directory_is_one_combined_result() {
    check(
        "directory-csv",
        &[
            "audit",
            "--as-of=2018-08-15T00:00:00Z",
            "--format=csv",
            "../../../audit/tests/data",
        ],
        None,
        0,
    );
}

#[test]
fn baseline_shows_appeared_disappeared_persisted() {
    check(
        "baseline-table",
        &[
            "audit",
            "--as-of=2016-12-20",
            "--baseline-as-of=2016-11-25T14:30:42Z",
            "--baseline=real-output-quirks.csv",
            "--fail-on=high",
            "../../../audit/tests/data/real-output-quirks-later.csv",
        ],
        None,
        1,
    );
}

#[test]
fn errors_name_file_line_and_field() {
    check(
        "bad-timestamp",
        &["audit", AS_OF, "--format=csv", "bad-timestamp.csv"],
        None,
        2,
    );
    check(
        "missing-file",
        &["audit", AS_OF, "no-such-file.csv"],
        None,
        2,
    );
    check(
        "bad-as-of",
        &["audit", "--as-of=yesterday", "real-output-quirks.csv"],
        None,
        2,
    );
    check(
        "bad-config",
        &[
            "audit",
            AS_OF,
            "--config=real-output-quirks.csv",
            "real-output-quirks.csv",
        ],
        None,
        2,
    );
}

#[test]
fn list_checks() {
    check("list-checks", &["audit", "--list-checks"], None, 0);
}

#[test]
fn output_file_and_sarif() {
    let dir = std::env::temp_dir().join(format!("credreport-audit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("out.sarif");
    let out_arg = format!("--output={}", out.display());
    let (code, _) = transcript(
        &[
            "audit",
            AS_OF,
            "--format=sarif",
            &out_arg,
            "real-output-quirks.csv",
        ],
        None,
    );
    assert_eq!(code, 0);
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("written")).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn asff_in_the_region_given() {
    check(
        "asff-legacy-eu-west-1",
        &[
            "audit",
            "--as-of=2015-06-17T19:11:50Z",
            "--format=asff",
            "--findings-region=eu-west-1",
            "seed003-legacy.csv",
        ],
        None,
        0,
    );
    check(
        "bad-findings-region",
        &[
            "audit",
            AS_OF,
            "--format=ocsf",
            "--findings-region=mars",
            "real-output-quirks.csv",
        ],
        None,
        2,
    );
}

#[test]
fn ocsf_is_one_event_per_finding_in_us_east_1_by_default() {
    let (code, text) = transcript(
        &[
            "audit",
            AS_OF,
            "--format=ocsf",
            "--fail-on=critical",
            "real-output-quirks.csv",
        ],
        None,
    );
    assert_eq!(code, 1, "--fail-on works with every format");
    let stdout = text
        .split_once("--- stdout\n")
        .and_then(|(_, rest)| rest.split_once("\n--- stderr\n"))
        .map(|(out, _)| out)
        .expect("stdout");
    let events: serde_json::Value = serde_json::from_str(stdout).expect("a JSON array");
    let events = events.as_array().expect("array");
    assert_eq!(events.len(), 23);
    for e in events {
        assert_eq!(e["class_uid"], 2004);
        assert_eq!(e["cloud"]["region"], "us-east-1");
        assert_eq!(e["cloud"]["account"]["uid"], "619193117841");
    }
}

/// The privilege fixtures of the auditor (one account, as of 2026-12-01).
const PRIVILEGE: &str = "../../../audit/tests/data/privilege";

#[test]
fn privilege_from_authorization_details_and_last_accessed_files() {
    let details_1 = format!("--authorization-details={PRIVILEGE}/details-1.json");
    let details_2 = format!("--authorization-details={PRIVILEGE}/details-2.json");
    let accessed = format!("--last-accessed={PRIVILEGE}/last-accessed.json");
    let report = format!("{PRIVILEGE}/report.csv");
    check(
        "privilege-markdown",
        &[
            "audit",
            "--as-of=2026-12-01",
            "--format=markdown",
            &details_1,
            &details_2,
            &accessed,
            &report,
        ],
        None,
        0,
    );
    // The root user's recent sign-in is critical for an administrator: CI fails on it.
    check(
        "privilege-fail-on-critical",
        &[
            "audit",
            "--as-of=2026-12-01",
            "--format=csv",
            "--fail-on=critical",
            &details_1,
            &details_2,
            &report,
        ],
        None,
        1,
    );
    // The report alone: every privilege unknown, the checks' own severities.
    check(
        "privilege-report-only",
        &[
            "audit",
            "--as-of=2026-12-01",
            "--format=csv",
            "--fail-on=critical",
            "--report-only",
            &report,
        ],
        None,
        0,
    );
}

#[test]
fn report_only_refuses_account_data() {
    check(
        "report-only-with-details",
        &[
            "audit",
            "--report-only",
            "--authorization-details=x.json",
            "real-output-quirks.csv",
        ],
        None,
        2,
    );
    check(
        "bad-authorization-details",
        &[
            "audit",
            AS_OF,
            "--authorization-details=real-output-quirks.csv",
            "real-output-quirks.csv",
        ],
        None,
        2,
    );
}
