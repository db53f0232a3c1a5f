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
