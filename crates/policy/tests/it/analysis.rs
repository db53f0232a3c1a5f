//! Open contexts, for privilege analysis: keys not given are unknown, and the answers say
//! whether a request (or one statement) is allowed for every context, some, or none.

use credreport_policy::{
    evaluate, keys, ContextValue, Decision, PolicySet, Request, RequestContext, SourceType,
    Sourced, Tri,
};

use crate::support::{fill, identity, Entry, ALICE, ALICE_ARN};

/// `(action, resource, what the context knows, allowed, decision)`.
type Row = (&'static str, &'static str, &'static [Entry], Tri, Decision);

fn check(files: &[&str], rows: &[Row]) {
    let policies: Vec<_> = files.iter().map(|f| identity(f)).collect();
    let ids: Vec<Sourced<'_>> = policies
        .iter()
        .zip(files)
        .map(|(policy, id)| Sourced {
            id,
            source_type: SourceType::User,
            policy,
        })
        .collect();
    let set = PolicySet {
        identity: &ids,
        ..PolicySet::default()
    };
    for (action, resource, known, allowed, decision) in rows {
        let mut ctx = RequestContext::open();
        fill(&mut ctx, known);
        let request = Request {
            principal: ALICE,
            action,
            resource,
            resource_account: None,
            context: &ctx,
        };
        let e = evaluate(&request, &set);
        assert_eq!(
            (e.allowed, e.decision),
            (*allowed, *decision),
            "{action} {resource} {known:?}"
        );
    }
}

const ME: &[Entry] = &[("aws:username", "string", &["alice"])];

#[test]
fn self_managed_credentials_with_unknown_mfa() {
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};
    use Tri::{Maybe, No, Yes};
    check(
        &["my-sec-creds-self-manage.json"],
        &[
            // Always: GetUser on itself is outside the Deny and inside an Allow.
            ("iam:GetUser", ALICE_ARN, ME, Yes, Allow),
            // Depends on MFA: the decision is the conservative one.
            ("iam:CreateAccessKey", ALICE_ARN, ME, Maybe, ExplicitDeny),
            ("iam:ChangePassword", ALICE_ARN, ME, Maybe, ExplicitDeny),
            // Never, whatever the context (and a Deny may apply: the conservative
            // decision says so).
            ("iam:DeleteUser", ALICE_ARN, ME, No, ExplicitDeny),
            (
                "iam:CreateAccessKey",
                "arn:aws:iam::111122223333:user/bob",
                ME,
                No,
                ExplicitDeny,
            ),
            // With the user's name unknown too: its own ARN may be anyone's.
            ("iam:GetUser", ALICE_ARN, &[], Maybe, ImplicitDeny),
            (
                "iam:GetUser",
                "arn:aws:iam::111122223333:role/r",
                &[],
                No,
                ImplicitDeny,
            ),
            // Known facts decide: MFA present, or known to be absent.
            (
                "iam:CreateAccessKey",
                ALICE_ARN,
                &[
                    ("aws:username", "string", &["alice"]),
                    ("aws:MultiFactorAuthPresent", "boolean", &["true"]),
                ],
                Yes,
                Allow,
            ),
            (
                "iam:CreateAccessKey",
                ALICE_ARN,
                &[
                    ("aws:username", "string", &["alice"]),
                    ("aws:MultiFactorAuthPresent", "stringList", &[]),
                ],
                No,
                ExplicitDeny,
            ),
        ],
    );
}

#[test]
fn administrator_behind_an_ip_fence() {
    use Decision::{Allow, ExplicitDeny};
    use Tri::{Maybe, No, Yes};
    const INSIDE: &[Entry] = &[
        ("aws:SourceIp", "ip", &["192.0.2.1"]),
        ("aws:ViaAWSService", "boolean", &["false"]),
    ];
    const OUTSIDE: &[Entry] = &[
        ("aws:SourceIp", "ip", &["198.51.100.1"]),
        ("aws:ViaAWSService", "boolean", &["false"]),
    ];
    const OUTSIDE_VIA_UNKNOWN: &[Entry] = &[("aws:SourceIp", "ip", &["198.51.100.1"])];
    check(
        &["administrator-access.json"],
        &[("iam:CreateUser", "*", &[], Yes, Allow)],
    );
    check(
        &["administrator-access.json", "deny-ip.json"],
        &[
            ("iam:CreateUser", "*", &[], Maybe, ExplicitDeny),
            ("iam:CreateUser", "*", INSIDE, Yes, Allow),
            ("iam:CreateUser", "*", OUTSIDE, No, ExplicitDeny),
            (
                "iam:CreateUser",
                "*",
                OUTSIDE_VIA_UNKNOWN,
                Maybe,
                ExplicitDeny,
            ),
        ],
    );
}

#[test]
fn one_statement_at_a_time() {
    let creds = identity("my-sec-creds-self-manage.json");
    let mut ctx = RequestContext::open();
    ctx.set(keys::USERNAME, ContextValue::string("alice"));
    let verdicts: Vec<(Option<&str>, Tri)> = creds
        .statements()
        .iter()
        .map(|s| (s.sid(), s.applies("iam:CreateAccessKey", ALICE_ARN, &ctx)))
        .collect();
    let applying: Vec<_> = verdicts.iter().filter(|(_, t)| t.possible()).collect();
    assert_eq!(
        applying,
        [
            &(Some("AllowManageOwnAccessKeys"), Tri::Yes),
            &(Some("DenyAllExceptListedIfNoMFA"), Tri::Maybe),
        ]
    );
    // A complete context answers Yes or No only.
    let mut complete = RequestContext::new();
    complete.set(keys::USERNAME, ContextValue::string("alice"));
    for s in creds.statements() {
        let t = s.applies("iam:CreateAccessKey", ALICE_ARN, &complete);
        assert_ne!(t, Tri::Maybe, "{:?}", s.sid());
    }
    assert!(creds.statements()[8].has_conditions());
    assert!(!creds.statements()[0].has_conditions());
}

/// `(Resource element, expected answer)` for one statement with an unknown resource.
const ANY_RESOURCE: &[(&str, Tri)] = &[
    (r#""Resource": "*""#, Tri::Yes),
    (r#""Resource": ["arn:aws:s3:::b/*", "*"]"#, Tri::Yes),
    (r#""Resource": "arn:aws:s3:::b/*""#, Tri::Maybe),
    (
        r#""Resource": "arn:aws:iam::*:user/${aws:username}""#,
        Tri::Maybe,
    ),
    // A variable with no value and no default covers nothing.
    (
        r#""Resource": "arn:aws:iam::*:user/${aws:PrincipalTag/none}""#,
        Tri::No,
    ),
    (r#""NotResource": "*""#, Tri::No),
    (r#""NotResource": "arn:aws:s3:::secret/*""#, Tri::Maybe),
];

#[test]
fn an_unknown_resource_is_every_resource() {
    for (element, expected) in ANY_RESOURCE {
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:PutObject", {element}}}}}"#
        );
        let policy = credreport_policy::parse_policy(&json).unwrap();
        let mut ctx = RequestContext::open();
        // Known absent: the tag variable has no value.
        ctx.set_absent("aws:PrincipalTag/none").any_resource();
        let statement = &policy.statements()[0];
        // The request's resource is not read.
        for resource in ["*", "arn:aws:s3:::other/x", ""] {
            assert_eq!(
                statement.applies("s3:PutObject", resource, &ctx),
                *expected,
                "{element} on {resource:?}"
            );
        }
        assert_eq!(statement.applies("s3:GetObject", "*", &ctx), Tri::No);
    }
}

#[test]
fn an_unknown_resource_with_allows_and_denies() {
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};
    use Tri::{Maybe, No, Yes};
    let cases: &[(&str, Tri, Decision)] = &[
        // Allowed everywhere.
        (
            r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
            Yes,
            Allow,
        ),
        // Allowed on some resources: "can it write somewhere" is possible.
        (
            r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}"#,
            Maybe,
            ImplicitDeny,
        ),
        // Denied on some resources: still possible elsewhere.
        (
            r#"[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"}]"#,
            Maybe,
            ExplicitDeny,
        ),
        // Denied everywhere.
        (
            r#"[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "*", "Resource": "*"}]"#,
            No,
            ExplicitDeny,
        ),
    ];
    for (statements, allowed, decision) in cases {
        let json = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
        let policy = credreport_policy::parse_policy(&json).unwrap();
        let ids = [Sourced {
            id: "p",
            source_type: SourceType::User,
            policy: &policy,
        }];
        let set = PolicySet {
            identity: &ids,
            ..PolicySet::default()
        };
        let mut ctx = RequestContext::open();
        ctx.any_resource();
        let request = Request {
            principal: ALICE,
            action: "s3:PutObject",
            resource: "*",
            resource_account: None,
            context: &ctx,
        };
        let e = evaluate(&request, &set);
        assert_eq!(
            (e.allowed, e.decision),
            (*allowed, *decision),
            "{statements}"
        );
    }
}

/// `(Resource element, what the context knows, the resources it names)`.
type Named = (
    &'static str,
    &'static [Entry],
    Option<&'static [&'static str]>,
);

#[test]
fn resources_a_statement_names() {
    let cases: &[Named] = &[
        (
            r#""Resource": "arn:aws:iam::*:user/${aws:username}""#,
            ME,
            Some(&["user/alice"]),
        ),
        // The name unknown: any user.
        (
            r#""Resource": "arn:aws:iam::*:user/${aws:username}""#,
            &[],
            None,
        ),
        (
            r#""Resource": ["arn:aws:s3:::a/b", "arn:aws:iam::*:role/r"]"#,
            &[],
            Some(&["a/b", "role/r"]),
        ),
        (r#""Resource": "arn:aws:iam::*:user/*""#, &[], None),
        (r#""Resource": "arn:aws:iam::*:user/al?ce""#, &[], None),
        (r#""Resource": "*""#, &[], None),
        (r#""NotResource": "arn:aws:s3:::a/b""#, &[], None),
        // No value: names nothing.
        (
            r#""Resource": "arn:aws:iam::*:user/${aws:PrincipalTag/none}""#,
            &[("aws:PrincipalTag/none", "stringList", &[])],
            Some(&[]),
        ),
    ];
    for (element, known, expected) in cases {
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "iam:GetUser", {element}}}}}"#
        );
        let policy = credreport_policy::parse_policy(&json).unwrap();
        let mut ctx = RequestContext::open();
        fill(&mut ctx, known);
        let named = policy.statements()[0].named_resources(&ctx);
        let expected: Option<Vec<String>> =
            expected.map(|v| v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(named, expected, "{element} {known:?}");
    }
}
