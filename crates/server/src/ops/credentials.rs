//! Access keys, virtual MFA devices and signing certificates: each action authorized on
//! the owner of the credential (the user named, or the caller).

use credreport_iam::model::{
    AccessKey, Account, KeyUse, MfaDevice, Owner, SigningCertificate, User,
};
use credreport_iam::{Arn, Assignment, IamKind, NewAccessKey, NewMfaDevice};

use super::targets::CredentialOwner;
use super::{Action, OpError, OpResult, Ops, Resource};
use crate::error::AwsError;

/// The account's virtual MFA devices, each with the user it is assigned to.
pub type VirtualDevices = Vec<(MfaDevice, Option<User>)>;

/// What GetAccessKeyLastUsed answers.
#[derive(Debug)]
pub struct LastUsed {
    /// The key's owner's name (`root` for the root's keys).
    pub user_name: String,
    /// The key's last recorded use.
    pub last_used: Option<KeyUse>,
}

impl Ops<'_> {
    /// CreateAccessKey.
    pub fn create_access_key(
        &self,
        user: Option<&str>,
    ) -> OpResult<(CredentialOwner, NewAccessKey)> {
        let owner = self.credential_owner(Action::CreateAccessKey, user)?;
        let new = self.iam.create_access_key(self.account(), &owner.owner())?;
        Ok((owner, new))
    }

    /// UpdateAccessKey.
    pub fn update_access_key(&self, user: Option<&str>, key: &str, active: bool) -> OpResult<()> {
        let owner = self.credential_owner(Action::UpdateAccessKey, user)?;
        Ok(self
            .iam
            .update_access_key(self.account(), &owner.owner(), key, active)?)
    }

    /// DeleteAccessKey.
    pub fn delete_access_key(&self, user: Option<&str>, key: &str) -> OpResult<()> {
        let owner = self.credential_owner(Action::DeleteAccessKey, user)?;
        Ok(self
            .iam
            .delete_access_key(self.account(), &owner.owner(), key)?)
    }

    /// ListAccessKeys.
    pub fn list_access_keys(
        &self,
        user: Option<&str>,
    ) -> OpResult<(CredentialOwner, Vec<AccessKey>)> {
        let owner = self.credential_owner(Action::ListAccessKeys, user)?;
        let keys = self.iam.list_access_keys(self.account(), &owner.owner())?;
        Ok((owner, keys))
    }

    /// GetAccessKeyLastUsed, authorized on the key's owner. A key of another account, or
    /// no key at all, is AccessDenied, as real IAM answers.
    pub fn access_key_last_used(&self, key: &str) -> OpResult<LastUsed> {
        let action = Action::GetAccessKeyLastUsed;
        let Some((found, user)) = self
            .iam
            .access_key(key)?
            .filter(|(k, _)| k.account == *self.account())
        else {
            let error = AwsError::access_denied(format!(
                "User: {} is not authorized to perform: {action} on resource: access key {key}",
                self.caller.arn()
            ));
            return Err(OpError::Denied { action, error });
        };
        let (resource, user_name) = match (&found.owner, user) {
            (Owner::User(_), Some(u)) => (u.to_arn(), u.name),
            _ => (Arn::root(self.account()), "root".to_owned()),
        };
        self.authorize(action, &resource.into())?;
        Ok(LastUsed {
            user_name,
            last_used: found.last_used,
        })
    }

    /// CreateVirtualMFADevice, authorized on the device's ARN (its serial number).
    pub fn create_virtual_mfa_device(
        &self,
        path: Option<&str>,
        name: &str,
    ) -> OpResult<NewMfaDevice> {
        self.authorize(
            Action::CreateVirtualMFADevice,
            &self.new_entity(IamKind::Mfa, path, name),
        )?;
        Ok(self
            .iam
            .create_virtual_mfa_device(self.account(), path, name)?)
    }

    /// The console's Assign MFA device: CreateVirtualMFADevice (at the path `/`) for a
    /// device to be enabled for the owner, both authorized before the device is made.
    pub fn create_mfa_device_for(&self, user: Option<&str>, name: &str) -> OpResult<NewMfaDevice> {
        self.authorize(
            Action::CreateVirtualMFADevice,
            &self.new_entity(IamKind::Mfa, None, name),
        )?;
        self.credential_owner(Action::EnableMFADevice, user)?;
        Ok(self
            .iam
            .create_virtual_mfa_device(self.account(), None, name)?)
    }

    /// EnableMFADevice.
    pub fn enable_mfa_device(
        &self,
        user: Option<&str>,
        serial: &str,
        codes: (&str, &str),
    ) -> OpResult<()> {
        let owner = self.credential_owner(Action::EnableMFADevice, user)?;
        Ok(self
            .iam
            .enable_mfa_device(self.account(), &owner.owner(), serial, codes.0, codes.1)?)
    }

    /// DeactivateMFADevice.
    pub fn deactivate_mfa_device(&self, user: Option<&str>, serial: &str) -> OpResult<()> {
        let owner = self.credential_owner(Action::DeactivateMFADevice, user)?;
        Ok(self
            .iam
            .deactivate_mfa_device(self.account(), &owner.owner(), serial)?)
    }

    /// The console's Remove: DeactivateMFADevice, then DeleteVirtualMFADevice when the
    /// policies allow it (else the device stays, unassigned).
    pub fn remove_mfa_device(&self, user: Option<&str>, serial: &str) -> OpResult<()> {
        self.deactivate_mfa_device(user, serial)?;
        match self.delete_virtual_mfa_device(serial) {
            Err(OpError::Denied { .. }) => Ok(()),
            other => other,
        }
    }

    /// ResyncMFADevice.
    pub fn resync_mfa_device(
        &self,
        user: Option<&str>,
        serial: &str,
        codes: (&str, &str),
    ) -> OpResult<()> {
        let owner = self.credential_owner(Action::ResyncMFADevice, user)?;
        Ok(self
            .iam
            .resync_mfa_device(self.account(), &owner.owner(), serial, codes.0, codes.1)?)
    }

    /// ListMFADevices.
    pub fn list_mfa_devices(
        &self,
        user: Option<&str>,
    ) -> OpResult<(CredentialOwner, Vec<MfaDevice>)> {
        let owner = self.credential_owner(Action::ListMFADevices, user)?;
        let devices = self.iam.list_mfa_devices(self.account(), &owner.owner())?;
        Ok((owner, devices))
    }

    /// ListVirtualMFADevices, with each assigned device's user, and the account (whose
    /// root may hold one).
    pub fn list_virtual_mfa_devices(
        &self,
        filter: Assignment,
    ) -> OpResult<(VirtualDevices, Account)> {
        self.authorize(Action::ListVirtualMFADevices, &Resource::Any)?;
        let devices = self.iam.list_virtual_mfa_devices(self.account(), filter)?;
        Ok((devices, self.iam.account(self.account())?))
    }

    /// DeleteVirtualMFADevice, authorized on the serial number as given.
    pub fn delete_virtual_mfa_device(&self, serial: &str) -> OpResult<()> {
        self.authorize(Action::DeleteVirtualMFADevice, &Resource::given(serial))?;
        Ok(self.iam.delete_virtual_mfa_device(self.account(), serial)?)
    }

    /// UploadSigningCertificate.
    pub fn upload_signing_certificate(
        &self,
        user: Option<&str>,
        body: &str,
    ) -> OpResult<(CredentialOwner, SigningCertificate)> {
        let owner = self.credential_owner(Action::UploadSigningCertificate, user)?;
        let cert = self
            .iam
            .upload_signing_certificate(self.account(), &owner.owner(), body)?;
        Ok((owner, cert))
    }

    /// UpdateSigningCertificate.
    pub fn update_signing_certificate(
        &self,
        user: Option<&str>,
        id: &str,
        active: bool,
    ) -> OpResult<()> {
        let owner = self.credential_owner(Action::UpdateSigningCertificate, user)?;
        Ok(self
            .iam
            .update_signing_certificate(self.account(), &owner.owner(), id, active)?)
    }

    /// DeleteSigningCertificate.
    pub fn delete_signing_certificate(&self, user: Option<&str>, id: &str) -> OpResult<()> {
        let owner = self.credential_owner(Action::DeleteSigningCertificate, user)?;
        Ok(self
            .iam
            .delete_signing_certificate(self.account(), &owner.owner(), id)?)
    }

    /// ListSigningCertificates.
    pub fn list_signing_certificates(
        &self,
        user: Option<&str>,
    ) -> OpResult<(CredentialOwner, Vec<SigningCertificate>)> {
        let owner = self.credential_owner(Action::ListSigningCertificates, user)?;
        let certs = self
            .iam
            .list_signing_certificates(self.account(), &owner.owner())?;
        Ok((owner, certs))
    }
}
