//! The account's authorization details and last-accessed data in the auditor's terms
//! ([`credreport_privilege::AuthorizationDetails`], [`LastAccessed`]), read from the
//! store as GetAccountAuthorizationDetails and GenerateServiceLastAccessedDetails answer
//! them and authorized as those actions are. The one conversion from the domain's types:
//! what `credreport audit` would read from this endpoint in fetch mode, the console's
//! pages read here without the round trip.

use credreport_iam::last_accessed::{Granularity, ServiceUse};
use credreport_iam::model::{InlinePolicy, Tag};
use credreport_iam::{AuthorizationDetails, DetailsFilter};
use credreport_privilege as privilege;
use credreport_privilege::{LastAccessed, PrincipalAccess, ServiceAccess, Time};
use credreport_report::Timestamp;

use super::{Action, OpResult, Ops, Resource};

impl Ops<'_> {
    /// GetAccountAuthorizationDetails (every kind, every page), as the privilege analysis
    /// reads it.
    pub fn privilege_details(&self) -> OpResult<privilege::AuthorizationDetails> {
        Ok(convert(self.authorization_details(DetailsFilter::all())?))
    }

    /// The last-accessed data of every user and role of `details` now, as a
    /// GenerateServiceLastAccessedDetails job (`SERVICE_LEVEL`) about each would answer,
    /// each authorized as that action on the principal: all of them or, when one is
    /// refused, the refusal (an audit of part of the account's unused permissions would
    /// pass the others over in silence). The data is that of the moment, so no
    /// completion time is given: two reads with the same uses are equal.
    pub fn principals_last_accessed(
        &self,
        details: &privilege::AuthorizationDetails,
    ) -> OpResult<LastAccessed> {
        let arns = details
            .users
            .iter()
            .map(|u| u.arn.as_str())
            .chain(details.roles.iter().map(|r| r.arn.as_str()));
        let owner = self.caller.arn();
        let mut out = LastAccessed::default();
        for arn in arns {
            self.authorize(
                Action::GenerateServiceLastAccessedDetails,
                &Resource::given(arn),
            )?;
            let job = self.iam.last_accessed_now(
                self.account(),
                owner.as_str(),
                arn,
                Granularity::Service,
            )?;
            out.insert(
                arn,
                PrincipalAccess {
                    computed: None,
                    services: job.services.iter().map(service).collect(),
                },
            );
        }
        Ok(out)
    }
}

fn time(t: Timestamp) -> Time {
    Time::from_unix_seconds(t.unix())
}

fn service(s: &ServiceUse) -> ServiceAccess {
    ServiceAccess {
        namespace: s.namespace.clone(),
        name: s.name.clone(),
        last_authenticated: s.last.as_ref().map(|l| time(l.time())),
        region: s.last.as_ref().map(|l| l.region.clone()),
    }
}

fn inline(policies: Vec<InlinePolicy>) -> Vec<privilege::InlinePolicy> {
    policies
        .into_iter()
        .map(|p| privilege::InlinePolicy {
            policy_name: p.name,
            policy_document: p.document,
        })
        .collect()
}

fn attached(policies: Vec<(String, String)>) -> Vec<privilege::AttachedPolicy> {
    policies
        .into_iter()
        .map(|(policy_name, policy_arn)| privilege::AttachedPolicy {
            policy_name,
            policy_arn,
        })
        .collect()
}

fn boundary(arn: Option<String>) -> Option<privilege::PermissionsBoundary> {
    arn.map(|permissions_boundary_arn| privilege::PermissionsBoundary {
        permissions_boundary_type: "Policy".to_owned(),
        permissions_boundary_arn,
    })
}

fn tags(tags: Vec<Tag>) -> Vec<privilege::Tag> {
    tags.into_iter()
        .map(|t| privilege::Tag {
            key: t.key,
            value: t.value,
        })
        .collect()
}

/// The domain's authorization details as GetAccountAuthorizationDetails sends them, in
/// the analysis's types (policy documents as JSON text, times to the second; a role never
/// used has an empty `RoleLastUsed`, as IAM answers).
pub fn convert(d: AuthorizationDetails) -> privilege::AuthorizationDetails {
    privilege::AuthorizationDetails {
        users: d
            .users
            .into_iter()
            .map(|u| privilege::UserDetail {
                arn: u.user.arn(),
                path: u.user.path,
                user_name: u.user.name,
                user_id: u.user.id,
                create_date: Some(time(u.user.created)),
                user_policy_list: inline(u.inline),
                group_list: u.groups,
                attached_managed_policies: attached(u.attached),
                permissions_boundary: boundary(u.boundary),
                tags: tags(u.tags),
            })
            .collect(),
        groups: d
            .groups
            .into_iter()
            .map(|g| privilege::GroupDetail {
                arn: g.group.arn(),
                path: g.group.path,
                group_name: g.group.name,
                group_id: g.group.id,
                create_date: Some(time(g.group.created)),
                group_policy_list: inline(g.inline),
                attached_managed_policies: attached(g.attached),
            })
            .collect(),
        roles: d
            .roles
            .into_iter()
            .map(|r| privilege::RoleDetail {
                arn: r.role.arn(),
                role_last_used: Some(privilege::RoleLastUsed {
                    last_used_date: r.role.last_used.as_ref().map(|(t, _)| time(*t)),
                    region: r.role.last_used.map(|(_, region)| region),
                }),
                path: r.role.path,
                role_name: r.role.name,
                role_id: r.role.id,
                create_date: Some(time(r.role.created)),
                assume_role_policy_document: Some(r.role.assume_role_policy),
                role_policy_list: inline(r.inline),
                attached_managed_policies: attached(r.attached),
                permissions_boundary: boundary(r.boundary),
                tags: tags(r.tags),
            })
            .collect(),
        policies: d
            .policies
            .into_iter()
            .map(|(p, versions)| privilege::ManagedPolicyDetail {
                policy_name: p.name,
                policy_id: p.id,
                arn: p.arn,
                path: p.path,
                default_version_id: p.default_version_id,
                policy_version_list: versions
                    .into_iter()
                    .map(|v| privilege::PolicyVersion {
                        document: v.document,
                        version_id: v.version_id,
                        is_default_version: v.is_default,
                    })
                    .collect(),
            })
            .collect(),
    }
}
