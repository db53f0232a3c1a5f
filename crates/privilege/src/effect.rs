//! What an action does, for the classes: a change or a read, and the few actions that
//! need a question of their own.
//!
//! The access level of the Service Authorization Reference decides, with one exception:
//! an action the reference files under `Write`, `Permissions management` or `Tagging` whose
//! name says it reads (`Get…`, `List…`, `Describe…`, `Search…`, `BatchGet…`) counts as a
//! read. Sixty-eight actions are such (AWS's own ReadOnlyAccess grants five of them, and
//! SecurityAudit three), and a security team calls ReadOnlyAccess read-only.

use credreport_policy::catalog::{AccessLevel, ActionRef};

/// How an action counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// It reads.
    Read,
    /// It changes something.
    Change,
}

/// The verbs of actions that read, whatever their access level.
const READ_VERBS: [&str; 5] = ["Get", "List", "Describe", "Search", "BatchGet"];

/// How `action` counts.
pub(crate) fn effect(action: ActionRef<'_>) -> Effect {
    match action.level() {
        AccessLevel::List | AccessLevel::Read => Effect::Read,
        AccessLevel::Write | AccessLevel::PermissionsManagement | AccessLevel::Tagging => {
            let name = action.name();
            let reads = READ_VERBS.iter().any(|verb| {
                name.strip_prefix(verb)
                    .is_some_and(|rest| rest.chars().next().is_none_or(char::is_uppercase))
            });
            if reads {
                Effect::Read
            } else {
                Effect::Change
            }
        }
    }
}

/// Actions on a principal's own credentials: a principal allowed them on itself only
/// (AWS's "manage your own credentials" policies, `IAMUserChangePassword`) changes nothing
/// it could not already use, so they count as a change only on another user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OwnCredential {
    /// A credential of a user (its resource is the user): counts on another user.
    OfUser,
    /// A virtual MFA device by its name (`mfa/<name>`): whose it is cannot be told from
    /// the name, so it never counts as a change.
    Device,
}

/// The IAM actions on one's own credentials (IAM's own names), from the IAM User Guide's
/// "Allows IAM users to manage their own credentials" examples.
const OWN_CREDENTIALS: &[(&str, OwnCredential)] = &[
    ("ChangePassword", OwnCredential::OfUser),
    ("CreateAccessKey", OwnCredential::OfUser),
    ("UpdateAccessKey", OwnCredential::OfUser),
    ("DeleteAccessKey", OwnCredential::OfUser),
    ("CreateLoginProfile", OwnCredential::OfUser),
    ("UpdateLoginProfile", OwnCredential::OfUser),
    ("DeleteLoginProfile", OwnCredential::OfUser),
    ("UploadSigningCertificate", OwnCredential::OfUser),
    ("UpdateSigningCertificate", OwnCredential::OfUser),
    ("DeleteSigningCertificate", OwnCredential::OfUser),
    ("UploadSSHPublicKey", OwnCredential::OfUser),
    ("UpdateSSHPublicKey", OwnCredential::OfUser),
    ("DeleteSSHPublicKey", OwnCredential::OfUser),
    ("CreateServiceSpecificCredential", OwnCredential::OfUser),
    ("ResetServiceSpecificCredential", OwnCredential::OfUser),
    ("UpdateServiceSpecificCredential", OwnCredential::OfUser),
    ("DeleteServiceSpecificCredential", OwnCredential::OfUser),
    ("EnableMFADevice", OwnCredential::OfUser),
    ("ResyncMFADevice", OwnCredential::OfUser),
    ("DeactivateMFADevice", OwnCredential::OfUser),
    ("CreateVirtualMFADevice", OwnCredential::Device),
    ("DeleteVirtualMFADevice", OwnCredential::Device),
    ("TagMFADevice", OwnCredential::Device),
    ("UntagMFADevice", OwnCredential::Device),
];

/// Whether `action` is one on a principal's own credentials, and which kind.
pub(crate) fn own_credential(action: ActionRef<'_>) -> Option<OwnCredential> {
    if action.namespace() != "iam" {
        return None;
    }
    OWN_CREDENTIALS
        .iter()
        .find(|(name, _)| *name == action.name())
        .map(|(_, kind)| *kind)
}

/// Context keys that decide whether an action changes anything, with the value that
/// makes it a change: asked so, a policy that allows only the reading form does not make
/// its holder a writer. (`s3express:CreateSession` opens a session that reads or writes
/// by `s3express:SessionMode`; ReadOnlyAccess allows it for `ReadOnly` only.)
const CHANGE_CONTEXT: &[(&str, &str, &str)] = &[(
    "s3express:CreateSession",
    "s3express:SessionMode",
    "ReadWrite",
)];

/// The key and value that make `action` a change, if it has one.
pub(crate) fn change_context(action: ActionRef<'_>) -> Option<(&'static str, &'static str)> {
    let full = format!("{}:{}", action.namespace(), action.name());
    CHANGE_CONTEXT
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(&full))
        .map(|(_, key, value)| (*key, *value))
}

/// Every action that needs a question of its own (an own credential, a context key).
pub(crate) fn special_actions() -> impl Iterator<Item = (&'static str, &'static str)> {
    OWN_CREDENTIALS
        .iter()
        .map(|(name, _)| ("iam", *name))
        .chain(
            CHANGE_CONTEXT
                .iter()
                .filter_map(|(full, _, _)| full.split_once(':')),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use credreport_policy::catalog::Catalog;

    #[test]
    fn every_special_action_is_in_the_catalog() {
        let catalog = Catalog::get();
        for (service, name) in special_actions() {
            let full = format!("{service}:{name}");
            assert!(catalog.find(&full).is_some(), "{full}");
        }
    }

    #[test]
    fn effects_follow_the_level_and_reading_names() {
        let catalog = Catalog::get();
        let cases: &[(&str, Effect)] = &[
            ("s3:GetObject", Effect::Read),
            ("s3:ListAllMyBuckets", Effect::Read),
            ("s3:PutObject", Effect::Change),
            ("iam:PassRole", Effect::Change),
            ("iam:TagUser", Effect::Change),
            // Filed under Write or Permissions management, named as reads.
            ("athena:GetSessionEndpoint", Effect::Read),
            ("billing:GetResourcePolicy", Effect::Read),
            ("quicksight:DescribeDataSetPermissions", Effect::Read),
            ("backup:ListIndexedRecoveryPointsForSearch", Effect::Read),
            // A verb is a whole word: "Getaway" would not read.
            ("s3express:CreateSession", Effect::Change),
        ];
        for (name, expected) in cases {
            let id = catalog.find(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(effect(catalog.action(id)), *expected, "{name}");
        }
    }
}
