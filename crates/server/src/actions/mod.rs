//! IAM's actions over the Query protocol: one table from [`Action`] to handler, one module
//! per resource group. A handler reads its parameters, calls the operation of the same
//! name ([`crate::ops::Ops`], which authorizes, then acts), and writes its Result element.
//! Handlers run on a blocking thread: the domain is synchronous.

use credreport_iam::model::User;
use credreport_iam::ReportBuild;

use crate::error::AwsError;
use crate::ops::{Action, Later, ListArgs, Ops};
use crate::principal::Principal;
use crate::query::Params;
use crate::report_cache::ReportCache;
use crate::xml::Xml;

mod access_keys;
mod account;
mod boundaries;
mod certificates;
mod details;
mod groups;
mod inline_policies;
mod last_accessed;
mod login_profiles;
mod managed_policies;
mod mfa;
mod password_policy;
mod providers;
mod reports;
mod roles;
mod simulate;
mod ssh_keys;
mod sts;
mod tags;
mod users;

/// What a handler needs.
pub struct Ctx<'a> {
    /// The operations, as the verified caller.
    pub ops: Ops<'a>,
    /// The verified caller.
    pub principal: &'a Principal,
    /// The request's parameters.
    pub params: &'a Params,
    /// Starts a report build in the background.
    pub spawn_build: &'a (dyn Fn(ReportBuild) + Sync),
    /// GetCredentialReport's encoded reports.
    pub reports: &'a ReportCache,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("principal", &self.principal.arn())
            .finish_non_exhaustive()
    }
}

/// A handler: `Some(xml)` for a Result element, `None` for an action without output.
pub type Handler = fn(&Ctx<'_>) -> Result<Option<Xml>, AwsError>;

/// The handler of each action served over the Query protocol: IAM's
/// (`Version=2010-05-08`) and STS's (`Version=2011-06-15`); `None` for Organizations',
/// which is served over JSON ([`crate::organizations`]). The compiler holds the table to
/// every [`Action`].
pub fn handler(action: Action) -> Option<Handler> {
    Some(match action {
        Action::GenerateCredentialReport => reports::generate,
        Action::GetCredentialReport => reports::get,
        Action::GenerateServiceLastAccessedDetails => last_accessed::generate,
        Action::GetServiceLastAccessedDetails => last_accessed::get,
        Action::GetServiceLastAccessedDetailsWithEntities => last_accessed::get_with_entities,
        Action::ListOrganizationsFeatures => last_accessed::list_organizations_features,
        Action::CreateUser => users::create,
        Action::GetUser => users::get,
        Action::ListUsers => users::list,
        Action::DeleteUser => users::delete,
        Action::CreateLoginProfile => login_profiles::create,
        Action::GetLoginProfile => login_profiles::get,
        Action::UpdateLoginProfile => login_profiles::update,
        Action::DeleteLoginProfile => login_profiles::delete,
        Action::ChangePassword => login_profiles::change_password,
        Action::CreateAccessKey => access_keys::create,
        Action::UpdateAccessKey => access_keys::update,
        Action::DeleteAccessKey => access_keys::delete,
        Action::ListAccessKeys => access_keys::list,
        Action::GetAccessKeyLastUsed => access_keys::last_used,
        Action::CreateVirtualMFADevice => mfa::create_virtual,
        Action::EnableMFADevice => mfa::enable,
        Action::DeactivateMFADevice => mfa::deactivate,
        Action::ResyncMFADevice => mfa::resync,
        Action::ListMFADevices => mfa::list,
        Action::ListVirtualMFADevices => mfa::list_virtual,
        Action::DeleteVirtualMFADevice => mfa::delete_virtual,
        Action::UploadSigningCertificate => certificates::upload,
        Action::UpdateSigningCertificate => certificates::update,
        Action::DeleteSigningCertificate => certificates::delete,
        Action::ListSigningCertificates => certificates::list,
        Action::UpdateAccountPasswordPolicy => password_policy::update,
        Action::GetAccountPasswordPolicy => password_policy::get,
        Action::DeleteAccountPasswordPolicy => password_policy::delete,
        Action::PutUserPolicy => inline_policies::put_user,
        Action::GetUserPolicy => inline_policies::get_user,
        Action::DeleteUserPolicy => inline_policies::delete_user,
        Action::ListUserPolicies => inline_policies::list_user,
        Action::PutGroupPolicy => inline_policies::put_group,
        Action::GetGroupPolicy => inline_policies::get_group,
        Action::DeleteGroupPolicy => inline_policies::delete_group,
        Action::ListGroupPolicies => inline_policies::list_group,
        Action::CreateGroup => groups::create,
        Action::GetGroup => groups::get,
        Action::ListGroups => groups::list,
        Action::UpdateGroup => groups::update,
        Action::DeleteGroup => groups::delete,
        Action::AddUserToGroup => groups::add_user,
        Action::RemoveUserFromGroup => groups::remove_user,
        Action::ListGroupsForUser => groups::for_user,
        Action::CreatePolicy => managed_policies::create,
        Action::GetPolicy => managed_policies::get,
        Action::ListPolicies => managed_policies::list,
        Action::DeletePolicy => managed_policies::delete,
        Action::CreatePolicyVersion => managed_policies::create_version,
        Action::GetPolicyVersion => managed_policies::get_version,
        Action::ListPolicyVersions => managed_policies::list_versions,
        Action::DeletePolicyVersion => managed_policies::delete_version,
        Action::SetDefaultPolicyVersion => managed_policies::set_default_version,
        Action::AttachUserPolicy => managed_policies::attach_user,
        Action::DetachUserPolicy => managed_policies::detach_user,
        Action::AttachGroupPolicy => managed_policies::attach_group,
        Action::DetachGroupPolicy => managed_policies::detach_group,
        Action::ListAttachedUserPolicies => managed_policies::list_attached_user,
        Action::ListAttachedGroupPolicies => managed_policies::list_attached_group,
        Action::ListEntitiesForPolicy => managed_policies::entities,
        Action::CreateRole => roles::create,
        Action::GetRole => roles::get,
        Action::ListRoles => roles::list,
        Action::UpdateRole => roles::update,
        Action::UpdateAssumeRolePolicy => roles::update_trust,
        Action::DeleteRole => roles::delete,
        Action::CreateInstanceProfile => roles::create_profile,
        Action::GetInstanceProfile => roles::get_profile,
        Action::ListInstanceProfiles => roles::list_profiles,
        Action::DeleteInstanceProfile => roles::delete_profile,
        Action::AddRoleToInstanceProfile => roles::add_to_profile,
        Action::RemoveRoleFromInstanceProfile => roles::remove_from_profile,
        Action::ListInstanceProfilesForRole => roles::profiles_for_role,
        Action::PutRolePolicy => inline_policies::put_role,
        Action::GetRolePolicy => inline_policies::get_role,
        Action::DeleteRolePolicy => inline_policies::delete_role,
        Action::ListRolePolicies => inline_policies::list_role,
        Action::AttachRolePolicy => managed_policies::attach_role,
        Action::DetachRolePolicy => managed_policies::detach_role,
        Action::ListAttachedRolePolicies => managed_policies::list_attached_role,
        Action::PutUserPermissionsBoundary => boundaries::put_user,
        Action::DeleteUserPermissionsBoundary => boundaries::delete_user,
        Action::PutRolePermissionsBoundary => boundaries::put_role,
        Action::DeleteRolePermissionsBoundary => boundaries::delete_role,
        Action::SimulatePrincipalPolicy => simulate::principal,
        Action::SimulateCustomPolicy => simulate::custom,
        Action::GetContextKeysForPrincipalPolicy => simulate::context_keys_principal,
        Action::GetContextKeysForCustomPolicy => simulate::context_keys_custom,
        Action::TagRole => tags::tag_role,
        Action::UntagRole => tags::untag_role,
        Action::ListRoleTags => tags::list_role,
        Action::TagUser => tags::tag_user,
        Action::UntagUser => tags::untag_user,
        Action::ListUserTags => tags::list_user,
        Action::TagPolicy => tags::tag_policy,
        Action::UntagPolicy => tags::untag_policy,
        Action::ListPolicyTags => tags::list_policy,
        Action::GetAccountSummary => account::summary,
        Action::GetAccountAuthorizationDetails => details::get,
        Action::CreateAccountAlias => account::create_alias,
        Action::DeleteAccountAlias => account::delete_alias,
        Action::ListAccountAliases => account::list_aliases,
        Action::ListSAMLProviders => providers::saml,
        Action::ListOpenIDConnectProviders => providers::oidc,
        Action::ListServerCertificates => providers::server_certificates,
        Action::ListServiceSpecificCredentials => providers::service_specific_credentials,
        Action::UploadSSHPublicKey => ssh_keys::upload,
        Action::GetSSHPublicKey => ssh_keys::get,
        Action::ListSSHPublicKeys => ssh_keys::list,
        Action::UpdateSSHPublicKey => ssh_keys::update,
        Action::DeleteSSHPublicKey => ssh_keys::delete,
        Action::GetCallerIdentity => sts::get_caller_identity,
        Action::AssumeRole => sts::assume_role,
        Action::GetSessionToken => sts::get_session_token,
        Action::DescribeOrganization
        | Action::ListAccounts
        | Action::DescribeAccount
        | Action::ListRoots => return None,
    })
}

impl Ctx<'_> {
    /// A required `UserName`.
    pub(crate) fn user_name(&self) -> Result<&str, AwsError> {
        self.params.required("UserName", "userName")
    }

    /// An optional `UserName`: the user an action is about, else the caller.
    pub(crate) fn user_or_caller(&self) -> Option<&str> {
        self.params.optional("UserName")
    }
}

/// The User shape's members every answer carries: Path, UserName, UserId, Arn, CreateDate
/// (CreateUser, GetGroup's users, a virtual MFA device's user).
pub(crate) fn user_xml(x: &mut Xml, u: &User) {
    x.leaf("Path", &u.path)
        .leaf("UserName", &u.name)
        .leaf("UserId", &u.id)
        .leaf_parts("Arn", &u.arn_parts())
        .time("CreateDate", u.created);
}

/// The User shape as ListUsers answers it: [`user_xml`] and `PasswordLastUsed`, which AWS
/// returns "only in the GetUser and ListUsers operations" (GetUser adds the tags).
pub(crate) fn listed_user_xml(x: &mut Xml, u: &User) {
    user_xml(x, u);
    if let Some(t) = u.password_last_used {
        x.time("PasswordLastUsed", t);
    }
}

/// Markers are opaque: the last name key (or sort key), hex-encoded.
pub(crate) fn encode_marker(key: &str) -> String {
    hex::encode(key)
}

/// The request's `Marker`, decoded.
pub(crate) fn decode_marker(ctx: &Ctx<'_>) -> Result<Option<String>, AwsError> {
    let Some(marker) = ctx.params.optional("Marker") else {
        return Ok(None);
    };
    hex::decode(marker)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .map(Some)
        .ok_or_else(|| AwsError::validation("Invalid Marker."))
}

/// A List action's `PathPrefix`, `MaxItems` and `Marker`, validated after authorization
/// (ListUsers, ListGroups, ListRoles, ListInstanceProfiles).
pub(crate) fn list_args<'a>(ctx: &'a Ctx<'_>) -> Later<ListArgs<'a>> {
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    Ok(ListArgs {
        path_prefix: ctx.params.optional("PathPrefix"),
        marker,
        max,
    })
}

/// A page of a List action's entities as `element`, then where the next page starts.
pub(crate) fn page_xml<T>(
    page: &credreport_iam::Page<T>,
    element: &str,
    item: impl FnMut(&mut Xml, &T),
) -> Option<Xml> {
    let mut x = Xml::new();
    x.list(element, &page.items, item);
    page_end(&mut x, page.next.as_deref().map(encode_marker).as_deref());
    Some(x)
}

/// `IsTruncated` and, when truncated, `Marker`.
pub(crate) fn page_end(x: &mut Xml, next: Option<&str>) {
    match next {
        Some(marker) => {
            x.bool("IsTruncated", true).leaf("Marker", marker);
        }
        None => {
            x.bool("IsTruncated", false);
        }
    }
}
