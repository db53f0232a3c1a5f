//! `credreport report …` run as a user runs it, against the report fixtures in
//! `crates/report/tests/data`. Expected output (exit code, stdout, stderr) is kept in
//! `tests/golden/<case>.txt`; `UPDATE_GOLDEN=1 cargo test` rewrites them for review.

mod transcript;

use std::process::Command;

use transcript::{check_golden, data_dir, transcript};

fn check(case: &str, args: &[&str], stdin: Option<&[u8]>) {
    check_golden("", case, &transcript(args, stdin).1);
}

const VALID: &[&str] = &[
    "seed003-legacy",
    "real-output-quirks",
    "quoted-fields",
    "header-only",
    "docs-style-crlf-bom",
    "reordered-unknown-column",
];

const INVALID: &[&str] = &[
    "empty",
    "short-row",
    "long-row",
    "bad-timestamp",
    "bad-boolean",
    "missing-column",
    "duplicate-column",
    "not-a-report",
    "binary-junk",
];

#[test]
fn validate_every_fixture() {
    for name in VALID.iter().chain(INVALID) {
        check(
            &format!("validate-{name}"),
            &["report", "validate", &format!("{name}.csv")],
            None,
        );
    }
}

#[test]
fn format_every_valid_fixture_and_one_invalid() {
    for name in VALID.iter().chain(&["bad-timestamp"]) {
        check(
            &format!("format-{name}"),
            &["report", "format", &format!("{name}.csv")],
            None,
        );
    }
}

#[test]
fn to_json_keeps_types_and_sentinels() {
    for name in [
        "seed003-legacy",
        "real-output-quirks",
        "quoted-fields",
        "docs-style-crlf-bom",
    ] {
        check(
            &format!("to-json-{name}"),
            &["report", "to-json", &format!("{name}.csv")],
            None,
        );
    }
}

#[test]
fn stdin_is_read_for_dash() {
    let bytes = std::fs::read(data_dir().join("seed003-legacy.csv")).expect("fixture");
    check("validate-stdin", &["report", "validate", "-"], Some(&bytes));
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    check(
        "validate-missing-file",
        &["report", "validate", "no-such-file.csv"],
        None,
    );
}

#[test]
fn canonical_reports_format_to_their_own_bytes() {
    for name in [
        "seed003-legacy",
        "real-output-quirks",
        "quoted-fields",
        "header-only",
    ] {
        let file = format!("{name}.csv");
        let out = Command::new(env!("CARGO_BIN_EXE_credreport"))
            .args(["report", "format", &file])
            .current_dir(data_dir())
            .output()
            .expect("run");
        let original = std::fs::read(data_dir().join(&file)).expect("fixture");
        assert!(out.status.success(), "{name}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&original),
            "{name}"
        );
    }
}

#[test]
fn json_lines_parse_and_keep_sentinels_apart() {
    let out = Command::new(env!("CARGO_BIN_EXE_credreport"))
        .args(["report", "to-json", "real-output-quirks.csv"])
        .current_dir(data_dir())
        .output()
        .expect("run");
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(rows.len(), 7);
    let root = &rows[0];
    assert_eq!(root["password_enabled"], "not_supported");
    assert_eq!(root["mfa_active"], false);
    assert_eq!(root["access_key_2_last_rotated"], "2007-10-13T16:49:50Z");
    assert_eq!(root["access_key_2_last_used_date"], "N/A");
    let juan = &rows[3];
    assert_eq!(juan["password_last_used"], "no_information");
    assert_eq!(juan["password_enabled"], true);
}
