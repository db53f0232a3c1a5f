//! The policy engine's integration tests, one binary.

#![allow(clippy::unwrap_used)]

/// Shared helpers: the example files, contexts from SimulatePrincipalPolicy-style entries,
/// and the one `check` of a table of requests.
mod support;

/// Open contexts: could a request be allowed for some context, for every one.
mod analysis;
/// The service catalog: services, actions by name, level and pattern.
mod catalog;
/// The evaluation logic across policy types: identity, resource-based, boundary, session,
/// across accounts.
mod evaluation;
/// AWS's documented example policies against tables of requests.
mod examples;
/// Explanations: matched statements and their positions, missing context values, the
/// boundary's decision, the context keys of policies.
mod explain;
/// Every condition operator, with and without `IfExists`, missing keys, multivalued keys.
mod operators;
/// Properties: conditions never widen an Allow, a Deny always wins, boundaries and
/// session policies never widen; hostile input never panics.
mod properties;
/// What IAM refuses when a policy is written, with its messages; what it accepts.
mod validation;
