//! Managed policies: customer managed ones (CreatePolicy, versions, DeletePolicy) stored per
//! account, AWS managed ones from a catalog of AWS's own documents (`aws_policies`), and
//! their attachment to users and groups (AttachUserPolicy, ListAttachedGroupPolicies,
//! ListEntitiesForPolicy, …). An ARN names either kind.

use credreport_report::Timestamp;

use crate::arn::{Arn, IamKind, IAM_PREFIX};
use crate::aws_policies::{aws_policies, aws_policy, AwsPolicy};
use crate::error::{Error, Result};
use crate::ids::{name_key, new_policy_id, validate_name, validate_path, AccountId};
use crate::model::{Entity, EntityKind, Group, ManagedPolicy, PolicyVersion, Role, User};
use crate::policies::{check_document, resolve, size, Named};
use crate::service::{check_max_items, require_account, Iam, Page};
use crate::store::{Tx, UserQuery};

/// IAM's quota of customer managed policies per account.
pub const POLICIES_QUOTA: usize = 1500;
/// Versions one customer managed policy keeps at most.
pub const VERSIONS_PER_POLICY_QUOTA: usize = 5;
/// Managed policies attached to one identity at most.
pub const ATTACHED_POLICIES_QUOTA: usize = 10;
/// IAM's quota for one managed policy document, counted without whitespace.
pub const POLICY_SIZE_QUOTA: usize = 6144;

/// ListPolicies' Scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyScope {
    /// AWS managed and customer managed.
    All,
    /// AWS managed only.
    Aws,
    /// Customer managed only.
    Local,
}

/// A managed policy as GetPolicy and ListPolicies show it, of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyInfo {
    /// Its ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// Its unique id (`ANPA…`).
    pub id: String,
    /// Its path.
    pub path: String,
    /// `v<N>`.
    pub default_version_id: String,
    /// Identities of this account it is attached to.
    pub attachment_count: usize,
    /// Users and roles of this account whose permissions boundary it is.
    pub boundary_usage_count: usize,
    /// Its description, if any.
    pub description: Option<String>,
    /// When it was created.
    pub created: Timestamp,
    /// When its default version last changed.
    pub updated: Timestamp,
    /// AWS managed (from the catalog) rather than the account's own.
    pub aws_managed: bool,
}

/// A policy version as GetPolicyVersion and ListPolicyVersions show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    /// `v<N>`.
    pub version_id: String,
    /// The JSON document.
    pub document: String,
    /// Whether it is the policy's default version.
    pub is_default: bool,
    /// When it was created.
    pub created: Timestamp,
}

/// ListEntitiesForPolicy's `PolicyUsageFilter`: how the policy is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyUsage {
    /// Attached as a permissions policy (`PermissionsPolicy`).
    Permissions,
    /// Set as a permissions boundary (`PermissionsBoundary`).
    Boundary,
}

/// The identities a managed policy is attached to (ListEntitiesForPolicy).
#[derive(Clone, Debug, Default)]
pub struct PolicyEntities {
    /// Users, by name ignoring case.
    pub users: Vec<User>,
    /// Groups, by name ignoring case.
    pub groups: Vec<Group>,
    /// Roles, by name ignoring case.
    pub roles: Vec<Role>,
}

/// What an ARN names.
enum Target {
    Aws(&'static AwsPolicy),
    Local(ManagedPolicy),
}

/// The managed policy `arn` exists and may be attached (or be a permissions boundary):
/// IAM's NoSuchEntity "does not exist or is not attachable" otherwise.
pub(crate) fn require_attachable(tx: &mut dyn Tx, account: &AccountId, arn: &str) -> Result<()> {
    match target(tx, account, arn) {
        Ok(_) => Ok(()),
        Err(Error::NoSuchEntity(_)) => Err(not_attachable(arn)),
        Err(e) => Err(e),
    }
}

fn not_attachable(arn: &str) -> Error {
    Error::NoSuchEntity(format!("Policy {arn} does not exist or is not attachable."))
}

fn version_id(n: u32) -> String {
    format!("v{n}")
}

fn parse_version(id: &str) -> Result<u32> {
    id.strip_prefix('v')
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::validation(
                "versionId",
                crate::error::Constraint::Pattern(r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"),
            )
        })
}

/// The policy an ARN names, in this account or AWS's catalog.
fn target(tx: &mut dyn Tx, account: &AccountId, arn: &str) -> Result<Target> {
    if let Some(p) = aws_policy(arn) {
        return Ok(Target::Aws(p));
    }
    let parsed = Arn::parse(arn).ok();
    let local = parsed
        .as_ref()
        .filter(|a| a.account() == account.as_str())
        .and_then(Arn::iam_resource)
        .filter(|(kind, _, _)| *kind == IamKind::Policy);
    let Some((_, _, name)) = local else {
        if arn.starts_with(IAM_PREFIX) {
            return Err(not_attachable(arn));
        }
        return Err(Error::InvalidInput(format!("ARN {arn} is not valid.")));
    };
    match tx.managed_policy_by_name(account, name)? {
        Some(p) if p.arn() == arn => Ok(Target::Local(p)),
        _ => Err(Error::NoSuchEntity(format!("Policy {arn} was not found."))),
    }
}

fn local(tx: &mut dyn Tx, account: &AccountId, arn: &str) -> Result<ManagedPolicy> {
    match target(tx, account, arn)? {
        Target::Local(p) => Ok(p),
        Target::Aws(_) => Err(Error::InvalidInput(format!(
            "Policy {arn} is an AWS managed policy: it cannot be changed."
        ))),
    }
}

/// The customer managed policy an ARN names, if there is one (an AWS managed policy's ARN,
/// another account's, or one that is gone: `None`).
pub(crate) fn local_policy(
    tx: &mut dyn Tx,
    account: &AccountId,
    arn: &str,
) -> Result<Option<ManagedPolicy>> {
    match target(tx, account, arn) {
        Ok(Target::Local(p)) => Ok(Some(p)),
        Ok(Target::Aws(_)) | Err(Error::NoSuchEntity(_) | Error::InvalidInput(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The unique id of the customer managed policy an ARN names.
pub(crate) fn local_policy_id(tx: &mut dyn Tx, account: &AccountId, arn: &str) -> Result<String> {
    local(tx, account, arn).map(|p| p.id)
}

fn info(tx: &mut dyn Tx, account: &AccountId, t: &Target) -> Result<PolicyInfo> {
    Ok(match t {
        Target::Aws(p) => PolicyInfo {
            attachment_count: tx.policy_attachments(account, &p.arn)?.len(),
            boundary_usage_count: tx.boundary_entities(account, &p.arn)?.len(),
            arn: p.arn.clone(),
            name: p.name.clone(),
            id: p.id.clone(),
            path: p.path.clone(),
            default_version_id: p.default_version_id.clone(),
            description: p.description.clone(),
            created: p.created,
            updated: p.updated,
            aws_managed: true,
        },
        Target::Local(p) => PolicyInfo {
            attachment_count: tx.policy_attachments(account, &p.arn())?.len(),
            boundary_usage_count: tx.boundary_entities(account, &p.arn())?.len(),
            arn: p.arn(),
            name: p.name.clone(),
            id: p.id.clone(),
            path: p.path.clone(),
            default_version_id: version_id(p.default_version),
            description: p.description.clone(),
            created: p.created,
            updated: p.updated,
            aws_managed: false,
        },
    })
}

fn check_policy_document(document: &str) -> Result<()> {
    check_document("policyDocument", document)?;
    if size(document) > POLICY_SIZE_QUOTA {
        return Err(Error::LimitExceeded(format!(
            "Cannot exceed quota for PolicySize: {POLICY_SIZE_QUOTA}"
        )));
    }
    Ok(())
}

impl Iam {
    /// CreatePolicy: a customer managed policy with its first version, `v1`, as default.
    pub fn create_policy(
        &self,
        account: &AccountId,
        name: &str,
        path: Option<&str>,
        document: &str,
        description: Option<&str>,
    ) -> Result<PolicyInfo> {
        validate_name("policyName", name, 128)?;
        let path = path.unwrap_or("/");
        validate_path("path", path)?;
        if description.is_some_and(|d| d.chars().count() > 1000) {
            return Err(Error::validation(
                "description",
                crate::error::Constraint::MaxLength(1000),
            ));
        }
        check_policy_document(document)?;
        let now = self.now();
        let policy = ManagedPolicy {
            account: account.clone(),
            id: new_policy_id()?,
            name: name.to_owned(),
            path: path.to_owned(),
            description: description.map(str::to_owned),
            created: now,
            updated: now,
            default_version: 1,
            next_version: 2,
        };
        self.write(account, |tx| {
            require_account(tx, account)?;
            if tx.managed_policy_by_name(account, name)?.is_some() {
                return Err(Error::EntityAlreadyExists(format!(
                    "A policy called {name} already exists. Duplicate names are not allowed."
                )));
            }
            if tx.count_managed_policies(account)? >= POLICIES_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for PoliciesPerAccount: {POLICIES_QUOTA}"
                )));
            }
            tx.put_managed_policy(&policy)?;
            tx.put_policy_version(&PolicyVersion {
                policy_id: policy.id.clone(),
                version: 1,
                document: document.to_owned(),
                created: now,
            })?;
            info(tx, account, &Target::Local(policy.clone()))
        })
    }

    /// GetPolicy.
    pub fn get_policy(&self, account: &AccountId, arn: &str) -> Result<PolicyInfo> {
        self.read(|tx| {
            let t = target(tx, account, arn)?;
            info(tx, account, &t)
        })
    }

    /// ListPolicies: AWS managed and/or the account's own, by name ignoring case (then
    /// ARN), filtered by path prefix and, with `only_attached`, to those attached here.
    pub fn list_policies(
        &self,
        account: &AccountId,
        scope: PolicyScope,
        only_attached: bool,
        path_prefix: Option<&str>,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<Page<PolicyInfo>> {
        check_max_items(max_items)?;
        let prefix = path_prefix.unwrap_or("/");
        self.read(|tx| {
            require_account(tx, account)?;
            let mut all = Vec::new();
            if scope != PolicyScope::Local {
                for p in aws_policies().iter().filter(|p| p.path.starts_with(prefix)) {
                    all.push(info(tx, account, &Target::Aws(p))?);
                }
            }
            if scope != PolicyScope::Aws {
                let query = UserQuery {
                    path_prefix: Some(prefix),
                    after: None,
                    limit: POLICIES_QUOTA,
                };
                for p in tx.managed_policies(account, &query)? {
                    all.push(info(tx, account, &Target::Local(p))?);
                }
            }
            let key = |p: &PolicyInfo| format!("{}\n{}", name_key(&p.name), p.arn);
            all.retain(|p| {
                (!only_attached || p.attachment_count > 0)
                    && marker.is_none_or(|m| key(p).as_str() > m)
            });
            all.sort_by_key(key);
            let next = (all.len() > max_items).then(|| key(&all[max_items - 1]));
            all.truncate(max_items);
            Ok(Page { items: all, next })
        })
    }

    /// DeletePolicy: refused while it is attached, is a permissions boundary, or has
    /// versions besides its default.
    pub fn delete_policy(&self, account: &AccountId, arn: &str) -> Result<()> {
        self.write(account, |tx| {
            let p = local(tx, account, arn)?;
            if !tx.policy_attachments(account, arn)?.is_empty()
                || !tx.boundary_entities(account, arn)?.is_empty()
            {
                return Err(Error::DeleteConflict(
                    "Cannot delete a policy attached to entities.".into(),
                ));
            }
            if tx.policy_versions(&p.id)?.len() > 1 {
                return Err(Error::DeleteConflict(
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.".into(),
                ));
            }
            tx.put_tags(account, &crate::model::TagTarget::Policy(p.id.clone()), &[])?;
            tx.delete_managed_policy(account, &p.id)
        })
    }

    /// CreatePolicyVersion: at most five versions; the new one the default when asked.
    pub fn create_policy_version(
        &self,
        account: &AccountId,
        arn: &str,
        document: &str,
        set_as_default: bool,
    ) -> Result<VersionInfo> {
        check_policy_document(document)?;
        let now = self.now();
        self.write(account, |tx| {
            let mut p = local(tx, account, arn)?;
            if tx.policy_versions(&p.id)?.len() >= VERSIONS_PER_POLICY_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "A managed policy can have up to {VERSIONS_PER_POLICY_QUOTA} versions. Before you create a new version, you must delete an existing version."
                )));
            }
            let version = PolicyVersion {
                policy_id: p.id.clone(),
                version: p.next_version,
                document: document.to_owned(),
                created: now,
            };
            tx.put_policy_version(&version)?;
            p.next_version += 1;
            if set_as_default {
                p.default_version = version.version;
                p.updated = now;
            }
            tx.put_managed_policy(&p)?;
            Ok(VersionInfo {
                version_id: version_id(version.version),
                document: version.document,
                is_default: set_as_default,
                created: now,
            })
        })
    }

    /// ListPolicyVersions: newest first.
    pub fn list_policy_versions(&self, account: &AccountId, arn: &str) -> Result<Vec<VersionInfo>> {
        self.read(|tx| match target(tx, account, arn)? {
            Target::Aws(p) => Ok(vec![VersionInfo {
                version_id: p.default_version_id.clone(),
                document: p.document.clone(),
                is_default: true,
                created: p.updated,
            }]),
            Target::Local(p) => {
                let mut versions: Vec<VersionInfo> = tx
                    .policy_versions(&p.id)?
                    .into_iter()
                    .map(|v| VersionInfo {
                        version_id: version_id(v.version),
                        is_default: v.version == p.default_version,
                        document: v.document,
                        created: v.created,
                    })
                    .collect();
                versions.reverse();
                Ok(versions)
            }
        })
    }

    /// GetPolicyVersion.
    pub fn get_policy_version(
        &self,
        account: &AccountId,
        arn: &str,
        version: &str,
    ) -> Result<VersionInfo> {
        parse_version(version)?;
        self.list_policy_versions(account, arn)?
            .into_iter()
            .find(|v| v.version_id == version)
            .ok_or_else(|| {
                Error::NoSuchEntity(format!(
                    "Policy {arn} version {version} does not exist or is not attachable."
                ))
            })
    }

    /// DeletePolicyVersion: never the default one.
    pub fn delete_policy_version(
        &self,
        account: &AccountId,
        arn: &str,
        version: &str,
    ) -> Result<()> {
        let n = parse_version(version)?;
        self.write(account, |tx| {
            let p = local(tx, account, arn)?;
            if !tx.policy_versions(&p.id)?.iter().any(|v| v.version == n) {
                return Err(Error::NoSuchEntity(format!(
                    "Policy {arn} version {version} does not exist."
                )));
            }
            if n == p.default_version {
                return Err(Error::DeleteConflict(
                    "Cannot delete the default version of a policy.".into(),
                ));
            }
            tx.delete_policy_version(&p.id, n)
        })
    }

    /// SetDefaultPolicyVersion.
    pub fn set_default_policy_version(
        &self,
        account: &AccountId,
        arn: &str,
        version: &str,
    ) -> Result<()> {
        let n = parse_version(version)?;
        let now = self.now();
        self.write(account, |tx| {
            let mut p = local(tx, account, arn)?;
            if !tx.policy_versions(&p.id)?.iter().any(|v| v.version == n) {
                return Err(Error::NoSuchEntity(format!(
                    "Policy {arn} version {version} does not exist or is not attachable."
                )));
            }
            p.default_version = n;
            p.updated = now;
            tx.put_managed_policy(&p)
        })
    }

    /// AttachUserPolicy, AttachGroupPolicy: at most ten per identity.
    pub fn attach_policy(&self, account: &AccountId, who: Named<'_>, arn: &str) -> Result<()> {
        self.write(account, |tx| {
            let (entity, _) = resolve(tx, account, who)?;
            require_attachable(tx, account, arn)?;
            let attached = tx.attached_policies(account, &entity)?;
            if attached.iter().any(|a| a == arn) {
                return Ok(());
            }
            if attached.len() >= ATTACHED_POLICIES_QUOTA {
                let kind = match entity.kind {
                    EntityKind::User => "PoliciesPerUser",
                    EntityKind::Group => "PoliciesPerGroup",
                    EntityKind::Role => "PoliciesPerRole",
                };
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for {kind}: {ATTACHED_POLICIES_QUOTA}"
                )));
            }
            tx.attach_policy(account, &entity, arn)
        })
    }

    /// DetachUserPolicy, DetachGroupPolicy.
    pub fn detach_policy(&self, account: &AccountId, who: Named<'_>, arn: &str) -> Result<()> {
        self.write(account, |tx| {
            let (entity, _) = resolve(tx, account, who)?;
            if !tx
                .attached_policies(account, &entity)?
                .iter()
                .any(|a| a == arn)
            {
                return Err(Error::NoSuchEntity(format!("Policy {arn} was not found.")));
            }
            tx.detach_policy(account, &entity, arn)
        })
    }

    /// ListAttachedUserPolicies, ListAttachedGroupPolicies: `(name, arn)` by name, filtered
    /// by the policies' path prefix.
    pub fn list_attached_policies(
        &self,
        account: &AccountId,
        who: Named<'_>,
        path_prefix: Option<&str>,
    ) -> Result<Vec<(String, String)>> {
        let prefix = path_prefix.unwrap_or("/");
        self.read(|tx| {
            let (entity, _) = resolve(tx, account, who)?;
            attached_in(tx, account, &entity, prefix)
        })
    }

    /// ListEntitiesForPolicy: the users, groups and roles it is attached to and the users
    /// and roles whose boundary it is (`usage`: only one of the two), optionally only one
    /// kind, filtered by their path prefix. An identity that uses it both ways is listed
    /// once.
    pub fn list_entities_for_policy(
        &self,
        account: &AccountId,
        arn: &str,
        only: Option<EntityKind>,
        usage: Option<PolicyUsage>,
        path_prefix: Option<&str>,
    ) -> Result<PolicyEntities> {
        let prefix = path_prefix.unwrap_or("/");
        self.read(|tx| {
            target(tx, account, arn)?;
            let mut entities = Vec::new();
            if usage != Some(PolicyUsage::Boundary) {
                entities.extend(tx.policy_attachments(account, arn)?);
            }
            if usage != Some(PolicyUsage::Permissions) {
                for e in tx.boundary_entities(account, arn)? {
                    if !entities.contains(&e) {
                        entities.push(e);
                    }
                }
            }
            let mut out = PolicyEntities::default();
            for e in entities {
                if only.is_some_and(|k| k != e.kind) {
                    continue;
                }
                match e.kind {
                    EntityKind::User => {
                        if let Some(u) = tx
                            .user_by_id(account, &e.id)?
                            .filter(|u| u.path.starts_with(prefix))
                        {
                            out.users.push(u);
                        }
                    }
                    EntityKind::Group => {
                        if let Some(g) = tx
                            .group_by_id(account, &e.id)?
                            .filter(|g| g.path.starts_with(prefix))
                        {
                            out.groups.push(g);
                        }
                    }
                    EntityKind::Role => {
                        if let Some(r) = tx
                            .role_by_id(account, &e.id)?
                            .filter(|r| r.path.starts_with(prefix))
                        {
                            out.roles.push(r);
                        }
                    }
                }
            }
            out.users.sort_by_key(|u| name_key(&u.name));
            out.groups.sort_by_key(|g| name_key(&g.name));
            out.roles.sort_by_key(|r| name_key(&r.name));
            Ok(out)
        })
    }
}

/// The managed policies attached to `entity` whose path starts with `prefix`: `(name, arn)`
/// by name (an attachment whose policy is gone is left out).
pub(crate) fn attached_in(
    tx: &mut dyn Tx,
    account: &AccountId,
    entity: &Entity,
    prefix: &str,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for arn in tx.attached_policies(account, entity)? {
        match target(tx, account, &arn) {
            Ok(t) => {
                let i = info(tx, account, &t)?;
                if i.path.starts_with(prefix) {
                    out.push((i.name, i.arn));
                }
            }
            Err(Error::NoSuchEntity(_) | Error::InvalidInput(_)) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort_by(|a, b| name_key(&a.0).cmp(&name_key(&b.0)).then(a.1.cmp(&b.1)));
    Ok(out)
}
