//! Inline user policies: validated JSON documents, used by the server to authorize.

use crate::error::{Constraint, Error, Result};
use crate::ids::{validate_name, AccountId};
use crate::model::UserPolicy;
use crate::policy::{parse_policy, PolicyDocument};
use crate::service::{require_user, Iam};

/// IAM's quota for the inline policies of one user, counted without whitespace.
pub const USER_POLICY_SIZE_QUOTA: usize = 2048;

fn no_such_policy(name: &str) -> Error {
    Error::NoSuchEntity(format!("The user policy with name {name} cannot be found."))
}

fn size(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

impl Iam {
    /// PutUserPolicy: creates or replaces.
    pub fn put_user_policy(
        &self,
        account: &AccountId,
        user_name: &str,
        name: &str,
        document: &str,
    ) -> Result<()> {
        validate_name("policyName", name, 128)?;
        if document.is_empty() {
            return Err(Error::validation(
                "policyDocument",
                Constraint::MinLength(1),
            ));
        }
        if document.chars().count() > 131_072 {
            return Err(Error::validation(
                "policyDocument",
                Constraint::MaxLength(131_072),
            ));
        }
        parse_policy(document).map_err(|e| Error::MalformedPolicyDocument(e.0))?;
        self.write(account, |tx| {
            let user = require_user(tx, account, user_name)?;
            let others: usize = tx
                .user_policies(account, &user.id)?
                .iter()
                .filter(|p| !p.name.eq_ignore_ascii_case(name))
                .map(|p| size(&p.document))
                .sum();
            if others + size(document) > USER_POLICY_SIZE_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Maximum policy size of {USER_POLICY_SIZE_QUOTA} bytes exceeded for user {}",
                    user.name
                )));
            }
            tx.put_user_policy(
                account,
                &UserPolicy {
                    user: user.id,
                    name: name.to_owned(),
                    document: document.to_owned(),
                },
            )
        })
    }

    /// GetUserPolicy: the user's name, and the policy.
    pub fn user_policy(
        &self,
        account: &AccountId,
        user_name: &str,
        name: &str,
    ) -> Result<(String, UserPolicy)> {
        self.read(|tx| {
            let user = require_user(tx, account, user_name)?;
            let policy = tx
                .user_policy(account, &user.id, name)?
                .ok_or_else(|| no_such_policy(name))?;
            Ok((user.name, policy))
        })
    }

    /// DeleteUserPolicy.
    pub fn delete_user_policy(
        &self,
        account: &AccountId,
        user_name: &str,
        name: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            let user = require_user(tx, account, user_name)?;
            tx.user_policy(account, &user.id, name)?
                .ok_or_else(|| no_such_policy(name))?;
            tx.delete_user_policy(account, &user.id, name)
        })
    }

    /// ListUserPolicies: the names.
    pub fn list_user_policies(&self, account: &AccountId, user_name: &str) -> Result<Vec<String>> {
        self.read(|tx| {
            let user = require_user(tx, account, user_name)?;
            Ok(tx
                .user_policies(account, &user.id)?
                .into_iter()
                .map(|p| p.name)
                .collect())
        })
    }

    /// The parsed inline policies of a user, for authorization.
    pub fn policy_documents(
        &self,
        account: &AccountId,
        user_id: &str,
    ) -> Result<Vec<PolicyDocument>> {
        let policies = self.read(|tx| tx.user_policies(account, user_id))?;
        // Stored documents were validated when put; one that no longer parses grants nothing.
        Ok(policies
            .iter()
            .filter_map(|p| parse_policy(&p.document).ok())
            .collect())
    }
}
