//! IAM's, STS's and Organizations' action names: the one table of them. Every authorization, API dispatch
//! and console page names an action as an [`Action`], never as a string of its own; the
//! wire name (`CreateUser`) and the policy name (`iam:CreateUser`) are both made here.

/// Declares [`Action`] and its tables from the lists of names per service.
macro_rules! actions {
    ($($prefix:literal $service:ident { $($name:ident),* $(,)? })*) => {
        /// An action of IAM, STS or Organizations.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(
                #[doc = concat!("`", $prefix, ":", stringify!($name), "`")]
                $name,
            )*)*
        }

        impl Action {
            /// Every action, IAM's, then STS's, then Organizations'.
            pub const ALL: &'static [Action] = &[$($(Action::$name,)*)*];

            /// The action by its wire name (`Action=CreateUser`), case-sensitive as IAM is.
            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    $($(stringify!($name) => Some(Action::$name),)*)*
                    _ => None,
                }
            }

            /// The wire name: `CreateUser`.
            pub const fn name(self) -> &'static str {
                match self {
                    $($(Action::$name => stringify!($name),)*)*
                }
            }

            /// The name policies use: `iam:CreateUser`.
            pub const fn policy_name(self) -> &'static str {
                match self {
                    $($(Action::$name => concat!($prefix, ":", stringify!($name)),)*)*
                }
            }

            /// The service the action belongs to.
            pub const fn service(self) -> Service {
                match self {
                    $($(Action::$name => Service::$service,)*)*
                }
            }
        }
    };
}

/// The services served on the endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// IAM, API version 2010-05-08 (the Query protocol).
    Iam,
    /// STS, API version 2011-06-15 (the Query protocol).
    Sts,
    /// AWS Organizations, API version 2016-11-28 (the JSON 1.1 protocol).
    Organizations,
}

impl Service {
    /// The API version: the `Version` parameter of a Query request, the date in a JSON
    /// request's `X-Amz-Target` prefix.
    pub const fn version(self) -> &'static str {
        match self {
            Service::Iam => "2010-05-08",
            Service::Sts => "2011-06-15",
            Service::Organizations => "2016-11-28",
        }
    }

    /// The service namespace in policies and credential scopes (`iam`, `sts`,
    /// `organizations`).
    pub const fn namespace(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::Organizations => "organizations",
        }
    }

    /// Whether its requests are the Query protocol's (`Action=…&Version=…`); the others'
    /// are JSON with an `X-Amz-Target`.
    pub const fn is_query(self) -> bool {
        matches!(self, Service::Iam | Service::Sts)
    }
}

actions! {
    "iam" Iam {
        AddRoleToInstanceProfile, AddUserToGroup, AttachGroupPolicy, AttachRolePolicy,
        AttachUserPolicy, ChangePassword, CreateAccessKey, CreateAccountAlias, CreateGroup,
        CreateInstanceProfile, CreateLoginProfile, CreatePolicy, CreatePolicyVersion,
        CreateRole, CreateUser, CreateVirtualMFADevice, DeactivateMFADevice, DeleteAccessKey,
        DeleteAccountAlias, DeleteAccountPasswordPolicy, DeleteGroup, DeleteGroupPolicy,
        DeleteInstanceProfile, DeleteLoginProfile, DeletePolicy, DeletePolicyVersion,
        DeleteRole, DeleteRolePermissionsBoundary, DeleteRolePolicy, DeleteSSHPublicKey,
        DeleteSigningCertificate, DeleteUser, DeleteUserPermissionsBoundary, DeleteUserPolicy,
        DeleteVirtualMFADevice, DetachGroupPolicy, DetachRolePolicy, DetachUserPolicy,
        EnableMFADevice, GenerateCredentialReport, GenerateServiceLastAccessedDetails,
        GetAccessKeyLastUsed,
        GetAccountAuthorizationDetails, GetAccountPasswordPolicy, GetAccountSummary,
        GetContextKeysForCustomPolicy, GetContextKeysForPrincipalPolicy, GetCredentialReport,
        GetGroup, GetGroupPolicy, GetInstanceProfile, GetLoginProfile, GetPolicy,
        GetPolicyVersion, GetRole, GetRolePolicy, GetSSHPublicKey,
        GetServiceLastAccessedDetails, GetServiceLastAccessedDetailsWithEntities, GetUser,
        GetUserPolicy, ListAccessKeys, ListAccountAliases, ListAttachedGroupPolicies,
        ListAttachedRolePolicies, ListAttachedUserPolicies, ListEntitiesForPolicy,
        ListGroupPolicies, ListGroups, ListGroupsForUser, ListInstanceProfiles,
        ListInstanceProfilesForRole, ListMFADevices, ListOpenIDConnectProviders,
        ListOrganizationsFeatures, ListPolicies, ListPolicyTags, ListPolicyVersions,
        ListRolePolicies, ListRoleTags, ListRoles, ListSAMLProviders, ListSSHPublicKeys,
        ListServerCertificates, ListServiceSpecificCredentials, ListSigningCertificates,
        ListUserPolicies, ListUserTags, ListUsers, ListVirtualMFADevices, PutGroupPolicy,
        PutRolePermissionsBoundary, PutRolePolicy, PutUserPermissionsBoundary, PutUserPolicy,
        RemoveRoleFromInstanceProfile, RemoveUserFromGroup, ResyncMFADevice,
        SetDefaultPolicyVersion, SimulateCustomPolicy, SimulatePrincipalPolicy, TagPolicy,
        TagRole, TagUser, UntagPolicy, UntagRole, UntagUser, UpdateAccessKey,
        UpdateAccountPasswordPolicy, UpdateAssumeRolePolicy, UpdateGroup, UpdateLoginProfile,
        UpdateRole, UpdateSSHPublicKey, UpdateSigningCertificate, UploadSSHPublicKey,
        UploadSigningCertificate,
    }
    "sts" Sts {
        GetCallerIdentity, AssumeRole, GetSessionToken,
    }
    "organizations" Organizations {
        DescribeOrganization, ListAccounts, DescribeAccount, ListRoots,
    }
}

impl std::fmt::Display for Action {
    /// The policy name (`iam:CreateUser`), as messages show it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.policy_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_found_by_its_name_and_named_for_its_service() {
        let sts: Vec<&str> = Action::ALL
            .iter()
            .filter(|a| a.service() == Service::Sts)
            .map(|a| a.name())
            .collect();
        assert_eq!(sts, ["GetCallerIdentity", "AssumeRole", "GetSessionToken"]);
        let organizations: Vec<&str> = Action::ALL
            .iter()
            .filter(|a| a.service() == Service::Organizations)
            .map(|a| a.name())
            .collect();
        assert_eq!(
            organizations,
            [
                "DescribeOrganization",
                "ListAccounts",
                "DescribeAccount",
                "ListRoots"
            ]
        );
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert_eq!(
                a.policy_name(),
                format!("{}:{}", a.service().namespace(), a.name())
            );
        }
        assert_eq!(
            Action::from_name("createuser"),
            None,
            "names are case-sensitive"
        );
        assert_eq!(Action::from_name(""), None);
        assert_eq!(Action::AssumeRole.service(), Service::Sts);
        assert_eq!(Action::ListUsers.to_string(), "iam:ListUsers");
        assert_eq!(
            Action::ListAccounts.to_string(),
            "organizations:ListAccounts"
        );
        assert!(!Action::ListRoots.service().is_query());
    }
}
