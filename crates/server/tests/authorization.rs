//! The authorization matrix (issue 18): a user's requests are allowed by what it has and
//! by what its groups have (inline and attached managed policies, customer or AWS managed,
//! only their default versions), and an explicit Deny anywhere wins. Each case sets an
//! account up through the domain, then sends signed requests as the user.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{code, fixture, send, signed, signed_with};
use credreport_iam::model::Owner;
use credreport_iam::{AccountId, Iam, Named};

const LIST_USERS: &str = "Action=ListUsers&Version=2010-05-08";
const CREATE_USER: &str = "Action=CreateUser&Version=2010-05-08&UserName=newcomer";
const DELETE_USER: &str = "Action=DeleteUser&Version=2010-05-08&UserName=nobody";
const OWN_SSH_KEYS: &str = "Action=ListSSHPublicKeys&Version=2010-05-08";
const URSULA_SSH_KEYS: &str = "Action=ListSSHPublicKeys&Version=2010-05-08&UserName=ursula";
const VICTOR_SSH_KEYS: &str = "Action=ListSSHPublicKeys&Version=2010-05-08&UserName=victor";
const URSULA_UPLOAD: &str =
    "Action=UploadSSHPublicKey&Version=2010-05-08&UserName=ursula&SSHPublicKeyBody=not-a-key";
const VICTOR_UPLOAD: &str =
    "Action=UploadSSHPublicKey&Version=2010-05-08&UserName=victor&SSHPublicKeyBody=not-a-key";
const VICTOR_DELETE_SSH: &str = "Action=DeleteSSHPublicKey&Version=2010-05-08&UserName=victor&SSHPublicKeyId=APKA0000000000000000";

fn allow(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
    )
}

fn deny(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"{action}","Resource":"*"}}]}}"#
    )
}

fn local_arn(account: &AccountId, name: &str) -> String {
    format!("arn:aws:iam::{account}:policy/{name}")
}

/// One case: how the account is set up (ursula and the group `ops` exist, ursula has no
/// policy and is in no group), then requests as ursula and the code each must get (`OK`
/// for success).
struct Case {
    name: &'static str,
    setup: fn(&Iam, &AccountId),
    expect: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        name: "nothing allows anything",
        setup: |_, _| {},
        expect: &[(LIST_USERS, "AccessDenied"), (CREATE_USER, "AccessDenied")],
    },
    Case {
        name: "allowed only through a group's attached customer managed policy",
        setup: |iam, a| {
            iam.create_policy(a, "ListThem", None, &allow("iam:ListUsers"), None)
                .unwrap();
            iam.attach_policy(a, Named::Group("ops"), &local_arn(a, "ListThem"))
                .unwrap();
            iam.add_user_to_group(a, "ops", "ursula").unwrap();
        },
        expect: &[(LIST_USERS, "OK"), (CREATE_USER, "AccessDenied")],
    },
    Case {
        name: "a group's policy does nothing for a user outside it",
        setup: |iam, a| {
            iam.create_policy(a, "ListThem", None, &allow("iam:ListUsers"), None)
                .unwrap();
            iam.attach_policy(a, Named::Group("ops"), &local_arn(a, "ListThem"))
                .unwrap();
        },
        expect: &[(LIST_USERS, "AccessDenied")],
    },
    Case {
        name: "an AWS managed policy attached to the user (IAMReadOnlyAccess)",
        setup: |iam, a| {
            iam.attach_policy(
                a,
                Named::User("ursula"),
                "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
            )
            .unwrap();
        },
        expect: &[(LIST_USERS, "OK"), (CREATE_USER, "AccessDenied")],
    },
    Case {
        name: "a Deny in a group's inline policy overrides the user's Allow",
        setup: |iam, a| {
            iam.put_inline_policy(a, Named::User("ursula"), "all", &allow("iam:*"))
                .unwrap();
            iam.put_inline_policy(a, Named::Group("ops"), "no-delete", &deny("iam:DeleteUser"))
                .unwrap();
            iam.add_user_to_group(a, "ops", "ursula").unwrap();
        },
        expect: &[(LIST_USERS, "OK"), (DELETE_USER, "AccessDenied")],
    },
    Case {
        name: "a Deny in a group's attached policy overrides an AWS managed Allow",
        setup: |iam, a| {
            iam.attach_policy(
                a,
                Named::User("ursula"),
                "arn:aws:iam::aws:policy/AdministratorAccess",
            )
            .unwrap();
            iam.create_policy(a, "NoCreate", None, &deny("iam:Create*"), None)
                .unwrap();
            iam.attach_policy(a, Named::Group("ops"), &local_arn(a, "NoCreate"))
                .unwrap();
            iam.add_user_to_group(a, "ops", "ursula").unwrap();
        },
        expect: &[(LIST_USERS, "OK"), (CREATE_USER, "AccessDenied")],
    },
    Case {
        name: "a detached policy grants nothing any more",
        setup: |iam, a| {
            iam.create_policy(a, "ListThem", None, &allow("iam:ListUsers"), None)
                .unwrap();
            iam.attach_policy(a, Named::User("ursula"), &local_arn(a, "ListThem"))
                .unwrap();
            iam.detach_policy(a, Named::User("ursula"), &local_arn(a, "ListThem"))
                .unwrap();
        },
        expect: &[(LIST_USERS, "AccessDenied")],
    },
    Case {
        name: "only the default version of a managed policy counts",
        setup: |iam, a| {
            let arn = local_arn(a, "Versions");
            iam.create_policy(a, "Versions", None, &allow("iam:ListUsers"), None)
                .unwrap();
            iam.attach_policy(a, Named::User("ursula"), &arn).unwrap();
            iam.create_policy_version(a, &arn, &allow("iam:CreateUser"), false)
                .unwrap();
        },
        expect: &[(LIST_USERS, "OK"), (CREATE_USER, "AccessDenied")],
    },
    Case {
        name: "a new default version replaces what the policy allows",
        setup: |iam, a| {
            let arn = local_arn(a, "Versions");
            iam.create_policy(a, "Versions", None, &allow("iam:ListUsers"), None)
                .unwrap();
            iam.attach_policy(a, Named::User("ursula"), &arn).unwrap();
            iam.create_policy_version(a, &arn, &allow("iam:CreateUser"), true)
                .unwrap();
        },
        expect: &[(LIST_USERS, "AccessDenied"), (CREATE_USER, "OK")],
    },
    Case {
        name: "SSH public keys are authorized on their user's ARN (one's own only)",
        setup: |iam, a| {
            iam.create_user(a, "victor", None).unwrap();
            let own = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["iam:*SSHPublicKey*"],"Resource":"arn:aws:iam::{a}:user/ursula"}}]}}"#
            );
            iam.put_inline_policy(a, Named::User("ursula"), "own-ssh", &own)
                .unwrap();
        },
        // Authorized, then refused for the body: the authorization came first.
        expect: &[
            (OWN_SSH_KEYS, "OK"),
            (URSULA_SSH_KEYS, "OK"),
            (URSULA_UPLOAD, "UnrecognizedPublicKeyEncoding"),
            (VICTOR_SSH_KEYS, "AccessDenied"),
            (VICTOR_UPLOAD, "AccessDenied"),
            (VICTOR_DELETE_SSH, "AccessDenied"),
        ],
    },
];

#[tokio::test]
async fn users_are_authorized_by_their_own_and_their_groups_policies() {
    for case in CASES {
        let f = fixture();
        let account = f.iam.account_ids().unwrap().remove(0);
        let ursula = f.iam.create_user(&account, "ursula", None).unwrap();
        f.iam.create_group(&account, "ops", None).unwrap();
        let key = f
            .iam
            .create_access_key(&account, &Owner::User(ursula.id.clone()))
            .unwrap();
        let secret = key.secret.expose_str().unwrap().to_owned();
        (case.setup)(&f.iam, &account);
        for (body, expected) in case.expect {
            let (status, answer, _) = send(&f.iam, signed(&key.key.id, &secret, body, 0)).await;
            let got = if status == StatusCode::OK {
                "OK"
            } else {
                code(&answer)
            };
            assert_eq!(got, *expected, "{}: {body}: {answer}", case.name);
        }
    }
}

/// The parts of an XML answer's element.
fn element<'a>(body: &'a str, name: &str) -> &'a str {
    body.split(&format!("<{name}>"))
        .nth(1)
        .and_then(|s| s.split(&format!("</{name}>")).next())
        .unwrap_or("")
}

const READER_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"ACCOUNT"},"Action":"sts:AssumeRole"}]}"#;

#[tokio::test]
async fn an_assumed_role_is_limited_to_its_policies_and_its_token_expires() {
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    let ursula = f.iam.create_user(&account, "ursula", None).unwrap();
    let key = f
        .iam
        .create_access_key(&account, &Owner::User(ursula.id.clone()))
        .unwrap();
    let secret = key.secret.expose_str().unwrap().to_owned();
    let trust = READER_TRUST.replace("ACCOUNT", account.as_str());
    f.iam
        .create_role(
            &account,
            &credreport_iam::NewRole {
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
    let role_arn = format!("arn:aws:iam::{account}:role/Reader");
    let assume = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn={}&RoleSessionName=audit-1&DurationSeconds=900",
        role_arn.replace(':', "%3A").replace('/', "%2F")
    );
    // The trust policy names the account: ursula's own policies must allow it too.
    let (status, body, _) = send(&f.iam, signed(&key.key.id, &secret, &assume, 0)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "AccessDenied"),
        "{body}"
    );
    f.iam
        .put_inline_policy(
            &account,
            Named::User("ursula"),
            "assume",
            &allow("sts:AssumeRole"),
        )
        .unwrap();
    // The root user cannot assume roles.
    let (status, body, _) = send(&f.iam, signed(&f.key_id, &f.secret, &assume, 0)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "AccessDenied"),
        "root: {body}"
    );
    let (status, body, _) = send(&f.iam, signed(&key.key.id, &secret, &assume, 0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (id, session_secret, token) = (
        element(&body, "AccessKeyId").to_owned(),
        element(&body, "SecretAccessKey").to_owned(),
        element(&body, "SessionToken").to_owned(),
    );
    assert!(id.starts_with("ASIA"), "{body}");
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:sts::{account}:assumed-role/Reader/audit-1")
    );
    let as_session =
        |body: &str, skew: i64| signed_with(&id, &session_secret, Some(&token), body, skew);
    let cases = [
        (LIST_USERS, "OK"),
        (CREATE_USER, "AccessDenied"),
        (
            "Action=ListAccessKeys&Version=2010-05-08",
            "ValidationError",
        ),
    ];
    for (body, expected) in cases {
        let (status, answer, _) = send(&f.iam, as_session(body, 0)).await;
        let got = if status == StatusCode::OK {
            "OK"
        } else {
            code(&answer)
        };
        assert_eq!(got, expected, "as the session: {body}: {answer}");
    }
    let (_, who, _) = send(
        &f.iam,
        as_session("Action=GetCallerIdentity&Version=2011-06-15", 0),
    )
    .await;
    assert_eq!(
        element(&who, "Arn"),
        format!("arn:aws:sts::{account}:assumed-role/Reader/audit-1")
    );
    assert!(element(&who, "UserId").ends_with(":audit-1"), "{who}");
    // Without its token, with another's, or tampered: refused.
    let (_, body, _) = send(&f.iam, signed(&id, &session_secret, LIST_USERS, 0)).await;
    assert_eq!(code(&body), "InvalidClientTokenId");
    let mut bad = token.clone();
    bad.replace_range(10..12, if &token[10..12] == "AA" { "BB" } else { "AA" });
    let (_, body, _) = send(
        &f.iam,
        signed_with(&id, &session_secret, Some(&bad), LIST_USERS, 0),
    )
    .await;
    assert_eq!(code(&body), "InvalidClientTokenId");
    // 15 minutes on, the credentials have expired.
    f.clock.advance(900);
    let (status, body, _) = send(&f.iam, as_session(LIST_USERS, 900)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "ExpiredToken"),
        "{body}"
    );
}

#[tokio::test]
async fn a_trust_policy_naming_the_user_needs_no_policy_of_its_own_and_a_deny_wins() {
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    let ursula = f.iam.create_user(&account, "ursula", None).unwrap();
    let key = f
        .iam
        .create_access_key(&account, &Owner::User(ursula.id.clone()))
        .unwrap();
    let secret = key.secret.expose_str().unwrap().to_owned();
    let trust = READER_TRUST.replace("\"ACCOUNT\"", &format!("\"{}\"", ursula.arn()));
    let new = credreport_iam::NewRole {
        name: "Direct",
        path: None,
        assume_role_policy: &trust,
        description: None,
        max_session_duration: None,
        permissions_boundary: None,
    };
    f.iam.create_role(&account, &new).unwrap();
    let assume = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2FDirect&RoleSessionName=s1"
    );
    let (status, body, _) = send(&f.iam, signed(&key.key.id, &secret, &assume, 0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    f.iam
        .put_inline_policy(
            &account,
            Named::User("ursula"),
            "no",
            &deny("sts:AssumeRole"),
        )
        .unwrap();
    // An explicit Deny in the caller's own policies is not overridden by the trust policy.
    let (status, body, _) = send(&f.iam, signed(&key.key.id, &secret, &assume, 0)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "AccessDenied"),
        "{body}"
    );
}
