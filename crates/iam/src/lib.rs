//! The IAM domain behind the credential report.
//!
//! [`Iam`] keeps accounts, users and their credentials (console passwords, access keys,
//! virtual MFA devices, X.509 signing certificates, inline policies, the account password
//! policy), records credential use the way IAM does (the 5- and 15-minute windows), and
//! turns it all into the credential report with IAM's lifecycle (the 4-hour rule, one
//! stored report per account, builds that survive a crash).
//!
//! It knows nothing of HTTP, XML or SigV4: the server crate speaks the wire and maps
//! [`Error`] to AWS error codes. Time comes from a [`Clock`]; storage from a [`Store`]
//! ([`SqliteStore`] embedded; every backend passes [`store::conformance`]).
#![deny(missing_docs)]

mod accounts;
pub mod arn;
pub mod authorizing;
pub mod aws_policies;
mod boundaries;
mod certs;
mod current_reports;
mod details;
mod groups;
mod kept_rows;
mod keys;
pub mod last_accessed;
mod managed;
mod mfa;
pub mod organizations;
mod passwords;
mod policies;
mod report_build;
mod report_sink;
mod reports;
mod roles;
pub mod sealed;
mod service;
mod signing_keys;
pub mod simulate;
mod ssh_keys;
pub mod sts;
mod tags;
mod usage;
mod users;

pub mod certificate;
pub mod clock;
pub mod console;
pub mod error;
pub mod ids;
pub mod model;
pub mod password;
pub mod policy;
/// Files only their owner may read (the data directory and its store files).
pub use credreport_private as private;
pub mod qr;
pub mod secret;
pub mod ssh_key;
pub mod store;
pub mod totp;
pub mod trust;

pub use accounts::{NewAccount, ORGANIZATION_ACCESS_ROLE};
pub use arn::{Arn, ArnError, IamKind};
pub use clock::{Clock, ManualClock, SystemClock};
pub use console::{SessionToken, SignIn, SignInAs};
pub use details::{AuthorizationDetails, DetailsFilter, GroupDetail, RoleDetail, UserDetail};
pub use error::{Constraint, Error, Invalid, Result};
pub use groups::{GROUPS_PER_USER_QUOTA, GROUPS_QUOTA};
pub use ids::{AccountId, OrganizationId, RootId};
pub use keys::{NewAccessKey, SigningKey, UseOutcome, ACCESS_KEYS_QUOTA};
pub use managed::{PolicyEntities, PolicyInfo, PolicyScope, PolicyUsage, VersionInfo};
pub use mfa::{Assignment, NewMfaDevice};
pub use organizations::{NewMember, OrganizationView};
pub use passwords::{LoginProfile, PasswordPolicyInput};
pub use policies::Named;
pub use report_build::{report_rows, write_account_report, AccountSnapshot};
pub use report_sink::ReportSink;
pub use reports::{
    read_snapshot, stored_report_content, CredentialReport, Generation, ReportBuild, ReportState,
    REPORT_FRESH_SECS,
};
pub use roles::{NewRole, ROLES_QUOTA};
pub use service::{Iam, IamConfig, Page};
pub use ssh_keys::SSH_PUBLIC_KEYS_QUOTA;
pub use store::sqlite::SqliteStore;
pub use store::Store;
pub use tags::{validate_tags, Tagged, TAGS_QUOTA};
pub use usage::{KEY_WINDOW_SECS, PASSWORD_WINDOW_SECS};
