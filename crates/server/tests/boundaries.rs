//! Permissions boundaries on the wire (issue 23): Put/Delete{User,Role}PermissionsBoundary,
//! CreateUser's and CreateRole's `PermissionsBoundary`, the boundary in GetUser and GetRole,
//! PermissionsBoundaryUsageCount, ListEntitiesForPolicy's `PolicyUsageFilter`, DeletePolicy's
//! conflict, and the boundary capping an administrator; `iam:PermissionsBoundary` in the
//! delegated-administrator pattern of AWS's "Permissions boundaries for IAM entities" page.
//!
//! One script of requests, each sent as the account's root or as ursula, with the code it
//! must get and the text its answer must hold.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{fixture, flat, outcome, send, signed};
use credreport_iam::model::Owner;

/// Who sends a step.
#[derive(Clone, Copy, Debug)]
enum By {
    Root,
    Ursula,
}

/// One request: who sends it, its parameters (after `Version`), the code it must get (`OK`
/// for success) and text its answer must hold (`ACCOUNT` is the account id, `TRUST` a trust
/// policy letting the account in).
struct Step {
    by: By,
    body: &'static str,
    expect: &'static str,
    holds: &'static [&'static str],
}

const fn step(
    by: By,
    body: &'static str,
    expect: &'static str,
    holds: &'static [&'static str],
) -> Step {
    Step {
        by,
        body,
        expect,
        holds,
    }
}

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// ursula has AdministratorAccess attached (set up before the script). `ReadOnlyIam` allows
/// iam:Get* and iam:List*; `Delegate` allows creating users only with `ReadOnlyIam` as
/// their boundary (AWS's delegated administrator pattern).
const SCRIPT: &[Step] = &[
    step(By::Ursula, "Action=CreateUser&UserName=u1", "OK", &[]),
    step(By::Ursula, "Action=DeleteUser&UserName=u1", "OK", &[]),
    // A boundary that does not exist is refused; a group has none to set.
    step(
        By::Root,
        "Action=PutUserPermissionsBoundary&UserName=ursula&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/Nothing",
        "NoSuchEntity",
        &["arn:aws:iam::ACCOUNT:policy/Nothing does not exist or is not attachable."],
    ),
    step(
        By::Root,
        "Action=PutUserPermissionsBoundary&UserName=nobody&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "NoSuchEntity",
        &[],
    ),
    step(
        By::Root,
        "Action=PutUserPermissionsBoundary&UserName=ursula",
        "ValidationError",
        &["permissionsBoundary"],
    ),
    // ursula under a read-only boundary: her AdministratorAccess no longer creates users.
    step(
        By::Root,
        "Action=PutUserPermissionsBoundary&UserName=ursula&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "OK",
        &[],
    ),
    step(
        By::Ursula,
        "Action=GetUser",
        "OK",
        &["<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::ACCOUNT:policy/ReadOnlyIam</PermissionsBoundaryArn></PermissionsBoundary>"],
    ),
    step(
        By::Ursula,
        "Action=CreateUser&UserName=u2",
        "AccessDenied",
        &["because no permissions boundary allows the iam:CreateUser action"],
    ),
    step(
        By::Root,
        "Action=GetPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "OK",
        &["<AttachmentCount>0</AttachmentCount><PermissionsBoundaryUsageCount>1</PermissionsBoundaryUsageCount>"],
    ),
    step(
        By::Root,
        "Action=ListEntitiesForPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam&PolicyUsageFilter=PermissionsBoundary",
        "OK",
        &["<PolicyUsers><member><UserName>ursula</UserName>"],
    ),
    step(
        By::Root,
        "Action=ListEntitiesForPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam&PolicyUsageFilter=PermissionsPolicy",
        "OK",
        &["<PolicyUsers/>"],
    ),
    step(
        By::Root,
        "Action=ListEntitiesForPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam&PolicyUsageFilter=Boundary",
        "ValidationError",
        &["policyUsageFilter"],
    ),
    step(
        By::Root,
        "Action=DeletePolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "DeleteConflict",
        &[],
    ),
    // Lifting the boundary gives the administrator back.
    step(
        By::Root,
        "Action=DeleteUserPermissionsBoundary&UserName=ursula",
        "OK",
        &[],
    ),
    step(By::Ursula, "Action=GetUser", "OK", &["<UserName>ursula</UserName>"]),
    step(By::Ursula, "Action=CreateUser&UserName=u3", "OK", &[]),
    step(
        By::Root,
        "Action=GetPolicy&PolicyArn=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "OK",
        &["<PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>"],
    ),
    // A role created with an AWS managed policy as its boundary, then another one.
    step(
        By::Root,
        "Action=CreateRole&RoleName=r1&AssumeRolePolicyDocument=TRUST&PermissionsBoundary=arn:aws:iam::aws:policy/AdministratorAccess",
        "OK",
        &["<PermissionsBoundaryArn>arn:aws:iam::aws:policy/AdministratorAccess</PermissionsBoundaryArn>"],
    ),
    step(
        By::Root,
        "Action=PutRolePermissionsBoundary&RoleName=r1&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "OK",
        &[],
    ),
    step(
        By::Root,
        "Action=GetRole&RoleName=r1",
        "OK",
        &["<MaxSessionDuration>3600</MaxSessionDuration><PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::ACCOUNT:policy/ReadOnlyIam</PermissionsBoundaryArn></PermissionsBoundary>"],
    ),
    step(
        By::Root,
        "Action=ListRoles",
        "OK",
        &["<RoleName>r1</RoleName>"],
    ),
    step(
        By::Root,
        "Action=DeleteRolePermissionsBoundary&RoleName=r1",
        "OK",
        &[],
    ),
    // A boundary policy that does not exist creates no role.
    step(
        By::Root,
        "Action=CreateRole&RoleName=r2&AssumeRolePolicyDocument=TRUST&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/Nothing",
        "NoSuchEntity",
        &[],
    ),
    step(By::Root, "Action=GetRole&RoleName=r2", "NoSuchEntity", &[]),
    // The delegated administrator: users only with ReadOnlyIam as their boundary.
    step(
        By::Root,
        "Action=DetachUserPolicy&UserName=ursula&PolicyArn=arn:aws:iam::aws:policy/AdministratorAccess",
        "OK",
        &[],
    ),
    step(
        By::Root,
        "Action=AttachUserPolicy&UserName=ursula&PolicyArn=arn:aws:iam::ACCOUNT:policy/Delegate",
        "OK",
        &[],
    ),
    step(By::Ursula, "Action=CreateUser&UserName=u4", "AccessDenied", &[]),
    step(
        By::Ursula,
        "Action=CreateUser&UserName=u4&PermissionsBoundary=arn:aws:iam::aws:policy/AdministratorAccess",
        "AccessDenied",
        &[],
    ),
    step(
        By::Ursula,
        "Action=CreateUser&UserName=u4&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "OK",
        &["<UserName>u4</UserName><UserId>", "<PermissionsBoundaryArn>arn:aws:iam::ACCOUNT:policy/ReadOnlyIam</PermissionsBoundaryArn>"],
    ),
    // Changing a boundary: only to ReadOnlyIam; removing one is refused (the context
    // holds the user's current boundary, which a Deny on Delete… names).
    step(
        By::Ursula,
        "Action=PutUserPermissionsBoundary&UserName=u4&PermissionsBoundary=arn:aws:iam::aws:policy/AdministratorAccess",
        "AccessDenied",
        &[],
    ),
    step(
        By::Ursula,
        "Action=PutUserPermissionsBoundary&UserName=u4&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/ReadOnlyIam",
        "OK",
        &[],
    ),
    step(
        By::Ursula,
        "Action=DeleteUserPermissionsBoundary&UserName=u4",
        "AccessDenied",
        &["with an explicit deny in an identity-based policy"],
    ),
    step(
        By::Root,
        "Action=GetAccountAuthorizationDetails&Filter.member.1=User",
        "OK",
        &["<UserName>u4</UserName>", "<AttachedManagedPolicies/><PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::ACCOUNT:policy/ReadOnlyIam</PermissionsBoundaryArn></PermissionsBoundary>"],
    ),
];

/// `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"ACCOUNT"},
/// "Action":"sts:AssumeRole"}]}`, percent-encoded.
const TRUST: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22ACCOUNT%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";

const READ_ONLY_IAM: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}"#;

const DELEGATE: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"CreateOrChangeOnlyWithBoundary","Effect":"Allow","Action":["iam:CreateUser","iam:PutUserPermissionsBoundary"],"Resource":"*",
  "Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::ACCOUNT:policy/ReadOnlyIam"}}},
 {"Sid":"NoBoundaryDelete","Effect":"Deny","Action":"iam:DeleteUserPermissionsBoundary","Resource":"*",
  "Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::ACCOUNT:policy/ReadOnlyIam"}}},
 {"Sid":"DeleteAny","Effect":"Allow","Action":"iam:DeleteUserPermissionsBoundary","Resource":"*"}]}"#;

#[tokio::test]
async fn boundaries_are_set_shown_counted_and_cap_what_policies_allow() {
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    let ursula = f.iam.create_user(&account, "ursula", None).unwrap();
    f.iam
        .attach_policy(&account, credreport_iam::Named::User("ursula"), ADMIN)
        .unwrap();
    f.iam
        .create_policy(&account, "ReadOnlyIam", None, READ_ONLY_IAM, None)
        .unwrap();
    let delegate = DELEGATE.replace("ACCOUNT", account.as_str());
    f.iam
        .create_policy(&account, "Delegate", None, &delegate, None)
        .unwrap();
    let key = f
        .iam
        .create_access_key(&account, &Owner::User(ursula.id))
        .unwrap();
    let secret = key.secret.expose_str().unwrap().to_owned();
    for (i, s) in SCRIPT.iter().enumerate() {
        let body = format!("{}&Version=2010-05-08", s.body)
            .replace("TRUST", TRUST)
            .replace("ACCOUNT", account.as_str());
        let request = match s.by {
            By::Root => signed(&f.key_id, &f.secret, &body, 0),
            By::Ursula => signed(&key.key.id, &secret, &body, 0),
        };
        let (status, answer, _) = send(&f.iam, request).await;
        let got = outcome(status, &answer);
        assert_eq!(got, s.expect, "step {i} ({:?}) {body}: {answer}", s.by);
        let flat = flat(&answer);
        for text in s.holds {
            let text = text.replace("ACCOUNT", account.as_str());
            assert!(
                flat.contains(&text),
                "step {i} {body}: {text} not in {answer}"
            );
        }
    }
}
