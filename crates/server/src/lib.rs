//! IAM's Query API for the credential report: the only crate that knows the wire.
//!
//! [`app()`] is the HTTP application. A request is verified by [`sigv4`] (a [`Principal`]
//! can only come out of that), authorized by [`authz`] with IAM policy semantics, decoded
//! by [`query`], handled by one of [`actions`], and answered in IAM's XML ([`xml`]).
//! Domain errors become AWS error codes in one place, [`error`].
#![deny(missing_docs)]

pub mod actions;
pub mod app;
pub mod authz;
pub mod body;
pub mod console;
pub mod error;
pub mod principal;
pub mod query;
pub mod report_cache;
pub mod sigv4;
pub mod throttle;
pub mod xml;

pub use app::{app, ServerConfig};
pub use error::AwsError;
pub use principal::Principal;
