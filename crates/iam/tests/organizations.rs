//! The rules of AWS Organizations' read API and of joining an organization, as a table:
//! each case a caller, an operation and what it must answer (as a line of text), in the
//! order they run on one store. The organization is the one `credreport account create
//! --management-account` makes: its management account is named by the first member.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use credreport_iam::model::{JoinedMethod, Membership};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::{
    AccountId, Error, Iam, IamConfig, ManualClock, NewMember, SqliteStore, Store,
};
use credreport_report::Timestamp;

const M: &str = "111111111111";
const A: &str = "222222222222";
const B: &str = "333333333333";
const C: &str = "444444444444";
const D: &str = "555555555555";
/// A management account this store does not hold.
const ELSEWHERE: &str = "999999999999";

fn id(s: &str) -> AccountId {
    AccountId::parse(s).unwrap()
}

/// What an operation does.
enum Op {
    Join {
        account: &'static str,
        management: &'static str,
        name: Option<&'static str>,
        email: Option<&'static str>,
        invited: bool,
    },
    Create {
        management: &'static str,
        name: &'static str,
        email: &'static str,
    },
    DescribeOrganization(&'static str),
    ListAccounts {
        caller: &'static str,
        after: Option<&'static str>,
        limit: usize,
    },
    DescribeAccount {
        caller: &'static str,
        account: &'static str,
    },
    ListRoots(&'static str),
}

fn member_line(m: &Membership) -> String {
    format!(
        "{} {:?} {} {} {}",
        m.account,
        m.name,
        m.email,
        m.state.as_key(),
        m.joined_method.as_key()
    )
}

fn error_line(e: &Error) -> String {
    let kind = match e {
        Error::OrganizationsNotInUse => "OrganizationsNotInUse",
        Error::AccountNotFound => "AccountNotFound",
        Error::NotManagementAccount => "NotManagementAccount",
        Error::EntityAlreadyExists(_) => "EntityAlreadyExists",
        Error::InvalidInput(_) => "InvalidInput",
        Error::Validation(_) => "Validation",
        Error::NoSuchEntity(_) => "NoSuchEntity",
        other => return format!("unexpected {other:?}"),
    };
    format!("{kind}: {e}")
}

/// Runs `op` as a line of text: what it answered, with the organization's id as `o-ORG`
/// (ids are random; the first organization made is `o-ORG`, the second `o-ORG2`).
fn run(iam: &Iam, op: &Op, orgs: &mut Vec<String>) -> String {
    let answer = match op {
        Op::Join {
            account,
            management,
            name,
            email,
            invited,
        } => {
            let member = NewMember {
                name: *name,
                email: *email,
                joined_method: if *invited {
                    JoinedMethod::Invited
                } else {
                    JoinedMethod::Created
                },
            };
            let check = iam.check_join(&id(account), &id(management), &member);
            let joined = iam.join_organization(&id(account), &id(management), &member);
            // The check refuses what the join refuses, before anything is made (but for the
            // joining account itself, which the command makes between the two).
            if !matches!(joined, Err(Error::NoSuchEntity(_))) {
                assert_eq!(
                    check.as_ref().err().map(error_line),
                    joined.as_ref().err().map(error_line),
                    "check_join and join_organization agree"
                );
            }
            joined.map(|m| member_line(&m))
        }
        Op::Create {
            management,
            name,
            email,
        } => iam
            .create_organization(&id(management), name, email)
            .map(|o| format!("{} managed by {}", o.id, o.management)),
        Op::DescribeOrganization(caller) => iam.describe_organization(&id(caller)).map(|v| {
            format!(
                "{} managed by {} <{}>, {}, root {}",
                v.organization.id,
                v.organization.management,
                v.management_email,
                v.organization.feature_set.as_key(),
                if v.organization.root.as_str().len() == 6 {
                    "r-????"
                } else {
                    "?"
                }
            )
        }),
        Op::ListAccounts {
            caller,
            after,
            limit,
        } => iam
            .list_organization_accounts(&id(caller), after.map(id).as_ref(), *limit)
            .map(|(_, members)| {
                members
                    .iter()
                    .map(member_line)
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
        Op::DescribeAccount { caller, account } => iam
            .describe_organization_account(&id(caller), &id(account))
            .map(|(_, m)| member_line(&m)),
        Op::ListRoots(caller) => iam
            .organization_roots(&id(caller))
            .map(|o| format!("root of {}", o.id)),
    };
    let mut line = answer.unwrap_or_else(|e| error_line(&e));
    for word in line.clone().split([' ', ',', ';', '.']) {
        if word.starts_with("o-") && word.len() == 12 && !orgs.iter().any(|o| o == word) {
            orgs.push(word.to_owned());
        }
    }
    for (i, org) in orgs.iter().enumerate() {
        let name = if i == 0 {
            "o-ORG".to_owned()
        } else {
            format!("o-ORG{}", i + 1)
        };
        line = line.replace(org.as_str(), &name);
    }
    line
}

fn join(account: &'static str, management: &'static str) -> Op {
    Op::Join {
        account,
        management,
        name: None,
        email: None,
        invited: false,
    }
}

#[rustfmt::skip] // One case a line or two: a table.
fn cases() -> Vec<(Op, &'static str)> {
    vec![
        // Outside any organization, Organizations is not in use.
        (Op::DescribeOrganization(A), "OrganizationsNotInUse: Your account is not a member of an organization."),
        (Op::ListAccounts { caller: M, after: None, limit: 20 }, "OrganizationsNotInUse: Your account is not a member of an organization."),
        // The first member names the management account: the organization is made, the
        // management account its first member (by its id; a documentation email).
        (Op::Join { account: A, management: M, name: Some("alpha"), email: Some("alpha@acme.example"), invited: false },
            "222222222222 \"alpha\" alpha@acme.example ACTIVE CREATED"),
        (Op::Join { account: B, management: M, name: Some("beta"), email: Some("beta@acme.example"), invited: true },
            "333333333333 \"beta\" beta@acme.example ACTIVE INVITED"),
        (Op::DescribeOrganization(M), "o-ORG managed by 111111111111 <111111111111@example.com>, ALL, root r-????"),
        (Op::DescribeOrganization(B), "o-ORG managed by 111111111111 <111111111111@example.com>, ALL, root r-????"),
        (Op::DescribeOrganization(C), "OrganizationsNotInUse: Your account is not a member of an organization."),
        // ListAccounts, DescribeAccount and ListRoots: the management account only.
        (Op::ListAccounts { caller: M, after: None, limit: 2 },
            "111111111111 \"111111111111\" 111111111111@example.com ACTIVE CREATED; 222222222222 \"alpha\" alpha@acme.example ACTIVE CREATED"),
        (Op::ListAccounts { caller: M, after: Some(A), limit: 2 }, "333333333333 \"beta\" beta@acme.example ACTIVE INVITED"),
        (Op::ListAccounts { caller: M, after: Some(B), limit: 2 }, ""),
        (Op::ListAccounts { caller: A, after: None, limit: 20 }, "NotManagementAccount: You don't have permissions to access this resource."),
        (Op::ListAccounts { caller: C, after: None, limit: 20 }, "OrganizationsNotInUse: Your account is not a member of an organization."),
        (Op::DescribeAccount { caller: M, account: B }, "333333333333 \"beta\" beta@acme.example ACTIVE INVITED"),
        (Op::DescribeAccount { caller: M, account: M }, "111111111111 \"111111111111\" 111111111111@example.com ACTIVE CREATED"),
        (Op::DescribeAccount { caller: M, account: C }, "AccountNotFound: You specified an account that doesn't exist."),
        (Op::DescribeAccount { caller: B, account: A }, "NotManagementAccount: You don't have permissions to access this resource."),
        (Op::ListRoots(M), "root of o-ORG"),
        (Op::ListRoots(A), "NotManagementAccount: You don't have permissions to access this resource."),
        // What cannot join: a member again, a member as management, itself, a taken email,
        // an account the store does not hold, a name too long.
        (join(A, M), "EntityAlreadyExists: Account 222222222222 is already a member of organization o-ORG."),
        (join(D, A), "InvalidInput: Account 222222222222 is a member of organization o-ORG, not its management account."),
        (join(D, D), "InvalidInput: Account 555555555555 cannot join the organization it would manage."),
        (Op::Join { account: D, management: M, name: None, email: Some("alpha@acme.example"), invited: false },
            "EntityAlreadyExists: The email address alpha@acme.example is already the email of another account."),
        (Op::Join { account: D, management: M, name: Some(""), email: None, invited: false },
            "Validation: 1 validation error detected: Value at 'accountName' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        (join(ELSEWHERE, M), "NoSuchEntity: The account 999999999999 cannot be found."),
        (Op::Create { management: A, name: "a", email: "a2@acme.example" }, "EntityAlreadyExists: Account 222222222222 is already a member of organization o-ORG."),
        // CreateOrganization: an account in none becomes a management account.
        (Op::Create { management: C, name: "gamma", email: "gamma@acme.example" }, "o-ORG2 managed by 444444444444"),
        (Op::ListAccounts { caller: C, after: None, limit: 20 }, "444444444444 \"gamma\" gamma@acme.example ACTIVE CREATED"),
        // A management account outside the store: its members name it, and it manages
        // nothing they can ask it.
        (join(D, ELSEWHERE), "555555555555 \"555555555555\" 555555555555@example.com ACTIVE CREATED"),
        (Op::DescribeOrganization(D), "o-ORG3 managed by 999999999999 <999999999999@example.com>, ALL, root r-????"),
        (Op::ListAccounts { caller: D, after: None, limit: 20 }, "NotManagementAccount: You don't have permissions to access this resource."),
    ]
}

#[test]
fn organizations_read_api_and_joining_follow_aws_rules() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap());
    let clock = ManualClock::new(Timestamp::from_unix(1_700_000_000).unwrap());
    let iam = Iam::new(
        store,
        Arc::new(clock),
        MasterKey::generate().unwrap(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    for account in [M, A, B, C, D] {
        iam.create_account(Some(id(account)), false).unwrap();
    }
    let mut orgs = Vec::new();
    let mut failures = Vec::new();
    for (i, (op, want)) in cases().iter().enumerate() {
        let got = run(&iam, op, &mut orgs);
        if got != *want {
            failures.push(format!("case {i}:\n  want {want}\n  got  {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
