//! AWS Security Hub from the review (`[security_hub]` in `review.toml`): each review
//! imports each account's new and changed findings, in ASFF as `credreport audit
//! --format asff` writes them, and archives (`RecordState` ARCHIVED, compliance PASSED)
//! the findings that disappeared, as Prowler's Security Hub integration does.
//!
//! - [`findings`]: a stored report's findings as ASFF documents (the audit's renderer),
//!   and an earlier report's rendered resolved; their digests.
//! - [`select`]: new, changed, unchanged and gone, against what Security Hub has (the
//!   history's record of what it accepted); each document's timestamps. Pure.
//! - [`client`]: BatchImportFindings over Security Hub's REST-JSON protocol, signed with
//!   the AWS SDK's SigV4 (`aws-sigv4`), without the Security Hub SDK crate.
//! - [`import`]: one account's import: batches of 100, refused findings retried with
//!   backoff and reported, everything recorded in the history.
//!
//! Security Hub takes findings that use the account's default product ARN only from that
//! account itself: each account's findings are signed with the credentials that reached
//! it (a member's through the assumed role), unless `profile` says otherwise.

pub mod client;
pub mod findings;
pub mod import;
pub mod select;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use aws_sdk_iam::config::SharedCredentialsProvider;

use crate::env::Env;
use crate::fetch::client as sdk;
use crate::review::config::SecurityHub;

pub use client::Hub;

impl SecurityHub {
    /// Where findings go, as the history and messages name it: the endpoint's scheme and
    /// host, or `AWS`.
    pub fn destination(&self) -> String {
        match &self.endpoint_url {
            Some(url) => crate::review::run::redact(&url.0)
                .trim_end_matches("/…")
                .to_owned(),
            None => "AWS".to_owned(),
        }
    }

    /// The hub, signing with `credentials`; with `profile`, that profile's instead.
    pub async fn hub(
        &self,
        env: &Env,
        credentials: Option<SharedCredentialsProvider>,
    ) -> anyhow::Result<Hub> {
        let region = self.region.0.as_str().to_owned();
        let credentials = match (&self.profile, credentials) {
            (None, Some(c)) => c,
            (profile, _) => {
                let aws = env.aws(profile.as_deref(), Some(&region), None);
                sdk::load(&aws)
                    .await
                    .credentials_provider()
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "Security Hub: no AWS credentials (environment, profile, SSO, roles)"
                        )
                    })?
            }
        };
        let endpoint = match &self.endpoint_url {
            Some(url) => url.0.clone(),
            None => client::region_endpoint(&region).parse()?,
        };
        Ok(Hub {
            endpoint,
            region,
            credentials,
            clock: Arc::clone(&env.clock),
            timeout: self.timeout.0,
        })
    }
}
