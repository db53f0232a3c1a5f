//! The AWS IAM policy language: documents read and checked as IAM checks them, and requests
//! decided as AWS's "Policy evaluation logic" page describes.
//!
//! One evaluator for everything that asks "is this allowed": the API's and the console's
//! authorization, SimulatePrincipalPolicy, `credreport policy simulate`, and the auditor's
//! privilege analysis. It has no I/O and no clock: the caller hands it parsed policies
//! and a [`RequestContext`] it filled (the current time is a value in it).
//!
//! # Overview
//!
//! ```
//! use credreport_policy::{
//!     decide, parse_policy, Decision, PolicySet, Principal, Request, RequestContext,
//!     SourceType, Sourced,
//! };
//!
//! // AWS's example: manage one's own access keys.
//! let policy = parse_policy(
//!     r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!         "Action": "iam:*AccessKey*",
//!         "Resource": "arn:aws:iam::*:user/${aws:username}"}]}"#,
//! )?;
//! let identity = [Sourced { id: "own-keys", source_type: SourceType::User, policy: &policy }];
//! let policies = PolicySet { identity: &identity, ..PolicySet::default() };
//!
//! let arn = "arn:aws:iam::111122223333:user/alice";
//! let mut context = RequestContext::new();
//! context.principal_user("111122223333", arn, "alice", "AIDAEXAMPLE");
//! let request = |resource| Request {
//!     principal: Principal::User { account: "111122223333", arn },
//!     action: "iam:CreateAccessKey",
//!     resource,
//!     resource_account: None,
//!     context: &context,
//! };
//! assert_eq!(decide(&request(arn), &policies), Decision::Allow);
//! assert_eq!(
//!     decide(&request("arn:aws:iam::111122223333:user/bob"), &policies),
//!     Decision::ImplicitDeny
//! );
//! # Ok::<(), credreport_policy::MalformedPolicy>(())
//! ```
//!
//! # Documents
//!
//! [`Policy::parse`] reads a document of a [`PolicyKind`] (identity-based, resource-based,
//! role trust) and refuses what IAM refuses, with IAM's messages ([`messages`]): see the
//! `document` module's rules. Each [`Statement`] keeps its start and end [`Position`] in
//! the text.
//!
//! # Conditions
//!
//! Every operator of AWS's "Condition operators" page: `String…` (`Equals`, `NotEquals`,
//! `EqualsIgnoreCase`, `NotEqualsIgnoreCase`, `Like`, `NotLike`), `Numeric…`, `Date…`,
//! `Bool`, `BinaryEquals`, `IpAddress`/`NotIpAddress` (IPv4 and IPv6 CIDR), `Arn…`,
//! `Null`; `…IfExists`; `ForAllValues:`/`ForAnyValue:`. Keys in a block are ANDed, values
//! ORed (NORed for negated operators); keys ignore case, values do not except for the
//! `IgnoreCase` operators. An absent key makes a condition false, except for negated
//! operators, `…IfExists`, `ForAllValues:` and `Null`.
//!
//! When a policy is written, an unknown operator is refused ("Syntax errors in policy.",
//! unless its block is empty, which IAM accepts), and so is a value its operator cannot
//! read: a date, a number, an IP range or base64 that is not one ("The policy failed
//! legacy parsing", IAM's answer for dates; assumed the same for the others). `Bool` and
//! `Null` values other than `true`/`false` are accepted and never match.
//!
//! # Policy variables
//!
//! `${key}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}` in `Resource` (the resource part,
//! after the fifth colon) and in the values of the `String` and `Arn` operators, in
//! documents of Version 2012-10-17 only. A variable whose key has no value and no default
//! matches nothing (a negated operator then holds, as AWS documents).
//!
//! # Decisions
//!
//! [`decide`] and [`evaluate`] combine the policies of a [`PolicySet`] (identity-based,
//! resource-based, permissions boundary, session) by AWS's rules (the `eval` module's
//! documentation lists them). [`evaluate`] explains: the statements that decided, with their
//! source and positions; the context keys the policies used that the context lacked; the
//! boundary's own answer. [`context_keys`] lists the keys a set of policies uses
//! (GetContextKeysForPolicy).
//!
//! # Privilege analysis
//!
//! With [`RequestContext::open`], keys that were not set are unknown, not absent, and
//! every answer is a [`Tri`]: [`Statement::applies`] says whether one statement covers a
//! request for every context, some, or none; [`Evaluation::allowed`] the same of the
//! whole decision. An auditor asks "could this principal do X" (`allowed.possible()`) and
//! "can it always" (`allowed.certain()`). [`allowed`] answers without the explanation;
//! [`RequestContext::any_resource`] asks about every resource at once;
//! [`Statement::named_resources`] says which resources a statement names outright.
//!
//! # The service catalog
//!
//! [`catalog::Catalog`] lists AWS's services and their actions with their access levels
//! (the Service Authorization Reference), and the actions a pattern or a statement covers.
#![deny(missing_docs)]

pub mod catalog;
mod condition;
mod context;
mod document;
mod elements;
mod error;
mod eval;
mod glob;
mod ip;
pub mod keys;
mod spans;
mod statement;
mod template;
mod time;
mod tri;

pub use context::{ContextKeyType, ContextValue, InvalidContextValue, RequestContext};
pub use document::{
    context_keys, parse_policy, parse_resource_policy, parse_trust_policy, Policy, PolicyKind,
    Version, VERSIONS,
};
pub use elements::principal::{Principal, Reach};
pub use error::{messages, MalformedPolicy};
pub use eval::{
    allowed, decide, evaluate, Decision, Evaluation, PolicySet, PolicyUse, Request, ResourceGrant,
    SourceType, Sourced, StatementResult,
};
pub use glob::wildcard_match;
pub use ip::Cidr;
pub use spans::Position;
pub use statement::{Effect, Statement};
pub use time::Time;
pub use tri::Tri;
