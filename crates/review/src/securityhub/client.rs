//! Security Hub's BatchImportFindings over its REST-JSON protocol (`POST
//! /findings/import`), signed with SigV4 by the AWS SDK's own signer (`aws-sigv4`) with
//! credentials from the SDK's providers, sent with the review's HTTP client. One call,
//! its answer read: the findings refused (`FailedFindings`), or why the call failed and
//! whether another try may help.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_iam::config::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http_body_util::Full;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::env::Clock;
use crate::history::securityhub::FailedFinding;
use crate::http::{exchange, Failure, USER_AGENT};

/// The service name SigV4 signs for.
const SERVICE: &str = "securityhub";

/// One Region's Security Hub, as whom.
#[derive(Clone, Debug)]
pub struct Hub {
    /// Where to send: the Region's endpoint, or `endpoint_url`.
    pub endpoint: http::Uri,
    /// The Region (signed for).
    pub region: String,
    pub credentials: SharedCredentialsProvider,
    /// Signs with this clock (the review's).
    pub clock: Arc<dyn Clock>,
    /// Per call.
    pub timeout: Duration,
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// No answer, throttling, a server error: another try may pass.
    Retry(String),
    /// Refused as asked (credentials, access, Security Hub not enabled): a retry cannot.
    Final(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Retry(e) | CallError::Final(e) => f.write_str(e),
        }
    }
}

/// The Region's public endpoint: `https://securityhub.<region>.amazonaws.com`
/// (`.com.cn` in China).
pub fn region_endpoint(region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://securityhub.{region}.{suffix}")
}

/// BatchImportFindings' answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ImportAnswer {
    #[serde(default)]
    failed_findings: Vec<RawFailed>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawFailed {
    id: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
}

/// An error answer's code and message (REST-JSON: `__type`, `code` or the
/// `x-amzn-ErrorType` header; `message` or `Message`).
fn error_of(headers: &http::HeaderMap, body: &[u8]) -> (String, String) {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let code = headers
        .get("x-amzn-errortype")
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| v["__type"].as_str().map(str::to_owned))
        .or_else(|| v["code"].as_str().map(str::to_owned))
        .or_else(|| v["Code"].as_str().map(str::to_owned))
        .unwrap_or_default();
    // `InvalidAccessException:http://internal.amazon.com/...` and `aws.protocol#Code`
    // forms both name the code first.
    let code = code
        .split(':')
        .next()
        .unwrap_or_default()
        .rsplit('#')
        .next()
        .unwrap_or_default()
        .to_owned();
    let message = v["message"]
        .as_str()
        .or_else(|| v["Message"].as_str())
        .unwrap_or_default()
        .to_owned();
    (code, message)
}

/// Whether an error code or status is worth another try.
fn retryable(status: http::StatusCode, code: &str) -> bool {
    status.is_server_error()
        || status == http::StatusCode::TOO_MANY_REQUESTS
        || matches!(
            code,
            "ThrottlingException" | "TooManyRequestsException" | "InternalException"
        )
}

impl Hub {
    /// The signed request for `path` with `body`.
    async fn request(
        &self,
        path: &str,
        body: Vec<u8>,
    ) -> Result<http::Request<Full<Bytes>>, CallError> {
        let base = self.endpoint.to_string();
        let uri: http::Uri = format!("{}{path}", base.trim_end_matches('/'))
            .parse()
            .map_err(|e| CallError::Final(format!("{base}{path}: not a URL ({e})")))?;
        let host = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .ok_or_else(|| CallError::Final(format!("{uri}: no host")))?;
        let credentials = self.credentials.provide_credentials().await.map_err(|e| {
            CallError::Final(format!(
                "no usable AWS credentials for Security Hub: {}",
                crate::fetch::client::chain_of(&e)
            ))
        })?;
        let identity: Identity = credentials.into();
        let secs = u64::try_from(self.clock.now().unix()).unwrap_or(0);
        let time = UNIX_EPOCH + Duration::from_secs(secs);
        let params = SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SERVICE)
            .time(time.max(UNIX_EPOCH))
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| CallError::Final(format!("signing: {e}")))?
            .into();
        let mut request = http::Request::post(uri.clone())
            .header(http::header::HOST, &host)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::USER_AGENT, USER_AGENT)
            .body(Full::new(Bytes::new()))
            .map_err(|e| CallError::Final(format!("building the request: {e}")))?;
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                v.to_str()
                    .ok()
                    .map(|v| (k.as_str().to_owned(), v.to_owned()))
            })
            .collect();
        let signable = SignableRequest::new(
            "POST",
            uri.to_string(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(&body),
        )
        .map_err(|e| CallError::Final(format!("signing: {e}")))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| CallError::Final(format!("signing: {e}")))?
            .into_parts();
        instructions.apply_to_request_http1x(&mut request);
        *request.body_mut() = Full::new(Bytes::from(body));
        Ok(request)
    }

    /// BatchImportFindings with `findings` (at most 100): the findings it refused.
    pub async fn batch_import(&self, findings: &[&Value]) -> Result<Vec<FailedFinding>, CallError> {
        let body = serde_json::to_vec(&json!({ "Findings": findings }))
            .map_err(|e| CallError::Final(format!("writing the findings: {e}")))?;
        let request = self.request("/findings/import", body).await?;
        let (status, headers, answer) =
            exchange(request, self.timeout).await.map_err(|e| match e {
                Failure::Setup(e) => CallError::Final(format!("BatchImportFindings: {e}")),
                Failure::Transport(e) => CallError::Retry(format!(
                    "BatchImportFindings: cannot reach {}: {e}",
                    self.endpoint
                )),
            })?;
        if !status.is_success() {
            let (code, message) = error_of(&headers, &answer);
            let text = match (code.is_empty(), message.is_empty()) {
                (false, false) => format!("BatchImportFindings: {code}: {message} (HTTP {status})"),
                (false, true) => format!("BatchImportFindings: {code} (HTTP {status})"),
                _ => format!("BatchImportFindings: HTTP {status}"),
            };
            return Err(if retryable(status, &code) {
                CallError::Retry(text)
            } else {
                CallError::Final(text)
            });
        }
        let answer: ImportAnswer = serde_json::from_slice(&answer).map_err(|e| {
            CallError::Retry(format!(
                "BatchImportFindings: an answer that is not JSON: {e}"
            ))
        })?;
        Ok(answer
            .failed_findings
            .into_iter()
            .map(|f| FailedFinding {
                id: f.id.unwrap_or_default(),
                code: f.error_code.unwrap_or_default(),
                message: f.error_message.unwrap_or_default(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_name_their_code_and_whether_to_try_again() {
        let header = |v: &str| {
            let mut h = http::HeaderMap::new();
            h.insert("x-amzn-errortype", v.parse().expect("header"));
            h
        };
        // (status, headers, body, code, message, retry)
        let cases = [
            (
                403,
                http::HeaderMap::new(),
                r#"{"__type":"InvalidAccessException","message":"Account 1 is not subscribed to AWS Security Hub"}"#,
                "InvalidAccessException",
                "Account 1 is not subscribed to AWS Security Hub",
                false,
            ),
            (
                429,
                header("TooManyRequestsException:http://internal.amazon.com/coral/"),
                r#"{"Message":"slow down"}"#,
                "TooManyRequestsException",
                "slow down",
                true,
            ),
            (
                400,
                http::HeaderMap::new(),
                r#"{"__type":"com.amazonaws.securityhub#LimitExceededException","message":"m"}"#,
                "LimitExceededException",
                "m",
                false,
            ),
            (503, http::HeaderMap::new(), "not json", "", "", true),
        ];
        for (status, headers, body, code, message, retry) in cases {
            let status = http::StatusCode::from_u16(status).expect("status");
            let (c, m) = error_of(&headers, body.as_bytes());
            assert_eq!((c.as_str(), m.as_str()), (code, message), "{body}");
            assert_eq!(retryable(status, &c), retry, "{body}");
        }
        assert_eq!(
            region_endpoint("eu-west-1"),
            "https://securityhub.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            region_endpoint("cn-north-1"),
            "https://securityhub.cn-north-1.amazonaws.com.cn"
        );
    }
}
