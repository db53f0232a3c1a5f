//! The stage that puts findings in [`crate::Priority`] order for the formats that write them as
//! they come (JSON, CSV, SARIF, OCSF, ASFF): it keeps every finding (with one shared copy
//! of each row that has findings) and hands them on, sorted, when the run ends. The sort
//! is stable: findings of the same priority keep the order they came in (report order,
//! the principal checks after the reports, a baseline's resolved findings last).
//!
//! This is what makes the memory of those formats grow with the findings (about 0.7 KiB
//! each, as the table's), no longer flat: BENCHMARKS.md has the figures.

use std::io;

use crate::engine::Summary;
use crate::finding::Finding;
use crate::render::{RunInfo, Sink};

/// Keeps findings and hands them to `inner` in priority order at the end.
#[derive(Debug)]
pub struct Sorted<S> {
    inner: S,
    findings: Vec<Finding<'static>>,
}

impl<S: Sink> Sorted<S> {
    /// Sorting in front of `inner`.
    pub fn new(inner: S) -> Sorted<S> {
        Sorted {
            inner,
            findings: Vec::new(),
        }
    }
}

impl<S: Sink> Sink for Sorted<S> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.inner.begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        let kept = finding.into_owned_after(self.findings.last());
        self.findings.push(kept);
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        // Each key once (a finding is large: a sort by key moves findings and works its
        // priority out at every comparison); stable, as `sort_by_key`.
        self.findings.sort_by_cached_key(Finding::priority);
        for finding in self.findings.drain(..) {
            self.inner.finding(finding)?;
        }
        self.inner.finish(summary)
    }

    fn orders_itself(&self) -> bool {
        true
    }
}
