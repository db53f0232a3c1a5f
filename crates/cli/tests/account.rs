//! `credreport account create --root-password-file` and `account set-root-password` (issue
//! 13): the root's console password set from a file or standard input, and every bad input
//! one message naming the file and line, with nothing half-done; `account create
//! --management-account` (issue 26): the account's organization.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use credreport_iam::model::Owner;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::{MasterKey, Secret};
use credreport_iam::{AccountId, Iam, IamConfig, SqliteStore, Store, SystemClock};

use common::{credreport, stderr, stdout};

const ID: &str = "210987654321";

fn iam(data: &Path) -> Iam {
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&data.join("iam.db")).expect("open the store"));
    Iam::new(
        store,
        Arc::new(SystemClock),
        MasterKey::load_or_create(&data.join("master.key")).expect("master key"),
        PasswordHasher::new(),
        IamConfig::standard(),
    )
}

fn root_signs_in(data: &Path, password: &str) -> bool {
    let account = AccountId::parse(ID).expect("id");
    iam(data)
        .sign_in(
            &account,
            &Owner::Root,
            &Secret::from_string(password.into()),
            None,
        )
        .is_ok()
}

/// One run: the arguments (after `account`), the password file's text (written to `pw.txt`
/// when given), and what must come of it.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    file: Option<&'static str>,
    exit: i32,
    stderr: &'static str,
}

fn check(dir: &Path, case: &Case) {
    if let Some(text) = case.file {
        std::fs::write(dir.join("pw.txt"), text).expect("write the password file");
    }
    let mut args = vec!["account"];
    args.extend_from_slice(case.args);
    args.extend(["--data-dir", "data"]);
    let out = credreport(&args, &[], dir);
    assert_eq!(
        out.status.code(),
        Some(case.exit),
        "{}: {}",
        case.name,
        stderr(&out)
    );
    assert!(
        stderr(&out).contains(case.stderr),
        "{}: stderr {:?} lacks {:?}",
        case.name,
        stderr(&out),
        case.stderr
    );
}

#[test]
fn root_passwords_from_files_and_their_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cases = [
        Case {
            name: "a weak password creates no account",
            args: &[
                "create",
                "--account-id",
                ID,
                "--root-password-file",
                "pw.txt",
            ],
            file: Some("weak\n"),
            exit: 2,
            stderr:
                "pw.txt:1: the root password is refused: Password should have a minimum length of 8",
        },
        Case {
            name: "a missing file",
            args: &[
                "create",
                "--account-id",
                ID,
                "--root-password-file",
                "nope.txt",
            ],
            file: None,
            exit: 2,
            stderr: "nope.txt: cannot read the password file",
        },
        Case {
            name: "an empty first line",
            args: &[
                "create",
                "--account-id",
                ID,
                "--root-password-file",
                "pw.txt",
            ],
            file: Some("\nSecond-Line-Pass-1\n"),
            exit: 2,
            stderr: "pw.txt:1: the password file's first line is empty",
        },
        Case {
            name: "an organization member has no root password",
            args: &[
                "create",
                "--organization-member",
                "--root-password-file",
                "pw.txt",
            ],
            file: Some("Good-Root-Pass-1\n"),
            exit: 2,
            stderr: "cannot be used with",
        },
        Case {
            name: "a good one",
            args: &[
                "create",
                "--account-id",
                ID,
                "--root-password-file",
                "pw.txt",
            ],
            file: Some("Good-Root-Pass-1\n"),
            exit: 0,
            stderr: "",
        },
        Case {
            name: "set-root-password on an unknown account",
            args: &[
                "set-root-password",
                "--account-id",
                "999999999999",
                "--password-file",
                "pw.txt",
            ],
            file: Some("Other-Root-Pass-2\n"),
            exit: 2,
            stderr: "--account-id 999999999999",
        },
        Case {
            name: "set-root-password",
            args: &[
                "set-root-password",
                "--account-id",
                ID,
                "--password-file",
                "pw.txt",
            ],
            file: Some("Other-Root-Pass-2\r\n"),
            exit: 0,
            stderr: "set the root password of account 210987654321",
        },
    ];
    for case in &cases {
        check(d, case);
    }
    let data = d.join("data");
    assert!(
        root_signs_in(&data, "Other-Root-Pass-2"),
        "the line end is not part of it"
    );
    assert!(
        !root_signs_in(&data, "Good-Root-Pass-1"),
        "the first one was replaced"
    );

    // Standard input, and an organization member account.
    let mut child = Command::new(env!("CARGO_BIN_EXE_credreport"))
        .args([
            "account",
            "set-root-password",
            "--data-dir",
            "data",
            "--account-id",
            ID,
        ])
        .args(["--password-file", "-"])
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"From-Stdin-Pass-3\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root_signs_in(&data, "From-Stdin-Pass-3"));
    let member = credreport(
        &[
            "account",
            "create",
            "--data-dir",
            "data",
            "--organization-member",
        ],
        &[],
        d,
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&member)).expect("json");
    let member_id = json["AccountId"].as_str().expect("id").to_owned();
    std::fs::write(d.join("pw.txt"), "Member-Root-Pass-4\n").expect("write");
    let out = credreport(
        &[
            "account",
            "set-root-password",
            "--data-dir",
            "data",
            "--account-id",
            &member_id,
            "--password-file",
            "pw.txt",
        ],
        &[],
        d,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("organization member account"),
        "{}",
        stderr(&out)
    );
}

/// Issue 26: `--management-account` puts the new account in that account's organization
/// (made with it), CREATED with `--organization-member` (no root credentials, the role
/// Organizations makes) or INVITED without (root credentials, no role); the name and email
/// are validated and emails unique before anything is created.
#[test]
fn accounts_join_an_organization_as_created_or_invited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    #[rustfmt::skip] // One case a line or two: a table.
    let cases = [
        Case { name: "the management account, standalone", args: &["create", "--account-id", "111111111111"],
            file: None, exit: 0, stderr: "" },
        Case { name: "a member it creates",
            args: &["create", "--account-id", "222222222222", "--organization-member", "--management-account", "111111111111",
                "--account-name", "acme-dev", "--email", "dev@acme.example"],
            file: None, exit: 0, stderr: "as \"acme-dev\" <dev@acme.example>, CREATED" },
        Case { name: "an account it invites",
            args: &["create", "--account-id", "333333333333", "--management-account", "111111111111",
                "--account-name", "acme-old", "--email", "old@acme.example"],
            file: None, exit: 0, stderr: "as \"acme-old\" <old@acme.example>, INVITED" },
        Case { name: "a taken email creates no account",
            args: &["create", "--account-id", "444444444444", "--management-account", "111111111111", "--email", "dev@acme.example"],
            file: None, exit: 2, stderr: "The email address dev@acme.example is already the email of another account." },
        Case { name: "a member is no management account",
            args: &["create", "--account-id", "555555555555", "--management-account", "222222222222"],
            file: None, exit: 2, stderr: "Account 222222222222 is a member of organization o-" },
        Case { name: "an email is checked",
            args: &["create", "--account-id", "666666666666", "--management-account", "111111111111", "--email", "nobody"],
            file: None, exit: 2, stderr: "Value at 'email' failed to satisfy constraint" },
        Case { name: "a name needs an organization", args: &["create", "--account-name", "x"],
            file: None, exit: 2, stderr: "--management-account" },
    ];
    for case in &cases {
        check(d, case);
    }
    let iam = iam(&d.join("data"));
    let id = |s: &str| AccountId::parse(s).expect("id");
    let ids: Vec<String> = iam
        .account_ids()
        .expect("accounts")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(ids, ["111111111111", "222222222222", "333333333333"]);
    let role = |a: &str| {
        credreport_iam::store::read(iam.store(), |tx| {
            tx.role_by_name(&id(a), "OrganizationAccountAccessRole")
        })
        .expect("read")
        .is_some()
    };
    let root_keys = |a: &str| {
        credreport_iam::store::read(iam.store(), |tx| tx.access_keys_of(&id(a), &Owner::Root))
            .expect("read")
            .len()
    };
    assert!(role("222222222222") && !role("333333333333"));
    assert_eq!(
        (root_keys("222222222222"), root_keys("333333333333")),
        (0, 1)
    );
    let (organization, members) = iam
        .list_organization_accounts(&id("111111111111"), None, 20)
        .expect("the management account lists its accounts");
    assert_eq!(organization.management, id("111111111111"));
    let listed: Vec<(String, &str, &str)> = members
        .iter()
        .map(|m| {
            (
                m.account.to_string(),
                m.email.as_str(),
                m.joined_method.as_key(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "111111111111".to_owned(),
                "111111111111@example.com",
                "CREATED"
            ),
            ("222222222222".to_owned(), "dev@acme.example", "CREATED"),
            ("333333333333".to_owned(), "old@acme.example", "INVITED"),
        ]
    );
}
