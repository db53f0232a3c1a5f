//! The scheduled review (`credreport review`): for each target of `review.toml`, fetch
//! (IAM's 4-hour rule and `max_age` respected), audit, store in the history, compare with
//! the account's previous report, and notify new findings.
//!
//! - [`config`]: `review.toml`, checked while read.
//! - [`run`]: one review over every target; failures are per account or target.
//! - [`notify`]: the webhook's body and its delivery with retries.

pub mod config;
pub mod notify;
pub mod run;
pub mod summary;
