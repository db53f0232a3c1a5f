//! Domain errors, in IAM's words. The server maps each variant to an AWS error code and
//! HTTP status in one place; this crate never speaks of HTTP.

use std::fmt;

/// A result of the IAM domain.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as IAM would say it. Messages are IAM's real texts where known.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The named entity does not exist.
    #[error("{0}")]
    NoSuchEntity(String),
    /// An entity with that name already exists.
    #[error("{0}")]
    EntityAlreadyExists(String),
    /// A quota would be exceeded (two access keys, two certificates, …).
    #[error("{0}")]
    LimitExceeded(String),
    /// The entity still has attached things.
    #[error("{0}")]
    DeleteConflict(String),
    /// Parameters that break the API model's constraints.
    #[error("{}", validation_message(.0))]
    Validation(Vec<Invalid>),
    /// A ValidationError whose message is IAM's own sentence rather than a constraint.
    #[error("{0}")]
    ValidationText(String),
    /// A semantically invalid request.
    #[error("{0}")]
    InvalidInput(String),
    /// The password breaks the account password policy.
    #[error("{0}")]
    PasswordPolicyViolation(String),
    /// The policy document is not a valid IAM policy.
    #[error("{0}")]
    MalformedPolicyDocument(String),
    /// The certificate cannot be parsed.
    #[error("{0}")]
    MalformedCertificate(String),
    /// The certificate parses but is not acceptable (expired, not yet valid).
    #[error("{0}")]
    InvalidCertificate(String),
    /// The same certificate is already uploaded.
    #[error("{0}")]
    DuplicateCertificate(String),
    /// An SSH public key in no encoding IAM takes (not `ssh-rsa`, not an RSA PEM block).
    #[error("{0}")]
    UnrecognizedPublicKeyEncoding(String),
    /// An SSH public key that is malformed or shorter than 2048 bits.
    #[error("{0}")]
    InvalidPublicKey(String),
    /// The user already has that SSH public key.
    #[error("{0}")]
    DuplicateSshPublicKey(String),
    /// MFA codes that do not verify.
    #[error("{0}")]
    InvalidAuthenticationCode(String),
    /// The caller is not the kind of principal the operation needs.
    #[error("{0}")]
    InvalidUserType(String),
    /// Authentication failed: a wrong password or MFA code at sign-in, or a wrong old
    /// password in ChangePassword (IAM documents no code for that; a 403 keeps it apart
    /// from malformed input).
    #[error("{0}")]
    AccessDenied(String),
    /// Temporary credentials that are unknown, tampered with, or whose role is gone.
    #[error("{0}")]
    InvalidClientTokenId(String),
    /// Temporary credentials past their expiration.
    #[error("{0}")]
    ExpiredToken(String),
    /// Too many requests or tries: wait and try again (IAM's `Throttling`).
    #[error("{0}")]
    Throttling(String),
    /// The entity is being changed by someone else right now.
    #[error("{0}")]
    EntityTemporarilyUnmodifiable(String),
    /// No credential report has been generated.
    #[error("Unable to find a credential report for the account")]
    ReportNotPresent,
    /// The first credential report is still being generated.
    #[error("Credential report is being generated")]
    ReportInProgress,
    /// The stored report is older than the operator's maximum age.
    #[error("The credential report has expired. Generate a new report.")]
    ReportExpired,
    /// A fault of the service itself (storage, randomness). Never the caller's doing.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A single validation problem.
    pub fn validation(field: &'static str, constraint: Constraint) -> Error {
        Error::Validation(vec![Invalid { field, constraint }])
    }

    /// An internal fault.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::Internal(message.into())
    }

    /// `NoSuchEntity` for a user: "The user with name X cannot be found."
    pub fn no_such_user(name: &str) -> Error {
        Error::NoSuchEntity(format!("The user with name {name} cannot be found."))
    }
}

/// One broken constraint of an API member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The member, lowerCamel as IAM names it in messages (`userName`, `path`).
    pub field: &'static str,
    /// The constraint it breaks.
    pub constraint: Constraint,
}

/// The API model's constraints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// Required and absent.
    NotNull,
    /// Shorter than this.
    MinLength(usize),
    /// Longer than this.
    MaxLength(usize),
    /// Below this.
    MinValue(i64),
    /// Above this.
    MaxValue(i64),
    /// Does not match this pattern.
    Pattern(&'static str),
    /// Not one of the allowed values.
    Enum,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constraint::NotNull => f.write_str("Member must not be null"),
            Constraint::MinLength(n) => {
                write!(f, "Member must have length greater than or equal to {n}")
            }
            Constraint::MaxLength(n) => {
                write!(f, "Member must have length less than or equal to {n}")
            }
            Constraint::MinValue(n) => {
                write!(f, "Member must have value greater than or equal to {n}")
            }
            Constraint::MaxValue(n) => {
                write!(f, "Member must have value less than or equal to {n}")
            }
            Constraint::Pattern(p) => {
                write!(f, "Member must satisfy regular expression pattern: {p}")
            }
            Constraint::Enum => f.write_str("Member must satisfy enum value set"),
        }
    }
}

/// IAM's form: `2 validation errors detected: Value at 'a' failed to satisfy constraint: …; Value at 'b' …`.
fn validation_message(issues: &[Invalid]) -> String {
    let n = issues.len();
    let parts: Vec<String> = issues
        .iter()
        .map(|i| {
            format!(
                "Value at '{}' failed to satisfy constraint: {}",
                i.field, i.constraint
            )
        })
        .collect();
    format!(
        "{n} validation error{} detected: {}",
        if n == 1 { "" } else { "s" },
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages_match_iam() {
        // The 2026 forms in the wire reference, section 1.5.
        let one = Error::validation("path", Constraint::MaxLength(512));
        assert_eq!(
            one.to_string(),
            "1 validation error detected: Value at 'path' failed to satisfy constraint: Member must have length less than or equal to 512"
        );
        let many = Error::Validation(vec![
            Invalid {
                field: "minimumPasswordLength",
                constraint: Constraint::MaxValue(128),
            },
            Invalid {
                field: "status",
                constraint: Constraint::Enum,
            },
        ]);
        assert_eq!(
            many.to_string(),
            "2 validation errors detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; Value at 'status' failed to satisfy constraint: Member must satisfy enum value set"
        );
    }
}
