//! The IAM calls remediation makes, through the AWS SDK: the state of a user's keys and
//! password (read just before acting), and the changes themselves.

use anyhow::anyhow;
use aws_sdk_iam::types::StatusType;
use credreport_report::Timestamp;
use serde_json::{json, Value};

use crate::fetch::client::{describe, error_code};

/// An access key as ListAccessKeys shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyState {
    pub id: String,
    pub active: bool,
    pub created: Option<Timestamp>,
}

/// A user's console password: whether it exists, and its last use (GetUser).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordState {
    pub exists: bool,
    pub last_used: Option<Timestamp>,
}

fn time(t: &aws_sdk_iam::primitives::DateTime) -> Option<Timestamp> {
    Timestamp::from_unix(t.secs())
}

/// A user's access keys.
pub async fn list_keys(
    iam: &aws_sdk_iam::Client,
    place: &str,
    user: &str,
) -> anyhow::Result<Vec<KeyState>> {
    let mut keys = Vec::new();
    let mut marker = None;
    loop {
        let out = iam
            .list_access_keys()
            .user_name(user)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| anyhow!(describe("ListAccessKeys", place, &e)))?;
        for k in out.access_key_metadata() {
            keys.push(KeyState {
                id: k.access_key_id().unwrap_or_default().to_owned(),
                active: k.status() == Some(&StatusType::Active),
                created: k.create_date().and_then(time),
            });
        }
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_owned);
        if marker.is_none() {
            break;
        }
    }
    Ok(keys)
}

/// When a key was last used (GetAccessKeyLastUsed; none: never).
pub async fn key_last_used(
    iam: &aws_sdk_iam::Client,
    place: &str,
    key_id: &str,
) -> anyhow::Result<Option<Timestamp>> {
    let out = iam
        .get_access_key_last_used()
        .access_key_id(key_id)
        .send()
        .await
        .map_err(|e| anyhow!(describe("GetAccessKeyLastUsed", place, &e)))?;
    Ok(out
        .access_key_last_used()
        .and_then(|u| u.last_used_date())
        .and_then(time))
}

/// UpdateAccessKey to Active or Inactive.
pub async fn set_key_status(
    iam: &aws_sdk_iam::Client,
    place: &str,
    user: &str,
    key_id: &str,
    active: bool,
) -> anyhow::Result<()> {
    let status = if active {
        StatusType::Active
    } else {
        StatusType::Inactive
    };
    iam.update_access_key()
        .user_name(user)
        .access_key_id(key_id)
        .status(status)
        .send()
        .await
        .map_err(|e| anyhow!(describe("UpdateAccessKey", place, &e)))?;
    Ok(())
}

/// Whether the user has a console password, and when it was last used.
pub async fn password_state(
    iam: &aws_sdk_iam::Client,
    place: &str,
    user: &str,
) -> anyhow::Result<PasswordState> {
    let exists = match iam.get_login_profile().user_name(user).send().await {
        Ok(_) => true,
        Err(e) if error_code(&e) == Some("NoSuchEntity") => false,
        Err(e) => return Err(anyhow!(describe("GetLoginProfile", place, &e))),
    };
    let out = iam
        .get_user()
        .user_name(user)
        .send()
        .await
        .map_err(|e| anyhow!(describe("GetUser", place, &e)))?;
    let last_used = out
        .user()
        .and_then(|u| u.password_last_used())
        .and_then(time);
    Ok(PasswordState { exists, last_used })
}

/// DeleteLoginProfile.
pub async fn delete_login_profile(
    iam: &aws_sdk_iam::Client,
    place: &str,
    user: &str,
) -> anyhow::Result<()> {
    iam.delete_login_profile()
        .user_name(user)
        .send()
        .await
        .map_err(|e| anyhow!(describe("DeleteLoginProfile", place, &e)))?;
    Ok(())
}

/// A key's state for the audit trail.
pub fn key_json(k: &KeyState, last_used: Option<Timestamp>) -> Value {
    json!({
        "access_key_id": k.id,
        "status": if k.active { "Active" } else { "Inactive" },
        "created": k.created.map(Timestamp::to_zulu),
        "last_used": last_used.map(Timestamp::to_zulu),
    })
}

/// A password's state for the audit trail.
pub fn password_json(p: &PasswordState) -> Value {
    json!({
        "login_profile": p.exists,
        "password_last_used": p.last_used.map(Timestamp::to_zulu),
    })
}
