//! Virtual MFA devices: created with a seed shown once (Base32 and a QR code), enabled
//! only with two consecutive valid TOTP codes, deactivated, resynced, deleted when
//! unassigned.

use crate::arn::{Arn, IamKind};
use crate::error::{Constraint, Error, Result};
use crate::ids::{validate_name, validate_path, AccountId};
use crate::kept_rows;
use crate::model::{MfaDevice, Owner, Sealed, User};
use crate::secret::Secret;
use crate::service::{require_account, require_owner, Iam};
use crate::totp;

/// MFA devices an owner may have enabled at once (IAM's limit since 2022).
pub const MFA_DEVICES_PER_USER: usize = 8;
/// Resync accepts codes this many steps either side of now.
const RESYNC_SKEW_STEPS: u64 = 10;

/// A new virtual device and its seed: the only time the seed leaves the store.
#[derive(Debug)]
pub struct NewMfaDevice {
    /// The device.
    pub device: MfaDevice,
    /// The seed in Base32, as AWS returns `Base32StringSeed`.
    pub base32_seed: Secret,
    /// A PNG QR code of the `otpauth://` URI, as AWS returns `QRCodePNG`.
    pub qr_png: Vec<u8>,
}

/// ListVirtualMFADevices' AssignmentStatus filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignment {
    /// Enabled for someone.
    Assigned,
    /// Enabled for nobody.
    Unassigned,
    /// Both.
    Any,
}

fn no_such_device(serial: &str) -> Error {
    Error::NoSuchEntity(format!(
        "MFA Device with serial number {serial} does not exist."
    ))
}

fn bad_code() -> Error {
    Error::InvalidAuthenticationCode("Authentication code for device is not valid.".into())
}

impl Iam {
    /// CreateVirtualMFADevice.
    pub fn create_virtual_mfa_device(
        &self,
        account: &AccountId,
        path: Option<&str>,
        name: &str,
    ) -> Result<NewMfaDevice> {
        validate_name("virtualMFADeviceName", name, 226)?;
        let path = path.unwrap_or("/");
        validate_path("path", path)?;
        let serial = Arn::iam(account, IamKind::Mfa, path, name).into_string();
        let seed = totp::generate_seed().map_err(|e| Error::internal(e.to_string()))?;
        let sealed = self
            .master_key()
            .seal(seed.expose(), serial.as_bytes())
            .map_err(|e| Error::internal(e.to_string()))?;
        let base32_seed = Secret::from_string(totp::base32_encode(seed.expose()));
        let uri = totp::otpauth_uri(
            name,
            account.as_str(),
            base32_seed.expose_str().unwrap_or_default(),
        );
        let qr_png = crate::qr::qr_png(&uri).map_err(|e| Error::internal(e.to_string()))?;
        let device = MfaDevice {
            serial: serial.clone(),
            account: account.clone(),
            name: name.to_owned(),
            path: path.to_owned(),
            seed: Sealed(sealed),
            created: self.now(),
            assignment: None,
            last_counter: None,
        };
        self.write(account, |tx| {
            require_account(tx, account)?;
            if tx.mfa_device(account, &serial)?.is_some() {
                return Err(Error::EntityAlreadyExists(
                    "MFA device already exists.".into(),
                ));
            }
            tx.put_mfa_device(&device)
        })?;
        Ok(NewMfaDevice {
            device,
            base32_seed,
            qr_png,
        })
    }

    fn seed_of(&self, device: &MfaDevice) -> Result<Secret> {
        self.master_key()
            .open(&device.seed.0, device.serial.as_bytes())
            .map_err(|e| Error::internal(e.to_string()))
    }

    fn check_codes(&self, device: &MfaDevice, code1: &str, code2: &str, skew: u64) -> Result<u64> {
        for code in [code1, code2] {
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                let field = if code == code1 {
                    "authenticationCode1"
                } else {
                    "authenticationCode2"
                };
                return Err(Error::validation(field, Constraint::Pattern(r"[\d]+")));
            }
        }
        let seed = self.seed_of(device)?;
        let counter =
            totp::verify_consecutive(seed.expose(), code1, code2, self.now().unix(), skew)
                .ok_or_else(bad_code)?;
        if device.last_counter.is_some_and(|last| counter <= last) {
            return Err(bad_code());
        }
        Ok(counter)
    }

    /// Accepts a TOTP code of `device` that it has not accepted before (the counter moves
    /// forward in the same transaction that checks it); `refused` is the error otherwise.
    pub(crate) fn accept_mfa_code(
        &self,
        refused: fn() -> Error,
        account: &AccountId,
        device: &MfaDevice,
        code: &str,
    ) -> Result<()> {
        let seed = self.seed_of(device)?;
        let counter = totp::verify_code(
            seed.expose(),
            code.trim(),
            self.now().unix(),
            self.config().mfa_skew_steps,
            device.last_counter,
        )
        .ok_or_else(refused)?;
        self.write(account, |tx| {
            let mut d = tx
                .mfa_device(account, &device.serial)?
                .ok_or_else(refused)?;
            if d.last_counter.is_some_and(|c| c >= counter) {
                return Err(refused());
            }
            d.last_counter = Some(counter);
            tx.put_mfa_device(&d)
        })
    }

    /// The MFA device `serial` when it is enabled for `owner`.
    pub(crate) fn owners_device(
        &self,
        account: &AccountId,
        owner: &Owner,
        serial: &str,
    ) -> Result<Option<MfaDevice>> {
        Ok(self
            .read(|tx| tx.mfa_device(account, serial))?
            .filter(|d| d.assignment.as_ref().is_some_and(|(o, _)| o == owner)))
    }

    /// EnableMFADevice: two consecutive codes of the device.
    pub fn enable_mfa_device(
        &self,
        account: &AccountId,
        owner: &Owner,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> Result<()> {
        let device = self.read(|tx| {
            require_owner(tx, account, owner)?;
            tx.mfa_device(account, serial)?
                .ok_or_else(|| no_such_device(serial))
        })?;
        if device.assignment.is_some() {
            return Err(Error::EntityAlreadyExists(
                "MFA Device is already in use.".into(),
            ));
        }
        let counter = self.check_codes(&device, code1, code2, self.config().mfa_skew_steps)?;
        let now = self.now();
        self.write(account, |tx| {
            require_owner(tx, account, owner)?;
            let mut d = tx
                .mfa_device(account, serial)?
                .ok_or_else(|| no_such_device(serial))?;
            if d.assignment.is_some() {
                return Err(Error::EntityAlreadyExists(
                    "MFA Device is already in use.".into(),
                ));
            }
            let enabled = tx
                .mfa_devices(account)?
                .iter()
                .filter(|x| x.assignment.as_ref().is_some_and(|(o, _)| o == owner))
                .count();
            if enabled >= MFA_DEVICES_PER_USER {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for MFADevicesPerUser: {MFA_DEVICES_PER_USER}"
                )));
            }
            d.assignment = Some((owner.clone(), now));
            d.last_counter = Some(counter);
            tx.put_mfa_device(&d)?;
            kept_rows::keep_row(tx, account, owner)
        })
    }

    fn assigned_device(
        &self,
        tx: &mut dyn crate::store::Tx,
        account: &AccountId,
        owner: &Owner,
        serial: &str,
    ) -> Result<MfaDevice> {
        require_owner(tx, account, owner)?;
        tx.mfa_device(account, serial)?
            .filter(|d| d.assignment.as_ref().is_some_and(|(o, _)| o == owner))
            .ok_or_else(|| no_such_device(serial))
    }

    /// DeactivateMFADevice: the device returns to unassigned.
    pub fn deactivate_mfa_device(
        &self,
        account: &AccountId,
        owner: &Owner,
        serial: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            let mut d = self.assigned_device(tx, account, owner, serial)?;
            d.assignment = None;
            tx.put_mfa_device(&d)?;
            kept_rows::keep_row(tx, account, owner)
        })
    }

    /// ResyncMFADevice: two consecutive codes, with a wider drift allowance.
    pub fn resync_mfa_device(
        &self,
        account: &AccountId,
        owner: &Owner,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> Result<()> {
        let device = self.read(|tx| self.assigned_device(tx, account, owner, serial))?;
        let counter = self.check_codes(&device, code1, code2, RESYNC_SKEW_STEPS)?;
        self.write(account, |tx| {
            let mut d = self.assigned_device(tx, account, owner, serial)?;
            d.last_counter = Some(counter);
            tx.put_mfa_device(&d)
        })
    }

    /// DeleteVirtualMFADevice: only while unassigned.
    pub fn delete_virtual_mfa_device(&self, account: &AccountId, serial: &str) -> Result<()> {
        self.write(account, |tx| {
            let d = tx
                .mfa_device(account, serial)?
                .ok_or_else(|| no_such_device(serial))?;
            if d.assignment.is_some() {
                return Err(Error::DeleteConflict(
                    "MFA device is still in use: deactivate it first.".into(),
                ));
            }
            tx.delete_mfa_device(account, serial)
        })
    }

    /// ListMFADevices: the devices enabled for the owner.
    pub fn list_mfa_devices(&self, account: &AccountId, owner: &Owner) -> Result<Vec<MfaDevice>> {
        self.read(|tx| {
            require_owner(tx, account, owner)?;
            Ok(tx
                .mfa_devices(account)?
                .into_iter()
                .filter(|d| d.assignment.as_ref().is_some_and(|(o, _)| o == owner))
                .collect())
        })
    }

    /// ListVirtualMFADevices, with the user each assigned device belongs to.
    pub fn list_virtual_mfa_devices(
        &self,
        account: &AccountId,
        filter: Assignment,
    ) -> Result<Vec<(MfaDevice, Option<User>)>> {
        self.read(|tx| {
            require_account(tx, account)?;
            let mut out = Vec::new();
            for d in tx.mfa_devices(account)? {
                let keep = match filter {
                    Assignment::Any => true,
                    Assignment::Assigned => d.assignment.is_some(),
                    Assignment::Unassigned => d.assignment.is_none(),
                };
                if !keep {
                    continue;
                }
                let user = match &d.assignment {
                    Some((Owner::User(id), _)) => tx.user_by_id(account, id)?,
                    _ => None,
                };
                out.push((d, user));
            }
            Ok(out)
        })
    }
}
