//! The HTTP application in process (`app().oneshot()`): the envelope, the error paths a
//! caller can cause (each an AWS error with its status, never a 500), and authorization.
//! Requests are signed with the sigv4 module's own pieces; SigV4 itself is proven against
//! AWS's test suite (`sigv4_suite.rs`) and by the real clients (tests/e2e).

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use common::{code, fixture, send, signed};
use credreport_server::{app, ServerConfig};
use tower::ServiceExt;

#[tokio::test]
async fn caller_faults_are_aws_errors_with_their_status() {
    let f = fixture();
    let ok = |body: &str| signed(&f.key_id, &f.secret, body, 0);
    let cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        (
            "no signature",
            Request::post("/")
                .body(Body::from("Action=ListUsers&Version=2010-05-08"))
                .unwrap(),
            StatusCode::FORBIDDEN,
            "MissingAuthenticationToken",
        ),
        (
            "wrong secret",
            signed(&f.key_id, "wrong", "Action=ListUsers&Version=2010-05-08", 0),
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
        ),
        (
            "unknown key",
            signed(
                "AKIAAAAAAAAAAAAAAAAA",
                &f.secret,
                "Action=ListUsers&Version=2010-05-08",
                0,
            ),
            StatusCode::FORBIDDEN,
            "InvalidClientTokenId",
        ),
        (
            "16 minutes late",
            signed(
                &f.key_id,
                &f.secret,
                "Action=ListUsers&Version=2010-05-08",
                -16 * 60,
            ),
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
        ),
        (
            "16 minutes early",
            signed(
                &f.key_id,
                &f.secret,
                "Action=ListUsers&Version=2010-05-08",
                16 * 60,
            ),
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
        ),
        (
            "no action",
            ok("Version=2010-05-08"),
            StatusCode::BAD_REQUEST,
            "MissingAction",
        ),
        (
            "unknown action",
            ok("Action=CreateSAMLProvider&Version=2010-05-08"),
            StatusCode::BAD_REQUEST,
            "InvalidAction",
        ),
        (
            "wrong version",
            ok("Action=ListUsers&Version=2011-06-15"),
            StatusCode::BAD_REQUEST,
            "InvalidAction",
        ),
        (
            "missing parameter",
            ok("Action=CreateUser&Version=2010-05-08"),
            StatusCode::BAD_REQUEST,
            "ValidationError",
        ),
        (
            "bad name",
            ok("Action=CreateUser&Version=2010-05-08&UserName=bob%20smith"),
            StatusCode::BAD_REQUEST,
            "ValidationError",
        ),
        (
            "bad MaxItems",
            ok("Action=ListUsers&Version=2010-05-08&MaxItems=abc"),
            StatusCode::BAD_REQUEST,
            "ValidationError",
        ),
        (
            "no such user",
            ok("Action=GetUser&Version=2010-05-08&UserName=nobody"),
            StatusCode::NOT_FOUND,
            "NoSuchEntity",
        ),
        (
            "report not present",
            ok("Action=GetCredentialReport&Version=2010-05-08"),
            StatusCode::GONE,
            "ReportNotPresent",
        ),
        (
            "bad marker",
            ok("Action=ListUsers&Version=2010-05-08&Marker=zz"),
            StatusCode::BAD_REQUEST,
            "ValidationError",
        ),
    ];
    for (what, req, status, expected) in cases {
        let (got_status, body, request_id) = send(&f.iam, req).await;
        assert_eq!(
            (got_status, code(&body)),
            (status, expected),
            "{what}: {body}"
        );
        let id = request_id.unwrap();
        assert!(
            body.contains(&format!("<RequestId>{id}</RequestId>")),
            "{what}: the header and body ids agree"
        );
        // STS's version speaks in STS's namespace.
        let ns = if what == "wrong version" {
            "https://sts.amazonaws.com/doc/2011-06-15/"
        } else {
            "https://iam.amazonaws.com/doc/2010-05-08/"
        };
        assert!(
            body.starts_with(&format!("<ErrorResponse xmlns=\"{ns}\">")),
            "{what}: {body}"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_an_aws_error() {
    let f = fixture();
    let body = format!(
        "Action=ListUsers&Version=2010-05-08&Pad={}",
        "x".repeat(2 << 20)
    );
    let (status, body, _) = send(&f.iam, signed(&f.key_id, &f.secret, &body, 0)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::PAYLOAD_TOO_LARGE, "RequestEntityTooLarge")
    );
}

#[tokio::test]
async fn users_are_refused_what_no_policy_allows_and_allowed_what_one_does() {
    let f = fixture();
    let account = f.iam.account_ids().unwrap().remove(0);
    f.iam.create_user(&account, "bob", None).unwrap();
    let owner = credreport_iam::model::Owner::User(f.iam.user(&account, "bob").unwrap().id);
    let key = f.iam.create_access_key(&account, &owner).unwrap();
    let (id, secret) = (
        key.key.id.clone(),
        key.secret.expose_str().unwrap().to_owned(),
    );
    let get = || {
        signed(
            &id,
            &secret,
            "Action=GetCredentialReport&Version=2010-05-08",
            0,
        )
    };
    let (status, body, _) = send(&f.iam, get()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "AccessDenied")
    );
    let arn = format!("arn:aws:iam::{account}:user/bob");
    assert!(body.contains(&format!(
        "User: {arn} is not authorized to perform: iam:GetCredentialReport on resource: * because no identity-based policy allows the iam:GetCredentialReport action"
    )), "{body}");

    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*CredentialReport","Resource":"*"}]}"#;
    f.iam
        .put_inline_policy(
            &account,
            credreport_iam::Named::User("bob"),
            "reports",
            allow,
        )
        .unwrap();
    let (status, body, _) = send(&f.iam, get()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::GONE, "ReportNotPresent"),
        "allowed now: {body}"
    );

    let deny = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:GetCredentialReport","Resource":"*"}}"#;
    f.iam
        .put_inline_policy(&account, credreport_iam::Named::User("bob"), "no-get", deny)
        .unwrap();
    let (status, body, _) = send(&f.iam, get()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "AccessDenied")
    );
    assert!(
        body.contains("with an explicit deny in an identity-based policy"),
        "{body}"
    );
}

#[tokio::test]
async fn success_envelope_and_health() {
    let f = fixture();
    let (status, body, id) = send(
        &f.iam,
        signed(
            &f.key_id,
            &f.secret,
            "Action=GenerateCredentialReport&Version=2010-05-08",
            0,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let id = id.unwrap();
    assert_eq!(
        body,
        format!(
            "<GenerateCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n  <GenerateCredentialReportResult>\n    <Description>No report exists. Starting a new report generation task</Description>\n    <State>STARTED</State>\n  </GenerateCredentialReportResult>\n  <ResponseMetadata>\n    <RequestId>{id}</RequestId>\n  </ResponseMetadata>\n</GenerateCredentialReportResponse>\n"
        )
    );
    let health = app(f.iam.clone(), ServerConfig::standard())
        .oneshot(Request::get("/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn response_text_that_looks_like_a_placeholder_is_left_alone() {
    // The request id is written into the envelope directly; a user's own text (a path may
    // hold any printable ASCII) is never mistaken for a placeholder to fill in.
    let f = fixture();
    let (status, body, _) = send(
        &f.iam,
        signed(
            &f.key_id,
            &f.secret,
            "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2F%7Brequest-id%7D%2F",
            0,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body, id) = send(
        &f.iam,
        signed(
            &f.key_id,
            &f.secret,
            "Action=ListUsers&Version=2010-05-08",
            0,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<Path>/{request-id}/</Path>"), "{body}");
    assert!(
        body.contains(&format!("<RequestId>{}</RequestId>", id.unwrap())),
        "{body}"
    );
}

#[tokio::test]
async fn a_credential_report_is_sent_with_its_length_and_decodes_to_the_stored_bytes() {
    let f = fixture();
    let app = app(f.iam.clone(), ServerConfig::standard());
    let call = |action: &str| {
        let body = format!("Action={action}&Version=2010-05-08");
        app.clone().oneshot(signed(&f.key_id, &f.secret, &body, 0))
    };
    let started = call("GenerateCredentialReport").await.unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    // The build runs in the background: poll, bounded (10 s).
    let mut answer = None;
    for _ in 0..1000 {
        let response = call("GetCredentialReport").await.unwrap();
        if response.status() == StatusCode::OK {
            answer = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let response = answer.expect("no report within 10 s");
    let length: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    assert_eq!(length, body.len());
    let body = String::from_utf8(body.to_vec()).unwrap();
    let content = body
        .split("<Content>")
        .nth(1)
        .and_then(|s| s.split("</Content>").next())
        .unwrap();
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(content)
        .unwrap();
    let stored = f
        .iam
        .credential_report(&f.iam.account_ids().unwrap()[0])
        .unwrap();
    assert_eq!(decoded, stored.content);
}
