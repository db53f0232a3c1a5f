//! A generated account's authorization details, as `aws iam
//! get-account-authorization-details` prints them, for benchmarks: users in the groups
//! real accounts have (most users share a few groups), roles, and AWS's own managed
//! policy documents (read from `crates/iam/data/aws-managed-policies`).
//!
//! For each user `(name, human)` in order, by its position `i`:
//!
//! - one in a hundred is in `admins` (AdministratorAccess);
//! - humans are in `console` (IAMUserChangePassword, and AWS's example policy that lets
//!   users manage their own credentials with MFA), and in `developers`
//!   (PowerUserAccess) and a team's group, or in `readers` (ReadOnlyAccess);
//! - machines are in a team's group (a customer managed policy: S3 on the team's bucket,
//!   Lambda on its functions, PassRole of its role), and one in twenty has an inline
//!   policy of its own (a set of its own);
//! - 20 teams; roles: 5 administrator roles, a deploy role per team (trusting Lambda), 25
//!   read-only roles, each with a last use.

use serde_json::{json, Value};

const TEAMS: usize = 20;

fn read(path: &str) -> Value {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn aws_policy(name: &str) -> Value {
    let v = if name == "IAMUserChangePassword" {
        read("privilege/tests/data/IAMUserChangePassword.json")
    } else {
        read(&format!("iam/data/aws-managed-policies/{name}.json"))
    };
    managed(
        name,
        &format!("arn:aws:iam::aws:policy/{name}"),
        v["Document"].clone(),
    )
}

fn managed(name: &str, arn: &str, document: Value) -> Value {
    json!({
        "PolicyName": name,
        "PolicyId": format!("ANPA{}", name.len()),
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 1,
        "IsAttachable": true,
        "PolicyVersionList": [
            {"Document": document, "VersionId": "v1", "IsDefaultVersion": true,
             "CreateDate": "2020-01-01T00:00:00+00:00"}
        ]
    })
}

fn attached(arn: &str) -> Value {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    json!({"PolicyName": name, "PolicyArn": arn})
}

/// The authorization details of account `account` with these users (name, human) and
/// the groups, roles and policies described in the module documentation, as JSON text.
pub fn authorization_details(account: &str, users: &[(String, bool)]) -> String {
    let aws = |name: &str| format!("arn:aws:iam::aws:policy/{name}");
    let mut policies: Vec<Value> = [
        "AdministratorAccess",
        "PowerUserAccess",
        "ReadOnlyAccess",
        "IAMUserChangePassword",
    ]
    .iter()
    .map(|n| aws_policy(n))
    .collect();
    for t in 0..TEAMS {
        policies.push(managed(
            &format!("deploy-team-{t}"),
            &format!("arn:aws:iam::{account}:policy/deploy-team-{t}"),
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                 "Resource": [format!("arn:aws:s3:::team-{t}"), format!("arn:aws:s3:::team-{t}/*")]},
                {"Effect": "Allow", "Action": ["lambda:UpdateFunctionCode", "lambda:GetFunction"],
                 "Resource": format!("arn:aws:lambda:*:{account}:function:team-{t}-*")},
                {"Effect": "Allow", "Action": "iam:PassRole",
                 "Resource": format!("arn:aws:iam::{account}:role/team-{t}-deploy")}
            ]}),
        ));
    }
    let self_manage = read("policy/tests/data/aws-examples/my-sec-creds-self-manage.json");
    let group = |name: &str, managed: Vec<String>, inline: Vec<Value>| {
        json!({
            "Path": "/",
            "GroupName": name,
            "GroupId": format!("AGPA{name}"),
            "Arn": format!("arn:aws:iam::{account}:group/{name}"),
            "CreateDate": "2019-01-01T00:00:00+00:00",
            "GroupPolicyList": inline,
            "AttachedManagedPolicies": managed.iter().map(|a| attached(a)).collect::<Vec<_>>(),
        })
    };
    let mut groups = vec![
        group("admins", vec![aws("AdministratorAccess")], vec![]),
        group("developers", vec![aws("PowerUserAccess")], vec![]),
        group("readers", vec![aws("ReadOnlyAccess")], vec![]),
        group(
            "console",
            vec![aws("IAMUserChangePassword")],
            vec![json!({"PolicyName": "self-manage", "PolicyDocument": self_manage})],
        ),
    ];
    for t in 0..TEAMS {
        groups.push(group(
            &format!("team-{t}"),
            vec![format!("arn:aws:iam::{account}:policy/deploy-team-{t}")],
            vec![],
        ));
    }
    let user_list: Vec<Value> = users
        .iter()
        .enumerate()
        .map(|(i, (name, human))| {
            let team = format!("team-{}", i % TEAMS);
            let mut groups = Vec::new();
            let mut inline = Vec::new();
            if i % 100 == 0 {
                groups.push("admins".to_owned());
            }
            if *human {
                groups.push("console".to_owned());
                if i % 2 == 0 {
                    groups.push("developers".to_owned());
                    groups.push(team);
                } else {
                    groups.push("readers".to_owned());
                }
            } else {
                groups.push(team);
                if i % 20 == 0 {
                    inline.push(json!({"PolicyName": "own", "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                                       "Resource": format!("arn:aws:sqs:*:{account}:{name}")}]}}));
                }
            }
            json!({
                "Path": "/",
                "UserName": name,
                "UserId": format!("AIDA{i:016}"),
                "Arn": format!("arn:aws:iam::{account}:user/{name}"),
                "CreateDate": "2020-01-01T00:00:00+00:00",
                "UserPolicyList": inline,
                "GroupList": groups,
                "AttachedManagedPolicies": [],
                "Tags": []
            })
        })
        .collect();
    let role = |name: &str, trust: Value, managed: Vec<String>, last: &str| {
        json!({
            "Path": "/",
            "RoleName": name,
            "RoleId": format!("AROA{name}"),
            "Arn": format!("arn:aws:iam::{account}:role/{name}"),
            "CreateDate": "2019-06-01T00:00:00+00:00",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": trust, "Action": "sts:AssumeRole"}]},
            "InstanceProfileList": [],
            "RolePolicyList": [],
            "AttachedManagedPolicies": managed.iter().map(|a| attached(a)).collect::<Vec<_>>(),
            "Tags": [],
            "RoleLastUsed": {"LastUsedDate": last, "Region": "us-east-1"}
        })
    };
    let account_root = json!({"AWS": format!("arn:aws:iam::{account}:root")});
    let mut roles = Vec::new();
    for r in 0..5 {
        roles.push(role(
            &format!("admin-{r}"),
            json!({"Service": "ec2.amazonaws.com"}),
            vec![aws("AdministratorAccess")],
            "2020-11-01T00:00:00+00:00",
        ));
    }
    for t in 0..TEAMS {
        roles.push(role(
            &format!("team-{t}-deploy"),
            json!({"Service": "lambda.amazonaws.com"}),
            vec![format!("arn:aws:iam::{account}:policy/deploy-team-{t}")],
            "2020-12-20T00:00:00+00:00",
        ));
    }
    for r in 0..25 {
        roles.push(role(
            &format!("reader-{r}"),
            account_root.clone(),
            vec![aws("ReadOnlyAccess")],
            "2019-07-01T00:00:00+00:00",
        ));
    }
    let details = json!({
        "UserDetailList": user_list,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": false
    });
    serde_json::to_string_pretty(&details).unwrap_or_default()
}
