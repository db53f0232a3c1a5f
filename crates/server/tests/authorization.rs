//! The authorization matrix (issue 18): a user's requests are allowed by what it has and
//! by what its groups have (inline and attached managed policies, customer or AWS managed,
//! only their default versions), and an explicit Deny anywhere wins. Each case sets an
//! account up through the domain, then sends signed requests as the user.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{code, fixture, send, signed};
use credreport_iam::model::Owner;
use credreport_iam::{AccountId, Iam, Named};

const LIST_USERS: &str = "Action=ListUsers&Version=2010-05-08";
const CREATE_USER: &str = "Action=CreateUser&Version=2010-05-08&UserName=newcomer";
const DELETE_USER: &str = "Action=DeleteUser&Version=2010-05-08&UserName=nobody";

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
