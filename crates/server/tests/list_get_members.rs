//! The members of every List* and Get* answer (issue 27): each item an action answers with
//! carries exactly the members of its AWS shape that AWS's API reference says the action
//! returns, in the shape's order.
//!
//! The shapes (members in order) come from IAM's service model as botocore installs it
//! (`tests/data/iam-model/shapes.json`, written by `scripts/iam_shapes.py`); what each action
//! leaves out is quoted from the action's page in the IAM API reference, next to its case.
//! An account is set up so that every optional member has a value (a user who signed in, a
//! role that was used, tags and descriptions everywhere), so a member left out is a member
//! the action does not return, and one too many is one AWS does not send.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{fixture, send, signed, signed_with, Fixture};
use credreport_iam::model::Owner;
use credreport_iam::secret::Secret;
use credreport_iam::totp;
use serde::Deserialize;

#[derive(Deserialize)]
struct Model {
    shapes: BTreeMap<String, Shape>,
}

#[derive(Deserialize)]
struct Shape {
    members: Vec<String>,
}

fn model() -> Model {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/iam-model/shapes.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Members this server does not serve yet (none may be listed here without an issue that
/// builds them): they are taken out of every expectation.
const NOT_SERVED: &[(&str, &str)] = &[
    // Instance profiles are not taggable here (no TagInstanceProfile).
    ("InstanceProfile", "Tags"),
    // Virtual MFA devices are not taggable here (no TagMFADevice).
    ("VirtualMFADevice", "Tags"),
];

/// One answer's items: `action` (with `params`) answers items of `shape` at `path` (element
/// names from the Result element down, `member` for a list's items); `omits` are the
/// shape's members the API reference says the action does not return (`source` quotes it).
struct Case {
    action: &'static str,
    params: &'static str,
    path: &'static [&'static str],
    shape: &'static str,
    omits: &'static [&'static str],
    source: &'static str,
}

const CASES: &[Case] = &[
    Case {
        action: "GetUser",
        params: "UserName=alice",
        path: &["User"],
        shape: "User",
        omits: &[],
        source:
            "API_User: PasswordLastUsed is returned only in the GetUser and ListUsers operations",
    },
    Case {
        action: "ListUsers",
        params: "",
        path: &["Users", "member"],
        shape: "User",
        omits: &["PermissionsBoundary", "Tags"],
        source: "API_ListUsers: This operation does not return the following attributes, even \
                 though they are an attribute of the returned object: PermissionsBoundary, Tags",
    },
    Case {
        action: "GetGroup",
        params: "GroupName=ops",
        path: &["Users", "member"],
        shape: "User",
        omits: &["PasswordLastUsed", "PermissionsBoundary", "Tags"],
        source:
            "API_User: PasswordLastUsed is returned only in the GetUser and ListUsers operations",
    },
    Case {
        action: "GetGroup",
        params: "GroupName=ops",
        path: &["Group"],
        shape: "Group",
        omits: &[],
        source: "API_Group: used in CreateGroup, GetGroup, ListGroups",
    },
    Case {
        action: "ListGroups",
        params: "",
        path: &["Groups", "member"],
        shape: "Group",
        omits: &[],
        source: "API_Group: used in CreateGroup, GetGroup, ListGroups",
    },
    Case {
        action: "ListGroupsForUser",
        params: "UserName=alice",
        path: &["Groups", "member"],
        shape: "Group",
        omits: &[],
        source: "API_ListGroupsForUser: Groups, a list of Group",
    },
    Case {
        action: "GetRole",
        params: "RoleName=deployer",
        path: &["Role"],
        shape: "Role",
        omits: &[],
        source: "API_GetRole: Role, the whole Role shape",
    },
    Case {
        action: "ListRoles",
        params: "",
        path: &["Roles", "member"],
        shape: "Role",
        omits: &["PermissionsBoundary", "RoleLastUsed", "Tags"],
        source: "API_ListRoles: This operation does not return the following attributes, even \
                 though they are an attribute of the returned object: PermissionsBoundary, \
                 RoleLastUsed, Tags",
    },
    Case {
        action: "GetInstanceProfile",
        params: "InstanceProfileName=deployer-profile",
        path: &["InstanceProfile"],
        shape: "InstanceProfile",
        omits: &[],
        source: "API_GetInstanceProfile: InstanceProfile, the whole shape",
    },
    Case {
        action: "GetInstanceProfile",
        params: "InstanceProfileName=deployer-profile",
        path: &["InstanceProfile", "Roles", "member"],
        shape: "Role",
        omits: &["PermissionsBoundary", "RoleLastUsed", "Tags"],
        source: "the roles of an instance profile as ListRoles lists them (the API reference \
                 says nothing more of them)",
    },
    Case {
        action: "ListInstanceProfiles",
        params: "",
        path: &["InstanceProfiles", "member"],
        shape: "InstanceProfile",
        omits: &["Tags"],
        source: "API_ListInstanceProfiles: this operation does not return tags, even though \
                 they are an attribute of the returned object",
    },
    Case {
        action: "ListInstanceProfiles",
        params: "",
        path: &["InstanceProfiles", "member", "Roles", "member"],
        shape: "Role",
        omits: &["PermissionsBoundary", "RoleLastUsed", "Tags"],
        source: "the roles of an instance profile as ListRoles lists them",
    },
    Case {
        action: "ListInstanceProfilesForRole",
        params: "RoleName=deployer",
        path: &["InstanceProfiles", "member"],
        shape: "InstanceProfile",
        omits: &["Tags"],
        source: "API_ListInstanceProfilesForRole: InstanceProfiles, as ListInstanceProfiles",
    },
    Case {
        action: "GetPolicy",
        params: "PolicyArn=arn:aws:iam::ACCOUNT:policy/deploy",
        path: &["Policy"],
        shape: "Policy",
        omits: &[],
        source: "API_GetPolicy: Policy, the whole shape",
    },
    Case {
        action: "ListPolicies",
        params: "Scope=Local",
        path: &["Policies", "member"],
        shape: "Policy",
        omits: &["Description", "Tags"],
        source: "API_ListPolicies: this operation does not return tags; API_Policy: \
                 Description is not included in the response to the ListPolicies operation",
    },
    Case {
        action: "GetPolicyVersion",
        params: "PolicyArn=arn:aws:iam::ACCOUNT:policy/deploy&VersionId=v1",
        path: &["PolicyVersion"],
        shape: "PolicyVersion",
        omits: &[],
        source: "API_GetPolicyVersion: PolicyVersion with its Document",
    },
    Case {
        action: "ListPolicyVersions",
        params: "PolicyArn=arn:aws:iam::ACCOUNT:policy/deploy",
        path: &["Versions", "member"],
        shape: "PolicyVersion",
        omits: &["Document"],
        source: "API_PolicyVersion: the Document is returned by GetPolicyVersion and \
                 GetAccountAuthorizationDetails (not by ListPolicyVersions)",
    },
    Case {
        action: "ListAttachedUserPolicies",
        params: "UserName=alice",
        path: &["AttachedPolicies", "member"],
        shape: "AttachedPolicy",
        omits: &[],
        source: "API_ListAttachedUserPolicies: AttachedPolicies",
    },
    Case {
        action: "ListAccessKeys",
        params: "UserName=alice",
        path: &["AccessKeyMetadata", "member"],
        shape: "AccessKeyMetadata",
        omits: &[],
        source: "API_AccessKeyMetadata: an access key without its secret key, used in \
                 ListAccessKeys",
    },
    Case {
        action: "ListMFADevices",
        params: "UserName=alice",
        path: &["MFADevices", "member"],
        shape: "MFADevice",
        omits: &[],
        source: "API_MFADevice: used in ListMFADevices",
    },
    Case {
        action: "ListVirtualMFADevices",
        params: "",
        path: &["VirtualMFADevices", "member"],
        shape: "VirtualMFADevice",
        omits: &["Base32StringSeed", "QRCodePNG"],
        source: "API_VirtualMFADevice: the seed and the QR code are returned only by \
                 CreateVirtualMFADevice",
    },
    Case {
        action: "ListVirtualMFADevices",
        params: "",
        path: &["VirtualMFADevices", "member", "User"],
        shape: "User",
        omits: &["PasswordLastUsed", "PermissionsBoundary", "Tags"],
        source: "API_User: PasswordLastUsed is returned only in the GetUser and ListUsers \
                 operations",
    },
    Case {
        action: "ListSigningCertificates",
        params: "UserName=alice",
        path: &["Certificates", "member"],
        shape: "SigningCertificate",
        omits: &[],
        source: "API_SigningCertificate: used in UploadSigningCertificate and \
                 ListSigningCertificates",
    },
    Case {
        action: "ListSSHPublicKeys",
        params: "UserName=alice",
        path: &["SSHPublicKeys", "member"],
        shape: "SSHPublicKeyMetadata",
        omits: &[],
        source: "API_SSHPublicKeyMetadata: an SSH public key without its body or fingerprint, \
                 used in ListSSHPublicKeys",
    },
    Case {
        action: "GetSSHPublicKey",
        params: "UserName=alice&SSHPublicKeyId=SSHKEY&Encoding=SSH",
        path: &["SSHPublicKey"],
        shape: "SSHPublicKey",
        omits: &[],
        source: "API_SSHPublicKey: used in GetSSHPublicKey and UploadSSHPublicKey",
    },
    Case {
        action: "GetSSHPublicKey",
        params: "UserName=alice&SSHPublicKeyId=SSHKEY&Encoding=PEM",
        path: &["SSHPublicKey"],
        shape: "SSHPublicKey",
        omits: &[],
        source: "API_SSHPublicKey: used in GetSSHPublicKey and UploadSSHPublicKey",
    },
    Case {
        action: "GetLoginProfile",
        params: "UserName=alice",
        path: &["LoginProfile"],
        shape: "LoginProfile",
        omits: &[],
        source: "API_LoginProfile: used in CreateLoginProfile and GetLoginProfile",
    },
    Case {
        action: "ListUserTags",
        params: "UserName=alice",
        path: &["Tags", "member"],
        shape: "Tag",
        omits: &[],
        source: "API_ListUserTags: Tags",
    },
    Case {
        action: "GetAccountAuthorizationDetails",
        params: "",
        path: &["UserDetailList", "member"],
        shape: "UserDetail",
        omits: &[],
        source: "API_UserDetail",
    },
    Case {
        action: "GetAccountAuthorizationDetails",
        params: "",
        path: &["GroupDetailList", "member"],
        shape: "GroupDetail",
        omits: &[],
        source: "API_GroupDetail",
    },
    Case {
        action: "GetAccountAuthorizationDetails",
        params: "",
        path: &["RoleDetailList", "member"],
        shape: "RoleDetail",
        omits: &[],
        source: "API_RoleDetail",
    },
    Case {
        action: "GetAccountAuthorizationDetails",
        params: "Filter.member.1=LocalManagedPolicy",
        path: &["Policies", "member"],
        shape: "ManagedPolicyDetail",
        omits: &[],
        source: "API_ManagedPolicyDetail",
    },
    // JOBID: an ACTION_LEVEL job about bob, who used the one action his policy allows.
    Case {
        action: "GetServiceLastAccessedDetails",
        params: "JobId=JOBID",
        path: &[],
        shape: "GetServiceLastAccessedDetailsResponse",
        omits: &["Marker", "Error"],
        source: "API_GetServiceLastAccessedDetails: Marker only when IsTruncated is true; Error \
                 only when the job failed",
    },
    Case {
        action: "GetServiceLastAccessedDetails",
        params: "JobId=JOBID",
        path: &["ServicesLastAccessed", "member"],
        shape: "ServiceLastAccessed",
        omits: &[],
        source: "API_ServiceLastAccessed",
    },
    Case {
        action: "GetServiceLastAccessedDetails",
        params: "JobId=JOBID",
        path: &[
            "ServicesLastAccessed",
            "member",
            "TrackedActionsLastAccessed",
            "member",
        ],
        shape: "TrackedActionLastAccessed",
        omits: &[],
        source: "API_TrackedActionLastAccessed",
    },
    Case {
        action: "GetServiceLastAccessedDetailsWithEntities",
        params: "JobId=JOBID&ServiceNamespace=sts",
        path: &[],
        shape: "GetServiceLastAccessedDetailsWithEntitiesResponse",
        omits: &["Marker", "Error"],
        source: "API_GetServiceLastAccessedDetailsWithEntities: Marker only when IsTruncated \
                 is true; Error only when the job failed",
    },
    Case {
        action: "GetServiceLastAccessedDetailsWithEntities",
        params: "JobId=JOBID&ServiceNamespace=sts",
        path: &["EntityDetailsList", "member"],
        shape: "EntityDetails",
        omits: &[],
        source: "API_EntityDetails",
    },
    Case {
        action: "GetServiceLastAccessedDetailsWithEntities",
        params: "JobId=JOBID&ServiceNamespace=sts",
        path: &["EntityDetailsList", "member", "EntityInfo"],
        shape: "EntityInfo",
        omits: &[],
        source: "API_EntityInfo",
    },
];

/// The account every case reads: alice (signed in with her password, tagged, in group ops,
/// with a key, an MFA device, a certificate, an SSH key, an attached policy and that policy
/// as her permissions boundary), bob (signed in, tagged, created with an AWS managed
/// boundary), and the role deployer (described, tagged, created with a boundary, in an
/// instance profile, assumed by bob, whose session then makes a request).
async fn account() -> Fixture {
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    let trust = percent(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},"Action":"sts:AssumeRole"}]}"#,
    );
    let allow = percent(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#,
    );
    for body in [
        "Action=CreateUser&UserName=alice&Tags.member.1.Key=team&Tags.member.1.Value=red".to_owned(),
        "Action=CreateLoginProfile&UserName=alice&Password=Alice-Password-1".to_owned(),
        "Action=CreateGroup&GroupName=ops".to_owned(),
        "Action=AddUserToGroup&GroupName=ops&UserName=alice".to_owned(),
        format!("Action=CreateRole&RoleName=deployer&Description=deploys&AssumeRolePolicyDocument={trust}&Tags.member.1.Key=team&Tags.member.1.Value=red&PermissionsBoundary=arn:aws:iam::aws:policy/AdministratorAccess"),
        "Action=CreateInstanceProfile&InstanceProfileName=deployer-profile".to_owned(),
        "Action=AddRoleToInstanceProfile&InstanceProfileName=deployer-profile&RoleName=deployer".to_owned(),
        format!("Action=CreatePolicy&PolicyName=deploy&Description=deploying&PolicyDocument={allow}&Tags.member.1.Key=team&Tags.member.1.Value=red"),
        "Action=AttachUserPolicy&UserName=alice&PolicyArn=arn:aws:iam::ACCOUNT:policy/deploy".to_owned(),
        "Action=PutUserPermissionsBoundary&UserName=alice&PermissionsBoundary=arn:aws:iam::ACCOUNT:policy/deploy".to_owned(),
        "Action=AttachRolePolicy&RoleName=deployer&PolicyArn=arn:aws:iam::ACCOUNT:policy/deploy".to_owned(),
        "Action=AttachGroupPolicy&GroupName=ops&PolicyArn=arn:aws:iam::ACCOUNT:policy/deploy".to_owned(),
        format!("Action=PutUserPolicy&UserName=alice&PolicyName=own&PolicyDocument={allow}"),
        format!("Action=PutGroupPolicy&GroupName=ops&PolicyName=own&PolicyDocument={allow}"),
        format!("Action=PutRolePolicy&RoleName=deployer&PolicyName=own&PolicyDocument={allow}"),
        "Action=CreateAccessKey&UserName=alice".to_owned(),
    ] {
        as_root(&f, &format!("{body}&Version=2010-05-08").replace("ACCOUNT", account.as_str())).await;
    }
    let alice = Owner::User(f.iam.user(&account, "alice").unwrap().id);
    // alice signs in with her password, so it has a last use.
    f.iam
        .sign_in(
            &account,
            &alice,
            &Secret::from_string("Alice-Password-1".to_owned()),
            None,
        )
        .unwrap();
    // Her MFA device, enabled with two consecutive codes.
    let device = f
        .iam
        .create_virtual_mfa_device(&account, None, "alice-phone")
        .unwrap();
    let seed = totp::base32_decode(device.base32_seed.expose_str().unwrap()).unwrap();
    let c = totp::counter_at(f.iam.now().unix());
    f.iam
        .enable_mfa_device(
            &account,
            &alice,
            &device.device.serial,
            &totp::format_code(totp::code_at(&seed, c - 1)),
            &totp::format_code(totp::code_at(&seed, c)),
        )
        .unwrap();
    let pem = include_str!("../../iam/tests/data/cert-valid-rsa2048.pem");
    f.iam
        .upload_signing_certificate(&account, &alice, pem)
        .unwrap();
    let ssh = include_str!("../../iam/tests/data/ssh-rsa-2048.pub");
    let alice_id = f.iam.user(&account, "alice").unwrap().id;
    f.iam
        .upload_ssh_public_key(&account, &alice_id, ssh)
        .unwrap();
    // bob, whom the trust policy lets in through the account, assumes deployer: the role's
    // use is recorded.
    let assume = percent(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
    );
    for body in [
        "Action=CreateUser&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=blue&PermissionsBoundary=arn:aws:iam::aws:policy/AdministratorAccess",
        "Action=CreateLoginProfile&UserName=bob&Password=Bob-Password-12",
    ] {
        as_root(&f, &format!("{body}&Version=2010-05-08")).await;
    }
    as_root(
        &f,
        &format!("Action=PutUserPolicy&Version=2010-05-08&UserName=bob&PolicyName=assume&PolicyDocument={assume}"),
    )
    .await;
    let bob = Owner::User(f.iam.user(&account, "bob").unwrap().id);
    f.iam
        .sign_in(
            &account,
            &bob,
            &Secret::from_string("Bob-Password-12".to_owned()),
            None,
        )
        .unwrap();
    let key = f.iam.create_access_key(&account, &bob).unwrap();
    let body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::{account}:role/deployer&RoleSessionName=check"
    );
    let req = signed(&key.key.id, key.secret.expose_str().unwrap(), &body, 0);
    let (status, answer, _) = send(&f.iam, req).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // The session makes a request: the role's use is recorded (RoleLastUsed).
    let part = |name: &str| {
        answer
            .split(&format!("<{name}>"))
            .nth(1)
            .and_then(|s| s.split(&format!("</{name}>")).next())
            .unwrap()
            .to_owned()
    };
    let req = signed_with(
        &part("AccessKeyId"),
        &part("SecretAccessKey"),
        Some(&part("SessionToken")),
        "Action=GetCallerIdentity&Version=2011-06-15",
        0,
    );
    let (status, answer, _) = send(&f.iam, req).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    f
}

async fn as_root(f: &Fixture, body: &str) {
    let (status, answer, _) = send(&f.iam, signed(&f.key_id, &f.secret, body, 0)).await;
    assert_eq!(status, StatusCode::OK, "{body}: {answer}");
}

fn percent(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn every_list_and_get_answers_the_members_aws_documents_in_the_shapes_order() {
    let model = model();
    let f = account().await;
    let account = f.iam.account_ids().unwrap().remove(0);
    let alice = f.iam.user(&account, "alice").unwrap();
    let ssh_key_id = f
        .iam
        .list_ssh_public_keys(&account, &alice.id, None, 1)
        .unwrap()
        .items[0]
        .id
        .clone();
    let generate = format!(
        "Action=GenerateServiceLastAccessedDetails&Version=2010-05-08&Arn=arn:aws:iam::{account}:user/bob&Granularity=ACTION_LEVEL"
    );
    let (_, answer, _) = send(&f.iam, signed(&f.key_id, &f.secret, &generate, 0)).await;
    let job = answer
        .split("<JobId>")
        .nth(1)
        .and_then(|s| s.split("</JobId>").next())
        .unwrap_or_else(|| panic!("{answer}"))
        .to_owned();
    let mut failures = Vec::new();
    for case in CASES {
        let params = case
            .params
            .replace("ACCOUNT", account.as_str())
            .replace("SSHKEY", &ssh_key_id)
            .replace("JOBID", &job);
        let body = format!("Action={}&Version=2010-05-08&{params}", case.action);
        let (status, answer, _) = send(&f.iam, signed(&f.key_id, &f.secret, &body, 0)).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", case.action);
        let shape = &model.shapes[case.shape];
        let expected: Vec<&str> = shape
            .members
            .iter()
            .map(String::as_str)
            .filter(|m| !case.omits.contains(m))
            .filter(|m| !NOT_SERVED.contains(&(case.shape, m)))
            .collect();
        for m in case.omits {
            assert!(
                shape.members.iter().any(|s| s == m),
                "{}: {m} is not a member of {}",
                case.action,
                case.shape
            );
        }
        let result = xml::result(&answer, case.action);
        let items = xml::at(&result, case.path);
        if items.is_empty() {
            failures.push(format!("{} {:?}: no item", case.action, case.path));
        }
        for item in items {
            let got: Vec<&str> = item.children.iter().map(|c| c.name.as_str()).collect();
            if got != expected {
                failures.push(format!(
                    "{} {:?} ({}; {}):\n    got      {got:?}\n    expected {expected:?}",
                    case.action, case.path, case.shape, case.source
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Just enough XML for IAM's answers: elements, text, no attributes but `xmlns`.
mod xml {
    #[derive(Debug, Default)]
    pub struct Element {
        pub name: String,
        pub children: Vec<Element>,
    }

    /// The `<{action}Result>` element of an answer.
    pub fn result(answer: &str, action: &str) -> Element {
        let root = parse(answer);
        let response = &root.children[0];
        let name = format!("{action}Result");
        let mut found = None;
        for c in &response.children {
            if c.name == name {
                found = Some(c);
            }
        }
        let found = found.unwrap_or_else(|| panic!("no {name} in {answer}"));
        clone(found)
    }

    fn clone(e: &Element) -> Element {
        Element {
            name: e.name.clone(),
            children: e.children.iter().map(clone).collect(),
        }
    }

    /// Every element at `path` below `from`.
    pub fn at<'a>(from: &'a Element, path: &[&str]) -> Vec<&'a Element> {
        let mut here = vec![from];
        for step in path {
            here = here
                .into_iter()
                .flat_map(|e| e.children.iter().filter(|c| c.name == *step))
                .collect();
        }
        here
    }

    fn parse(text: &str) -> Element {
        let mut stack = vec![Element::default()];
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            rest = &rest[open + 1..];
            let close = rest.find('>').unwrap();
            let tag = &rest[..close];
            rest = &rest[close + 1..];
            if tag.starts_with('?') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                let done = stack.pop().unwrap();
                assert_eq!(done.name, name, "mismatched tags");
                stack.last_mut().unwrap().children.push(done);
            } else {
                let self_closing = tag.ends_with('/');
                let name = tag
                    .trim_end_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_owned();
                if self_closing {
                    stack.last_mut().unwrap().children.push(Element {
                        name,
                        children: Vec::new(),
                    });
                } else {
                    stack.push(Element {
                        name,
                        children: Vec::new(),
                    });
                }
            }
        }
        assert_eq!(stack.len(), 1, "unclosed elements");
        stack.pop().unwrap()
    }
}
