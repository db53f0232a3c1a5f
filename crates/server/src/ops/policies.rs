//! Policies: inline policies of users, groups and roles; customer managed policies, their
//! versions and attachments. A managed policy's actions are authorized on its ARN as the
//! caller gave it (an ill-formed one is authorized as given, then refused by the domain).

use credreport_iam::model::{EntityKind, InlinePolicy, Tag};
use credreport_iam::{
    IamKind, Named, Page, PolicyEntities, PolicyInfo, PolicyScope, PolicyUsage, Tagged, VersionInfo,
};

use super::{Action, Later, OpResult, Ops, Resource};
use crate::authz::RequestKeys;

/// What is done with an identity's policies; with the identity's kind, it names the action.
#[derive(Clone, Copy, Debug)]
enum Verb {
    Put,
    Get,
    Delete,
    List,
    Attach,
    Detach,
    ListAttached,
}

/// The action of `verb` on the policies of an identity of `who`'s kind: the one table of
/// `{Put,Get,Delete}{User,Group,Role}Policy`, `List{User,Group,Role}Policies`, …
fn action(who: Named<'_>, verb: Verb) -> Action {
    use Action as A;
    match (who, verb) {
        (Named::User(_), Verb::Put) => A::PutUserPolicy,
        (Named::User(_), Verb::Get) => A::GetUserPolicy,
        (Named::User(_), Verb::Delete) => A::DeleteUserPolicy,
        (Named::User(_), Verb::List) => A::ListUserPolicies,
        (Named::User(_), Verb::Attach) => A::AttachUserPolicy,
        (Named::User(_), Verb::Detach) => A::DetachUserPolicy,
        (Named::User(_), Verb::ListAttached) => A::ListAttachedUserPolicies,
        (Named::Group(_), Verb::Put) => A::PutGroupPolicy,
        (Named::Group(_), Verb::Get) => A::GetGroupPolicy,
        (Named::Group(_), Verb::Delete) => A::DeleteGroupPolicy,
        (Named::Group(_), Verb::List) => A::ListGroupPolicies,
        (Named::Group(_), Verb::Attach) => A::AttachGroupPolicy,
        (Named::Group(_), Verb::Detach) => A::DetachGroupPolicy,
        (Named::Group(_), Verb::ListAttached) => A::ListAttachedGroupPolicies,
        (Named::Role(_), Verb::Put) => A::PutRolePolicy,
        (Named::Role(_), Verb::Get) => A::GetRolePolicy,
        (Named::Role(_), Verb::Delete) => A::DeleteRolePolicy,
        (Named::Role(_), Verb::List) => A::ListRolePolicies,
        (Named::Role(_), Verb::Attach) => A::AttachRolePolicy,
        (Named::Role(_), Verb::Detach) => A::DetachRolePolicy,
        (Named::Role(_), Verb::ListAttached) => A::ListAttachedRolePolicies,
    }
}

/// Where a ListPolicies page starts, what it holds, and how long it is.
#[derive(Clone, Debug)]
pub struct PolicyListArgs<'a> {
    /// All, AWS managed, or customer managed (`Local`).
    pub scope: PolicyScope,
    /// Only those attached to something.
    pub only_attached: bool,
    /// Only those under this path.
    pub path_prefix: Option<&'a str>,
    /// Where the page starts.
    pub marker: Option<String>,
    /// How many at most.
    pub max: usize,
}

/// A managed policy as the console shows it.
#[derive(Debug)]
pub struct PolicyView {
    /// The policy.
    pub policy: PolicyInfo,
    /// Its default version, with the document.
    pub version: VersionInfo,
    /// What it is attached to.
    pub entities: PolicyEntities,
}

impl Ops<'_> {
    /// The identity's ARN, for authorization.
    pub(super) fn identity_resource(&self, who: Named<'_>) -> Resource {
        match who {
            Named::User(name) => self.user_resource(name),
            Named::Group(name) => self.group_resource(name),
            Named::Role(name) => self.role_resource(name),
        }
    }

    fn authorize_on(&self, who: Named<'_>, verb: Verb) -> OpResult<()> {
        self.authorize(action(who, verb), &self.identity_resource(who))
    }

    /// Put{User,Group,Role}Policy.
    pub fn put_inline_policy(&self, who: Named<'_>, name: &str, document: &str) -> OpResult<()> {
        self.authorize_on(who, Verb::Put)?;
        Ok(self
            .iam
            .put_inline_policy(self.account(), who, name, document)?)
    }

    /// Get{User,Group,Role}Policy: the identity's name as stored, and the policy.
    pub fn get_inline_policy(
        &self,
        who: Named<'_>,
        name: &str,
    ) -> OpResult<(String, InlinePolicy)> {
        self.authorize_on(who, Verb::Get)?;
        Ok(self.iam.inline_policy(self.account(), who, name)?)
    }

    /// Delete{User,Group,Role}Policy.
    pub fn delete_inline_policy(&self, who: Named<'_>, name: &str) -> OpResult<()> {
        self.authorize_on(who, Verb::Delete)?;
        Ok(self.iam.delete_inline_policy(self.account(), who, name)?)
    }

    /// List{User,Group,Role}Policies.
    pub fn list_inline_policies(&self, who: Named<'_>) -> OpResult<Vec<String>> {
        self.authorize_on(who, Verb::List)?;
        Ok(self.iam.list_inline_policies(self.account(), who)?)
    }

    /// The identity's inline policies with their documents, as the console's group and
    /// role pages show them (authorized as List{Group,Role}Policies).
    pub fn inline_policy_documents(&self, who: Named<'_>) -> OpResult<Vec<InlinePolicy>> {
        let names = self.list_inline_policies(who)?;
        Ok(names
            .iter()
            .filter_map(|n| {
                self.iam
                    .inline_policy(self.account(), who, n)
                    .ok()
                    .map(|(_, p)| p)
            })
            .collect())
    }

    /// Authorizes `verb` on the identity with the managed policy it names (`iam:PolicyARN`).
    fn authorize_with_policy(&self, who: Named<'_>, verb: Verb, arn: &str) -> OpResult<()> {
        let keys = RequestKeys {
            policy_arn: Some(arn),
            ..RequestKeys::default()
        };
        self.authorize_with(action(who, verb), &self.identity_resource(who), &keys)
    }

    /// Attach{User,Group,Role}Policy, authorized on the identity with `iam:PolicyARN`.
    pub fn attach_policy(&self, who: Named<'_>, arn: &str) -> OpResult<()> {
        self.authorize_with_policy(who, Verb::Attach, arn)?;
        Ok(self.iam.attach_policy(self.account(), who, arn)?)
    }

    /// Detach{User,Group,Role}Policy, authorized on the identity with `iam:PolicyARN`.
    pub fn detach_policy(&self, who: Named<'_>, arn: &str) -> OpResult<()> {
        self.authorize_with_policy(who, Verb::Detach, arn)?;
        Ok(self.iam.detach_policy(self.account(), who, arn)?)
    }

    /// ListAttached{User,Group,Role}Policies: names and ARNs.
    pub fn list_attached_policies(
        &self,
        who: Named<'_>,
        path_prefix: Option<&str>,
    ) -> OpResult<Vec<(String, String)>> {
        self.authorize_on(who, Verb::ListAttached)?;
        Ok(self
            .iam
            .list_attached_policies(self.account(), who, path_prefix)?)
    }

    /// CreatePolicy (tagged when tags are given; tags are validated either way), authorized
    /// with the tags (`aws:RequestTag/…`, `aws:TagKeys`), and as TagPolicy when there are
    /// some.
    pub fn create_policy(
        &self,
        name: &str,
        path: Option<&str>,
        document: &str,
        description: Option<&str>,
        tags: &[Tag],
    ) -> OpResult<PolicyInfo> {
        let resource = self.new_entity(IamKind::Policy, path, name);
        let keys = RequestKeys {
            tags,
            ..RequestKeys::default()
        };
        self.authorize_with(Action::CreatePolicy, &resource, &keys)?;
        if !tags.is_empty() {
            self.authorize_with(Action::TagPolicy, &resource, &keys)?;
        }
        credreport_iam::validate_tags(tags)?;
        let policy = self
            .iam
            .create_policy(self.account(), name, path, document, description)?;
        if !tags.is_empty() {
            self.iam
                .tag(self.account(), Tagged::Policy(&policy.arn), tags)?;
        }
        Ok(policy)
    }

    /// GetPolicy: the policy and its tags (AWS managed policies have none).
    pub fn get_policy(&self, arn: &str) -> OpResult<(PolicyInfo, Vec<Tag>)> {
        self.authorize(Action::GetPolicy, &Resource::given(arn))?;
        let policy = self.iam.get_policy(self.account(), arn)?;
        let tags = if policy.aws_managed {
            Vec::new()
        } else {
            self.iam.list_tags(self.account(), Tagged::Policy(arn))?
        };
        Ok((policy, tags))
    }

    /// The console's policy page: the policy, its default version and what it is attached
    /// to (authorized as GetPolicy).
    pub fn policy_view(&self, arn: &str) -> OpResult<PolicyView> {
        self.authorize(Action::GetPolicy, &Resource::given(arn))?;
        let policy = self.iam.get_policy(self.account(), arn)?;
        let version =
            self.iam
                .get_policy_version(self.account(), arn, &policy.default_version_id)?;
        let entities = self
            .iam
            .list_entities_for_policy(self.account(), arn, None, None, None)?;
        Ok(PolicyView {
            policy,
            version,
            entities,
        })
    }

    /// ListPolicies. Its arguments are validated after authorization, as IAM orders it.
    pub fn list_policies(&self, args: Later<PolicyListArgs<'_>>) -> OpResult<Page<PolicyInfo>> {
        self.authorize(Action::ListPolicies, &self.every(IamKind::Policy))?;
        let a = args?;
        Ok(self.iam.list_policies(
            self.account(),
            a.scope,
            a.only_attached,
            a.path_prefix,
            a.marker.as_deref(),
            a.max,
        )?)
    }

    /// DeletePolicy.
    pub fn delete_policy(&self, arn: &str) -> OpResult<()> {
        self.authorize(Action::DeletePolicy, &Resource::given(arn))?;
        Ok(self.iam.delete_policy(self.account(), arn)?)
    }

    /// CreatePolicyVersion.
    pub fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_as_default: bool,
    ) -> OpResult<VersionInfo> {
        self.authorize(Action::CreatePolicyVersion, &Resource::given(arn))?;
        Ok(self
            .iam
            .create_policy_version(self.account(), arn, document, set_as_default)?)
    }

    /// GetPolicyVersion.
    pub fn get_policy_version(&self, arn: &str, version: &str) -> OpResult<VersionInfo> {
        self.authorize(Action::GetPolicyVersion, &Resource::given(arn))?;
        Ok(self.iam.get_policy_version(self.account(), arn, version)?)
    }

    /// ListPolicyVersions.
    pub fn list_policy_versions(&self, arn: &str) -> OpResult<Vec<VersionInfo>> {
        self.authorize(Action::ListPolicyVersions, &Resource::given(arn))?;
        Ok(self.iam.list_policy_versions(self.account(), arn)?)
    }

    /// DeletePolicyVersion.
    pub fn delete_policy_version(&self, arn: &str, version: &str) -> OpResult<()> {
        self.authorize(Action::DeletePolicyVersion, &Resource::given(arn))?;
        Ok(self
            .iam
            .delete_policy_version(self.account(), arn, version)?)
    }

    /// SetDefaultPolicyVersion.
    pub fn set_default_policy_version(&self, arn: &str, version: &str) -> OpResult<()> {
        self.authorize(Action::SetDefaultPolicyVersion, &Resource::given(arn))?;
        Ok(self
            .iam
            .set_default_policy_version(self.account(), arn, version)?)
    }

    /// ListEntitiesForPolicy.
    pub fn list_entities_for_policy(
        &self,
        arn: &str,
        only: Option<EntityKind>,
        usage: Option<PolicyUsage>,
        path_prefix: Option<&str>,
    ) -> OpResult<PolicyEntities> {
        self.authorize(Action::ListEntitiesForPolicy, &Resource::given(arn))?;
        Ok(self
            .iam
            .list_entities_for_policy(self.account(), arn, only, usage, path_prefix)?)
    }
}
