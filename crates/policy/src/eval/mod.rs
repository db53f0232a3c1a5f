//! The decision on a request, as AWS's "Policy evaluation logic" page describes it:
//!
//! 1. An explicit `Deny` in any policy that applies (identity-based, resource-based,
//!    permissions boundary, session) wins.
//! 2. Within the principal's account, a resource-based policy `Allow` that names the user
//!    or the session grants on its own; one that names the session's role grants within
//!    the permissions boundary and session policies; one that names the account (or
//!    everyone) delegates to the account's policies.
//! 3. Otherwise an identity-based `Allow` is needed (the account's root user has one
//!    implicitly), then the permissions boundary (if any) must allow, then the session
//!    policies (if any) must allow. When the resource-based policy must allow on its own
//!    account too ([`PolicySet::resource_must_allow`]: role trust policies, KMS key
//!    policies), an identity-based `Allow` alone is not enough.
//! 4. Across accounts both sides must allow: the principal's own policies (identity,
//!    boundary, session) and the resource-based policy, naming the principal or its
//!    account.
//! 5. Otherwise the request is implicitly denied.
//!
//! Organizations SCPs are not modelled (this service has no organizations).
//!
//! With an open context ([`RequestContext::open`]) every answer is a [`Tri`]:
//! [`Evaluation::allowed`] says whether the request is allowed for every context
//! consistent with what is known, for some, or for none; the [`Decision`] is then the
//! conservative one (allowed only when certain, an explicit deny when a `Deny` may
//! apply).

mod explain;

pub use explain::{Evaluation, StatementResult};

use crate::context::RequestContext;
use crate::document::Policy;
use crate::elements::principal::{Principal, Reach};
use crate::glob::Tok;
use crate::statement::{Effect, Statement};
use crate::tri::Tri;
use explain::{Listen, Quiet, Trace};

/// A request to decide: who, what, on which resource, in which context.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// Who asks.
    pub principal: Principal<'a>,
    /// The action (`iam:GetUser`), matched ignoring case.
    pub action: &'a str,
    /// The resource's ARN, or `*` (as SimulatePrincipalPolicy does without resources).
    pub resource: &'a str,
    /// The account that owns the resource; `None`: the principal's own.
    pub resource_account: Option<&'a str>,
    /// The request context.
    pub context: &'a RequestContext,
}

/// Where a policy comes from, as SimulatePrincipalPolicy's `SourcePolicyType` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceType {
    /// An inline policy of the user.
    User,
    /// An inline policy of one of the user's groups.
    Group,
    /// An inline policy of the role.
    Role,
    /// An AWS managed policy.
    AwsManaged,
    /// A customer managed policy.
    UserManaged,
    /// A resource-based policy.
    Resource,
    /// Anything else (a policy given to a simulation).
    None,
}

impl SourceType {
    /// AWS's name (`user`, `aws-managed`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::User => "user",
            SourceType::Group => "group",
            SourceType::Role => "role",
            SourceType::AwsManaged => "aws-managed",
            SourceType::UserManaged => "user-managed",
            SourceType::Resource => "resource",
            SourceType::None => "none",
        }
    }
}

/// A policy and where it comes from: an id the caller chooses (a policy name or ARN),
/// reported back with the statements that decided.
#[derive(Clone, Copy, Debug)]
pub struct Sourced<'a> {
    /// The caller's name for the policy.
    pub id: &'a str,
    /// Its kind of source.
    pub source_type: SourceType,
    /// The policy.
    pub policy: &'a Policy,
}

/// What a policy is used as in one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyUse {
    /// An identity-based policy of the principal.
    Identity,
    /// The resource-based policy of the resource.
    Resource,
    /// The principal's permissions boundary.
    Boundary,
    /// A session policy.
    Session,
}

/// The policies that apply to a request.
#[derive(Clone, Copy, Debug, Default)]
pub struct PolicySet<'a> {
    /// The principal's identity-based policies (for a user, its groups' too).
    pub identity: &'a [Sourced<'a>],
    /// The resource-based policy of the resource acted on (a role's trust policy for
    /// `sts:AssumeRole`).
    pub resource: Option<Sourced<'a>>,
    /// Whether the resource-based policy must allow even within the principal's account
    /// (role trust policies and KMS key policies are such).
    pub resource_must_allow: bool,
    /// The principal's permissions boundary.
    pub boundary: Option<Sourced<'a>>,
    /// The session policies of a role session (none: no session policy was passed).
    pub session: &'a [Sourced<'a>],
}

/// The outcome, in SimulatePrincipalPolicy's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// `allowed`
    Allow,
    /// `explicitDeny`: a `Deny` statement applies.
    ExplicitDeny,
    /// `implicitDeny`: nothing allows.
    ImplicitDeny,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }

    /// AWS's name (`allowed`, `explicitDeny`, `implicitDeny`).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// The decision on `request` (no explanation; allocates only the lowercased action).
pub fn decide(request: &Request<'_>, policies: &PolicySet<'_>) -> Decision {
    run(request, policies, &mut Quiet).0
}

/// Whether `request` is allowed, for every context consistent with what its context
/// knows (`Yes`), some (`Maybe`) or none (`No`): [`Evaluation::allowed`] without the
/// explanation, for analyses that ask many questions. With a complete context and a
/// known resource, `Yes` exactly when [`decide`] says [`Decision::Allow`].
pub fn allowed(request: &Request<'_>, policies: &PolicySet<'_>) -> Tri {
    run(request, policies, &mut Quiet).1
}

/// The decision on `request` with its explanation: the statements that decided, the
/// context keys the policies wanted and the context lacked, what the boundary, session
/// policies and resource-based policy said.
pub fn evaluate<'a>(request: &Request<'_>, policies: &PolicySet<'a>) -> Evaluation<'a> {
    let mut trace = explain::Explain::default();
    let (decision, allowed, tally) = run(request, policies, &mut trace);
    trace.finish(decision, allowed, policies, &tally)
}

/// What the statements of each policy use said, before the rules combine them.
#[derive(Clone, Copy, Debug)]
struct Tally {
    deny: Tri,
    identity: Tri,
    boundary: Tri,
    session: Tri,
    /// Resource-based Allows, by how they named the principal.
    by_account: Tri,
    by_role: Tri,
    by_name: Tri,
}

/// What one resource-based policy says of a request, principal by principal reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceGrant {
    /// A `Deny` naming the principal applies.
    pub deny: Tri,
    /// An `Allow` naming the principal's account (or everyone) applies.
    pub to_account: Tri,
    /// An `Allow` naming the principal's role applies.
    pub to_role: Tri,
    /// An `Allow` naming the principal itself applies.
    pub to_principal: Tri,
}

impl Policy {
    /// What this policy, as the resource-based policy of the resource, says of
    /// `request`, before the other policies are combined with it.
    pub fn resource_grant(&self, request: &Request<'_>) -> ResourceGrant {
        let mut tally = Tally::new();
        let sourced = Sourced {
            id: "",
            source_type: SourceType::Resource,
            policy: self,
        };
        let mut quiet = Quiet;
        let mut scan = Scan::new(request, &mut quiet);
        scan.resource(&sourced, &mut tally);
        ResourceGrant {
            deny: tally.deny,
            to_account: tally.by_account,
            to_role: tally.by_role,
            to_principal: tally.by_name,
        }
    }
}

impl Tally {
    fn new() -> Tally {
        Tally {
            deny: Tri::No,
            identity: Tri::No,
            boundary: Tri::No,
            session: Tri::No,
            by_account: Tri::No,
            by_role: Tri::No,
            by_name: Tri::No,
        }
    }
}

/// The walk over statements for one request.
struct Scan<'r, 't, T> {
    request: &'r Request<'r>,
    action: String,
    scratch: Vec<Tok>,
    trace: &'t mut T,
}

impl<'r, 't, T> Scan<'r, 't, T> {
    fn new(request: &'r Request<'r>, trace: &'t mut T) -> Self {
        Scan {
            request,
            action: request.action.to_ascii_lowercase(),
            scratch: Vec::new(),
            trace,
        }
    }

    fn applies(&mut self, statement: &Statement) -> Tri
    where
        T: Listen,
    {
        let trace = &mut *self.trace;
        statement.applies_to(
            &self.action,
            self.request.resource,
            self.request.context,
            &mut self.scratch,
            &mut |key| trace.missing(key),
            T::ON,
        )
    }

    /// The statements of a policy without principals; returns (deny, allow).
    fn plain<'a>(&mut self, sourced: &Sourced<'a>, used: PolicyUse) -> (Tri, Tri)
    where
        T: Trace<'a>,
    {
        let (mut deny, mut allow) = (Tri::No, Tri::No);
        for (index, statement) in sourced.policy.statements().iter().enumerate() {
            let applies = self.applies(statement);
            if applies == Tri::No {
                continue;
            }
            self.trace.statement(used, sourced, index, applies);
            match statement.effect() {
                Effect::Deny => deny = deny.or(applies),
                Effect::Allow => allow = allow.or(applies),
            }
            if !T::ON && deny == Tri::Yes {
                // Nothing else can change the decision, and nobody listens.
                break;
            }
        }
        (deny, allow)
    }

    /// The statements of a resource-based policy that name the principal.
    fn resource<'a>(&mut self, sourced: &Sourced<'a>, tally: &mut Tally)
    where
        T: Trace<'a>,
    {
        for (index, statement) in sourced.policy.statements().iter().enumerate() {
            let reach = statement.reach(&self.request.principal);
            if reach == Reach::None {
                continue;
            }
            let applies = self.applies(statement);
            if applies == Tri::No {
                continue;
            }
            self.trace
                .statement(PolicyUse::Resource, sourced, index, applies);
            let slot = match (statement.effect(), reach) {
                (Effect::Deny, _) => &mut tally.deny,
                (Effect::Allow, Reach::Principal) => &mut tally.by_name,
                (Effect::Allow, Reach::Role) => &mut tally.by_role,
                (Effect::Allow, _) => &mut tally.by_account,
            };
            *slot = slot.or(applies);
        }
    }
}

fn run<'a, T: Trace<'a>>(
    request: &Request<'_>,
    policies: &PolicySet<'a>,
    trace: &mut T,
) -> (Decision, Tri, Tally) {
    let mut tally = Tally::new();
    let mut scan = Scan::new(request, trace);
    for sourced in policies.identity {
        let (deny, allow) = scan.plain(sourced, PolicyUse::Identity);
        tally.deny = tally.deny.or(deny);
        tally.identity = tally.identity.or(allow);
        if !T::ON && tally.deny == Tri::Yes {
            return (Decision::ExplicitDeny, Tri::No, tally);
        }
    }
    if let Some(resource) = &policies.resource {
        scan.resource(resource, &mut tally);
    }
    if let Some(boundary) = &policies.boundary {
        let (deny, allow) = scan.plain(boundary, PolicyUse::Boundary);
        tally.deny = tally.deny.or(deny);
        tally.boundary = allow;
    }
    for sourced in policies.session {
        let (deny, allow) = scan.plain(sourced, PolicyUse::Session);
        tally.deny = tally.deny.or(deny);
        tally.session = tally.session.or(allow);
    }
    let allowed = (!tally.deny).and(grant(request, policies, &tally));
    let decision = if allowed == Tri::Yes {
        Decision::Allow
    } else if tally.deny != Tri::No {
        Decision::ExplicitDeny
    } else {
        Decision::ImplicitDeny
    };
    (decision, allowed, tally)
}

/// Whether some policy grants, the explicit denies aside (steps 2 to 4).
fn grant(request: &Request<'_>, policies: &PolicySet<'_>, t: &Tally) -> Tri {
    let principal = &request.principal;
    let Some(account) = principal.account() else {
        // A service or a federated identity has no policies of its own.
        return t.by_name;
    };
    let identity = match principal {
        Principal::Root { .. } => Tri::Yes,
        _ => t.identity,
    };
    let boundary = if policies.boundary.is_some() {
        t.boundary
    } else {
        Tri::Yes
    };
    let session = if policies.session.is_empty() {
        Tri::Yes
    } else {
        t.session
    };
    let own_side = identity.and(boundary).and(session);
    let same_account = request.resource_account.is_none_or(|r| r == account);
    if same_account {
        let by_resource = t.by_name.or(t.by_role.and(boundary).and(session));
        let by_identity = if policies.resource_must_allow {
            t.by_account.and(own_side)
        } else {
            own_side
        };
        by_resource.or(by_identity)
    } else {
        t.by_account.or(t.by_role).or(t.by_name).and(own_side)
    }
}
