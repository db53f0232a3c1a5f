//! What IAM users and roles can do, as the policy evaluator decides it.
//!
//! From an account's [`AuthorizationDetails`] (what GetAccountAuthorizationDetails
//! returns), [`analyze`] puts every user and role in a [`Privilege`] class:
//!
//! - `admin`: it may perform every action of the AWS service catalog on every resource,
//!   or it can make itself able to, by one of the privilege-escalation paths through IAM
//!   of [`paths::PATHS`] (Rhino Security Labs' list, as Cloudsplaining catalogues it);
//! - `write`: it may change something (an action of the `Write`, `Permissions
//!   management` or `Tagging` access levels on some resource, its own credentials aside);
//! - `read`: it may only read;
//! - `none`: it may do nothing.
//!
//! Its effective permissions are its own inline and attached policies, its groups', and
//! its permissions boundary's, combined by [`credreport_policy`]'s evaluator with the
//! request context open: what a request would carry is unknown, so a condition makes an
//! `Allow` possible rather than certain, and a possible `Allow` counts ("a conditional
//! administrator is still an administrator"). A `Deny` removes what it denies only where
//! it certainly applies (unconditionally). Principals that share a set of policies are
//! analysed once.
//!
//! [`LastAccessed`] holds the service last-accessed data of principals, the other input of
//! the auditor's `permissions-unused` check.
//!
//! The crate does no I/O: the caller reads files or calls the API and fills the inputs.
//!
//! ```
//! use credreport_privilege::{analyze, AuthorizationDetails, Privilege};
//!
//! let details = AuthorizationDetails::from_json(r#"{
//!   "UserDetailList": [
//!     {"UserName": "alice", "UserId": "AIDAALICE", "Path": "/",
//!      "Arn": "arn:aws:iam::111122223333:user/alice",
//!      "UserPolicyList": [{"PolicyName": "own", "PolicyDocument": {
//!        "Version": "2012-10-17",
//!        "Statement": {"Effect": "Allow", "Action": "iam:PutUserPolicy",
//!                      "Resource": "arn:aws:iam::*:user/${aws:username}"}}}]},
//!     {"UserName": "bob", "UserId": "AIDABOB", "Path": "/",
//!      "Arn": "arn:aws:iam::111122223333:user/bob"}
//!   ]}"#)?;
//! let analysis = analyze(&details);
//! // Alice may write any policy into herself: an escalation path.
//! assert_eq!(analysis.privilege("arn:aws:iam::111122223333:user/alice"), Some(Privilege::Admin));
//! assert_eq!(analysis.privilege("arn:aws:iam::111122223333:user/bob"), Some(Privilege::None));
//! # Ok::<(), credreport_privilege::InputError>(())
//! ```
#![deny(missing_docs)]

mod account;
mod analysis;
mod class;
mod details;
mod effect;
mod escalation;
mod last_accessed;
pub mod paths;
mod set;

pub use account::Kind;
pub use analysis::{analyze, Analysis, PrincipalPrivilege};
pub use class::{Assessment, Privilege, Reason};
/// The instants of the inputs (milliseconds since the epoch), from the policy engine.
pub use credreport_policy::Time;
pub use details::{
    document_text, is_aws_managed, AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy,
    InputError, ManagedPolicyDetail, PermissionsBoundary, PolicyVersion, RoleDetail, RoleLastUsed,
    Tag, UserDetail,
};
pub use last_accessed::{LastAccessed, LastUse, PrincipalAccess, Service, ServiceAccess, Services};
