//! SimulatePrincipalPolicy, SimulateCustomPolicy, GetContextKeysForPrincipalPolicy,
//! GetContextKeysForCustomPolicy: their parameters read, their answers written in the
//! service model's member order (EvaluationResult, Statement, Position, ContextEntry).

use credreport_iam::simulate::{ContextEntry, EvalResult, Matched, Outcome, Simulation};
use credreport_policy::{ContextKeyType, Position};

use super::{encode_marker, page_end, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

/// The values of a list parameter `name.member.N`, in order.
fn list(ctx: &Ctx<'_>, name: &str) -> Vec<String> {
    ctx.params
        .members(name)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// `ContextEntries.member.N.{ContextKeyName,ContextKeyValues.member.M,ContextKeyType}`.
fn context_entries(ctx: &Ctx<'_>) -> Result<Vec<ContextEntry>, AwsError> {
    let mut out = Vec::new();
    for i in 1.. {
        let at = |part: &str| format!("ContextEntries.member.{i}.{part}");
        let name = ctx.params.get(&at("ContextKeyName"));
        let kind = ctx.params.get(&at("ContextKeyType"));
        let values = list(ctx, &at("ContextKeyValues"));
        if name.is_none() && kind.is_none() && values.is_empty() {
            break;
        }
        let (Some(name), Some(kind)) = (name, kind) else {
            return Err(AwsError::new(
                "InvalidInput",
                400,
                format!("ContextEntries.member.{i} needs a ContextKeyName and a ContextKeyType."),
            ));
        };
        let kind = ContextKeyType::parse(kind).ok_or_else(|| {
            AwsError::validation(
                "1 validation error detected: Value at 'contextEntries.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]",
            )
        })?;
        out.push(ContextEntry {
            key: name.to_owned(),
            kind,
            values,
        });
    }
    Ok(out)
}

/// Where the page starts: the `Marker` (an index into the results, hex-encoded).
fn start(ctx: &Ctx<'_>) -> Result<usize, AwsError> {
    match super::decode_marker(ctx)? {
        None => Ok(0),
        Some(m) => m
            .parse()
            .map_err(|_| AwsError::validation("Invalid Marker.")),
    }
}

/// Runs a simulation with the request's shared parameters, then writes a page of its
/// results.
fn simulate(
    ctx: &Ctx<'_>,
    run: impl FnOnce(&Simulation<'_>) -> Result<Vec<EvalResult>, AwsError>,
) -> Result<Option<Xml>, AwsError> {
    let policy_inputs = list(ctx, "PolicyInputList");
    let boundary_inputs = list(ctx, "PermissionsBoundaryPolicyInputList");
    let actions = list(ctx, "ActionNames");
    if actions.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
        ));
    }
    let resources = list(ctx, "ResourceArns");
    let context = context_entries(ctx)?;
    let max = ctx.params.max_items()?;
    let from = start(ctx)?;
    let sim = Simulation {
        policy_inputs: &policy_inputs,
        boundary_inputs: &boundary_inputs,
        actions: &actions,
        resources: &resources,
        resource_policy: ctx.params.optional("ResourcePolicy"),
        resource_owner: ctx.params.optional("ResourceOwner"),
        caller_arn: ctx.params.optional("CallerArn"),
        context: &context,
    };
    let results = run(&sim)?;
    let end = from.saturating_add(max).min(results.len());
    let page = results.get(from.min(end)..end).unwrap_or_default();
    let mut x = Xml::new();
    x.list("EvaluationResults", page, result_xml);
    let next = (end < results.len()).then(|| encode_marker(&end.to_string()));
    page_end(&mut x, next.as_deref());
    Ok(Some(x))
}

fn position_xml(x: &mut Xml, name: &str, p: Position) {
    x.node(name, |x| {
        x.leaf("Line", &p.line.to_string())
            .leaf("Column", &p.column.to_string());
    });
}

fn statements_xml(x: &mut Xml, matched: &[Matched]) {
    x.list("MatchedStatements", matched, |x, m| {
        x.leaf("SourcePolicyId", &m.source_id)
            .leaf("SourcePolicyType", m.source_type.as_str());
        position_xml(x, "StartPosition", m.start);
        position_xml(x, "EndPosition", m.end);
    });
}

/// A list of strings: `<name><member>text</member>…</name>`, or `<name/>`.
fn strings_xml(x: &mut Xml, name: &str, items: &[String]) {
    if items.is_empty() {
        x.list(name, items, |_, _| {});
        return;
    }
    x.node(name, |x| {
        for item in items {
            x.leaf("member", item);
        }
    });
}

fn missing_xml(x: &mut Xml, o: &Outcome) {
    strings_xml(x, "MissingContextValues", &o.missing);
}

fn details_xml(x: &mut Xml, o: &Outcome) {
    if let Some(details) = &o.details {
        if details.is_empty() {
            x.list("EvalDecisionDetails", details, |_, _| {});
            return;
        }
        x.node("EvalDecisionDetails", |x| {
            for (key, decision) in details {
                x.node("entry", |x| {
                    x.leaf("key", key).leaf("value", decision.as_str());
                });
            }
        });
    }
}

fn boundary_xml(x: &mut Xml, o: &Outcome) {
    if let Some(allowed) = o.allowed_by_boundary {
        x.node("PermissionsBoundaryDecisionDetail", |x| {
            x.bool("AllowedByPermissionsBoundary", allowed);
        });
    }
}

/// The EvaluationResult shape: EvalActionName, EvalResourceName, EvalDecision,
/// MatchedStatements, MissingContextValues, (OrganizationsDecisionDetail: no organization
/// policies here), PermissionsBoundaryDecisionDetail, EvalDecisionDetails,
/// ResourceSpecificResults.
fn result_xml(x: &mut Xml, r: &EvalResult) {
    x.leaf("EvalActionName", &r.action)
        .leaf("EvalResourceName", &r.resource)
        .leaf("EvalDecision", r.outcome.decision.as_str());
    statements_xml(x, &r.outcome.matched);
    missing_xml(x, &r.outcome);
    boundary_xml(x, &r.outcome);
    details_xml(x, &r.outcome);
    if !r.per_resource.is_empty() {
        x.list(
            "ResourceSpecificResults",
            &r.per_resource,
            |x, (name, o)| {
                // ResourceSpecificResult: EvalResourceName, EvalResourceDecision,
                // MatchedStatements, MissingContextValues, EvalDecisionDetails,
                // PermissionsBoundaryDecisionDetail.
                x.leaf("EvalResourceName", name)
                    .leaf("EvalResourceDecision", o.decision.as_str());
                statements_xml(x, &o.matched);
                missing_xml(x, o);
                details_xml(x, o);
                boundary_xml(x, o);
            },
        );
    }
}

fn source<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("PolicySourceArn", "policySourceArn")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
pub(crate) fn principal(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let source = source(ctx)?;
    simulate(ctx, |sim| {
        Ok(ctx.ops.simulate_principal_policy(source, sim)?)
    })
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
pub(crate) fn custom(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    if list(ctx, "PolicyInputList").is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null",
        ));
    }
    simulate(ctx, |sim| Ok(ctx.ops.simulate_custom_policy(sim)?))
}

fn keys_xml(keys: &[String]) -> Option<Xml> {
    let mut x = Xml::new();
    strings_xml(&mut x, "ContextKeyNames", keys);
    Some(x)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForPrincipalPolicy.html
pub(crate) fn context_keys_principal(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let source = source(ctx)?;
    let inputs = list(ctx, "PolicyInputList");
    let keys = ctx.ops.context_keys_for_principal_policy(source, &inputs)?;
    Ok(keys_xml(&keys))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForCustomPolicy.html
pub(crate) fn context_keys_custom(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let inputs = list(ctx, "PolicyInputList");
    if inputs.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null",
        ));
    }
    let keys = ctx.ops.context_keys_for_custom_policy(&inputs)?;
    Ok(keys_xml(&keys))
}
