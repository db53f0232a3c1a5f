//! One HTTP exchange for the review's own calls (the webhook, Security Hub's REST-JSON
//! API): hyper-util's client over the rustls and hyper-rustls the AWS SDK's client
//! already builds (no second TLS stack), HTTPS with the system's roots or plain HTTP, the
//! answer read whole, within a timeout. The callers decide what is worth another try.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// The `User-Agent` of the review's requests.
pub const USER_AGENT: &str = concat!("credreport/", env!("CARGO_PKG_VERSION"));

/// Why no answer came.
#[derive(Debug)]
pub enum Failure {
    /// The request could not be made at all (a bad URL, no TLS roots): trying again
    /// cannot help.
    Setup(String),
    /// No answer (connection refused or reset, a timeout): another try may get one.
    Transport(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Setup(e) | Failure::Transport(e) => f.write_str(e),
        }
    }
}

/// Sends `request` and reads the whole answer, each within `timeout`.
pub async fn exchange(
    request: http::Request<Full<Bytes>>,
    timeout: Duration,
) -> Result<(http::StatusCode, http::HeaderMap, Bytes), Failure> {
    let https = request.uri().scheme_str() == Some("https");
    let call = async {
        if https {
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
                .map_err(|e| Failure::Setup(format!("no TLS root certificates: {e}")))?
                .https_only()
                .enable_http1()
                .build();
            Client::builder(TokioExecutor::new())
                .build(connector)
                .request(request)
                .await
        } else {
            Client::builder(TokioExecutor::new())
                .build_http()
                .request(request)
                .await
        }
        .map_err(|e| Failure::Transport(format!("{e}")))
    };
    let response = match tokio::time::timeout(timeout, call).await {
        Ok(r) => r?,
        Err(_) => return Err(Failure::Transport(format!("no answer within {timeout:?}"))),
    };
    let status = response.status();
    let headers = response.headers().clone();
    let body = match tokio::time::timeout(timeout, response.into_body().collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) => return Err(Failure::Transport(format!("reading the answer: {e}"))),
        Err(_) => {
            return Err(Failure::Transport(format!(
                "the answer did not end within {timeout:?}"
            )))
        }
    };
    Ok((status, headers, body))
}
