//! How many changes this server has made to each account: a counter per account, bumped
//! after every API action that may change its identities and their policies (an action of
//! the `Write`, `Permissions management` or `Tagging` access levels, credentials aside,
//! whatever its outcome) and every console form posted. What the console keeps of an account (its audit, with privilege)
//! is made again when its account's count has moved: the cheap marker that spares a page
//! reading the whole account to learn that nothing changed. Changes this server did not
//! make (another instance on the same store, the command line) are not counted; what is
//! kept is also given a short life for them.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use credreport_iam::AccountId;
use credreport_policy::catalog::{AccessLevel, Catalog};

use crate::ops::Action;

/// The changes made, by account.
#[derive(Debug, Default)]
pub(crate) struct Changes(Mutex<HashMap<AccountId, u64>>);

impl Changes {
    /// Counts one change to `account`.
    pub(crate) fn bump(&self, account: &AccountId) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get_mut(account) {
            Some(n) => *n = n.wrapping_add(1),
            None => {
                map.insert(account.clone(), 1);
            }
        }
    }

    /// How many changes `account` has had.
    pub(crate) fn count(&self, account: &AccountId) -> u64 {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account)
            .copied()
            .unwrap_or(0)
    }
}

/// Whether `action` may change what the console's audit is made of besides the frozen
/// report (the account's identities and their policies: its authorization details): a
/// change in AWS's service catalog (not a `List` or `Read` action; one the catalog does
/// not know counts), but not one of a credential's or the account's settings, which only
/// a new report shows, nor a use (AssumeRole's RoleLastUsed). Key rotation or role use by
/// a script then leaves the kept audit alone.
pub(crate) fn may_change(action: Action) -> bool {
    let credential = matches!(
        action,
        Action::CreateAccessKey
            | Action::UpdateAccessKey
            | Action::DeleteAccessKey
            | Action::CreateLoginProfile
            | Action::UpdateLoginProfile
            | Action::DeleteLoginProfile
            | Action::ChangePassword
            | Action::CreateVirtualMFADevice
            | Action::EnableMFADevice
            | Action::DeactivateMFADevice
            | Action::DeleteVirtualMFADevice
            | Action::ResyncMFADevice
            | Action::UploadSigningCertificate
            | Action::UpdateSigningCertificate
            | Action::DeleteSigningCertificate
            | Action::UploadSSHPublicKey
            | Action::UpdateSSHPublicKey
            | Action::DeleteSSHPublicKey
            | Action::GenerateCredentialReport
            | Action::UpdateAccountPasswordPolicy
            | Action::DeleteAccountPasswordPolicy
            | Action::CreateAccountAlias
            | Action::DeleteAccountAlias
            | Action::GetSessionToken
            // A use (RoleLastUsed), seen within the kept audit's life as other use is.
            | Action::AssumeRole
    );
    !credential
        && !matches!(
            Catalog::get().level(action.policy_name()),
            Some(AccessLevel::List | AccessLevel::Read)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_and_policy_changes_count_and_reads_and_credentials_do_not() {
        let cases = [
            (Action::PutUserPolicy, true),
            (Action::AttachUserPolicy, true),
            (Action::AddUserToGroup, true),
            (Action::CreateUser, true),
            (Action::TagRole, true),
            (Action::DeleteRole, true),
            (Action::AssumeRole, false),
            (Action::CreateAccessKey, false),
            (Action::UpdateLoginProfile, false),
            (Action::EnableMFADevice, false),
            (Action::GetAccountAuthorizationDetails, false),
            (Action::ListUsers, false),
            (Action::GetCredentialReport, false),
            (Action::GenerateServiceLastAccessedDetails, false),
        ];
        for (action, change) in cases {
            assert_eq!(may_change(action), change, "{}", action.policy_name());
        }
    }

    #[test]
    fn each_account_counts_its_own() {
        let changes = Changes::default();
        let (a, b) = (
            AccountId::parse("111122223333").unwrap_or_else(|| unreachable!()),
            AccountId::parse("444455556666").unwrap_or_else(|| unreachable!()),
        );
        changes.bump(&a);
        changes.bump(&a);
        assert_eq!((changes.count(&a), changes.count(&b)), (2, 0));
    }
}
