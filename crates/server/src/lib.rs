//! IAM's Query API for the credential report: the only crate that knows the wire.
//!
//! [`app()`] is the HTTP application. Every request, API or console, takes one pipeline
//! (body under its limit, a worker permit, a blocking handler). An API request is verified
//! by [`sigv4`] (a [`Principal`] can only come out of that), decoded by [`query`], handled
//! by one of [`actions`], and answered in IAM's XML ([`xml`]); an AWS Organizations request
//! (JSON 1.1, [`json`]) by [`organizations`]; a console page is rendered by
//! [`console`]. Both act through the operations layer, [`ops`]: authorize (by [`authz`],
//! with IAM policy semantics), then act on the domain. Domain errors become AWS error
//! codes in one place, [`error`]. What the server counts is in [`metrics`], served on a
//! listener of its own; [`proxies`] says which address a request comes from.
#![deny(missing_docs)]

pub mod actions;
pub mod app;
pub mod authz;
pub mod body;
mod build_thread;
mod changes;
pub mod console;
pub mod error;
pub mod json;
pub mod metrics;
pub mod ops;
pub mod organizations;
mod pipeline;
pub mod principal;
pub mod proxies;
pub mod query;
pub mod report_cache;
mod running_builds;
pub mod sigv4;
pub mod throttle;
pub mod xml;

pub use app::{app, ServerConfig};
pub use error::AwsError;
pub use principal::Principal;
