//! Throttling as IAM does it (issue 15): past an account's request rate, `Throttling`
//! (HTTP 400); the AWS SDK for Rust's standard retry backs off and gets through; a source
//! that keeps failing to authenticate is refused before its signatures are checked.

mod common;

use common::{iam_client, iam_client_retrying, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_account_rate_the_sdk_is_throttled_and_its_standard_retry_gets_through() {
    let server = Server::start_with(&["--account-rate", "2", "--account-burst", "2"]);
    let once = iam_client(&server.endpoint, &server.key_id, &server.secret);
    let mut throttled = 0;
    for _ in 0..6 {
        if let Err(e) = once.list_users().send().await {
            let e = e.into_service_error();
            assert_eq!(
                aws_sdk_iam::error::ProvideErrorMetadata::code(&e),
                Some("Throttling"),
                "{e:?}"
            );
            throttled += 1;
        }
    }
    assert!(
        throttled >= 3,
        "6 requests at once at 2 a second: {throttled} throttled"
    );
    let retrying = iam_client_retrying(&server.endpoint, &server.key_id, &server.secret, 6);
    for i in 0..8 {
        retrying
            .list_users()
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {i} with the standard retry: {e:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_keeps_failing_to_authenticate_is_refused_unchecked() {
    let server = Server::start_with(&["--failure-rate", "0.5", "--failure-burst", "3"]);
    let wrong = iam_client(
        &server.endpoint,
        &server.key_id,
        "not-the-secret-at-all-0000000000000000000",
    );
    let mut codes = Vec::new();
    for _ in 0..5 {
        let e = wrong
            .list_users()
            .send()
            .await
            .expect_err("a wrong secret")
            .into_service_error();
        codes.push(
            aws_sdk_iam::error::ProvideErrorMetadata::code(&e)
                .unwrap_or("")
                .to_owned(),
        );
    }
    assert_eq!(&codes[..3], ["SignatureDoesNotMatch"; 3], "{codes:?}");
    assert_eq!(&codes[3..], ["Throttling"; 2], "{codes:?}");
    // The right key from the same address waits too, until a token comes back.
    let right = iam_client(&server.endpoint, &server.key_id, &server.secret);
    let e = right
        .list_users()
        .send()
        .await
        .expect_err("still limited")
        .into_service_error();
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::code(&e),
        Some("Throttling")
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    right.list_users().send().await.expect("a token came back");
}
