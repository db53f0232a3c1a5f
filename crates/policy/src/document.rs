//! Policy documents: read and checked as IAM checks them when they are written, with
//! IAM's messages ([`crate::messages`]).
//!
//! - JSON, else "This policy contains invalid Json"; a JSON object with only `Version`,
//!   `Id` and `Statement` (names are case-sensitive), else "Syntax errors in policy.".
//! - `Version`, if present, `"2012-10-17"` or `"2008-10-17"`; another string is "The
//!   policy failed legacy parsing", another type a syntax error. `Id` is a string.
//! - `Statement`: an object or a non-empty array of objects.
//! - Each statement: only `Sid`, `Effect`, `Action`/`NotAction`, `Resource`/`NotResource`,
//!   `Principal`/`NotPrincipal` and `Condition`; `Sid` alphanumeric and unique within the
//!   document (IAM's documents; a generic resource-based policy's `Sid` is free text);
//!   `Effect` exactly `"Allow"` or `"Deny"`; exactly one of `Action`/`NotAction` (absent
//!   or empty: "Policy statement must contain actions.", both: syntax error), each a
//!   string or an array of strings, each `*` or `vendor:Name` (no vendor: IAM's "must be
//!   prefaced by a vendor" message).
//! - By kind ([`PolicyKind`]): an identity-based policy (also a permissions boundary or a
//!   session policy) has no `Principal` ("Policy document should not specify a
//!   principal.") and exactly one of `Resource`/`NotResource` (absent or empty: "Policy
//!   statement must contain resources."), each `*` or an ARN (`Resource X must be in ARN
//!   format or "*".`); a role trust policy has a `Principal` ("Missing required field
//!   Principal"), no `NotPrincipal`, no `Resource` ("Has prohibited field Resource"); a
//!   resource-based policy has a `Principal` or a `NotPrincipal`, and may have a
//!   `Resource` (absent: the resource the policy is attached to).
//! - `Condition`: see [the crate's documentation](crate#conditions).
//!
//! Not checked here: the size quotas (a `LimitExceeded` error, not a malformed document),
//! and duplicate JSON keys (the last one wins, as serde_json keeps it).

use std::collections::HashSet;

use serde_json::Value;

use crate::error::{messages, MalformedPolicy};
use crate::spans::{positions, statement_ranges, Position};
use crate::statement::{parse_statement, Statement};

/// The `Version` values IAM accepts.
pub const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

/// A document's policy language version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2008-10-17`: policy variables are plain text.
    V2008_10_17,
    /// `2012-10-17`: policy variables are substituted.
    V2012_10_17,
}

impl Version {
    /// The version as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2008_10_17 => VERSIONS[1],
            Version::V2012_10_17 => VERSIONS[0],
        }
    }
}

/// What a document is for, which decides the elements it may and must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// An identity-based policy (inline or managed), a permissions boundary, or a session
    /// policy: no `Principal`, a `Resource`.
    Identity,
    /// A resource-based policy: a `Principal` or `NotPrincipal`, a `Resource` or none.
    Resource,
    /// A role trust policy (AssumeRolePolicyDocument): a `Principal`, no `NotPrincipal`,
    /// no `Resource`.
    Trust,
}

/// A policy document, checked and compiled for evaluation.
#[derive(Clone, Debug)]
pub struct Policy {
    kind: PolicyKind,
    version: Option<Version>,
    id: Option<String>,
    statements: Vec<Statement>,
}

impl Policy {
    /// Reads `json` as a document of `kind`, as IAM checks it (see the module
    /// documentation).
    pub fn parse(json: &str, kind: PolicyKind) -> Result<Policy, MalformedPolicy> {
        let value: Value =
            serde_json::from_str(json).map_err(|_| MalformedPolicy::new(messages::INVALID_JSON))?;
        let Value::Object(top) = value else {
            return Err(MalformedPolicy::new(messages::SYNTAX));
        };
        let mut version = None;
        let mut id = None;
        let mut statement = None;
        for (key, value) in top {
            match key.as_str() {
                "Version" => match value {
                    Value::String(v) if v == VERSIONS[0] => version = Some(Version::V2012_10_17),
                    Value::String(v) if v == VERSIONS[1] => version = Some(Version::V2008_10_17),
                    Value::String(_) => return Err(MalformedPolicy::new(messages::LEGACY_PARSING)),
                    _ => return Err(MalformedPolicy::new(messages::SYNTAX)),
                },
                "Id" => match value {
                    Value::String(s) => id = Some(s),
                    _ => return Err(MalformedPolicy::new(messages::SYNTAX)),
                },
                "Statement" => statement = Some(value),
                _ => return Err(MalformedPolicy::new(messages::SYNTAX)),
            }
        }
        let raw_statements = match statement {
            Some(Value::Object(s)) => vec![s],
            Some(Value::Array(items)) if !items.is_empty() => items
                .into_iter()
                .map(|item| match item {
                    Value::Object(s) => Ok(s),
                    _ => Err(MalformedPolicy::new(messages::SYNTAX)),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(MalformedPolicy::new(messages::SYNTAX)),
        };
        let spans = statement_spans(json, raw_statements.len());
        let variables = version == Some(Version::V2012_10_17);
        let mut sids = HashSet::new();
        let mut statements = Vec::with_capacity(raw_statements.len());
        for (raw, span) in raw_statements.into_iter().zip(spans) {
            let statement = parse_statement(raw, kind, variables, span)?;
            if kind != PolicyKind::Resource {
                if let Some(sid) = statement.sid() {
                    if !sids.insert(sid.to_owned()) {
                        return Err(MalformedPolicy::new(messages::SID_UNIQUE));
                    }
                }
            }
            statements.push(statement);
        }
        Ok(Policy {
            kind,
            version,
            id,
            statements,
        })
    }

    /// A document without statements, which allows nothing (a permissions boundary naming
    /// a policy that no longer exists).
    pub fn empty(kind: PolicyKind) -> Policy {
        Policy {
            kind,
            version: Some(Version::V2012_10_17),
            id: None,
            statements: Vec::new(),
        }
    }

    /// What the document is for.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The document's `Version`, if it has one.
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// The document's `Id`, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The statements, in document order.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// The number of statements.
    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// The context keys its conditions and policy variables use (GetContextKeysForPolicy),
    /// as written, without repeats (ignoring case), sorted.
    pub fn context_keys(&self) -> Vec<String> {
        context_keys([self])
    }
}

/// The start and end position of each of `n` statements; `(1:1, 1:1)` if the scanner
/// disagrees with serde_json (it never should).
fn statement_spans(json: &str, n: usize) -> Vec<(Position, Position)> {
    let ranges = statement_ranges(json);
    if ranges.len() != n {
        let origin = Position { line: 1, column: 1 };
        return vec![(origin, origin); n];
    }
    let offsets: Vec<usize> = ranges
        .iter()
        .flat_map(|(s, e)| [*s, e.saturating_sub(1)])
        .collect();
    positions(json, &offsets)
        .chunks(2)
        .map(|p| (p[0], p[1]))
        .collect()
}

/// Reads an identity-based policy (inline or managed, a permissions boundary, a session
/// policy) as PutUserPolicy and CreatePolicy check it.
pub fn parse_policy(json: &str) -> Result<Policy, MalformedPolicy> {
    Policy::parse(json, PolicyKind::Identity)
}

/// Reads a role trust policy as CreateRole and UpdateAssumeRolePolicy check it.
pub fn parse_trust_policy(json: &str) -> Result<Policy, MalformedPolicy> {
    Policy::parse(json, PolicyKind::Trust)
}

/// Reads a resource-based policy.
pub fn parse_resource_policy(json: &str) -> Result<Policy, MalformedPolicy> {
    Policy::parse(json, PolicyKind::Resource)
}

/// The context keys a set of policies uses (GetContextKeysForPolicy): the keys of their
/// conditions and the keys of their policy variables, as first written, without repeats
/// (ignoring case), sorted ignoring case.
pub fn context_keys<'a>(policies: impl IntoIterator<Item = &'a Policy>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut keys = Vec::new();
    for policy in policies {
        for statement in &policy.statements {
            for key in statement.context_keys() {
                if seen.insert(key.to_lowercase()) {
                    keys.push(key.to_owned());
                }
            }
        }
    }
    keys.sort_by_key(|k| k.to_lowercase());
    keys
}
