//! IAM users' SSH public keys: each action authorized on the user's ARN (`iam:UploadSSHPublicKey`
//! and the others), then done by the domain.

use credreport_iam::model::SshPublicKey;
use credreport_iam::ssh_key::SshEncoding;
use credreport_iam::Page;

use super::targets::CredentialOwner;
use super::{Action, OpResult, Ops};

impl Ops<'_> {
    /// UploadSSHPublicKey.
    pub fn upload_ssh_public_key(&self, user: &str, body: &str) -> OpResult<SshPublicKey> {
        let user = self.authorized_user(Action::UploadSSHPublicKey, user)?;
        Ok(self
            .iam
            .upload_ssh_public_key(self.account(), &user.id, body)?)
    }

    /// GetSSHPublicKey, its body in `encoding`.
    pub fn ssh_public_key(
        &self,
        user: &str,
        id: &str,
        encoding: SshEncoding,
    ) -> OpResult<SshPublicKey> {
        let user = self.authorized_user(Action::GetSSHPublicKey, user)?;
        Ok(self
            .iam
            .ssh_public_key(self.account(), &user.id, id, encoding)?)
    }

    /// ListSSHPublicKeys of the user named, or of the caller (the root has none).
    pub fn list_ssh_public_keys(
        &self,
        user: Option<&str>,
        marker: Option<&str>,
        max: usize,
    ) -> OpResult<(CredentialOwner, Page<SshPublicKey>)> {
        let owner = self.credential_owner(Action::ListSSHPublicKeys, user)?;
        let page = match &owner {
            CredentialOwner::Root => Page {
                items: Vec::new(),
                next: None,
            },
            CredentialOwner::User(u) => {
                self.iam
                    .list_ssh_public_keys(self.account(), &u.id, marker, max)?
            }
        };
        Ok((owner, page))
    }

    /// UpdateSSHPublicKey: Active or Inactive.
    pub fn update_ssh_public_key(&self, user: &str, id: &str, active: bool) -> OpResult<()> {
        let user = self.authorized_user(Action::UpdateSSHPublicKey, user)?;
        Ok(self
            .iam
            .update_ssh_public_key(self.account(), &user.id, id, active)?)
    }

    /// DeleteSSHPublicKey.
    pub fn delete_ssh_public_key(&self, user: &str, id: &str) -> OpResult<()> {
        let user = self.authorized_user(Action::DeleteSSHPublicKey, user)?;
        Ok(self
            .iam
            .delete_ssh_public_key(self.account(), &user.id, id)?)
    }
}
