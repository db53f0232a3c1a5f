//! An account in memory behind [`IamApi`] (tests only): users' access keys with their
//! last use, console passwords, MFA devices, attached and inline policies, groups,
//! certificates, SSH keys and service credentials; the managed policies that exist; a log
//! of every call by its IAM name; users whose calls fail. A call about a user that does
//! not exist (never made, or deleted) fails with NoSuchEntity, as IAM's does.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

use credreport_report::Timestamp;

use super::api::{IamApi, KeyState, MfaDevice, PasswordState, UserInfo};

/// What IAM holds about one user.
#[derive(Debug, Default)]
struct User {
    created: Option<Timestamp>,
    keys: Vec<(KeyState, Option<Timestamp>)>,
    /// The console password, and its last use.
    password: Option<Option<Timestamp>>,
    mfa: Vec<MfaDevice>,
    attached: Vec<String>,
    inline: Vec<String>,
    groups: Vec<String>,
    certificates: Vec<String>,
    ssh_keys: Vec<String>,
    service_credentials: Vec<String>,
}

#[derive(Debug, Default)]
struct Account {
    users: BTreeMap<String, User>,
    /// Managed policies that exist (AWS's are assumed to).
    policies: BTreeSet<String>,
    calls: Vec<String>,
}

/// The account; every method takes `&self` (the trait's calls are shared borrows).
#[derive(Debug, Default)]
pub struct Memory {
    account: Mutex<Account>,
    /// Users every call about fails for (AccessDenied).
    pub denied: BTreeSet<String>,
    /// Calls (by IAM name) that fail whoever they are about (AccessDenied).
    pub failing: BTreeSet<String>,
}

impl Memory {
    fn with<T>(&self, f: impl FnOnce(&mut Account) -> T) -> T {
        f(&mut self.account.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn edit(self, user: &str, f: impl FnOnce(&mut User)) -> Memory {
        self.with(|a| f(a.users.entry(user.to_owned()).or_default()));
        self
    }

    /// `user` has the key `id`, created `created`, last used `used`.
    pub fn key(
        self,
        user: &str,
        id: &str,
        active: bool,
        created: Timestamp,
        used: Option<Timestamp>,
    ) -> Memory {
        self.edit(user, |u| {
            u.keys.push((
                KeyState {
                    id: id.to_owned(),
                    active,
                    created: Some(created),
                },
                used,
            ));
        })
    }

    /// `user` has a console password last used `used`.
    pub fn password(self, user: &str, used: Option<Timestamp>) -> Memory {
        self.edit(user, |u| u.password = Some(used))
    }

    /// `user` has an MFA device (a virtual one when `serial` is an ARN).
    pub fn mfa(self, user: &str, serial: &str, enabled: Timestamp) -> Memory {
        self.edit(user, |u| {
            u.mfa.push(MfaDevice {
                serial: serial.to_owned(),
                enabled: Some(enabled),
            });
        })
    }

    /// `user` has this managed policy attached (and the policy exists).
    pub fn attached(self, user: &str, arn: &str) -> Memory {
        self.with(|a| a.policies.insert(arn.to_owned()));
        self.edit(user, |u| u.attached.push(arn.to_owned()))
    }

    /// The customer managed policy `arn` exists.
    pub fn policy(self, arn: &str) -> Memory {
        self.with(|a| a.policies.insert(arn.to_owned()));
        self
    }

    /// `user` has an inline policy, a group, a certificate, an SSH key and a service
    /// credential, each named after the user.
    pub fn everything(self, user: &str) -> Memory {
        self.edit(user, |u| {
            u.inline.push(format!("{user}-inline"));
            u.groups.push(format!("{user}-group"));
            u.certificates.push(format!("{user}-cert"));
            u.ssh_keys.push(format!("{user}-ssh"));
            u.service_credentials.push(format!("{user}-codecommit"));
        })
    }

    /// Every call about `user` fails.
    pub fn deny(mut self, user: &str) -> Memory {
        self.denied.insert(user.to_owned());
        self
    }

    /// Every call named `call` (`UpdateAccessKey`) fails.
    pub fn fail(mut self, call: &str) -> Memory {
        self.failing.insert(call.to_owned());
        self
    }

    /// Someone uses the key now.
    pub fn use_key(&self, id: &str, at: Timestamp) {
        self.with(|a| {
            for u in a.users.values_mut() {
                for (k, used) in &mut u.keys {
                    if k.id == id {
                        *used = Some(at);
                    }
                }
            }
        });
    }

    /// `user` sets up an MFA device now.
    pub fn add_mfa(&self, user: &str, serial: &str, at: Timestamp) {
        self.with(|a| {
            if let Some(u) = a.users.get_mut(user) {
                u.mfa.push(MfaDevice {
                    serial: serial.to_owned(),
                    enabled: Some(at),
                });
            }
        });
    }

    /// Whether the key is Active (none: no such key).
    pub fn active(&self, id: &str) -> Option<bool> {
        self.with(|a| {
            a.users
                .values()
                .flat_map(|u| &u.keys)
                .find(|(k, _)| k.id == id)
                .map(|(k, _)| k.active)
        })
    }

    /// Whether the user has a console password.
    pub fn has_password(&self, user: &str) -> bool {
        self.with(|a| a.users.get(user).is_some_and(|u| u.password.is_some()))
    }

    /// Whether the user exists.
    pub fn exists(&self, user: &str) -> bool {
        self.with(|a| a.users.contains_key(user))
    }

    /// The user's attached policies.
    pub fn attached_to(&self, user: &str) -> Vec<String> {
        self.with(|a| {
            a.users
                .get(user)
                .map(|u| u.attached.clone())
                .unwrap_or_default()
        })
    }

    /// Whether the managed policy exists.
    pub fn has_policy(&self, arn: &str) -> bool {
        self.with(|a| a.policies.contains(arn) || arn.contains(":iam::aws:policy/"))
    }

    /// The calls made, in order (`UpdateAccessKey bob AKIA… Inactive`).
    pub fn calls(&self) -> Vec<String> {
        self.with(|a| a.calls.clone())
    }

    /// Logs the call; fails it if its user is denied or its name fails.
    fn call(&self, call: String, user: &str) -> anyhow::Result<()> {
        self.with(|a| a.calls.push(call.clone()));
        let name = call.split(' ').next().unwrap_or_default();
        if self.denied.contains(user) || self.failing.contains(name) {
            anyhow::bail!("{call}: AccessDenied: not authorized (memory)");
        }
        Ok(())
    }

    /// Logs the call, then changes (or reads) the user, which must exist.
    fn on_user<T>(
        &self,
        call: String,
        user: &str,
        f: impl FnOnce(&mut User) -> T,
    ) -> anyhow::Result<T> {
        self.call(call.clone(), user)?;
        self.with(|a| match a.users.get_mut(user) {
            Some(u) => Ok(f(u)),
            None => Err(anyhow::anyhow!(
                "{call}: NoSuchEntity: The user with name {user} cannot be found. (memory)"
            )),
        })
    }
}

/// Removes `item` from `list`; an error naming `what` if it was not there.
fn remove(list: &mut Vec<String>, item: &str, what: &str) -> anyhow::Result<()> {
    match list.iter().position(|x| x == item) {
        Some(i) => {
            list.remove(i);
            Ok(())
        }
        None => Err(anyhow::anyhow!("NoSuchEntity: no {what} {item} (memory)")),
    }
}

impl IamApi for Memory {
    async fn list_access_keys(&self, user: &str) -> anyhow::Result<Vec<KeyState>> {
        self.call(format!("ListAccessKeys {user}"), user)?;
        Ok(self.with(|a| {
            a.users
                .get(user)
                .map(|u| u.keys.iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default()
        }))
    }

    async fn access_key_last_used(&self, key_id: &str) -> anyhow::Result<Option<Timestamp>> {
        self.call(format!("GetAccessKeyLastUsed {key_id}"), "")?;
        Ok(self.with(|a| {
            a.users
                .values()
                .flat_map(|u| &u.keys)
                .find(|(k, _)| k.id == key_id)
                .and_then(|(_, used)| *used)
        }))
    }

    async fn password(&self, user: &str) -> anyhow::Result<PasswordState> {
        self.call(format!("GetLoginProfile {user}"), user)?;
        Ok(
            self.with(|a| match a.users.get(user).and_then(|u| u.password) {
                Some(last_used) => PasswordState {
                    exists: true,
                    last_used,
                },
                None => PasswordState {
                    exists: false,
                    last_used: None,
                },
            }),
        )
    }

    async fn set_access_key_status(
        &self,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> anyhow::Result<()> {
        let status = if active { "Active" } else { "Inactive" };
        self.on_user(
            format!("UpdateAccessKey {user} {key_id} {status}"),
            user,
            |u| {
                for (k, _) in &mut u.keys {
                    if k.id == key_id {
                        k.active = active;
                    }
                }
            },
        )
    }

    async fn delete_login_profile(&self, user: &str) -> anyhow::Result<()> {
        self.on_user(format!("DeleteLoginProfile {user}"), user, |u| {
            u.password = None;
        })
    }

    async fn user(&self, user: &str) -> anyhow::Result<Option<UserInfo>> {
        self.call(format!("GetUser {user}"), user)?;
        Ok(self.with(|a| {
            a.users.get(user).map(|u| UserInfo {
                created: u.created,
                password_last_used: u.password.flatten(),
            })
        }))
    }

    async fn list_mfa_devices(&self, user: &str) -> anyhow::Result<Vec<MfaDevice>> {
        self.on_user(format!("ListMFADevices {user}"), user, |u| u.mfa.clone())
    }

    async fn list_attached_user_policies(&self, user: &str) -> anyhow::Result<Vec<String>> {
        self.on_user(format!("ListAttachedUserPolicies {user}"), user, |u| {
            u.attached.clone()
        })
    }

    async fn policy_exists(&self, arn: &str) -> anyhow::Result<bool> {
        self.call(format!("GetPolicy {arn}"), "")?;
        Ok(self.has_policy(arn))
    }

    async fn create_policy(
        &self,
        name: &str,
        document: &str,
        _description: &str,
    ) -> anyhow::Result<String> {
        self.call(format!("CreatePolicy {name}"), "")?;
        if serde_json::from_str::<serde_json::Value>(document).is_err() {
            anyhow::bail!("CreatePolicy: MalformedPolicyDocument (memory)");
        }
        let arn = format!("arn:aws:iam::123456789012:policy/{name}");
        self.with(|a| a.policies.insert(arn.clone()));
        Ok(arn)
    }

    async fn attach_user_policy(&self, user: &str, arn: &str) -> anyhow::Result<()> {
        if !self.has_policy(arn) {
            self.call(format!("AttachUserPolicy {user} {arn}"), user)?;
            anyhow::bail!("AttachUserPolicy: NoSuchEntity: policy {arn} (memory)");
        }
        self.on_user(format!("AttachUserPolicy {user} {arn}"), user, |u| {
            if !u.attached.iter().any(|a| a == arn) {
                u.attached.push(arn.to_owned());
            }
        })
    }

    async fn detach_user_policy(&self, user: &str, arn: &str) -> anyhow::Result<()> {
        self.on_user(format!("DetachUserPolicy {user} {arn}"), user, |u| {
            remove(&mut u.attached, arn, "attached policy")
        })?
    }

    async fn delete_access_key(&self, user: &str, key_id: &str) -> anyhow::Result<()> {
        self.on_user(format!("DeleteAccessKey {user} {key_id}"), user, |u| {
            u.keys.retain(|(k, _)| k.id != key_id);
        })
    }

    async fn list_signing_certificates(&self, user: &str) -> anyhow::Result<Vec<String>> {
        self.on_user(format!("ListSigningCertificates {user}"), user, |u| {
            u.certificates.clone()
        })
    }

    async fn delete_signing_certificate(&self, user: &str, id: &str) -> anyhow::Result<()> {
        self.on_user(format!("DeleteSigningCertificate {user} {id}"), user, |u| {
            remove(&mut u.certificates, id, "certificate")
        })?
    }

    async fn list_ssh_public_keys(&self, user: &str) -> anyhow::Result<Vec<String>> {
        self.on_user(format!("ListSSHPublicKeys {user}"), user, |u| {
            u.ssh_keys.clone()
        })
    }

    async fn delete_ssh_public_key(&self, user: &str, id: &str) -> anyhow::Result<()> {
        self.on_user(format!("DeleteSSHPublicKey {user} {id}"), user, |u| {
            remove(&mut u.ssh_keys, id, "SSH public key")
        })?
    }

    async fn list_service_specific_credentials(&self, user: &str) -> anyhow::Result<Vec<String>> {
        self.on_user(
            format!("ListServiceSpecificCredentials {user}"),
            user,
            |u| u.service_credentials.clone(),
        )
    }

    async fn delete_service_specific_credential(&self, user: &str, id: &str) -> anyhow::Result<()> {
        self.on_user(
            format!("DeleteServiceSpecificCredential {user} {id}"),
            user,
            |u| {
                remove(
                    &mut u.service_credentials,
                    id,
                    "service-specific credential",
                )
            },
        )?
    }

    async fn deactivate_mfa_device(&self, user: &str, serial: &str) -> anyhow::Result<()> {
        self.on_user(format!("DeactivateMFADevice {user} {serial}"), user, |u| {
            let before = u.mfa.len();
            u.mfa.retain(|d| d.serial != serial);
            if u.mfa.len() == before {
                anyhow::bail!("NoSuchEntity: no MFA device {serial} (memory)");
            }
            Ok(())
        })?
    }

    async fn delete_virtual_mfa_device(&self, serial: &str) -> anyhow::Result<()> {
        self.call(format!("DeleteVirtualMFADevice {serial}"), "")
    }

    async fn list_user_policies(&self, user: &str) -> anyhow::Result<Vec<String>> {
        self.on_user(format!("ListUserPolicies {user}"), user, |u| {
            u.inline.clone()
        })
    }

    async fn delete_user_policy(&self, user: &str, name: &str) -> anyhow::Result<()> {
        self.on_user(format!("DeleteUserPolicy {user} {name}"), user, |u| {
            remove(&mut u.inline, name, "inline policy")
        })?
    }

    async fn list_groups_for_user(&self, user: &str) -> anyhow::Result<Vec<String>> {
        self.on_user(format!("ListGroupsForUser {user}"), user, |u| {
            u.groups.clone()
        })
    }

    async fn remove_user_from_group(&self, user: &str, group: &str) -> anyhow::Result<()> {
        self.on_user(format!("RemoveUserFromGroup {user} {group}"), user, |u| {
            remove(&mut u.groups, group, "group")
        })?
    }

    async fn delete_user(&self, user: &str) -> anyhow::Result<()> {
        // IAM refuses while anything is left (DeleteConflict).
        let left = self.on_user(format!("DeleteUser {user}"), user, |u| {
            !(u.keys.is_empty()
                && u.password.is_none()
                && u.mfa.is_empty()
                && u.attached.is_empty()
                && u.inline.is_empty()
                && u.groups.is_empty()
                && u.certificates.is_empty()
                && u.ssh_keys.is_empty()
                && u.service_credentials.is_empty())
        })?;
        if left {
            anyhow::bail!("DeleteUser: DeleteConflict: {user} still has entities (memory)");
        }
        self.with(|a| a.users.remove(user));
        Ok(())
    }
}
