//! Last-accessed data and RoleLastUsed as requests record them (issue 24): every
//! authorized request of a user or a role's session is recorded for the principal and for
//! the groups and managed policies that granted it, per service and (IAM, STS) per action,
//! with its region, in IAM's 15-minute windows; a role's RoleLastUsed follows its
//! sessions' requests in their regions.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{code, fixture, send, signed_in, Fixture, NOW};
use credreport_iam::last_accessed::{AccessUse, Subject};
use credreport_iam::model::{Entity, Owner};
use credreport_iam::store::read;
use credreport_iam::{AccountId, Named, NewRole};
use credreport_report::Timestamp;

const LIST_USERS: &str = "Action=ListUsers&Version=2010-05-08";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";

fn allow(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
    )
}

fn at(minutes: i64) -> Timestamp {
    Timestamp::parse(NOW.as_bytes())
        .unwrap()
        .0
        .checked_add_secs(minutes * 60)
        .unwrap()
}

/// What `subject` holds, as `namespace:action@minute region by entity-id` lines, sorted.
fn uses(f: &Fixture, account: &AccountId, subject: &Subject) -> Vec<String> {
    let mut lines: Vec<String> = read(f.iam.store(), |tx| tx.accesses(account, subject))
        .unwrap()
        .iter()
        .map(|u: &AccessUse| {
            let minutes = (u.at.unix() - at(0).unix()) / 60;
            format!(
                "{}:{}@{minutes} {} by {}",
                u.namespace, u.action, u.region, u.entity.id
            )
        })
        .collect();
    lines.sort();
    lines
}

struct Setup {
    account: AccountId,
    ursula: String,
    group: String,
    role: String,
    key_id: String,
    secret: String,
}

/// ursula, in the group `ops` (IAMReadOnlyAccess attached), who may assume `Reader`
/// (its inline policy allows ListUsers).
fn setup(f: &Fixture) -> Setup {
    let account = f.iam.account_ids().unwrap().remove(0);
    let ursula = f.iam.create_user(&account, "ursula", None).unwrap();
    let key = f
        .iam
        .create_access_key(&account, &Owner::User(ursula.id.clone()))
        .unwrap();
    let group = f.iam.create_group(&account, "ops", None).unwrap();
    f.iam
        .attach_policy(&account, Named::Group("ops"), READ_ONLY)
        .unwrap();
    f.iam.add_user_to_group(&account, "ops", "ursula").unwrap();
    f.iam
        .put_inline_policy(
            &account,
            Named::User("ursula"),
            "assume",
            &allow("sts:AssumeRole"),
        )
        .unwrap();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{account}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = f
        .iam
        .create_role(
            &account,
            &NewRole {
                name: "Reader",
                path: None,
                assume_role_policy: &trust,
                description: None,
                max_session_duration: None,
                permissions_boundary: None,
            },
        )
        .unwrap();
    f.iam
        .put_inline_policy(
            &account,
            Named::Role("Reader"),
            "list",
            &allow("iam:ListUsers"),
        )
        .unwrap();
    Setup {
        account,
        ursula: ursula.id,
        group: group.id,
        role: role.id,
        key_id: key.key.id,
        secret: key.secret.expose_str().unwrap().to_owned(),
    }
}

fn element<'a>(body: &'a str, name: &str) -> &'a str {
    body.split(&format!("<{name}>"))
        .nth(1)
        .and_then(|s| s.split(&format!("</{name}>")).next())
        .unwrap_or("")
}

#[tokio::test]
async fn a_users_requests_are_recorded_for_it_its_group_and_the_policy_that_granted_them() {
    let f = fixture();
    let s = setup(&f);
    let as_ursula = |region: &str, body: &str, minutes: i64| {
        f.clock.set(at(minutes));
        signed_in(region, &s.key_id, &s.secret, None, body, minutes * 60)
    };
    let ok = |(status, body, _): (StatusCode, String, Option<String>)| {
        assert_eq!(status, StatusCode::OK, "{body}");
    };
    ok(send(&f.iam, as_ursula("eu-west-1", LIST_USERS, 0)).await);
    // Inside the window: nothing changes, whatever the region.
    ok(send(&f.iam, as_ursula("us-west-2", LIST_USERS, 5)).await);
    let user = Subject::Entity(Entity::user(&s.ursula));
    let group = Subject::Entity(Entity::group(&s.group));
    let policy = Subject::Policy(READ_ONLY.into());
    let first = [
        format!("iam:@0 eu-west-1 by {}", s.ursula),
        format!("iam:ListUsers@0 eu-west-1 by {}", s.ursula),
    ];
    assert_eq!(uses(&f, &s.account, &user), first);
    assert_eq!(uses(&f, &s.account, &group), first, "the group granted it");
    assert_eq!(
        uses(&f, &s.account, &policy),
        first,
        "the policy granted it"
    );
    // A window later, the use and its region are recorded again.
    ok(send(&f.iam, as_ursula("us-west-2", LIST_USERS, 16)).await);
    // A refused request is no use; GetUser (allowed) has a row of its own.
    let (status, body, _) = send(
        &f.iam,
        as_ursula(
            "us-west-2",
            "Action=CreateUser&Version=2010-05-08&UserName=x",
            17,
        ),
    )
    .await;
    assert_eq!(code(&body), "AccessDenied", "{status} {body}");
    ok(send(
        &f.iam,
        as_ursula("us-west-2", "Action=GetUser&Version=2010-05-08", 18),
    )
    .await);
    assert_eq!(
        uses(&f, &s.account, &user),
        [
            format!("iam:@16 us-west-2 by {}", s.ursula),
            format!("iam:GetUser@18 us-west-2 by {}", s.ursula),
            format!("iam:ListUsers@16 us-west-2 by {}", s.ursula),
        ]
    );
    // AssumeRole is granted by ursula's inline policy: her own use only (an inline
    // policy is not an entity of its own), and no row for the group or the policy.
    let assume = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{}%3Arole%2FReader&RoleSessionName=audit&DurationSeconds=3600",
        s.account
    );
    ok(send(&f.iam, as_ursula("eu-central-1", &assume, 20)).await);
    assert!(uses(&f, &s.account, &user)
        .contains(&format!("sts:AssumeRole@20 eu-central-1 by {}", s.ursula)));
    assert!(!uses(&f, &s.account, &group)
        .iter()
        .any(|l| l.starts_with("sts")));
}

#[tokio::test]
async fn role_last_used_follows_the_sessions_requests_in_their_regions() {
    let f = fixture();
    let s = setup(&f);
    f.clock.set(at(0));
    let assume = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{}%3Arole%2FReader&RoleSessionName=audit&DurationSeconds=3600",
        s.account
    );
    let (status, body, _) = send(
        &f.iam,
        signed_in("us-east-1", &s.key_id, &s.secret, None, &assume, 0),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (id, secret, token) = (
        element(&body, "AccessKeyId").to_owned(),
        element(&body, "SecretAccessKey").to_owned(),
        element(&body, "SessionToken").to_owned(),
    );
    let as_session = |region: &str, body: &str, minutes: i64| {
        f.clock.set(at(minutes));
        signed_in(region, &id, &secret, Some(&token), body, minutes * 60)
    };
    let last_used = || {
        read(f.iam.store(), |tx| tx.role_by_id(&s.account, &s.role))
            .unwrap()
            .unwrap()
            .last_used
            .map(|(t, region)| ((t.unix() - at(0).unix()) / 60, region))
    };
    // A request the session's policies refuse is still a use of the role.
    for (region, body, minutes, want) in [
        ("ap-south-1", LIST_USERS, 20, (20, "ap-south-1")),
        ("eu-west-1", LIST_USERS, 25, (20, "ap-south-1")),
        (
            "eu-west-1",
            "Action=CreateUser&Version=2010-05-08&UserName=x",
            40,
            (40, "eu-west-1"),
        ),
        (
            "sa-east-1",
            "Action=GetCallerIdentity&Version=2011-06-15",
            56,
            (56, "sa-east-1"),
        ),
    ] {
        send(&f.iam, as_session(region, body, minutes)).await;
        assert_eq!(
            last_used(),
            Some((want.0, want.1.to_owned())),
            "{body} at minute {minutes} in {region}"
        );
    }
    // The role's own last-accessed data has its ListUsers, where it was first used.
    assert_eq!(
        uses(&f, &s.account, &Subject::Entity(Entity::role(&s.role))),
        [
            format!("iam:@20 ap-south-1 by {}", s.role),
            format!("iam:ListUsers@20 ap-south-1 by {}", s.role),
        ]
    );
}

/// Sends `body` as the account's root user at minute `minutes` and answers the body of a
/// 200, or the error code.
async fn as_root(f: &Fixture, body: &str, minutes: i64) -> Result<String, String> {
    f.clock.set(at(minutes));
    let (status, answer, _) = send(
        &f.iam,
        signed_in("us-east-1", &f.key_id, &f.secret, None, body, minutes * 60),
    )
    .await;
    if status == StatusCode::OK {
        Ok(answer)
    } else {
        Err(code(&answer).to_owned())
    }
}

fn enc(text: &str) -> String {
    text.replace(':', "%3A").replace('/', "%2F")
}

/// The `<member>` blocks directly inside `<list>`.
fn members<'a>(body: &'a str, list: &str) -> Vec<&'a str> {
    let inner = element(body, list);
    inner
        .split("<member>")
        .skip(1)
        .map(|m| m.rsplit_once("</member>").map_or(m, |(a, _)| a))
        .collect()
}

/// One service's line: `namespace last-minute region entity-name total`.
fn service_line(m: &str) -> String {
    let last = element(m, "LastAuthenticated");
    let minutes = if last.is_empty() {
        "-".to_owned()
    } else {
        let t = Timestamp::parse(last.as_bytes()).unwrap().0;
        ((t.unix() - at(0).unix()) / 60).to_string()
    };
    let entity = element(m, "LastAuthenticatedEntity");
    format!(
        "{} {minutes} {} {} {}",
        element(m, "ServiceNamespace"),
        element(m, "LastAuthenticatedRegion"),
        entity.rsplit('/').next().unwrap_or(""),
        element(m, "TotalAuthenticatedEntities")
    )
}

async fn job(f: &Fixture, arn: &str, granularity: &str, minutes: i64) -> String {
    let generate = format!(
        "Action=GenerateServiceLastAccessedDetails&Version=2010-05-08&Arn={}{granularity}",
        enc(arn)
    );
    let body = as_root(f, &generate, minutes).await.unwrap();
    let id = element(&body, "JobId").to_owned();
    assert_eq!(id.len(), 36, "{body}");
    id
}

#[tokio::test]
async fn last_accessed_details_list_the_services_allowed_with_their_last_use() {
    let f = fixture();
    let s = setup(&f);
    let as_ursula = |region: &str, body: &str, minutes: i64| {
        f.clock.set(at(minutes));
        signed_in(region, &s.key_id, &s.secret, None, body, minutes * 60)
    };
    send(&f.iam, as_ursula("eu-west-1", LIST_USERS, 0)).await;
    send(
        &f.iam,
        as_ursula("eu-west-1", "Action=GetUser&Version=2010-05-08", 30),
    )
    .await;
    let ursula_arn = format!("arn:aws:iam::{}:user/ursula", s.account);
    let id = job(&f, &ursula_arn, "", 40).await;
    // A later use is not in the job: its answer is the state at job time.
    send(&f.iam, as_ursula("us-west-2", LIST_USERS, 50)).await;
    let get = format!("Action=GetServiceLastAccessedDetails&Version=2010-05-08&JobId={id}");
    let body = as_root(&f, &get, 60).await.unwrap();
    assert_eq!(element(&body, "JobStatus"), "COMPLETED");
    assert_eq!(element(&body, "JobType"), "SERVICE_LEVEL");
    let services: Vec<String> = members(&body, "ServicesLastAccessed")
        .into_iter()
        .map(service_line)
        .collect();
    // IAMReadOnlyAccess (through ops) allows iam; the inline policy sts; both are listed,
    // iam used, sts never.
    assert_eq!(
        services,
        ["iam 30 eu-west-1 ursula 1", "sts -   0"],
        "{body}"
    );
    assert!(!body.contains("TrackedActionsLastAccessed"), "{body}");
    // ACTION_LEVEL: IAM's tracked actions the policies allow, with their uses.
    let id = job(&f, &ursula_arn, "&Granularity=ACTION_LEVEL", 60).await;
    let get = format!("Action=GetServiceLastAccessedDetails&Version=2010-05-08&JobId={id}");
    let body = as_root(&f, &get, 61).await.unwrap();
    assert_eq!(element(&body, "JobType"), "ACTION_LEVEL");
    // IAM's are the first tracked actions (STS's follow, in its own service).
    let actions: Vec<&str> = element(&body, "TrackedActionsLastAccessed")
        .split("<member>")
        .skip(1)
        .collect();
    let used: Vec<String> = actions
        .iter()
        .filter(|a| a.contains("LastAccessedTime"))
        .map(|a| {
            format!(
                "{} {}",
                element(a, "ActionName"),
                element(a, "LastAccessedRegion")
            )
        })
        .collect();
    assert_eq!(used, ["GetUser eu-west-1", "ListUsers us-west-2"], "{body}");
    assert!(
        actions
            .iter()
            .any(|a| element(a, "ActionName") == "ListRoles"),
        "an allowed action never used is listed without a time"
    );
    assert!(
        !actions
            .iter()
            .any(|a| element(a, "ActionName") == "CreateUser"),
        "an action the policies do not allow is not"
    );
    // Paging: one service a page.
    let page1 = as_root(&f, &format!("{get}&MaxItems=1"), 62).await.unwrap();
    assert_eq!(element(&page1, "IsTruncated"), "true");
    let marker = element(&page1, "Marker").to_owned();
    let page2 = as_root(&f, &format!("{get}&MaxItems=1&Marker={marker}"), 62)
        .await
        .unwrap();
    assert_eq!(element(&page2, "IsTruncated"), "false");
    let names: Vec<&str> = [&page1, &page2]
        .iter()
        .map(|p| element(p, "ServiceNamespace"))
        .collect();
    assert_eq!(names, ["iam", "sts"]);
}

#[tokio::test]
async fn a_groups_and_a_policys_details_name_the_entities_that_used_them() {
    let f = fixture();
    let s = setup(&f);
    f.iam.create_user(&s.account, "victor", None).unwrap();
    f.iam
        .add_user_to_group(&s.account, "ops", "victor")
        .unwrap();
    f.clock.set(at(0));
    send(
        &f.iam,
        signed_in("eu-west-1", &s.key_id, &s.secret, None, LIST_USERS, 0),
    )
    .await;
    for arn in [
        format!("arn:aws:iam::{}:group/ops", s.account),
        READ_ONLY.to_owned(),
    ] {
        let id = job(&f, &arn, "", 10).await;
        let get = format!("Action=GetServiceLastAccessedDetails&Version=2010-05-08&JobId={id}");
        let body = as_root(&f, &get, 11).await.unwrap();
        let services: Vec<String> = members(&body, "ServicesLastAccessed")
            .into_iter()
            .map(service_line)
            .collect();
        assert_eq!(services, ["iam 0 eu-west-1 ursula 1"], "{arn}: {body}");
        let with = format!(
            "Action=GetServiceLastAccessedDetailsWithEntities&Version=2010-05-08&JobId={id}&ServiceNamespace=iam"
        );
        let body = as_root(&f, &with, 12).await.unwrap();
        let entities: Vec<String> = members(&body, "EntityDetailsList")
            .iter()
            .map(|m| {
                format!(
                    "{} {} {}",
                    element(m, "Name"),
                    element(m, "Type"),
                    !element(m, "LastAuthenticated").is_empty()
                )
            })
            .collect();
        assert_eq!(
            entities,
            ["ursula USER true", "victor USER false"],
            "{arn}: every member that could have used it, those that did first: {body}"
        );
        let none = as_root(&f, &with.replace("=iam", "=s3"), 12).await.unwrap();
        assert!(members(&none, "EntityDetailsList").is_empty(), "{none}");
    }
}

#[tokio::test]
async fn jobs_are_refused_as_iam_refuses_them() {
    let f = fixture();
    let s = setup(&f);
    let generate = |arn: &str| {
        format!(
            "Action=GenerateServiceLastAccessedDetails&Version=2010-05-08&Arn={}",
            enc(arn)
        )
    };
    let get =
        |id: &str| format!("Action=GetServiceLastAccessedDetails&Version=2010-05-08&JobId={id}");
    let account = s.account.as_str();
    let cases = [
        (
            generate(&format!("arn:aws:iam::{account}:user/nobody")),
            "NoSuchEntity",
        ),
        (
            generate(&format!("arn:aws:iam::{account}:policy/Nothing")),
            "NoSuchEntity",
        ),
        (
            generate("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere"),
            "NoSuchEntity",
        ),
        (
            generate(&format!("arn:aws:iam::{account}:root")),
            "InvalidInput",
        ),
        (generate("arn:aws:s3:::a-bucket-name-long"), "InvalidInput"),
        (generate("not an arn at all, really"), "InvalidInput"),
        (
            format!(
                "{}&Granularity=EVERYTHING",
                generate(&format!("arn:aws:iam::{account}:user/ursula"))
            ),
            "ValidationError",
        ),
        (get("00000000-0000-0000-0000-000000000000"), "NoSuchEntity"),
        (get("short"), "ValidationError"),
        (
            "Action=ListOrganizationsFeatures&Version=2010-05-08".to_owned(),
            "OrganizationNotFoundException",
        ),
    ];
    for (body, want) in cases {
        assert_eq!(as_root(&f, &body, 0).await, Err(want.to_owned()), "{body}");
    }
    // A job is read by the caller that started it only (ursula may read jobs: her group's
    // IAMReadOnlyAccess allows iam:Get*).
    let id = job(&f, &format!("arn:aws:iam::{account}:user/ursula"), "", 0).await;
    let (_, body, _) = send(
        &f.iam,
        signed_in("us-east-1", &s.key_id, &s.secret, None, &get(&id), 0),
    )
    .await;
    assert_eq!(code(&body), "NoSuchEntity", "{body}");
    // Without the permission: AccessDenied before anything is looked at.
    let victor = f.iam.create_user(&s.account, "victor", None).unwrap();
    let key = f
        .iam
        .create_access_key(&s.account, &Owner::User(victor.id))
        .unwrap();
    let secret = key.secret.expose_str().unwrap().to_owned();
    let (_, body, _) = send(
        &f.iam,
        signed_in("us-east-1", &key.key.id, &secret, None, &generate("x"), 0),
    )
    .await;
    assert_eq!(code(&body), "AccessDenied", "{body}");
}
