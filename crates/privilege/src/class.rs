//! The classes of privilege, and why a principal is in its class.

use std::fmt;

use credreport_policy::catalog::{ActionId, Catalog};

use crate::paths::Path;

/// What a principal can do, from least to most. Ordered: `None < Read < Write < Admin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Privilege {
    /// Nothing: no action of the catalog is allowed.
    None,
    /// Reads only: actions of the `List` and `Read` access levels (and actions named as
    /// reads, see the crate's documentation).
    Read,
    /// Changes something: an action of the `Write`, `Permissions management` or `Tagging`
    /// access levels, on some resource (its own credentials aside).
    Write,
    /// Everything: every action on every resource, or a privilege-escalation path to it.
    Admin,
}

impl Privilege {
    /// Every class, most privileged first.
    pub const DESCENDING: [Privilege; 4] = [
        Privilege::Admin,
        Privilege::Write,
        Privilege::Read,
        Privilege::None,
    ];

    /// `admin`, `write`, `read`, `none`.
    pub const fn name(self) -> &'static str {
        match self {
            Privilege::None => "none",
            Privilege::Read => "read",
            Privilege::Write => "write",
            Privilege::Admin => "admin",
        }
    }

    /// The class with this name.
    pub fn from_name(name: &str) -> Option<Privilege> {
        Privilege::DESCENDING.into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a principal is in its class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Every action of the catalog is allowed on every resource (for some context).
    AllActions,
    /// A privilege-escalation path leads to everything.
    Escalation {
        /// The path.
        path: &'static Path,
        /// What it goes through (a user, group, role or policy ARN), when it names one.
        target: Option<String>,
    },
    /// An action it may perform: a change (write) or a read (read).
    Action(ActionId),
    /// No action of the catalog is allowed.
    Nothing,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::AllActions => f.write_str("may perform every action on every resource"),
            Reason::Escalation { path, target } => {
                write!(f, "may make itself an administrator: {}", path.summary)?;
                if let Some(target) = target {
                    write!(f, " ({target})")?;
                }
                write!(f, "; {}", path.citation())
            }
            Reason::Action(id) => {
                let action = Catalog::get().action(*id);
                write!(f, "may perform {action} ({})", action.level())
            }
            Reason::Nothing => f.write_str("is allowed no action"),
        }
    }
}

/// A principal's class and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The class.
    pub privilege: Privilege,
    /// Why.
    pub reason: Reason,
}

impl fmt::Display for Assessment {
    /// `admin: may perform every action on every resource`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.privilege, self.reason)
    }
}
