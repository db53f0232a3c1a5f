//! Notifications of new findings: the body (JSON `credreport.review.notification/v1`, or
//! Slack's `{"text": ...}`) and its delivery by HTTP POST, with retries and backoff.
//!
//! A 2xx answer is delivered. A connection failure, a timeout, 429 or a 5xx is tried
//! again after a capped exponential backoff with jitter (the fetch's [`Backoff`]); any
//! other 4xx is final (the webhook refuses the request as it is).

use std::time::Duration;

use bytes::Bytes;
use credreport_audit::Severity;
use http_body_util::Full;
use serde_json::{json, Value};

use super::config::{Notify, NotifyFormat};
use crate::fetch::wait::{Backoff, Jitter};
use crate::history::{ReportMeta, StoredFinding};

/// The schema id of the JSON body.
pub const SCHEMA: &str = "credreport.review.notification/v1";

/// What a notification is about: one account's review.
#[derive(Debug)]
pub struct Subject<'a> {
    pub target: &'a str,
    pub report: &'a ReportMeta,
    pub previous: Option<&'a ReportMeta>,
    pub min_severity: Severity,
    /// The new open findings at or above `min_severity`, most severe first.
    pub new_findings: &'a [StoredFinding],
}

/// One line of text for people: what, where, how many.
pub fn headline(s: &Subject<'_>) -> String {
    let n = s.new_findings.len();
    format!(
        "credreport: {n} new finding{} at or above {} in account {} (target {}), report generated {}",
        if n == 1 { "" } else { "s" },
        s.min_severity.name(),
        s.report.account,
        s.target,
        s.report.generated.to_zulu()
    )
}

fn text(s: &Subject<'_>) -> String {
    let mut t = headline(s);
    for f in s.new_findings {
        t.push_str(&format!(
            "\n• [{}] {}: {} ({})",
            f.severity.name(),
            f.check,
            f.message,
            f.resource()
        ));
    }
    t
}

/// The body, in the configured format.
pub fn body(format: NotifyFormat, s: &Subject<'_>) -> Value {
    match format {
        NotifyFormat::Slack => json!({ "text": text(s) }),
        NotifyFormat::Json => {
            let c = &s.report.counts;
            json!({
                "schema": SCHEMA,
                "account": s.report.account,
                "target": s.target,
                "report": {
                    "history_id": s.report.id,
                    "generated": s.report.generated.to_zulu(),
                    "sha256": s.report.sha256,
                },
                "previous_report": s.previous.map(|p| json!({
                    "history_id": p.id,
                    "generated": p.generated.to_zulu(),
                })),
                "min_severity": s.min_severity.name(),
                "new_findings": s.new_findings.iter().map(|f| json!({
                    "fingerprint": f.fingerprint,
                    "check": f.check,
                    "severity": f.severity.name(),
                    "user": f.user,
                    "arn": f.arn,
                    "resource": f.resource(),
                    "credential": f.credential,
                    "age_days": f.age_days,
                    "message": f.message,
                })).collect::<Vec<_>>(),
                "open": {
                    "critical": c.open[0], "high": c.open[1], "medium": c.open[2],
                    "low": c.open[3], "info": c.open[4],
                },
                "text": text(s),
            })
        }
    }
}

/// How a delivery ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub delivered: bool,
    pub attempts: u32,
    /// The last failure, if any.
    pub error: Option<String>,
}

/// Delays between attempts.
pub const WEBHOOK_BACKOFF: Backoff = Backoff {
    initial: Duration::from_secs(1),
    max: Duration::from_secs(30),
};

/// POSTs `body` to the webhook: the first attempt, then up to `retries` more.
pub async fn send(notify: &Notify, body: &Value, backoff: Backoff) -> Delivery {
    let payload = Bytes::from(body.to_string());
    let mut jitter = Jitter::default();
    let mut last = None;
    let attempts = notify.retries.saturating_add(1);
    for attempt in 0..attempts {
        if attempt > 0 {
            tokio::time::sleep(backoff.delay(attempt - 1, jitter.next_unit())).await;
        }
        match post(notify, payload.clone()).await {
            Ok(()) => {
                return Delivery {
                    delivered: true,
                    attempts: attempt + 1,
                    error: None,
                }
            }
            Err(Failure::Final(e)) => {
                return Delivery {
                    delivered: false,
                    attempts: attempt + 1,
                    error: Some(e),
                }
            }
            Err(Failure::Retry(e)) => {
                tracing::warn!(attempt = attempt + 1, error = %e, "webhook attempt failed");
                last = Some(e);
            }
        }
    }
    Delivery {
        delivered: false,
        attempts,
        error: last,
    }
}

enum Failure {
    Retry(String),
    Final(String),
}

async fn post(notify: &Notify, payload: Bytes) -> Result<(), Failure> {
    let request = http::Request::post(notify.webhook.0.clone())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::USER_AGENT, crate::http::USER_AGENT)
        .body(Full::new(payload))
        .map_err(|e| Failure::Final(format!("building the request: {e}")))?;
    let (status, _, _) = crate::http::exchange(request, notify.timeout.0)
        .await
        .map_err(|e| match e {
            crate::http::Failure::Setup(e) => Failure::Final(e),
            crate::http::Failure::Transport(e) => Failure::Retry(e),
        })?;
    if status.is_success() {
        Ok(())
    } else if status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS {
        Err(Failure::Retry(format!("HTTP {status}")))
    } else {
        Err(Failure::Final(format!("HTTP {status}")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::convert::Infallible;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use http_body_util::Full;
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;

    use super::*;
    use crate::review::config::{HumanDuration, SeverityName, WebhookUrl};

    /// A webhook on 127.0.0.1 answering each request with the next status of `script`
    /// (the last one repeats); the number of requests it got.
    async fn webhook(script: Vec<u16>) -> (String, Arc<AtomicU32>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let count = Arc::new(AtomicU32::new(0));
        let seen = Arc::clone(&count);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (seen, script) = (Arc::clone(&seen), script.clone());
                tokio::spawn(async move {
                    let svc = service_fn(move |_req: hyper::Request<hyper::body::Incoming>| {
                        let n = seen.fetch_add(1, Ordering::SeqCst) as usize;
                        let status = script[n.min(script.len() - 1)];
                        async move {
                            Ok::<_, Infallible>(
                                hyper::Response::builder()
                                    .status(status)
                                    .body(Full::new(Bytes::new()))
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
        (format!("http://{addr}/hook"), count)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn delivery_retries_what_may_pass_and_stops_at_what_cannot() {
        // (answers in order, delivered, attempts)
        let cases: &[(&[u16], bool, u32)] = &[
            (&[200], true, 1),
            (&[204], true, 1),
            (&[503, 502, 200], true, 3),
            (&[429, 200], true, 2),
            (&[500], false, 4),
            (&[400], false, 1),
            (&[404, 200], false, 1),
        ];
        let backoff = Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(20),
        };
        for (script, delivered, attempts) in cases {
            let (url, count) = webhook(script.to_vec()).await;
            let notify = Notify {
                webhook: WebhookUrl(url.parse().unwrap()),
                format: NotifyFormat::Json,
                min_severity: SeverityName(Severity::High),
                retries: 3,
                timeout: HumanDuration(Duration::from_secs(5)),
            };
            let d = send(&notify, &json!({"x": 1}), backoff).await;
            assert_eq!(d.delivered, *delivered, "{script:?}: {d:?}");
            assert_eq!(d.attempts, *attempts, "{script:?}");
            assert_eq!(count.load(Ordering::SeqCst), *attempts, "{script:?}");
        }
        // Nobody listening: every attempt fails to connect, and it says so.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let notify = Notify {
            webhook: WebhookUrl(format!("http://127.0.0.1:{port}/").parse().unwrap()),
            format: NotifyFormat::Slack,
            min_severity: SeverityName(Severity::High),
            retries: 1,
            timeout: HumanDuration(Duration::from_secs(5)),
        };
        let d = send(&notify, &json!({"text": "x"}), backoff).await;
        assert!(!d.delivered);
        assert_eq!(d.attempts, 2);
        assert!(d.error.is_some());
    }

    #[test]
    fn slack_text_names_each_new_finding_and_json_carries_them_as_data() {
        use crate::history::record::Counts;
        let t = credreport_report::Timestamp::parse(b"2026-04-27T09:00:00Z")
            .unwrap()
            .0;
        let report = ReportMeta {
            id: 27,
            account: "123456789012".into(),
            generated: t,
            sha256: "ab".into(),
            stored: t,
            source: crate::history::Source::Review,
            target: Some("prod".into()),
            as_of: t,
            rows: 3,
            counts: Counts::default(),
        };
        let f = StoredFinding {
            fingerprint: "access-key-unused:arn:aws:iam::123456789012:user/bot#access_key_1".into(),
            check: credreport_audit::CheckId::AccessKeyUnused,
            severity: Severity::Medium,
            status: credreport_audit::Status::Fail,
            user: "bot".into(),
            arn: "arn:aws:iam::123456789012:user/bot".into(),
            credential: credreport_audit::Credential::AccessKey(credreport_report::Slot::One),
            age_days: Some(45),
            message: "bot's key was last used 45 days ago".into(),
        };
        let subject = Subject {
            target: "prod",
            report: &report,
            previous: None,
            min_severity: Severity::Medium,
            new_findings: std::slice::from_ref(&f),
        };
        let slack = body(NotifyFormat::Slack, &subject);
        assert_eq!(slack.as_object().unwrap().len(), 1, "only text");
        assert_eq!(
            slack["text"],
            "credreport: 1 new finding at or above medium in account 123456789012 (target prod), \
             report generated 2026-04-27T09:00:00Z\n• [medium] access-key-unused: bot's key was \
             last used 45 days ago (arn:aws:iam::123456789012:user/bot#access_key_1)"
        );
        let j = body(NotifyFormat::Json, &subject);
        assert_eq!(j["schema"], SCHEMA);
        assert_eq!(j["previous_report"], Value::Null);
        assert_eq!(j["new_findings"][0]["fingerprint"], f.fingerprint.as_str());
        assert_eq!(
            j["new_findings"][0]["resource"],
            "arn:aws:iam::123456789012:user/bot#access_key_1"
        );
        assert_eq!(j["text"], slack["text"]);
    }
}
