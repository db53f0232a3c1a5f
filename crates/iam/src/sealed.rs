//! A store's sealed values (access key secrets, MFA seeds) checked against the master key
//! at start: a wrong or missing master key, or a value damaged on disk, is found before
//! any request needs it, and named.

use crate::error::Result;
use crate::service::Iam;

/// What opening every sealed value of the store found.
#[derive(Debug, Default)]
pub struct SealedCheck {
    /// Values that opened.
    pub opened: usize,
    /// Those that did not: what each is (`access key AKIA… of account …`).
    pub failed: Vec<String>,
}

impl SealedCheck {
    /// Nothing failed.
    pub fn is_ok(&self) -> bool {
        self.failed.is_empty()
    }

    /// Nothing opened, and something failed: the key is not the one that sealed them.
    pub fn wrong_key(&self) -> bool {
        self.opened == 0 && !self.failed.is_empty()
    }
}

impl Iam {
    /// Opens every access key secret and MFA seed of every account with the master key.
    pub fn check_sealed(&self) -> Result<SealedCheck> {
        let (keys, devices) = self.read(|tx| {
            let mut keys = Vec::new();
            let mut devices = Vec::new();
            for account in tx.account_ids()? {
                keys.extend(tx.access_keys(&account)?);
                devices.extend(tx.mfa_devices(&account)?);
            }
            Ok((keys, devices))
        })?;
        let mut check = SealedCheck::default();
        for k in &keys {
            match self.master_key().open(&k.secret.0, k.id.as_bytes()) {
                Ok(_) => check.opened += 1,
                Err(_) => check.failed.push(format!(
                    "the secret of access key {} of account {}",
                    k.id, k.account
                )),
            }
        }
        for d in &devices {
            match self.master_key().open(&d.seed.0, d.serial.as_bytes()) {
                Ok(_) => check.opened += 1,
                Err(_) => check
                    .failed
                    .push(format!("the seed of MFA device {}", d.serial)),
            }
        }
        Ok(check)
    }
}
