//! What a fetch-mode audit of the demo's account reads besides its report, read from the
//! domain instead of the API: the welcome is written before the endpoint serves. The
//! account's authorization details are `Iam::authorization_details` (what
//! GetAccountAuthorizationDetails pages), and each user's and role's last-accessed data is
//! `Iam::last_accessed_now` (what a GenerateServiceLastAccessedDetails job answers, without
//! storing the job), in the shapes `credreport audit --endpoint-url` fills from the API.

use credreport_audit::AccountData;
use credreport_iam::last_accessed::Granularity;
use credreport_iam::model::{InlinePolicy as Inline, Tag as IamTag};
use credreport_iam::{AccountId, DetailsFilter, Iam};
use credreport_privilege::{
    AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy, LastAccessed,
    ManagedPolicyDetail, PermissionsBoundary, PolicyVersion, PrincipalAccess, RoleDetail,
    RoleLastUsed, ServiceAccess, Tag, Time, UserDetail,
};
use credreport_report::Timestamp;

fn time(t: Timestamp) -> Time {
    Time::from_unix_seconds(t.unix())
}

fn inline(list: &[Inline]) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| InlinePolicy {
            policy_name: p.name.clone(),
            policy_document: p.document.clone(),
        })
        .collect()
}

fn attached(list: &[(String, String)]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|(name, arn)| AttachedPolicy {
            policy_name: name.clone(),
            policy_arn: arn.clone(),
        })
        .collect()
}

fn boundary(arn: Option<&str>) -> Option<PermissionsBoundary> {
    arn.map(|arn| PermissionsBoundary {
        permissions_boundary_type: "PermissionsBoundaryPolicy".to_owned(),
        permissions_boundary_arn: arn.to_owned(),
    })
}

fn tags(list: &[IamTag]) -> Vec<Tag> {
    list.iter()
        .map(|t| Tag {
            key: t.key.clone(),
            value: t.value.clone(),
        })
        .collect()
}

/// `account`'s authorization details, as the audit takes them.
fn details(iam: &Iam, account: &AccountId) -> anyhow::Result<AuthorizationDetails> {
    let d = iam.authorization_details(account, DetailsFilter::all())?;
    Ok(AuthorizationDetails {
        users: d
            .users
            .iter()
            .map(|u| UserDetail {
                path: u.user.path.clone(),
                user_name: u.user.name.clone(),
                user_id: u.user.id.clone(),
                arn: u.user.arn(),
                create_date: Some(time(u.user.created)),
                user_policy_list: inline(&u.inline),
                group_list: u.groups.clone(),
                attached_managed_policies: attached(&u.attached),
                permissions_boundary: boundary(u.boundary.as_deref()),
                tags: tags(&u.tags),
            })
            .collect(),
        groups: d
            .groups
            .iter()
            .map(|g| GroupDetail {
                path: g.group.path.clone(),
                group_name: g.group.name.clone(),
                group_id: g.group.id.clone(),
                arn: g.group.arn(),
                create_date: Some(time(g.group.created)),
                group_policy_list: inline(&g.inline),
                attached_managed_policies: attached(&g.attached),
            })
            .collect(),
        roles: d
            .roles
            .iter()
            .map(|r| RoleDetail {
                path: r.role.path.clone(),
                role_name: r.role.name.clone(),
                role_id: r.role.id.clone(),
                arn: r.role.arn(),
                create_date: Some(time(r.role.created)),
                assume_role_policy_document: Some(r.role.assume_role_policy.clone()),
                role_policy_list: inline(&r.inline),
                attached_managed_policies: attached(&r.attached),
                permissions_boundary: boundary(r.boundary.as_deref()),
                tags: tags(&r.tags),
                role_last_used: Some(RoleLastUsed {
                    last_used_date: r.role.last_used.as_ref().map(|(t, _)| time(*t)),
                    region: r.role.last_used.as_ref().map(|(_, region)| region.clone()),
                }),
            })
            .collect(),
        policies: d
            .policies
            .iter()
            .map(|(p, versions)| ManagedPolicyDetail {
                policy_name: p.name.clone(),
                policy_id: p.id.clone(),
                arn: p.arn.clone(),
                path: p.path.clone(),
                default_version_id: p.default_version_id.clone(),
                policy_version_list: versions
                    .iter()
                    .map(|v| PolicyVersion {
                        document: v.document.clone(),
                        version_id: v.version_id.clone(),
                        is_default_version: v.is_default,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// `account`'s authorization details and every user's and role's last-accessed data now,
/// analysed for the audit.
pub fn account_data(iam: &Iam, account: &AccountId) -> anyhow::Result<AccountData> {
    let details = details(iam, account)?;
    let owner = format!("arn:aws:iam::{account}:root");
    let mut last_accessed = LastAccessed::default();
    let principals = details
        .users
        .iter()
        .map(|u| &u.arn)
        .chain(details.roles.iter().map(|r| &r.arn));
    for arn in principals {
        let job = iam.last_accessed_now(account, &owner, arn, Granularity::Service)?;
        last_accessed.insert(
            arn.clone(),
            PrincipalAccess {
                computed: Some(time(job.created)),
                services: job
                    .services
                    .into_iter()
                    .map(|s| ServiceAccess {
                        namespace: s.namespace,
                        name: s.name,
                        last_authenticated: s.last.as_ref().map(|u| time(u.time())),
                        region: s.last.map(|u| u.region),
                    })
                    .collect(),
            },
        );
    }
    Ok(
        AccountData::new(Some(details), Some(last_accessed)).sources(
            "GetAccountAuthorizationDetails",
            "GetServiceLastAccessedDetails",
        ),
    )
}
