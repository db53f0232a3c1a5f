//! `credreport serve` driven by the AWS SDK for Rust (aws-sdk-iam, aws-sdk-sts): an
//! independent SigV4 signer and XML parser. Every request is signed by the SDK for
//! eu-west-1 against the server's endpoint; every answer must parse into the SDK's typed
//! outputs and typed errors. The report is read back with `credreport-report`.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::operation::RequestId;
use aws_sdk_iam::types::{ReportStateType, StatusType, SummaryKeyType};
use common::{iam_client, sts_client, wait_for_report, Server};
use credreport_report::{read_all, Cell, Column, Row, Sentinel};

const CERT: &str = include_str!("data/cert-valid-rsa2048.pem");
const PASSWORD: &str = "Alice-Passw0rd!2026";

fn bool_at(row: &Row, column: Column) -> Option<bool> {
    row.get(column).and_then(Cell::as_bool)
}

/// Decodes `%XX` escapes (the policy document IAM URL-encodes).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// The `<RequestId>` of an error body.
fn body_request_id<E>(err: &SdkError<E>) -> String {
    let raw = err.raw_response().expect("a response");
    let body = std::str::from_utf8(raw.body().bytes().expect("buffered body")).expect("UTF-8");
    let start = body.find("<RequestId>").expect("RequestId element") + "<RequestId>".len();
    let end = body[start..].find('<').expect("end of RequestId") + start;
    body[start..end].to_owned()
}

fn status<E>(err: &SdkError<E>) -> u16 {
    err.raw_response().expect("a response").status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_sets_up_an_account_and_reads_its_report() {
    let server = Server::start();
    let a = server.account.clone();
    let iam = server.root_iam();

    // Before any generation: ReportNotPresent, typed, with the request id in header and body.
    let err = iam
        .get_credential_report()
        .send()
        .await
        .expect_err("no report yet");
    assert_eq!(status(&err), 410);
    let header_id = err.request_id().expect("x-amzn-RequestId").to_owned();
    assert_eq!(
        header_id,
        body_request_id(&err),
        "request id: header and body agree"
    );
    assert!(
        err.into_service_error()
            .is_credential_report_not_present_exception(),
        "GetCredentialReportError::CredentialReportNotPresentException"
    );

    // The password policy.
    iam.update_account_password_policy()
        .minimum_password_length(12)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .max_password_age(90)
        .password_reuse_prevention(3)
        .send()
        .await
        .expect("UpdateAccountPasswordPolicy");
    let policy = iam
        .get_account_password_policy()
        .send()
        .await
        .expect("GetAccountPasswordPolicy");
    let p = policy.password_policy().expect("PasswordPolicy");
    assert_eq!(p.minimum_password_length(), Some(12));
    assert_eq!(p.max_password_age(), Some(90));
    assert_eq!(p.password_reuse_prevention(), Some(3));
    assert!(p.require_symbols() && p.require_numbers() && p.allow_users_to_change_password());
    assert!(p.require_uppercase_characters() && p.require_lowercase_characters());
    assert!(p.expire_passwords());

    // Users, one with a path. Case-insensitive order (the report's) differs from byte order.
    let mut request_ids = BTreeSet::new();
    for name in ["alice", "bob", "Carol"] {
        let out = iam
            .create_user()
            .user_name(name)
            .send()
            .await
            .expect("CreateUser");
        let user = out.user().expect("User");
        assert_eq!(user.arn(), format!("arn:aws:iam::{a}:user/{name}"));
        assert_eq!(user.path(), "/");
        assert!(user.user_id().starts_with("AIDA"), "{}", user.user_id());
        request_ids.insert(out.request_id().expect("request id").to_owned());
    }
    assert_eq!(request_ids.len(), 3, "every request has its own id");
    let dave = iam
        .create_user()
        .user_name("dave")
        .path("/eng/")
        .send()
        .await
        .expect("CreateUser with a path");
    let dave = dave.user().expect("User");
    assert_eq!(dave.arn(), format!("arn:aws:iam::{a}:user/eng/dave"));
    assert_eq!(dave.path(), "/eng/");

    // alice: a console password, two keys (the older made Inactive), a signing certificate
    // and an inline policy.
    iam.create_login_profile()
        .user_name("alice")
        .password(PASSWORD)
        .send()
        .await
        .expect("CreateLoginProfile");
    let profile = iam
        .get_login_profile()
        .user_name("alice")
        .send()
        .await
        .expect("GetLoginProfile");
    assert_eq!(
        profile.login_profile().map(|p| p.user_name()),
        Some("alice")
    );
    let old = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect("CreateAccessKey");
    let old = old.access_key().expect("AccessKey");
    assert!(old.access_key_id().starts_with("AKIA"));
    assert_eq!(old.secret_access_key().len(), 40);
    assert_eq!(old.status(), &StatusType::Active);
    iam.update_access_key()
        .user_name("alice")
        .access_key_id(old.access_key_id())
        .status(StatusType::Inactive)
        .send()
        .await
        .expect("UpdateAccessKey");
    let new = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect("CreateAccessKey");
    let new = new.access_key().expect("AccessKey");
    let keys = iam
        .list_access_keys()
        .user_name("alice")
        .send()
        .await
        .expect("ListAccessKeys");
    let mut listed: Vec<(String, StatusType)> = keys
        .access_key_metadata()
        .iter()
        .map(|k| {
            (
                k.access_key_id().expect("id").to_owned(),
                k.status().expect("status").clone(),
            )
        })
        .collect();
    listed.sort();
    let mut want = vec![
        (old.access_key_id().to_owned(), StatusType::Inactive),
        (new.access_key_id().to_owned(), StatusType::Active),
    ];
    want.sort();
    assert_eq!(listed, want);

    let cert = iam
        .upload_signing_certificate()
        .user_name("alice")
        .certificate_body(CERT)
        .send()
        .await
        .expect("UploadSigningCertificate");
    let cert = cert.certificate().expect("Certificate");
    assert_eq!(cert.user_name(), "alice");
    assert_eq!(cert.status(), &StatusType::Active);
    let certs = iam
        .list_signing_certificates()
        .user_name("alice")
        .send()
        .await
        .expect("ListSigningCertificates");
    assert_eq!(
        certs
            .certificates()
            .iter()
            .map(|c| c.certificate_id())
            .collect::<Vec<_>>(),
        [cert.certificate_id()]
    );

    let document = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::{a}:user/alice"}}]}}"#
    );
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("self-read")
        .policy_document(&document)
        .send()
        .await
        .expect("PutUserPolicy");
    let got = iam
        .get_user_policy()
        .user_name("alice")
        .policy_name("self-read")
        .send()
        .await
        .expect("GetUserPolicy");
    // The Rust SDK hands over the document as IAM sends it: URL-encoded.
    assert_ne!(got.policy_document(), document);
    assert!(
        got.policy_document().starts_with("%7B%22Version%22"),
        "{}",
        got.policy_document()
    );
    assert_eq!(percent_decode(got.policy_document()), document);

    // ListUsers two at a time, through the paginator: IsTruncated and Marker.
    let pages = iam
        .list_users()
        .max_items(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("ListUsers pages");
    assert_eq!(pages.len(), 2, "4 users, 2 per page");
    assert!(pages[0].is_truncated() && pages[0].marker().is_some());
    assert!(!pages[1].is_truncated());
    let names: BTreeSet<&str> = pages
        .iter()
        .flat_map(|p| p.users().iter().map(|u| u.user_name()))
        .collect();
    assert_eq!(names, BTreeSet::from(["Carol", "alice", "bob", "dave"]));
    assert!(pages.iter().all(|p| p.users().len() == 2));

    // GetAccountSummary's map.
    let summary = iam
        .get_account_summary()
        .send()
        .await
        .expect("GetAccountSummary");
    let map = summary.summary_map().expect("SummaryMap");
    assert_eq!(map.get(&SummaryKeyType::Users), Some(&4));
    assert_eq!(map.get(&SummaryKeyType::AccountAccessKeysPresent), Some(&1));
    assert_eq!(map.get(&SummaryKeyType::AccountMfaEnabled), Some(&0));
    assert_eq!(map.get(&SummaryKeyType::AccessKeysPerUserQuota), Some(&2));

    // STS GetCallerIdentity on the same endpoint, as root and as alice.
    let sts = sts_client(&server.endpoint, &server.key_id, &server.secret);
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.account(), Some(a.as_str()));
    assert_eq!(me.arn(), Some(format!("arn:aws:iam::{a}:root").as_str()));
    let alice_sts = sts_client(
        &server.endpoint,
        new.access_key_id(),
        new.secret_access_key(),
    );
    let alice = alice_sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity as alice");
    assert_eq!(
        alice.arn(),
        Some(format!("arn:aws:iam::{a}:user/alice").as_str())
    );
    // That call is the key's recorded use: the region the SDK signed for, the service.
    let used = iam
        .get_access_key_last_used()
        .access_key_id(new.access_key_id())
        .send()
        .await
        .expect("GetAccessKeyLastUsed");
    assert_eq!(used.user_name(), Some("alice"));
    let used = used.access_key_last_used().expect("AccessKeyLastUsed");
    assert_eq!(used.region(), "eu-west-1");
    assert_eq!(used.service_name(), "sts");
    let last = used.last_used_date().expect("LastUsedDate");
    assert_eq!(last.secs() % 60, 0, "minute precision: {last}");

    // The report: STARTED, then COMPLETE after the background build, then the CSV.
    let first = iam
        .generate_credential_report()
        .send()
        .await
        .expect("GenerateCredentialReport");
    assert_eq!(first.state(), Some(&ReportStateType::Started));
    assert_eq!(
        first.description(),
        Some("No report exists. Starting a new report generation task")
    );
    let report = wait_for_report(&iam).await;
    assert_eq!(report.report_format().map(|f| f.as_str()), Some("text/csv"));
    let generated = report.generated_time().expect("GeneratedTime");
    let age = std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::try_from(*generated).expect("time"))
        .unwrap_or_default();
    assert!(
        age < Duration::from_secs(120),
        "generated just now: {generated}"
    );
    let content = report.content().expect("Content").as_ref();
    assert!(!content.ends_with(b"\n"), "no newline after the last row");
    let (rows, summary) = read_all(content).expect("a valid report");
    assert!(summary.root_row);
    assert!(
        summary.diagnostics.is_empty(),
        "canonical bytes: {:?}",
        summary.diagnostics
    );
    let users: Vec<&str> = rows.iter().map(Row::user).collect();
    assert_eq!(users, ["<root_account>", "alice", "bob", "Carol", "dave"]);
    let arns: Vec<&str> = rows.iter().map(Row::arn).collect();
    assert_eq!(
        arns,
        [
            format!("arn:aws:iam::{a}:root"),
            format!("arn:aws:iam::{a}:user/alice"),
            format!("arn:aws:iam::{a}:user/bob"),
            format!("arn:aws:iam::{a}:user/Carol"),
            format!("arn:aws:iam::{a}:user/eng/dave"),
        ]
    );
    let root = &rows[0];
    assert!(root.is_root());
    assert_eq!(
        root.get(Column::PasswordEnabled).and_then(Cell::sentinel),
        Some(Sentinel::NotSupported)
    );
    assert_eq!(bool_at(root, Column::AccessKey1Active), Some(true));
    let alice = &rows[1];
    assert_eq!(bool_at(alice, Column::PasswordEnabled), Some(true));
    assert_eq!(bool_at(alice, Column::MfaActive), Some(false));
    assert_eq!(
        bool_at(alice, Column::AccessKey1Active),
        Some(true),
        "Active first"
    );
    assert_eq!(bool_at(alice, Column::AccessKey2Active), Some(false));
    assert!(alice
        .get(Column::AccessKey2LastRotated)
        .and_then(Cell::as_timestamp)
        .is_some());
    assert_eq!(bool_at(alice, Column::Cert1Active), Some(true));
    assert_eq!(bool_at(alice, Column::Cert2Active), Some(false));
    for plain in &rows[2..] {
        assert_eq!(
            bool_at(plain, Column::PasswordEnabled),
            Some(false),
            "{}",
            plain.user()
        );
        assert_eq!(bool_at(plain, Column::AccessKey1Active), Some(false));
        assert_eq!(bool_at(plain, Column::Cert1Active), Some(false));
    }

    // Within 4 hours, GenerateCredentialReport says COMPLETE without a Description, and
    // the report stays the same snapshot.
    let again = iam
        .generate_credential_report()
        .send()
        .await
        .expect("GenerateCredentialReport");
    assert_eq!(again.state(), Some(&ReportStateType::Complete));
    assert_eq!(again.description(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_gets_typed_errors() {
    let server = Server::start();
    let a = server.account.clone();
    let iam = server.root_iam();

    let err = iam
        .get_user()
        .user_name("nobody")
        .send()
        .await
        .expect_err("no such user");
    assert_eq!(status(&err), 404);
    assert_eq!(err.request_id(), Some(body_request_id(&err).as_str()));
    let err = err.into_service_error();
    assert!(err.is_no_such_entity_exception(), "{err:?}");
    assert_eq!(
        err.message(),
        Some("The user with name nobody cannot be found.")
    );

    iam.create_user()
        .user_name("alice")
        .send()
        .await
        .expect("CreateUser");
    let err = iam
        .create_user()
        .user_name("alice")
        .send()
        .await
        .expect_err("exists");
    assert_eq!(status(&err), 409);
    assert!(
        err.into_service_error()
            .is_entity_already_exists_exception(),
        "EntityAlreadyExists"
    );

    for _ in 0..2 {
        iam.create_access_key()
            .user_name("alice")
            .send()
            .await
            .expect("CreateAccessKey");
    }
    let err = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect_err("a third key");
    assert_eq!(status(&err), 409);
    assert!(
        err.into_service_error().is_limit_exceeded_exception(),
        "LimitExceeded"
    );

    let err = iam
        .delete_user()
        .user_name("alice")
        .send()
        .await
        .expect_err("alice has keys");
    assert_eq!(status(&err), 409);
    assert!(
        err.into_service_error().is_delete_conflict_exception(),
        "DeleteConflict"
    );

    // bob has a key and no policy: AccessDenied (not modeled: the code is in the metadata).
    iam.create_user()
        .user_name("bob")
        .send()
        .await
        .expect("CreateUser");
    let key = iam
        .create_access_key()
        .user_name("bob")
        .send()
        .await
        .expect("CreateAccessKey");
    let key = key.access_key().expect("AccessKey");
    let bob = iam_client(
        &server.endpoint,
        key.access_key_id(),
        key.secret_access_key(),
    );
    let err = bob
        .get_credential_report()
        .send()
        .await
        .expect_err("bob may not");
    assert_eq!(status(&err), 403);
    assert_eq!(err.code(), Some("AccessDenied"));
    let message = err.message().expect("message").to_owned();
    assert!(
        message.contains(&format!("arn:aws:iam::{a}:user/bob"))
            && message.contains("iam:GetCredentialReport"),
        "{message}"
    );

    // A key id the server does not know, and a known key with the wrong secret.
    let stranger = iam_client(
        &server.endpoint,
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    );
    let err = stranger.list_users().send().await.expect_err("unknown key");
    assert_eq!(status(&err), 403);
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    let forger = iam_client(
        &server.endpoint,
        &server.key_id,
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    );
    let err = forger.list_users().send().await.expect_err("wrong secret");
    assert_eq!(status(&err), 403);
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let sts = sts_client(
        &server.endpoint,
        &server.key_id,
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    );
    let err = sts
        .get_caller_identity()
        .send()
        .await
        .expect_err("wrong secret (STS)");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
}
