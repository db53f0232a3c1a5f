//! Two stored reports' findings compared by fingerprint (`<check>:<resource>`), with the
//! audit's own comparison ([`credreport_audit::Comparison`], the rule of `audit
//! --baseline`): each report's own audit, as of its own generation time, so a key that
//! crossed a threshold between them is a finding that appeared. Only open findings
//! (failed, not suppressed) count; a finding that became suppressed has disappeared from
//! what needs doing.

use credreport_audit::{Change, Comparison};

use super::record::StoredFinding;

/// The comparison of an older report's findings with a newer one's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingsDiff {
    /// Open in the newer report only ([`Change::New`]).
    pub appeared: Vec<StoredFinding>,
    /// Open in the older report only ([`Change::Resolved`]).
    pub disappeared: Vec<StoredFinding>,
    /// Open in both, the newer report's finding ([`Change::Persisting`]).
    pub persisted: Vec<StoredFinding>,
}

/// Compares `old` with `new` (each in report order; the result keeps that order).
pub fn diff(old: &[StoredFinding], new: &[StoredFinding]) -> FindingsDiff {
    let mut comparison = Comparison::new(old.iter().filter(|f| f.is_open()), |f| {
        f.fingerprint.clone()
    });
    let mut d = FindingsDiff::default();
    for f in new.iter().filter(|f| f.is_open()) {
        match comparison.change(&f.fingerprint) {
            Change::Persisting => d.persisted.push(f.clone()),
            Change::New | Change::Resolved => d.appeared.push(f.clone()),
        }
    }
    d.disappeared = comparison.take_resolved().into_iter().cloned().collect();
    d
}
