//! `credreport demo` as a fixture: a store with three years of history in a data
//! directory, served on a loopback port until dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const DAY: &str = "2026-11-30";

/// A running demo: its endpoint and its data directory.
pub struct Demo {
    child: Child,
    pub endpoint: String,
    /// What it printed before serving.
    pub welcome: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(data: &Path) -> Demo {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credreport"))
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--as-of",
            DAY,
            "--data-dir",
        ])
        .arg(data)
        .env_remove("CREDREPORT_MASTER_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start credreport demo");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut endpoint = None;
        let mut welcome = String::new();
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            welcome.push_str(&line);
            welcome.push('\n');
            if let Some(rest) = line.strip_prefix("Endpoint  ") {
                endpoint = rest.split_whitespace().next().map(str::to_owned);
            }
            if line.starts_with("Serving until Ctrl-C") {
                let _ = tx.send(endpoint.take().map(|e| (e, std::mem::take(&mut welcome))));
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(Some((endpoint, welcome))) => Demo {
            child,
            endpoint,
            welcome,
        },
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("credreport demo did not start serving within 120 s");
        }
    }
}
