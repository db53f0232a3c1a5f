//! What the auditor's integration tests share: the fixtures and running one audit of them.

use std::path::PathBuf;

use credreport_audit::config::parse_time;
use credreport_audit::{audit, AsOfSource, Baseline, Config, Input, Sink, Summary};

/// The crate's directory.
pub fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture: ours in `tests/data`, or the report crate's real-format samples.
pub fn fixture(name: &str) -> Vec<u8> {
    let ours = here().join("tests/data").join(name);
    let path = if ours.exists() {
        ours
    } else {
        here().join("../report/tests/data").join(name)
    };
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An audit of fixtures: the reports, as of when, with which configuration, compared
/// with which baseline (its report and as-of time).
pub struct Scenario {
    pub name: &'static str,
    pub inputs: &'static [&'static str],
    pub as_of: &'static str,
    pub config: Option<&'static str>,
    pub baseline: Option<(&'static str, &'static str)>,
}

impl Scenario {
    /// Runs the audit into `sink`; the fixtures must read without errors.
    pub fn audit(&self, sink: &mut dyn Sink) -> Summary {
        let config = match self.config {
            Some(name) => {
                Config::from_toml(&String::from_utf8_lossy(&fixture(name))).expect("config")
            }
            None => Config::default(),
        };
        let as_of = parse_time(self.as_of, false).expect("as-of");
        let inputs = self
            .inputs
            .iter()
            .map(|name| Input::new(*name, std::io::Cursor::new(fixture(name))))
            .collect();
        let baseline = self.baseline.map(|(name, at)| Baseline {
            inputs: vec![Input::new(name, std::io::Cursor::new(fixture(name)))],
            as_of: parse_time(at, false).expect("baseline as-of"),
        });
        let summary =
            audit(&config, as_of, AsOfSource::Given, inputs, baseline, sink).expect("audit");
        assert!(!summary.has_errors(), "{}", self.name);
        summary
    }
}
