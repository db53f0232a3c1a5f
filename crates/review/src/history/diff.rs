//! Two stored reports' findings compared by fingerprint (`<check>:<resource>`): each
//! report's own audit, as of its own generation time, so a key that crossed a threshold
//! between them is a finding that appeared. Only open findings (failed, not suppressed)
//! count; a finding that became suppressed has disappeared from what needs doing.

use std::collections::HashSet;

use super::record::StoredFinding;

/// The comparison of an older report's findings with a newer one's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingsDiff {
    /// Open in the newer report only.
    pub appeared: Vec<StoredFinding>,
    /// Open in the older report only.
    pub disappeared: Vec<StoredFinding>,
    /// Open in both (the newer report's finding).
    pub persisted: Vec<StoredFinding>,
}

/// Compares `old` with `new` (each in report order; the result keeps that order).
pub fn diff(old: &[StoredFinding], new: &[StoredFinding]) -> FindingsDiff {
    let open = |fs: &[StoredFinding]| -> HashSet<String> {
        fs.iter()
            .filter(|f| f.is_open())
            .map(|f| f.fingerprint.clone())
            .collect()
    };
    let (old_open, new_open) = (open(old), open(new));
    let mut d = FindingsDiff::default();
    for f in new.iter().filter(|f| f.is_open()) {
        if old_open.contains(&f.fingerprint) {
            d.persisted.push(f.clone());
        } else {
            d.appeared.push(f.clone());
        }
    }
    for f in old.iter().filter(|f| f.is_open()) {
        if !new_open.contains(&f.fingerprint) {
            d.disappeared.push(f.clone());
        }
    }
    d
}
