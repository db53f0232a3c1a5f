//! What an evaluation says about itself (SimulatePrincipalPolicy's `EvaluationResult`),
//! and the context keys of policies (GetContextKeysForPolicy).

use credreport_policy::{
    context_keys, evaluate, parse_policy, parse_trust_policy, Decision, Effect, PolicySet,
    PolicyUse, Position, Principal, Request, SourceType, Sourced, Tri,
};

use crate::support::{context, identity, Entry, ALICE, ALICE_ARN};

fn at(line: u32, column: u32) -> Position {
    Position { line, column }
}

#[test]
fn matched_statements_name_their_policy_and_place() {
    let creds = identity("my-sec-creds-self-manage.json");
    let ids = [Sourced {
        id: "MySecCreds",
        source_type: SourceType::UserManaged,
        policy: &creds,
    }];
    let set = PolicySet {
        identity: &ids,
        ..PolicySet::default()
    };
    let check = |action,
                 entries: &[Entry],
                 decision,
                 matched: &[(Option<&str>, Effect, Position, Position)]| {
        let ctx = context(entries);
        let request = Request {
            principal: ALICE,
            action,
            resource: ALICE_ARN,
            resource_account: None,
            context: &ctx,
        };
        let e = evaluate(&request, &set);
        assert_eq!(e.decision, decision, "{action}");
        let got: Vec<_> = e
            .matched_statements
            .iter()
            .map(|m| {
                assert_eq!(
                    (m.source_id, m.source_type),
                    ("MySecCreds", SourceType::UserManaged)
                );
                assert_eq!(m.used_as, PolicyUse::Identity);
                (
                    m.statement.sid(),
                    m.statement.effect(),
                    m.statement.start(),
                    m.statement.end(),
                )
            })
            .collect();
        assert_eq!(got, matched, "{action}");
    };
    const KEY: &[Entry] = &[("aws:username", "string", &["alice"])];
    // GetUser: allowed by AllowManageOwnPasswords, its braces on lines 13 and 21.
    check(
        "iam:GetUser",
        KEY,
        Decision::Allow,
        &[(
            Some("AllowManageOwnPasswords"),
            Effect::Allow,
            at(13, 9),
            at(21, 9),
        )],
    );
    // ChangePassword without MFA: only the Deny is reported, though an Allow matched too.
    check(
        "iam:ChangePassword",
        KEY,
        Decision::ExplicitDeny,
        &[(
            Some("DenyAllExceptListedIfNoMFA"),
            Effect::Deny,
            at(87, 9),
            at(105, 9),
        )],
    );
    const MFA: &[Entry] = &[
        ("aws:username", "string", &["alice"]),
        ("aws:MultiFactorAuthPresent", "boolean", &["true"]),
    ];
    check("iam:DeleteUser", MFA, Decision::ImplicitDeny, &[]);
}

#[test]
fn missing_context_values_are_the_keys_the_context_lacked() {
    let creds = identity("my-sec-creds-self-manage.json");
    let dates = identity("dates.json");
    let ids = [
        Sourced {
            id: "MySecCreds",
            source_type: SourceType::User,
            policy: &creds,
        },
        Sourced {
            id: "Dates",
            source_type: SourceType::User,
            policy: &dates,
        },
    ];
    let set = PolicySet {
        identity: &ids,
        ..PolicySet::default()
    };
    let missing = |action: &str, resource: &str, entries: &[Entry]| {
        let ctx = context(entries);
        let request = Request {
            principal: ALICE,
            action,
            resource,
            resource_account: None,
            context: &ctx,
        };
        evaluate(&request, &set).missing_context_values
    };
    // Keys from statements covering the action: the Deny's and the variable's.
    assert_eq!(
        missing("iam:ChangePassword", ALICE_ARN, &[]),
        ["aws:MultiFactorAuthPresent", "aws:username"]
    );
    assert_eq!(
        missing(
            "iam:ChangePassword",
            ALICE_ARN,
            &[("AWS:USERNAME", "string", &["alice"])]
        ),
        ["aws:MultiFactorAuthPresent"]
    );
    // The Dates statement covers only its own action: asked once even if used twice.
    assert_eq!(
        missing(
            "service-prefix:action-name",
            "*",
            &[("aws:MultiFactorAuthPresent", "boolean", &["true"])]
        ),
        ["aws:CurrentTime"]
    );
    assert!(missing(
        "iam:ListVirtualMFADevices",
        "*",
        &[("aws:MultiFactorAuthPresent", "boolean", &["true"])]
    )
    .is_empty());
}

#[test]
fn the_boundary_and_the_resource_policy_answer_apart() {
    let admin = identity("administrator-access.json");
    let boundary = identity("boundary-shirley.json");
    let trust = parse_trust_policy(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}}"#,
    )
    .unwrap();
    let ids = [Sourced {
        id: "AdministratorAccess",
        source_type: SourceType::AwsManaged,
        policy: &admin,
    }];
    let set = PolicySet {
        identity: &ids,
        resource: Some(Sourced {
            id: "trust",
            source_type: SourceType::Resource,
            policy: &trust,
        }),
        resource_must_allow: true,
        boundary: Some(Sourced {
            id: "Boundary",
            source_type: SourceType::UserManaged,
            policy: &boundary,
        }),
        session: &[],
    };
    let ctx = context(&[]);
    let request = Request {
        principal: ALICE,
        action: "sts:AssumeRole",
        resource: "arn:aws:iam::111122223333:role/r",
        resource_account: None,
        context: &ctx,
    };
    let e = evaluate(&request, &set);
    // Named in the trust policy: allowed although the boundary does not allow.
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.allowed_by_permissions_boundary(), Some(false));
    assert_eq!(e.resource_policy, Some(Tri::Yes));
    assert_eq!(e.session_policies, None);
    let uses: Vec<PolicyUse> = e.matched_statements.iter().map(|m| m.used_as).collect();
    assert_eq!(uses, [PolicyUse::Identity, PolicyUse::Resource]);
    // What the trust policy says alone.
    let grant = trust.resource_grant(&request);
    assert_eq!(
        (
            grant.deny,
            grant.to_account,
            grant.to_role,
            grant.to_principal
        ),
        (Tri::No, Tri::No, Tri::No, Tri::Yes)
    );
    let other = Request {
        principal: Principal::User {
            account: "111122223333",
            arn: "arn:aws:iam::111122223333:user/bob",
        },
        ..request
    };
    assert_eq!(trust.resource_grant(&other).to_principal, Tri::No);
}

#[test]
fn context_keys_of_policies() {
    let creds = identity("my-sec-creds-self-manage.json");
    assert_eq!(
        creds.context_keys(),
        ["aws:MultiFactorAuthPresent", "aws:username"]
    );
    let abac = identity("ec2-start-stop-match-tags.json");
    let dates = identity("dates.json");
    let p = parse_policy(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",
            "Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'x'}/${*}",
            "Condition":{"StringLike":{"s3:prefix":"${AWS:Username}/*"},"Null":{"aws:TokenIssueTime":"true"}}}}"#,
    )
    .unwrap();
    assert_eq!(
        credreport_policy::context_keys([&abac, &dates, &p]),
        [
            "aws:CurrentTime",
            "aws:PrincipalTag/CostCenter",
            "aws:PrincipalTag/team",
            "aws:ResourceTag/CostCenter",
            "aws:TokenIssueTime",
            "AWS:Username",
            "s3:prefix",
        ]
    );
    assert!(context_keys([&identity("administrator-access.json")]).is_empty());
}
