//! IAM users' SSH public keys (for CodeCommit): RSA keys of 2048 bits or more in OpenSSH's
//! format or PEM ([`crate::ssh_key`]), at most five per user, each once per user,
//! Active/Inactive, listed in pages, read back in either encoding, deleted.

use crate::error::{Error, Result};
use crate::ids::{new_ssh_public_key_id, AccountId};
use crate::model::{Owner, SshPublicKey};
use crate::service::{require_owner, Iam, Page};
use crate::ssh_key::{parse_ssh_public_key, SshEncoding, SshKeyError};

/// IAM's quota of SSH public keys per user.
pub const SSH_PUBLIC_KEYS_QUOTA: usize = 5;

fn no_such_key(id: &str) -> Error {
    Error::NoSuchEntity(format!("The Public Key with id {id} cannot be found."))
}

/// IAM's texts for the two ways a body is refused.
fn refused(e: SshKeyError) -> Error {
    match e {
        SshKeyError::Unrecognized => Error::UnrecognizedPublicKeyEncoding(
            "The request was rejected because the public key encoding format is unsupported or unrecognized."
                .into(),
        ),
        SshKeyError::Invalid => Error::InvalidPublicKey(
            "The request was rejected because the public key is malformed or otherwise invalid."
                .into(),
        ),
    }
}

/// Where a key stands in a user's list: upload time, then id (the store's order). A
/// marker is this key of the last key of a page.
fn sort_key(k: &SshPublicKey) -> String {
    format!("{:020}/{}", k.uploaded.unix(), k.id)
}

impl Iam {
    /// UploadSSHPublicKey for the user `user_id`: the body as uploaded (trimmed) is kept,
    /// and its fingerprint, which refuses the same key twice for one user.
    pub fn upload_ssh_public_key(
        &self,
        account: &AccountId,
        user_id: &str,
        body: &str,
    ) -> Result<SshPublicKey> {
        let parsed = parse_ssh_public_key(body).map_err(refused)?;
        let key = SshPublicKey {
            id: new_ssh_public_key_id()?,
            account: account.clone(),
            user_id: user_id.to_owned(),
            body: body.trim().to_owned(),
            fingerprint: parsed.fingerprint(),
            active: true,
            uploaded: self.now(),
        };
        self.write(account, |tx| {
            require_owner(tx, account, &Owner::User(user_id.to_owned()))?;
            let held = tx.ssh_public_keys_of(account, user_id)?;
            if held.iter().any(|k| k.fingerprint == key.fingerprint) {
                return Err(Error::DuplicateSshPublicKey(
                    "The request was rejected because the SSH public key is already associated with the specified IAM user."
                        .into(),
                ));
            }
            if held.len() >= SSH_PUBLIC_KEYS_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for PublicKeysPerUser: {SSH_PUBLIC_KEYS_QUOTA}"
                )));
            }
            tx.put_ssh_public_key(&key)
        })?;
        Ok(key)
    }

    /// GetSSHPublicKey: the key with its body in `encoding`.
    pub fn ssh_public_key(
        &self,
        account: &AccountId,
        user_id: &str,
        key_id: &str,
        encoding: SshEncoding,
    ) -> Result<SshPublicKey> {
        let mut key = self.read(|tx| {
            require_owner(tx, account, &Owner::User(user_id.to_owned()))?;
            tx.ssh_public_key(account, key_id)?
                .filter(|k| k.user_id == user_id)
                .ok_or_else(|| no_such_key(key_id))
        })?;
        let parsed = parse_ssh_public_key(&key.body).map_err(|_| {
            Error::internal(format!(
                "table ssh_public_keys, row key_id={:?}, column body: not an SSH public key",
                key.id
            ))
        })?;
        key.body = parsed.encoded(encoding);
        Ok(key)
    }

    /// ListSSHPublicKeys: a page of the user's keys, oldest first, after `marker` (from
    /// the previous page's [`Page::next`]).
    pub fn list_ssh_public_keys(
        &self,
        account: &AccountId,
        user_id: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<Page<SshPublicKey>> {
        let keys = self.read(|tx| {
            require_owner(tx, account, &Owner::User(user_id.to_owned()))?;
            tx.ssh_public_keys_of(account, user_id)
        })?;
        let mut items: Vec<SshPublicKey> = keys
            .into_iter()
            .filter(|k| marker.is_none_or(|m| sort_key(k).as_str() > m))
            .collect();
        let next = if items.len() > max_items {
            items.truncate(max_items);
            items.last().map(sort_key)
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// UpdateSSHPublicKey: Active or Inactive.
    pub fn update_ssh_public_key(
        &self,
        account: &AccountId,
        user_id: &str,
        key_id: &str,
        active: bool,
    ) -> Result<()> {
        self.write(account, |tx| {
            require_owner(tx, account, &Owner::User(user_id.to_owned()))?;
            let mut k = tx
                .ssh_public_key(account, key_id)?
                .filter(|k| k.user_id == user_id)
                .ok_or_else(|| no_such_key(key_id))?;
            k.active = active;
            tx.put_ssh_public_key(&k)
        })
    }

    /// DeleteSSHPublicKey.
    pub fn delete_ssh_public_key(
        &self,
        account: &AccountId,
        user_id: &str,
        key_id: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            require_owner(tx, account, &Owner::User(user_id.to_owned()))?;
            tx.ssh_public_key(account, key_id)?
                .filter(|k| k.user_id == user_id)
                .ok_or_else(|| no_such_key(key_id))?;
            tx.delete_ssh_public_key(account, key_id)
        })
    }
}
