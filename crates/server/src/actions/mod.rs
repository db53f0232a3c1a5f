//! IAM's actions: one table from action name to handler, one module per resource group.
//! Each handler authorizes first (with the target's real ARN), then calls the domain, then
//! writes its Result element. Handlers run on a blocking thread: the domain is synchronous.

use credreport_iam::model::{Owner, User};
use credreport_iam::{Iam, ReportBuild};

use crate::authz::authorize;
use crate::error::AwsError;
use crate::principal::Principal;
use crate::query::Params;
use crate::report_cache::ReportCache;
use crate::xml::Xml;

mod access_keys;
mod account;
mod certificates;
mod details;
mod groups;
mod inline_policies;
mod login_profiles;
mod managed_policies;
mod mfa;
mod password_policy;
mod providers;
mod reports;
mod roles;
mod sts;
mod tags;
mod users;

/// What a handler needs.
pub struct Ctx<'a> {
    /// The domain.
    pub iam: &'a Iam,
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

/// The STS actions served on the same endpoint (`Version=2011-06-15`).
pub const STS_ACTIONS: [&str; 2] = ["GetCallerIdentity", "AssumeRole"];

/// The actions served, by name: IAM's (`Version=2010-05-08`) and STS's ([`STS_ACTIONS`]).
pub fn handler(action: &str) -> Option<Handler> {
    Some(match action {
        "GenerateCredentialReport" => reports::generate,
        "GetCredentialReport" => reports::get,
        "CreateUser" => users::create,
        "GetUser" => users::get,
        "ListUsers" => users::list,
        "DeleteUser" => users::delete,
        "CreateLoginProfile" => login_profiles::create,
        "GetLoginProfile" => login_profiles::get,
        "UpdateLoginProfile" => login_profiles::update,
        "DeleteLoginProfile" => login_profiles::delete,
        "ChangePassword" => login_profiles::change_password,
        "CreateAccessKey" => access_keys::create,
        "UpdateAccessKey" => access_keys::update,
        "DeleteAccessKey" => access_keys::delete,
        "ListAccessKeys" => access_keys::list,
        "GetAccessKeyLastUsed" => access_keys::last_used,
        "CreateVirtualMFADevice" => mfa::create_virtual,
        "EnableMFADevice" => mfa::enable,
        "DeactivateMFADevice" => mfa::deactivate,
        "ResyncMFADevice" => mfa::resync,
        "ListMFADevices" => mfa::list,
        "ListVirtualMFADevices" => mfa::list_virtual,
        "DeleteVirtualMFADevice" => mfa::delete_virtual,
        "UploadSigningCertificate" => certificates::upload,
        "UpdateSigningCertificate" => certificates::update,
        "DeleteSigningCertificate" => certificates::delete,
        "ListSigningCertificates" => certificates::list,
        "UpdateAccountPasswordPolicy" => password_policy::update,
        "GetAccountPasswordPolicy" => password_policy::get,
        "DeleteAccountPasswordPolicy" => password_policy::delete,
        "PutUserPolicy" => inline_policies::put_user,
        "GetUserPolicy" => inline_policies::get_user,
        "DeleteUserPolicy" => inline_policies::delete_user,
        "ListUserPolicies" => inline_policies::list_user,
        "PutGroupPolicy" => inline_policies::put_group,
        "GetGroupPolicy" => inline_policies::get_group,
        "DeleteGroupPolicy" => inline_policies::delete_group,
        "ListGroupPolicies" => inline_policies::list_group,
        "CreateGroup" => groups::create,
        "GetGroup" => groups::get,
        "ListGroups" => groups::list,
        "UpdateGroup" => groups::update,
        "DeleteGroup" => groups::delete,
        "AddUserToGroup" => groups::add_user,
        "RemoveUserFromGroup" => groups::remove_user,
        "ListGroupsForUser" => groups::for_user,
        "CreatePolicy" => managed_policies::create,
        "GetPolicy" => managed_policies::get,
        "ListPolicies" => managed_policies::list,
        "DeletePolicy" => managed_policies::delete,
        "CreatePolicyVersion" => managed_policies::create_version,
        "GetPolicyVersion" => managed_policies::get_version,
        "ListPolicyVersions" => managed_policies::list_versions,
        "DeletePolicyVersion" => managed_policies::delete_version,
        "SetDefaultPolicyVersion" => managed_policies::set_default_version,
        "AttachUserPolicy" => managed_policies::attach_user,
        "DetachUserPolicy" => managed_policies::detach_user,
        "AttachGroupPolicy" => managed_policies::attach_group,
        "DetachGroupPolicy" => managed_policies::detach_group,
        "ListAttachedUserPolicies" => managed_policies::list_attached_user,
        "ListAttachedGroupPolicies" => managed_policies::list_attached_group,
        "ListEntitiesForPolicy" => managed_policies::entities,
        "CreateRole" => roles::create,
        "GetRole" => roles::get,
        "ListRoles" => roles::list,
        "UpdateRole" => roles::update,
        "UpdateAssumeRolePolicy" => roles::update_trust,
        "DeleteRole" => roles::delete,
        "CreateInstanceProfile" => roles::create_profile,
        "GetInstanceProfile" => roles::get_profile,
        "ListInstanceProfiles" => roles::list_profiles,
        "DeleteInstanceProfile" => roles::delete_profile,
        "AddRoleToInstanceProfile" => roles::add_to_profile,
        "RemoveRoleFromInstanceProfile" => roles::remove_from_profile,
        "ListInstanceProfilesForRole" => roles::profiles_for_role,
        "PutRolePolicy" => inline_policies::put_role,
        "GetRolePolicy" => inline_policies::get_role,
        "DeleteRolePolicy" => inline_policies::delete_role,
        "ListRolePolicies" => inline_policies::list_role,
        "AttachRolePolicy" => managed_policies::attach_role,
        "DetachRolePolicy" => managed_policies::detach_role,
        "ListAttachedRolePolicies" => managed_policies::list_attached_role,
        "TagRole" => tags::tag_role,
        "UntagRole" => tags::untag_role,
        "ListRoleTags" => tags::list_role,
        "TagUser" => tags::tag_user,
        "UntagUser" => tags::untag_user,
        "ListUserTags" => tags::list_user,
        "TagPolicy" => tags::tag_policy,
        "UntagPolicy" => tags::untag_policy,
        "ListPolicyTags" => tags::list_policy,
        "GetAccountSummary" => account::summary,
        "GetAccountAuthorizationDetails" => details::get,
        "CreateAccountAlias" => account::create_alias,
        "DeleteAccountAlias" => account::delete_alias,
        "ListAccountAliases" => account::list_aliases,
        "ListSAMLProviders" => providers::saml,
        "ListOpenIDConnectProviders" => providers::oidc,
        "ListServerCertificates" => providers::server_certificates,
        "ListServiceSpecificCredentials" => providers::service_specific_credentials,
        "ListSSHPublicKeys" => providers::ssh_public_keys,
        "GetCallerIdentity" => sts::get_caller_identity,
        "AssumeRole" => sts::assume_role,
        _ => return None,
    })
}

/// A credential's target: the named user, or the caller.
pub(crate) enum Target {
    /// The account root (the caller is the root and named no user).
    Root,
    /// An IAM user.
    User(User),
}

impl Target {
    pub(crate) fn owner(&self) -> Owner {
        match self {
            Target::Root => Owner::Root,
            Target::User(u) => Owner::User(u.id.clone()),
        }
    }

    /// The name shown in responses (`root` for the root, as IAM does for root keys).
    pub(crate) fn name(&self) -> &str {
        match self {
            Target::Root => "root",
            Target::User(u) => &u.name,
        }
    }
}

impl Ctx<'_> {
    /// Authorizes `action` on `resource`.
    pub(crate) fn authorize(&self, action: &str, resource: &str) -> Result<(), AwsError> {
        authorize(self.iam, self.principal, action, resource)
    }

    /// The caller's account id.
    pub(crate) fn account(&self) -> &credreport_iam::AccountId {
        self.principal.account()
    }

    /// The ARN of a user by name (as IAM authorizes: before knowing whether it exists).
    pub(crate) fn user_arn(&self, name: &str) -> String {
        match self.iam.user(self.account(), name) {
            Ok(u) => u.arn(),
            Err(_) => format!("arn:aws:iam::{}:user/{name}", self.account()),
        }
    }

    /// The ARN of a group by name (as IAM authorizes: before knowing whether it exists).
    pub(crate) fn group_arn(&self, name: &str) -> String {
        match self.iam.group_named(self.account(), name) {
            Ok(g) => g.arn(),
            Err(_) => format!("arn:aws:iam::{}:group/{name}", self.account()),
        }
    }

    /// The ARN of a role by name (as IAM authorizes: before knowing whether it exists).
    pub(crate) fn role_arn(&self, name: &str) -> String {
        match self.iam.role(self.account(), name) {
            Ok(r) => r.arn(),
            Err(_) => format!("arn:aws:iam::{}:role/{name}", self.account()),
        }
    }

    /// Authorizes `action` on the user `name`, then returns the user.
    pub(crate) fn authorized_user(&self, action: &str, name: &str) -> Result<User, AwsError> {
        self.authorize(action, &self.user_arn(name))?;
        Ok(self.iam.user(self.account(), name)?)
    }

    /// The target of an action whose `UserName` defaults to the caller: authorizes `action`
    /// on it, then returns it.
    pub(crate) fn target(&self, action: &str) -> Result<Target, AwsError> {
        match self.params.optional("UserName") {
            Some(name) => Ok(Target::User(self.authorized_user(action, name)?)),
            None => match self.principal.user() {
                Some(u) => {
                    self.authorize(action, &u.arn())?;
                    Ok(Target::User(u.clone()))
                }
                None if self.principal.is_root() => Ok(Target::Root),
                // A role session owns no long-term credentials: IAM asks for the user.
                None => Err(AwsError::validation(
                    "Must specify userName when calling with non-User credentials",
                )),
            },
        }
    }

    /// A required `UserName`.
    pub(crate) fn user_name(&self) -> Result<&str, AwsError> {
        self.params.required("UserName", "userName")
    }

    /// `*`: actions without resource-level permissions.
    pub(crate) fn any(&self) -> &'static str {
        "*"
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

/// A List action over an account's named entities (ListUsers, ListGroups, ListRoles,
/// ListInstanceProfiles): authorizes `action` on `arn:aws:iam::<account>:<kind>/`, reads
/// `PathPrefix`, `Marker` and `MaxItems`, calls `list`, and writes the page as `element`.
pub(crate) fn list_named<T>(
    ctx: &Ctx<'_>,
    action: &str,
    kind: &str,
    list: impl FnOnce(
        Option<&str>,
        Option<&str>,
        usize,
    ) -> credreport_iam::Result<credreport_iam::Page<T>>,
    element: &str,
    item: impl FnMut(&mut Xml, &T),
) -> Result<Option<Xml>, AwsError> {
    ctx.authorize(action, &format!("arn:aws:iam::{}:{kind}/", ctx.account()))?;
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    let page = list(ctx.params.optional("PathPrefix"), marker.as_deref(), max)?;
    let mut x = Xml::new();
    x.list(element, &page.items, item);
    page_end(&mut x, page.next.map(|n| encode_marker(&n)).as_deref());
    Ok(Some(x))
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
