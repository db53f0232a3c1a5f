//! Why a request's SigV4 authentication was refused, in IAM's words.
//!
//! Three wire codes cover every refusal this module makes; the message carries the detail.
//! Messages never contain a signature, a secret, or a derived key: only what the client
//! sent in the clear (a date, a scope, a header name), quoted and cut to a short length.

/// The message IAM sends with `SignatureDoesNotMatch` when the signature is wrong.
pub const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the \
     signature you provided. Check your AWS Secret Access Key and signing method. Consult the \
     service documentation for details.";

/// The message sent with `MissingAuthenticationToken`.
pub const MISSING_TOKEN: &str = "Request is missing Authentication Token";

/// A refused request. `Display` is the message the client gets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4Error {
    /// Neither an `Authorization` header nor presigned query parameters (403).
    #[error("{MISSING_TOKEN}")]
    MissingAuthenticationToken,
    /// The authentication data is there but incomplete or malformed (400).
    #[error("{0}")]
    IncompleteSignature(String),
    /// The signature, its scope or its time is wrong (403): a mismatch, an expired or
    /// not-yet-current date, a scope for another date, service or region.
    #[error("{0}")]
    SignatureDoesNotMatch(String),
}

impl SigV4Error {
    /// `SignatureDoesNotMatch` with IAM's message for a wrong signature.
    pub fn mismatch() -> SigV4Error {
        SigV4Error::SignatureDoesNotMatch(SIGNATURE_MISMATCH.to_owned())
    }

    /// The AWS error code.
    pub fn code(&self) -> &'static str {
        match self {
            SigV4Error::MissingAuthenticationToken => "MissingAuthenticationToken",
            SigV4Error::IncompleteSignature(_) => "IncompleteSignature",
            SigV4Error::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
        }
    }

    /// The HTTP status IAM answers with.
    pub fn status(&self) -> u16 {
        match self {
            SigV4Error::MissingAuthenticationToken | SigV4Error::SignatureDoesNotMatch(_) => 403,
            SigV4Error::IncompleteSignature(_) => 400,
        }
    }

    /// The message for the error envelope.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// `s` for quoting in a message: at most 64 characters, control characters dropped.
/// Only values the client sent in the clear are ever quoted.
pub(crate) fn excerpt(s: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if s.chars().filter(|c| !c.is_control()).nth(MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_statuses_and_messages() {
        let cases = [
            (
                SigV4Error::MissingAuthenticationToken,
                "MissingAuthenticationToken",
                403,
                "Request is missing Authentication Token",
            ),
            (
                SigV4Error::IncompleteSignature("x".to_owned()),
                "IncompleteSignature",
                400,
                "x",
            ),
            (
                SigV4Error::SignatureDoesNotMatch("y".to_owned()),
                "SignatureDoesNotMatch",
                403,
                "y",
            ),
        ];
        for (err, code, status, message) in cases {
            assert_eq!(err.code(), code);
            assert_eq!(err.status(), status);
            assert_eq!(err.message(), message);
            assert_eq!(err.to_string(), message);
        }
        assert_eq!(
            SigV4Error::mismatch().message(),
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
        );
    }

    #[test]
    fn excerpt_is_short_and_printable() {
        assert_eq!(excerpt("abc"), "abc");
        assert_eq!(excerpt("a\u{7}b\nc"), "abc");
        let long = "x".repeat(100);
        assert_eq!(excerpt(&long), format!("{}…", "x".repeat(64)));
        assert_eq!(excerpt(&"x".repeat(64)), "x".repeat(64));
    }
}
