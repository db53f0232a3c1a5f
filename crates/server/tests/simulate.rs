//! The policy simulator on the wire (issue 23): SimulatePrincipalPolicy,
//! SimulateCustomPolicy, GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy
//! decide with the evaluator that authorizes requests, and answer in the service model's
//! shapes (`tests/data/iam-model/shapes.json`).
//!
//! The account: ursula (an inline policy `own` allowing iam:GetUser with MFA, an attached
//! AdministratorAccess, a read-only boundary, in group `ops` whose inline policy `no-delete`
//! denies iam:DeleteUser). Each case is a request, the code it must get and text its
//! answer must hold.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::{fixture, flat, outcome, send, signed, Fixture};
use credreport_iam::model::Owner;
use credreport_iam::{AccountId, Named};
use serde::Deserialize;

const OWN: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"SelfWithMfa","Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;

const NO_DELETE: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#;

const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","iam:Simulate*"],"Resource":"*"}]}"#;

/// SimulatePrincipalPolicy on ursula.
const URSULA: &str =
    "Action=SimulatePrincipalPolicy&PolicySourceArn=arn:aws:iam::ACCOUNT:user/ursula";

/// `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::team/*"}}`
const CUSTOM: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ateam%2F%2A%22%7D%7D";

/// `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`
const DENY_IP: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Deny%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%2C%22Condition%22%3A%7B%22IpAddress%22%3A%7B%22aws%3ASourceIp%22%3A%22203.0.113.0%2F24%22%7D%7D%7D%5D%7D";

/// `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":
/// "arn:aws:iam::ACCOUNT:user/ursula"},"Action":"s3:GetObject","Resource":"*"}]}`
const BUCKET_POLICY: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3AACCOUNT%3Auser%2Fursula%22%7D%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

/// Who sends a case.
#[derive(Clone, Copy, Debug)]
enum By {
    Root,
    Ursula,
}

struct Case {
    name: &'static str,
    by: By,
    body: &'static str,
    expect: &'static str,
    holds: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "the user name unset is a missing context value (the inline policy's resource needs it); the boundary allows GetUser",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:GetUser&ResourceArns.member.1=arn:aws:iam::ACCOUNT:user/ursula",
        expect: "OK",
        holds: &[
            "<EvalActionName>iam:GetUser</EvalActionName><EvalResourceName>arn:aws:iam::ACCOUNT:user/ursula</EvalResourceName><EvalDecision>allowed</EvalDecision>",
            "<SourcePolicyId>arn:aws:iam::aws:policy/AdministratorAccess</SourcePolicyId><SourcePolicyType>aws-managed</SourcePolicyType>",
            "<MissingContextValues><member>aws:username</member></MissingContextValues><PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>true</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail><EvalDecisionDetails/><ResourceSpecificResults><member><EvalResourceName>arn:aws:iam::ACCOUNT:user/ursula</EvalResourceName><EvalResourceDecision>allowed</EvalResourceDecision>",
        ],
    },
    Case {
        name: "the boundary caps the administrator",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:CreateUser",
        expect: "OK",
        holds: &[
            "<EvalResourceName>*</EvalResourceName><EvalDecision>implicitDeny</EvalDecision><MatchedStatements/>",
            "<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>false</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail></member></EvaluationResults><IsTruncated>false</IsTruncated>",
        ],
    },
    Case {
        name: "a boundary given with the request replaces the principal's",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:CreateUser&PermissionsBoundaryPolicyInputList.member.1=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D",
        expect: "OK",
        holds: &[
            "<EvalDecision>allowed</EvalDecision>",
            "<AllowedByPermissionsBoundary>true</AllowedByPermissionsBoundary>",
        ],
    },
    Case {
        name: "the group's Deny wins, named with its statement's positions",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:DeleteUser",
        expect: "OK",
        holds: &[
            "<EvalDecision>explicitDeny</EvalDecision><MatchedStatements><member><SourcePolicyId>no-delete</SourcePolicyId><SourcePolicyType>group</SourcePolicyType><StartPosition><Line>2</Line><Column>3</Column></StartPosition><EndPosition><Line>2</Line><Column>60</Column></EndPosition></member></MatchedStatements>",
        ],
    },
    Case {
        name: "a context entry gives the MFA key and the user name: the inline Allow matches",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:GetUser&ResourceArns.member.1=arn:aws:iam::ACCOUNT:user/ursula&PermissionsBoundaryPolicyInputList.member.1=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGetUser%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D&ContextEntries.member.1.ContextKeyName=aws:MultiFactorAuthPresent&ContextEntries.member.1.ContextKeyType=boolean&ContextEntries.member.1.ContextKeyValues.member.1=true&ContextEntries.member.2.ContextKeyName=aws:username&ContextEntries.member.2.ContextKeyType=string&ContextEntries.member.2.ContextKeyValues.member.1=ursula",
        expect: "OK",
        holds: &[
            "<SourcePolicyId>own</SourcePolicyId><SourcePolicyType>user</SourcePolicyType><StartPosition><Line>1</Line><Column>38</Column></StartPosition><EndPosition><Line>1</Line><Column>206</Column></EndPosition>",
            "<MissingContextValues/>",
        ],
    },
    Case {
        name: "a context value that is not of its type",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:GetUser&ContextEntries.member.1.ContextKeyName=aws:MultiFactorAuthPresent&ContextEntries.member.1.ContextKeyType=boolean&ContextEntries.member.1.ContextKeyValues.member.1=maybe",
        expect: "InvalidInput",
        holds: &["aws:MultiFactorAuthPresent"],
    },
    Case {
        name: "a context type AWS does not have",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:GetUser&ContextEntries.member.1.ContextKeyName=k&ContextEntries.member.1.ContextKeyType=text&ContextEntries.member.1.ContextKeyValues.member.1=v",
        expect: "ValidationError",
        holds: &["contextKeyType"],
    },
    Case {
        name: "a principal that does not exist",
        by: By::Root,
        body: "Action=SimulatePrincipalPolicy&PolicySourceArn=arn:aws:iam::ACCOUNT:user/nobody&ActionNames.member.1=iam:GetUser",
        expect: "NoSuchEntity",
        holds: &[],
    },
    Case {
        name: "another account's principal is not found",
        by: By::Root,
        body: "Action=SimulatePrincipalPolicy&PolicySourceArn=arn:aws:iam::000000000000:user/ursula&ActionNames.member.1=iam:GetUser",
        expect: "NoSuchEntity",
        holds: &[],
    },
    Case {
        name: "ActionNames is required",
        by: By::Root,
        body: "URSULA",
        expect: "ValidationError",
        holds: &["actionNames"],
    },
    Case {
        name: "a malformed policy input",
        by: By::Root,
        body: "URSULA&ActionNames.member.1=iam:GetUser&PolicyInputList.member.1=%7B%7D",
        expect: "InvalidInput",
        holds: &["PolicyInputList.1"],
    },
    Case {
        name: "custom policies: one result per action and resource, the resource's own result",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&ActionNames.member.1=s3:GetObject&ActionNames.member.2=s3:PutObject&ResourceArns.member.1=arn:aws:s3:::team/a&ResourceArns.member.2=arn:aws:s3:::other/b",
        expect: "OK",
        holds: &[
            "<EvalActionName>s3:GetObject</EvalActionName><EvalResourceName>arn:aws:s3:::team/a</EvalResourceName><EvalDecision>allowed</EvalDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><SourcePolicyType>none</SourcePolicyType><StartPosition><Line>1</Line><Column>37</Column></StartPosition><EndPosition><Line>1</Line><Column>106</Column></EndPosition>",
            "<EvalActionName>s3:GetObject</EvalActionName><EvalResourceName>arn:aws:s3:::other/b</EvalResourceName><EvalDecision>implicitDeny</EvalDecision>",
            "<EvalActionName>s3:PutObject</EvalActionName><EvalResourceName>arn:aws:s3:::team/a</EvalResourceName><EvalDecision>implicitDeny</EvalDecision>",
            "<EvalActionName>s3:PutObject</EvalActionName><EvalResourceName>arn:aws:s3:::other/b</EvalResourceName>",
        ],
    },
    Case {
        name: "paging: the first of four results, then where the next starts",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&ActionNames.member.1=s3:GetObject&ActionNames.member.2=s3:PutObject&ResourceArns.member.1=arn:aws:s3:::team/a&ResourceArns.member.2=arn:aws:s3:::other/b&MaxItems=3",
        expect: "OK",
        holds: &["<IsTruncated>true</IsTruncated><Marker>33</Marker>"],
    },
    Case {
        name: "paging: the last page",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&ActionNames.member.1=s3:GetObject&ActionNames.member.2=s3:PutObject&ResourceArns.member.1=arn:aws:s3:::team/a&ResourceArns.member.2=arn:aws:s3:::other/b&MaxItems=3&Marker=33",
        expect: "OK",
        holds: &["<EvaluationResults><member><EvalActionName>s3:PutObject</EvalActionName><EvalResourceName>arn:aws:s3:::other/b</EvalResourceName><EvalDecision>implicitDeny</EvalDecision><MatchedStatements/><MissingContextValues/><EvalDecisionDetails/><ResourceSpecificResults><member><EvalResourceName>arn:aws:s3:::other/b</EvalResourceName><EvalResourceDecision>implicitDeny</EvalResourceDecision><MatchedStatements/><MissingContextValues/><EvalDecisionDetails/></member></ResourceSpecificResults></member></EvaluationResults><IsTruncated>false</IsTruncated>"],
    },
    Case {
        name: "custom policies: a Deny on a source address, with and without the address",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&PolicyInputList.member.2=DENY_IP&ActionNames.member.1=s3:GetObject&ResourceArns.member.1=arn:aws:s3:::team/a&ContextEntries.member.1.ContextKeyName=aws:SourceIp&ContextEntries.member.1.ContextKeyType=ip&ContextEntries.member.1.ContextKeyValues.member.1=203.0.113.9",
        expect: "OK",
        holds: &["<EvalDecision>explicitDeny</EvalDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.2</SourcePolicyId>"],
    },
    Case {
        name: "custom policies: the address outside the range",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&PolicyInputList.member.2=DENY_IP&ActionNames.member.1=s3:GetObject&ResourceArns.member.1=arn:aws:s3:::team/a&ContextEntries.member.1.ContextKeyName=aws:SourceIp&ContextEntries.member.1.ContextKeyType=ip&ContextEntries.member.1.ContextKeyValues.member.1=198.51.100.1",
        expect: "OK",
        holds: &["<EvalDecision>allowed</EvalDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId>"],
    },
    Case {
        name: "across accounts both sides must allow: each side's decision in EvalDecisionDetails",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&ActionNames.member.1=s3:GetObject&ActionNames.member.2=s3:GetObjectAcl&ResourceArns.member.1=arn:aws:s3:::team/a&ResourcePolicy=BUCKET_POLICY&ResourceOwner=arn:aws:iam::111122223333:root&CallerArn=arn:aws:iam::ACCOUNT:user/ursula",
        expect: "OK",
        holds: &[
            "<EvalDecision>allowed</EvalDecision><MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><SourcePolicyType>none</SourcePolicyType><StartPosition><Line>1</Line><Column>37</Column></StartPosition><EndPosition><Line>1</Line><Column>106</Column></EndPosition></member><member><SourcePolicyId>ResourcePolicy</SourcePolicyId><SourcePolicyType>resource</SourcePolicyType>",
            "<EvalDecisionDetails><entry><key>IAM Policy</key><value>allowed</value></entry><entry><key>Resource Policy</key><value>allowed</value></entry></EvalDecisionDetails>",
            "<EvalActionName>s3:GetObjectAcl</EvalActionName><EvalResourceName>arn:aws:s3:::team/a</EvalResourceName><EvalDecision>implicitDeny</EvalDecision><MatchedStatements/><MissingContextValues/><EvalDecisionDetails><entry><key>IAM Policy</key><value>allowed</value></entry><entry><key>Resource Policy</key><value>implicitDeny</value></entry></EvalDecisionDetails>",
        ],
    },
    Case {
        name: "a resource-based policy needs a caller when the source is no user",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&ActionNames.member.1=s3:GetObject&ResourcePolicy=BUCKET_POLICY",
        expect: "InvalidInput",
        holds: &["CallerArn"],
    },
    Case {
        name: "PolicyInputList is required for a custom simulation",
        by: By::Root,
        body: "Action=SimulateCustomPolicy&ActionNames.member.1=s3:GetObject",
        expect: "ValidationError",
        holds: &["policyInputList"],
    },
    Case {
        name: "the context keys of ursula's policies (her group's too) and the input's",
        by: By::Root,
        body: "Action=GetContextKeysForPrincipalPolicy&PolicySourceArn=arn:aws:iam::ACCOUNT:user/ursula&PolicyInputList.member.1=DENY_IP",
        expect: "OK",
        holds: &["<ContextKeyNames><member>aws:MultiFactorAuthPresent</member><member>aws:SourceIp</member><member>aws:username</member></ContextKeyNames>"],
    },
    Case {
        name: "the context keys of custom policies",
        by: By::Root,
        body: "Action=GetContextKeysForCustomPolicy&PolicyInputList.member.1=CUSTOM&PolicyInputList.member.2=DENY_IP",
        expect: "OK",
        holds: &["<ContextKeyNames><member>aws:SourceIp</member></ContextKeyNames>"],
    },
    Case {
        name: "ursula may simulate her own policies (her boundary allows iam:Simulate*)",
        by: By::Ursula,
        body: "URSULA&ActionNames.member.1=iam:ListUsers",
        expect: "OK",
        holds: &["<EvalDecision>allowed</EvalDecision>"],
    },
    Case {
        name: "the simulator's actions are authorized like any other",
        by: By::Ursula,
        body: "Action=SimulateCustomPolicy&PolicyInputList.member.1=CUSTOM&ActionNames.member.1=s3:GetObject",
        expect: "OK",
        holds: &[],
    },
];

async fn account() -> (Fixture, AccountId, String, String) {
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    let ursula = f.iam.create_user(&account, "ursula", None).unwrap();
    f.iam
        .put_inline_policy(&account, Named::User("ursula"), "own", OWN)
        .unwrap();
    f.iam
        .attach_policy(
            &account,
            Named::User("ursula"),
            "arn:aws:iam::aws:policy/AdministratorAccess",
        )
        .unwrap();
    f.iam
        .create_policy(&account, "ReadOnly", None, READ_ONLY, None)
        .unwrap();
    f.iam
        .put_permissions_boundary(
            &account,
            Named::User("ursula"),
            &format!("arn:aws:iam::{account}:policy/ReadOnly"),
        )
        .unwrap();
    f.iam.create_group(&account, "ops", None).unwrap();
    f.iam
        .put_inline_policy(&account, Named::Group("ops"), "no-delete", NO_DELETE)
        .unwrap();
    f.iam.add_user_to_group(&account, "ops", "ursula").unwrap();
    let key = f
        .iam
        .create_access_key(&account, &Owner::User(ursula.id))
        .unwrap();
    let secret = key.secret.expose_str().unwrap().to_owned();
    (f, account, key.key.id, secret)
}

async fn ask(f: &Fixture, key: (&str, &str), account: &AccountId, body: &str) -> (String, String) {
    let body = format!("{body}&Version=2010-05-08")
        .replace("URSULA", URSULA)
        .replace("CUSTOM", CUSTOM)
        .replace("DENY_IP", DENY_IP)
        .replace("BUCKET_POLICY", BUCKET_POLICY)
        .replace("ACCOUNT", account.as_str());
    let (status, answer, _) = send(&f.iam, signed(key.0, key.1, &body, 0)).await;
    let got = outcome(status, &answer).to_owned();
    (got, answer)
}

#[tokio::test]
async fn the_simulator_decides_with_the_request_evaluator_and_explains() {
    let (f, account, key_id, secret) = account().await;
    let mut failures = Vec::new();
    for case in CASES {
        let key = match case.by {
            By::Root => (f.key_id.as_str(), f.secret.as_str()),
            By::Ursula => (key_id.as_str(), secret.as_str()),
        };
        let (got, answer) = ask(&f, key, &account, case.body).await;
        let flat = flat(&answer);
        if got != case.expect {
            failures.push(format!(
                "{}: expected {}, got {got}: {answer}",
                case.name, case.expect
            ));
            continue;
        }
        for text in case.holds {
            let text = text.replace("ACCOUNT", account.as_str());
            if !flat.contains(&text) {
                failures.push(format!("{}: {text}\n  not in {flat}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[derive(Deserialize)]
struct Model {
    shapes: BTreeMap<String, Shape>,
}

#[derive(Deserialize)]
struct Shape {
    members: Vec<String>,
}

/// The element names of `xml`'s children of the first element named `name` that has
/// children, in order (a small reader: the answers are our own, well formed).
fn children(flat: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    let Some(at) = flat.find(&open) else {
        return Vec::new();
    };
    let mut rest = &flat[at + open.len()..];
    let mut out = Vec::new();
    let close = format!("</{}>", name.rsplit('<').next().unwrap_or(name));
    while !rest.starts_with(&close) && !rest.is_empty() {
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[1..end];
        if let Some(t) = tag.strip_suffix('/') {
            out.push(t.to_owned());
            rest = &rest[end + 1..];
            continue;
        }
        out.push(tag.to_owned());
        // Skip to this child's own closing tag (children of the same name do not nest).
        let child_close = format!("</{tag}>");
        let Some(skip) = rest.find(&child_close) else {
            break;
        };
        rest = &rest[skip + child_close.len()..];
    }
    out
}

#[tokio::test]
async fn the_answers_members_are_the_models_in_its_order() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/iam-model/shapes.json"
    );
    let model: Model = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (f, account, _, _) = account().await;
    let root = (f.key_id.as_str(), f.secret.as_str());
    let body = "URSULA&ActionNames.member.1=iam:DeleteUser&ResourceArns.member.1=arn:aws:iam::ACCOUNT:user/x";
    let (got, answer) = ask(&f, root, &account, body).await;
    assert_eq!(got, "OK", "{answer}");
    let flat = flat(&answer);
    // (element, shape, members left out: OrganizationsDecisionDetail, without organization
    // policies here).
    let checks: &[(&str, &str, &[&str])] = &[
        (
            "SimulatePrincipalPolicyResult",
            "SimulatePolicyResponse",
            &["Marker"],
        ),
        (
            "EvaluationResults><member",
            "EvaluationResult",
            &["OrganizationsDecisionDetail"],
        ),
        ("MatchedStatements><member", "Statement", &[]),
        ("StartPosition", "Position", &[]),
        (
            "ResourceSpecificResults><member",
            "ResourceSpecificResult",
            &[],
        ),
        (
            "PermissionsBoundaryDecisionDetail",
            "PermissionsBoundaryDecisionDetail",
            &[],
        ),
    ];
    for (element, shape, omitted) in checks {
        let expected: Vec<&String> = model.shapes[*shape]
            .members
            .iter()
            .filter(|m| !omitted.contains(&m.as_str()))
            .collect();
        let got = children(&flat, element);
        assert_eq!(
            got.iter().collect::<Vec<_>>(),
            expected,
            "{shape} in {flat}"
        );
    }
}
