//! Comparing with a baseline: which findings appeared, disappeared and persisted.
//!
//! Two findings are the same when their fingerprints are: the check and the resource
//! (`<arn>#access_key_1`), so a finding follows its credential from one report to the
//! next. A fingerprint is in the baseline or it is not, however many times either side
//! holds it (a report with a user's row twice). [`Comparison`] is the rule, over any
//! kind of finding (the history compares the findings it stored with it); [`Diff`] is
//! the audit's stage that applies it to findings as they stream. The baseline's findings
//! are kept in memory (findings, not rows); the new report's stream through.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use crate::engine::Summary;
use crate::finding::{Change, Finding};
use crate::render::{RunInfo, Sink};

/// A baseline's findings by fingerprint, and which of them newer findings matched.
#[derive(Debug)]
pub struct Comparison<T> {
    /// Each baseline finding, with the index of its fingerprint.
    baseline: Vec<(usize, T)>,
    /// Per distinct fingerprint: whether a newer finding had it.
    seen: Vec<bool>,
    index: HashMap<String, usize>,
}

impl<T> Comparison<T> {
    /// Compares with `baseline`, each finding known by `fingerprint`.
    pub fn new(
        baseline: impl IntoIterator<Item = T>,
        fingerprint: impl Fn(&T) -> String,
    ) -> Comparison<T> {
        let mut index = HashMap::new();
        let baseline: Vec<(usize, T)> = baseline
            .into_iter()
            .map(|f| {
                let next = index.len();
                (*index.entry(fingerprint(&f)).or_insert(next), f)
            })
            .collect();
        Comparison {
            baseline,
            seen: vec![false; index.len()],
            index,
        }
    }

    /// How a newer finding with `fingerprint` compares: persisting when the baseline has
    /// the fingerprint, else new.
    pub fn change(&mut self, fingerprint: &str) -> Change {
        match self.index.get(fingerprint) {
            Some(&i) => {
                self.seen[i] = true;
                Change::Persisting
            }
            None => Change::New,
        }
    }

    /// The baseline's findings whose fingerprint no newer finding had (resolved), in
    /// baseline order; taken out of the comparison.
    pub fn take_resolved(&mut self) -> Vec<T> {
        let seen = &self.seen;
        std::mem::take(&mut self.baseline)
            .into_iter()
            .filter(|(i, _)| !seen[*i])
            .map(|(_, f)| f)
            .collect()
    }
}

/// Marks each finding new or persisting, and adds the baseline's other findings as
/// resolved at the end.
#[derive(Debug)]
pub struct Diff<S> {
    inner: S,
    comparison: Comparison<Finding<'static>>,
    /// The fingerprint being looked up (reused).
    key: String,
}

impl<S: Sink> Diff<S> {
    /// Compares with `baseline`'s findings, in front of `inner`.
    pub fn new(baseline: Vec<Finding<'static>>, inner: S) -> Diff<S> {
        Diff {
            inner,
            comparison: Comparison::new(baseline, Finding::fingerprint),
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
        finding.change = Some(self.comparison.change(&self.key));
        self.inner.finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        for mut finding in self.comparison.take_resolved() {
            finding.change = Some(Change::Resolved);
            self.inner.finding(finding)?;
        }
        self.inner.finish(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::Comparison;
    use crate::Change;

    /// Each case: the baseline's fingerprints, the newer ones; what each newer one is,
    /// and what is left resolved.
    #[test]
    fn a_fingerprint_is_in_the_baseline_or_not_however_often_either_side_has_it() {
        type Case<'a> = (&'a [&'a str], &'a [&'a str], &'a [Change], &'a [&'a str]);
        let (n, p) = (Change::New, Change::Persisting);
        let cases: &[Case<'_>] = &[
            (&[], &[], &[], &[]),
            (&["a", "b"], &["b", "c"], &[p, n], &["a"]),
            (&["a"], &[], &[], &["a"]),
            (&[], &["a"], &[n], &[]),
            // A row twice in the newer report: the same finding both times.
            (&["a"], &["a", "a"], &[p, p], &[]),
            // Twice in the baseline, once in the newer report: nothing resolved.
            (&["a", "a"], &["a"], &[p], &[]),
            (&["a", "b", "a"], &["c"], &[n], &["a", "b", "a"]),
        ];
        for (old, new, changes, resolved) in cases {
            let mut c = Comparison::new(old.iter().copied(), |f| (*f).to_owned());
            let got: Vec<Change> = new.iter().map(|f| c.change(f)).collect();
            assert_eq!(got, *changes, "{old:?} -> {new:?}");
            assert_eq!(c.take_resolved(), *resolved, "{old:?} -> {new:?}");
        }
    }
}
