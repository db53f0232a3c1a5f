//! The IAM calls remediation makes, as a narrow trait: everything it reads of an account's
//! credentials and every change it makes, nothing else. The planner and the re-checks
//! before each call are pure functions of what these return; [`super::sdk::SdkIam`] is the
//! one real implementation (the AWS SDK, against AWS or any IAM endpoint), and the tests
//! use an account in memory.
//!
//! Each method is one IAM action (a list: every page), so the tests' account in memory
//! logs the calls by their IAM names, and `delete-user`'s order is the order of its calls.

use std::future::Future;

use credreport_report::Timestamp;
use serde_json::{json, Value};

/// An access key as ListAccessKeys shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyState {
    pub id: String,
    pub active: bool,
    pub created: Option<Timestamp>,
}

impl KeyState {
    /// The key's state for the audit trail, with its last use.
    pub fn to_json(&self, last_used: Option<Timestamp>) -> Value {
        json!({
            "access_key_id": self.id,
            "status": if self.active { "Active" } else { "Inactive" },
            "created": self.created.map(Timestamp::to_zulu),
            "last_used": last_used.map(Timestamp::to_zulu),
        })
    }
}

/// A user's console password: whether it exists (GetLoginProfile), and its last use
/// (GetUser's PasswordLastUsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordState {
    pub exists: bool,
    pub last_used: Option<Timestamp>,
}

impl PasswordState {
    /// The password's state for the audit trail.
    pub fn to_json(&self) -> Value {
        json!({
            "login_profile": self.exists,
            "password_last_used": self.last_used.map(Timestamp::to_zulu),
        })
    }
}

/// A user as GetUser shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub created: Option<Timestamp>,
    pub password_last_used: Option<Timestamp>,
}

/// An MFA device as ListMFADevices shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaDevice {
    /// The serial number: a virtual device's ARN (`arn:aws:iam::…:mfa/…`), or a
    /// hardware device's serial.
    pub serial: String,
    pub enabled: Option<Timestamp>,
}

impl MfaDevice {
    /// Whether it is a virtual device (DeleteVirtualMFADevice deletes it).
    pub fn is_virtual(&self) -> bool {
        self.serial.starts_with("arn:") && self.serial.contains(":mfa/")
    }

    /// The device for the audit trail.
    pub fn to_json(&self) -> Value {
        json!({
            "serial_number": self.serial,
            "enabled": self.enabled.map(Timestamp::to_zulu),
        })
    }
}

/// The IAM API as remediation uses it, in one account. Each error is one line naming the
/// call and the endpoint (an implementation maps its own errors once).
pub trait IamApi: Sync {
    /// ListAccessKeys, every page.
    fn list_access_keys(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<KeyState>>> + Send;

    /// GetAccessKeyLastUsed (none: never used).
    fn access_key_last_used(
        &self,
        key_id: &str,
    ) -> impl Future<Output = anyhow::Result<Option<Timestamp>>> + Send;

    /// GetLoginProfile and GetUser.
    fn password(&self, user: &str) -> impl Future<Output = anyhow::Result<PasswordState>> + Send;

    /// UpdateAccessKey to Active or Inactive.
    fn set_access_key_status(
        &self,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// DeleteLoginProfile.
    fn delete_login_profile(&self, user: &str) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// GetUser (none: no such user).
    fn user(&self, user: &str) -> impl Future<Output = anyhow::Result<Option<UserInfo>>> + Send;

    /// ListMFADevices, every page.
    fn list_mfa_devices(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<MfaDevice>>> + Send;

    /// ListAttachedUserPolicies, every page: the policies' ARNs.
    fn list_attached_user_policies(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<String>>> + Send;

    /// GetPolicy: whether the managed policy exists.
    fn policy_exists(&self, arn: &str) -> impl Future<Output = anyhow::Result<bool>> + Send;

    /// CreatePolicy (path `/`): the new policy's ARN.
    fn create_policy(
        &self,
        name: &str,
        document: &str,
        description: &str,
    ) -> impl Future<Output = anyhow::Result<String>> + Send;

    /// AttachUserPolicy.
    fn attach_user_policy(
        &self,
        user: &str,
        arn: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// DetachUserPolicy.
    fn detach_user_policy(
        &self,
        user: &str,
        arn: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// DeleteAccessKey.
    fn delete_access_key(
        &self,
        user: &str,
        key_id: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// ListSigningCertificates, every page: the certificates' ids.
    fn list_signing_certificates(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<String>>> + Send;

    /// DeleteSigningCertificate.
    fn delete_signing_certificate(
        &self,
        user: &str,
        id: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// ListSSHPublicKeys, every page: the keys' ids.
    fn list_ssh_public_keys(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<String>>> + Send;

    /// DeleteSSHPublicKey.
    fn delete_ssh_public_key(
        &self,
        user: &str,
        id: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// ListServiceSpecificCredentials: the credentials' ids.
    fn list_service_specific_credentials(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<String>>> + Send;

    /// DeleteServiceSpecificCredential.
    fn delete_service_specific_credential(
        &self,
        user: &str,
        id: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// DeactivateMFADevice.
    fn deactivate_mfa_device(
        &self,
        user: &str,
        serial: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// DeleteVirtualMFADevice.
    fn delete_virtual_mfa_device(
        &self,
        serial: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// ListUserPolicies, every page: the inline policies' names.
    fn list_user_policies(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<String>>> + Send;

    /// DeleteUserPolicy.
    fn delete_user_policy(
        &self,
        user: &str,
        name: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// ListGroupsForUser, every page: the groups' names.
    fn list_groups_for_user(
        &self,
        user: &str,
    ) -> impl Future<Output = anyhow::Result<Vec<String>>> + Send;

    /// RemoveUserFromGroup.
    fn remove_user_from_group(
        &self,
        user: &str,
        group: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// DeleteUser.
    fn delete_user(&self, user: &str) -> impl Future<Output = anyhow::Result<()>> + Send;
}
