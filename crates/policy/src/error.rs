//! IAM's `MalformedPolicyDocument` errors, with IAM's words.

/// The text of IAM's `MalformedPolicyDocument` error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MalformedPolicy(pub String);

impl MalformedPolicy {
    pub(crate) fn new(message: &str) -> MalformedPolicy {
        MalformedPolicy(message.to_owned())
    }
}

/// IAM's messages.
pub mod messages {
    /// The document is not JSON.
    pub const INVALID_JSON: &str = "This policy contains invalid Json";
    /// A structural error: a wrong type, an unknown or conflicting element, a bad Effect,
    /// an unknown condition operator.
    pub const SYNTAX: &str = "Syntax errors in policy.";
    /// No `Action`/`NotAction`, or an empty list.
    pub const NO_ACTIONS: &str = "Policy statement must contain actions.";
    /// No `Resource`/`NotResource`, or an empty list.
    pub const NO_RESOURCES: &str = "Policy statement must contain resources.";
    /// `Principal` or `NotPrincipal` in an identity-based policy.
    pub const PRINCIPAL: &str = "Policy document should not specify a principal.";
    /// A `Version` other than the two IAM knows; a condition value its operator cannot
    /// read (a date that is not one, for the `Date` operators).
    pub const LEGACY_PARSING: &str = "The policy failed legacy parsing";
    /// An action without a `vendor:` prefix.
    pub const NO_VENDOR: &str =
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    /// A `Sid` with characters other than ASCII letters and digits.
    pub const SID_CHARS: &str = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
    /// Two statements with the same `Sid`.
    pub const SID_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
    /// A role trust policy statement without `Principal`.
    pub const MISSING_PRINCIPAL: &str = "Missing required field Principal";
    /// `NotPrincipal` in a role trust policy.
    pub const TRUST_NOT_PRINCIPAL: &str = "NotPrincipal is not supported in a trust policy.";
}
