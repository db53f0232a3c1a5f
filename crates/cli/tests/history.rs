//! `credreport history` on saved reports (`tests/data/history/`): one account over three
//! reviews. Week 1 has an unused key (bob) and an unused password (carol); by week 2 bob's
//! key was deactivated, carol's password removed and dave created with a key; the third
//! review sees week 2's bytes again, six weeks later, when alice's key and password have
//! gone unused for 45 days.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

const ACCOUNT: &str = "111122223333";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/history")
        .join(name)
}

fn history(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["history", "--history"];
    let d = dir.to_str().expect("utf-8 path");
    all.push(d);
    all.extend_from_slice(args);
    common::credreport(&all, &[], dir)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = history(dir, args);
    assert!(
        out.status.success(),
        "history {args:?}: {}",
        common::stderr(&out)
    );
    common::stdout(&out)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).expect("JSON output")
}

/// The three reviews, stored in order: reports 1, 2 and 3.
fn three_reviews() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (file, generated) in [
        ("week1.csv", "2026-11-01T10:00:00Z"),
        ("week2.csv", "2026-11-08T10:00:00Z"),
        ("week2.csv", "2026-12-25T10:00:00Z"),
    ] {
        let path = data(file);
        ok(
            dir.path(),
            &[
                "add",
                path.to_str().expect("path"),
                "--generated",
                generated,
            ],
        );
    }
    dir
}

fn fingerprints(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn history_keeps_each_report_once_and_its_bytes_exactly() {
    let dir = three_reviews();
    let week1 = data("week1.csv");
    let again = ok(
        dir.path(),
        &[
            "add",
            week1.to_str().expect("path"),
            "--generated",
            "2026-11-01T10:00:00Z",
        ],
    );
    assert!(
        again.contains("already in the history as report 1"),
        "{again}"
    );
    let list = json(dir.path(), &["list", "--format", "json"]);
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 3, "one entry per account and generated report");
    let ids: Vec<i64> = list.iter().map(|r| r["id"].as_i64().expect("id")).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert!(list.iter().all(|r| r["account"] == ACCOUNT));
    // Reports 2 and 3 are the same bytes (stored once), generated six weeks apart.
    assert_eq!(list[1]["sha256"], list[2]["sha256"]);
    assert_ne!(list[0]["sha256"], list[1]["sha256"]);
    let out = history(dir.path(), &["show", "1", "--report"]);
    assert_eq!(
        out.stdout,
        std::fs::read(&week1).expect("fixture"),
        "the bytes come back exactly"
    );
    let other = json(
        dir.path(),
        &["list", "--account", "999999999999", "--format", "json"],
    );
    assert_eq!(other, Value::Array(Vec::new()));
}

#[test]
fn history_diff_names_findings_and_credential_changes() {
    let dir = three_reviews();
    let d = json(dir.path(), &["diff", "1", "2", "--format", "json"]);
    assert_eq!(
        fingerprints(&d["findings"]["disappeared"]),
        [
            "access-key-rotation:arn:aws:iam::111122223333:user/bob#access_key_1",
            "access-key-unused:arn:aws:iam::111122223333:user/bob#access_key_1",
            "password-unused:arn:aws:iam::111122223333:user/carol#password",
        ]
    );
    assert_eq!(
        fingerprints(&d["findings"]["appeared"]),
        Vec::<String>::new()
    );
    assert_eq!(
        fingerprints(&d["findings"]["persisted"]),
        [
            "root-recent-use:arn:aws:iam::111122223333:root",
            "user-inactive:arn:aws:iam::111122223333:user/carol",
        ]
    );
    let changes: Vec<(String, String, Option<String>)> = d["credential_changes"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| {
            (
                c["change"].as_str().expect("change").to_owned(),
                c["user"].as_str().expect("user").to_owned(),
                c["key_created"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "key-deactivated".to_owned(),
                "bob".to_owned(),
                Some("2026-08-01T00:00:00Z".to_owned())
            ),
            ("password-removed".to_owned(), "carol".to_owned(), None),
            ("user-created".to_owned(), "dave".to_owned(), None),
            (
                "key-created".to_owned(),
                "dave".to_owned(),
                Some("2026-11-05T00:00:03Z".to_owned())
            ),
        ]
    );
    // Same bytes, six weeks later: nothing changed in the credentials, but alice's key
    // and password crossed 45 days unused.
    let d = json(dir.path(), &["diff", "2", "3", "--format", "json"]);
    assert_eq!(d["credential_changes"], Value::Array(Vec::new()));
    let appeared = fingerprints(&d["findings"]["appeared"]);
    for expected in [
        "access-key-unused:arn:aws:iam::111122223333:user/alice#access_key_1",
        "password-unused:arn:aws:iam::111122223333:user/alice#password",
    ] {
        assert!(
            appeared.iter().any(|f| f == expected),
            "{expected} in {appeared:?}"
        );
    }
    let table = ok(dir.path(), &["diff", "1", "2"]);
    assert!(
        table.contains("findings: 0 appeared, 3 disappeared, 2 persisted; credential changes: 4"),
        "{table}"
    );
}

#[test]
fn history_trend_counts_open_findings_by_severity() {
    let dir = three_reviews();
    let t = json(
        dir.path(),
        &["trend", "--account", ACCOUNT, "--format", "json"],
    );
    let points = t["points"].as_array().expect("points");
    assert_eq!(points.len(), 3);
    // Each point is the stored audit of that report: the counts `history show` has.
    for p in points {
        let id = p["report"].as_i64().expect("id").to_string();
        let shown = json(dir.path(), &["show", &id, "--format", "json"]);
        let open = shown["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["status"] == "fail")
            .count();
        assert_eq!(p["open"].as_u64(), Some(open as u64), "report {id}");
        for sev in ["critical", "high", "medium", "low", "info"] {
            let n = shown["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter(|f| f["status"] == "fail" && f["severity"] == sev)
                .count();
            assert_eq!(p[sev].as_u64(), Some(n as u64), "report {id} {sev}");
        }
    }
    assert_eq!(points[0]["medium"], 3);
    assert_eq!(points[1]["medium"], 0);
    let html_path = dir.path().join("trend.html");
    ok(
        dir.path(),
        &[
            "trend",
            "--account",
            ACCOUNT,
            "--format",
            "html",
            "-o",
            html_path.to_str().expect("path"),
        ],
    );
    let html = std::fs::read_to_string(&html_path).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"), "a chart");
    assert!(html.contains("<title>2026-11-01T10:00:00Z report 1: 3 medium</title>"));
    assert!(!html.contains("<script"), "no script");
}

#[test]
fn history_refuses_bad_input_with_file_and_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let bad = dir.path().join("bad.csv");
    let mut text = std::fs::read_to_string(data("week1.csv")).expect("fixture");
    text = text.replacen(
        "true,2026-10-30T09:00:00+00:00",
        "yes,2026-10-30T09:00:00+00:00",
        1,
    );
    std::fs::write(&bad, text).expect("write");
    let out = history(
        dir.path(),
        &[
            "add",
            bad.to_str().expect("path"),
            "--generated",
            "2026-11-01T10:00:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("bad.csv:3:4:"), "{err}");
    let out = history(dir.path(), &["add", "x.csv", "--generated", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("--generated \"yesterday\""));
    let out = history(dir.path(), &["list"]);
    assert_eq!(out.status.code(), Some(2), "reading creates no history");
    assert!(common::stderr(&out).contains("no history here"));
    assert!(!dir.path().join("history.db").exists());
    let week1 = data("week1.csv");
    ok(
        dir.path(),
        &[
            "add",
            week1.to_str().expect("path"),
            "--generated",
            "2026-11-01T10:00:00Z",
        ],
    );
    let out = history(dir.path(), &["show", "7"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("no report 7 in the history"));
    // A file that is not a history is refused, not overwritten.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("dir");
    std::fs::write(other.join("history.db"), b"not sqlite at all, just text").expect("write");
    let out = common::credreport(
        &[
            "history",
            "--history",
            other.to_str().expect("path"),
            "list",
        ],
        &[],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("history.db"));
}

#[test]
fn fetch_and_audit_keep_fetched_reports_when_given_a_history() {
    let server = common::Server::start();
    let dir = server.dir.path();
    let hist = dir.join("hist");
    let hist_s = hist.to_str().expect("path");
    let report = dir.join("r.csv");
    let out = server.credreport(&[
        "fetch",
        "--endpoint-url",
        &server.endpoint,
        "-o",
        report.to_str().expect("path"),
        "--history",
        hist_s,
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("kept as report 1"));
    // The audit fetches the same report (IAM's 4 hours): kept once.
    let out = server.credreport(&[
        "audit",
        "--endpoint-url",
        &server.endpoint,
        "--history",
        hist_s,
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("already kept as report 1"));
    let list = json(&hist, &["list", "--format", "json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["source"], "fetch");
    assert_eq!(list[0]["account"], server.account.as_str());
    let shown = history(&hist, &["show", "1", "--report"]);
    assert_eq!(shown.stdout, std::fs::read(&report).expect("report"));
}
