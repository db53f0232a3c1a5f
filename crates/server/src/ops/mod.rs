//! The operations layer: authorize, then act. Every IAM action the API serves and every
//! console page calls the [`Ops`] method of what it does; the method authorizes the
//! action ([`Action`], a typed name) on its resource ([`Resource`], an [`Arn`] built by the
//! `iam` crate), then calls [`Iam`]. Handlers and pages only parse their input and render
//! the answer (XML or HTML) around these calls.
//!
//! Every authorization passes through [`Ops::decide`], with the caller, the action, the
//! resource and what the request knows ([`RequestContext`]): the one place where a
//! richer policy evaluation (conditions on the request context) or a record of each
//! authorized call (last-accessed data) plugs in.
//!
//! Each action's resource is worked out here, once, by the helpers in `targets.rs`: an
//! entity named in a request is authorized with its real ARN when it exists, else with the
//! ARN it would have at the path `/` (IAM authorizes before it looks: a caller without the
//! permission learns nothing about what exists).

mod account;
pub mod account_data;
mod action;
mod boundaries;
mod context;
mod credentials;
mod groups;
mod last_accessed;
mod organizations;
mod policies;
mod reports;
mod roles;
mod simulate;
mod ssh_keys;
mod sts;
mod tags;
mod targets;
mod users;

use std::cell::OnceCell;

use credreport_iam::authorizing::Holdings;
use credreport_iam::last_accessed::Used;
use credreport_iam::{AccountId, Arn, Iam};
use credreport_policy::Decision;

use crate::authz::{self, Caller, Refusal, RequestKeys};
use crate::error::AwsError;

pub use account::ProviderList;
pub use account_data::convert;
pub use action::{Action, Service};
pub use context::RequestContext;
pub use credentials::{LastUsed, VirtualDevices};
pub use organizations::OrgPage;
pub use policies::{PolicyListArgs, PolicyView};
pub use targets::CredentialOwner;
pub use users::{ConsolePassword, GetUser};

/// What an action is authorized on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// `*`: an action without resource-level permissions.
    Any,
    /// A resource's ARN.
    Arn(Arn),
    /// An identifier a caller gave that is not an ARN (an ill-formed `PolicyArn`, a
    /// device serial number), kept as given: IAM authorizes before it validates.
    Given(String),
}

impl Resource {
    /// A caller-given identifier: its [`Arn`] when it is one, else the text as given.
    pub fn given(text: &str) -> Resource {
        Arn::parse(text).map_or_else(|_| Resource::Given(text.to_owned()), Resource::Arn)
    }

    /// The text policies match and messages show.
    pub fn as_str(&self) -> &str {
        match self {
            Resource::Any => "*",
            Resource::Arn(arn) => arn.as_str(),
            Resource::Given(text) => text,
        }
    }
}

impl From<Arn> for Resource {
    fn from(arn: Arn) -> Resource {
        Resource::Arn(arn)
    }
}

/// A request's argument whose validation IAM reports after authorization (a List
/// action's `MaxItems` and `Marker`, a role's `MaxSessionDuration`): the operation
/// authorizes first, then looks at it, so a caller without the permission learns nothing
/// more than AccessDenied.
pub type Later<T> = Result<T, AwsError>;

/// Where a page of a List action starts, and how long it is.
#[derive(Clone, Debug)]
pub struct ListArgs<'a> {
    /// Only entities under this path.
    pub path_prefix: Option<&'a str>,
    /// Where the page starts (the name it follows).
    pub marker: Option<String>,
    /// How many at most.
    pub max: usize,
}

/// Why an operation did not happen.
#[derive(Debug)]
pub enum OpError {
    /// The caller's policies do not allow `action` (IAM's AccessDenied, 403).
    Denied {
        /// The action refused.
        action: Action,
        /// IAM's AccessDenied, naming the caller, the action and the resource.
        error: AwsError,
    },
    /// The domain refused or failed (its error, mapped to AWS's at the edge).
    Iam(credreport_iam::Error),
    /// A request IAM refuses before acting (a validation of the request's form).
    Aws(AwsError),
}

impl From<credreport_iam::Error> for OpError {
    fn from(e: credreport_iam::Error) -> OpError {
        OpError::Iam(e)
    }
}

impl From<AwsError> for OpError {
    fn from(e: AwsError) -> OpError {
        OpError::Aws(e)
    }
}

impl From<OpError> for AwsError {
    fn from(e: OpError) -> AwsError {
        match e {
            OpError::Denied { error, .. } | OpError::Aws(error) => error,
            OpError::Iam(e) => AwsError::from(e),
        }
    }
}

/// An operation's result.
pub type OpResult<T> = Result<T, OpError>;

/// A caller, with its request, acting on IAM: authorize, then act.
pub struct Ops<'a> {
    iam: &'a Iam,
    caller: &'a dyn Caller,
    context: &'a RequestContext,
    /// The caller's identity's policies, read at its first authorization (`None`: the root
    /// user, who has none).
    holdings: OnceCell<Option<Holdings>>,
}

impl std::fmt::Debug for Ops<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ops")
            .field("caller", &self.caller.arn())
            .field("context", self.context)
            .finish_non_exhaustive()
    }
}

impl<'a> Ops<'a> {
    /// `caller` acting on `iam`, in the request `context`.
    pub fn new(iam: &'a Iam, caller: &'a dyn Caller, context: &'a RequestContext) -> Ops<'a> {
        Ops {
            iam,
            caller,
            context,
            holdings: OnceCell::new(),
        }
    }

    /// The caller's account: every operation acts in it.
    pub fn account(&self) -> &'a AccountId {
        self.caller.account()
    }

    /// Who is acting.
    pub fn caller(&self) -> &'a dyn Caller {
        self.caller
    }

    /// What the request knows.
    pub fn context(&self) -> &'a RequestContext {
        self.context
    }

    /// The caller's identity's policies, boundary and tags (`None`: the root user).
    pub(crate) fn holdings(&self) -> OpResult<Option<&Holdings>> {
        if let Some(h) = self.holdings.get() {
            return Ok(h.as_ref());
        }
        let read = match authz::entity(self.caller) {
            None => None,
            Some(entity) => Some(self.iam.holdings(self.account(), &entity)?),
        };
        Ok(self.holdings.get_or_init(|| read).as_ref())
    }

    /// What the caller's policies say of `action` on `resource`, with what the action
    /// adds to the request's context: the one door every authorization of the API and the
    /// console passes through.
    fn judge(
        &self,
        action: Action,
        resource: &Resource,
        extra: &RequestKeys<'_>,
    ) -> OpResult<(Decision, Option<Refusal>)> {
        Ok(authz::decide(
            self.iam,
            self.caller,
            self.holdings()?,
            action,
            resource,
            self.context,
            extra,
        )?)
    }

    /// What the caller's policies say of `action` on `resource`.
    pub fn decide(&self, action: Action, resource: &Resource) -> OpResult<Decision> {
        Ok(self.judge(action, resource, &RequestKeys::default())?.0)
    }

    /// Allows `action` on `resource`, or refuses it with IAM's AccessDenied.
    pub fn authorize(&self, action: Action, resource: &Resource) -> OpResult<()> {
        self.authorize_with(action, resource, &RequestKeys::default())
    }

    /// [`Ops::authorize`], with what the action adds to the request's context (the tags
    /// it sets, the policy it attaches, the boundary it sets).
    pub fn authorize_with(
        &self,
        action: Action,
        resource: &Resource,
        extra: &RequestKeys<'_>,
    ) -> OpResult<()> {
        match self.judge(action, resource, extra)? {
            (Decision::Allow, _) => self.record_use(action, resource, extra),
            (_, why) => Err(OpError::Denied {
                action,
                error: authz::refusal(self.caller, action, resource, why),
            }),
        }
    }

    /// Records an authorized use of `action` by the caller in last-accessed data (the
    /// root user's is not: IAM reports last access for users, groups, roles and
    /// policies). Inside the caller's window it costs a look in memory; the groups and
    /// policies that granted it are worked out only when it is written.
    fn record_use(
        &self,
        action: Action,
        resource: &Resource,
        extra: &RequestKeys<'_>,
    ) -> OpResult<()> {
        let (Some(entity), Some(holdings)) = (authz::entity(self.caller), self.holdings()?) else {
            return Ok(());
        };
        // The console (no signed region) is IAM's global endpoint's, us-east-1.
        let region = self.context.region().unwrap_or("us-east-1");
        let used = Used {
            entity: &entity,
            namespace: action.service().namespace(),
            action: action.name(),
            at: self.context.time(),
            region,
        };
        self.iam.record_access(self.account(), &used, || {
            authz::grants(
                self.iam,
                self.caller,
                holdings,
                action,
                resource,
                self.context,
                extra,
            )
        })?;
        Ok(())
    }

    /// Whether `action` on `resource` would be allowed (a console page showing a form):
    /// a question, not a use, so nothing is recorded.
    pub fn may(&self, action: Action, resource: &Resource) -> bool {
        matches!(
            self.judge(action, resource, &RequestKeys::default()),
            Ok((Decision::Allow, _))
        )
    }
}
