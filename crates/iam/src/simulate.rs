//! The policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy,
//! GetContextKeysForPrincipalPolicy, GetContextKeysForCustomPolicy) on the evaluator that
//! authorizes every request: a principal's policies (a user's groups' too), its permissions
//! boundary, the policies given with the request, and an optional resource-based policy,
//! decided for each action and resource in a context made only of the entries given (the
//! simulator supplies no key itself: a key a policy uses and no entry gives is a missing
//! context value).

use std::sync::Arc;

use credreport_policy::{
    context_keys, evaluate, parse_resource_policy, ContextKeyType, Decision, Evaluation, Policy,
    PolicySet, PolicyUse, Position, Principal, Request, RequestContext, SourceType, Sourced,
};

use crate::arn::{Arn, IamKind};
use crate::authorizing::{HeldPolicy, Holdings};
use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::model::Entity;
use crate::policy::parse_policy;
use crate::service::Iam;

/// SimulatePrincipalPolicy's `ContextEntry`: a key, its declared type, its values as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextEntry {
    /// `ContextKeyName`.
    pub key: String,
    /// `ContextKeyType`.
    pub kind: ContextKeyType,
    /// `ContextKeyValues`.
    pub values: Vec<String>,
}

/// What a simulation is asked, besides whose policies (SimulatePrincipalPolicy's and
/// SimulateCustomPolicy's shared parameters).
#[derive(Clone, Copy, Debug, Default)]
pub struct Simulation<'a> {
    /// `PolicyInputList`: identity-based policies added to the principal's (or, for a custom
    /// simulation, the only ones).
    pub policy_inputs: &'a [String],
    /// `PermissionsBoundaryPolicyInputList`: at most one; it replaces the principal's own.
    pub boundary_inputs: &'a [String],
    /// `ActionNames`.
    pub actions: &'a [String],
    /// `ResourceArns` (none: `*`).
    pub resources: &'a [String],
    /// `ResourcePolicy`: the resource-based policy of every resource simulated.
    pub resource_policy: Option<&'a str>,
    /// `ResourceOwner`: the account that owns the resources (an ARN or an account id).
    pub resource_owner: Option<&'a str>,
    /// `CallerArn`: the IAM user who calls (the principal of a resource-based policy).
    pub caller_arn: Option<&'a str>,
    /// `ContextEntries`.
    pub context: &'a [ContextEntry],
}

/// A statement that decided (`MatchedStatements`' Statement).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    /// `SourcePolicyId`: an inline policy's name, a managed policy's ARN, or
    /// `PolicyInputList.N`, `PermissionsBoundaryPolicyInputList.1`, `ResourcePolicy`.
    pub source_id: String,
    /// `SourcePolicyType`.
    pub source_type: SourceType,
    /// `StartPosition`.
    pub start: Position,
    /// `EndPosition`.
    pub end: Position,
}

/// The decision on one action and resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// `EvalDecision`.
    pub decision: Decision,
    /// `MatchedStatements`.
    pub matched: Vec<Matched>,
    /// `MissingContextValues`.
    pub missing: Vec<String>,
    /// `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary` (`None`: no
    /// boundary).
    pub allowed_by_boundary: Option<bool>,
    /// `EvalDecisionDetails`: for a simulation with a resource-based policy, what the
    /// identity-based side and the resource-based side each decided (`None`: not
    /// returned).
    pub details: Option<Vec<(String, Decision)>>,
}

/// One `EvaluationResult`: an action on a resource (`*` when none was given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalResult {
    /// `EvalActionName`.
    pub action: String,
    /// `EvalResourceName`.
    pub resource: String,
    /// The decision and why.
    pub outcome: Outcome,
    /// `ResourceSpecificResults` (given resources only).
    pub per_resource: Vec<(String, Outcome)>,
}

/// Policies of a simulation, parsed.
struct Inputs {
    identity: Vec<HeldPolicy>,
    boundary: Option<HeldPolicy>,
    resource: Option<Arc<Policy>>,
}

/// The policies given with a request, each named as AWS names it in `MatchedStatements`.
fn given(list: &str, texts: &[String]) -> Result<Vec<HeldPolicy>> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let policy = parse_policy(text).map_err(|e| {
                Error::InvalidInput(format!("{list}.{} is not a valid policy: {e}", i + 1))
            })?;
            Ok(HeldPolicy {
                id: format!("{list}.{}", i + 1),
                source: SourceType::None,
                policy: Arc::new(policy),
                group: None,
            })
        })
        .collect()
}

fn inputs(sim: &Simulation<'_>, holdings: Option<Holdings>) -> Result<Inputs> {
    if sim.actions.is_empty() {
        return Err(Error::InvalidInput("ActionNames must not be empty.".into()));
    }
    if sim.boundary_inputs.len() > 1 {
        return Err(Error::InvalidInput(
            "PermissionsBoundaryPolicyInputList can hold only one policy.".into(),
        ));
    }
    let holdings = holdings.unwrap_or_default();
    let mut identity = holdings.identity;
    identity.extend(given("PolicyInputList", sim.policy_inputs)?);
    let boundary = match given("PermissionsBoundaryPolicyInputList", sim.boundary_inputs)?.pop() {
        Some(b) => Some(b),
        None => holdings.boundary.map(|(_, b)| b),
    };
    let resource = sim
        .resource_policy
        .map(|text| {
            parse_resource_policy(text).map(Arc::new).map_err(|e| {
                Error::InvalidInput(format!("ResourcePolicy is not a valid policy: {e}"))
            })
        })
        .transpose()?;
    Ok(Inputs {
        identity,
        boundary,
        resource,
    })
}

/// The request context of the entries given.
fn context(entries: &[ContextEntry]) -> Result<RequestContext> {
    let mut c = RequestContext::new();
    for e in entries {
        let values: Vec<&str> = e.values.iter().map(String::as_str).collect();
        c.set_entry(&e.key, e.kind, &values)
            .map_err(|err| Error::InvalidInput(err.to_string()))?;
    }
    Ok(c)
}

/// The account `ResourceOwner` names (an account id, or an ARN with one).
fn owner_account(owner: &str) -> String {
    Arn::parse(owner)
        .map(|a| a.account().to_owned())
        .unwrap_or_else(|_| owner.to_owned())
}

fn outcome(e: &Evaluation<'_>, with_details: Option<bool>) -> Outcome {
    let matched = e
        .matched_statements
        .iter()
        .map(|s| Matched {
            source_id: s.source_id.to_owned(),
            source_type: s.source_type,
            start: s.statement.start(),
            end: s.statement.end(),
        })
        .collect();
    let details = with_details.map(|resource_policy| {
        if !resource_policy {
            return Vec::new();
        }
        let side = |used: PolicyUse| {
            if e.matched_statements.iter().any(|s| s.used_as == used) {
                e.decision
            } else if e.decision == Decision::ExplicitDeny {
                Decision::ImplicitDeny
            } else {
                let allows = e.statements.iter().any(|s| {
                    s.used_as == used
                        && s.statement.effect() == credreport_policy::Effect::Allow
                        && s.applies.certain()
                });
                if allows {
                    Decision::Allow
                } else {
                    Decision::ImplicitDeny
                }
            }
        };
        vec![
            ("IAM Policy".to_owned(), side(PolicyUse::Identity)),
            ("Resource Policy".to_owned(), side(PolicyUse::Resource)),
        ]
    });
    Outcome {
        decision: e.decision,
        matched,
        missing: e.missing_context_values.clone(),
        allowed_by_boundary: e.allowed_by_permissions_boundary(),
        details,
    }
}

/// Who calls, as the evaluator names it.
struct Caller {
    account: String,
    arn: String,
    role: bool,
}

fn run(
    account: &AccountId,
    caller: &Caller,
    sim: &Simulation<'_>,
    i: &Inputs,
) -> Result<Vec<EvalResult>> {
    let ctx = context(sim.context)?;
    let identity: Vec<Sourced<'_>> = i.identity.iter().map(HeldPolicy::sourced).collect();
    let resource_sourced = i.resource.as_deref().map(|policy| Sourced {
        id: "ResourcePolicy",
        source_type: SourceType::Resource,
        policy,
    });
    let set = PolicySet {
        identity: &identity,
        resource: resource_sourced,
        resource_must_allow: false,
        boundary: i.boundary.as_ref().map(HeldPolicy::sourced),
        session: &[],
    };
    let principal = if caller.role {
        Principal::AssumedRole {
            account: &caller.account,
            role_arn: &caller.arn,
            session_arn: None,
        }
    } else {
        Principal::User {
            account: &caller.account,
            arn: &caller.arn,
        }
    };
    let owner = sim.resource_owner.map(owner_account);
    let cross_account = owner.as_deref().is_some_and(|o| o != account.as_str());
    let decide = |action: &str, resource: &str, given: bool| {
        let req = Request {
            principal,
            action,
            resource,
            resource_account: owner.as_deref(),
            context: &ctx,
        };
        let e = evaluate(&req, &set);
        let details = given.then_some(cross_account || i.resource.is_some());
        outcome(&e, details)
    };
    let mut out = Vec::with_capacity(sim.actions.len() * sim.resources.len().max(1));
    for action in sim.actions {
        if sim.resources.is_empty() {
            out.push(EvalResult {
                action: action.clone(),
                resource: "*".into(),
                outcome: decide(action, "*", false),
                per_resource: Vec::new(),
            });
            continue;
        }
        for resource in sim.resources {
            let o = decide(action, resource, true);
            out.push(EvalResult {
                action: action.clone(),
                resource: resource.clone(),
                per_resource: vec![(resource.clone(), o.clone())],
                outcome: o,
            });
        }
    }
    Ok(out)
}

/// What `PolicySourceArn` names in `account`: the entity and its ARN's kind.
fn source_entity(iam: &Iam, account: &AccountId, source: &str) -> Result<(Entity, IamKind)> {
    let not_found = || Error::NoSuchEntity(format!("The entity {source} does not exist."));
    let arn = Arn::parse(source)
        .map_err(|_| Error::InvalidInput(format!("ARN {source} is not valid.")))?;
    if arn.account() != account.as_str() {
        return Err(not_found());
    }
    let Some((kind, _, name)) = arn.iam_resource() else {
        return Err(Error::InvalidInput(format!(
            "PolicySourceArn {source} names no user, group or role."
        )));
    };
    let (entity, real) = match kind {
        IamKind::User => {
            let u = iam.user(account, name).map_err(|_| not_found())?;
            (Entity::user(&u.id), u.to_arn())
        }
        IamKind::Group => {
            let g = iam.group_named(account, name).map_err(|_| not_found())?;
            (Entity::group(&g.id), g.to_arn())
        }
        IamKind::Role => {
            let r = iam.role(account, name).map_err(|_| not_found())?;
            (Entity::role(&r.id), r.to_arn())
        }
        _ => {
            return Err(Error::InvalidInput(format!(
                "PolicySourceArn {source} names no user, group or role."
            )))
        }
    };
    if real.as_str() != source {
        return Err(not_found());
    }
    Ok((entity, kind))
}

/// `CallerArn`: an IAM user of the account, or (without one) the source when it is a user
/// or role; a resource-based policy needs a caller.
fn caller(
    account: &AccountId,
    sim: &Simulation<'_>,
    source: Option<(&str, IamKind)>,
) -> Result<Caller> {
    if let Some(arn) = sim.caller_arn {
        let parsed = Arn::parse(arn)
            .ok()
            .filter(|a| matches!(a.iam_resource(), Some((IamKind::User, _, _))))
            .ok_or_else(|| {
                Error::InvalidInput(format!("CallerArn {arn} is not the ARN of an IAM user."))
            })?;
        return Ok(Caller {
            account: parsed.account().to_owned(),
            arn: arn.to_owned(),
            role: false,
        });
    }
    match source {
        Some((arn, IamKind::User)) => Ok(Caller {
            account: account.as_str().to_owned(),
            arn: arn.to_owned(),
            role: false,
        }),
        Some((arn, IamKind::Role)) => Ok(Caller {
            account: account.as_str().to_owned(),
            arn: arn.to_owned(),
            role: true,
        }),
        _ if sim.resource_policy.is_some() => Err(Error::InvalidInput(
            "CallerArn is required with a ResourcePolicy when PolicySourceArn is not a user."
                .into(),
        )),
        _ => Ok(Caller {
            account: account.as_str().to_owned(),
            arn: format!("arn:aws:iam::{account}:user/SimulatedCaller"),
            role: false,
        }),
    }
}

impl Iam {
    /// SimulatePrincipalPolicy: the policies of the user, group or role `source` (a user's
    /// groups' too, and its boundary), with what `sim` adds.
    pub fn simulate_principal_policy(
        &self,
        account: &AccountId,
        source: &str,
        sim: &Simulation<'_>,
    ) -> Result<Vec<EvalResult>> {
        let (entity, kind) = source_entity(self, account, source)?;
        let holdings = self.holdings(account, &entity)?;
        let caller = caller(account, sim, Some((source, kind)))?;
        let inputs = inputs(sim, Some(holdings))?;
        run(account, &caller, sim, &inputs)
    }

    /// SimulateCustomPolicy: only the policies `sim` gives (`PolicyInputList` is required).
    pub fn simulate_custom_policy(
        &self,
        account: &AccountId,
        sim: &Simulation<'_>,
    ) -> Result<Vec<EvalResult>> {
        if sim.policy_inputs.is_empty() {
            return Err(Error::InvalidInput(
                "PolicyInputList must not be empty.".into(),
            ));
        }
        let caller = caller(account, sim, None)?;
        let inputs = inputs(sim, None)?;
        run(account, &caller, sim, &inputs)
    }

    /// GetContextKeysForPrincipalPolicy: the context keys the principal's identity-based
    /// policies (a user's groups' too) and `inputs` use.
    pub fn context_keys_for_principal_policy(
        &self,
        account: &AccountId,
        source: &str,
        inputs: &[String],
    ) -> Result<Vec<String>> {
        let (entity, _) = source_entity(self, account, source)?;
        let holdings = self.holdings(account, &entity)?;
        let given = given("PolicyInputList", inputs)?;
        Ok(context_keys(
            holdings
                .identity
                .iter()
                .chain(given.iter())
                .map(|p| p.policy.as_ref()),
        ))
    }

    /// GetContextKeysForCustomPolicy: the context keys `inputs` use.
    pub fn context_keys_for_custom_policy(&self, inputs: &[String]) -> Result<Vec<String>> {
        if inputs.is_empty() {
            return Err(Error::InvalidInput(
                "PolicyInputList must not be empty.".into(),
            ));
        }
        let given = given("PolicyInputList", inputs)?;
        Ok(context_keys(given.iter().map(|p| p.policy.as_ref())))
    }
}
