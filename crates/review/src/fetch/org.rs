//! Every account of an organization: Organizations ListAccounts, STS AssumeRole into
//! `arn:<partition>:iam::<id>:role/<NAME>` in each (the management account is fetched with
//! the caller's own credentials), and every report fetched concurrently with a bound. One
//! account failing is recorded and does not stop the others.

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use aws_config::SdkConfig;
use aws_sdk_iam::config::Credentials;
use credreport_report::Timestamp;
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{self, describe, AwsOptions};
use super::{fetch_report_and_access, FetchOptions, Fetched};

/// An account of the organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The 12-digit id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`.
    pub state: String,
}

/// What became of one account.
#[derive(Debug)]
pub enum Outcome {
    /// Its report.
    Ok(Box<Fetched>),
    /// Why it could not be fetched.
    Failed(String),
    /// Not attempted: the account is not active.
    Skipped(String),
}

/// One account and what became of it.
#[derive(Debug)]
pub struct AccountResult {
    /// The account.
    pub member: Member,
    /// Its outcome.
    pub outcome: Outcome,
}

/// Who the caller is: account id and ARN (GetCallerIdentity).
#[derive(Clone, Debug)]
pub struct Caller {
    /// The account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
}

impl Caller {
    /// The partition of the caller's ARN (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &str {
        self.arn
            .strip_prefix("arn:")
            .and_then(|rest| rest.split(':').next())
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
    }
}

/// GetCallerIdentity.
pub async fn caller(sts: &aws_sdk_sts::Client, place: &str) -> anyhow::Result<Caller> {
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| anyhow!(describe("GetCallerIdentity", place, &e)))?;
    Ok(Caller {
        account: out
            .account()
            .context("GetCallerIdentity: no Account in the answer")?
            .to_owned(),
        arn: out.arn().unwrap_or_default().to_owned(),
    })
}

/// Organizations ListAccounts, every page, in id order.
pub async fn list_accounts(
    orgs: &aws_sdk_organizations::Client,
    place: &str,
) -> anyhow::Result<Vec<Member>> {
    let mut pages = orgs.list_accounts().into_paginator().send();
    let mut members = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| anyhow!(describe("ListAccounts", place, &e)))?;
        for a in page.accounts() {
            let Some(id) = a.id() else { continue };
            #[allow(deprecated)] // `Status` is the older field; emulators only send it.
            let state = a
                .state()
                .map(|s| s.as_str().to_owned())
                .or_else(|| a.status().map(|s| s.as_str().to_owned()))
                .unwrap_or_else(|| "ACTIVE".to_owned());
            members.push(Member {
                id: id.to_owned(),
                name: a.name().unwrap_or_default().to_owned(),
                state,
            });
        }
    }
    members.sort_by(|a, b| a.id.cmp(&b.id));
    members.dedup_by(|a, b| a.id == b.id);
    Ok(members)
}

/// AssumeRole into `role_arn`; the session's temporary credentials.
pub async fn assume(
    sts: &aws_sdk_sts::Client,
    role_arn: &str,
    place: &str,
) -> anyhow::Result<Credentials> {
    let out = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("credreport-fetch")
        .send()
        .await
        .map_err(|e| anyhow!(describe(&format!("AssumeRole {role_arn}"), place, &e)))?;
    let c = out
        .credentials()
        .with_context(|| format!("AssumeRole {role_arn}: no Credentials in the answer"))?;
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        expiry,
        "AssumeRole",
    ))
}

/// Everything needed to fetch the organization's reports.
#[derive(Clone, Debug)]
pub struct Organization {
    /// The caller's configuration (the management or a delegated administrator account).
    pub config: SdkConfig,
    /// The role to assume in each account.
    pub role_name: String,
    /// Who the caller is.
    pub caller: Caller,
    /// Names the endpoint in messages.
    pub place: String,
}

impl Organization {
    /// The credentials that reach one account: the caller's own for the caller's account
    /// (none: the configuration's), the assumed role's for the others.
    pub async fn credentials_for(&self, account: &str) -> anyhow::Result<Option<Credentials>> {
        if account == self.caller.account {
            return Ok(None);
        }
        let role_arn = format!(
            "arn:{}:iam::{account}:role/{}",
            self.caller.partition(),
            self.role_name
        );
        let sts = aws_sdk_sts::Client::new(&self.config);
        Ok(Some(assume(&sts, &role_arn, &self.place).await?))
    }

    /// The IAM client for one account: the caller's own credentials for the caller's
    /// account, the assumed role's for the others.
    pub async fn iam_for(&self, account: &str) -> anyhow::Result<aws_sdk_iam::Client> {
        match self.credentials_for(account).await? {
            None => Ok(aws_sdk_iam::Client::new(&self.config)),
            Some(creds) => {
                let conf = aws_sdk_iam::config::Builder::from(&self.config)
                    .credentials_provider(creds)
                    .build();
                Ok(aws_sdk_iam::Client::from_conf(conf))
            }
        }
    }

    /// The credentials provider of one account (Security Hub's calls, made outside the
    /// SDK's clients).
    pub async fn provider_for(
        &self,
        account: &str,
    ) -> anyhow::Result<Option<aws_sdk_iam::config::SharedCredentialsProvider>> {
        Ok(match self.credentials_for(account).await? {
            Some(c) => Some(aws_sdk_iam::config::SharedCredentialsProvider::new(c)),
            None => self.config.credentials_provider(),
        })
    }

    /// Fetches one account's report.
    pub async fn fetch(&self, account: &str, opts: &FetchOptions) -> anyhow::Result<Fetched> {
        let iam = self.iam_for(account).await?;
        let mut fetched = fetch_report_and_access(&iam, &self.place, opts, &|_| {}).await?;
        if fetched.account.is_none() {
            fetched.account = Some(account.to_owned());
        }
        Ok(fetched)
    }
}

impl Organization {
    /// The caller's organization, reached with `aws` (STS GetCallerIdentity), and its
    /// accounts (Organizations ListAccounts); `role_name` is assumed in each.
    pub async fn connect(
        aws: &AwsOptions,
        role_name: &str,
    ) -> anyhow::Result<(Organization, Vec<Member>)> {
        let config = client::load(aws).await;
        let place = client::place(aws);
        let caller = caller(&aws_sdk_sts::Client::new(&config), &place).await?;
        let members = list_accounts(&aws_sdk_organizations::Client::new(&config), &place).await?;
        Ok((
            Organization {
                config,
                role_name: role_name.to_owned(),
                caller,
                place,
            },
            members,
        ))
    }
}

/// Runs `fetch` for every active member, at most `concurrency` at once, and calls
/// `on_done` as each one ends. Results come back in the members' order.
pub async fn fetch_all<F, Fut>(
    members: Vec<Member>,
    concurrency: usize,
    fetch: F,
    mut on_done: impl FnMut(&AccountResult),
) -> Vec<AccountResult>
where
    F: Fn(Member) -> Fut,
    Fut: Future<Output = anyhow::Result<Fetched>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut running = HashMap::new();
    let mut slots: Vec<Option<AccountResult>> = Vec::with_capacity(members.len());
    for (i, member) in members.into_iter().enumerate() {
        if member.state != "ACTIVE" {
            let result = AccountResult {
                outcome: Outcome::Skipped(format!("the account is {}", member.state)),
                member,
            };
            on_done(&result);
            slots.push(Some(result));
            continue;
        }
        let work = fetch(member.clone());
        let permits = Arc::clone(&permits);
        let handle = tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            work.await
        });
        running.insert(handle.id(), (i, member));
        slots.push(None);
    }
    while let Some(joined) = tasks.join_next_with_id().await {
        let (id, outcome) = match joined {
            Ok((id, Ok(fetched))) => (id, Outcome::Ok(Box::new(fetched))),
            Ok((id, Err(e))) => (id, Outcome::Failed(format!("{e:#}"))),
            Err(e) => (e.id(), Outcome::Failed(format!("internal error: {e}"))),
        };
        if let Some((i, member)) = running.remove(&id) {
            let result = AccountResult { member, outcome };
            on_done(&result);
            slots[i] = Some(result);
        }
    }
    slots.into_iter().flatten().collect()
}

/// `summary.json`: per account its id, name, status (`ok`, `error`, `skipped`), the
/// report's generated time, file, rows and whether it has the root row, or the error.
pub fn summary_json(results: &[AccountResult], role_name: &str, now: Timestamp) -> Value {
    let accounts: Vec<Value> = results
        .iter()
        .map(|r| {
            let (status, fetched, error) = match &r.outcome {
                Outcome::Ok(f) => ("ok", Some(f), None),
                Outcome::Failed(e) => ("error", None, Some(e.clone())),
                Outcome::Skipped(why) => ("skipped", None, Some(why.clone())),
            };
            json!({
                "id": r.member.id,
                "name": r.member.name,
                "status": status,
                "generated_time": fetched.map(|f| f.generated.to_zulu()),
                "file": fetched.map(|_| format!("{}.csv", r.member.id)),
                "rows": fetched.map(|f| f.rows),
                "root_row": fetched.map(|f| f.root_row),
                "error": error,
            })
        })
        .collect();
    json!({
        "format_version": 1,
        "fetched_at": now.to_zulu(),
        "role_name": role_name,
        "accounts": accounts,
    })
}

/// The newest report generated time in a `summary.json` written by `fetch --all-accounts`
/// in `dir`, if there is one: the audit of the directory is as of that instant.
pub fn newest_generated(dir: &Path) -> Option<Timestamp> {
    let text = std::fs::read_to_string(dir.join("summary.json")).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    value
        .get("accounts")?
        .as_array()?
        .iter()
        .filter(|a| a.get("status").and_then(Value::as_str) == Some("ok"))
        .filter_map(|a| a.get("generated_time")?.as_str())
        .filter_map(|t| Timestamp::parse(t.as_bytes()).map(|(t, _)| t))
        .max()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::fetch::Origin;

    fn member(id: &str, state: &str) -> Member {
        Member {
            id: id.to_owned(),
            name: format!("name-{id}"),
            state: state.to_owned(),
        }
    }

    fn fetched(id: &str) -> Fetched {
        Fetched {
            content: id.as_bytes().to_vec(),
            generated: Timestamp::from_unix(1_700_000_000).expect("time"),
            account: Some(id.to_owned()),
            origin: Origin::Generated,
            rows: 1,
            root_row: true,
            notes: Vec::new(),
            access: None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_failing_account_does_not_stop_the_others_and_the_bound_holds() {
        let members = vec![
            member("111111111111", "ACTIVE"),
            member("222222222222", "ACTIVE"),
            member("333333333333", "SUSPENDED"),
            member("444444444444", "ACTIVE"),
            member("555555555555", "ACTIVE"),
            member("666666666666", "ACTIVE"),
        ];
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut seen = Vec::new();
        let results = fetch_all(
            members,
            2,
            |m| {
                let (in_flight, peak) = (Arc::clone(&in_flight), Arc::clone(&peak));
                async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    if m.id == "222222222222" {
                        anyhow::bail!("AssumeRole: AccessDenied");
                    }
                    Ok(fetched(&m.id))
                }
            },
            |r| seen.push(r.member.id.clone()),
        )
        .await;
        assert!(peak.load(Ordering::SeqCst) <= 2, "at most 2 at once");
        assert_eq!(seen.len(), 6, "every account is reported as it ends");
        let ids: Vec<&str> = results.iter().map(|r| r.member.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "111111111111",
                "222222222222",
                "333333333333",
                "444444444444",
                "555555555555",
                "666666666666"
            ]
        );
        let status: Vec<&str> = results
            .iter()
            .map(|r| match &r.outcome {
                Outcome::Ok(_) => "ok",
                Outcome::Failed(_) => "error",
                Outcome::Skipped(_) => "skipped",
            })
            .collect();
        assert_eq!(status, ["ok", "error", "skipped", "ok", "ok", "ok"]);

        let now = Timestamp::from_unix(1_700_000_600).expect("time");
        let summary = summary_json(&results, "Auditor", now);
        assert_eq!(summary["role_name"], "Auditor");
        assert_eq!(summary["accounts"][0]["status"], "ok");
        assert_eq!(summary["accounts"][0]["file"], "111111111111.csv");
        assert_eq!(summary["accounts"][0]["rows"], 1);
        assert_eq!(summary["accounts"][0]["root_row"], true);
        assert_eq!(summary["accounts"][1]["rows"], Value::Null);
        assert_eq!(
            summary["accounts"][0]["generated_time"],
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(summary["accounts"][1]["status"], "error");
        assert_eq!(summary["accounts"][1]["error"], "AssumeRole: AccessDenied");
        assert_eq!(summary["accounts"][2]["status"], "skipped");
        assert_eq!(summary["accounts"][2]["error"], "the account is SUSPENDED");

        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("summary.json"), summary.to_string()).expect("write");
        assert_eq!(
            newest_generated(dir.path()),
            Timestamp::from_unix(1_700_000_000)
        );
        assert_eq!(newest_generated(&dir.path().join("nothing")), None);
    }

    #[test]
    fn partitions_come_from_the_caller_arn() {
        let c = |arn: &str| Caller {
            account: "1".to_owned(),
            arn: arn.to_owned(),
        };
        assert_eq!(c("arn:aws:iam::123456789012:root").partition(), "aws");
        assert_eq!(
            c("arn:aws-us-gov:sts::123456789012:assumed-role/x/y").partition(),
            "aws-us-gov"
        );
        assert_eq!(c("").partition(), "aws");
    }
}
