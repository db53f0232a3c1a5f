//! What a check is: its stable id, title, default severity and compliance mapping.
//!
//! The table of checks itself is [`crate::checks::ALL`]; this module holds the types.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to fix by itself (data-quality warnings).
    Info,
    /// Hygiene.
    Low,
    /// A weakness to fix in the normal course of work.
    Medium,
    /// A weakness to fix soon.
    High,
    /// Fix now.
    Critical,
}

impl Severity {
    /// Every severity, most severe first (the order reports are grouped in).
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name: `critical`, `high`, `medium`, `low`, `info`.
    pub const fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The severity with this name (ASCII case ignored).
    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::DESCENDING
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }

    /// The SARIF `level`: `error` for critical and high, `warning` for medium, `note` below.
    pub const fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }

    /// The `security-severity` property GitHub code scanning reads (a CVSS-like score).
    pub const fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }

    /// Position in [`Severity::DESCENDING`].
    pub(crate) const fn rank(self) -> usize {
        match self {
            Severity::Critical => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
            Severity::Info => 4,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! check_ids {
    ($($variant:ident = $id:literal,)*) => {
        /// The stable id of a check. Ids never change meaning; a retired check's id is not
        /// reused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum CheckId { $(#[doc = concat!("`", $id, "`")] $variant),* }

        impl CheckId {
            /// Every check id, in the order checks run and are listed.
            pub const ALL: [CheckId; check_ids!(@count $($variant)*)] = [$(CheckId::$variant),*];

            /// The id as written in configuration files and outputs.
            pub const fn as_str(self) -> &'static str {
                match self { $(CheckId::$variant => $id),* }
            }
        }
    };
    (@count $($x:ident)*) => { 0 $(+ check_ids!(@one $x))* };
    (@one $x:ident) => { 1 };
}

check_ids! {
    RootAccessKey = "root-access-key",
    RootMfa = "root-mfa",
    RootRecentUse = "root-recent-use",
    RootSigningCert = "root-signing-cert",
    ConsoleNoMfa = "console-no-mfa",
    PasswordUnused = "password-unused",
    AccessKeyUnused = "access-key-unused",
    AccessKeyRotation = "access-key-rotation",
    TwoActiveKeys = "two-active-keys",
    KeyCreatedAtSetup = "key-created-at-setup",
    UserInactive = "user-inactive",
    ServiceUserConsolePassword = "service-user-console-password",
    PasswordNotChanged = "password-not-changed",
    SigningCertOld = "signing-cert-old",
    Password2018Gap = "password-2018-gap",
    RoleUnused = "role-unused",
    PermissionsUnused = "permissions-unused",
}

impl CheckId {
    /// The check with this id.
    pub fn from_name(name: &str) -> Option<CheckId> {
        CheckId::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Position in [`CheckId::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The check's description and mapping.
    pub fn info(self) -> &'static CheckInfo {
        &crate::checks::ALL[self.index()]
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An id as [`CheckId::as_str`] writes it; any other text is an error naming it.
impl<'de> Deserialize<'de> for CheckId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CheckId, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        CheckId::from_name(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a check id")))
    }
}

/// Which rows a check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The root row only.
    Root,
    /// IAM user rows only (never the root row: root has its own checks).
    User,
    /// Every row.
    Any,
    /// No row: the users and roles of the authorization details or last-accessed data
    /// (run only when the audit has them).
    Principal,
}

/// A CIS AWS Foundations Benchmark recommendation number in each numbering.
///
/// Versions 1.4.0, 1.5.0, 2.0.0, 3.0.0 and 4.0.0 share one numbering; 5.0.0 moved every
/// IAM item up by one (1.4 became 1.3) and 6.0.0 moved them to section 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cis {
    /// The number in v1.4.0 to v4.0.0.
    pub v1_4: &'static str,
    /// The number in v5.0.0.
    pub v5: &'static str,
    /// The number in v6.0.0.
    pub v6: &'static str,
}

impl Cis {
    /// `(version, number)` for every version covered, oldest first.
    pub fn by_version(&self) -> [(&'static str, &'static str); 7] {
        [
            ("1.4.0", self.v1_4),
            ("1.5.0", self.v1_4),
            ("2.0.0", self.v1_4),
            ("3.0.0", self.v1_4),
            ("4.0.0", self.v1_4),
            ("5.0.0", self.v5),
            ("6.0.0", self.v6),
        ]
    }

    /// A compact one-line form: `1.4 (v1.4.0-v4.0.0), 1.3 (v5.0.0), 2.3 (v6.0.0)`.
    pub fn compact(&self) -> String {
        format!(
            "{} (v1.4.0-v4.0.0), {} (v5.0.0), {} (v6.0.0)",
            self.v1_4, self.v5, self.v6
        )
    }
}

/// A check: what it looks for, and the function that looks.
pub struct CheckInfo {
    /// Stable id.
    pub id: CheckId,
    /// One line, in the words of the problem (what fails).
    pub title: &'static str,
    /// Severity unless the configuration says otherwise.
    pub severity: Severity,
    /// Which rows it looks at.
    pub scope: Scope,
    /// The CIS AWS Foundations Benchmark recommendation, if there is one.
    pub cis: Option<Cis>,
    /// AWS Security Hub control ids in the AWS Foundational Security Best Practices
    /// numbering (`IAM.4`). Some of these controls run only under Security Hub's CIS
    /// standards rather than in the FSBP standard itself.
    pub fsbp: &'static [&'static str],
    /// What the check evaluates and where its boundaries are, in full sentences.
    pub description: &'static str,
    /// The check itself: a pure function of the row (or the principal's facts) and the
    /// context.
    pub(crate) run: Run,
}

/// What a check runs on.
#[derive(Clone, Copy)]
pub(crate) enum Run {
    /// A report row.
    Row(crate::checks::CheckFn),
    /// A principal's facts from the authorization details or last-accessed data.
    Principal(crate::checks::PrincipalFn),
}

impl fmt::Debug for CheckInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckInfo")
            .field("id", &self.id)
            .field("severity", &self.severity)
            .finish_non_exhaustive()
    }
}
