//! Which findings to fix first: the most severe, and among equally severe ones those about
//! the most privileged principals.
//!
//! A finding about a user or role carries its principal's [`Privilege`] (`None` here:
//! unknown, without authorization data) and its check's own severity (`base_severity`).
//! Its severity is one level higher for an administrator (at most critical), one lower
//! for a principal that may do nothing (at least info), and the base otherwise.
//! [`Priority`] is the order every output, the console and the review's notifications put
//! findings in.

use std::cmp::Ordering;

pub use credreport_privilege::Privilege;

use crate::check::Severity;

/// `admin`, `write`, `read`, `none`, or `unknown` without authorization data.
pub const fn privilege_name(privilege: Option<Privilege>) -> &'static str {
    match privilege {
        Some(p) => p.name(),
        None => "unknown",
    }
}

/// The severity of a finding of `base` severity about a principal with `privilege`.
pub fn adjusted(base: Severity, privilege: Option<Privilege>) -> Severity {
    let rank = base.rank();
    let to = match privilege {
        Some(Privilege::Admin) => rank.saturating_sub(1),
        Some(Privilege::None) => (rank + 1).min(Severity::DESCENDING.len() - 1),
        _ => rank,
    };
    Severity::DESCENDING[to]
}

/// Where a privilege goes among findings of one severity: administrators first, then
/// writers, readers, the unknown (no data: it may be anything, but the known are acted on
/// first), and those that may do nothing last.
pub const fn privilege_rank(privilege: Option<Privilege>) -> u8 {
    match privilege {
        Some(Privilege::Admin) => 0,
        Some(Privilege::Write) => 1,
        Some(Privilege::Read) => 2,
        None => 3,
        Some(Privilege::None) => 4,
    }
}

/// The order in which findings are fixed: sorted ascending, the most urgent comes first
/// (most severe; among equals, the most privileged principal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Priority {
    /// The finding's severity (after privilege).
    pub severity: Severity,
    /// Its principal's privilege.
    pub privilege: Option<Privilege>,
}

impl Ord for Priority {
    fn cmp(&self, other: &Priority) -> Ordering {
        other
            .severity
            .cmp(&self.severity)
            .then_with(|| privilege_rank(self.privilege).cmp(&privilege_rank(other.privilege)))
    }
}

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Priority) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_moves_one_level_with_privilege() {
        use Severity::{Critical, High, Info, Low, Medium};
        let cases = [
            (Medium, Some(Privilege::Admin), High),
            (Critical, Some(Privilege::Admin), Critical),
            (Medium, Some(Privilege::Write), Medium),
            (Medium, Some(Privilege::Read), Medium),
            (Medium, None, Medium),
            (Medium, Some(Privilege::None), Low),
            (Info, Some(Privilege::None), Info),
            (Low, Some(Privilege::None), Info),
            (Info, Some(Privilege::Admin), Low),
        ];
        for (base, privilege, expected) in cases {
            assert_eq!(adjusted(base, privilege), expected, "{base} {privilege:?}");
        }
    }

    #[test]
    fn most_severe_then_most_privileged_first() {
        let p = |severity, privilege| Priority {
            severity,
            privilege,
        };
        let mut list = [
            p(Severity::Medium, Some(Privilege::None)),
            p(Severity::Medium, None),
            p(Severity::High, Some(Privilege::Read)),
            p(Severity::Medium, Some(Privilege::Admin)),
            p(Severity::Medium, Some(Privilege::Read)),
            p(Severity::Medium, Some(Privilege::Write)),
        ];
        list.sort();
        let names: Vec<String> = list
            .iter()
            .map(|p| format!("{} {}", p.severity, privilege_name(p.privilege)))
            .collect();
        assert_eq!(
            names,
            [
                "high read",
                "medium admin",
                "medium write",
                "medium read",
                "medium unknown",
                "medium none"
            ]
        );
    }
}
