//! What the auditor's integration tests share: the fixtures, and audits of them.
// Each test crate uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;

use credreport_audit::config::parse_time;
use credreport_audit::render::renderer;
use credreport_audit::{
    audit_with, AccountData, AsOfSource, AuthorizationDetails, Baseline, Config, Format, Input,
    LastAccessed, RenderOptions, Sink, Summary,
};

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

/// A schema of `schemas/`.
pub fn schema(name: &str) -> serde_json::Value {
    let path = here().join("schemas").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

/// The first errors `validator` finds in `doc`.
pub fn errors(validator: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect()
}

/// Panics, naming `what` and the errors, unless `validator` accepts `doc`.
pub fn assert_valid(validator: &jsonschema::Validator, what: &str, doc: &serde_json::Value) {
    let errors = errors(validator, doc);
    assert!(errors.is_empty(), "{what}: invalid:\n{}", errors.join("\n"));
}

/// An audit of fixtures: the reports, as of when, with which configuration, compared
/// with which baseline (its report and as-of time).
pub struct Scenario {
    pub name: &'static str,
    pub inputs: &'static [&'static str],
    pub as_of: &'static str,
    pub config: Option<&'static str>,
    pub baseline: Option<(&'static str, &'static str)>,
    /// Authorization details (pages of one account) and last-accessed data, if any.
    pub details: &'static [&'static str],
    pub last_accessed: Option<&'static str>,
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
        let data = self.data();
        let summary = audit_with(
            &config,
            as_of,
            AsOfSource::Given,
            inputs,
            baseline,
            data.as_ref(),
            sink,
        )
        .expect("audit");
        assert!(!summary.has_errors(), "{}", self.name);
        summary
    }

    /// The account data of the scenario, if it has any: the pages merged.
    pub fn data(&self) -> Option<AccountData> {
        if self.details.is_empty() && self.last_accessed.is_none() {
            return None;
        }
        let mut details: Option<AuthorizationDetails> = None;
        for page in self.details {
            let text = String::from_utf8(fixture(page)).expect("UTF-8");
            let read = AuthorizationDetails::from_json(&text).expect("details");
            match &mut details {
                Some(d) => d.merge(read),
                None => details = Some(read),
            }
        }
        let last_accessed = self.last_accessed.map(|name| {
            let text = String::from_utf8(fixture(name)).expect("UTF-8");
            LastAccessed::from_json(&text).expect("last accessed")
        });
        Some(AccountData::new(details, last_accessed).sources(
            &self.details.join(", "),
            self.last_accessed.unwrap_or("last-accessed data"),
        ))
    }

    /// The audit in `format`.
    pub fn render(&self, format: Format, options: RenderOptions) -> String {
        let mut out = Vec::new();
        {
            let mut sink = renderer(format, Box::new(&mut out), options);
            self.audit(&mut sink);
        }
        String::from_utf8(out).expect("UTF-8 output")
    }
}

/// The audits whose outputs are golden files, in every format.
pub const SCENARIOS: &[Scenario] = &[
    // The 2016 capture in audit-peers section 6, as of its GeneratedTime (wire reference
    // section 5.7).
    Scenario {
        name: "real-output-quirks",
        inputs: &["real-output-quirks.csv"],
        as_of: "2016-11-25T14:30:42Z",
        config: None,
        baseline: None,
        details: &[],
        last_accessed: None,
    },
    // Seed 003's legacy sample, as of its GeneratedTime: last-used columns missing.
    Scenario {
        name: "seed003-legacy",
        inputs: &["seed003-legacy.csv"],
        as_of: "2015-06-17T19:11:50Z",
        config: None,
        baseline: None,
        details: &[],
        last_accessed: None,
    },
    // The May 2018 gap (seed 000), machine thresholds, an active and an expired
    // suppression, a check turned off.
    Scenario {
        name: "mixed-2018-config",
        inputs: &["mixed-2018.csv"],
        as_of: "2018-08-15T00:00:00Z",
        config: Some("mixed-2018.toml"),
        baseline: None,
        details: &[],
        last_accessed: None,
    },
    // A later report compared with the 2016 capture: root got MFA, kaleb was deleted,
    // zed arrived without MFA.
    Scenario {
        name: "diff-quirks-later",
        inputs: &["real-output-quirks-later.csv"],
        as_of: "2016-12-20T00:00:00Z",
        config: None,
        baseline: Some(("real-output-quirks.csv", "2016-11-25T14:30:42Z")),
        details: &[],
        last_accessed: None,
    },
    // The privilege join: an administrator, a read-only user and a user with no policies,
    // each with the same never-used access key; the root user signed in lately; roles
    // unused, and services unused, from the authorization details (two pages) and
    // last-accessed data.
    Scenario {
        name: "privilege",
        inputs: &["privilege/report.csv"],
        as_of: "2026-12-01T00:00:00Z",
        config: None,
        baseline: None,
        details: &["privilege/details-1.json", "privilege/details-2.json"],
        last_accessed: Some("privilege/last-accessed.json"),
    },
];

/// The demo's two accounts (`credreport demo --as-of 2026-01-15`), on which every check
/// fires.
pub const DEMO: Scenario = Scenario {
    name: "demo",
    inputs: &["demo/main.csv", "demo/sandbox.csv"],
    as_of: "2026-01-15T00:00:00Z",
    config: None,
    baseline: None,
    details: &[],
    last_accessed: None,
};
