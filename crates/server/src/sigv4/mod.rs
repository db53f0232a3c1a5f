//! AWS Signature Version 4 verification, as IAM does it.
//!
//! Pure functions over a received request ([`SignedRequest`]): no I/O, no store, no
//! clock. The server's flow is
//!
//! 1. [`parse_auth`]: find the `Authorization` header (or presigned query parameters) and
//!    parse it into an [`Auth`] (no authentication data at all is
//!    `MissingAuthenticationToken`);
//! 2. look up the secret of `auth.access_key_id` (unknown or inactive keys and session
//!    tokens are the caller's: `InvalidClientTokenId`);
//! 3. [`verify`] with that secret and the current time: scope, clock skew, signed headers,
//!    then the signature in constant time. Only `verify` makes a [`Verified`].
//!
//! The canonical request follows what botocore and aws-sigv4 sign for IAM: the path
//! normalised and encoded once more, every query parameter re-encoded and sorted,
//! exactly the signed headers with their values trimmed, and the body's SHA-256 (or
//! `x-amz-content-sha256` when sent, which must then be the body's hash). The AWS SigV4
//! test suite (`tests/data/sigv4`) and IAM vectors pin it down (`tests/sigv4_suite.rs`).
//!
//! Messages are IAM's where known (see [`SigV4Error`]); none repeats a signature or secret.
//!
//! Note for routing: path normalisation makes `/`, `//` and `/./` sign alike, so the
//! router must not give them different meanings.

mod auth;
mod canonical;
mod date;
mod error;
mod request;
mod uri;
mod verify;

pub use auth::{parse_auth, Auth, AuthForm, CredentialScope, ALGORITHM, MAX_EXPIRES_SECS};
pub use canonical::{
    canonical_request, canonical_request_with, signature, signing_key, string_to_sign,
    PresignedToken, CONTENT_SHA256_MISMATCH,
};
pub use error::{SigV4Error, MISSING_TOKEN, SIGNATURE_MISMATCH};
pub use request::SignedRequest;
pub use verify::{verify, Verified, VerifyOptions};
