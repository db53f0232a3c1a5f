//! What remediation does, by name: the actions a plan may hold, what undoes each, and how
//! each call ended. Adding an action starts here: its name, its IAM calls, whether it is
//! reversible and what undoes it; then its rule in the planner, its re-check in `decide`,
//! its calls in [`super::IamApi`] and its steps in `apply`.

use crate::names::named;

named! {
    /// An action a plan may hold.
    pub enum ActionKind {
        /// UpdateAccessKey Status=Inactive (undone by Status=Active).
        DeactivateAccessKey = "deactivate-access-key",
        /// DeleteLoginProfile (cannot be undone).
        DeleteLoginProfile = "delete-login-profile",
        /// AttachUserPolicy of the customer managed policy `credreport-require-mfa`
        /// (created first when missing); undone by DetachUserPolicy.
        RequireMfa = "require-mfa",
        /// AttachUserPolicy of AWS's `AWSDenyAll` and UpdateAccessKey Status=Inactive for
        /// each active key (with `--allow-password-removal`, DeleteLoginProfile too);
        /// undone by DetachUserPolicy and Status=Active (not the password).
        QuarantineUser = "quarantine-user",
        /// DeleteUser after everything IAM wants gone first (cannot be undone).
        DeleteUser = "delete-user",
    }
}

named! {
    /// What an undo run does for an action an apply run made.
    pub enum UndoKind {
        /// UpdateAccessKey Status=Active.
        ReactivateAccessKey = "reactivate-access-key",
        /// Nothing can: a deleted password is gone. Recorded as skipped, saying so.
        RestoreLoginProfile = "restore-login-profile",
        /// DetachUserPolicy of `credreport-require-mfa` (the policy stays in the account).
        DetachRequireMfa = "detach-require-mfa",
        /// DetachUserPolicy of `AWSDenyAll` and the keys the quarantine deactivated Active
        /// again; a password it deleted cannot come back, and the undo says so.
        ReleaseUser = "release-user",
        /// Nothing can: a deleted user is gone. Recorded as skipped, saying so.
        RestoreUser = "restore-user",
    }
}

impl ActionKind {
    /// The IAM calls, as a plan names them for its reader.
    pub const fn call(self) -> &'static str {
        match self {
            ActionKind::DeactivateAccessKey => "UpdateAccessKey Status=Inactive",
            ActionKind::DeleteLoginProfile => "DeleteLoginProfile",
            ActionKind::RequireMfa => {
                "AttachUserPolicy credreport-require-mfa (CreatePolicy first when missing)"
            }
            ActionKind::QuarantineUser => {
                "AttachUserPolicy AWSDenyAll; UpdateAccessKey Status=Inactive for each active \
                 key; DeleteLoginProfile with --allow-password-removal"
            }
            ActionKind::DeleteUser => {
                "DeleteAccessKey, DeleteSigningCertificate, DeleteSSHPublicKey, \
                 DeleteServiceSpecificCredential, DeactivateMFADevice and \
                 DeleteVirtualMFADevice, DeleteLoginProfile, DeleteUserPolicy, \
                 DetachUserPolicy, RemoveUserFromGroup, then DeleteUser"
            }
        }
    }

    /// Whether `remediate --undo` can reverse it (a quarantine's deleted password aside).
    pub const fn reversible(self) -> bool {
        match self {
            ActionKind::DeactivateAccessKey
            | ActionKind::RequireMfa
            | ActionKind::QuarantineUser => true,
            ActionKind::DeleteLoginProfile | ActionKind::DeleteUser => false,
        }
    }

    /// What an undo run does for it.
    pub const fn undo(self) -> UndoKind {
        match self {
            ActionKind::DeactivateAccessKey => UndoKind::ReactivateAccessKey,
            ActionKind::DeleteLoginProfile => UndoKind::RestoreLoginProfile,
            ActionKind::RequireMfa => UndoKind::DetachRequireMfa,
            ActionKind::QuarantineUser => UndoKind::ReleaseUser,
            ActionKind::DeleteUser => UndoKind::RestoreUser,
        }
    }

    /// The plan format version that introduced it: a plan of an older version cannot
    /// hold it.
    pub const fn since_version(self) -> u32 {
        match self {
            ActionKind::DeactivateAccessKey | ActionKind::DeleteLoginProfile => 1,
            ActionKind::RequireMfa | ActionKind::QuarantineUser | ActionKind::DeleteUser => 2,
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
        /// Made, and refused (the error is the detail), or interrupted part-way: the
        /// trail's changes say which calls were made.
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
        // Every undo answers exactly one action.
        for u in UndoKind::ALL {
            assert_eq!(
                ActionKind::ALL.iter().filter(|a| a.undo() == *u).count(),
                1,
                "{u}"
            );
        }
        assert_eq!(TrailAction::from_name("delete-everything"), None);
    }

    #[test]
    fn the_seed_002_actions_are_exactly_these_names() {
        assert_eq!(
            ActionKind::NAMES,
            [
                "deactivate-access-key",
                "delete-login-profile",
                "require-mfa",
                "quarantine-user",
                "delete-user",
            ]
        );
    }
}
