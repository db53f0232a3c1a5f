//! Comparing with a baseline: which findings appeared, disappeared and persisted.
//!
//! Two findings are the same when their fingerprints are: the check and the resource
//! (`<arn>#access_key_1`), so a finding follows its credential from one report to the
//! next. The baseline's findings are kept in memory (findings, not rows); the new
//! report's stream through.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use crate::engine::Summary;
use crate::finding::{Change, Finding};
use crate::render::{RunInfo, Sink};

/// Marks each finding new or persisting, and adds the baseline's other findings as
/// resolved at the end.
#[derive(Debug)]
pub struct Diff<S> {
    inner: S,
    baseline: Vec<Option<Finding<'static>>>,
    index: HashMap<String, usize>,
    /// The fingerprint being looked up (reused).
    key: String,
}

impl<S: Sink> Diff<S> {
    /// Compares with `baseline`'s findings, in front of `inner`.
    pub fn new(baseline: Vec<Finding<'static>>, inner: S) -> Diff<S> {
        let mut index = HashMap::with_capacity(baseline.len());
        for (i, f) in baseline.iter().enumerate() {
            index.entry(f.fingerprint()).or_insert(i);
        }
        Diff {
            inner,
            baseline: baseline.into_iter().map(Some).collect(),
            index,
            key: String::new(),
        }
    }
}

impl<S: Sink> Sink for Diff<S> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.inner.begin(run)
    }

    fn finding(&mut self, mut finding: Finding<'_>) -> io::Result<()> {
        self.key.clear();
        let _ = write!(self.key, "{}:{}", finding.check, finding.resource());
        let seen = self
            .index
            .get(self.key.as_str())
            .and_then(|&i| self.baseline[i].take());
        finding.change = Some(if seen.is_some() {
            Change::Persisting
        } else {
            Change::New
        });
        self.inner.finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        for mut finding in self.baseline.drain(..).flatten() {
            finding.change = Some(Change::Resolved);
            self.inner.finding(finding)?;
        }
        self.inner.finish(summary)
    }
}
