//! `credreport report …` run as a user runs it, against the report fixtures in
//! `crates/report/tests/data`. Expected output (exit code, stdout, stderr) is kept in
//! `tests/golden/<case>.txt`; `UPDATE_GOLDEN=1 cargo test` rewrites them for review.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../report/tests/data")
}

/// Runs the binary in the data directory; the transcript is what a user would see.
fn transcript(args: &[&str], stdin: Option<&[u8]>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credreport"))
        .args(args)
        .current_dir(data_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run credreport");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or_default())
        .expect("write stdin");
    drop(input);
    let out = child.wait_with_output().expect("wait");
    format!(
        "$ credreport {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        out.status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn check(case: &str, args: &[&str], stdin: Option<&[u8]>) {
    let got = transcript(args, stdin);
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{case}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        got == want,
        "{case}: output differs from {}\n---- expected\n{want}\n---- got\n{got}\n----",
        path.display()
    );
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
