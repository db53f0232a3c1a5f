//! The policy language's request context, built in one place for every authorization of
//! the API and the console: the request's own facts (time, source address, TLS, user agent,
//! region), the principal's (who, its tags, its credentials' MFA and issue time), the
//! resource's (its tags, its permissions boundary) and what the action adds (the tags it
//! sets, the policy it attaches, the boundary it sets).

use credreport_iam::authorizing::Holdings;
use credreport_iam::model::Tag;
use credreport_iam::{AccountId, Iam, IamKind, Named, Tagged};
use credreport_policy::keys;
use credreport_policy::{ContextValue, RequestContext as PolicyContext, Time};
use credreport_report::Timestamp;

use super::{Caller, Identity};
use crate::ops::{RequestContext, Resource};

/// What an action adds to its request's context.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestKeys<'a> {
    /// The tags the request sets (`aws:RequestTag/…`, and their keys as `aws:TagKeys`).
    pub tags: &'a [Tag],
    /// The tag keys the request names without values (UntagUser: `aws:TagKeys`).
    pub tag_keys: &'a [String],
    /// The managed policy the request attaches or detaches (`iam:PolicyARN`).
    pub policy_arn: Option<&'a str>,
    /// The permissions boundary the request sets (`iam:PermissionsBoundary`); without it,
    /// the resource's own boundary, when it is a user or role that has one.
    pub permissions_boundary: Option<&'a str>,
}

impl<'a> RequestKeys<'a> {
    /// Only the tags (the Tag action a create with tags is also authorized as).
    pub fn tags_only(&self) -> RequestKeys<'a> {
        RequestKeys {
            tags: self.tags,
            ..RequestKeys::default()
        }
    }
}

/// A time as the policy language takes it.
pub(crate) fn time(t: Timestamp) -> Time {
    Time::from_unix_seconds(t.unix())
}

/// The context of one authorization: `caller` asking, with `holdings`, in the request
/// `request`, about `resource`, with what the action adds.
pub(crate) fn build(
    iam: &Iam,
    caller: &dyn Caller,
    holdings: Option<&Holdings>,
    request: &RequestContext,
    resource: &Resource,
    extra: &RequestKeys<'_>,
) -> Result<PolicyContext, credreport_iam::Error> {
    let mut c = PolicyContext::new();
    c.current_time(time(request.time()));
    if let Some(ip) = request.source() {
        c.source_ip(ip);
    }
    c.secure_transport(request.secure_transport());
    if let Some(agent) = request.user_agent() {
        c.user_agent(agent);
    }
    // IAM is global: its requests are in us-east-1, whatever a client signed for.
    c.requested_region(request.region().unwrap_or("us-east-1"));
    c.via_aws_service(false);
    principal(&mut c, caller, holdings);
    // Long-term credentials carry neither MFA key nor an issue time (AWS: "not present").
    if let Some(facts) = caller.session() {
        credreport_iam::sts::session_context(&mut c, facts, request.time());
    }
    for t in extra.tags {
        c.request_tag(&t.key, &t.value);
    }
    for key in extra.tag_keys {
        c.push(keys::TAG_KEYS, ContextValue::string(key));
    }
    if let Some(arn) = extra.policy_arn {
        c.policy_arn(arn);
    }
    let wants = |prefix: &str| {
        holdings.is_some_and(|h| h.uses_key(prefix))
            || caller.session().is_some_and(|s| {
                s.policies
                    .iter()
                    .any(|p| credreport_iam::authorizing::uses_key(&p.policy, prefix))
            })
    };
    if let Some(target) = Target::of(caller.account(), resource) {
        if wants("aws:ResourceTag/") || wants("iam:ResourceTag/") {
            for t in target.tags(iam, caller.account())? {
                c.resource_tag(&t.key, &t.value);
            }
        }
        if extra.permissions_boundary.is_none() && wants(keys::PERMISSIONS_BOUNDARY) {
            if let Some(arn) = target.boundary(iam, caller.account())? {
                c.permissions_boundary(&arn);
            }
        }
    }
    if let Some(arn) = extra.permissions_boundary {
        c.permissions_boundary(arn);
    }
    Ok(c)
}

/// The principal's keys: who it is, and its tags (a session's tags over its role's).
fn principal(c: &mut PolicyContext, caller: &dyn Caller, holdings: Option<&Holdings>) {
    let account = caller.account().as_str();
    match caller.identity() {
        Identity::Root => {
            c.principal_root(account);
        }
        Identity::User(u) => {
            c.principal_user(account, u.to_arn().as_str(), &u.name, &u.id);
        }
        Identity::AssumedRole { role, session } => {
            c.principal_role_session(account, role.to_arn().as_str(), &role.id, session);
        }
    }
    let session_tags = caller
        .session()
        .map(|s| s.tags.as_slice())
        .unwrap_or_default();
    for t in holdings.map(|h| h.tags.as_slice()).unwrap_or_default() {
        if !session_tags
            .iter()
            .any(|s| s.key.eq_ignore_ascii_case(&t.key))
        {
            c.principal_tag(&t.key, &t.value);
        }
    }
    for t in session_tags {
        c.principal_tag(&t.key, &t.value);
    }
}

/// A resource of the caller's account whose tags and boundary a condition may ask for.
enum Target<'a> {
    User(&'a str),
    Role(&'a str),
    Policy(&'a str),
}

impl<'a> Target<'a> {
    fn of(account: &AccountId, resource: &'a Resource) -> Option<Target<'a>> {
        let Resource::Arn(arn) = resource else {
            return None;
        };
        if arn.account() != account.as_str() {
            return None;
        }
        let (kind, _, name) = arn.iam_resource()?;
        match kind {
            IamKind::User => Some(Target::User(name)),
            IamKind::Role => Some(Target::Role(name)),
            IamKind::Policy => Some(Target::Policy(arn.as_str())),
            _ => None,
        }
    }

    /// Its tags (none when it does not exist).
    fn tags(&self, iam: &Iam, account: &AccountId) -> Result<Vec<Tag>, credreport_iam::Error> {
        let tagged = match self {
            Target::User(name) => Tagged::User(name),
            Target::Role(name) => Tagged::Role(name),
            Target::Policy(arn) => Tagged::Policy(arn),
        };
        absent_is_none(iam.list_tags(account, tagged)).map(Option::unwrap_or_default)
    }

    /// Its permissions boundary (users and roles).
    fn boundary(
        &self,
        iam: &Iam,
        account: &AccountId,
    ) -> Result<Option<String>, credreport_iam::Error> {
        let named = match self {
            Target::User(name) => Named::User(name),
            Target::Role(name) => Named::Role(name),
            Target::Policy(_) => return Ok(None),
        };
        absent_is_none(iam.permissions_boundary(account, named)).map(Option::flatten)
    }
}

/// A lookup of something that may not exist (IAM authorizes before it looks).
fn absent_is_none<T>(r: credreport_iam::Result<T>) -> credreport_iam::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(credreport_iam::Error::NoSuchEntity(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
