//! One account's import against a scripted Security Hub on 127.0.0.1: the calls are
//! signed (SigV4, service `securityhub`, the Region), findings it refuses are sent again
//! and only those, throttling and server errors are tried again, a refusal of the call
//! (no access) stops the import, and what is still refused is reported and sent again by
//! the next import.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_iam::config::{Credentials, SharedCredentialsProvider};
use bytes::Bytes;
use credreport_audit::render::Region;
use credreport_audit::Config;
use credreport_report::Timestamp;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

use super::findings::Stored;
use super::import::{import, ImportInput};
use super::Hub;
use crate::env::Clock;
use crate::fetch::wait::Backoff;
use crate::history::securityhub::HubScope;
use crate::history::store::NewReport;
use crate::history::{audit_bytes, History, Source};

const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-01-01T00:00:00+00:00,2025-01-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text.as_bytes()).expect("time").0
}

#[derive(Debug)]
struct Fixed(Timestamp);

impl Clock for Fixed {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// What the scripted hub answers to its n-th call (from 0), given the ids sent.
type Script = Box<dyn Fn(usize, &[String]) -> (u16, Value) + Send + Sync>;

/// One request the hub got: its path, Authorization header, and the ids it carried.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    authorization: String,
    ids: Vec<String>,
}

/// A scripted Security Hub on 127.0.0.1; the requests it got.
async fn hub(script: Script) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(script);
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (log, script) = (Arc::clone(&log), Arc::clone(&script));
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let (log, script) = (Arc::clone(&log), Arc::clone(&script));
                    async move {
                        let path = req.uri().path().to_owned();
                        let authorization = req
                            .headers()
                            .get("authorization")
                            .and_then(|h| h.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let v: Value = serde_json::from_slice(&body).unwrap();
                        let ids: Vec<String> = v["Findings"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|f| f["Id"].as_str().unwrap().to_owned())
                            .collect();
                        let n = {
                            let mut log = log.lock().unwrap();
                            log.push(Seen {
                                path,
                                authorization,
                                ids: ids.clone(),
                            });
                            log.len() - 1
                        };
                        let (status, answer) = script(n, &ids);
                        Ok::<_, Infallible>(
                            hyper::Response::builder()
                                .status(status)
                                .body(Full::new(Bytes::from(answer.to_string())))
                                .unwrap(),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

/// An answer accepting everything but `refused`.
fn answer(refused: &[&String]) -> (u16, Value) {
    (
        200,
        json!({
            "FailedCount": refused.len(),
            "SuccessCount": 0,
            "FailedFindings": refused.iter().map(|id| json!({
                "Id": id, "ErrorCode": "InvalidInput", "ErrorMessage": "refused by the script",
            })).collect::<Vec<_>>(),
        }),
    )
}

struct Setup {
    _dir: tempfile::TempDir,
    history: History,
    report: i64,
    clock: Arc<Fixed>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::open(dir.path()).unwrap();
    let generated = at("2026-03-01T09:00:00Z");
    let audited = audit_bytes("r", REPORT.as_bytes(), &Config::default(), generated).unwrap();
    let report = history
        .add_report(&NewReport {
            account: "123456789012",
            generated,
            bytes: REPORT.as_bytes(),
            source: Source::Review,
            target: None,
            audited: &audited,
            stored: generated,
        })
        .unwrap()
        .id;
    Setup {
        _dir: dir,
        history,
        report,
        clock: Arc::new(Fixed(at("2026-03-01T10:00:00Z"))),
    }
}

fn client(endpoint: &str, clock: Arc<Fixed>) -> Hub {
    Hub {
        endpoint: endpoint.parse().unwrap(),
        region: "eu-west-1".to_owned(),
        credentials: SharedCredentialsProvider::new(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        )),
        clock,
        timeout: Duration::from_secs(5),
    }
}

async fn run(s: &Setup, hub: &Hub) -> crate::history::securityhub::ImportRecord {
    let region = Region::parse("eu-west-1").unwrap();
    import(
        &s.history,
        hub,
        ImportInput {
            destination: "http://hub",
            account: "123456789012",
            region: &region,
            config: &Config::default(),
            report: Stored {
                id: s.report,
                bytes: REPORT.as_bytes(),
                generated: at("2026-03-01T09:00:00Z"),
            },
            now: s.clock.0,
            retries: 2,
            backoff: Backoff {
                initial: Duration::from_millis(5),
                max: Duration::from_millis(10),
            },
        },
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_findings_are_sent_again_and_only_they_and_calls_are_signed() {
    let s = setup();
    // The first call refuses its first finding; the second takes it.
    let (url, seen) = hub(Box::new(|n, ids| {
        if n == 0 {
            answer(&[&ids[0]])
        } else {
            answer(&[])
        }
    }))
    .await;
    let record = run(&s, &client(&url, Arc::clone(&s.clock))).await;
    let seen = seen.lock().unwrap().clone();
    assert!(record.complete(), "{record:?}");
    assert_eq!(record.calls, 2);
    assert!(record.new >= 3, "{record:?}");
    assert_eq!(seen[0].ids.len() as u64, record.new);
    assert_eq!(
        seen[1].ids,
        [seen[0].ids[0].clone()],
        "only the refused one again"
    );
    for r in &seen {
        assert_eq!(r.path, "/findings/import");
        assert!(
            r.authorization.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/eu-west-1/securityhub/aws4_request, SignedHeaders="
            ),
            "{}",
            r.authorization
        );
    }
    let scope = HubScope {
        destination: "http://hub",
        account: "123456789012",
        region: "eu-west-1",
    };
    assert_eq!(
        s.history.hub_known(scope).unwrap().len() as u64,
        record.new,
        "every finding recorded as accepted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_always_refused_is_reported_and_sent_again_next_time() {
    let s = setup();
    let (url, seen) = hub(Box::new(|_, ids| {
        let refused: Vec<&String> = ids
            .iter()
            .filter(|id| id.contains("user-inactive"))
            .collect();
        answer(&refused)
    }))
    .await;
    let hub_client = client(&url, Arc::clone(&s.clock));
    let record = run(&s, &hub_client).await;
    assert_eq!(record.calls, 3, "the first call and two retries");
    assert_eq!(record.failed.len(), 1, "{record:?}");
    assert_eq!(record.failed[0].code, "InvalidInput");
    assert!(record.failed[0].id.contains("user-inactive"));
    assert!(!record.complete());
    let recorded = s.history.imports(s.report).unwrap();
    assert_eq!(recorded.last().unwrap().failed, record.failed);
    // The next import sends the refused one again, as new, and nothing else.
    let again = run(&s, &hub_client).await;
    assert_eq!((again.new, again.changed), (1, 0), "{again:?}");
    assert_eq!(
        seen.lock().unwrap().last().unwrap().ids,
        [record.failed[0].id.clone()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_tried_again_and_a_refused_call_stops_the_import() {
    // (case, answers by call, calls, complete, error starts)
    type Case = (
        &'static str,
        Vec<(u16, Value)>,
        u32,
        bool,
        Option<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            "throttled, then taken",
            vec![
                (429, json!({"__type": "TooManyRequestsException", "message": "slow down"})),
                answer(&[]),
            ],
            2,
            true,
            None,
        ),
        (
            "a server error each time",
            vec![(503, json!({}))],
            3,
            true,
            None,
        ),
        (
            "Security Hub not enabled",
            vec![(
                403,
                json!({"__type": "InvalidAccessException", "message": "Account 123456789012 is not subscribed to AWS Security Hub"}),
            )],
            1,
            false,
            Some("BatchImportFindings: InvalidAccessException: Account 123456789012 is not subscribed"),
        ),
    ];
    for (case, answers, calls, no_error, error) in cases {
        let s = setup();
        let answers = Arc::new(answers);
        let (url, _) = hub(Box::new(move |n, _| {
            answers[n.min(answers.len() - 1)].clone()
        }))
        .await;
        let record = run(&s, &client(&url, Arc::clone(&s.clock))).await;
        assert_eq!(record.calls, calls, "{case}: {record:?}");
        assert_eq!(record.error.is_none(), no_error, "{case}: {record:?}");
        if let Some(e) = error {
            assert!(
                record.error.as_deref().unwrap().starts_with(e),
                "{case}: {record:?}"
            );
        }
        if case == "a server error each time" {
            assert_eq!(
                record.failed.len() as u64,
                record.new,
                "{case}: every finding"
            );
            assert!(record
                .failed
                .iter()
                .all(|f| f.code == "credreport:NoAnswer"));
        }
    }
}
