//! AWS's documented example policies against requests this endpoint serves, from the one
//! table the end-to-end test shares (`tests/e2e/data/policy_examples.json`; the policies
//! are `crates/policy/tests/data/aws-examples`, sources in its SOURCE.md): every case
//! through SimulatePrincipalPolicy with the context its credentials carry, and the cases
//! with long-term keys also as real signed requests. Both must give the table's decision.
//! (`tests/e2e/boto3_policy_examples.py` runs the MFA cases for real too, with
//! GetSessionToken and a TOTP code.)

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use common::{code, fixture, send, signed, Fixture};
use credreport_iam::model::Owner;
use credreport_iam::{AccountId, Named};
use serde::Deserialize;

#[derive(Deserialize)]
struct Table {
    principals: BTreeMap<String, Holder>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Holder {
    inline: Vec<String>,
    boundary: Option<String>,
}

#[derive(Deserialize)]
struct Case {
    principal: String,
    credentials: String,
    action: String,
    user: Option<String>,
    decision: String,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(file: &str) -> String {
    std::fs::read_to_string(
        repo()
            .join("crates/policy/tests/data/aws-examples")
            .join(file),
    )
    .unwrap()
}

fn stem(file: &str) -> &str {
    file.trim_end_matches(".json")
}

/// The request a case's action makes (its Query parameters).
fn request(case: &Case) -> String {
    let user = case.user.as_deref().unwrap_or_default();
    let action = case.action.trim_start_matches("iam:");
    match action {
        "ListUsers" | "GetAccountPasswordPolicy" => format!("Action={action}"),
        _ => format!("Action={action}&UserName={user}"),
    }
}

/// The decision a real request's answer shows.
fn decision_of(status: StatusCode, answer: &str) -> &'static str {
    if status == StatusCode::OK || code(answer) != "AccessDenied" {
        "allowed"
    } else if answer.contains("with an explicit deny") {
        "explicitDeny"
    } else {
        "implicitDeny"
    }
}

/// SimulatePrincipalPolicy's parameters for a case: the context its credentials carry.
fn simulation(account: &AccountId, case: &Case) -> String {
    let mut body = format!(
        "Action=SimulatePrincipalPolicy&PolicySourceArn=arn:aws:iam::{account}:user/{}&ActionNames.member.1={}",
        case.principal, case.action
    );
    if let Some(user) = &case.user {
        body.push_str(&format!(
            "&ResourceArns.member.1=arn:aws:iam::{account}:user/{user}"
        ));
    }
    let mut entries = vec![
        ("aws:username", "string", case.principal.as_str()),
        ("aws:SourceIp", "ip", "127.0.0.1"),
        ("aws:ViaAWSService", "boolean", "false"),
    ];
    if case.credentials == "mfa" {
        entries.push(("aws:MultiFactorAuthPresent", "boolean", "true"));
    }
    for (i, (key, kind, value)) in entries.iter().enumerate() {
        let n = i + 1;
        body.push_str(&format!(
            "&ContextEntries.member.{n}.ContextKeyName={key}&ContextEntries.member.{n}.ContextKeyType={kind}&ContextEntries.member.{n}.ContextKeyValues.member.1={value}"
        ));
    }
    body
}

/// The account of the table: each principal with its policies (a boundary as a customer
/// managed policy named after its file) and an access key; bob, whom nothing is given.
fn setup(f: &Fixture, account: &AccountId, table: &Table) -> BTreeMap<String, (String, String)> {
    f.iam.create_user(account, "bob", None).unwrap();
    let mut keys = BTreeMap::new();
    for (name, holder) in &table.principals {
        let user = f.iam.create_user(account, name, None).unwrap();
        for file in &holder.inline {
            f.iam
                .put_inline_policy(account, Named::User(name), stem(file), &example(file))
                .unwrap();
        }
        if let Some(file) = &holder.boundary {
            let arn = format!("arn:aws:iam::{account}:policy/{}", stem(file));
            if f.iam.get_policy(account, &arn).is_err() {
                f.iam
                    .create_policy(account, stem(file), None, &example(file), None)
                    .unwrap();
            }
            f.iam
                .put_permissions_boundary(account, Named::User(name), &arn)
                .unwrap();
        }
        let key = f
            .iam
            .create_access_key(account, &Owner::User(user.id))
            .unwrap();
        keys.insert(
            name.clone(),
            (key.key.id, key.secret.expose_str().unwrap().to_owned()),
        );
    }
    keys
}

#[tokio::test]
async fn aws_examples_decide_alike_simulated_and_requested() {
    let table: Table = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/e2e/data/policy_examples.json")).unwrap(),
    )
    .unwrap();
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    let keys = setup(&f, &account, &table);
    let mut failures = Vec::new();
    for case in &table.cases {
        let what = format!(
            "{} ({}) {} on {:?}",
            case.principal, case.credentials, case.action, case.user
        );
        let body = format!("{}&Version=2010-05-08", simulation(&account, case));
        let (status, answer, _) = send(&f.iam, signed(&f.key_id, &f.secret, &body, 0)).await;
        assert_eq!(status, StatusCode::OK, "{what}: {answer}");
        let simulated = answer
            .split("<EvalDecision>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or("");
        if simulated != case.decision {
            failures.push(format!(
                "{what}: simulated {simulated}, expected {}",
                case.decision
            ));
        }
        if case.credentials != "key" {
            continue;
        }
        let (id, secret) = &keys[&case.principal];
        let body = format!("{}&Version=2010-05-08", request(case));
        let (status, answer, _) = send(&f.iam, signed(id, secret, &body, 0)).await;
        let got = decision_of(status, &answer);
        if got != case.decision {
            failures.push(format!(
                "{what}: requested {got}, expected {}: {answer}",
                case.decision
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // The table's decisions are not all alike: the test can tell them apart.
    for d in ["allowed", "explicitDeny", "implicitDeny"] {
        assert!(table.cases.iter().any(|c| c.decision == d), "{d}");
    }
}
