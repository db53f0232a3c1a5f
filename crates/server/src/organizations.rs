//! AWS Organizations' read API over the JSON 1.1 protocol ([`crate::json`]), beside IAM's
//! Query API on the same listener: DescribeOrganization, ListAccounts (paged),
//! DescribeAccount and ListRoots. A handler reads its members, calls the operation of the
//! same name ([`crate::ops::Ops`], which authorizes, then acts), and writes its answer's
//! members in the service model's order
//! (<https://docs.aws.amazon.com/organizations/latest/APIReference/>).

use credreport_iam::model::{Membership, Organization};
use credreport_iam::organizations::ACCOUNTS_PAGE_MAX;
use credreport_iam::{AccountId, Arn};
use serde::Serialize;

use crate::json::{Input, Invalid, JsonError, Target};
use crate::ops::{Action, Ops, OrgPage, Service};

/// The `X-Amz-Target` prefix of Organizations' operations.
pub const TARGET_PREFIX: &str = "AWSOrganizationsV20161128";

/// The root's name: Organizations names every root `Root`.
const ROOT_NAME: &str = "Root";

/// A handler: the request's members in, the answer's JSON out.
type Handler = fn(&Ops<'_>, &Input) -> Result<String, JsonError>;

/// The operation an `X-Amz-Target` names, and its handler; UnknownOperationException for
/// a target that is not one of Organizations' operations served here.
pub fn operation(target: &Target<'_>) -> Result<(Action, Handler), JsonError> {
    let unknown = || {
        JsonError::new(
            "UnknownOperationException",
            400,
            format!("Unknown operation {}.{}", target.prefix, target.operation),
        )
    };
    if target.prefix != TARGET_PREFIX {
        return Err(unknown());
    }
    let action = Action::from_name(target.operation)
        .filter(|a| a.service() == Service::Organizations)
        .ok_or_else(unknown)?;
    let handler: Handler = match action {
        Action::DescribeOrganization => describe_organization,
        Action::ListAccounts => list_accounts,
        Action::DescribeAccount => describe_account,
        Action::ListRoots => list_roots,
        _ => return Err(unknown()),
    };
    Ok((action, handler))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsonError> {
    serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, "encoding an Organizations answer");
        JsonError::from(crate::error::AwsError::service_failure())
    })
}

/// A policy type and its status (`PolicyTypeSummary`). None is enabled here: no policy
/// type is enforced, so none is listed.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyTypeSummary {
    r#type: &'static str,
    status: &'static str,
}

/// The `Organization` shape.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OrganizationShape<'a> {
    id: &'a str,
    arn: String,
    feature_set: &'static str,
    master_account_arn: String,
    master_account_id: &'a str,
    master_account_email: &'a str,
    available_policy_types: Vec<PolicyTypeSummary>,
}

/// The `Account` shape.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccountShape<'a> {
    id: &'a str,
    arn: String,
    email: &'a str,
    name: &'a str,
    status: &'static str,
    state: &'static str,
    paths: [String; 1],
    joined_method: &'static str,
    /// Seconds since the epoch, as the JSON protocol writes timestamps.
    joined_timestamp: i64,
}

impl<'a> AccountShape<'a> {
    fn of(organization: &Organization, m: &'a Membership) -> AccountShape<'a> {
        AccountShape {
            id: m.account.as_str(),
            arn: Arn::organization_account(&organization.management, &organization.id, &m.account)
                .into_string(),
            email: &m.email,
            name: &m.name,
            status: m.state.status(),
            state: m.state.as_key(),
            // Every account sits under the root (there are no OUs here).
            paths: [format!(
                "{}/{}/{}/",
                organization.id, organization.root, m.account
            )],
            joined_method: m.joined_method.as_key(),
            joined_timestamp: m.joined.unix(),
        }
    }
}

/// The `Root` shape.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RootShape<'a> {
    id: &'a str,
    arn: String,
    name: &'static str,
    policy_types: Vec<PolicyTypeSummary>,
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
fn describe_organization(ops: &Ops<'_>, _input: &Input) -> Result<String, JsonError> {
    let view = ops
        .describe_organization()
        .map_err(crate::error::AwsError::from)?;
    let o = &view.organization;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Out<'a> {
        organization: OrganizationShape<'a>,
    }
    to_json(&Out {
        organization: OrganizationShape {
            id: o.id.as_str(),
            arn: Arn::organization(&o.management, &o.id).into_string(),
            feature_set: o.feature_set.as_key(),
            master_account_arn: Arn::organization_account(&o.management, &o.id, &o.management)
                .into_string(),
            master_account_id: o.management.as_str(),
            master_account_email: &view.management_email,
            available_policy_types: Vec::new(),
        },
    })
}

/// `MaxResults` (1 to `max`; `max` when absent), checked after authorization.
fn max_results(input: &Input, max: usize) -> Result<usize, JsonError> {
    match input.integer("MaxResults")? {
        None => Ok(max),
        Some(n) if n < 1 => Err(JsonError::invalid(Invalid::MinValue)),
        Some(n) => match usize::try_from(n) {
            Ok(n) if n <= max => Ok(n),
            _ => Err(JsonError::invalid(Invalid::MaxValue)),
        },
    }
}

/// A `NextToken` is opaque: the last account of the page, hex-encoded.
fn next_token(last: &AccountId) -> String {
    hex::encode(last.as_str())
}

/// The account a `NextToken` names, or INVALID_NEXT_TOKEN.
fn after_token(token: &str) -> Result<AccountId, JsonError> {
    hex::decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| AccountId::parse(&s))
        .ok_or_else(|| JsonError::invalid(Invalid::NextToken))
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
fn list_accounts(ops: &Ops<'_>, input: &Input) -> Result<String, JsonError> {
    let page = (|| {
        let max = max_results(input, ACCOUNTS_PAGE_MAX)?;
        let after = input.string("NextToken")?.map(after_token).transpose()?;
        Ok::<_, JsonError>(OrgPage {
            after,
            // One more than the page, to know whether another follows.
            max: max + 1,
        })
    })();
    let max = page.as_ref().map_or(0, |p| p.max - 1);
    let (organization, mut members) = ops
        .list_organization_accounts(page.map_err(|e| e.into_aws()))
        .map_err(crate::error::AwsError::from)?;
    let next = (members.len() > max).then(|| {
        members.truncate(max);
        members.last().map(|m| next_token(&m.account))
    });
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Out<'a> {
        accounts: Vec<AccountShape<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        next_token: Option<String>,
    }
    to_json(&Out {
        accounts: members
            .iter()
            .map(|m| AccountShape::of(&organization, m))
            .collect(),
        next_token: next.flatten(),
    })
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html
fn describe_account(ops: &Ops<'_>, input: &Input) -> Result<String, JsonError> {
    let given = input.string("AccountId")?;
    let account = match given {
        None => Err(JsonError::invalid(Invalid::InputRequired)),
        Some(id) => AccountId::parse(id).ok_or_else(|| JsonError::invalid(Invalid::Pattern)),
    };
    let (organization, member) = ops
        .describe_organization_account(given.unwrap_or_default(), account.map_err(|e| e.into_aws()))
        .map_err(crate::error::AwsError::from)?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Out<'a> {
        account: AccountShape<'a>,
    }
    to_json(&Out {
        account: AccountShape::of(&organization, &member),
    })
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html
fn list_roots(ops: &Ops<'_>, input: &Input) -> Result<String, JsonError> {
    // One root: never a next page, so no NextToken is one this service gave.
    let paging =
        max_results(input, ACCOUNTS_PAGE_MAX).and_then(|_| match input.string("NextToken")? {
            Some(_) => Err(JsonError::invalid(Invalid::NextToken)),
            None => Ok(()),
        });
    let o = ops
        .list_roots(paging.map_err(|e| e.into_aws()))
        .map_err(crate::error::AwsError::from)?;
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Out<'a> {
        roots: [RootShape<'a>; 1],
    }
    to_json(&Out {
        roots: [RootShape {
            id: o.root.as_str(),
            arn: Arn::organization_root(&o.management, &o.id, &o.root).into_string(),
            name: ROOT_NAME,
            policy_types: Vec::new(),
        }],
    })
}
