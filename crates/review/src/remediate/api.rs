//! The IAM calls remediation makes, as a narrow trait: everything it reads of an account's
//! credentials and every change it makes, nothing else. The planner and the re-checks
//! before each call are pure functions of what these return; [`super::sdk::SdkIam`] is the
//! one real implementation (the AWS SDK, against AWS or any IAM endpoint), and the tests
//! use an account in memory.
//!
//! A later action adds its calls here (AttachUserPolicy for `require-mfa` and
//! `quarantine-user`; IAM's deletion order for `delete-user`).

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
}
