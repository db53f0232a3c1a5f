use credreport_policy::{
    decide, evaluate, ContextKeyType, Decision, Policy, PolicyKind, PolicySet, Principal, Request,
    RequestContext, SourceType, Sourced,
};

/// A context entry as SimulatePrincipalPolicy takes it: key, type, values.
pub type Entry = (&'static str, &'static str, &'static [&'static str]);

/// One request of a table and the decision expected.
pub struct Row {
    pub action: &'static str,
    pub resource: &'static str,
    pub context: &'static [Entry],
    pub expected: Decision,
}

pub const ACCOUNT: &str = "111122223333";
pub const ALICE_ARN: &str = "arn:aws:iam::111122223333:user/alice";
pub const ALICE: Principal<'static> = Principal::User {
    account: ACCOUNT,
    arn: ALICE_ARN,
};

/// A file of `tests/data/aws-examples`.
pub fn example(name: &str) -> String {
    let path = format!(
        "{}/tests/data/aws-examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An identity-based policy from an example file.
pub fn identity(name: &str) -> Policy {
    doc(&example(name), PolicyKind::Identity)
}

pub fn doc(json: &str, kind: PolicyKind) -> Policy {
    Policy::parse(json, kind).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// A complete context from entries.
pub fn context(entries: &[Entry]) -> RequestContext {
    let mut ctx = RequestContext::new();
    fill(&mut ctx, entries);
    ctx
}

pub fn fill(ctx: &mut RequestContext, entries: &[Entry]) {
    for (key, kind, values) in entries {
        let kind = ContextKeyType::parse(kind).unwrap_or_else(|| panic!("type {kind}"));
        ctx.set_entry(key, kind, values)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Identity-based policies as a slice of sources named by position.
pub fn sourced<'a>(policies: &'a [Policy], ids: &'a [&'a str]) -> Vec<Sourced<'a>> {
    policies
        .iter()
        .zip(ids)
        .map(|(policy, id)| Sourced {
            id,
            source_type: SourceType::User,
            policy,
        })
        .collect()
}

/// The one check of a table: each row decided for `principal` under `policies`, by
/// `decide` and by `evaluate` alike.
pub fn check(policies: &PolicySet<'_>, principal: Principal<'_>, rows: &[Row]) {
    for row in rows {
        let ctx = context(row.context);
        let request = Request {
            principal,
            action: row.action,
            resource: row.resource,
            resource_account: None,
            context: &ctx,
        };
        let decided = decide(&request, policies);
        let evaluated = evaluate(&request, policies);
        assert_eq!(
            (decided, evaluated.decision),
            (row.expected, row.expected),
            "{} on {} with {:?}",
            row.action,
            row.resource,
            row.context
        );
    }
}

/// Shorthand for a row.
pub const fn row(
    action: &'static str,
    resource: &'static str,
    context: &'static [Entry],
    expected: Decision,
) -> Row {
    Row {
        action,
        resource,
        context,
        expected,
    }
}
