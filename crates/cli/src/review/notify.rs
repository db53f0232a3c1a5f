//! Notifications of new findings: the body (JSON `credreport.review.notification/v1`, or
//! Slack's `{"text": ...}`) and its delivery by HTTP POST, with retries and backoff.
//!
//! A 2xx answer is delivered. A connection failure, a timeout, 429 or a 5xx is tried
//! again after a capped exponential backoff with jitter (the fetch's [`Backoff`]); any
//! other 4xx is final (the webhook refuses the request as it is).

use std::time::Duration;

use bytes::Bytes;
use credreport_audit::Severity;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
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
    let uri = notify.webhook.0.clone();
    let request = http::Request::post(uri)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(
            http::header::USER_AGENT,
            concat!("credreport/", env!("CARGO_PKG_VERSION")),
        )
        .body(Full::new(payload))
        .map_err(|e| Failure::Final(format!("building the request: {e}")))?;
    let call = async {
        if notify.webhook.0.scheme_str() == Some("https") {
            let https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
                .map_err(|e| Failure::Final(format!("no TLS root certificates: {e}")))?
                .https_only()
                .enable_http1()
                .build();
            Client::builder(TokioExecutor::new())
                .build(https)
                .request(request)
                .await
        } else {
            Client::builder(TokioExecutor::new())
                .build_http()
                .request(request)
                .await
        }
        .map_err(|e| Failure::Retry(format!("{e}")))
    };
    let response = match tokio::time::timeout(notify.timeout.0, call).await {
        Ok(r) => r?,
        Err(_) => {
            return Err(Failure::Retry(format!(
                "no answer within {:?}",
                notify.timeout.0
            )))
        }
    };
    let status = response.status();
    // Read (and drop) the answer so the connection can be reused or closed cleanly.
    let _ = tokio::time::timeout(notify.timeout.0, response.into_body().collect()).await;
    if status.is_success() {
        Ok(())
    } else if status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS {
        Err(Failure::Retry(format!("HTTP {status}")))
    } else {
        Err(Failure::Final(format!("HTTP {status}")))
    }
}
