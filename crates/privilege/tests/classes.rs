//! Privilege classes as a table: a subject's policies (AWS managed ones as AWS publishes
//! them, inline ones written for the case), the account around it, and the class and
//! reason expected. Every escalation path of `paths::PATHS` has a case that takes it, and
//! most have one that narrowly does not.

#![allow(clippy::unwrap_used)]

use credreport_privilege::paths::PATHS;
use credreport_privilege::{
    analyze, AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy, Kind,
    ManagedPolicyDetail, PermissionsBoundary, PolicyVersion, Privilege, Reason, RoleDetail,
    UserDetail,
};

const ACCOUNT: &str = "111122223333";

fn arn(resource: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{resource}")
}

/// An AWS managed policy from the IAM crate's data (or this crate's test data).
fn aws_managed(name: &str) -> ManagedPolicyDetail {
    let dirs = [
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../iam/data/aws-managed-policies"
        ),
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"),
    ];
    let text = dirs
        .iter()
        .find_map(|d| std::fs::read_to_string(format!("{d}/{name}.json")).ok())
        .unwrap_or_else(|| panic!("no data for {name}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    ManagedPolicyDetail {
        policy_name: v["PolicyName"].as_str().unwrap().to_owned(),
        arn: v["Arn"].as_str().unwrap().to_owned(),
        default_version_id: v["DefaultVersionId"].as_str().unwrap().to_owned(),
        policy_version_list: vec![PolicyVersion {
            document: v["Document"].to_string(),
            version_id: v["DefaultVersionId"].as_str().unwrap().to_owned(),
            is_default_version: true,
        }],
        ..ManagedPolicyDetail::default()
    }
}

const AWS_MANAGED: [&str; 9] = [
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "SecurityAudit",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "AWSSupportAccess",
    "AWSCloudShellFullAccess",
    "IAMUserChangePassword",
];

fn policy_arn(name: &str) -> String {
    if AWS_MANAGED.contains(&name) {
        format!("arn:aws:iam::aws:policy/{name}")
    } else {
        arn(&format!("policy/{name}"))
    }
}

/// `{"Version": …, "Statement": [statements]}`.
fn doc(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

/// One Allow statement.
fn allow(actions: &[&str], resource: &str) -> String {
    format!(
        r#"{{"Effect": "Allow", "Action": {}, "Resource": "{resource}"}}"#,
        serde_json::to_string(actions).unwrap()
    )
}

fn customer(name: &str, versions: &[String]) -> ManagedPolicyDetail {
    ManagedPolicyDetail {
        policy_name: name.to_owned(),
        arn: policy_arn(name),
        default_version_id: "v1".to_owned(),
        policy_version_list: versions
            .iter()
            .enumerate()
            .map(|(i, d)| PolicyVersion {
                document: d.clone(),
                version_id: format!("v{}", i + 1),
                is_default_version: i == 0,
            })
            .collect(),
        ..ManagedPolicyDetail::default()
    }
}

fn trust(principal: &str) -> String {
    doc(&format!(
        r#"{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole"}}"#
    ))
}

fn attached(names: &[&str]) -> Vec<AttachedPolicy> {
    names
        .iter()
        .map(|n| AttachedPolicy {
            policy_name: (*n).to_owned(),
            policy_arn: policy_arn(n),
        })
        .collect()
}

fn user(name: &str, managed: &[&str], inline: &[String], groups: &[&str]) -> UserDetail {
    UserDetail {
        path: "/".to_owned(),
        user_name: name.to_owned(),
        user_id: format!("AIDA{}", name.to_ascii_uppercase()),
        arn: arn(&format!("user/{name}")),
        user_policy_list: inline_list(inline),
        group_list: groups.iter().map(|g| (*g).to_owned()).collect(),
        attached_managed_policies: attached(managed),
        ..UserDetail::default()
    }
}

fn role(name: &str, managed: &[&str], inline: &[String], trust: String) -> RoleDetail {
    RoleDetail {
        path: "/".to_owned(),
        role_name: name.to_owned(),
        role_id: format!("AROA{}", name.to_ascii_uppercase()),
        arn: arn(&format!("role/{name}")),
        assume_role_policy_document: Some(trust),
        role_policy_list: inline_list(inline),
        attached_managed_policies: attached(managed),
        ..RoleDetail::default()
    }
}

fn inline_list(docs: &[String]) -> Vec<InlinePolicy> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| InlinePolicy {
            policy_name: format!("inline-{i}"),
            policy_document: d.clone(),
        })
        .collect()
}

fn group(name: &str, managed: &[&str]) -> GroupDetail {
    GroupDetail {
        path: "/".to_owned(),
        group_name: name.to_owned(),
        group_id: format!("AGPA{}", name.to_ascii_uppercase()),
        arn: arn(&format!("group/{name}")),
        attached_managed_policies: attached(managed),
        ..GroupDetail::default()
    }
}

/// What is in the account besides the subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fixture {
    /// `ada`, a user with AdministratorAccess.
    AdminUser,
    /// `admins`, a group with AdministratorAccess.
    AdminGroup,
    /// `<service>-admin`, a role with AdministratorAccess that the service may assume
    /// (`account`: any principal of the account whose policies allow it).
    AdminRole(&'static str),
    /// `locked-admin`: a role with AdministratorAccess that only `ada` may assume.
    LockedAdminRole,
    /// `plain-role`: a role with ReadOnlyAccess that the account may assume.
    PlainRole,
    /// `escalator`: a user who may write policies into itself.
    Escalator,
}

/// A case: the subject's policies and the expected outcome.
struct Case {
    name: &'static str,
    kind: Kind,
    managed: &'static [&'static str],
    inline: Vec<String>,
    groups: &'static [&'static str],
    boundary: Option<&'static str>,
    fixtures: &'static [Fixture],
    expected: Privilege,
    because: Because,
}

#[derive(Debug, PartialEq, Eq)]
enum Because {
    AllActions,
    Path(&'static str, Option<&'static str>),
    Action,
    Nothing,
}

impl Default for Case {
    fn default() -> Case {
        Case {
            name: "",
            kind: Kind::User,
            managed: &[],
            inline: Vec::new(),
            groups: &[],
            boundary: None,
            fixtures: &[],
            expected: Privilege::None,
            because: Because::Nothing,
        }
    }
}

/// The account of a case: every policy of the tests, the fixtures, and the subject (user
/// `subject` or role `subject-role`).
fn account(case: &Case) -> (AuthorizationDetails, String) {
    let mut d = AuthorizationDetails {
        policies: AWS_MANAGED.iter().map(|n| aws_managed(n)).collect(),
        ..AuthorizationDetails::default()
    };
    let s3 = doc(&allow(
        &["s3:GetObject", "s3:PutObject"],
        "arn:aws:s3:::bucket/*",
    ));
    d.policies
        .push(customer("dev-s3", std::slice::from_ref(&s3)));
    d.policies.push(customer(
        "versioned",
        &[s3.clone(), doc(&allow(&["*"], "*"))],
    ));
    d.policies
        .push(customer("s3-only", &[doc(&allow(&["s3:*"], "*"))]));
    d.policies.push(customer(
        "s3-and-lift",
        &[doc(&format!(
            "{}, {}",
            allow(&["s3:*"], "*"),
            allow(
                &["iam:DeleteUserPermissionsBoundary"],
                "arn:aws:iam::*:user/${aws:username}"
            )
        ))],
    ));
    d.groups.push(group("team", &[]));
    d.groups.push(group("developers", &["PowerUserAccess"]));
    for f in case.fixtures {
        match f {
            Fixture::AdminUser => d
                .users
                .push(user("ada", &["AdministratorAccess"], &[], &[])),
            Fixture::AdminGroup => d.groups.push(group("admins", &["AdministratorAccess"])),
            Fixture::AdminRole(service) => {
                let principal = if *service == "account" {
                    format!(r#"{{"AWS": "arn:aws:iam::{ACCOUNT}:root"}}"#)
                } else {
                    format!(r#"{{"Service": "{service}.amazonaws.com"}}"#)
                };
                d.roles.push(role(
                    &format!("{service}-admin"),
                    &["AdministratorAccess"],
                    &[],
                    trust(&principal),
                ));
            }
            Fixture::LockedAdminRole => d.roles.push(role(
                "locked-admin",
                &["AdministratorAccess"],
                &[],
                trust(&format!(r#"{{"AWS": "{}"}}"#, arn("user/ada"))),
            )),
            Fixture::PlainRole => d.roles.push(role(
                "plain-role",
                &["ReadOnlyAccess"],
                &[],
                trust(&format!(r#"{{"AWS": "arn:aws:iam::{ACCOUNT}:root"}}"#)),
            )),
            Fixture::Escalator => d.users.push(user(
                "escalator",
                &[],
                &[doc(&allow(
                    &["iam:PutUserPolicy"],
                    "arn:aws:iam::*:user/${aws:username}",
                ))],
                &[],
            )),
        }
    }
    let boundary = case.boundary.map(|b| PermissionsBoundary {
        permissions_boundary_type: "Policy".to_owned(),
        permissions_boundary_arn: policy_arn(b),
    });
    let subject = match case.kind {
        Kind::User => {
            let mut u = user("subject", case.managed, &case.inline, case.groups);
            u.permissions_boundary = boundary;
            d.users.push(u);
            arn("user/subject")
        }
        Kind::Role => {
            let mut r = role(
                "subject-role",
                case.managed,
                &case.inline,
                trust(r#"{"Service": "ec2.amazonaws.com"}"#),
            );
            r.permissions_boundary = boundary;
            d.roles.push(r);
            arn("role/subject-role")
        }
    };
    (d, subject)
}

fn check(case: &Case) {
    let (details, subject) = account(case);
    let analysis = analyze(&details);
    assert!(
        analysis.notes().is_empty(),
        "{}: {:?}",
        case.name,
        analysis.notes()
    );
    let result = analysis
        .get(&subject)
        .unwrap_or_else(|| panic!("{}: not analysed", case.name));
    let because = match &result.assessment.reason {
        Reason::AllActions => Because::AllActions,
        Reason::Escalation { path, target } => {
            Because::Path(path.id, case_target(&case.because, target.as_deref()))
        }
        Reason::Action(_) => Because::Action,
        Reason::Nothing => Because::Nothing,
    };
    assert_eq!(
        (result.privilege(), &because),
        (case.expected, &case.because),
        "{}: {}",
        case.name,
        result.assessment
    );
}

/// The target as the case names it (a suffix of the ARN), when it names one.
fn case_target(expected: &Because, target: Option<&str>) -> Option<&'static str> {
    match (expected, target) {
        (Because::Path(_, Some(want)), Some(got)) if got.ends_with(want) => Some(want),
        (Because::Path(_, None), _) | (_, None) => None,
        _ => Some("(another target)"),
    }
}

const SELF: &str = "arn:aws:iam::*:user/${aws:username}";
const SELF_ROLE: &str = "arn:aws:iam::111122223333:role/subject-role";

fn cases() -> Vec<Case> {
    use Because::{Action, AllActions, Nothing, Path};
    use Privilege::{Admin, None as NoPrivilege, Read, Write};
    vec![
        // AWS managed policies, as AWS publishes them.
        Case {
            name: "AdministratorAccess",
            managed: &["AdministratorAccess"],
            expected: Admin,
            because: AllActions,
            ..Case::default()
        },
        Case {
            name: "PowerUserAccess: everything but IAM, Organizations and Account",
            managed: &["PowerUserAccess"],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "ReadOnlyAccess: its Write-level Get/List actions and its read-only S3 Express sessions are reads",
            managed: &["ReadOnlyAccess"],
            expected: Read,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "IAMFullAccess: attaches any policy to itself",
            managed: &["IAMFullAccess"],
            expected: Admin,
            because: Path("AttachUserPolicy", None),
            ..Case::default()
        },
        Case {
            name: "SecurityAudit",
            managed: &["SecurityAudit"],
            expected: Read,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "IAMReadOnlyAccess",
            managed: &["IAMReadOnlyAccess"],
            expected: Read,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AWSSupportAccess: opens support cases",
            managed: &["AWSSupportAccess"],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AWSCloudShellFullAccess",
            managed: &["AWSCloudShellFullAccess"],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "ReadOnlyAccess and IAMUserChangePassword: its own password is no write",
            managed: &["ReadOnlyAccess", "IAMUserChangePassword"],
            expected: Read,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "IAMUserChangePassword alone",
            managed: &["IAMUserChangePassword"],
            expected: Read,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "no policy at all",
            expected: NoPrivilege,
            because: Nothing,
            ..Case::default()
        },
        Case {
            name: "a member of a group with AdministratorAccess",
            groups: &["admins"],
            fixtures: &[Fixture::AdminGroup],
            expected: Admin,
            because: AllActions,
            ..Case::default()
        },
        Case {
            name: "a member of a group with PowerUserAccess",
            groups: &["developers"],
            managed: &["IAMUserChangePassword"],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        // Boundaries and Deny statements.
        Case {
            name: "AdministratorAccess within a ReadOnlyAccess boundary",
            managed: &["AdministratorAccess"],
            boundary: Some("ReadOnlyAccess"),
            expected: Read,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AdministratorAccess within a PowerUserAccess boundary",
            managed: &["AdministratorAccess"],
            boundary: Some("PowerUserAccess"),
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AdministratorAccess within a boundary of S3 alone",
            managed: &["AdministratorAccess"],
            boundary: Some("s3-only"),
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AdministratorAccess within a boundary it may delete",
            managed: &["AdministratorAccess"],
            boundary: Some("s3-and-lift"),
            expected: Admin,
            because: Path("LiftOwnPermissionsBoundary", Some("policy/s3-and-lift")),
            ..Case::default()
        },
        Case {
            name: "IAMFullAccess within an AdministratorAccess boundary",
            managed: &["IAMFullAccess"],
            boundary: Some("AdministratorAccess"),
            expected: Admin,
            because: Path("AttachUserPolicy", None),
            ..Case::default()
        },
        Case {
            name: "IAMFullAccess within a ReadOnlyAccess boundary",
            managed: &["IAMFullAccess"],
            boundary: Some("ReadOnlyAccess"),
            expected: Read,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AdministratorAccess and a Deny of everything",
            managed: &["AdministratorAccess"],
            inline: vec![doc(r#"{"Effect": "Deny", "Action": "*", "Resource": "*"}"#)],
            expected: NoPrivilege,
            because: Nothing,
            ..Case::default()
        },
        Case {
            name: "AdministratorAccess and a Deny of IAM",
            managed: &["AdministratorAccess"],
            inline: vec![doc(r#"{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#)],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AdministratorAccess and a Deny without MFA: the Deny may not apply",
            managed: &["AdministratorAccess"],
            inline: vec![doc(
                r#"{"Effect": "Deny", "Action": "*", "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}"#,
            )],
            expected: Admin,
            because: AllActions,
            ..Case::default()
        },
        Case {
            name: "everything, with MFA only: a conditional administrator",
            inline: vec![doc(
                r#"{"Effect": "Allow", "Action": "*", "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}"#,
            )],
            expected: Admin,
            because: AllActions,
            ..Case::default()
        },
        Case {
            name: "AdministratorAccess and a Deny on one bucket",
            managed: &["AdministratorAccess"],
            inline: vec![doc(
                r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"}"#,
            )],
            expected: Admin,
            because: AllActions,
            ..Case::default()
        },
        Case {
            name: "everything on one bucket's resources only",
            inline: vec![doc(&allow(&["*"], "arn:aws:s3:::bucket/*"))],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        // 1. IAM permissions on other users.
        Case {
            name: "CreateAccessKey for any user, an administrator among them",
            inline: vec![doc(&allow(&["iam:CreateAccessKey"], "arn:aws:iam::*:user/*"))],
            fixtures: &[Fixture::AdminUser],
            expected: Admin,
            because: Path("CreateAccessKey", Some("user/ada")),
            ..Case::default()
        },
        Case {
            name: "CreateAccessKey for itself only: nothing else",
            inline: vec![doc(&allow(&["iam:CreateAccessKey"], SELF))],
            fixtures: &[Fixture::AdminUser],
            expected: NoPrivilege,
            because: Nothing,
            ..Case::default()
        },
        Case {
            name: "CreateAccessKey for any user, no administrator among them",
            inline: vec![doc(&allow(&["iam:CreateAccessKey"], "arn:aws:iam::*:user/*"))],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "CreateAccessKey for a user who can make itself an administrator",
            inline: vec![doc(&allow(&["iam:CreateAccessKey"], "arn:aws:iam::*:user/*"))],
            fixtures: &[Fixture::Escalator],
            expected: Admin,
            because: Path("CreateAccessKey", Some("user/escalator")),
            ..Case::default()
        },
        Case {
            name: "CreateLoginProfile for an administrator",
            inline: vec![doc(&allow(&["iam:CreateLoginProfile"], "*"))],
            fixtures: &[Fixture::AdminUser],
            expected: Admin,
            because: Path("CreateLoginProfile", Some("user/ada")),
            ..Case::default()
        },
        Case {
            name: "UpdateLoginProfile for an administrator",
            inline: vec![doc(&allow(&["iam:UpdateLoginProfile"], "*"))],
            fixtures: &[Fixture::AdminUser],
            expected: Admin,
            because: Path("UpdateLoginProfile", Some("user/ada")),
            ..Case::default()
        },
        Case {
            name: "AddUserToGroup into the administrators' group",
            inline: vec![doc(&allow(
                &["iam:AddUserToGroup"],
                "arn:aws:iam::111122223333:group/admins",
            ))],
            fixtures: &[Fixture::AdminGroup],
            expected: Admin,
            because: Path("AddUserToGroup", Some("group/admins")),
            ..Case::default()
        },
        Case {
            name: "AddUserToGroup into another group only",
            inline: vec![doc(&allow(
                &["iam:AddUserToGroup"],
                "arn:aws:iam::111122223333:group/team",
            ))],
            fixtures: &[Fixture::AdminGroup],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        // 2. Permissions on policies.
        Case {
            name: "CreatePolicyVersion of its own policy",
            managed: &["dev-s3"],
            inline: vec![doc(&allow(
                &["iam:CreatePolicyVersion"],
                "arn:aws:iam::111122223333:policy/dev-s3",
            ))],
            expected: Admin,
            because: Path("CreateNewPolicyVersion", Some("policy/dev-s3")),
            ..Case::default()
        },
        Case {
            name: "CreatePolicyVersion of a policy not attached to it",
            managed: &["dev-s3"],
            inline: vec![doc(&allow(
                &["iam:CreatePolicyVersion"],
                "arn:aws:iam::111122223333:policy/versioned",
            ))],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "SetDefaultPolicyVersion of its own policy with another version",
            managed: &["versioned"],
            inline: vec![doc(&allow(&["iam:SetDefaultPolicyVersion"], "*"))],
            expected: Admin,
            because: Path("SetExistingDefaultPolicyVersion", Some("policy/versioned")),
            ..Case::default()
        },
        Case {
            name: "SetDefaultPolicyVersion of its own policy without another version",
            managed: &["dev-s3"],
            inline: vec![doc(&allow(&["iam:SetDefaultPolicyVersion"], "*"))],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AttachUserPolicy on itself",
            inline: vec![doc(&allow(&["iam:AttachUserPolicy"], SELF))],
            expected: Admin,
            because: Path("AttachUserPolicy", None),
            ..Case::default()
        },
        Case {
            name: "AttachUserPolicy on itself, ReadOnlyAccess only",
            inline: vec![doc(
                r#"{"Effect": "Allow", "Action": "iam:AttachUserPolicy",
                    "Resource": "arn:aws:iam::*:user/${aws:username}",
                    "Condition": {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}}"#,
            )],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "AttachGroupPolicy on its group",
            groups: &["team"],
            inline: vec![doc(&allow(&["iam:AttachGroupPolicy"], "arn:aws:iam::*:group/team"))],
            expected: Admin,
            because: Path("AttachGroupPolicy", Some("group/team")),
            ..Case::default()
        },
        Case {
            name: "AttachRolePolicy on itself (a role)",
            kind: Kind::Role,
            inline: vec![doc(&allow(&["iam:AttachRolePolicy"], SELF_ROLE))],
            expected: Admin,
            because: Path("AttachRolePolicy", None),
            ..Case::default()
        },
        Case {
            name: "AttachRolePolicy on a role it may assume",
            inline: vec![doc(&allow(&["iam:AttachRolePolicy", "sts:AssumeRole"], "*"))],
            fixtures: &[Fixture::PlainRole],
            expected: Admin,
            because: Path("AttachRolePolicy", Some("role/plain-role")),
            ..Case::default()
        },
        Case {
            name: "AttachRolePolicy on a role it may not assume",
            inline: vec![doc(&allow(&["iam:AttachRolePolicy"], "*"))],
            fixtures: &[Fixture::PlainRole],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "PutUserPolicy on itself",
            inline: vec![doc(&allow(&["iam:PutUserPolicy"], SELF))],
            expected: Admin,
            because: Path("PutUserPolicy", None),
            ..Case::default()
        },
        Case {
            name: "PutUserPolicy on itself within a ReadOnlyAccess boundary",
            inline: vec![doc(&allow(&["iam:PutUserPolicy"], SELF))],
            boundary: Some("ReadOnlyAccess"),
            expected: NoPrivilege,
            because: Nothing,
            ..Case::default()
        },
        Case {
            name: "PutGroupPolicy on its group",
            groups: &["team"],
            inline: vec![doc(&allow(&["iam:PutGroupPolicy"], "arn:aws:iam::*:group/team"))],
            expected: Admin,
            because: Path("PutGroupPolicy", Some("group/team")),
            ..Case::default()
        },
        Case {
            name: "PutRolePolicy on itself (a role)",
            kind: Kind::Role,
            inline: vec![doc(&allow(&["iam:PutRolePolicy"], SELF_ROLE))],
            expected: Admin,
            because: Path("PutRolePolicy", None),
            ..Case::default()
        },
        // 3. Updating an AssumeRole policy.
        Case {
            name: "UpdateAssumeRolePolicy of an administrator role, then AssumeRole",
            inline: vec![doc(&allow(
                &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
                "arn:aws:iam::111122223333:role/ec2-admin",
            ))],
            fixtures: &[Fixture::AdminRole("ec2")],
            expected: Admin,
            because: Path("UpdateRolePolicyToAssumeIt", Some("role/ec2-admin")),
            ..Case::default()
        },
        Case {
            name: "UpdateAssumeRolePolicy without AssumeRole",
            inline: vec![doc(&allow(&["iam:UpdateAssumeRolePolicy"], "*"))],
            fixtures: &[Fixture::AdminRole("ec2")],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        // 4. iam:PassRole.
        Case {
            name: "PassRole of an administrator role to a new EC2 instance",
            inline: vec![doc(&allow(&["iam:PassRole", "ec2:RunInstances"], "*"))],
            fixtures: &[Fixture::AdminRole("ec2")],
            expected: Admin,
            because: Path("CreateEC2WithExistingIP", Some("role/ec2-admin")),
            ..Case::default()
        },
        Case {
            name: "PassRole to Lambda only, with RunInstances",
            inline: vec![doc(&format!(
                "{}, {}",
                r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                    "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}"#,
                allow(&["ec2:RunInstances"], "*")
            ))],
            fixtures: &[Fixture::AdminRole("ec2")],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "PassRole and RunInstances, but no role EC2 may assume",
            inline: vec![doc(&allow(&["iam:PassRole", "ec2:RunInstances"], "*"))],
            fixtures: &[Fixture::AdminRole("lambda")],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "PassRole to a new Lambda function, then invoke it",
            inline: vec![doc(&allow(
                &["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
                "*",
            ))],
            fixtures: &[Fixture::AdminRole("lambda")],
            expected: Admin,
            because: Path("PassExistingRoleToNewLambdaThenInvoke", Some("role/lambda-admin")),
            ..Case::default()
        },
        Case {
            name: "PassRole to a new Lambda function run by a new DynamoDB table",
            inline: vec![doc(&allow(
                &[
                    "iam:PassRole",
                    "lambda:CreateFunction",
                    "lambda:CreateEventSourceMapping",
                    "dynamodb:CreateTable",
                    "dynamodb:PutItem",
                ],
                "*",
            ))],
            fixtures: &[Fixture::AdminRole("lambda")],
            expected: Admin,
            because: Path(
                "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
                Some("role/lambda-admin"),
            ),
            ..Case::default()
        },
        Case {
            name: "PassRole to a new Lambda function run by an existing DynamoDB stream",
            inline: vec![doc(&allow(
                &[
                    "iam:PassRole",
                    "lambda:CreateFunction",
                    "lambda:CreateEventSourceMapping",
                ],
                "*",
            ))],
            fixtures: &[Fixture::AdminRole("lambda")],
            expected: Admin,
            because: Path(
                "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
                Some("role/lambda-admin"),
            ),
            ..Case::default()
        },
        Case {
            name: "PassRole to a new Glue development endpoint",
            inline: vec![doc(&allow(&["iam:PassRole", "glue:CreateDevEndpoint"], "*"))],
            fixtures: &[Fixture::AdminRole("glue")],
            expected: Admin,
            because: Path("PassExistingRoleToNewGlueDevEndpoint", Some("role/glue-admin")),
            ..Case::default()
        },
        Case {
            name: "PassRole to a new CloudFormation stack",
            inline: vec![doc(&allow(
                &["iam:PassRole", "cloudformation:CreateStack"],
                "*",
            ))],
            fixtures: &[Fixture::AdminRole("cloudformation")],
            expected: Admin,
            because: Path(
                "PassExistingRoleToCloudFormation",
                Some("role/cloudformation-admin"),
            ),
            ..Case::default()
        },
        Case {
            name: "PassRole to a new Data Pipeline",
            inline: vec![doc(&allow(
                &["iam:PassRole", "datapipeline:CreatePipeline"],
                "*",
            ))],
            fixtures: &[Fixture::AdminRole("datapipeline")],
            expected: Admin,
            because: Path(
                "PassExistingRoleToNewDataPipeline",
                Some("role/datapipeline-admin"),
            ),
            ..Case::default()
        },
        // 5. Using AWS services.
        Case {
            name: "UpdateDevEndpoint where Glue may run as an administrator",
            inline: vec![doc(&allow(&["glue:UpdateDevEndpoint"], "*"))],
            fixtures: &[Fixture::AdminRole("glue")],
            expected: Admin,
            because: Path("UpdateExistingGlueDevEndpoint", Some("role/glue-admin")),
            ..Case::default()
        },
        Case {
            name: "UpdateFunctionCode where Lambda may run as an administrator",
            inline: vec![doc(&allow(&["lambda:UpdateFunctionCode"], "*"))],
            fixtures: &[Fixture::AdminRole("lambda")],
            expected: Admin,
            because: Path("EditExistingLambdaFunctionWithRole", Some("role/lambda-admin")),
            ..Case::default()
        },
        Case {
            name: "UpdateFunctionCode where no administrator role trusts Lambda",
            inline: vec![doc(&allow(&["lambda:UpdateFunctionCode"], "*"))],
            fixtures: &[Fixture::AdminRole("glue")],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        // Added: assuming an administrator role.
        Case {
            name: "AssumeRole of an administrator role that trusts the account",
            inline: vec![doc(&allow(&["sts:AssumeRole"], "*"))],
            fixtures: &[Fixture::AdminRole("account")],
            expected: Admin,
            because: Path("AssumeAdministratorRole", Some("role/account-admin")),
            ..Case::default()
        },
        Case {
            name: "AssumeRole of an administrator role that trusts someone else",
            inline: vec![doc(&allow(&["sts:AssumeRole"], "*"))],
            fixtures: &[Fixture::LockedAdminRole, Fixture::AdminUser],
            expected: Write,
            because: Action,
            ..Case::default()
        },
        Case {
            name: "PowerUserAccess where an administrator role trusts the account",
            managed: &["PowerUserAccess"],
            fixtures: &[Fixture::AdminRole("account")],
            expected: Admin,
            because: Path("AssumeAdministratorRole", Some("role/account-admin")),
            ..Case::default()
        },
    ]
}

#[test]
fn privilege_classes() {
    for case in cases() {
        check(&case);
    }
}

#[test]
fn every_path_has_a_case_that_takes_it() {
    let cases = cases();
    for path in &PATHS {
        assert!(
            cases
                .iter()
                .any(|c| matches!(c.because, Because::Path(id, _) if id == path.id)),
            "no case for {}",
            path.id
        );
    }
}
