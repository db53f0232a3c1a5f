//! What remediation does, by name: the actions a plan may hold, what undoes each, and how
//! each call ended. Adding an action (a later `require-mfa`, `quarantine-user`,
//! `delete-user`) starts here: its name, its IAM call, whether it is reversible and what
//! undoes it; then its rule in the planner, its re-check in `decide`, and its calls in
//! [`super::IamApi`].

use crate::names::named;

named! {
    /// An action a plan may hold.
    pub enum ActionKind {
        /// UpdateAccessKey Status=Inactive (undone by Status=Active).
        DeactivateAccessKey = "deactivate-access-key",
        /// DeleteLoginProfile (cannot be undone).
        DeleteLoginProfile = "delete-login-profile",
    }
}

named! {
    /// What an undo run does for an action an apply run made.
    pub enum UndoKind {
        /// UpdateAccessKey Status=Active.
        ReactivateAccessKey = "reactivate-access-key",
        /// Nothing can: a deleted password is gone. Recorded as skipped, saying so.
        RestoreLoginProfile = "restore-login-profile",
    }
}

impl ActionKind {
    /// The IAM call, as a plan names it for its reader.
    pub const fn call(self) -> &'static str {
        match self {
            ActionKind::DeactivateAccessKey => "UpdateAccessKey Status=Inactive",
            ActionKind::DeleteLoginProfile => "DeleteLoginProfile",
        }
    }

    /// Whether `remediate --undo` can reverse it.
    pub const fn reversible(self) -> bool {
        match self {
            ActionKind::DeactivateAccessKey => true,
            ActionKind::DeleteLoginProfile => false,
        }
    }

    /// What an undo run does for it.
    pub const fn undo(self) -> UndoKind {
        match self {
            ActionKind::DeactivateAccessKey => UndoKind::ReactivateAccessKey,
            ActionKind::DeleteLoginProfile => UndoKind::RestoreLoginProfile,
        }
    }
}

/// A call in the audit trail: a planned action applied, or one undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrailAction {
    /// By `remediate --apply`.
    Apply(ActionKind),
    /// By `remediate --undo`.
    Undo(UndoKind),
}

impl TrailAction {
    /// The name the trail stores.
    pub const fn name(self) -> &'static str {
        match self {
            TrailAction::Apply(a) => a.name(),
            TrailAction::Undo(u) => u.name(),
        }
    }

    /// The call with this name.
    pub fn from_name(name: &str) -> Option<TrailAction> {
        ActionKind::from_name(name)
            .map(TrailAction::Apply)
            .or_else(|| UndoKind::from_name(name).map(TrailAction::Undo))
    }
}

impl std::fmt::Display for TrailAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl serde::Serialize for TrailAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

named! {
    /// How one call ended.
    pub enum Outcome {
        /// Made.
        Done = "done",
        /// Not made: the re-check found the credential used, gone, or already as wanted.
        Skipped = "skipped",
        /// Made, and refused (the error is the detail).
        Failed = "failed",
        /// A dry run's: it would be made (never recorded).
        WouldDo = "would-do",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_names_a_call_and_an_undo_and_trail_names_read_back() {
        for a in ActionKind::ALL {
            assert!(!a.call().is_empty());
            for t in [TrailAction::Apply(*a), TrailAction::Undo(a.undo())] {
                assert_eq!(TrailAction::from_name(t.name()), Some(t));
            }
        }
        assert_eq!(TrailAction::from_name("delete-user"), None);
    }
}
