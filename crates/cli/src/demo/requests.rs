//! The story's requests: a user's access key or a role's session making an authorized
//! request at the story's time, recorded through the domain calls the endpoint records one
//! with: the key's use (`Iam::record_key_use`) or the role's (`Iam::record_role_use`,
//! RoleLastUsed), then the principal's last-accessed data (`Iam::record_access`) with the
//! groups and managed policies whose policies allowed it. A request its policies do not
//! allow is an error: the story only tells what AWS would have let happen.

use anyhow::{bail, Context};
use credreport_iam::last_accessed::Used;
use credreport_iam::model::Entity;
use credreport_iam::{AccountId, Iam};
use credreport_policy::{decide, Decision, PolicySet, Principal, Request, RequestContext};

/// Who makes a request.
#[derive(Clone, Copy, Debug)]
pub enum Caller<'a> {
    /// A user, with one of its access keys (by id).
    User { name: &'a str, key: &'a str },
    /// A session of a role.
    Role { name: &'a str },
}

/// Makes `action` (`s3:PutObject`) on `resource` (an ARN, or `*`) as `caller` in `region`,
/// now (the domain's clock).
pub fn request(
    iam: &Iam,
    account: &AccountId,
    caller: Caller<'_>,
    action: &str,
    resource: &str,
    region: &str,
) -> anyhow::Result<()> {
    let Some((namespace, name)) = action.split_once(':') else {
        bail!("{action}: not service:Action");
    };
    let (entity, arn, who) = match caller {
        Caller::User { name, .. } => {
            let u = iam.user(account, name)?;
            (Entity::user(&u.id), u.arn(), name)
        }
        Caller::Role { name } => {
            let r = iam.role(account, name)?;
            (Entity::role(&r.id), r.arn(), name)
        }
    };
    let holdings = iam.holdings(account, &entity)?;
    let mut context = RequestContext::new();
    context.requested_region(region);
    let principal = match caller {
        Caller::User { .. } => Principal::User {
            account: account.as_str(),
            arn: &arn,
        },
        Caller::Role { .. } => Principal::AssumedRole {
            account: account.as_str(),
            role_arn: &arn,
            session_arn: None,
        },
    };
    let req = Request {
        principal,
        action,
        resource,
        resource_account: None,
        context: &context,
    };
    let identity = holdings.identity_sourced();
    let set = PolicySet {
        identity: &identity,
        boundary: holdings.boundary_sourced(),
        ..PolicySet::default()
    };
    if decide(&req, &set) != Decision::Allow {
        bail!("the story has {who} make {action}, which its policies do not allow");
    }
    // The groups and managed policies whose policies allow it on their own.
    let grants = holdings.grants(&req);
    let now = iam.now();
    match caller {
        Caller::User { key, .. } => iam.record_key_use(key, now, region, namespace)?,
        Caller::Role { .. } => iam.record_role_use(account, &entity.id, now, region)?,
    };
    let used = Used {
        entity: &entity,
        namespace,
        action: name,
        at: now,
        region,
    };
    iam.record_access(account, &used, || Ok(grants))
        .with_context(|| format!("recording {who}'s {action}"))?;
    Ok(())
}
