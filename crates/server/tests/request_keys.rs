//! The condition keys an action adds to its request's context, where AWS's service
//! authorization reference for IAM lists them (issue 23): `aws:RequestTag/…` and
//! `aws:TagKeys` on CreateUser, CreateRole, CreatePolicy with tags and on Tag{User,Role,
//! Policy}; `aws:TagKeys` alone on Untag…; `iam:PolicyARN` on Attach/Detach{User,Group,
//! Role}Policy. ursula's one policy allows each action only under a condition on its key;
//! each request must get the code beside it.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{fixture, outcome, send, signed};
use credreport_iam::model::Owner;
use credreport_iam::{Named, NewRole};

/// ursula's policy: each statement one key's condition.
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"TagRed","Effect":"Allow","Action":["iam:TagUser","iam:TagRole","iam:TagPolicy","iam:CreateUser","iam:CreateRole","iam:CreatePolicy"],"Resource":"*",
  "Condition":{"StringEquals":{"aws:RequestTag/team":"red"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}},
 {"Sid":"CreateUntagged","Effect":"Allow","Action":["iam:CreateUser","iam:CreatePolicy"],"Resource":"*",
  "Condition":{"Null":{"aws:TagKeys":"true"}}},
 {"Sid":"UntagOnlyTeam","Effect":"Allow","Action":["iam:UntagUser","iam:UntagRole","iam:UntagPolicy"],"Resource":"*",
  "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]},"Null":{"aws:RequestTag/team":"true"}}},
 {"Sid":"OnlyReadOnly","Effect":"Allow","Action":["iam:AttachUserPolicy","iam:DetachUserPolicy","iam:AttachGroupPolicy","iam:DetachGroupPolicy","iam:AttachRolePolicy","iam:DetachRolePolicy"],"Resource":"*",
  "Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}}}]}"#;

const POLICY_DOC: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGet%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

const TRUST: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22ACCOUNT%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";

const READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// ursula's requests (`ACCOUNT`, `POLICY_DOC`, `TRUST`, `READ_ONLY`, `ADMIN` replaced) and
/// the code each must get.
const CASES: &[(&str, &str)] = &[
    // Tag*: aws:RequestTag/team must be red, and team the only key.
    ("Action=TagUser&UserName=target&Tags.member.1.Key=team&Tags.member.1.Value=red", "OK"),
    ("Action=TagUser&UserName=target&Tags.member.1.Key=team&Tags.member.1.Value=blue", "AccessDenied"),
    ("Action=TagUser&UserName=target&Tags.member.1.Key=team&Tags.member.1.Value=red&Tags.member.2.Key=cost&Tags.member.2.Value=1", "AccessDenied"),
    ("Action=TagRole&RoleName=target&Tags.member.1.Key=team&Tags.member.1.Value=red", "OK"),
    ("Action=TagRole&RoleName=target&Tags.member.1.Key=owner&Tags.member.1.Value=red", "AccessDenied"),
    ("Action=TagPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/target&Tags.member.1.Key=team&Tags.member.1.Value=red", "OK"),
    ("Action=TagPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/target&Tags.member.1.Key=team&Tags.member.1.Value=blue", "AccessDenied"),
    // Untag*: aws:TagKeys only (no aws:RequestTag).
    ("Action=UntagUser&UserName=target&TagKeys.member.1=team", "OK"),
    ("Action=UntagUser&UserName=target&TagKeys.member.1=cost", "AccessDenied"),
    ("Action=UntagRole&RoleName=target&TagKeys.member.1=team", "OK"),
    ("Action=UntagPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/target&TagKeys.member.1=team&TagKeys.member.2=cost", "AccessDenied"),
    // Create with tags: the tags are the create's request tags too; without tags, no key.
    ("Action=CreateUser&UserName=red1&Tags.member.1.Key=team&Tags.member.1.Value=red", "OK"),
    ("Action=CreateUser&UserName=blue1&Tags.member.1.Key=team&Tags.member.1.Value=blue", "AccessDenied"),
    ("Action=CreateUser&UserName=plain1", "OK"),
    ("Action=CreateRole&RoleName=red1&AssumeRolePolicyDocument=TRUST&Tags.member.1.Key=team&Tags.member.1.Value=red", "OK"),
    ("Action=CreateRole&RoleName=plain1&AssumeRolePolicyDocument=TRUST", "AccessDenied"),
    ("Action=CreatePolicy&PolicyName=red1&PolicyDocument=POLICY_DOC&Tags.member.1.Key=team&Tags.member.1.Value=red", "OK"),
    ("Action=CreatePolicy&PolicyName=blue1&PolicyDocument=POLICY_DOC&Tags.member.1.Key=team&Tags.member.1.Value=blue", "AccessDenied"),
    ("Action=CreatePolicy&PolicyName=plain1&PolicyDocument=POLICY_DOC", "OK"),
    // Attach/Detach: iam:PolicyARN is the policy named.
    ("Action=AttachUserPolicy&UserName=target&PolicyArn=READ_ONLY", "OK"),
    ("Action=AttachUserPolicy&UserName=target&PolicyArn=ADMIN", "AccessDenied"),
    ("Action=DetachUserPolicy&UserName=target&PolicyArn=READ_ONLY", "OK"),
    ("Action=AttachGroupPolicy&GroupName=target&PolicyArn=READ_ONLY", "OK"),
    ("Action=AttachGroupPolicy&GroupName=target&PolicyArn=ADMIN", "AccessDenied"),
    ("Action=DetachGroupPolicy&GroupName=target&PolicyArn=READ_ONLY", "OK"),
    ("Action=AttachRolePolicy&RoleName=target&PolicyArn=READ_ONLY", "OK"),
    ("Action=AttachRolePolicy&RoleName=target&PolicyArn=ADMIN", "AccessDenied"),
    ("Action=DetachRolePolicy&RoleName=target&PolicyArn=ADMIN", "AccessDenied"),
    ("Action=DetachRolePolicy&RoleName=target&PolicyArn=READ_ONLY", "OK"),
];

#[tokio::test]
async fn each_action_adds_the_condition_keys_aws_lists_for_it() {
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    let ursula = f.iam.create_user(&account, "ursula", None).unwrap();
    f.iam
        .put_inline_policy(&account, Named::User("ursula"), "keys", POLICY)
        .unwrap();
    f.iam.create_user(&account, "target", None).unwrap();
    f.iam.create_group(&account, "target", None).unwrap();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{account}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    f.iam
        .create_role(
            &account,
            &NewRole {
                name: "target",
                path: None,
                assume_role_policy: &trust,
                description: None,
                max_session_duration: None,
                permissions_boundary: None,
            },
        )
        .unwrap();
    f.iam
        .attach_policy(&account, Named::Role("target"), ADMIN)
        .unwrap();
    f.iam
        .create_policy(
            &account,
            "target",
            None,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#,
            None,
        )
        .unwrap();
    let key = f
        .iam
        .create_access_key(&account, &Owner::User(ursula.id))
        .unwrap();
    let secret = key.secret.expose_str().unwrap().to_owned();
    let mut failures = Vec::new();
    for (body, expected) in CASES {
        let body = format!("{body}&Version=2010-05-08")
            .replace("POLICY_DOC", POLICY_DOC)
            .replace("TRUST", TRUST)
            .replace("READ_ONLY", READ_ONLY)
            .replace("ADMIN", ADMIN)
            .replace("ACCOUNT", account.as_str());
        let (status, answer, _) = send(&f.iam, signed(&key.key.id, &secret, &body, 0)).await;
        let got = outcome(status, &answer);
        if got != *expected {
            failures.push(format!("{body}: expected {expected}, got {got}: {answer}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
