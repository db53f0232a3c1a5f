//! [`IamApi`] through the AWS SDK: the calls remediation makes, against AWS or any IAM
//! endpoint. SDK errors become one line each here (`describe`), once.

use std::future::Future;

use anyhow::anyhow;
use aws_sdk_iam::types::StatusType;
use credreport_report::Timestamp;

use super::api::{IamApi, KeyState, MfaDevice, PasswordState, UserInfo};
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

/// At most this many pages of one list (a bound on the loop, far past any real user's).
const MAX_PAGES: usize = 1000;

/// Every page of a list call: `call(marker)` returns a page's items and, when the answer
/// is truncated, the marker of the next page.
async fn pages<T, F, Fut>(mut call: F) -> anyhow::Result<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = anyhow::Result<(Vec<T>, Option<String>)>>,
{
    let mut all = Vec::new();
    let mut marker = None;
    for _ in 0..MAX_PAGES {
        let (items, next) = call(marker).await?;
        all.extend(items);
        match next {
            Some(m) => marker = Some(m),
            None => return Ok(all),
        }
    }
    Err(anyhow!("more than {MAX_PAGES} pages: the list never ends"))
}

/// The next page's marker, when the answer says there is one.
fn next(truncated: bool, marker: Option<&str>) -> Option<String> {
    truncated.then(|| marker.map(str::to_owned)).flatten()
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

    async fn user(&self, user: &str) -> anyhow::Result<Option<UserInfo>> {
        match self.client.get_user().user_name(user).send().await {
            Ok(out) => Ok(out.user().map(|u| UserInfo {
                created: time(u.create_date()),
                password_last_used: u.password_last_used().and_then(time),
            })),
            Err(e) if error_code(&e) == Some("NoSuchEntity") => Ok(None),
            Err(e) => Err(anyhow!(describe("GetUser", &self.place, &e))),
        }
    }

    async fn list_mfa_devices(&self, user: &str) -> anyhow::Result<Vec<MfaDevice>> {
        pages(|marker| async move {
            let out = self
                .client
                .list_mfa_devices()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| anyhow!(describe("ListMFADevices", &self.place, &e)))?;
            let devices = out
                .mfa_devices()
                .iter()
                .map(|d| MfaDevice {
                    serial: d.serial_number().to_owned(),
                    enabled: time(d.enable_date()),
                })
                .collect();
            Ok((devices, next(out.is_truncated(), out.marker())))
        })
        .await
    }

    async fn list_attached_user_policies(&self, user: &str) -> anyhow::Result<Vec<String>> {
        pages(|marker| async move {
            let out = self
                .client
                .list_attached_user_policies()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| anyhow!(describe("ListAttachedUserPolicies", &self.place, &e)))?;
            let arns = out
                .attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_owned))
                .collect();
            Ok((arns, next(out.is_truncated(), out.marker())))
        })
        .await
    }

    async fn policy_exists(&self, arn: &str) -> anyhow::Result<bool> {
        match self.client.get_policy().policy_arn(arn).send().await {
            Ok(_) => Ok(true),
            Err(e) if error_code(&e) == Some("NoSuchEntity") => Ok(false),
            Err(e) => Err(anyhow!(describe("GetPolicy", &self.place, &e))),
        }
    }

    async fn create_policy(
        &self,
        name: &str,
        document: &str,
        description: &str,
    ) -> anyhow::Result<String> {
        let out = self
            .client
            .create_policy()
            .policy_name(name)
            .policy_document(document)
            .description(description)
            .send()
            .await
            .map_err(|e| anyhow!(describe("CreatePolicy", &self.place, &e)))?;
        out.policy()
            .and_then(|p| p.arn())
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("CreatePolicy: no policy ARN in the answer"))
    }

    async fn attach_user_policy(&self, user: &str, arn: &str) -> anyhow::Result<()> {
        self.client
            .attach_user_policy()
            .user_name(user)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| anyhow!(describe("AttachUserPolicy", &self.place, &e)))?;
        Ok(())
    }

    async fn detach_user_policy(&self, user: &str, arn: &str) -> anyhow::Result<()> {
        self.client
            .detach_user_policy()
            .user_name(user)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DetachUserPolicy", &self.place, &e)))?;
        Ok(())
    }

    async fn delete_access_key(&self, user: &str, key_id: &str) -> anyhow::Result<()> {
        self.client
            .delete_access_key()
            .user_name(user)
            .access_key_id(key_id)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteAccessKey", &self.place, &e)))?;
        Ok(())
    }

    async fn list_signing_certificates(&self, user: &str) -> anyhow::Result<Vec<String>> {
        pages(|marker| async move {
            let out = self
                .client
                .list_signing_certificates()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| anyhow!(describe("ListSigningCertificates", &self.place, &e)))?;
            let ids = out
                .certificates()
                .iter()
                .map(|c| c.certificate_id().to_owned())
                .collect();
            Ok((ids, next(out.is_truncated(), out.marker())))
        })
        .await
    }

    async fn delete_signing_certificate(&self, user: &str, id: &str) -> anyhow::Result<()> {
        self.client
            .delete_signing_certificate()
            .user_name(user)
            .certificate_id(id)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteSigningCertificate", &self.place, &e)))?;
        Ok(())
    }

    async fn list_ssh_public_keys(&self, user: &str) -> anyhow::Result<Vec<String>> {
        pages(|marker| async move {
            let out = self
                .client
                .list_ssh_public_keys()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| anyhow!(describe("ListSSHPublicKeys", &self.place, &e)))?;
            let ids = out
                .ssh_public_keys()
                .iter()
                .map(|k| k.ssh_public_key_id().to_owned())
                .collect();
            Ok((ids, next(out.is_truncated(), out.marker())))
        })
        .await
    }

    async fn delete_ssh_public_key(&self, user: &str, id: &str) -> anyhow::Result<()> {
        self.client
            .delete_ssh_public_key()
            .user_name(user)
            .ssh_public_key_id(id)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteSSHPublicKey", &self.place, &e)))?;
        Ok(())
    }

    async fn list_service_specific_credentials(&self, user: &str) -> anyhow::Result<Vec<String>> {
        pages(|marker| async move {
            let out = self
                .client
                .list_service_specific_credentials()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| {
                    anyhow!(describe("ListServiceSpecificCredentials", &self.place, &e))
                })?;
            let ids = out
                .service_specific_credentials()
                .iter()
                .map(|c| c.service_specific_credential_id().to_owned())
                .collect();
            Ok((ids, next(out.is_truncated(), out.marker())))
        })
        .await
    }

    async fn delete_service_specific_credential(&self, user: &str, id: &str) -> anyhow::Result<()> {
        self.client
            .delete_service_specific_credential()
            .user_name(user)
            .service_specific_credential_id(id)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteServiceSpecificCredential", &self.place, &e)))?;
        Ok(())
    }

    async fn deactivate_mfa_device(&self, user: &str, serial: &str) -> anyhow::Result<()> {
        self.client
            .deactivate_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeactivateMFADevice", &self.place, &e)))?;
        Ok(())
    }

    async fn delete_virtual_mfa_device(&self, serial: &str) -> anyhow::Result<()> {
        self.client
            .delete_virtual_mfa_device()
            .serial_number(serial)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteVirtualMFADevice", &self.place, &e)))?;
        Ok(())
    }

    async fn list_user_policies(&self, user: &str) -> anyhow::Result<Vec<String>> {
        pages(|marker| async move {
            let out = self
                .client
                .list_user_policies()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| anyhow!(describe("ListUserPolicies", &self.place, &e)))?;
            let names = out.policy_names().to_vec();
            Ok((names, next(out.is_truncated(), out.marker())))
        })
        .await
    }

    async fn delete_user_policy(&self, user: &str, name: &str) -> anyhow::Result<()> {
        self.client
            .delete_user_policy()
            .user_name(user)
            .policy_name(name)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteUserPolicy", &self.place, &e)))?;
        Ok(())
    }

    async fn list_groups_for_user(&self, user: &str) -> anyhow::Result<Vec<String>> {
        pages(|marker| async move {
            let out = self
                .client
                .list_groups_for_user()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| anyhow!(describe("ListGroupsForUser", &self.place, &e)))?;
            let names = out
                .groups()
                .iter()
                .map(|g| g.group_name().to_owned())
                .collect();
            Ok((names, next(out.is_truncated(), out.marker())))
        })
        .await
    }

    async fn remove_user_from_group(&self, user: &str, group: &str) -> anyhow::Result<()> {
        self.client
            .remove_user_from_group()
            .user_name(user)
            .group_name(group)
            .send()
            .await
            .map_err(|e| anyhow!(describe("RemoveUserFromGroup", &self.place, &e)))?;
        Ok(())
    }

    async fn delete_user(&self, user: &str) -> anyhow::Result<()> {
        self.client
            .delete_user()
            .user_name(user)
            .send()
            .await
            .map_err(|e| anyhow!(describe("DeleteUser", &self.place, &e)))?;
        Ok(())
    }
}
