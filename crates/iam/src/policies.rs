//! Inline policies of users, groups and roles (Put{User,Group,Role}Policy and their Get,
//! Delete, List), and everything an identity's requests are authorized with.

use crate::error::{Constraint, Error, Result};
use crate::ids::{validate_name, AccountId};
use crate::model::{Entity, EntityKind, InlinePolicy};
use crate::policy::parse_policy;
use crate::service::{require_user, Iam};
use crate::store::Tx;

/// An identity as the API names it: by kind and name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named<'a> {
    /// A user, by name.
    User(&'a str),
    /// A group, by name.
    Group(&'a str),
    /// A role, by name.
    Role(&'a str),
}

impl Named<'_> {
    fn kind(self) -> EntityKind {
        match self {
            Named::User(_) => EntityKind::User,
            Named::Group(_) => EntityKind::Group,
            Named::Role(_) => EntityKind::Role,
        }
    }

    /// IAM's quota for the inline policies of one identity, counted without whitespace.
    fn size_quota(self) -> usize {
        match self {
            Named::User(_) => 2048,
            Named::Group(_) => 5120,
            Named::Role(_) => 10_240,
        }
    }
}

/// The identity `who` names, and its name as created; NoSuchEntity when there is none.
pub(crate) fn resolve(
    tx: &mut dyn Tx,
    account: &AccountId,
    who: Named<'_>,
) -> Result<(Entity, String)> {
    match who {
        Named::User(name) => {
            let u = require_user(tx, account, name)?;
            Ok((Entity::user(&u.id), u.name))
        }
        Named::Group(name) => {
            let g = crate::groups::require_group(tx, account, name)?;
            Ok((Entity::group(&g.id), g.name))
        }
        Named::Role(name) => {
            let r = crate::roles::require_role(tx, account, name)?;
            Ok((Entity::role(&r.id), r.name))
        }
    }
}

fn no_such_policy(who: Named<'_>, name: &str) -> Error {
    let kind = who.kind().as_key();
    Error::NoSuchEntity(format!(
        "The {kind} policy with name {name} cannot be found."
    ))
}

/// A document's size as IAM counts it: without whitespace.
pub(crate) fn size(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

/// The checks every policy document gets: present, at most 128 KiB of text, a valid
/// IAM policy.
pub(crate) fn check_document(field: &'static str, document: &str) -> Result<()> {
    if document.is_empty() {
        return Err(Error::validation(field, Constraint::MinLength(1)));
    }
    if document.chars().count() > 131_072 {
        return Err(Error::validation(field, Constraint::MaxLength(131_072)));
    }
    parse_policy(document).map_err(|e| Error::MalformedPolicyDocument(e.0))?;
    Ok(())
}

impl Iam {
    /// PutUserPolicy, PutGroupPolicy: creates or replaces.
    pub fn put_inline_policy(
        &self,
        account: &AccountId,
        who: Named<'_>,
        name: &str,
        document: &str,
    ) -> Result<()> {
        validate_name("policyName", name, 128)?;
        check_document("policyDocument", document)?;
        self.write(account, |tx| {
            let (entity, entity_name) = resolve(tx, account, who)?;
            let others: usize = tx
                .inline_policies(account, &entity)?
                .iter()
                .filter(|p| !p.name.eq_ignore_ascii_case(name))
                .map(|p| size(&p.document))
                .sum();
            let quota = who.size_quota();
            if others + size(document) > quota {
                return Err(Error::LimitExceeded(format!(
                    "Maximum policy size of {quota} bytes exceeded for {} {entity_name}",
                    who.kind().as_key()
                )));
            }
            tx.put_inline_policy(
                account,
                &InlinePolicy {
                    entity,
                    name: name.to_owned(),
                    document: document.to_owned(),
                },
            )
        })
    }

    /// GetUserPolicy, GetGroupPolicy: the identity's name as created, and the policy.
    pub fn inline_policy(
        &self,
        account: &AccountId,
        who: Named<'_>,
        name: &str,
    ) -> Result<(String, InlinePolicy)> {
        self.read(|tx| {
            let (entity, entity_name) = resolve(tx, account, who)?;
            let policy = tx
                .inline_policy(account, &entity, name)?
                .ok_or_else(|| no_such_policy(who, name))?;
            Ok((entity_name, policy))
        })
    }

    /// DeleteUserPolicy, DeleteGroupPolicy.
    pub fn delete_inline_policy(
        &self,
        account: &AccountId,
        who: Named<'_>,
        name: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            let (entity, _) = resolve(tx, account, who)?;
            tx.inline_policy(account, &entity, name)?
                .ok_or_else(|| no_such_policy(who, name))?;
            tx.delete_inline_policy(account, &entity, name)
        })
    }

    /// ListUserPolicies, ListGroupPolicies: the names.
    pub fn list_inline_policies(&self, account: &AccountId, who: Named<'_>) -> Result<Vec<String>> {
        self.read(|tx| {
            let (entity, _) = resolve(tx, account, who)?;
            Ok(tx
                .inline_policies(account, &entity)?
                .into_iter()
                .map(|p| p.name)
                .collect())
        })
    }
}
