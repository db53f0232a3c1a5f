//! AWS's example policies (`tests/data/aws-examples`, sources in its `SOURCE.md`), each
//! against a table of requests whose expected decisions follow from the example's own
//! explanation of what it does.

use credreport_policy::Decision::{Allow, ExplicitDeny, ImplicitDeny};
use credreport_policy::{evaluate, PolicySet, Request, SourceType, Sourced};

use crate::support::{check, context, identity, row, sourced, Entry, Row, ALICE, ALICE_ARN};

const BOB_ARN: &str = "arn:aws:iam::111122223333:user/bob";

/// A user signed with a long-term access key: no `aws:MultiFactorAuthPresent`.
const KEY: &[Entry] = &[("aws:username", "string", &["alice"])];
/// A session authenticated with MFA five minutes ago.
const MFA: &[Entry] = &[
    ("aws:username", "string", &["alice"]),
    ("aws:MultiFactorAuthPresent", "boolean", &["true"]),
    ("aws:MultiFactorAuthAge", "numeric", &["300"]),
];
/// Temporary credentials without MFA.
const NO_MFA: &[Entry] = &[
    ("aws:username", "string", &["alice"]),
    ("aws:MultiFactorAuthPresent", "boolean", &["false"]),
];

/// The issue's example: "Allows MFA-authenticated IAM users to manage their own
/// credentials on the My Security Credentials page". Without MFA a user may only set MFA
/// up (and see itself); with MFA it manages its own credentials and nobody else's.
#[test]
fn my_sec_creds_self_manage() {
    let policy = [identity("my-sec-creds-self-manage.json")];
    let ids = sourced(&policy, &["MySecCreds"]);
    let rows: &[Row] = &[
        // The issue: GetUser on itself, with a plain access key.
        row("iam:GetUser", ALICE_ARN, KEY, Allow),
        row("iam:GetUser", BOB_ARN, KEY, ImplicitDeny),
        row("iam:ListMFADevices", ALICE_ARN, KEY, Allow),
        row("iam:EnableMFADevice", ALICE_ARN, KEY, Allow),
        row("iam:ResyncMFADevice", ALICE_ARN, KEY, Allow),
        row(
            "iam:CreateVirtualMFADevice",
            "arn:aws:iam::111122223333:mfa/alice",
            KEY,
            Allow,
        ),
        row("iam:ListVirtualMFADevices", "*", KEY, Allow),
        // Everything else is denied outright without MFA (BoolIfExists on an absent key).
        row("iam:ChangePassword", ALICE_ARN, KEY, ExplicitDeny),
        row("iam:CreateAccessKey", ALICE_ARN, KEY, ExplicitDeny),
        row("iam:DeactivateMFADevice", ALICE_ARN, KEY, ExplicitDeny),
        row("iam:GetAccountPasswordPolicy", "*", KEY, ExplicitDeny),
        row("s3:ListAllMyBuckets", "*", KEY, ExplicitDeny),
        // Listed in the Deny's NotAction but allowed by no statement.
        row("sts:GetSessionToken", "*", KEY, ImplicitDeny),
        // Temporary credentials without MFA: the same.
        row("iam:CreateAccessKey", ALICE_ARN, NO_MFA, ExplicitDeny),
        row("iam:GetUser", ALICE_ARN, NO_MFA, Allow),
        // With MFA: its own credentials, not anyone else's, nothing beyond.
        row("iam:CreateAccessKey", ALICE_ARN, MFA, Allow),
        row("iam:UpdateAccessKey", ALICE_ARN, MFA, Allow),
        row("iam:CreateAccessKey", BOB_ARN, MFA, ImplicitDeny),
        row("iam:ChangePassword", ALICE_ARN, MFA, Allow),
        row("iam:DeactivateMFADevice", ALICE_ARN, MFA, Allow),
        row("iam:UploadSigningCertificate", ALICE_ARN, MFA, Allow),
        row("iam:GetAccountPasswordPolicy", "*", MFA, Allow),
        row("iam:DeleteUser", ALICE_ARN, MFA, ImplicitDeny),
        row("s3:ListAllMyBuckets", "*", MFA, ImplicitDeny),
        // Action names ignore case; ARNs do not.
        row("IAM:getuser", ALICE_ARN, KEY, Allow),
        row(
            "iam:GetUser",
            "arn:aws:iam::111122223333:user/Alice",
            KEY,
            ImplicitDeny,
        ),
        // No `aws:username` (a role session): `${aws:username}` has no value, the
        // statements with it match nothing.
        row("iam:GetUser", ALICE_ARN, &[], ImplicitDeny),
    ];
    check(
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
        ALICE,
        rows,
    );
}

/// "Denies access to AWS based on the source IP", with an Allow of everything beside it
/// (the example allows nothing itself).
#[test]
fn deny_ip() {
    let policies = [
        identity("deny-ip.json"),
        identity("administrator-access.json"),
    ];
    let ids = sourced(&policies, &["DenyIp", "AdministratorAccess"]);
    const INSIDE: &[Entry] = &[
        ("aws:SourceIp", "ip", &["192.0.2.10"]),
        ("aws:ViaAWSService", "boolean", &["false"]),
    ];
    const INSIDE_TOO: &[Entry] = &[
        ("aws:SourceIp", "ip", &["203.0.113.255"]),
        ("aws:ViaAWSService", "boolean", &["false"]),
    ];
    const OUTSIDE: &[Entry] = &[
        ("aws:SourceIp", "ip", &["198.51.100.1"]),
        ("aws:ViaAWSService", "boolean", &["false"]),
    ];
    const OUTSIDE_V6: &[Entry] = &[
        ("aws:SourceIp", "ip", &["2001:db8::1"]),
        ("aws:ViaAWSService", "boolean", &["false"]),
    ];
    const SERVICE: &[Entry] = &[
        ("aws:SourceIp", "ip", &["198.51.100.1"]),
        ("aws:ViaAWSService", "boolean", &["true"]),
    ];
    // Through a VPC endpoint there is no aws:SourceIp: NotIpAddress holds.
    const NO_IP: &[Entry] = &[("aws:ViaAWSService", "boolean", &["false"])];
    // Without aws:ViaAWSService the Bool condition fails: the service must fill it.
    const NO_VIA: &[Entry] = &[("aws:SourceIp", "ip", &["198.51.100.1"])];
    let rows: &[Row] = &[
        row("iam:ListUsers", "*", INSIDE, Allow),
        row("iam:ListUsers", "*", INSIDE_TOO, Allow),
        row("iam:ListUsers", "*", OUTSIDE, ExplicitDeny),
        row("s3:GetObject", "arn:aws:s3:::b/k", OUTSIDE_V6, ExplicitDeny),
        row("iam:ListUsers", "*", SERVICE, Allow),
        row("iam:ListUsers", "*", NO_IP, ExplicitDeny),
        row("iam:ListUsers", "*", NO_VIA, Allow),
    ];
    check(
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
        ALICE,
        rows,
    );
    // The Deny alone allows nothing.
    let alone = sourced(&policies[..1], &["DenyIp"]);
    check(
        &PolicySet {
            identity: &alone,
            ..PolicySet::default()
        },
        ALICE,
        &[row("iam:ListUsers", "*", INSIDE, ImplicitDeny)],
    );
}

/// "Allows access based on date and time": from April 1 to June 30, 2020 (UTC), the
/// bounds excluded by the operators (`DateGreaterThan`, `DateLessThan`).
#[test]
fn dates() {
    let policy = [identity("dates.json")];
    let ids = sourced(&policy, &["Dates"]);
    const ACTION: &str = "service-prefix:action-name";
    let rows: &[Row] = &[
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-05-01T12:00:00Z"])],
            Allow,
        ),
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-04-01T00:00:01Z"])],
            Allow,
        ),
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-04-01T00:00:00Z"])],
            ImplicitDeny,
        ),
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-06-30T23:59:58Z"])],
            Allow,
        ),
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-06-30T23:59:59Z"])],
            ImplicitDeny,
        ),
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-07-01"])],
            ImplicitDeny,
        ),
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-03-31T23:59:59Z"])],
            ImplicitDeny,
        ),
        // Another zone, and epoch seconds (2020-05-01T00:00:00Z).
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["2020-04-01T01:00:00+01:00"])],
            ImplicitDeny,
        ),
        row(
            ACTION,
            "*",
            &[("aws:CurrentTime", "date", &["1588291200"])],
            Allow,
        ),
        // No time in the context: the conditions fail.
        row(ACTION, "*", &[], ImplicitDeny),
        row(
            "service-prefix:other",
            "*",
            &[("aws:CurrentTime", "date", &["2020-05-01"])],
            ImplicitDeny,
        ),
    ];
    check(
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
        ALICE,
        rows,
    );
}

/// "Requires MFA (GetSessionToken) for specific EC2 operations": the "deny unless MFA"
/// form, `BoolIfExists` on `aws:MultiFactorAuthPresent` (here with a JSON `false`).
#[test]
fn ec2_require_mfa() {
    let policy = [identity("ec2-require-mfa.json")];
    let ids = sourced(&policy, &["RequireMfa"]);
    const MFA_TRUE: &[Entry] = &[("aws:MultiFactorAuthPresent", "boolean", &["true"])];
    const MFA_FALSE: &[Entry] = &[("aws:MultiFactorAuthPresent", "boolean", &["false"])];
    const INSTANCE: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-0123";
    let rows: &[Row] = &[
        row("ec2:StopInstances", INSTANCE, &[], ExplicitDeny),
        row("ec2:StopInstances", INSTANCE, MFA_FALSE, ExplicitDeny),
        row("ec2:StopInstances", INSTANCE, MFA_TRUE, Allow),
        row("ec2:TerminateInstances", INSTANCE, &[], ExplicitDeny),
        row("ec2:DescribeInstances", "*", &[], Allow),
        row("ec2:DescribeInstances", "*", MFA_TRUE, Allow),
        row("s3:GetObject", "arn:aws:s3:::b/k", MFA_TRUE, ImplicitDeny),
    ];
    check(
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
        ALICE,
        rows,
    );
}

/// "Start or stop instances based on matching principal and resource tags": ABAC with
/// `aws:ResourceTag/CostCenter` equal to `${aws:PrincipalTag/CostCenter}`.
#[test]
fn ec2_start_stop_match_tags() {
    let policy = [identity("ec2-start-stop-match-tags.json")];
    let ids = sourced(&policy, &["MatchTags"]);
    const INSTANCE: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-0123";
    const SAME: &[Entry] = &[
        ("aws:PrincipalTag/CostCenter", "string", &["1234"]),
        ("aws:ResourceTag/CostCenter", "string", &["1234"]),
    ];
    const OTHER: &[Entry] = &[
        ("aws:PrincipalTag/CostCenter", "string", &["1234"]),
        ("aws:ResourceTag/CostCenter", "string", &["5678"]),
    ];
    const KEYS_IN_ANOTHER_CASE: &[Entry] = &[
        ("aws:principaltag/costcenter", "string", &["1234"]),
        ("AWS:RESOURCETAG/COSTCENTER", "string", &["1234"]),
    ];
    const VALUES_IN_ANOTHER_CASE: &[Entry] = &[
        ("aws:PrincipalTag/CostCenter", "string", &["Blue"]),
        ("aws:ResourceTag/CostCenter", "string", &["blue"]),
    ];
    const UNTAGGED_PRINCIPAL: &[Entry] = &[("aws:ResourceTag/CostCenter", "string", &["1234"])];
    const UNTAGGED_RESOURCE: &[Entry] = &[("aws:PrincipalTag/CostCenter", "string", &["1234"])];
    let rows: &[Row] = &[
        row("ec2:StartInstances", INSTANCE, SAME, Allow),
        row("ec2:StopInstances", INSTANCE, SAME, Allow),
        row("ec2:StartInstances", INSTANCE, OTHER, ImplicitDeny),
        row("ec2:StartInstances", INSTANCE, KEYS_IN_ANOTHER_CASE, Allow),
        row(
            "ec2:StartInstances",
            INSTANCE,
            VALUES_IN_ANOTHER_CASE,
            ImplicitDeny,
        ),
        row(
            "ec2:StartInstances",
            INSTANCE,
            UNTAGGED_PRINCIPAL,
            ImplicitDeny,
        ),
        row(
            "ec2:StartInstances",
            INSTANCE,
            UNTAGGED_RESOURCE,
            ImplicitDeny,
        ),
        row("ec2:TerminateInstances", INSTANCE, SAME, ImplicitDeny),
    ];
    check(
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
        ALICE,
        rows,
    );
}

/// "Controlling access for IAM principals": see the groups of users of one's own project
/// (`aws:ResourceTag/project` equal to `${aws:PrincipalTag/project}`).
#[test]
fn iam_principal_tags() {
    let policy = [identity("iam-principal-tags.json")];
    let ids = sourced(&policy, &["SameProject"]);
    const USER: &str = "arn:aws:iam::111222333444:user/bob";
    const BLUE: &[Entry] = &[
        ("aws:PrincipalTag/project", "string", &["blue"]),
        ("aws:ResourceTag/project", "string", &["blue"]),
    ];
    const RED: &[Entry] = &[
        ("aws:PrincipalTag/project", "string", &["blue"]),
        ("aws:ResourceTag/project", "string", &["red"]),
    ];
    let rows: &[Row] = &[
        row("iam:ListGroupsForUser", USER, BLUE, Allow),
        row("iam:ListGroupsForUser", USER, RED, ImplicitDeny),
        row(
            "iam:ListGroupsForUser",
            "arn:aws:iam::999999999999:user/bob",
            BLUE,
            ImplicitDeny,
        ),
        row("iam:ListGroupsForUser", USER, &[], ImplicitDeny),
    ];
    check(
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
        ALICE,
        rows,
    );
}

/// "Controlling access based on tag keys": remove only the tag `temporary`
/// (`ForAllValues:StringEquals` on the multivalued `aws:TagKeys`).
#[test]
fn iam_untag_temporary() {
    let policy = [identity("iam-untag-temporary.json")];
    let ids = sourced(&policy, &["UntagTemporary"]);
    let rows: &[Row] = &[
        row(
            "iam:UntagUser",
            ALICE_ARN,
            &[("aws:TagKeys", "stringList", &["temporary"])],
            Allow,
        ),
        row(
            "iam:UntagUser",
            ALICE_ARN,
            &[("aws:TagKeys", "stringList", &["temporary", "team"])],
            ImplicitDeny,
        ),
        row(
            "iam:UntagUser",
            ALICE_ARN,
            &[("aws:TagKeys", "stringList", &["Temporary"])],
            ImplicitDeny,
        ),
        // ForAllValues holds on an absent or empty key: AWS's warning, kept.
        row(
            "iam:UntagUser",
            ALICE_ARN,
            &[("aws:TagKeys", "stringList", &[])],
            Allow,
        ),
        row("iam:UntagUser", ALICE_ARN, &[], Allow),
    ];
    check(
        &PolicySet {
            identity: &ids,
            ..PolicySet::default()
        },
        ALICE,
        rows,
    );
}

/// "Permissions boundaries for IAM entities", `XCompanyBoundaries` as the boundary of an
/// administrator (`AdministratorAccess` attached): within the boundary's services, its
/// own credentials, never the logs bucket or the production instance, and no more IAM.
#[test]
fn boundary_caps_an_administrator() {
    let admin = [identity("administrator-access.json")];
    let ids = [Sourced {
        id: "arn:aws:iam::aws:policy/AdministratorAccess",
        source_type: SourceType::AwsManaged,
        policy: &admin[0],
    }];
    let boundary = identity("boundary-x-company.json");
    let policies = PolicySet {
        identity: &ids,
        boundary: Some(Sourced {
            id: "arn:aws:iam::111122223333:policy/XCompanyBoundaries",
            source_type: SourceType::UserManaged,
            policy: &boundary,
        }),
        ..PolicySet::default()
    };
    const ME: &[Entry] = &[("aws:username", "string", &["alice"])];
    const PRODUCTION: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-1234567890abcdef0";
    let rows: &[Row] = &[
        row("s3:GetObject", "arn:aws:s3:::data/report.csv", ME, Allow),
        row(
            "dynamodb:Query",
            "arn:aws:dynamodb:us-east-1:111122223333:table/t",
            ME,
            Allow,
        ),
        row(
            "s3:GetObject",
            "arn:aws:s3:::logs/2020/01.log",
            ME,
            ExplicitDeny,
        ),
        row("s3:ListBucket", "arn:aws:s3:::logs", ME, ExplicitDeny),
        row("ec2:StopInstances", PRODUCTION, ME, ExplicitDeny),
        row(
            "ec2:StopInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
            ME,
            Allow,
        ),
        row("iam:ListUsers", "*", ME, Allow),
        row("iam:CreateAccessKey", ALICE_ARN, ME, Allow),
        row("iam:CreateAccessKey", BOB_ARN, ME, ImplicitDeny),
        row(
            "iam:CreateUser",
            "arn:aws:iam::111122223333:user/eve",
            ME,
            ImplicitDeny,
        ),
        row(
            "iam:PutUserPermissionsBoundary",
            ALICE_ARN,
            ME,
            ImplicitDeny,
        ),
        row(
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/admin",
            ME,
            ImplicitDeny,
        ),
    ];
    check(&policies, ALICE, rows);

    // The boundary's own answer is reported apart from the decision.
    let ctx = context(ME);
    let request = |action, resource| Request {
        principal: ALICE,
        action,
        resource,
        resource_account: None,
        context: &ctx,
    };
    let capped = evaluate(&request("iam:CreateUser", "*"), &policies);
    assert_eq!(capped.allowed_by_permissions_boundary(), Some(false));
    let inside = evaluate(&request("s3:GetObject", "arn:aws:s3:::data/x"), &policies);
    assert_eq!(inside.allowed_by_permissions_boundary(), Some(true));
}

/// "Permissions boundaries for IAM entities", `ShirleyRodriguez`: a boundary of S3,
/// CloudWatch and EC2 and a policy allowing `iam:CreateUser` leave her nothing.
#[test]
fn boundary_shirley() {
    let policy = [identity("shirley-create-user.json")];
    let ids = sourced(&policy, &["CreateUser"]);
    let boundary = identity("boundary-shirley.json");
    let policies = PolicySet {
        identity: &ids,
        boundary: Some(Sourced {
            id: "ShirleyBoundary",
            source_type: SourceType::UserManaged,
            policy: &boundary,
        }),
        ..PolicySet::default()
    };
    let rows: &[Row] = &[
        row("iam:CreateUser", "*", &[], ImplicitDeny),
        row("s3:GetObject", "arn:aws:s3:::b/k", &[], ImplicitDeny),
    ];
    check(&policies, ALICE, rows);
    let unbounded = PolicySet {
        identity: &ids,
        ..PolicySet::default()
    };
    check(&unbounded, ALICE, &[row("iam:CreateUser", "*", &[], Allow)]);
}
