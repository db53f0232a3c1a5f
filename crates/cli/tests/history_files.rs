//! History files written by earlier builds open and read the same: every `credreport
//! history` view of them is compared with golden transcripts recorded by the build that
//! wrote them (`tests/data/history-wave2/`, see its README). A change to how the history
//! is read (typed findings, actions and sources; a migration) must leave these
//! transcripts as they are.

mod common;

use std::path::Path;

/// A copy of the fixture (opening a history may write its WAL files next to it).
fn copy_of(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/history-wave2")
        .join(fixture)
        .join("history.db");
    std::fs::copy(&from, dir.path().join("history.db")).expect("copy the fixture");
    dir
}

/// Every command's exit status and output, one after the other, the temporary
/// directory's path written `HISTORY`.
fn transcript(dir: &Path, commands: &[&[&str]]) -> String {
    let d = dir.to_str().expect("utf-8 path");
    let mut text = String::new();
    for args in commands {
        let mut all = vec!["history", "--history", d];
        all.extend_from_slice(args);
        let out = common::credreport(&all, &[], dir);
        text.push_str(&format!(
            "$ credreport history {}\nexit: {}\n--- stdout\n{}--- stderr\n{}\n",
            args.join(" "),
            out.status
                .code()
                .map_or("signal".to_owned(), |c| c.to_string()),
            common::stdout(&out),
            common::stderr(&out)
        ));
    }
    text.replace(d, "HISTORY")
}

fn check(fixture: &str, commands: &[&[&str]]) {
    let dir = copy_of(fixture);
    let got = transcript(dir.path(), commands);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/history-wave2")
        .join(format!("{fixture}.txt"));
    credreport_testkit::check_golden(&golden, fixture, &got);
}

/// The simulation's plan, apply and undo (runs with made, skipped and irreversible
/// calls, their states before and after), then a report added with a suppression and a
/// legacy report (findings not evaluated).
#[test]
fn a_wave2_history_of_remediation_runs_reads_the_same() {
    check(
        "remediation",
        &[
            &["list"],
            &["list", "--format", "json"],
            &["show", "1"],
            &["show", "3", "--format", "json"],
            &["show", "4"],
            &["show", "4", "--format", "json"],
            &["show", "5"],
            &["show", "5", "--format", "json"],
            &["show", "5", "--report"],
            &["diff", "1", "2"],
            &["diff", "1", "3", "--format", "json"],
            &["trend", "--account", "216746978700"],
            &["trend", "--account", "216746978700", "--format", "json"],
            &["trend", "--account", "216746978700", "--format", "html"],
            &["runs"],
            &["runs", "--format", "json"],
            &["runs", "--run", "2"],
        ],
    );
}

/// The simulation's failed notification, a report kept by `fetch` in between, and the
/// reviews after it (a delivered notification, then none).
#[test]
fn a_wave2_history_of_reviews_and_notifications_reads_the_same() {
    check(
        "review",
        &[
            &["list"],
            &["list", "--account", "886475817401", "--format", "json"],
            &["show", "1"],
            &["show", "1", "--format", "json"],
            &["show", "3", "--format", "json"],
            &["diff", "1", "4"],
            &["diff", "2", "3", "--format", "json"],
            &["trend", "--account", "886475817401", "--format", "json"],
            &["runs"],
        ],
    );
}
