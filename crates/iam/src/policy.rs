//! IAM identity-based policy documents (inline and managed policies, permissions
//! boundaries, session policies): validated as `PutUserPolicy` does it, by the policy
//! engine (`credreport-policy`), which this module re-exports for the crate's callers. The
//! engine also evaluates them: the server with each request's context, `sts.rs` for
//! AssumeRole, the privilege analysis with an open context.

pub use credreport_policy::{
    messages, parse_policy, wildcard_match, Decision, MalformedPolicy, Policy, RequestContext,
    VERSIONS,
};

/// A validated identity-based policy document.
pub type PolicyDocument = Policy;
