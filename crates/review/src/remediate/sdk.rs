//! [`IamApi`] through the AWS SDK: the calls remediation makes, against AWS or any IAM
//! endpoint. SDK errors become one line each here (`describe`), once.

use anyhow::anyhow;
use aws_sdk_iam::types::StatusType;
use credreport_report::Timestamp;

use super::api::{IamApi, KeyState, PasswordState};
use crate::fetch::client::{describe, error_code};

/// An account's IAM client, and where it points (for messages).
#[derive(Clone, Debug)]
pub struct SdkIam {
    pub client: aws_sdk_iam::Client,
    /// The endpoint, as messages name it (`AWS` or the URL).
    pub place: String,
}

fn time(t: &aws_sdk_iam::primitives::DateTime) -> Option<Timestamp> {
    Timestamp::from_unix(t.secs())
}

impl IamApi for SdkIam {
    async fn list_access_keys(&self, user: &str) -> anyhow::Result<Vec<KeyState>> {
        let mut keys = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .client
                .list_access_keys()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| anyhow!(describe("ListAccessKeys", &self.place, &e)))?;
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

    async fn access_key_last_used(&self, key_id: &str) -> anyhow::Result<Option<Timestamp>> {
        let out = self
            .client
            .get_access_key_last_used()
            .access_key_id(key_id)
            .send()
            .await
            .map_err(|e| anyhow!(describe("GetAccessKeyLastUsed", &self.place, &e)))?;
        Ok(out
            .access_key_last_used()
            .and_then(|u| u.last_used_date())
            .and_then(time))
    }

    async fn password(&self, user: &str) -> anyhow::Result<PasswordState> {
        let exists = match self.client.get_login_profile().user_name(user).send().await {
            Ok(_) => true,
            Err(e) if error_code(&e) == Some("NoSuchEntity") => false,
            Err(e) => return Err(anyhow!(describe("GetLoginProfile", &self.place, &e))),
        };
        let out = self
            .client
            .get_user()
            .user_name(user)
            .send()
            .await
            .map_err(|e| anyhow!(describe("GetUser", &self.place, &e)))?;
        let last_used = out
            .user()
            .and_then(|u| u.password_last_used())
            .and_then(time);
        Ok(PasswordState { exists, last_used })
    }

    async fn set_access_key_status(
        &self,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> anyhow::Result<()> {
        let status = if active {
            StatusType::Active
        } else {
            StatusType::Inactive
        };
        self.client
            .update_access_key()
            .user_name(user)
            .access_key_id(key_id)
            .status(status)
            .send()
            .await
            .map_err(|e| anyhow!(describe("UpdateAccessKey", &self.place, &e)))?;
        Ok(())
    }

    async fn delete_login_profile(&self, user: &str) -> anyhow::Result<()> {
        self.client
            .delete_login_profile()
            .user_name(user)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteLoginProfile", &self.place, &e)))?;
        Ok(())
    }
}
