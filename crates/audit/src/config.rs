//! The audit configuration: thresholds (with human and machine variants), per-check
//! switches and severities, how users are classified, and suppressions.
//!
//! Read from TOML text with [`Config::from_toml`]; [`Config::default`] is the built-in
//! policy. `crates/audit/credreport-audit.example.toml` shows every key with its default.

use std::collections::BTreeMap;
use std::fmt;

use credreport_report::Timestamp;
use serde::Deserialize;

use crate::check::{CheckId, Severity};
use crate::finding::UserKind;

macro_rules! thresholds {
    ($($(#[doc = $doc:literal])* $field:ident: $default:literal,)*) => {
        /// Every threshold of the checks. A threshold of N days is met at N days or more,
        /// to the second (CIS: "45 days or more").
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Thresholds {
            $($(#[doc = $doc])* pub $field: u32,)*
        }

        impl Default for Thresholds {
            fn default() -> Thresholds {
                Thresholds { $($field: $default,)* }
            }
        }

        /// Thresholds as written in a file: any of them may be left out.
        #[derive(Clone, Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ThresholdValues {
            $($field: Option<u32>,)*
        }

        /// The `[thresholds]` table: values for everyone, and `human` / `machine` overrides.
        #[derive(Clone, Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct ThresholdsTable {
            $($field: Option<u32>,)*
            human: Option<ThresholdValues>,
            machine: Option<ThresholdValues>,
        }

        impl ThresholdsTable {
            fn base(&self) -> ThresholdValues {
                ThresholdValues { $($field: self.$field,)* }
            }
        }

        impl Thresholds {
            fn apply(&mut self, values: &ThresholdValues) {
                $(if let Some(v) = values.$field { self.$field = v; })*
            }

            /// `(name, value)` for every threshold, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, u32)> {
                vec![$((stringify!($field), self.$field),)*]
            }
        }
    };
}

thresholds! {
    /// `password-unused`, `access-key-unused`: days without use (CIS 1.12: 45).
    unused_days: 45,
    /// `access-key-rotation`: age of an active key (CIS 1.14: 90).
    key_rotation_days: 90,
    /// `password-not-changed`: age of a console password.
    password_max_age_days: 90,
    /// `signing-cert-old`: age of an active X.509 signing certificate.
    cert_max_age_days: 365,
    /// `user-inactive`: days with no recorded use of any credential.
    inactive_user_days: 90,
    /// `root-recent-use`: the root user used within this many days fails.
    root_recent_use_days: 90,
    /// A never-used credential is not flagged before it is this many days old, whatever
    /// the other thresholds say (new users get time to sign in and use their keys).
    never_used_grace_days: 7,
    /// `key-created-at-setup`: how far apart (seconds) the user's creation and the key's
    /// may be for the key to count as created at setup (AWS writes 0 or 1 s).
    setup_tolerance_seconds: 10,
    /// `password-2018-gap`: how many days before AWS's May 2018 gap a password_last_used
    /// value is treated as possibly stale.
    may_2018_gap_margin_days: 30,
    /// `role-unused`: days since a role was last assumed (Access Analyzer and Security
    /// Hub's unused-access analysis: 90).
    role_unused_days: 90,
    /// `permissions-unused`: days since a principal last used a service it is allowed
    /// (Access Analyzer: 90).
    permissions_unused_days: 90,
}

/// A per-check setting: on or off, and its severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckSetting {
    /// Whether the check runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
}

/// A pattern over names and ARNs: `*` matches any run of characters (`/` included), `?`
/// one character; everything else matches itself. The whole text must match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob(String);

impl Glob {
    /// A glob from its text.
    pub fn new(pattern: impl Into<String>) -> Glob {
        Glob(pattern.into())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        glob_match(self.0.as_bytes(), text.as_bytes())
    }
}

// Iterative wildcard matching with one backtrack point: linear in practice, no recursion.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// An accepted finding: which findings it covers, why, who owns the decision, and until
/// when. An expired suppression stops suppressing, and the finding says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The check, or `None` for every check (`check = "*"`).
    pub check: Option<CheckId>,
    /// Matches the finding's resource (`<arn>` or `<arn>#<credential>`), if given.
    pub resource: Option<Glob>,
    /// Matches the finding's user name, if given.
    pub user: Option<Glob>,
    /// Only findings of this account, if given.
    pub account: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last instant it applies: the end of the `expires` day, UTC.
    pub expires: Timestamp,
}

impl Suppression {
    /// Whether it covers a finding of `check` on `resource` of `user` in `account`.
    pub fn matches(
        &self,
        check: CheckId,
        resource: &str,
        user: &str,
        account: Option<&str>,
    ) -> bool {
        self.check.is_none_or(|c| c == check)
            && self.resource.as_ref().is_none_or(|g| g.matches(resource))
            && self.user.as_ref().is_none_or(|g| g.matches(user))
            && self.account.as_deref().is_none_or(|a| account == Some(a))
    }

    /// A short description for messages: `check on resource (owner, until date)`.
    pub fn describe(&self) -> String {
        let what = self
            .resource
            .as_ref()
            .or(self.user.as_ref())
            .map_or("*", Glob::as_str);
        format!(
            "{} on {what} (owner {}, until {})",
            self.check.map_or("*", CheckId::as_str),
            self.owner,
            date(self.expires)
        )
    }
}

/// The whole configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Thresholds for the root user and for human users.
    pub human: Thresholds,
    /// Thresholds for machine users.
    pub machine: Thresholds,
    /// One setting per check, indexed like [`CheckId::ALL`].
    pub checks: Vec<CheckSetting>,
    /// Users (by name or ARN) always treated as machines.
    pub machine_users: Vec<Glob>,
    /// Users (by name or ARN) always treated as humans.
    pub human_users: Vec<Glob>,
    /// Accepted findings.
    pub suppressions: Vec<Suppression>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            human: Thresholds::default(),
            machine: Thresholds::default(),
            checks: CheckId::ALL
                .iter()
                .map(|id| CheckSetting {
                    enabled: true,
                    severity: id.info().severity,
                })
                .collect(),
            machine_users: Vec::new(),
            human_users: Vec::new(),
            suppressions: Vec::new(),
        }
    }
}

/// Why a configuration could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    thresholds: ThresholdsTable,
    #[serde(default)]
    checks: BTreeMap<String, RawCheck>,
    #[serde(default)]
    users: RawUsers,
    #[serde(default)]
    suppress: Vec<RawSuppression>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    enabled: Option<bool>,
    severity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUsers {
    #[serde(default)]
    machine: Vec<String>,
    #[serde(default)]
    human: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    check: String,
    resource: Option<String>,
    user: Option<String>,
    account: Option<String>,
    reason: String,
    owner: String,
    expires: String,
}

impl Config {
    /// Reads a configuration from TOML text. Unknown keys, unknown check ids, bad
    /// severities and incomplete suppressions are errors, with the line and column.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        let mut config = Config::default();
        let base = raw.thresholds.base();
        config.human.apply(&base);
        config.machine.apply(&base);
        if let Some(human) = &raw.thresholds.human {
            config.human.apply(human);
        }
        if let Some(machine) = &raw.thresholds.machine {
            config.machine.apply(machine);
        }
        for (name, setting) in &raw.checks {
            let id = CheckId::from_name(name).ok_or_else(|| {
                ConfigError(format!(
                    "[checks.{name}]: unknown check; the checks are {}",
                    CheckId::ALL.map(CheckId::as_str).join(", ")
                ))
            })?;
            let slot = &mut config.checks[id.index()];
            if let Some(enabled) = setting.enabled {
                slot.enabled = enabled;
            }
            if let Some(severity) = &setting.severity {
                slot.severity = Severity::from_name(severity).ok_or_else(|| {
                    ConfigError(format!(
                        "[checks.{name}] severity = {severity:?}: expected critical, high, medium, low or info"
                    ))
                })?;
            }
        }
        config.machine_users = raw.users.machine.into_iter().map(Glob::new).collect();
        config.human_users = raw.users.human.into_iter().map(Glob::new).collect();
        for (i, s) in raw.suppress.into_iter().enumerate() {
            let at = format!("[[suppress]] #{}", i + 1);
            let check = match s.check.as_str() {
                "*" => None,
                name => Some(CheckId::from_name(name).ok_or_else(|| {
                    ConfigError(format!(
                        "{at}: check = {name:?} is not a check id nor \"*\""
                    ))
                })?),
            };
            if s.resource.is_none() && s.user.is_none() && s.account.is_none() {
                return Err(ConfigError(format!(
                    "{at}: give a resource, a user or an account to suppress (\"*\" matches all)"
                )));
            }
            for (field, value) in [("reason", &s.reason), ("owner", &s.owner)] {
                if value.trim().is_empty() {
                    return Err(ConfigError(format!("{at}: {field} must not be empty")));
                }
            }
            let expires = parse_day_end(&s.expires).ok_or_else(|| {
                ConfigError(format!(
                    "{at}: expires = {:?}: expected a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ",
                    s.expires
                ))
            })?;
            config.suppressions.push(Suppression {
                check,
                resource: s.resource.map(Glob::new),
                user: s.user.map(Glob::new),
                account: s.account,
                reason: s.reason,
                owner: s.owner,
                expires,
            });
        }
        Ok(config)
    }

    /// The setting of one check.
    pub fn check(&self, id: CheckId) -> CheckSetting {
        self.checks[id.index()]
    }

    /// The thresholds for an identity of this kind (root uses the human ones).
    pub fn thresholds(&self, kind: UserKind) -> &Thresholds {
        match kind {
            UserKind::Machine => &self.machine,
            UserKind::Root | UserKind::Human => &self.human,
        }
    }

    /// The kind of a user row that is not root: the configured lists first, then a
    /// console password means a human and no password a machine.
    pub fn classify(&self, user: &str, arn: &str, has_password: bool) -> UserKind {
        let named = |globs: &[Glob]| globs.iter().any(|g| g.matches(user) || g.matches(arn));
        if named(&self.machine_users) {
            UserKind::Machine
        } else if named(&self.human_users) || has_password {
            UserKind::Human
        } else {
            UserKind::Machine
        }
    }
}

/// `YYYY-MM-DD` as the last second of that day, or a full RFC 3339 time as itself.
fn parse_day_end(s: &str) -> Option<Timestamp> {
    parse_time(s, true)
}

/// Parses `YYYY-MM-DD` (the start of that day, or its last second if `end_of_day`) or an
/// RFC 3339 time such as `2016-11-25T14:30:42Z`.
pub fn parse_time(s: &str, end_of_day: bool) -> Option<Timestamp> {
    let s = s.trim();
    if let Some((t, _)) = Timestamp::parse(s.as_bytes()) {
        return Some(t);
    }
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = s.get(0..4)?.parse().ok()?;
    let month = s.get(5..7)?.parse().ok()?;
    let day = s.get(8..10)?.parse().ok()?;
    if end_of_day {
        Timestamp::from_civil(year, month, day, 23, 59, 59)
    } else {
        Timestamp::from_civil(year, month, day, 0, 0, 0)
    }
}

/// `YYYY-MM-DD` of an instant, formatted without allocating.
pub(crate) fn date(t: Timestamp) -> Day {
    Day(t)
}

/// Displays the UTC date of an instant, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Day(Timestamp);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0.to_zulu_bytes();
        f.write_str(std::str::from_utf8(&bytes[..10]).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let cases = [
            ("*", "anything/at:all", true),
            (
                "arn:aws:iam::*:user/ci-*",
                "arn:aws:iam::123456789012:user/ci-deploy",
                true,
            ),
            (
                "arn:aws:iam::*:user/ci-*",
                "arn:aws:iam::123456789012:user/deploy",
                false,
            ),
            ("svc-?", "svc-a", true),
            ("svc-?", "svc-ab", false),
            // A whole-text match, not a substring (Prowler's mutelist "logs" mutes every
            // resource containing "logs", audit-peers 1.4).
            ("logs", "cloudwatch-logs-writer", false),
            ("*#access_key_1", "arn:aws:iam::1:user/a#access_key_1", true),
            (
                "*#access_key_1",
                "arn:aws:iam::1:user/a#access_key_2",
                false,
            ),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("", "", true),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(Glob::new(pattern).matches(text), want, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_time("2026-12-31", true).map(|t| t.to_zulu()),
            Some("2026-12-31T23:59:59Z".to_owned())
        );
        assert_eq!(
            parse_time("2016-11-25", false).map(|t| t.to_zulu()),
            Some("2016-11-25T00:00:00Z".to_owned())
        );
        assert_eq!(
            parse_time("2016-11-25T14:30:42Z", true).map(|t| t.to_zulu()),
            Some("2016-11-25T14:30:42Z".to_owned())
        );
        assert_eq!(parse_time("2016-02-30", false), None);
        assert_eq!(parse_time("yesterday", false), None);
    }

    #[test]
    fn config_errors_name_what_is_wrong() {
        let cases = [
            ("[thresholds]\nunused_dayz = 3\n", "unknown field `unused_dayz`"),
            ("[checks.no-such-check]\nenabled = false\n", "unknown check"),
            ("[checks.root-mfa]\nseverity = \"urgent\"\n", "expected critical"),
            (
                "[[suppress]]\ncheck = \"root-mfa\"\nresource = \"*\"\nreason = \"x\"\nowner = \"o\"\n",
                "missing field `expires`",
            ),
            (
                "[[suppress]]\ncheck = \"root-mfa\"\nresource = \"*\"\nreason = \" \"\nowner = \"o\"\nexpires = \"2030-01-01\"\n",
                "reason must not be empty",
            ),
            (
                "[[suppress]]\ncheck = \"root-mfa\"\nresource = \"*\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n",
                "expected a date",
            ),
            (
                "[[suppress]]\ncheck = \"root-mfa\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2030-01-01\"\n",
                "give a resource",
            ),
        ];
        for (text, want) in cases {
            let err = Config::from_toml(text).expect_err(text).to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
        // toml's messages carry the line and column.
        let err = Config::from_toml("[thresholds]\nunused_days = \"45\"\n")
            .expect_err("string")
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn human_and_machine_thresholds() {
        let config = Config::from_toml(
            "[thresholds]\nunused_days = 30\n[thresholds.machine]\nkey_rotation_days = 365\n",
        )
        .expect("valid");
        assert_eq!(config.human.unused_days, 30);
        assert_eq!(config.machine.unused_days, 30);
        assert_eq!(config.human.key_rotation_days, 90);
        assert_eq!(config.machine.key_rotation_days, 365);
    }
}

#[cfg(test)]
mod example {
    use super::*;

    /// The example file parses, and says exactly the defaults.
    #[test]
    fn example_file_is_the_defaults() {
        let text = include_str!("../credreport-audit.example.toml");
        assert_eq!(
            Config::from_toml(text).expect("example parses"),
            Config::default()
        );
        let uncommented: String = text
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.starts_with('[') || r.contains(" = "))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let config = Config::from_toml(&uncommented).expect("the commented examples parse");
        assert_eq!(config.suppressions.len(), 1);
        assert!(!config.check(CheckId::PasswordNotChanged).enabled);
        assert_eq!(config.machine.key_rotation_days, 365);
    }
}
