//! AWS Organizations' read API over JSON 1.1 (issue 26, part 3), in process: one table of
//! requests (who signs, the target, the body) through one `check`, each with the status and
//! error shape (`__type`, `Reason`) or the answer it must get; every answer's objects carry
//! the members of their shape in the service model's order (`tests/data/organizations-
//! model`, written from botocore's model by `scripts/organizations_shapes.py`).
//!
//! The organization: the fixture's account manages it; `member` was created by it (no root
//! credentials: its administrator is a user), `invited` joined it with its root; `outsider`
//! is in none. In the management account, `auditor` may list accounts and describe the
//! organization, `nobody` may do nothing.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use credreport_iam::model::{JoinedMethod, Owner};
use credreport_iam::{AccountId, Iam, Named, NewMember};
use serde_json::Value;

use common::{fixture, send, signed_json, Fixture};

const PREFIX: &str = "AWSOrganizationsV20161128";
const MEMBER: &str = "222222222222";
const INVITED: &str = "333333333333";
const OUTSIDER: &str = "444444444444";

/// Who signs: the name of a key made in `world`.
type Who = &'static str;

struct World {
    fixture: Fixture,
    keys: BTreeMap<&'static str, (String, String)>,
    management: AccountId,
}

fn key(iam: &Iam, account: &AccountId, owner: &Owner) -> (String, String) {
    let k = iam.create_access_key(account, owner).unwrap();
    (k.key.id, k.secret.expose_str().unwrap().to_owned())
}

fn user_key(iam: &Iam, account: &AccountId, name: &str, policy: Option<&str>) -> (String, String) {
    let user = iam.create_user(account, name, None).unwrap();
    if let Some(document) = policy {
        iam.put_inline_policy(account, Named::User(name), "p", document)
            .unwrap();
    }
    key(iam, account, &Owner::User(user.id))
}

fn world() -> World {
    let fixture = fixture();
    let iam = &fixture.iam;
    let management = iam.account_ids().unwrap().remove(0);
    let id = |s: &str| AccountId::parse(s).unwrap();
    iam.create_account(Some(id(MEMBER)), true).unwrap();
    iam.create_account(Some(id(INVITED)), false).unwrap();
    iam.create_account(Some(id(OUTSIDER)), false).unwrap();
    iam.create_organization(&management, "acme-prod", "aws-prod@acme.example")
        .unwrap();
    let join = |account: &str, name, email, joined_method| {
        iam.join_organization(
            &id(account),
            &management,
            &NewMember {
                name: Some(name),
                email: Some(email),
                joined_method,
            },
        )
        .unwrap();
    };
    join(
        MEMBER,
        "acme-member",
        "member@acme.example",
        JoinedMethod::Created,
    );
    join(
        INVITED,
        "acme-invited",
        "invited@acme.example",
        JoinedMethod::Invited,
    );
    let admin =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let auditor = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["organizations:ListAccounts","organizations:DescribeOrganization"],"Resource":"*"}]}"#;
    let mut keys = BTreeMap::new();
    keys.insert("root", (fixture.key_id.clone(), fixture.secret.clone()));
    keys.insert(
        "auditor",
        user_key(iam, &management, "auditor", Some(auditor)),
    );
    keys.insert("nobody", user_key(iam, &management, "nobody", None));
    keys.insert(
        "member-admin",
        user_key(iam, &id(MEMBER), "admin", Some(admin)),
    );
    keys.insert("invited-root", key(iam, &id(INVITED), &Owner::Root));
    keys.insert("outsider-root", key(iam, &id(OUTSIDER), &Owner::Root));
    World {
        fixture,
        keys,
        management,
    }
}

/// What a case must get.
enum Want {
    /// 200 and an answer this function accepts (it panics with what is wrong).
    Ok(fn(&World, &Value, &KeyOrder)),
    /// This status and error shape (and `Reason`).
    Error(u16, &'static str, Option<&'static str>),
    /// This status and error shape, and a message with this text.
    ErrorSaying(u16, &'static str, &'static str),
}

/// The shapes' members, in the model's order.
fn shapes() -> BTreeMap<String, Vec<String>> {
    let text = include_str!("data/organizations-model/shapes.json");
    let model: Value = serde_json::from_str(text).unwrap();
    model["shapes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, shape)| {
            let members = shape["members"].as_array().unwrap();
            (
                name.clone(),
                members
                    .iter()
                    .map(|m| m.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

/// The keys of every object of a JSON text, in the order written, by path (`Accounts.0`):
/// serde_json's `Map` sorts them, so they are read from the text with a visitor.
#[derive(Debug, Default)]
struct KeyOrder(BTreeMap<String, Vec<String>>);

struct Walk<'a> {
    path: String,
    out: &'a mut KeyOrder,
}

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            map.next_value_seed(Walk {
                path,
                out: self.out,
            })?;
            keys.push(key);
        }
        self.out.0.insert(self.path, keys);
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(Walk {
                path: format!("{}.{i}", self.path),
                out: self.out,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

impl KeyOrder {
    fn of(body: &str) -> KeyOrder {
        let mut out = KeyOrder::default();
        let mut d = serde_json::Deserializer::from_str(body);
        serde::de::DeserializeSeed::deserialize(
            Walk {
                path: String::new(),
                out: &mut out,
            },
            &mut d,
        )
        .unwrap();
        out
    }

    /// Every object at `path`'s keys are members of `shape`, in the model's order, and
    /// include `present`.
    fn check(&self, path: &str, shape: &str, present: &[&str]) {
        let shapes = shapes();
        let order = &shapes[shape];
        let keys = self
            .0
            .get(path)
            .unwrap_or_else(|| panic!("{shape}: no object at {path:?}: {self:?}"));
        let positions: Vec<usize> = keys
            .iter()
            .filter(|k| *k != "__type")
            .map(|k| {
                order
                    .iter()
                    .position(|m| m == k)
                    .unwrap_or_else(|| panic!("{shape} has no member {k}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{shape}: members out of the model's order: {keys:?}"
        );
        for p in present {
            assert!(
                keys.iter().any(|k| k == p),
                "{shape}: {p} missing from {keys:?}"
            );
        }
    }
}

const ACCOUNT_MEMBERS: &[&str] = &[
    "Id",
    "Arn",
    "Email",
    "Name",
    "Status",
    "State",
    "Paths",
    "JoinedMethod",
    "JoinedTimestamp",
];

fn accounts_of(v: &Value) -> Vec<String> {
    v["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Id"].as_str().unwrap().to_owned())
        .collect()
}

fn org_id(w: &World) -> String {
    w.fixture
        .iam
        .caller_organization(&w.management)
        .unwrap()
        .id
        .to_string()
}

fn described_organization(w: &World, v: &Value, keys: &KeyOrder) {
    keys.check("", "DescribeOrganizationResponse", &["Organization"]);
    let o = &v["Organization"];
    keys.check(
        "Organization",
        "Organization",
        &[
            "Id",
            "Arn",
            "FeatureSet",
            "MasterAccountArn",
            "MasterAccountId",
            "MasterAccountEmail",
            "AvailablePolicyTypes",
        ],
    );
    let (m, org) = (w.management.as_str(), org_id(w));
    assert_eq!(o["Id"], org.as_str());
    assert_eq!(
        o["Arn"],
        format!("arn:aws:organizations::{m}:organization/{org}")
    );
    assert_eq!(o["FeatureSet"], "ALL");
    assert_eq!(
        o["MasterAccountArn"],
        format!("arn:aws:organizations::{m}:account/{org}/{m}")
    );
    assert_eq!(o["MasterAccountId"], m);
    assert_eq!(o["MasterAccountEmail"], "aws-prod@acme.example");
    assert_eq!(o["AvailablePolicyTypes"], Value::Array(Vec::new()));
}

fn every_account(w: &World, v: &Value, keys: &KeyOrder) {
    keys.check("", "ListAccountsResponse", &["Accounts"]);
    assert!(v.get("NextToken").is_none(), "one page: {v}");
    let mut ids = vec![
        w.management.to_string(),
        MEMBER.to_owned(),
        INVITED.to_owned(),
    ];
    ids.sort();
    assert_eq!(accounts_of(v), ids);
    for i in 0..ids.len() {
        keys.check(&format!("Accounts.{i}"), "Account", ACCOUNT_MEMBERS);
    }
}

fn member_account(w: &World, v: &Value, keys: &KeyOrder) {
    keys.check("", "DescribeAccountResponse", &["Account"]);
    let a = &v["Account"];
    keys.check("Account", "Account", ACCOUNT_MEMBERS);
    let (m, org) = (w.management.as_str(), org_id(w));
    let root = w
        .fixture
        .iam
        .organization_roots(&w.management)
        .unwrap()
        .root
        .to_string();
    assert_eq!(a["Id"], MEMBER);
    assert_eq!(
        a["Arn"],
        format!("arn:aws:organizations::{m}:account/{org}/{MEMBER}")
    );
    assert_eq!(a["Email"], "member@acme.example");
    assert_eq!(a["Name"], "acme-member");
    assert_eq!(a["Status"], "ACTIVE");
    assert_eq!(a["State"], "ACTIVE");
    assert_eq!(
        a["Paths"],
        serde_json::json!([format!("{org}/{root}/{MEMBER}/")])
    );
    assert_eq!(a["JoinedMethod"], "CREATED");
    // 2026-11-23T10:00:00Z, the fixture's clock, as epoch seconds.
    assert_eq!(a["JoinedTimestamp"], 1_795_428_000);
}

fn invited_account(_: &World, v: &Value, _: &KeyOrder) {
    assert_eq!(v["Account"]["Id"], INVITED);
    assert_eq!(v["Account"]["JoinedMethod"], "INVITED");
}

fn the_root(w: &World, v: &Value, keys: &KeyOrder) {
    keys.check("", "ListRootsResponse", &["Roots"]);
    let roots = v["Roots"].as_array().unwrap();
    assert_eq!(roots.len(), 1);
    let r = &roots[0];
    keys.check("Roots.0", "Root", &["Id", "Arn", "Name", "PolicyTypes"]);
    let (m, org) = (w.management.as_str(), org_id(w));
    let id = r["Id"].as_str().unwrap();
    assert!(id.starts_with("r-") && id.len() == 6, "{id}");
    assert_eq!(
        r["Arn"],
        format!("arn:aws:organizations::{m}:root/{org}/{id}")
    );
    assert_eq!(r["Name"], "Root");
    assert_eq!(r["PolicyTypes"], Value::Array(Vec::new()));
}

fn not_in_use() -> Want {
    Want::ErrorSaying(
        400,
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
}

fn management_only() -> Want {
    Want::ErrorSaying(
        400,
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )
}

/// One request and what it must get.
struct Case {
    who: Who,
    /// The credential scope's service.
    service: &'static str,
    target: &'static str,
    body: &'static str,
    want: Want,
}

const fn case(who: Who, target: &'static str, body: &'static str, want: Want) -> Case {
    Case {
        who,
        service: "organizations",
        target,
        body,
        want,
    }
}

#[rustfmt::skip] // One case a line or two: a table.
fn cases() -> Vec<Case> {
    let ae = "AccessDeniedException";
    let invalid = "InvalidInputException";
    vec![
        // Any member describes its organization; outside one, Organizations is not in use.
        case("root", "DescribeOrganization", "{}", Want::Ok(described_organization)),
        case("root", "DescribeOrganization", "", Want::Ok(described_organization)),
        case("member-admin", "DescribeOrganization", "{}", Want::Ok(described_organization)),
        case("invited-root", "DescribeOrganization", "{}", Want::Ok(described_organization)),
        case("outsider-root", "DescribeOrganization", "{}", not_in_use()),
        // ListAccounts: the management account only, paged.
        case("root", "ListAccounts", "{}", Want::Ok(every_account)),
        case("auditor", "ListAccounts", r#"{"MaxResults": 20}"#, Want::Ok(every_account)),
        case("member-admin", "ListAccounts", "{}", management_only()),
        case("invited-root", "ListAccounts", "{}", management_only()),
        case("outsider-root", "ListAccounts", "{}", not_in_use()),
        case("nobody", "ListAccounts", "{}", Want::ErrorSaying(400, ae,
            "is not authorized to perform: organizations:ListAccounts on resource: * because no identity-based policy allows the organizations:ListAccounts action")),
        case("root", "ListAccounts", r#"{"MaxResults": 0}"#, Want::Error(400, invalid, Some("MIN_VALUE_EXCEEDED"))),
        case("root", "ListAccounts", r#"{"MaxResults": 21}"#, Want::Error(400, invalid, Some("MAX_VALUE_EXCEEDED"))),
        case("root", "ListAccounts", r#"{"NextToken": "not-a-token"}"#, Want::Error(400, invalid, Some("INVALID_NEXT_TOKEN"))),
        case("root", "ListAccounts", r#"{"MaxResults": "2"}"#, Want::Error(400, "SerializationException", None)),
        case("root", "ListAccounts", "{", Want::Error(400, "SerializationException", None)),
        // Authorized before validated: a bad page from a caller without the permission is
        // AccessDenied.
        case("nobody", "ListAccounts", r#"{"MaxResults": 0}"#, Want::Error(400, ae, None)),
        // DescribeAccount: the management account only, any account of its organization.
        case("root", "DescribeAccount", r#"{"AccountId": "222222222222"}"#, Want::Ok(member_account)),
        case("root", "DescribeAccount", r#"{"AccountId": "333333333333"}"#, Want::Ok(invited_account)),
        case("root", "DescribeAccount", r#"{"AccountId": "444444444444"}"#,
            Want::ErrorSaying(400, "AccountNotFoundException", "You specified an account that doesn't exist.")),
        case("root", "DescribeAccount", "{}", Want::Error(400, invalid, Some("INPUT_REQUIRED"))),
        case("root", "DescribeAccount", r#"{"AccountId": "2222"}"#, Want::Error(400, invalid, Some("INVALID_PATTERN"))),
        case("member-admin", "DescribeAccount", r#"{"AccountId": "222222222222"}"#, management_only()),
        case("auditor", "DescribeAccount", r#"{"AccountId": "222222222222"}"#, Want::ErrorSaying(400, ae,
            ":account/o-")),
        case("outsider-root", "DescribeAccount", r#"{"AccountId": "222222222222"}"#, not_in_use()),
        // ListRoots: the management account only; one root, so never a NextToken.
        case("root", "ListRoots", "{}", Want::Ok(the_root)),
        case("root", "ListRoots", r#"{"MaxResults": 1}"#, Want::Ok(the_root)),
        case("root", "ListRoots", r#"{"NextToken": "00"}"#, Want::Error(400, invalid, Some("INVALID_NEXT_TOKEN"))),
        case("invited-root", "ListRoots", "{}", management_only()),
        case("auditor", "ListRoots", "{}", Want::Error(400, ae, None)),
        // The protocol: operations not served, another service's target, another scope.
        case("root", "CreateAccount", "{}", Want::Error(400, "UnknownOperationException", None)),
        case("root", "ListUsers", "{}", Want::Error(400, "UnknownOperationException", None)),
        Case { who: "root", service: "iam", target: "ListAccounts", body: "{}",
            want: Want::ErrorSaying(400, "InvalidSignatureException", "Credential should be scoped to correct service: 'organizations'.") },
        case("unknown", "ListAccounts", "{}",
            Want::ErrorSaying(400, "UnrecognizedClientException", "The security token included in the request is invalid.")),
    ]
}

async fn check(w: &World, c: &Case) -> Result<(), String> {
    let (id, secret) = match w.keys.get(c.who) {
        Some(k) => k.clone(),
        None => ("AKIAUNKNOWN000000000".to_owned(), "x".repeat(40)),
    };
    let target = if c.target.contains('.') {
        c.target.to_owned()
    } else {
        format!("{PREFIX}.{}", c.target)
    };
    let req = signed_json(&id, &secret, None, c.service, &target, c.body);
    let (status, body, request_id) = send(&w.fixture.iam, req).await;
    if request_id.is_none() {
        return Err("no x-amzn-RequestId".into());
    }
    let value: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
    let keys = KeyOrder::of(&body);
    let err = |what: String| Err(format!("{what}\n  body: {body}"));
    match &c.want {
        Want::Ok(accept) => {
            if status.as_u16() != 200 {
                return err(format!("status {status}"));
            }
            // A panic in `accept` fails the test; the line before names the case.
            eprintln!("checking the answer to {} {} {}", c.who, c.target, c.body);
            accept(w, &value, &keys);
            Ok(())
        }
        Want::Error(want_status, shape, reason) => {
            if status.as_u16() != *want_status || value["__type"] != *shape {
                return err(format!("want {want_status} {shape}, got {status}"));
            }
            if value.get("Reason").and_then(Value::as_str) != *reason {
                return err(format!("want Reason {reason:?}"));
            }
            if shapes().contains_key(*shape) {
                keys.check("", shape, &["Message"]);
            }
            Ok(())
        }
        Want::ErrorSaying(want_status, shape, text) => {
            let message = value["Message"].as_str().unwrap_or_default();
            if status.as_u16() != *want_status
                || value["__type"] != *shape
                || !message.contains(text)
            {
                return err(format!(
                    "want {want_status} {shape} saying {text:?}, got {status}"
                ));
            }
            if shapes().contains_key(*shape) {
                keys.check("", shape, &["Message"]);
            }
            Ok(())
        }
    }
}

#[tokio::test]
async fn organizations_read_api_answers_as_aws_does() {
    let w = world();
    let mut failures = Vec::new();
    for (i, c) in cases().iter().enumerate() {
        if let Err(e) = check(&w, c).await {
            failures.push(format!("case {i} ({} {} {}): {e}", c.who, c.target, c.body));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pages of ListAccounts follow each other by NextToken to the last, which has none.
#[tokio::test]
async fn list_accounts_pages_by_next_token() {
    let w = world();
    let (id, secret) = w.keys["root"].clone();
    let mut token: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let body = match &token {
            None => r#"{"MaxResults": 2}"#.to_owned(),
            Some(t) => format!(r#"{{"MaxResults": 2, "NextToken": "{t}"}}"#),
        };
        let req = signed_json(
            &id,
            &secret,
            None,
            "organizations",
            &format!("{PREFIX}.ListAccounts"),
            &body,
        );
        let (status, body, _) = send(&w.fixture.iam, req).await;
        assert_eq!(status.as_u16(), 200, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        pages.push(accounts_of(&v));
        token = v
            .get("NextToken")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
        assert!(pages.len() < 5, "bounded: {pages:?}");
    }
    let mut all = [
        w.management.to_string(),
        MEMBER.to_owned(),
        INVITED.to_owned(),
    ];
    all.sort();
    assert_eq!(pages, vec![all[..2].to_vec(), all[2..].to_vec()]);
}

/// A key's use for Organizations is recorded as any other: service `organizations`, in
/// the request's region.
#[tokio::test]
async fn a_keys_use_for_organizations_is_recorded() {
    let w = world();
    let (id, secret) = w.keys["invited-root"].clone();
    let req = signed_json(
        &id,
        &secret,
        None,
        "organizations",
        &format!("{PREFIX}.DescribeOrganization"),
        "{}",
    );
    let (status, body, _) = send(&w.fixture.iam, req).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    let (key, _) = w.fixture.iam.access_key(&id).unwrap().unwrap();
    let used = key.last_used.unwrap();
    assert_eq!(
        (used.region.as_str(), used.service.as_str()),
        ("us-east-1", "organizations")
    );
}

/// Organizations' operations are not Query actions, whatever version a request names.
#[tokio::test]
async fn organizations_operations_are_not_query_actions() {
    let w = world();
    let (id, secret) = w.keys["root"].clone();
    for body in [
        "Action=ListAccounts&Version=2016-11-28",
        "Action=ListAccounts&Version=2010-05-08",
    ] {
        let (status, answer, _) = send(&w.fixture.iam, common::signed(&id, &secret, body, 0)).await;
        assert_eq!(status.as_u16(), 400, "{body}: {answer}");
        assert_eq!(common::code(&answer), "InvalidAction", "{body}: {answer}");
    }
}

/// IAM's ListOrganizationsFeatures (centralized root access) answers each account by its
/// place in the organization: the management account has not enabled trusted access for
/// IAM (nothing here can), a member is not its manager, an outsider has no organization.
#[tokio::test]
async fn list_organizations_features_answers_by_the_accounts_place() {
    let w = world();
    let body = "Action=ListOrganizationsFeatures&Version=2010-05-08";
    for (who, want) in [
        ("root", "ServiceAccessNotEnabledException"),
        (
            "member-admin",
            "AccountNotManagementOrDelegatedAdministratorException",
        ),
        (
            "invited-root",
            "AccountNotManagementOrDelegatedAdministratorException",
        ),
        ("outsider-root", "OrganizationNotFoundException"),
    ] {
        let (id, secret) = w.keys[who].clone();
        let (status, answer, _) = send(&w.fixture.iam, common::signed(&id, &secret, body, 0)).await;
        assert_eq!(status.as_u16(), 400, "{who}: {answer}");
        assert_eq!(common::code(&answer), want, "{who}: {answer}");
    }
}
