//! A principal of an account's authorization details with its policies, parsed and named:
//! a user's inline policies, its attached managed policies and its groups' (each by name
//! and kind of source, as SimulatePrincipalPolicy names them), or a role's; its permissions
//! boundary; and the facts its request context has (account, name, id, tags).

use credreport_policy::{parse_policy, Policy, SourceType};
use credreport_privilege::{AttachedPolicy, AuthorizationDetails, InlinePolicy, Tag};

/// One of the principal's policies.
#[derive(Debug)]
pub struct Named {
    /// How it is named in the explanation: an inline policy's name (a group's as
    /// `group/policy`), a managed policy's ARN.
    pub id: String,
    /// Where it comes from.
    pub source: SourceType,
    /// Its managed policy's name, for the explanation (inline: none).
    pub managed_name: Option<String>,
    /// The document.
    pub policy: Policy,
}

/// Which kind of principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    Role,
}

/// A user or role and what it is authorized with.
#[derive(Debug)]
pub struct Principal {
    pub kind: Kind,
    pub arn: String,
    pub account: String,
    pub name: String,
    pub id: String,
    pub tags: Vec<(String, String)>,
    /// Its identity-based policies, in evaluation order.
    pub identity: Vec<Named>,
    /// Its permissions boundary.
    pub boundary: Option<Named>,
    /// Managed policies it has that the file does not hold (not evaluated).
    pub absent: Vec<String>,
}

/// The account id of an ARN (`arn:aws:iam::<account>:…`).
fn account_of(arn: &str) -> String {
    arn.split(':').nth(4).unwrap_or_default().to_owned()
}

fn tags(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

/// Reads `principal` (a user's or role's ARN) and its policies out of `details`; an error
/// names what could not be read.
pub fn find(details: &AuthorizationDetails, principal: &str) -> Result<Principal, String> {
    let mut out = if let Some(u) = details.users.iter().find(|u| u.arn == principal) {
        let mut p = Principal {
            kind: Kind::User,
            arn: u.arn.clone(),
            account: account_of(&u.arn),
            name: u.user_name.clone(),
            id: u.user_id.clone(),
            tags: tags(&u.tags),
            identity: Vec::new(),
            boundary: None,
            absent: Vec::new(),
        };
        let at = format!("UserDetailList (user {}): UserPolicyList", u.user_name);
        inline(&mut p, &u.user_policy_list, SourceType::User, None, &at)?;
        managed(&mut p, details, &u.attached_managed_policies)?;
        for group_name in &u.group_list {
            let Some(g) = details.groups.iter().find(|g| &g.group_name == group_name) else {
                return Err(format!(
                    "user {}'s group {group_name} is not in the file",
                    u.user_name
                ));
            };
            let at = format!("GroupDetailList (group {group_name}): GroupPolicyList");
            inline(
                &mut p,
                &g.group_policy_list,
                SourceType::Group,
                Some(group_name),
                &at,
            )?;
            managed(&mut p, details, &g.attached_managed_policies)?;
        }
        p.boundary = boundary(
            &mut p.absent,
            details,
            u.permissions_boundary
                .as_ref()
                .map(|b| b.permissions_boundary_arn.as_str()),
        )?;
        p
    } else if let Some(r) = details.roles.iter().find(|r| r.arn == principal) {
        let mut p = Principal {
            kind: Kind::Role,
            arn: r.arn.clone(),
            account: account_of(&r.arn),
            name: r.role_name.clone(),
            id: r.role_id.clone(),
            tags: tags(&r.tags),
            identity: Vec::new(),
            boundary: None,
            absent: Vec::new(),
        };
        let at = format!("RoleDetailList (role {}): RolePolicyList", r.role_name);
        inline(&mut p, &r.role_policy_list, SourceType::Role, None, &at)?;
        managed(&mut p, details, &r.attached_managed_policies)?;
        p.boundary = boundary(
            &mut p.absent,
            details,
            r.permissions_boundary
                .as_ref()
                .map(|b| b.permissions_boundary_arn.as_str()),
        )?;
        p
    } else {
        return Err(format!("no user or role {principal} in the file"));
    };
    out.absent.sort();
    out.absent.dedup();
    Ok(out)
}

fn parse(what: &str, text: &str) -> Result<Policy, String> {
    parse_policy(text).map_err(|e| format!("{what}: {e}"))
}

fn inline(
    p: &mut Principal,
    list: &[InlinePolicy],
    source: SourceType,
    group: Option<&str>,
    at: &str,
) -> Result<(), String> {
    for i in list {
        let id = match group {
            Some(g) => format!("{g}/{}", i.policy_name),
            None => i.policy_name.clone(),
        };
        let what = format!("{at} {}: PolicyDocument", i.policy_name);
        let policy = parse(&what, &i.policy_document)?;
        p.identity.push(Named {
            id,
            source,
            managed_name: None,
            policy,
        });
    }
    Ok(())
}

/// A managed policy of the file by ARN, parsed (`None`: not in the file).
fn managed_policy(details: &AuthorizationDetails, arn: &str) -> Result<Option<Named>, String> {
    let Some(m) = details.policies.iter().find(|m| m.arn == arn) else {
        return Ok(None);
    };
    let Some(text) = m.default_document() else {
        return Err(format!(
            "Policies ({arn}): PolicyVersionList has no default version"
        ));
    };
    let what = format!(
        "Policies ({arn}): PolicyVersionList {}: Document",
        m.default_version_id
    );
    Ok(Some(Named {
        id: arn.to_owned(),
        source: if m.is_aws_managed() {
            SourceType::AwsManaged
        } else {
            SourceType::UserManaged
        },
        managed_name: Some(m.policy_name.clone()),
        policy: parse(&what, text)?,
    }))
}

fn managed(
    p: &mut Principal,
    details: &AuthorizationDetails,
    attached: &[AttachedPolicy],
) -> Result<(), String> {
    for a in attached {
        match managed_policy(details, &a.policy_arn)? {
            Some(named) => p.identity.push(named),
            None => p.absent.push(a.policy_arn.clone()),
        }
    }
    Ok(())
}

fn boundary(
    absent: &mut Vec<String>,
    details: &AuthorizationDetails,
    arn: Option<&str>,
) -> Result<Option<Named>, String> {
    let Some(arn) = arn else {
        return Ok(None);
    };
    match managed_policy(details, arn)? {
        Some(named) => Ok(Some(named)),
        None => {
            absent.push(arn.to_owned());
            // A boundary the file does not hold allows nothing that can be shown: evaluated
            // as a boundary that allows nothing.
            Ok(Some(Named {
                id: arn.to_owned(),
                source: SourceType::UserManaged,
                managed_name: None,
                policy: Policy::empty(credreport_policy::PolicyKind::Identity),
            }))
        }
    }
}
