//! The evaluation logic: statements within identity-based policies (the table
//! `credreport-iam` had), and the rules across policy types and accounts of AWS's
//! "Policy evaluation logic" and "Cross-account policy evaluation logic" pages.

use credreport_policy::Decision::{self, Allow, ExplicitDeny, ImplicitDeny};
use credreport_policy::{
    decide, Policy, PolicyKind, PolicySet, Principal, Request, RequestContext, SourceType, Sourced,
};

use crate::support::{doc, ACCOUNT, ALICE, ALICE_ARN};

fn stmt(effect: &str, action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}",{action},{resource}}}]}}"#
    )
}

fn sourced(policies: &[Policy]) -> Vec<Sourced<'_>> {
    policies
        .iter()
        .map(|policy| Sourced {
            id: "p",
            source_type: SourceType::User,
            policy,
        })
        .collect()
}

/// `action` on `resource` under identity-based policies only, complete empty context.
fn identity_decision(policies: &[Policy], action: &str, resource: &str) -> Decision {
    let ids = sourced(policies);
    let ctx = RequestContext::new();
    let request = Request {
        principal: ALICE,
        action,
        resource,
        resource_account: None,
        context: &ctx,
    };
    decide(
        &request,
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
    )
}

const USER_ARN: &str = "arn:aws:iam::123456789012:user/alice";

#[test]
fn statements_of_identity_policies() {
    let cases: &[(&str, &str, &str, Decision)] = &[
        (
            &stmt("Allow", r#""Action":"iam:GetUser""#, r#""Resource":"*""#),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        // Case-insensitive actions.
        (
            &stmt("Allow", r#""Action":"IAM:getuser""#, r#""Resource":"*""#),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        (
            &stmt("Allow", r#""Action":"iam:GetUser""#, r#""Resource":"*""#),
            "iam:GetUserPolicy",
            USER_ARN,
            ImplicitDeny,
        ),
        (
            &stmt("Allow", r#""Action":"iam:Get*""#, r#""Resource":"*""#),
            "iam:GetCredentialReport",
            "*",
            Allow,
        ),
        (
            &stmt("Allow", r#""Action":"iam:Get*""#, r#""Resource":"*""#),
            "iam:GenerateCredentialReport",
            "*",
            ImplicitDeny,
        ),
        (
            &stmt("Allow", r#""Action":"iam:*""#, r#""Resource":"*""#),
            "iam:DeleteUser",
            USER_ARN,
            Allow,
        ),
        (
            &stmt("Allow", r#""Action":"iam:*""#, r#""Resource":"*""#),
            "s3:GetObject",
            USER_ARN,
            ImplicitDeny,
        ),
        (
            &stmt("Allow", r#""Action":"*""#, r#""Resource":"*""#),
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            Allow,
        ),
        // `?` is exactly one character.
        (
            &stmt("Allow", r#""Action":"iam:?etUser""#, r#""Resource":"*""#),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        (
            &stmt("Allow", r#""Action":"iam:?GetUser""#, r#""Resource":"*""#),
            "iam:GetUser",
            USER_ARN,
            ImplicitDeny,
        ),
        // Resources: case-sensitive, wildcards.
        (
            &stmt(
                "Allow",
                r#""Action":"iam:GetUser""#,
                r#""Resource":"arn:aws:iam::123456789012:user/*""#,
            ),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        (
            &stmt(
                "Allow",
                r#""Action":"iam:GetUser""#,
                r#""Resource":"arn:aws:iam::123456789012:user/Alice""#,
            ),
            "iam:GetUser",
            USER_ARN,
            ImplicitDeny,
        ),
        (
            &stmt(
                "Allow",
                r#""Action":"iam:GetUser""#,
                r#""Resource":"arn:aws:iam::12345678901?:user/al?ce""#,
            ),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        (
            &stmt(
                "Allow",
                r#""Action":["iam:ListUsers","iam:GetUser"]"#,
                r#""Resource":["arn:aws:iam::123456789012:user/bob","arn:aws:iam::123456789012:user/alice"]"#,
            ),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        // Resources match part by part.
        (
            &stmt(
                "Allow",
                r#""Action":"iam:GetUser""#,
                r#""Resource":"arn:aws:iam::*:*""#,
            ),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        (
            &stmt(
                "Allow",
                r#""Action":"iam:GetUser""#,
                r#""Resource":"arn:*:iam::*:user/*""#,
            ),
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        // A request on `*` (a simulation without resources) matches only `*`.
        (
            &stmt(
                "Allow",
                r#""Action":"iam:GetUser""#,
                r#""Resource":"arn:aws:iam::*:*""#,
            ),
            "iam:GetUser",
            "*",
            ImplicitDeny,
        ),
        // NotAction: everything but.
        (
            &stmt("Allow", r#""NotAction":"iam:*""#, r#""Resource":"*""#),
            "s3:GetObject",
            "*",
            Allow,
        ),
        (
            &stmt("Allow", r#""NotAction":"iam:*""#, r#""Resource":"*""#),
            "iam:GetUser",
            "*",
            ImplicitDeny,
        ),
        (
            &stmt(
                "Allow",
                r#""NotAction":["iam:Delete*","iam:Put*"]"#,
                r#""Resource":"*""#,
            ),
            "iam:GetUser",
            "*",
            Allow,
        ),
        // NotResource.
        (
            &stmt(
                "Allow",
                r#""Action":"iam:*""#,
                r#""NotResource":"arn:aws:iam::123456789012:user/admin*""#,
            ),
            "iam:DeleteUser",
            USER_ARN,
            Allow,
        ),
        (
            &stmt(
                "Allow",
                r#""Action":"iam:*""#,
                r#""NotResource":"arn:aws:iam::123456789012:user/admin*""#,
            ),
            "iam:DeleteUser",
            "arn:aws:iam::123456789012:user/admin-bob",
            ImplicitDeny,
        ),
        // Deny overrides Allow, in either order.
        (
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#,
            "iam:DeleteUser",
            USER_ARN,
            ExplicitDeny,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"},
                {"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#,
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        // A lone Deny that does not match: implicit deny, not explicit.
        (
            &stmt("Deny", r#""Action":"iam:DeleteUser""#, r#""Resource":"*""#),
            "iam:GetUser",
            USER_ARN,
            ImplicitDeny,
        ),
        (
            &stmt("Deny", r#""NotAction":"iam:Get*""#, r#""Resource":"*""#),
            "iam:DeleteUser",
            USER_ARN,
            ExplicitDeny,
        ),
        // Conditions are evaluated: with no such key in the context, an Allow on
        // `Bool true` does not grant; a Deny on `BoolIfExists false` applies.
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*",
                "Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#,
            "iam:GetUser",
            USER_ARN,
            ImplicitDeny,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                {"Effect":"Deny","Action":"iam:*","Resource":"*",
                 "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":false}}}]}"#,
            "iam:GetUser",
            USER_ARN,
            ExplicitDeny,
        ),
        // An empty Condition block is no condition.
        (
            r#"{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{}}}"#,
            "iam:GetUser",
            USER_ARN,
            Allow,
        ),
        // Variables in 2008-10-17 documents are text.
        (
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}}"#,
            "s3:GetObject",
            "arn:aws:s3:::b/${aws:username}",
            Allow,
        ),
        // Variables before the fifth colon are text too.
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:${aws:username}::b"}}"#,
            "s3:GetObject",
            "arn:aws:s3:${aws:username}::b",
            Allow,
        ),
    ];
    for (json, action, resource, expected) in cases {
        let policy = [doc(json, PolicyKind::Identity)];
        assert_eq!(
            identity_decision(&policy, action, resource),
            *expected,
            "{json} / {action} / {resource}"
        );
    }
}

#[test]
fn several_identity_policies() {
    let allow = doc(
        &stmt("Allow", r#""Action":"iam:*""#, r#""Resource":"*""#),
        PolicyKind::Identity,
    );
    let deny = doc(
        &stmt("Deny", r#""Action":"iam:Delete*""#, r#""Resource":"*""#),
        PolicyKind::Identity,
    );
    let unrelated = doc(
        &stmt("Allow", r#""Action":"s3:*""#, r#""Resource":"*""#),
        PolicyKind::Identity,
    );
    let cases: &[(&[&Policy], &str, Decision)] = &[
        (&[&allow, &deny], "iam:DeleteUser", ExplicitDeny),
        (&[&deny, &allow], "iam:DeleteUser", ExplicitDeny),
        (&[&deny, &allow], "iam:GetUser", Allow),
        (&[&unrelated], "iam:GetUser", ImplicitDeny),
        (&[], "iam:GetUser", ImplicitDeny),
        (&[&allow, &unrelated], "s3:GetObject", Allow),
    ];
    for (set, action, expected) in cases {
        let owned: Vec<Policy> = set.iter().map(|p| (*p).clone()).collect();
        assert_eq!(
            identity_decision(&owned, action, "*"),
            *expected,
            "{action}"
        );
    }
    assert!(Allow.is_allowed() && !ExplicitDeny.is_allowed() && !ImplicitDeny.is_allowed());
    assert_eq!(
        [Allow, ExplicitDeny, ImplicitDeny].map(Decision::as_str),
        ["allowed", "explicitDeny", "implicitDeny"]
    );
}

const OTHER: &str = "444455556666";
const EVE_ARN: &str = "arn:aws:iam::444455556666:user/eve";
const EVE: Principal<'static> = Principal::User {
    account: OTHER,
    arn: EVE_ARN,
};
const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/app";
const SESSION_ARN: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";
const SESSION: Principal<'static> = Principal::AssumedRole {
    account: ACCOUNT,
    role_arn: ROLE_ARN,
    session_arn: Some(SESSION_ARN),
};
const BUCKET: &str = "arn:aws:s3:::shared/k";

/// A bucket policy allowing `s3:GetObject` to `principal`.
fn bucket_policy(principal: &str) -> Policy {
    doc(
        &format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{principal},
                "Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}}}}"#
        ),
        PolicyKind::Resource,
    )
}

/// One scenario: the principal, the bucket's account, the JSON of its identity-based
/// policy, of the bucket policy's `Principal`, of its boundary and of its session policy
/// (each optional), and the decision on `s3:GetObject`.
type Scenario = (
    Principal<'static>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Decision,
);

const GET_OBJECT: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
const ONLY_EC2: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}"#;
const DENY_S3: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#;

const TO_ALICE: &str = r#"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#;
const TO_ACCOUNT: &str = r#"{"AWS":"111122223333"}"#;
const TO_ROLE: &str = r#"{"AWS":"arn:aws:iam::111122223333:role/app"}"#;
const TO_SESSION: &str = r#"{"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"}"#;
const TO_EVE: &str = r#"{"AWS":"arn:aws:iam::444455556666:user/eve"}"#;
const TO_OTHER_ACCOUNT: &str = r#"{"AWS":"arn:aws:iam::444455556666:root"}"#;
const TO_EVERYONE: &str = r#""*""#;
const TO_EC2: &str = r#"{"Service":"ec2.amazonaws.com"}"#;

fn run(s: &Scenario) -> Decision {
    let (principal, resource_account, identity, resource, boundary, session, _) = *s;
    let identity: Vec<Policy> = identity
        .iter()
        .map(|j| doc(j, PolicyKind::Identity))
        .collect();
    let resource = resource.map(bucket_policy);
    let boundary = boundary.map(|j| doc(j, PolicyKind::Identity));
    let session: Vec<Policy> = session
        .iter()
        .map(|j| doc(j, PolicyKind::Identity))
        .collect();
    let ids = sourced(&identity);
    let sessions = sourced(&session);
    let source = |policy| Sourced {
        id: "p",
        source_type: SourceType::Resource,
        policy,
    };
    let set = PolicySet {
        identity: &ids,
        resource: resource.as_ref().map(source),
        resource_must_allow: false,
        boundary: boundary.as_ref().map(source),
        session: &sessions,
    };
    let ctx = RequestContext::new();
    let request = Request {
        principal,
        action: "s3:GetObject",
        resource: BUCKET,
        resource_account,
        context: &ctx,
    };
    decide(&request, &set)
}

#[test]
fn resource_policies_boundaries_sessions_and_accounts() {
    const ROOT: Principal<'static> = Principal::Root { account: ACCOUNT };
    const OTHER_ROOT: Principal<'static> = Principal::Root { account: OTHER };
    const EC2: Principal<'static> = Principal::Service("ec2.amazonaws.com");
    const HERE: Option<&str> = Some(ACCOUNT);
    let rows: &[Scenario] = &[
        // Same account: either side allows.
        (ALICE, None, Some(GET_OBJECT), None, None, None, Allow),
        (ALICE, None, None, Some(TO_ALICE), None, None, Allow),
        (ALICE, HERE, None, Some(TO_ALICE), None, None, Allow),
        // Naming the account (or everyone) delegates to the account's policies.
        (
            ALICE,
            None,
            None,
            Some(TO_ACCOUNT),
            None,
            None,
            ImplicitDeny,
        ),
        (
            ALICE,
            None,
            Some(GET_OBJECT),
            Some(TO_ACCOUNT),
            None,
            None,
            Allow,
        ),
        (
            ALICE,
            None,
            None,
            Some(TO_EVERYONE),
            None,
            None,
            ImplicitDeny,
        ),
        // A user named directly is not limited by its boundary...
        (
            ALICE,
            None,
            None,
            Some(TO_ALICE),
            Some(ONLY_EC2),
            None,
            Allow,
        ),
        // ...but its identity-based Allow is.
        (
            ALICE,
            None,
            Some(GET_OBJECT),
            None,
            Some(ONLY_EC2),
            None,
            ImplicitDeny,
        ),
        (
            ALICE,
            None,
            Some(GET_OBJECT),
            None,
            Some(GET_OBJECT),
            None,
            Allow,
        ),
        // An explicit Deny anywhere wins.
        (
            ALICE,
            None,
            Some(DENY_S3),
            Some(TO_ALICE),
            None,
            None,
            ExplicitDeny,
        ),
        (
            ALICE,
            None,
            Some(GET_OBJECT),
            None,
            Some(DENY_S3),
            None,
            ExplicitDeny,
        ),
        // Role sessions: the role's ARN grants within boundary and session policies, the
        // session's ARN grants outright.
        (SESSION, None, None, Some(TO_ROLE), None, None, Allow),
        (
            SESSION,
            None,
            None,
            Some(TO_ROLE),
            Some(ONLY_EC2),
            None,
            ImplicitDeny,
        ),
        (
            SESSION,
            None,
            None,
            Some(TO_ROLE),
            None,
            Some(ONLY_EC2),
            ImplicitDeny,
        ),
        (
            SESSION,
            None,
            None,
            Some(TO_SESSION),
            Some(ONLY_EC2),
            Some(ONLY_EC2),
            Allow,
        ),
        (
            SESSION,
            None,
            Some(GET_OBJECT),
            None,
            None,
            Some(ONLY_EC2),
            ImplicitDeny,
        ),
        (
            SESSION,
            None,
            Some(GET_OBJECT),
            None,
            None,
            Some(GET_OBJECT),
            Allow,
        ),
        (
            SESSION,
            None,
            Some(GET_OBJECT),
            None,
            None,
            Some(DENY_S3),
            ExplicitDeny,
        ),
        // Session policies grant nothing alone.
        (
            SESSION,
            None,
            None,
            None,
            None,
            Some(GET_OBJECT),
            ImplicitDeny,
        ),
        // Across accounts both sides must allow.
        (EVE, HERE, Some(GET_OBJECT), None, None, None, ImplicitDeny),
        (EVE, HERE, None, Some(TO_EVE), None, None, ImplicitDeny),
        (EVE, HERE, Some(GET_OBJECT), Some(TO_EVE), None, None, Allow),
        (
            EVE,
            HERE,
            Some(GET_OBJECT),
            Some(TO_OTHER_ACCOUNT),
            None,
            None,
            Allow,
        ),
        (
            EVE,
            HERE,
            Some(GET_OBJECT),
            Some(TO_EVERYONE),
            None,
            None,
            Allow,
        ),
        (
            EVE,
            HERE,
            Some(GET_OBJECT),
            Some(TO_ACCOUNT),
            None,
            None,
            ImplicitDeny,
        ),
        (
            EVE,
            HERE,
            Some(GET_OBJECT),
            Some(TO_EVE),
            Some(ONLY_EC2),
            None,
            ImplicitDeny,
        ),
        // The root user: everything in its account, explicit denies aside.
        (ROOT, None, None, None, None, None, Allow),
        (ROOT, None, None, Some(TO_ALICE), None, None, Allow),
        (OTHER_ROOT, HERE, None, None, None, None, ImplicitDeny),
        (
            OTHER_ROOT,
            HERE,
            None,
            Some(TO_OTHER_ACCOUNT),
            None,
            None,
            Allow,
        ),
        // A service: only a resource-based policy naming it.
        (EC2, None, Some(GET_OBJECT), None, None, None, ImplicitDeny),
        (EC2, None, None, Some(TO_EC2), None, None, Allow),
    ];
    for row in rows {
        assert_eq!(run(row), row.6, "{row:?}");
    }
}

/// Role trust policies are resource-based policies for `sts:AssumeRole` that must allow
/// on their own: naming the account is not enough without an identity-based Allow.
#[test]
fn trust_policies_must_allow() {
    const ASSUME: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}"#;
    let trust = |principal: &str| {
        doc(
            &format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}}}"#
            ),
            PolicyKind::Trust,
        )
    };
    /// The trust policy's `Principal`, the caller's identity-based policy, the caller,
    /// the role's account (`None`: the caller's), the decision.
    type Case = (
        String,
        Option<&'static str>,
        Principal<'static>,
        Option<&'static str>,
        Decision,
    );
    let cases: &[Case] = &[
        (
            format!(r#"{{"AWS":"{ALICE_ARN}"}}"#),
            None,
            ALICE,
            None,
            Allow,
        ),
        (
            format!(r#"{{"AWS":"{ACCOUNT}"}}"#),
            None,
            ALICE,
            None,
            ImplicitDeny,
        ),
        (
            format!(r#"{{"AWS":"{ACCOUNT}"}}"#),
            Some(ASSUME),
            ALICE,
            None,
            Allow,
        ),
        // An identity-based Allow alone does not let anyone assume a role.
        (
            r#"{"AWS":"arn:aws:iam::999999999999:root"}"#.to_owned(),
            Some(ASSUME),
            ALICE,
            None,
            ImplicitDeny,
        ),
        (
            format!(r#"{{"AWS":"{ACCOUNT}"}}"#),
            Some(ASSUME),
            EVE,
            Some(ACCOUNT),
            ImplicitDeny,
        ),
        (
            format!(r#"{{"AWS":"{OTHER}"}}"#),
            Some(ASSUME),
            EVE,
            Some(ACCOUNT),
            Allow,
        ),
        (
            format!(r#"{{"AWS":"{EVE_ARN}"}}"#),
            None,
            EVE,
            Some(ACCOUNT),
            ImplicitDeny,
        ),
        (
            r#"{"Service":"lambda.amazonaws.com"}"#.to_owned(),
            None,
            Principal::Service("lambda.amazonaws.com"),
            None,
            Allow,
        ),
    ];
    for (principal, identity, who, resource_account, expected) in cases {
        let trust = trust(principal);
        let identity: Vec<Policy> = identity
            .iter()
            .map(|j| doc(j, PolicyKind::Identity))
            .collect();
        let ids = sourced(&identity);
        let set = PolicySet {
            identity: &ids,
            resource: Some(Sourced {
                id: "trust",
                source_type: SourceType::Resource,
                policy: &trust,
            }),
            resource_must_allow: true,
            ..PolicySet::default()
        };
        let ctx = RequestContext::new();
        let request = Request {
            principal: *who,
            action: "sts:AssumeRole",
            resource: ROLE_ARN,
            resource_account: *resource_account,
            context: &ctx,
        };
        assert_eq!(decide(&request, &set), *expected, "{principal} for {who:?}");
    }
}
