//! `review.toml`: what to review, how to audit, where to keep the history and whom to
//! notify. Every value is checked while the file is read, so a bad one is refused with
//! the file, line and column, and the key (toml's spans).
//!
//! ```toml
//! history = "credreport-history"   # relative to this file; --history overrides
//! audit_config = "audit.toml"      # as `credreport audit --config`
//! max_age = "4h"                   # reuse a report younger than this (optional)
//! timeout = "10m"                  # give up waiting for one report after this
//! concurrency = 4                  # accounts of an organization fetched at once
//!
//! [notify]
//! webhook = "https://hooks.example.com/credreport"
//! format = "json"                  # or "slack" ({"text": ...} for incoming webhooks)
//! min_severity = "high"            # new findings at or above this are sent
//! retries = 4                      # after the first attempt, with backoff
//! timeout = "10s"                  # per attempt
//!
//! [security_hub]                   # import each account's findings (ASFF)
//! region = "eu-west-1"             # required: the Region whose Security Hub gets them
//! endpoint_url = "https://…"       # optional: another endpoint (an emulator)
//! profile = "security"             # optional: sign with this profile instead of the
//!                                  # credentials that reached each account
//! retries = 3                      # after the first attempt, with backoff
//! timeout = "30s"                  # per call
//!
//! [[target]]                       # the caller's own account, by profile
//! name = "prod"
//! profile = "prod"
//!
//! [[target]]                       # every account of an organization
//! name = "org"
//! profile = "management"
//! organization = true
//! role_name = "OrganizationAccountAccessRole"
//!
//! [[target]]                       # any IAM endpoint
//! name = "local"
//! endpoint_url = "http://127.0.0.1:8080"
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use credreport_audit::Severity;
use serde::{Deserialize, Deserializer};

use crate::duration::parse_duration;
use crate::position::line_col;

/// A duration written `30m`, `4h`, `1d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HumanDuration, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text)
            .map(HumanDuration)
            .map_err(serde::de::Error::custom)
    }
}

/// A severity name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeverityName(pub Severity);

impl<'de> Deserialize<'de> for SeverityName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SeverityName, D::Error> {
        let text = String::deserialize(d)?;
        Severity::from_name(&text).map(SeverityName).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?}: expected critical, high, medium, low or info"
            ))
        })
    }
}

/// The notification's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyFormat {
    /// `credreport.review.notification/v1` (README, "Review notifications").
    Json,
    /// `{"text": "..."}`: Slack's (and Mattermost's, Teams' workflows') incoming webhooks.
    Slack,
}

/// `[notify]`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    pub webhook: WebhookUrl,
    #[serde(default = "json_format")]
    pub format: NotifyFormat,
    #[serde(default = "high")]
    pub min_severity: SeverityName,
    #[serde(default = "four")]
    pub retries: u32,
    #[serde(default = "ten_seconds")]
    pub timeout: HumanDuration,
}

fn json_format() -> NotifyFormat {
    NotifyFormat::Json
}
fn high() -> SeverityName {
    SeverityName(Severity::High)
}
fn four() -> u32 {
    4
}
fn ten_seconds() -> HumanDuration {
    HumanDuration(Duration::from_secs(10))
}
fn ten_minutes() -> HumanDuration {
    HumanDuration(Duration::from_secs(600))
}

/// An `http://` or `https://` URL with a host (a webhook, an endpoint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl(pub http::Uri);

impl<'de> Deserialize<'de> for WebhookUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WebhookUrl, D::Error> {
        let text = String::deserialize(d)?;
        let uri: http::Uri = text
            .parse()
            .map_err(|e| serde::de::Error::custom(format!("{text:?}: not a URL ({e})")))?;
        match (uri.scheme_str(), uri.host()) {
            (Some("http" | "https"), Some(_)) => Ok(WebhookUrl(uri)),
            _ => Err(serde::de::Error::custom(format!(
                "{text:?}: expected an http:// or https:// URL"
            ))),
        }
    }
}

/// An AWS Region name (`eu-west-1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionName(pub credreport_audit::render::Region);

impl<'de> Deserialize<'de> for RegionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RegionName, D::Error> {
        let text = String::deserialize(d)?;
        credreport_audit::render::Region::parse(&text)
            .map(RegionName)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{text:?}: expected an AWS Region name such as eu-west-1"
                ))
            })
    }
}

/// `[security_hub]`: each review imports the accounts' new and changed findings into AWS
/// Security Hub (BatchImportFindings), and archives those that disappeared.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityHub {
    /// The Region whose Security Hub gets the findings (and that their ProductArn names).
    pub region: RegionName,
    /// Another endpoint than the Region's (an emulator, a VPC endpoint).
    pub endpoint_url: Option<WebhookUrl>,
    /// Sign with this profile instead of the credentials that reached each account
    /// (Security Hub takes an account's findings from that account itself).
    pub profile: Option<String>,
    #[serde(default = "three")]
    pub retries: u32,
    #[serde(default = "thirty_seconds")]
    pub timeout: HumanDuration,
}

fn three() -> u32 {
    3
}
fn thirty_seconds() -> HumanDuration {
    HumanDuration(Duration::from_secs(30))
}

/// `[[target]]`: one account, or every account of an organization.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawTarget")]
pub struct Target {
    pub name: String,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Every account of the caller's organization, through `role_name`.
    pub organization: bool,
    /// One account through `role_name`.
    pub account_id: Option<String>,
    pub role_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: Option<String>,
    profile: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
    #[serde(default)]
    organization: bool,
    account_id: Option<String>,
    role_name: Option<String>,
}

impl TryFrom<RawTarget> for Target {
    type Error = String;

    fn try_from(r: RawTarget) -> Result<Target, String> {
        let name = r
            .name
            .clone()
            .or_else(|| r.profile.clone())
            .or_else(|| r.endpoint_url.clone())
            .unwrap_or_else(|| "default".to_owned());
        if r.organization && r.role_name.is_none() {
            return Err(format!(
                "target {name:?}: organization = true needs role_name (the role to assume in each account)"
            ));
        }
        if r.organization && r.account_id.is_some() {
            return Err(format!(
                "target {name:?}: account_id and organization = true exclude each other"
            ));
        }
        if r.account_id.is_some() != r.role_name.is_some() && !r.organization {
            return Err(format!(
                "target {name:?}: account_id and role_name go together (one account through a role)"
            ));
        }
        if let Some(id) = &r.account_id {
            if !(id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!(
                    "target {name:?}: account_id {id:?} is not a 12-digit account id"
                ));
            }
        }
        Ok(Target {
            name,
            profile: r.profile,
            region: r.region,
            endpoint_url: r.endpoint_url,
            organization: r.organization,
            account_id: r.account_id,
            role_name: r.role_name,
        })
    }
}

/// The whole file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    pub history: Option<PathBuf>,
    pub audit_config: Option<PathBuf>,
    pub max_age: Option<HumanDuration>,
    #[serde(default = "ten_minutes")]
    pub timeout: HumanDuration,
    #[serde(default = "concurrency")]
    pub concurrency: u16,
    pub notify: Option<Notify>,
    pub security_hub: Option<SecurityHub>,
    #[serde(rename = "target")]
    pub targets: Vec<Target>,
}

fn concurrency() -> u16 {
    4
}

impl ReviewConfig {
    /// Reads `text` (from `path`): errors name the file, line and column. Relative paths
    /// in it are taken from the file's directory.
    pub fn parse(path: &Path, text: &str) -> anyhow::Result<ReviewConfig> {
        let mut config: ReviewConfig = toml::from_str(text).map_err(|e| {
            let (mut line, mut column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            // A target refused as a whole is reported at the first [[target]]: point at
            // the one it names.
            if let Some(name) = e
                .message()
                .strip_prefix("target \"")
                .and_then(|rest| rest.split_once('"'))
                .map(|(name, _)| name)
            {
                if let Some(at) = text.find(&format!("name = \"{name}\"")) {
                    (line, column) = line_col(text, at);
                }
            }
            anyhow::anyhow!(
                "{}:{line}:{column}: {}",
                path.display(),
                e.message().trim_end()
            )
        })?;
        if config.targets.is_empty() {
            anyhow::bail!("{}: no [[target]] to review", path.display());
        }
        if config.concurrency == 0 {
            anyhow::bail!("{}: concurrency must be 1 or more", path.display());
        }
        let mut names = std::collections::HashSet::new();
        for t in &config.targets {
            if !names.insert(t.name.clone()) {
                anyhow::bail!(
                    "{}: two targets are named {:?}: give each a distinct name",
                    path.display(),
                    t.name
                );
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [&mut config.history, &mut config.audit_config]
            .into_iter()
            .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        Ok(config)
    }

    /// Reads the file.
    pub fn read(path: &Path) -> anyhow::Result<ReviewConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        ReviewConfig::parse(path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"history = "h"
max_age = "4h"

[notify]
webhook = "http://127.0.0.1:9000/hook"
format = "slack"
min_severity = "medium"

[security_hub]
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:5000"

[[target]]
name = "prod"
profile = "prod"

[[target]]
name = "org"
organization = true
role_name = "OrganizationAccountAccessRole"
"#;

    #[test]
    fn a_good_file_reads_with_its_defaults_and_paths() {
        let c = ReviewConfig::parse(Path::new("/etc/cr/review.toml"), GOOD).expect("good");
        assert_eq!(c.history.as_deref(), Some(Path::new("/etc/cr/h")));
        assert_eq!(
            c.max_age,
            Some(HumanDuration(Duration::from_secs(4 * 3600)))
        );
        let n = c.notify.expect("notify");
        assert_eq!(n.format, NotifyFormat::Slack);
        assert_eq!(n.min_severity, SeverityName(Severity::Medium));
        assert_eq!(n.retries, 4);
        assert_eq!(c.targets.len(), 2);
        assert!(c.targets[1].organization);
        let hub = c.security_hub.expect("security_hub");
        assert_eq!(hub.region.0.as_str(), "eu-west-1");
        assert_eq!(hub.retries, 3);
        assert_eq!(hub.profile, None);
    }

    /// Each case: a change to the good file, and the start of the error it must give.
    #[test]
    fn a_bad_file_is_refused_with_line_and_column() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "max_age = \"4h\"",
                "max_age = \"4 hours\"",
                "review.toml:2:11: \"4 hours\": expected a duration",
            ),
            (
                "format = \"slack\"",
                "format = \"teams\"",
                "review.toml:6:10: unknown variant `teams`",
            ),
            (
                "min_severity = \"medium\"",
                "min_severity = \"urgent\"",
                "review.toml:7:16: \"urgent\": expected critical",
            ),
            (
                "http://127.0.0.1:9000/hook",
                "ftp://x/hook",
                "review.toml:5:11: \"ftp://x/hook\": expected an http",
            ),
            (
                "profile = \"prod\"",
                "profil = \"prod\"",
                "review.toml:15:1: unknown field `profil`",
            ),
            (
                "role_name = \"OrganizationAccountAccessRole\"\n",
                "",
                "review.toml:18:1: target \"org\": organization = true needs role_name",
            ),
            (
                "region = \"eu-west-1\"",
                "region = \"Europe\"",
                "review.toml:10:10: \"Europe\": expected an AWS Region name",
            ),
            (
                "region = \"eu-west-1\"\n",
                "",
                "review.toml:9:1: missing field `region`",
            ),
            (
                "endpoint_url = \"http://127.0.0.1:5000\"",
                "endpoint = \"http://127.0.0.1:5000\"",
                "review.toml:11:1: unknown field `endpoint`",
            ),
            (
                "name = \"org\"",
                "name = \"prod\"",
                "review.toml: two targets are named \"prod\"",
            ),
            (
                "history = \"h\"",
                "history = 7",
                "review.toml:1:11: invalid type",
            ),
        ];
        for (from, to, want) in cases {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "{to}");
            let err = ReviewConfig::parse(Path::new("review.toml"), &text)
                .expect_err(to)
                .to_string();
            assert!(err.starts_with(want), "{to}: {err}");
        }
        let none = "history = \"h\"\n";
        let err = ReviewConfig::parse(Path::new("review.toml"), none).expect_err("no target");
        assert!(
            err.to_string()
                .starts_with("review.toml:1:1: missing field `target`"),
            "{err}"
        );
    }
}
