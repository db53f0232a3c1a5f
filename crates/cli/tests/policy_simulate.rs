//! `credreport policy simulate …` run as a user runs it, against the authorization details
//! in `tests/data/policy-simulate` (see its SOURCE.md). Expected transcripts (exit code,
//! stdout, stderr) are in `tests/golden/policy-simulate/<case>.txt`; `UPDATE_GOLDEN=1 cargo
//! test` rewrites them for review.

mod transcript;

use transcript::{check_golden, transcript};

/// The fixtures, from where the transcripts run (`crates/report/tests/data`).
const DATA: &str = "../../../cli/tests/data/policy-simulate";

const ACCOUNT: &str = "arn:aws:iam::111122223333";

/// (case, arguments after `policy simulate --authorization-details FILE`, file, exit).
const CASES: &[(&str, &[&str], &str, i32)] = &[
    (
        "mfa-policy-denies-without-mfa",
        &["--principal=USER/alice", "--action=iam:CreateUser"],
        "details.json",
        1,
    ),
    (
        "mfa-policy-allows-after-mfa",
        &[
            "--principal=USER/alice",
            "--action=iam:CreateUser",
            "--context=aws:MultiFactorAuthPresent=boolean:true",
        ],
        "details.json",
        0,
    ),
    (
        "own-user-without-mfa",
        &[
            "--principal=USER/alice",
            "--action=iam:GetUser",
            "--resource=arn:aws:iam::111122223333:user/alice",
        ],
        "details.json",
        0,
    ),
    (
        "boundary-caps-create-user",
        &["--principal=USER/shirley", "--action=iam:CreateUser"],
        "details.json",
        1,
    ),
    (
        "boundary-allows-what-no-policy-does",
        &[
            "--principal=USER/shirley",
            "--action=s3:GetObject",
            "--resource=arn:aws:s3:::bucket/key",
        ],
        "details.json",
        1,
    ),
    (
        "role-principal-tag",
        &[
            "--principal=ROLE/deployer",
            "--action=s3:GetObject",
            "--resource=arn:aws:s3:::deploy/app.zip",
        ],
        "details.json",
        0,
    ),
    (
        "context-replaces-principal-tag",
        &[
            "--principal=ROLE/deployer",
            "--action=s3:GetObject",
            "--resource=arn:aws:s3:::deploy/app.zip",
            "--context=aws:PrincipalTag/team=string:blue",
        ],
        "details.json",
        1,
    ),
    (
        "unknown-principal",
        &["--principal=USER/nobody", "--action=iam:GetUser"],
        "details.json",
        2,
    ),
    (
        "bad-context",
        &[
            "--principal=USER/alice",
            "--action=iam:GetUser",
            "--context=aws:MultiFactorAuthPresent=true",
        ],
        "details.json",
        2,
    ),
    (
        "context-value-not-of-its-type",
        &[
            "--principal=USER/alice",
            "--action=iam:GetUser",
            "--context=aws:MultiFactorAuthPresent=boolean:maybe",
        ],
        "details.json",
        2,
    ),
    (
        "policy-that-does-not-parse",
        &["--principal=USER/shirley", "--action=iam:CreateUser"],
        "bad-policy.json",
        2,
    ),
    (
        "file-cut-short",
        &["--principal=USER/shirley", "--action=iam:CreateUser"],
        "cut-short.json",
        2,
    ),
];

#[test]
fn each_case_decides_and_explains_as_its_transcript_says() {
    for (case, args, file, exit) in CASES {
        let details = format!("--authorization-details={DATA}/{file}");
        let mut all = vec!["policy".to_owned(), "simulate".to_owned(), details];
        all.extend(args.iter().map(|a| {
            a.replace("USER/", &format!("{ACCOUNT}:user/"))
                .replace("ROLE/", &format!("{ACCOUNT}:role/"))
        }));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let (code, got) = transcript(&all, None);
        check_golden("policy-simulate", case, &got);
        assert_eq!(code, *exit, "{case}: exit status");
    }
}

#[test]
fn the_file_may_come_on_stdin() {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/policy-simulate/details.json"),
    )
    .expect("fixture");
    let principal = format!("--principal={ACCOUNT}:user/alice");
    let (code, got) = transcript(
        &[
            "policy",
            "simulate",
            "--authorization-details=-",
            &principal,
            "--action=iam:CreateUser",
        ],
        Some(&bytes),
    );
    check_golden("policy-simulate", "stdin", &got);
    assert_eq!(code, 1);
}
