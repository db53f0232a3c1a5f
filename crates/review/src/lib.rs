//! The review loop over AWS IAM credential reports, client-side: it talks to IAM over the
//! API (through the AWS SDK for Rust), so it works the same against AWS and against
//! `credreport serve`.
//!
//! - [`fetch`]: a credential report from an account, or every account of an
//!   organization (GenerateCredentialReport, the wait, GetCredentialReport).
//! - [`history`]: every report fetched, reviewed or added, with its audit (audit's own
//!   finding types), in one embedded SQLite file; remediation's audit trail; the
//!   notifications sent.
//! - [`review`]: the scheduled review: fetch, audit, store, compare with the previous
//!   review, notify new findings to a webhook.
//! - [`remediate`]: findings into a plan of IAM calls (a pure function of the findings,
//!   the credentials' current state, the thresholds and the allowlist), applied with a
//!   re-check before each call, and undone. The IAM calls sit behind a narrow trait
//!   ([`remediate::IamApi`]) whose one real implementation is the SDK's.
//! - [`securityhub`]: each review's findings imported into AWS Security Hub (ASFF, the
//!   audit's renderer), those that disappeared archived.
//! - [`env`]: what the loop reads from the world (the clock, credentials, the fetch's
//!   waits), so a simulated clock drives it end to end in tests.
//!
//! The `credreport` binary parses arguments, calls these, and prints.

pub mod duration;
pub mod env;
pub mod fetch;
pub mod history;
mod http;
mod names;
mod position;
pub mod remediate;
pub mod review;
pub mod securityhub;
