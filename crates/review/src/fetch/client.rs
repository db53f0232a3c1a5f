//! The AWS side: the SDK configuration from the standard chain, the HTTPS client, and
//! messages for the SDK's errors.

use std::error::Error as _;
use std::time::Duration;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iam::config::SharedCredentialsProvider;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

/// Where and as whom to talk to AWS: `--profile`, `--region`, `--endpoint-url`.
#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    /// A named profile of the shared config and credentials files.
    pub profile: Option<String>,
    /// The region to sign with and to reach STS in.
    pub region: Option<String>,
    /// A custom endpoint for every service (a local IAM server, an emulator).
    pub endpoint_url: Option<String>,
    /// The clock requests are signed with (default: the system's). The review and
    /// remediation pass their own, so a simulated clock drives a whole run in tests.
    pub time_source: Option<SharedTimeSource>,
    /// Credentials to use instead of the standard chain's (tests against a local server).
    pub credentials: Option<SharedCredentialsProvider>,
}

/// IAM is global: commercial-partition requests are signed for us-east-1 whatever region
/// is configured, so a missing region is not worth an error.
const FALLBACK_REGION: &str = "us-east-1";

/// Loads the configuration the way the AWS CLI does: credentials from the environment,
/// the shared files (profiles, SSO, assume-role and credential-process profiles), web
/// identity, ECS and instance roles; the region from `--region`, the environment or the
/// profile. One HTTPS client (rustls with ring) serves every client made from it.
pub async fn load(opts: &AwsOptions) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(10))
        .operation_attempt_timeout(Duration::from_secs(60))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .timeout_config(timeouts.clone());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &opts.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(time) = &opts.time_source {
        loader = loader.time_source(time.clone());
    }
    if let Some(credentials) = &opts.credentials {
        loader = loader.credentials_provider(credentials.clone());
    }
    let config = loader.load().await;
    let region = config
        .region()
        .cloned()
        .unwrap_or_else(|| Region::from_static(FALLBACK_REGION));
    let mut builder = config.into_builder().region(region.clone());
    if let Some(profile) = &opts.profile {
        // An explicit --profile wins over credentials in the environment, as in the AWS
        // CLI (the default chain would take AWS_ACCESS_KEY_ID first). The profile provider
        // still follows SSO, assume-role chains and credential_process.
        let provider_config = ProviderConfig::default()
            .with_http_client(http)
            .with_region(Some(region))
            .with_timeout_config(timeouts);
        let provider = ProfileFileCredentialsProvider::builder()
            .configure(&provider_config)
            .profile_name(profile)
            .build();
        builder = builder.credentials_provider(SharedCredentialsProvider::new(provider));
    }
    builder.build()
}

/// The endpoint, as messages name it: the `--endpoint-url`, or `AWS`.
pub fn place(opts: &AwsOptions) -> String {
    opts.endpoint_url
        .clone()
        .unwrap_or_else(|| "AWS".to_owned())
}

/// The error code of a service error (`Throttling`, `ReportInProgress`), if it is one.
pub fn error_code<E: ProvideErrorMetadata>(err: &SdkError<E>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    }
}

/// One line for a failed call: `GenerateCredentialReport: AccessDenied: User: … is not
/// authorized …`, or what kept the request from being answered (no credentials, a
/// connection refused, a timeout), with the chain of causes.
pub fn describe<E>(operation: &str, where_: &str, err: &SdkError<E>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(e) => {
            let code = e.err().code().unwrap_or("an error without a code");
            let status = e.raw().status().as_u16();
            match e.err().message() {
                Some(m) if !m.is_empty() => format!("{operation}: {code}: {m} (HTTP {status})"),
                _ => format!("{operation}: {code} (HTTP {status})"),
            }
        }
        SdkError::TimeoutError(_) => format!("{operation}: no answer from {where_} in time"),
        SdkError::DispatchFailure(d) => {
            // Past the connector's own label ("io error", "other"): what went wrong.
            let causes = match d.as_connector_error().and_then(|c| c.source()) {
                Some(source) => chain(source),
                None => causes(err),
            };
            if d.is_io() || d.is_timeout() {
                format!("{operation}: cannot reach {where_}: {causes}")
            } else if causes.contains("credential") || causes.contains("profile") {
                format!(
                    "{operation}: no usable AWS credentials (environment, --profile, SSO, \
                     an assumed role or an instance role): {causes}"
                )
            } else {
                format!("{operation}: the request to {where_} failed: {causes}")
            }
        }
        _ => format!(
            "{operation}: the request to {where_} failed: {}",
            causes(err)
        ),
    }
}

/// The causes of an error, outermost first, each once, joined by `: ` (the SDK's own
/// `dispatch failure` wrapper is left out: the caller says what failed).
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    match err.source() {
        Some(source) => chain(source),
        None => err.to_string(),
    }
}

/// `err` and its sources, each once, joined by `: ` (a credentials provider's error, for
/// calls made outside the SDK's clients).
pub fn chain_of(err: &(dyn std::error::Error + 'static)) -> String {
    chain(err)
}

/// `err` and its sources, each once, joined by `: `.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::causes;

    #[derive(Debug)]
    struct E(&'static str, Option<Box<E>>);

    impl fmt::Display for E {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for E {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn causes_skip_the_wrapper_and_repeats() {
        let inner = E("Connection refused (os error 111)", None);
        let mid = E(
            "tcp connect error: Connection refused (os error 111)",
            Some(Box::new(inner)),
        );
        let err = E(
            "dispatch failure",
            Some(Box::new(E("io error", Some(Box::new(mid))))),
        );
        assert_eq!(
            causes(&err),
            "io error: tcp connect error: Connection refused (os error 111)"
        );
        assert_eq!(causes(&E("alone", None)), "alone");
    }
}
