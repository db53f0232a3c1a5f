//! Golden transcripts: the built `credreport` run as a user runs it, in the report fixtures'
//! directory (`crates/report/tests/data`), its exit status, stdout and stderr compared
//! with `tests/golden/<dir>/<case>.txt`. `UPDATE_GOLDEN=1 cargo test` rewrites them for
//! review. Shared by `cli.rs` and `audit.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The report fixtures, where every transcript runs.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../report/tests/data")
}

/// Runs the binary with `args` and `stdin`; its exit status (-1 for a signal) and the
/// transcript a user would see.
pub fn transcript(args: &[&str], stdin: Option<&[u8]>) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credreport"))
        .args(args)
        .current_dir(data_dir())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
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
    let code = out.status.code();
    let text = format!(
        "$ credreport {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        code.map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (code.unwrap_or(-1), text)
}

/// Compares `got` with `tests/golden/<dir>/<case>.txt` (or rewrites it under
/// `UPDATE_GOLDEN`).
pub fn check_golden(dir: &str, case: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dir)
        .join(format!("{case}.txt"));
    credreport_testkit::check_golden(&path, case, got);
}
