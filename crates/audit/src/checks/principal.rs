//! What the principal checks look at: a user or role of the authorization details or the
//! last-accessed data, as facts (no report row), with the thresholds and the as-of time.

use credreport_privilege::{PrincipalAccess, Service, Time};
use credreport_report::Timestamp;

use super::{ShellWord, DAY};
use crate::config::Thresholds;

/// A user or a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalKind {
    User,
    Role,
}

impl PrincipalKind {
    pub(crate) const fn word(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
        }
    }
}

/// An instant of the inputs as a report timestamp (whole seconds).
pub(crate) fn timestamp(t: Time) -> Option<Timestamp> {
    Timestamp::from_unix(i64::try_from(t.unix_seconds()).ok()?)
}

/// One service a principal is allowed, and its last use (to the second).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ServiceUse<'a> {
    pub service: &'a Service,
    pub last: Option<Timestamp>,
}

/// What the principal checks know of a principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PrincipalFacts {
    pub kind: PrincipalKind,
    pub name: String,
    pub arn: String,
    /// `CreateDate`, when the authorization details have it.
    pub created: Option<Timestamp>,
    /// A role's `RoleLastUsed`: when and in which Region.
    pub last_used: Option<(Timestamp, Option<String>)>,
    /// Its last-accessed data: the services it lists (shared with the principals allowed
    /// the same ones) and their uses.
    pub access: PrincipalAccess,
}

impl PrincipalFacts {
    /// The services its last-accessed data lists, in its order.
    pub(crate) fn services(&self) -> impl ExactSizeIterator<Item = ServiceUse<'_>> + '_ {
        self.access.services().map(|(service, last)| ServiceUse {
            service,
            last: last.and_then(|u| timestamp(u.at)),
        })
    }
}

/// One principal as a principal check sees it.
#[derive(Debug)]
pub(crate) struct PrincipalSubject<'f> {
    pub facts: &'f PrincipalFacts,
    pub th: &'f Thresholds,
    pub as_of: Timestamp,
}

pub(crate) type PrincipalFn = fn(&PrincipalSubject<'_>, &mut super::Out<'_>);

impl PrincipalSubject<'_> {
    /// Whether `t` is `days` days or more before the as-of time.
    pub(crate) fn older_than(&self, t: Timestamp, days: u32) -> bool {
        self.as_of.secs_since(t) >= i64::from(days) * DAY
    }

    /// Whole days from `t` to the as-of time.
    pub(crate) fn days(&self, t: Timestamp) -> i64 {
        self.as_of.secs_since(t).div_euclid(DAY)
    }

    /// Its name as a shell word.
    pub(crate) fn cli_name(&self) -> ShellWord<'_> {
        ShellWord(&self.facts.name)
    }

    /// `role ops-admin`, `user alice`.
    pub(crate) fn label(&self) -> String {
        format!("{} {}", self.facts.kind.word(), self.facts.name)
    }
}
