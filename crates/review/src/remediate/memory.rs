//! An account in memory behind [`IamApi`] (tests only): users' access keys with their
//! last use, console passwords, a log of every call, and users whose calls fail.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

use credreport_report::Timestamp;

use super::api::{IamApi, KeyState, PasswordState};

#[derive(Debug, Default)]
struct Account {
    keys: BTreeMap<String, Vec<(KeyState, Option<Timestamp>)>>,
    passwords: BTreeMap<String, PasswordState>,
    calls: Vec<String>,
}

/// The account; every method takes `&self` (the trait's calls are shared borrows).
#[derive(Debug, Default)]
pub struct Memory {
    account: Mutex<Account>,
    /// Users every call about fails for (AccessDenied).
    pub denied: BTreeSet<String>,
}

impl Memory {
    fn with<T>(&self, f: impl FnOnce(&mut Account) -> T) -> T {
        f(&mut self.account.lock().unwrap_or_else(PoisonError::into_inner))
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
        self.with(|a| {
            a.keys.entry(user.to_owned()).or_default().push((
                KeyState {
                    id: id.to_owned(),
                    active,
                    created: Some(created),
                },
                used,
            ));
        });
        self
    }

    /// `user` has a console password last used `used`.
    pub fn password(self, user: &str, used: Option<Timestamp>) -> Memory {
        self.with(|a| {
            a.passwords.insert(
                user.to_owned(),
                PasswordState {
                    exists: true,
                    last_used: used,
                },
            );
        });
        self
    }

    /// Every call about `user` fails.
    pub fn deny(mut self, user: &str) -> Memory {
        self.denied.insert(user.to_owned());
        self
    }

    /// Someone uses the key now.
    pub fn use_key(&self, id: &str, at: Timestamp) {
        self.with(|a| {
            for (k, used) in a.keys.values_mut().flatten() {
                if k.id == id {
                    *used = Some(at);
                }
            }
        });
    }

    /// Whether the key is Active (none: no such key).
    pub fn active(&self, id: &str) -> Option<bool> {
        self.with(|a| {
            a.keys
                .values()
                .flatten()
                .find(|(k, _)| k.id == id)
                .map(|(k, _)| k.active)
        })
    }

    /// Whether the user has a console password.
    pub fn has_password(&self, user: &str) -> bool {
        self.with(|a| a.passwords.get(user).is_some_and(|p| p.exists))
    }

    /// The calls made, in order (`UpdateAccessKey bob AKIA… Inactive`).
    pub fn calls(&self) -> Vec<String> {
        self.with(|a| a.calls.clone())
    }

    fn call(&self, call: String, user: &str) -> anyhow::Result<()> {
        self.with(|a| a.calls.push(call.clone()));
        if self.denied.contains(user) {
            anyhow::bail!("{call}: AccessDenied: not authorized (memory)");
        }
        Ok(())
    }
}

impl IamApi for Memory {
    async fn list_access_keys(&self, user: &str) -> anyhow::Result<Vec<KeyState>> {
        self.call(format!("ListAccessKeys {user}"), user)?;
        Ok(self.with(|a| {
            a.keys
                .get(user)
                .map(|ks| ks.iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default()
        }))
    }

    async fn access_key_last_used(&self, key_id: &str) -> anyhow::Result<Option<Timestamp>> {
        self.call(format!("GetAccessKeyLastUsed {key_id}"), "")?;
        Ok(self.with(|a| {
            a.keys
                .values()
                .flatten()
                .find(|(k, _)| k.id == key_id)
                .and_then(|(_, used)| *used)
        }))
    }

    async fn password(&self, user: &str) -> anyhow::Result<PasswordState> {
        self.call(format!("GetLoginProfile {user}"), user)?;
        Ok(self.with(|a| {
            a.passwords.get(user).copied().unwrap_or(PasswordState {
                exists: false,
                last_used: None,
            })
        }))
    }

    async fn set_access_key_status(
        &self,
        user: &str,
        key_id: &str,
        active: bool,
    ) -> anyhow::Result<()> {
        let status = if active { "Active" } else { "Inactive" };
        self.call(format!("UpdateAccessKey {user} {key_id} {status}"), user)?;
        self.with(|a| {
            for (k, _) in a.keys.get_mut(user).into_iter().flatten() {
                if k.id == key_id {
                    k.active = active;
                }
            }
        });
        Ok(())
    }

    async fn delete_login_profile(&self, user: &str) -> anyhow::Result<()> {
        self.call(format!("DeleteLoginProfile {user}"), user)?;
        self.with(|a| {
            if let Some(p) = a.passwords.get_mut(user) {
                p.exists = false;
            }
        });
        Ok(())
    }
}
