//! Access keys: creation (the secret shown once), status, deletion, the lookup that
//! signature verification needs, and the recording of their use.

use std::sync::Arc;

use credreport_report::Timestamp;

use crate::error::{Error, Result};
use crate::ids::{new_access_key_id, new_secret_access_key, AccountId};
use crate::kept_rows;
use crate::model::{AccessKey, KeyUse, Owner, Sealed, User};
use crate::secret::Secret;
use crate::service::{require_owner, Iam};
use crate::usage::KEY_WINDOW_SECS;

/// IAM's quota of access keys per user (and root), Active and Inactive alike.
pub const ACCESS_KEYS_QUOTA: usize = 2;

/// A new access key with its secret: the only time the secret leaves the store.
#[derive(Debug)]
pub struct NewAccessKey {
    /// The key.
    pub key: AccessKey,
    /// Its secret access key.
    pub secret: Secret,
}

/// What signature verification needs about a key: its account, owner, status and secret,
/// and the user that owns it (`None` for the root).
#[derive(Debug)]
pub struct SigningKey {
    /// The account the key belongs to.
    pub account: AccountId,
    /// Its owner.
    pub owner: Owner,
    /// Active or Inactive.
    pub active: bool,
    /// The secret to sign with.
    pub secret: Secret,
    /// The owning user, when the owner is not the root.
    pub user: Option<User>,
}

/// What happened to a use of a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseOutcome {
    /// The first use of a new window: durably recorded.
    Recorded,
    /// Inside the window of the last recorded use: nothing to write.
    InWindow,
}

fn no_such_key(key_id: &str) -> Error {
    Error::NoSuchEntity(format!("The Access Key with id {key_id} cannot be found."))
}

impl Iam {
    /// CreateAccessKey: at most two per owner.
    pub fn create_access_key(&self, account: &AccountId, owner: &Owner) -> Result<NewAccessKey> {
        let id = new_access_key_id()?;
        let secret = Secret::from_string(new_secret_access_key()?);
        let sealed = self
            .master_key()
            .seal(secret.expose(), id.as_bytes())
            .map_err(|e| Error::internal(e.to_string()))?;
        let key = AccessKey {
            id,
            account: account.clone(),
            owner: owner.clone(),
            secret: Sealed(sealed),
            active: true,
            created: self.now(),
            last_used: None,
        };
        self.write(account, |tx| {
            require_owner(tx, account, owner)?;
            if tx.access_keys_of(account, owner)?.len() >= ACCESS_KEYS_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_QUOTA}"
                )));
            }
            tx.put_access_key(&key)?;
            kept_rows::keep_row(tx, account, owner)
        })?;
        Ok(NewAccessKey { key, secret })
    }

    /// The owner's access keys, oldest first.
    pub fn list_access_keys(&self, account: &AccountId, owner: &Owner) -> Result<Vec<AccessKey>> {
        self.read(|tx| {
            require_owner(tx, account, owner)?;
            tx.access_keys_of(account, owner)
        })
    }

    /// UpdateAccessKey: Active or Inactive. The key must belong to the owner.
    pub fn update_access_key(
        &self,
        account: &AccountId,
        owner: &Owner,
        key_id: &str,
        active: bool,
    ) -> Result<()> {
        self.write(account, |tx| {
            require_owner(tx, account, owner)?;
            let mut key = tx
                .access_key(key_id)?
                .filter(|k| k.account == *account && k.owner == *owner)
                .ok_or_else(|| no_such_key(key_id))?;
            key.active = active;
            tx.put_access_key(&key)?;
            kept_rows::keep_row(tx, account, owner)
        })?;
        self.signing_keys().forget(key_id);
        Ok(())
    }

    /// DeleteAccessKey. The key must belong to the owner.
    pub fn delete_access_key(
        &self,
        account: &AccountId,
        owner: &Owner,
        key_id: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            require_owner(tx, account, owner)?;
            tx.access_key(key_id)?
                .filter(|k| k.account == *account && k.owner == *owner)
                .ok_or_else(|| no_such_key(key_id))?;
            tx.delete_access_key(key_id)?;
            kept_rows::keep_row(tx, account, owner)
        })?;
        self.signing_keys().forget(key_id);
        self.key_windows().forget(key_id);
        Ok(())
    }

    /// A key by id in any account, with the name of its user (`None` for a root key):
    /// GetAccessKeyLastUsed. The caller decides what the asker may see.
    pub fn access_key(&self, key_id: &str) -> Result<Option<(AccessKey, Option<User>)>> {
        self.read(|tx| {
            let Some(key) = tx.access_key(key_id)? else {
                return Ok(None);
            };
            let user = match &key.owner {
                Owner::Root => None,
                Owner::User(id) => tx.user_by_id(&key.account, id)?,
            };
            Ok(Some((key, user)))
        })
    }

    /// The key, its secret and its user, for verifying a signature. `None` for an unknown
    /// key; the caller refuses Inactive keys. Kept in memory between calls, for at most
    /// five seconds, and dropped at once by UpdateAccessKey and DeleteAccessKey.
    pub fn signing_key(&self, key_id: &str) -> Result<Option<Arc<SigningKey>>> {
        let kept = self.signing_keys();
        if let Some(key) = kept.get(key_id) {
            return Ok(Some(key));
        }
        let generation = kept.generation();
        let Some((key, user)) = self.access_key(key_id)? else {
            return Ok(None);
        };
        let secret = self
            .master_key()
            .open(&key.secret.0, key.id.as_bytes())
            .map_err(|e| Error::internal(e.to_string()))?;
        let signing = Arc::new(SigningKey {
            account: key.account,
            owner: key.owner,
            active: key.active,
            secret,
            user,
        });
        kept.keep(key_id, &signing, generation);
        Ok(Some(signing))
    }

    /// Records a verified request signed with `key_id` at `at`, in `region` for `service`.
    /// Only the first use in a 15-minute span is written, at minute precision; a use inside
    /// the span is answered from memory without touching the store. `Recorded` is only
    /// answered once the store has it durably.
    pub fn record_key_use(
        &self,
        key_id: &str,
        at: Timestamp,
        region: &str,
        service: &str,
    ) -> Result<UseOutcome> {
        let minute = at.truncate_to_minute();
        if self.key_windows().covers(key_id, minute) {
            return Ok(UseOutcome::InWindow);
        }
        let used = KeyUse {
            at: minute,
            region: region.to_owned(),
            service: service.to_owned(),
        };
        // The key's row is rendered again in the same transaction as its use.
        let Some(key) = self.signing_key(key_id)? else {
            return Ok(UseOutcome::InWindow); // no such key: nothing to record
        };
        let recorded = self.write(&key.account, |tx| {
            if !tx.record_key_use(key_id, &used, KEY_WINDOW_SECS)? {
                return Ok(false);
            }
            kept_rows::keep_row(tx, &key.account, &key.owner)?;
            Ok(true)
        })?;
        if recorded {
            self.key_windows().remember(key_id, minute);
            return Ok(UseOutcome::Recorded);
        }
        // The store holds a use inside the window (recorded by another process, or before
        // a restart): learn it so the next uses stay in memory.
        if let Some((key, _)) = self.access_key(key_id)? {
            if let Some(u) = key.last_used {
                self.key_windows().remember(key_id, u.at);
            }
        }
        Ok(UseOutcome::InWindow)
    }
}
