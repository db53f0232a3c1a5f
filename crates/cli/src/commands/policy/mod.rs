//! `credreport policy simulate`: one request decided offline by the policy engine that
//! authorizes the IAM endpoint, against the JSON `aws iam get-account-authorization-details`
//! prints, and the statements that decided it.
//!
//! The request context holds the principal's own keys, from the file (`aws:username`,
//! `aws:userid`, `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
//! `aws:PrincipalTag/…`), and the `--context` entries (which replace them); nothing else
//! (no time, no source address): a key a policy needs and nobody gave is listed as
//! missing, as SimulatePrincipalPolicy lists it.

mod context;
mod principal;

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};
use credreport_policy::{
    evaluate, Decision, Evaluation, PolicySet, PolicyUse, Principal as PolicyPrincipal, Request,
    RequestContext, Sourced, StatementResult,
};
use credreport_privilege::AuthorizationDetails;

use crate::args::{PolicyCommand, PolicySimulateArgs};
use principal::{Kind, Named, Principal};

/// Exit status when the request is denied (explicitly or implicitly).
const EXIT_DENIED: u8 = 1;

pub fn run(cmd: PolicyCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PolicyCommand::Simulate(args) => simulate(&args),
    }
}

fn simulate(args: &PolicySimulateArgs) -> anyhow::Result<ExitCode> {
    let mut input = crate::input::open(&args.authorization_details)?;
    let mut text = String::new();
    input
        .reader
        .read_to_string(&mut text)
        .with_context(|| format!("{}: cannot read", input.name))?;
    let details =
        AuthorizationDetails::from_json(&text).map_err(|e| anyhow!("{}:{e}", input.name))?;
    let principal =
        principal::find(&details, &args.principal).map_err(|e| anyhow!("{}: {e}", input.name))?;
    let entries = args
        .context
        .iter()
        .map(|c| context::parse(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!(e))?;
    let mut ctx = principal_context(&principal);
    context::apply(&mut ctx, &entries).map_err(|e| anyhow!(e))?;

    let identity: Vec<Sourced<'_>> = principal.identity.iter().map(sourced).collect();
    let set = PolicySet {
        identity: &identity,
        boundary: principal.boundary.as_ref().map(sourced),
        ..PolicySet::default()
    };
    let resource = args.resource.as_deref().unwrap_or("*");
    let who = match principal.kind {
        Kind::User => PolicyPrincipal::User {
            account: &principal.account,
            arn: &principal.arn,
        },
        Kind::Role => PolicyPrincipal::AssumedRole {
            account: &principal.account,
            role_arn: &principal.arn,
            session_arn: None,
        },
    };
    let request = Request {
        principal: who,
        action: &args.action,
        resource,
        resource_account: None,
        context: &ctx,
    };
    let evaluation = evaluate(&request, &set);
    let mut out = anstream::stdout().lock();
    explain(&mut out, &principal, &args.action, resource, &evaluation)?;
    for arn in &principal.absent {
        eprintln!(
            "credreport: {}: {arn} is not in the file: its statements were not evaluated",
            input.name
        );
    }
    Ok(if evaluation.decision == Decision::Allow {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_DENIED)
    })
}

fn sourced(n: &Named) -> Sourced<'_> {
    Sourced {
        id: &n.id,
        source_type: n.source,
        policy: &n.policy,
    }
}

/// The principal's own keys, from the file.
fn principal_context(p: &Principal) -> RequestContext {
    use credreport_policy::{keys, ContextValue};
    let mut c = RequestContext::new();
    match p.kind {
        Kind::User => {
            c.principal_user(&p.account, &p.arn, &p.name, &p.id);
        }
        Kind::Role => {
            c.set(keys::PRINCIPAL_ARN, ContextValue::string(&p.arn));
            c.set(keys::PRINCIPAL_ACCOUNT, ContextValue::string(&p.account));
            c.set(keys::PRINCIPAL_TYPE, ContextValue::string("AssumedRole"));
        }
    }
    for (k, v) in &p.tags {
        c.principal_tag(k, v);
    }
    c
}

/// `statement 2 "Sid" (document line 5, column 9)`: where it starts in its policy's
/// document.
fn statement_name(s: &StatementResult<'_>) -> String {
    let at = s.statement.start();
    let sid = s
        .statement
        .sid()
        .map(|sid| format!(" {sid:?}"))
        .unwrap_or_default();
    format!(
        "statement {}{sid} (document line {}, column {})",
        s.index + 1,
        at.line,
        at.column
    )
}

/// `policy AdministratorAccess (aws-managed, arn:…)`, `inline policy own (user)`.
fn policy_name(p: &Principal, s: &StatementResult<'_>) -> String {
    let named = p
        .identity
        .iter()
        .chain(p.boundary.iter())
        .find(|n| n.id == s.source_id && n.source == s.source_type);
    match named.and_then(|n| n.managed_name.as_deref()) {
        Some(name) => format!(
            "managed policy {name} ({}, {})",
            s.source_type.as_str(),
            s.source_id
        ),
        None => format!("inline policy {} ({})", s.source_id, s.source_type.as_str()),
    }
}

fn used_as(u: PolicyUse) -> &'static str {
    match u {
        PolicyUse::Identity => "identity-based",
        PolicyUse::Boundary => "permissions boundary",
        PolicyUse::Session => "session policy",
        PolicyUse::Resource => "resource-based",
    }
}

fn explain(
    out: &mut impl Write,
    p: &Principal,
    action: &str,
    resource: &str,
    e: &Evaluation<'_>,
) -> anyhow::Result<()> {
    writeln!(out, "decision: {}", e.decision.as_str())?;
    writeln!(out, "principal: {}", p.arn)?;
    writeln!(out, "action: {action}")?;
    writeln!(out, "resource: {resource}")?;
    match e.decision {
        Decision::Allow | Decision::ExplicitDeny => {
            let verb = if e.decision == Decision::Allow {
                "allowed by"
            } else {
                "denied by"
            };
            writeln!(out, "{verb}:")?;
            for s in &e.matched_statements {
                writeln!(
                    out,
                    "  {} of {} [{}]",
                    statement_name(s),
                    policy_name(p, s),
                    used_as(s.used_as)
                )?;
            }
        }
        Decision::ImplicitDeny => {
            let identity_allows: Vec<_> = e
                .statements
                .iter()
                .filter(|s| {
                    s.used_as == PolicyUse::Identity
                        && s.statement.effect() == credreport_policy::Effect::Allow
                        && s.applies.certain()
                })
                .collect();
            if identity_allows.is_empty() {
                writeln!(out, "no identity-based policy allows it")?;
            } else {
                writeln!(out, "allowed by the identity-based policies:")?;
                for s in identity_allows {
                    writeln!(out, "  {} of {}", statement_name(s), policy_name(p, s))?;
                }
            }
        }
    }
    if let Some(b) = &p.boundary {
        let allowed = e.allowed_by_permissions_boundary().unwrap_or(false);
        let name = b.managed_name.as_deref().unwrap_or(&b.id);
        writeln!(
            out,
            "permissions boundary {name}: {}",
            if allowed {
                "allows it"
            } else {
                "does not allow it"
            }
        )?;
    }
    if !e.missing_context_values.is_empty() {
        writeln!(
            out,
            "missing context values: {}",
            e.missing_context_values.join(", ")
        )?;
    }
    Ok(())
}
