//! One account's report (and, for a fetch-mode audit, its authorization details and
//! last-accessed data), as `credreport fetch` and `audit` fetch it: the caller's own
//! account, or another one through a role (STS AssumeRole).

use super::client::{self, AwsOptions};
use super::org::{self, Organization};
use super::{fetch_report_and_access, FetchOptions, Fetched};

/// The report of the caller's account, or with `through` (`(account, role)`) that
/// account's through the role. A report without rows names no account: the caller's
/// identity then does. `progress` hears what the wait is at.
pub async fn fetch_account(
    aws: &AwsOptions,
    through: Option<(&str, &str)>,
    opts: &FetchOptions,
    progress: &(dyn Fn(&str) + Send + Sync),
) -> anyhow::Result<Fetched> {
    let config = client::load(aws).await;
    let place = client::place(aws);
    let iam = match through {
        Some((account, role)) => {
            let caller = org::caller(&aws_sdk_sts::Client::new(&config), &place).await?;
            let organization = Organization {
                config: config.clone(),
                role_name: role.to_owned(),
                caller,
                place: place.clone(),
            };
            organization.iam_for(account).await?
        }
        None => aws_sdk_iam::Client::new(&config),
    };
    let mut fetched = fetch_report_and_access(&iam, &place, opts, progress).await?;
    if fetched.account.is_none() {
        let sts = aws_sdk_sts::Client::new(&config);
        if let Ok(caller) = org::caller(&sts, &place).await {
            fetched.account = Some(caller.account);
        }
    }
    Ok(fetched)
}
