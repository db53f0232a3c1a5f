//! The changes an action made, one per IAM call that succeeded, in order: what the audit
//! trail keeps (its `changes` column, JSON) and what an undo reverses. An action of many
//! calls (a quarantine, a user's deletion) records each as it is made, so a run that
//! stops part-way still says exactly what it changed, and can be undone that far.

use serde::{Deserialize, Serialize};

use super::action::ActionKind;

/// One IAM call that changed the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Change {
    /// CreatePolicy (the policy `require-mfa` attaches).
    CreatePolicy { policy_arn: String },
    /// AttachUserPolicy.
    AttachUserPolicy { policy_arn: String },
    /// UpdateAccessKey Status=Inactive.
    DeactivateAccessKey { access_key_id: String },
    /// DeleteLoginProfile.
    DeleteLoginProfile,
    /// DeleteAccessKey.
    DeleteAccessKey { access_key_id: String },
    /// DeleteSigningCertificate.
    DeleteSigningCertificate { certificate_id: String },
    /// DeleteSSHPublicKey.
    DeleteSshPublicKey { ssh_public_key_id: String },
    /// DeleteServiceSpecificCredential.
    DeleteServiceSpecificCredential { credential_id: String },
    /// DeactivateMFADevice.
    DeactivateMfaDevice { serial_number: String },
    /// DeleteVirtualMFADevice.
    DeleteVirtualMfaDevice { serial_number: String },
    /// DeleteUserPolicy (an inline policy).
    DeleteUserPolicy { policy_name: String },
    /// DetachUserPolicy.
    DetachUserPolicy { policy_arn: String },
    /// RemoveUserFromGroup.
    RemoveUserFromGroup { group_name: String },
    /// DeleteUser.
    DeleteUser,
    /// UpdateAccessKey Status=Active (an undo's).
    ActivateAccessKey { access_key_id: String },
}

/// What an undo does about one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reverse {
    /// Make this call (after its re-check).
    Call(Change),
    /// Leave it: why.
    Keep(String),
    /// Nothing can bring it back: what is lost.
    Lost(String),
}

impl Change {
    /// The undo of this change.
    pub fn reverse(&self, user: &str) -> Reverse {
        match self {
            Change::AttachUserPolicy { policy_arn } => Reverse::Call(Change::DetachUserPolicy {
                policy_arn: policy_arn.clone(),
            }),
            Change::DeactivateAccessKey { access_key_id } => {
                Reverse::Call(Change::ActivateAccessKey {
                    access_key_id: access_key_id.clone(),
                })
            }
            Change::CreatePolicy { policy_arn } => Reverse::Keep(format!(
                "{policy_arn} stays in the account (other users may have it attached)"
            )),
            Change::DeleteLoginProfile => Reverse::Lost(format!(
                "{user}'s deleted console password cannot be restored; give a new one with \
                 CreateLoginProfile if it is needed"
            )),
            Change::DeleteUser => Reverse::Lost(format!(
                "user {user} was deleted with its credentials, policies and group memberships; \
                 nothing can bring it back"
            )),
            Change::DeleteAccessKey { access_key_id } => {
                Reverse::Lost(format!("access key {access_key_id} was deleted"))
            }
            Change::DeleteSigningCertificate { certificate_id } => {
                Reverse::Lost(format!("signing certificate {certificate_id} was deleted"))
            }
            Change::DeleteSshPublicKey { ssh_public_key_id } => {
                Reverse::Lost(format!("SSH public key {ssh_public_key_id} was deleted"))
            }
            Change::DeleteServiceSpecificCredential { credential_id } => Reverse::Lost(format!(
                "service-specific credential {credential_id} was deleted"
            )),
            Change::DeactivateMfaDevice { serial_number } => {
                Reverse::Lost(format!("MFA device {serial_number} was deactivated"))
            }
            Change::DeleteVirtualMfaDevice { serial_number } => {
                Reverse::Lost(format!("virtual MFA device {serial_number} was deleted"))
            }
            Change::DeleteUserPolicy { policy_name } => {
                Reverse::Lost(format!("inline policy {policy_name} was deleted"))
            }
            Change::DetachUserPolicy { policy_arn } => {
                Reverse::Lost(format!("{policy_arn} was detached"))
            }
            Change::RemoveUserFromGroup { group_name } => {
                Reverse::Lost(format!("{user} was removed from group {group_name}"))
            }
            Change::ActivateAccessKey { access_key_id } => {
                Reverse::Keep(format!("{access_key_id} was set Active by an undo"))
            }
        }
    }

    /// The changes a trail row written before changes were recorded (the first history
    /// schema) stands for: its action's one call.
    pub fn implied(kind: ActionKind, access_key_id: Option<&str>) -> Vec<Change> {
        match (kind, access_key_id) {
            (ActionKind::DeactivateAccessKey, Some(id)) => vec![Change::DeactivateAccessKey {
                access_key_id: id.to_owned(),
            }],
            (ActionKind::DeleteLoginProfile, _) => vec![Change::DeleteLoginProfile],
            _ => Vec::new(),
        }
    }

    /// The changes as the trail stores them.
    pub fn to_json(changes: &[Change]) -> String {
        serde_json::to_string(changes).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The changes a trail row stores (an unreadable list is an error naming it).
    pub fn from_json(text: &str) -> Result<Vec<Change>, String> {
        serde_json::from_str(text).map_err(|e| format!("changes {text:?}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_back_and_each_has_its_reverse() {
        let all = vec![
            Change::CreatePolicy {
                policy_arn: "arn:aws:iam::123456789012:policy/credreport-require-mfa".into(),
            },
            Change::AttachUserPolicy {
                policy_arn: "arn:aws:iam::aws:policy/AWSDenyAll".into(),
            },
            Change::DeactivateAccessKey {
                access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            },
            Change::DeleteLoginProfile,
            Change::DeleteUser,
        ];
        let text = Change::to_json(&all);
        assert!(
            text.starts_with(r#"[{"call":"create-policy","policy_arn":"#),
            "{text}"
        );
        assert_eq!(Change::from_json(&text), Ok(all.clone()));
        let reverses: Vec<Reverse> = all.iter().map(|c| c.reverse("bob")).collect();
        assert!(matches!(&reverses[0], Reverse::Keep(_)));
        assert_eq!(
            reverses[1],
            Reverse::Call(Change::DetachUserPolicy {
                policy_arn: "arn:aws:iam::aws:policy/AWSDenyAll".into()
            })
        );
        assert_eq!(
            reverses[2],
            Reverse::Call(Change::ActivateAccessKey {
                access_key_id: "AKIAIOSFODNN7EXAMPLE".into()
            })
        );
        assert!(
            matches!(&reverses[3], Reverse::Lost(t) if t.contains("bob's deleted console password"))
        );
        assert!(matches!(&reverses[4], Reverse::Lost(_)));
        assert!(Change::from_json(r#"[{"call":"format-disk"}]"#).is_err());
        assert_eq!(
            Change::implied(ActionKind::DeactivateAccessKey, Some("AKIAX")),
            [Change::DeactivateAccessKey {
                access_key_id: "AKIAX".into()
            }]
        );
    }
}
