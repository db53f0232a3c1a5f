//! What the review and remediation read from the world: the clock (for their own records
//! and for signing requests), how to reach an account, and how patiently to fetch.
//! Commands use [`Env::system`]; tests pass a simulated clock and a local server's
//! credentials, and drive a month of daily reviews in seconds.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use aws_sdk_iam::config::SharedCredentialsProvider;
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use credreport_report::Timestamp;

use crate::fetch::client::{self, AwsOptions};
use crate::fetch::org::{self, Caller, Organization};
use crate::fetch::FetchOptions;
use crate::remediate::apply::Session;
use crate::remediate::sdk::SdkIam;

/// A source of the current instant (the shape of `credreport_iam::Clock`, which this
/// crate does not link: it talks to IAM over the API; the simulation adapts its
/// `ManualClock`).
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in whole seconds.
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        system_now().unwrap_or(Timestamp::MAX)
    }
}

/// The system clock as a report timestamp; an error if it is before 1970 or past 9999.
pub fn system_now() -> anyhow::Result<Timestamp> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(Timestamp::from_unix)
        .context("the system clock is out of range")
}

/// The world as the review and remediation see it.
#[derive(Clone, Debug)]
pub struct Env {
    /// Now.
    pub clock: Arc<dyn Clock>,
    /// Credentials instead of the standard chain's (tests only).
    pub credentials: Option<SharedCredentialsProvider>,
    /// Waits and timeouts of a fetch.
    pub fetch: FetchOptions,
}

/// The SDK signs with the environment's clock.
#[derive(Debug)]
struct ClockTime(Arc<dyn Clock>);

impl TimeSource for ClockTime {
    fn now(&self) -> SystemTime {
        let secs = u64::try_from(self.0.now().unix()).unwrap_or(0);
        UNIX_EPOCH + Duration::from_secs(secs)
    }
}

impl Env {
    /// The system clock and the standard credential chain.
    pub fn system() -> Env {
        Env {
            clock: Arc::new(SystemClock),
            credentials: None,
            fetch: FetchOptions::default(),
        }
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The SDK options for `--profile`, `--region`, `--endpoint-url`.
    pub fn aws(
        &self,
        profile: Option<&str>,
        region: Option<&str>,
        endpoint: Option<&str>,
    ) -> AwsOptions {
        AwsOptions {
            profile: profile.map(str::to_owned),
            region: region.map(str::to_owned),
            endpoint_url: endpoint.map(str::to_owned),
            time_source: Some(SharedTimeSource::new(ClockTime(Arc::clone(&self.clock)))),
            credentials: self.credentials.clone(),
        }
    }
}

/// One account, reached: its IAM client, its id, and who acts in it.
#[derive(Debug)]
pub struct Connected {
    pub iam: aws_sdk_iam::Client,
    /// The account acted on.
    pub account: String,
    /// Who acts: the caller's ARN, and the role assumed in the account if any.
    pub principal: String,
    /// The endpoint, as messages name it.
    pub place: String,
    /// The credentials that reach the account (the assumed role's through a role), for
    /// calls made outside the SDK's clients (Security Hub's).
    pub credentials: Option<SharedCredentialsProvider>,
}

impl Connected {
    /// Remediation's IAM calls in this account.
    pub fn api(&self) -> SdkIam {
        SdkIam {
            client: self.iam.clone(),
            place: self.place.clone(),
        }
    }

    /// A remediation session in this account, acting as its principal with `clock`.
    pub fn session<'a>(&'a self, api: &'a SdkIam, clock: &'a dyn Clock) -> Session<'a, SdkIam> {
        Session {
            iam: api,
            account: &self.account,
            principal: &self.principal,
            clock,
        }
    }
}

/// Reaches the caller's own account, or `account` through `role` (AssumeRole).
pub async fn connect(
    aws: &AwsOptions,
    account: Option<&str>,
    role: Option<&str>,
) -> anyhow::Result<Connected> {
    let config = client::load(aws).await;
    let place = client::place(aws);
    let caller: Caller = org::caller(&aws_sdk_sts::Client::new(&config), &place)
        .await
        .context("who is the caller (STS GetCallerIdentity)")?;
    match (account, role) {
        (Some(account), Some(role)) if account != caller.account => {
            let principal = format!("{} as role/{role} in {account}", caller.arn);
            let organization = Organization {
                config,
                role_name: role.to_owned(),
                caller,
                place: place.clone(),
            };
            let credentials = organization.provider_for(account).await?;
            let iam = match &credentials {
                Some(c) => aws_sdk_iam::Client::from_conf(
                    aws_sdk_iam::config::Builder::from(&organization.config)
                        .credentials_provider(c.clone())
                        .build(),
                ),
                None => aws_sdk_iam::Client::new(&organization.config),
            };
            Ok(Connected {
                iam,
                account: account.to_owned(),
                principal,
                place,
                credentials,
            })
        }
        _ => Ok(Connected {
            iam: aws_sdk_iam::Client::new(&config),
            account: caller.account.clone(),
            principal: caller.arn,
            place,
            credentials: config.credentials_provider(),
        }),
    }
}
