//! Properties over generated policies, requests and contexts: a condition added to an
//! Allow never grants more; an explicit Deny always wins; a permissions boundary or a
//! session policy never widens; hostile input never panics.

use credreport_policy::{
    decide, evaluate, parse_policy, parse_resource_policy, parse_trust_policy, ContextKeyType,
    Decision, Policy, PolicyKind, PolicySet, Principal, Request, RequestContext, SourceType,
    Sourced, Time, Tri,
};
use proptest::prelude::*;

use crate::support::{ACCOUNT, ALICE_ARN};

const ACTIONS: &[&str] = &[
    "*",
    "s3:*",
    "s3:GetObject",
    "iam:Get*",
    "iam:?etUser",
    "iam:GetUser",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:s3:::b/${aws:PrincipalTag/team, 'all'}/*",
];
const CONDITIONS: &[&str] = &[
    r#"{"StringEquals":{"aws:username":"alice"}}"#,
    r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#,
    r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
    r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
    r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
    r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"a"}}"#,
    r#"{"StringNotEquals":{"aws:PrincipalTag/team":"${aws:username}"}}"#,
    r#"{"Null":{"aws:TokenIssueTime":"true"}}"#,
    r#"{"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}"#,
    r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
    r#"{"StringLikeIfExists":{"aws:PrincipalTag/team":"t*"}}"#,
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "iam:GetUser",
    "iam:DeleteUser",
    "ec2:RunInstances",
];
const REQUEST_RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/all/k",
    "arn:aws:s3:::b/t1/k",
    ALICE_ARN,
    "arn:aws:iam::111122223333:user/bob",
];
/// Context entries a request may carry.
const ENTRIES: &[(&str, &str, &[&str])] = &[
    ("aws:username", "string", &["alice"]),
    ("aws:MultiFactorAuthPresent", "boolean", &["true"]),
    ("aws:MultiFactorAuthPresent", "boolean", &["false"]),
    ("aws:SourceIp", "ip", &["203.0.113.9"]),
    ("aws:SourceIp", "ip", &["2001:db8::1"]),
    ("aws:TagKeys", "stringList", &["a"]),
    ("aws:TagKeys", "stringList", &["a", "c"]),
    ("aws:PrincipalTag/team", "string", &["t1"]),
    ("aws:PrincipalTag/team", "string", &["alice"]),
    ("aws:TokenIssueTime", "date", &["2019-06-01T00:00:00Z"]),
    ("aws:CurrentTime", "date", &["2019-06-01T00:00:00Z"]),
    ("aws:CurrentTime", "date", &["2021-06-01T00:00:00Z"]),
    ("aws:MultiFactorAuthAge", "numeric", &["60"]),
];

/// A generated statement: effect, action, resource, condition (indexes into the tables).
#[derive(Clone, Debug)]
struct Gen {
    allow: bool,
    action: usize,
    resource: usize,
    condition: Option<usize>,
}

fn statement() -> impl Strategy<Value = Gen> {
    (
        any::<bool>(),
        0..ACTIONS.len(),
        0..RESOURCES.len(),
        proptest::option::of(0..CONDITIONS.len()),
    )
        .prop_map(|(allow, action, resource, condition)| Gen {
            allow,
            action,
            resource,
            condition,
        })
}

fn render(statements: &[Gen]) -> String {
    let body: Vec<String> = statements
        .iter()
        .map(|s| {
            let condition = s
                .condition
                .map(|c| format!(r#","Condition":{}"#, CONDITIONS[c]))
                .unwrap_or_default();
            format!(
                r#"{{"Effect":"{}","Action":"{}","Resource":"{}"{condition}}}"#,
                if s.allow { "Allow" } else { "Deny" },
                ACTIONS[s.action],
                RESOURCES[s.resource]
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        body.join(",")
    )
}

fn policy(statements: &[Gen]) -> Policy {
    let json = render(statements);
    parse_policy(&json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// A request: action, resource, context entries, open or complete.
#[derive(Clone, Debug)]
struct Req {
    action: usize,
    resource: usize,
    entries: Vec<usize>,
    open: bool,
}

fn request() -> impl Strategy<Value = Req> {
    (
        0..REQUEST_ACTIONS.len(),
        0..REQUEST_RESOURCES.len(),
        proptest::collection::vec(0..ENTRIES.len(), 0..5),
        any::<bool>(),
    )
        .prop_map(|(action, resource, entries, open)| Req {
            action,
            resource,
            entries,
            open,
        })
}

fn context(r: &Req) -> RequestContext {
    let mut ctx = if r.open {
        RequestContext::open()
    } else {
        RequestContext::new()
    };
    for i in &r.entries {
        let (key, kind, values) = ENTRIES[*i];
        let kind = ContextKeyType::parse(kind).unwrap_or(ContextKeyType::String);
        let _ = ctx.set_entry(key, kind, values);
    }
    ctx
}

const ALICE: Principal<'static> = Principal::User {
    account: ACCOUNT,
    arn: ALICE_ARN,
};

fn sourced(p: &Policy) -> Sourced<'_> {
    Sourced {
        id: "p",
        source_type: SourceType::None,
        policy: p,
    }
}

/// Whether allowed, for every context (`Yes`), some, or none.
fn allowed(r: &Req, set: &PolicySet<'_>) -> Tri {
    let ctx = context(r);
    let request = Request {
        principal: ALICE,
        action: REQUEST_ACTIONS[r.action],
        resource: REQUEST_RESOURCES[r.resource],
        resource_account: None,
        context: &ctx,
    };
    let e = evaluate(&request, set);
    // `decide` and `evaluate` agree, and a complete context has no `Maybe`.
    assert_eq!(decide(&request, set), e.decision);
    assert_eq!(e.allowed == Tri::Yes, e.decision == Decision::Allow);
    if !r.open {
        assert_ne!(e.allowed, Tri::Maybe);
    }
    e.allowed
}

fn identity_only<'a>(p: &'a [Sourced<'a>]) -> PolicySet<'a> {
    PolicySet {
        identity: p,
        ..PolicySet::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_condition_never_widens_an_allow(
        statements in proptest::collection::vec(statement(), 1..6),
        added in proptest::collection::vec(proptest::option::of(0..CONDITIONS.len()), 6),
        r in request(),
    ) {
        let plain = policy(&statements);
        let conditioned: Vec<Gen> = statements
            .iter()
            .zip(&added)
            .map(|(s, c)| match (s.allow, s.condition, c) {
                (true, None, Some(c)) => Gen { condition: Some(*c), ..s.clone() },
                _ => s.clone(),
            })
            .collect();
        let narrowed = policy(&conditioned);
        let before = allowed(&r, &identity_only(&[sourced(&plain)]));
        let after = allowed(&r, &identity_only(&[sourced(&narrowed)]));
        prop_assert!(after <= before, "{} then {}: {before:?} -> {after:?}", render(&statements), render(&conditioned));
    }

    #[test]
    fn an_explicit_deny_always_wins(
        statements in proptest::collection::vec(statement(), 1..6),
        r in request(),
        place in 0..4usize,
    ) {
        let p = policy(&statements);
        let deny = parse_policy(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#).unwrap();
        let deny_resource = parse_resource_policy(
            r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}"#,
        ).unwrap();
        let ids = [sourced(&p), sourced(&deny)];
        let one = [sourced(&p)];
        let sessions = [sourced(&deny)];
        let set = match place {
            0 => identity_only(&ids),
            1 => PolicySet { identity: &one, boundary: Some(sourced(&deny)), ..PolicySet::default() },
            2 => PolicySet { identity: &one, session: &sessions, ..PolicySet::default() },
            _ => PolicySet { identity: &one, resource: Some(sourced(&deny_resource)), ..PolicySet::default() },
        };
        let ctx = context(&r);
        let request = Request {
            principal: ALICE,
            action: REQUEST_ACTIONS[r.action],
            resource: REQUEST_RESOURCES[r.resource],
            resource_account: None,
            context: &ctx,
        };
        prop_assert_eq!(decide(&request, &set), Decision::ExplicitDeny);
        prop_assert_eq!(evaluate(&request, &set).allowed, Tri::No);
    }

    #[test]
    fn boundaries_and_session_policies_never_widen(
        statements in proptest::collection::vec(statement(), 1..6),
        limit in proptest::collection::vec(statement(), 1..4),
        named in any::<bool>(),
        r in request(),
    ) {
        let p = policy(&statements);
        let l = policy(&limit);
        // A resource-based policy naming the user's account, or the user (which a
        // boundary does not limit).
        let principal = if named { ALICE_ARN } else { ACCOUNT };
        let resource = parse_resource_policy(&format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"s3:*","Resource":"*"}}}}"#
        )).unwrap();
        let ids = [sourced(&p)];
        let sessions = [sourced(&l)];
        let base = PolicySet { identity: &ids, resource: Some(sourced(&resource)), ..PolicySet::default() };
        let bounded = PolicySet { boundary: Some(sourced(&l)), ..base };
        let in_session = PolicySet { session: &sessions, ..base };
        let unlimited = allowed(&r, &base);
        prop_assert!(allowed(&r, &bounded) <= unlimited);
        prop_assert!(allowed(&r, &in_session) <= unlimited);
    }

    #[test]
    fn an_open_context_brackets_every_completion(
        statements in proptest::collection::vec(statement(), 1..6),
        r in request(),
        more in proptest::collection::vec(0..ENTRIES.len(), 0..4),
    ) {
        // What is certain with some keys unknown stays so once they are known (absent or
        // given), and what is impossible stays impossible.
        let p = policy(&statements);
        let ids = [sourced(&p)];
        let set = identity_only(&ids);
        let open = allowed(&Req { open: true, ..r.clone() }, &set);
        // Only keys the open context did not know (a later entry would replace a value).
        let known: Vec<&str> = r.entries.iter().map(|i| ENTRIES[*i].0).collect();
        let mut entries = r.entries.clone();
        entries.extend(more.iter().filter(|i| !known.contains(&ENTRIES[**i].0)));
        let completed = allowed(&Req { open: false, entries, ..r }, &set);
        match open {
            Tri::Yes => prop_assert_eq!(completed, Tri::Yes),
            Tri::No => prop_assert_eq!(completed, Tri::No),
            Tri::Maybe => {}
        }
    }

    #[test]
    fn hostile_documents_never_panic(s in "\\PC{0,300}") {
        for kind in [PolicyKind::Identity, PolicyKind::Resource, PolicyKind::Trust] {
            let _ = Policy::parse(&s, kind);
        }
        let _ = Time::parse(&s);
    }

    #[test]
    fn hostile_statements_never_panic(
        body in proptest::collection::vec(
            prop_oneof![
                Just(r#""Effect":"Allow""#.to_owned()),
                Just(r#""Action":"*""#.to_owned()),
                Just(r#""Resource":"*""#.to_owned()),
                Just(r#""Principal":"*""#.to_owned()),
                "\"Action\":\"[a-z*?:]{0,12}\"",
                "\"Resource\":\"[a-z*?:${}/,' ]{0,30}\"",
                "\"Condition\":\\{\"[A-Za-z:]{0,30}\":\\{\"[a-z:/]{0,10}\":\"[${}a-z*?0-9:./ ',-]{0,30}\"\\}\\}",
                "\"[A-Za-z]{0,10}\":[0-9]{0,3}",
            ],
            0..8,
        ),
        action in "[a-zA-Z*?:]{0,12}",
        resource in "[a-z*?:/${}]{0,30}",
        r in request(),
    ) {
        let json = format!(r#"{{"Version":"2012-10-17","Statement":[{{{}}}]}}"#, body.join(","));
        let ctx = context(&r);
        let parsed = [parse_policy(&json), parse_trust_policy(&json), parse_resource_policy(&json)];
        for p in parsed.into_iter().flatten() {
            let ids = [sourced(&p)];
            let request = Request {
                principal: ALICE,
                action: &action,
                resource: &resource,
                resource_account: None,
                context: &ctx,
            };
            let set = PolicySet { identity: &ids, resource: Some(sourced(&p)), ..PolicySet::default() };
            let _ = evaluate(&request, &set);
            let _ = p.context_keys();
        }
    }
}
