//! IAM identity-based policy documents (inline user policies): validation as
//! `PutUserPolicy` does it, and evaluation for one identity.
//!
//! What is evaluated: `Effect`, `Action`/`NotAction` (case-insensitive, with `*` and `?`
//! wildcards) and `Resource`/`NotResource` (case-sensitive, with wildcards). What is not:
//! `Condition` blocks and policy variables (`${aws:username}` is matched literally).
//! Conditions fail closed: an `Allow` statement with a condition never grants, a `Deny`
//! statement with a condition always applies (when its actions and resources match).

use std::collections::HashSet;

use serde_json::{Map, Value};

/// A validated identity-based policy document.
#[derive(Clone, Debug)]
pub struct PolicyDocument {
    version: Option<String>,
    statements: Vec<Statement>,
}

#[derive(Clone, Debug)]
struct Statement {
    effect: Effect,
    actions: Patterns,
    resources: Patterns,
    /// A non-empty `Condition` block (kept, not evaluated).
    condition: Option<Map<String, Value>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

/// `Action`/`Resource` (`negated == false`) or `NotAction`/`NotResource`.
#[derive(Clone, Debug)]
struct Patterns {
    negated: bool,
    patterns: Vec<String>,
}

/// The text of IAM's `MalformedPolicyDocument` error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MalformedPolicy(pub String);

/// IAM's messages.
pub mod messages {
    /// The document is not JSON.
    pub const INVALID_JSON: &str = "This policy contains invalid Json";
    /// A structural error: a wrong type, an unknown or conflicting element, a bad Effect.
    pub const SYNTAX: &str = "Syntax errors in policy.";
    /// No `Action`/`NotAction`, or an empty list.
    pub const NO_ACTIONS: &str = "Policy statement must contain actions.";
    /// No `Resource`/`NotResource`, or an empty list.
    pub const NO_RESOURCES: &str = "Policy statement must contain resources.";
    /// `Principal` or `NotPrincipal` in an identity-based policy.
    pub const PRINCIPAL: &str = "Policy document should not specify a principal.";
    /// A `Version` other than the two IAM knows.
    pub const LEGACY_PARSING: &str = "The policy failed legacy parsing";
    /// An action without a `vendor:` prefix.
    pub const NO_VENDOR: &str =
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    /// A `Sid` with characters other than ASCII letters and digits.
    pub const SID_CHARS: &str = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
    /// Two statements with the same `Sid`.
    pub const SID_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
}

fn malformed(message: &str) -> MalformedPolicy {
    MalformedPolicy(message.to_owned())
}

/// The `Version` values IAM accepts.
pub const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

impl PolicyDocument {
    /// The document's `Version`, if it has one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The number of statements.
    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }
}

/// Validates a policy document as IAM's `PutUserPolicy` does, with IAM's messages:
///
/// - JSON, else "This policy contains invalid Json"; a JSON object with only `Version`,
///   `Id` and `Statement` (names are case-sensitive), else "Syntax errors in policy.".
/// - `Version`, if present, `"2012-10-17"` or `"2008-10-17"`; another string is "The
///   policy failed legacy parsing", another type a syntax error. `Id` is a string.
/// - `Statement`: an object or a non-empty array of objects.
/// - Each statement: no `Principal`/`NotPrincipal` ("Policy document should not specify a
///   principal."); only `Sid`, `Effect`, `Action`, `NotAction`, `Resource`,
///   `NotResource`, `Condition`; `Sid` alphanumeric and unique within the document;
///   `Effect` exactly `"Allow"` or `"Deny"`; exactly one of `Action`/`NotAction` (absent
///   or empty: "Policy statement must contain actions.", both: syntax error), each a
///   string or an array of strings, each `*` or `vendor:Name` (no vendor: IAM's "must be
///   prefaced by a vendor" message); exactly one of `Resource`/`NotResource` (absent or
///   empty: "Policy statement must contain resources."), each `*` or an ARN
///   (`arn:` and at least six `:`-separated parts, else `Resource X must be in ARN format
///   or "*".`); `Condition` an object of operators, each an object of keys whose values
///   are strings, numbers, booleans or arrays of them.
///
/// Not checked here: the size quota (`UserPolicySizeQuota`, 2048 characters without
/// whitespace), which is a `LimitExceeded` error, and duplicate JSON keys (the last one
/// wins).
pub fn parse_policy(json: &str) -> Result<PolicyDocument, MalformedPolicy> {
    let value: Value = serde_json::from_str(json).map_err(|_| malformed(messages::INVALID_JSON))?;
    let Value::Object(top) = value else {
        return Err(malformed(messages::SYNTAX));
    };
    let mut version = None;
    let mut statement = None;
    for (key, value) in top {
        match key.as_str() {
            "Version" => match value {
                Value::String(v) if VERSIONS.contains(&v.as_str()) => version = Some(v),
                Value::String(_) => return Err(malformed(messages::LEGACY_PARSING)),
                _ => return Err(malformed(messages::SYNTAX)),
            },
            "Id" => {
                if !value.is_string() {
                    return Err(malformed(messages::SYNTAX));
                }
            }
            "Statement" => statement = Some(value),
            _ => return Err(malformed(messages::SYNTAX)),
        }
    }
    let raw_statements = match statement {
        Some(Value::Object(s)) => vec![s],
        Some(Value::Array(items)) if !items.is_empty() => items
            .into_iter()
            .map(|item| match item {
                Value::Object(s) => Ok(s),
                _ => Err(malformed(messages::SYNTAX)),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(malformed(messages::SYNTAX)),
    };
    let mut sids = HashSet::new();
    let mut statements = Vec::with_capacity(raw_statements.len());
    for raw in raw_statements {
        let (sid, statement) = parse_statement(raw)?;
        if let Some(sid) = sid.filter(|s| !s.is_empty()) {
            if !sids.insert(sid) {
                return Err(malformed(messages::SID_UNIQUE));
            }
        }
        statements.push(statement);
    }
    Ok(PolicyDocument {
        version,
        statements,
    })
}

fn parse_statement(
    raw: Map<String, Value>,
) -> Result<(Option<String>, Statement), MalformedPolicy> {
    if raw.contains_key("Principal") || raw.contains_key("NotPrincipal") {
        return Err(malformed(messages::PRINCIPAL));
    }
    let mut sid = None;
    let mut effect = None;
    let mut action = None;
    let mut not_action = None;
    let mut resource = None;
    let mut not_resource = None;
    let mut condition = None;
    for (key, value) in raw {
        match key.as_str() {
            "Sid" => {
                let Value::String(s) = value else {
                    return Err(malformed(messages::SYNTAX));
                };
                if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(malformed(messages::SID_CHARS));
                }
                sid = Some(s);
            }
            "Effect" => {
                effect = Some(match value.as_str() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => return Err(malformed(messages::SYNTAX)),
                });
            }
            "Action" => action = Some(string_list(value)?),
            "NotAction" => not_action = Some(string_list(value)?),
            "Resource" => resource = Some(string_list(value)?),
            "NotResource" => not_resource = Some(string_list(value)?),
            "Condition" => condition = Some(parse_condition(value)?),
            _ => return Err(malformed(messages::SYNTAX)),
        }
    }
    let effect = effect.ok_or_else(|| malformed(messages::SYNTAX))?;
    let actions = exactly_one(action, not_action, messages::NO_ACTIONS)?;
    for a in &actions.patterns {
        check_action(a)?;
    }
    let resources = exactly_one(resource, not_resource, messages::NO_RESOURCES)?;
    for r in &resources.patterns {
        check_resource(r)?;
    }
    Ok((
        sid,
        Statement {
            effect,
            actions,
            resources,
            condition: condition.filter(|c| !c.is_empty()),
        },
    ))
}

/// A string or an array of strings.
fn string_list(value: Value) -> Result<Vec<String>, MalformedPolicy> {
    match value {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                _ => Err(malformed(messages::SYNTAX)),
            })
            .collect(),
        _ => Err(malformed(messages::SYNTAX)),
    }
}

fn exactly_one(
    positive: Option<Vec<String>>,
    negative: Option<Vec<String>>,
    missing: &str,
) -> Result<Patterns, MalformedPolicy> {
    let (negated, patterns) = match (positive, negative) {
        (Some(_), Some(_)) => return Err(malformed(messages::SYNTAX)),
        (Some(p), None) => (false, p),
        (None, Some(p)) => (true, p),
        (None, None) => return Err(malformed(missing)),
    };
    if patterns.is_empty() {
        return Err(malformed(missing));
    }
    Ok(Patterns { negated, patterns })
}

/// `*`, or `vendor:Name` where the vendor is ASCII letters, digits and `-`, and the name
/// is ASCII letters, digits, `-`, `_` and the wildcards `*` and `?`.
fn check_action(action: &str) -> Result<(), MalformedPolicy> {
    if action == "*" {
        return Ok(());
    }
    let Some((vendor, name)) = action.split_once(':') else {
        return Err(malformed(messages::NO_VENDOR));
    };
    if vendor.is_empty() {
        return Err(malformed(messages::NO_VENDOR));
    }
    let vendor_ok = vendor
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'*' | b'?'));
    if vendor_ok && name_ok {
        Ok(())
    } else {
        Err(malformed(messages::SYNTAX))
    }
}

/// `*`, or an ARN: `arn:` and at least six `:`-separated parts (partition, service,
/// region and account may be empty or wildcards).
fn check_resource(resource: &str) -> Result<(), MalformedPolicy> {
    if resource == "*" || (resource.starts_with("arn:") && resource.split(':').count() >= 6) {
        Ok(())
    } else {
        Err(MalformedPolicy(format!(
            "Resource {resource} must be in ARN format or \"*\"."
        )))
    }
}

/// `{"Operator": {"key": value-or-values, ...}, ...}`.
fn parse_condition(value: Value) -> Result<Map<String, Value>, MalformedPolicy> {
    let Value::Object(operators) = value else {
        return Err(malformed(messages::SYNTAX));
    };
    for keys in operators.values() {
        let Value::Object(keys) = keys else {
            return Err(malformed(messages::SYNTAX));
        };
        for v in keys.values() {
            let scalar = |v: &Value| v.is_string() || v.is_number() || v.is_boolean();
            let ok = match v {
                Value::Array(items) => items.iter().all(scalar),
                other => scalar(other),
            };
            if !ok {
                return Err(malformed(messages::SYNTAX));
            }
        }
    }
    Ok(operators)
}

/// The outcome of evaluating policies for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An `Allow` statement matched and no `Deny` did.
    Allow,
    /// A `Deny` statement matched.
    ExplicitDeny,
    /// Nothing matched.
    ImplicitDeny,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// IAM's evaluation for one identity's policies: a matching `Deny` statement wins
/// (explicit deny), else a matching `Allow` statement allows, else implicit deny.
///
/// A statement matches when the action matches one of its `Action` patterns (or none of
/// its `NotAction` patterns) and the resource matches one of its `Resource` patterns (or
/// none of its `NotResource` patterns). Actions compare ignoring ASCII case, resources
/// exactly; both allow `*` (any run of characters, also empty) and `?` (one character).
///
/// Conditions are not evaluated, and fail closed: an `Allow` statement with a `Condition`
/// never grants; a `Deny` statement with a `Condition` applies as if it were met.
pub fn evaluate<'a>(
    policies: impl IntoIterator<Item = &'a PolicyDocument>,
    action: &str,
    resource: &str,
) -> Decision {
    let mut allowed = false;
    for policy in policies {
        for statement in &policy.statements {
            let action_hit = statement
                .actions
                .matches(|p| wildcard_match(p, action, true));
            let resource_hit = statement
                .resources
                .matches(|p| wildcard_match(p, resource, false));
            if !(action_hit && resource_hit) {
                continue;
            }
            match statement.effect {
                Effect::Deny => return Decision::ExplicitDeny,
                Effect::Allow if statement.condition.is_none() => allowed = true,
                Effect::Allow => {}
            }
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

impl Patterns {
    fn matches(&self, hit: impl Fn(&str) -> bool) -> bool {
        self.patterns.iter().any(|p| hit(p)) != self.negated
    }
}

/// Glob matching with `*` (any run of characters) and `?` (exactly one character), by
/// characters. Iterative with one backtrack point (the last `*`), so the time is at most
/// proportional to `pattern.len() * text.len()`, never exponential.
pub fn wildcard_match(pattern: &str, text: &str, ignore_ascii_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let same = |a: char, b: char| {
        if ignore_ascii_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where the last `*` was, and the text position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((star_pi, star_ti)) = star {
            // Let the last `*` swallow one more character and retry after it.
            pi = star_pi + 1;
            ti = star_ti + 1;
            star = Some((star_pi, star_ti + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};

    fn doc(json: &str) -> PolicyDocument {
        parse_policy(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn stmt(effect: &str, action: &str, resource: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}",{action},{resource}}}]}}"#
        )
    }

    const USER_ARN: &str = "arn:aws:iam::123456789012:user/alice";

    #[test]
    fn evaluation_table() {
        let cases: &[(&str, &str, &str, Decision)] = &[
            (
                &stmt("Allow", r#""Action":"iam:GetUser""#, r#""Resource":"*""#),
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
            // Case-insensitive actions.
            (
                &stmt("Allow", r#""Action":"IAM:getuser""#, r#""Resource":"*""#),
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
            (
                &stmt("Allow", r#""Action":"iam:GetUser""#, r#""Resource":"*""#),
                "iam:GetUserPolicy",
                USER_ARN,
                ImplicitDeny,
            ),
            (
                &stmt("Allow", r#""Action":"iam:Get*""#, r#""Resource":"*""#),
                "iam:GetCredentialReport",
                "*",
                Allow,
            ),
            (
                &stmt("Allow", r#""Action":"iam:Get*""#, r#""Resource":"*""#),
                "iam:GenerateCredentialReport",
                "*",
                ImplicitDeny,
            ),
            (
                &stmt("Allow", r#""Action":"iam:*""#, r#""Resource":"*""#),
                "iam:DeleteUser",
                USER_ARN,
                Allow,
            ),
            (
                &stmt("Allow", r#""Action":"iam:*""#, r#""Resource":"*""#),
                "s3:GetObject",
                USER_ARN,
                ImplicitDeny,
            ),
            (
                &stmt("Allow", r#""Action":"*""#, r#""Resource":"*""#),
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                Allow,
            ),
            // `?` is exactly one character.
            (
                &stmt("Allow", r#""Action":"iam:?etUser""#, r#""Resource":"*""#),
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
            (
                &stmt("Allow", r#""Action":"iam:?GetUser""#, r#""Resource":"*""#),
                "iam:GetUser",
                USER_ARN,
                ImplicitDeny,
            ),
            // Resources: case-sensitive, wildcards.
            (
                &stmt(
                    "Allow",
                    r#""Action":"iam:GetUser""#,
                    r#""Resource":"arn:aws:iam::123456789012:user/*""#,
                ),
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
            (
                &stmt(
                    "Allow",
                    r#""Action":"iam:GetUser""#,
                    r#""Resource":"arn:aws:iam::123456789012:user/Alice""#,
                ),
                "iam:GetUser",
                USER_ARN,
                ImplicitDeny,
            ),
            (
                &stmt(
                    "Allow",
                    r#""Action":"iam:GetUser""#,
                    r#""Resource":"arn:aws:iam::12345678901?:user/al?ce""#,
                ),
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
            (
                &stmt(
                    "Allow",
                    r#""Action":["iam:ListUsers","iam:GetUser"]"#,
                    r#""Resource":["arn:aws:iam::123456789012:user/bob",
                                   "arn:aws:iam::123456789012:user/alice"]"#,
                ),
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
            // NotAction: everything but.
            (
                &stmt("Allow", r#""NotAction":"iam:*""#, r#""Resource":"*""#),
                "s3:GetObject",
                "*",
                Allow,
            ),
            (
                &stmt("Allow", r#""NotAction":"iam:*""#, r#""Resource":"*""#),
                "iam:GetUser",
                "*",
                ImplicitDeny,
            ),
            (
                &stmt(
                    "Allow",
                    r#""NotAction":["iam:Delete*","iam:Put*"]"#,
                    r#""Resource":"*""#,
                ),
                "iam:GetUser",
                "*",
                Allow,
            ),
            // NotResource.
            (
                &stmt(
                    "Allow",
                    r#""Action":"iam:*""#,
                    r#""NotResource":"arn:aws:iam::123456789012:user/admin*""#,
                ),
                "iam:DeleteUser",
                USER_ARN,
                Allow,
            ),
            (
                &stmt(
                    "Allow",
                    r#""Action":"iam:*""#,
                    r#""NotResource":"arn:aws:iam::123456789012:user/admin*""#,
                ),
                "iam:DeleteUser",
                "arn:aws:iam::123456789012:user/admin-bob",
                ImplicitDeny,
            ),
            // Deny overrides Allow, in either order.
            (
                r#"{"Version":"2012-10-17","Statement":[
                    {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                    {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#,
                "iam:DeleteUser",
                USER_ARN,
                ExplicitDeny,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[
                    {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"},
                    {"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#,
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
            // A lone Deny that does not match: implicit deny, not explicit.
            (
                &stmt("Deny", r#""Action":"iam:DeleteUser""#, r#""Resource":"*""#),
                "iam:GetUser",
                USER_ARN,
                ImplicitDeny,
            ),
            (
                &stmt("Deny", r#""NotAction":"iam:Get*""#, r#""Resource":"*""#),
                "iam:DeleteUser",
                USER_ARN,
                ExplicitDeny,
            ),
            // Conditions fail closed.
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*",
                    "Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#,
                "iam:GetUser",
                USER_ARN,
                ImplicitDeny,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[
                    {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                    {"Effect":"Deny","Action":"iam:*","Resource":"*",
                     "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":false}}}]}"#,
                "iam:GetUser",
                USER_ARN,
                ExplicitDeny,
            ),
            // An empty Condition block is no condition.
            (
                r#"{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{}}}"#,
                "iam:GetUser",
                USER_ARN,
                Allow,
            ),
        ];
        for (json, action, resource, expected) in cases {
            let policy = doc(json);
            assert_eq!(
                evaluate([&policy], action, resource),
                *expected,
                "{json} / {action} / {resource}"
            );
        }
    }

    #[test]
    fn evaluation_across_several_policies() {
        let allow = doc(&stmt("Allow", r#""Action":"iam:*""#, r#""Resource":"*""#));
        let deny = doc(&stmt(
            "Deny",
            r#""Action":"iam:Delete*""#,
            r#""Resource":"*""#,
        ));
        let unrelated = doc(&stmt("Allow", r#""Action":"s3:*""#, r#""Resource":"*""#));
        assert_eq!(
            evaluate([&allow, &deny], "iam:DeleteUser", "*"),
            ExplicitDeny
        );
        assert_eq!(
            evaluate([&deny, &allow], "iam:DeleteUser", "*"),
            ExplicitDeny
        );
        assert_eq!(evaluate([&deny, &allow], "iam:GetUser", "*"), Allow);
        assert_eq!(evaluate([&unrelated], "iam:GetUser", "*"), ImplicitDeny);
        assert_eq!(
            evaluate(Vec::<&PolicyDocument>::new(), "iam:GetUser", "*"),
            ImplicitDeny
        );
        let policies = vec![allow.clone(), unrelated.clone()];
        assert_eq!(evaluate(&policies, "s3:GetObject", "*"), Allow);
        assert!(Allow.is_allowed());
        assert!(!ExplicitDeny.is_allowed());
        assert!(!ImplicitDeny.is_allowed());
    }

    #[test]
    fn valid_documents() {
        let ok = [
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            r#"{"Statement":[{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b"}]}"#,
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*"},{"Sid":"B2","Effect":"Allow","Action":"iam:Get?ser","Resource":"arn:aws:iam::123456789012:user/${aws:username}"}]}"#,
            r#"{"Statement":[{"Sid":"","Effect":"Allow","Action":"a:b","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"a:b","Resource":"*"}]}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{"aws:username":["alice","bob"],"n":1,"b":true}}}}"#,
            "  {\n \"Statement\" : { \"Effect\" : \"Allow\", \"Action\" : \"a:b\", \"Resource\" : \"*\" } }\n",
        ];
        for json in ok {
            doc(json);
        }
        let d = doc(ok[0]);
        assert_eq!(d.version(), Some("2012-10-17"));
        assert_eq!(d.statement_count(), 1);
        assert_eq!(doc(ok[2]).version(), None);
        assert_eq!(doc(ok[3]).statement_count(), 2);
    }

    #[test]
    fn malformed_documents() {
        let s = |body: &str| format!(r#"{{"Version":"2012-10-17","Statement":{body}}}"#);
        let cases: Vec<(String, &str)> = vec![
            ("".into(), messages::INVALID_JSON),
            ("{".into(), messages::INVALID_JSON),
            ("not json".into(), messages::INVALID_JSON),
            (r#"{"Statement":[],}"#.into(), messages::INVALID_JSON),
            ("[]".into(), messages::SYNTAX),
            (r#""string""#.into(), messages::SYNTAX),
            ("{}".into(), messages::SYNTAX),
            (r#"{"Version":"2012-10-17"}"#.into(), messages::SYNTAX),
            (s("[]"), messages::SYNTAX),
            (s("null"), messages::SYNTAX),
            (s(r#""Allow""#), messages::SYNTAX),
            (s(r#"["x"]"#), messages::SYNTAX),
            (
                r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
                messages::LEGACY_PARSING,
            ),
            (
                r#"{"Version":20121017,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
                messages::SYNTAX,
            ),
            (
                r#"{"version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
                messages::SYNTAX,
            ),
            (
                r#"{"Id":1,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
                messages::SYNTAX,
            ),
            (s(r#"{"Action":"*","Resource":"*"}"#), messages::SYNTAX),
            (s(r#"{"Effect":"allow","Action":"*","Resource":"*"}"#), messages::SYNTAX),
            (s(r#"{"Effect":true,"Action":"*","Resource":"*"}"#), messages::SYNTAX),
            (
                s(r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#),
                messages::PRINCIPAL,
            ),
            (
                s(r#"{"Effect":"Allow","NotPrincipal":{"AWS":"x"},"Action":"*","Resource":"*"}"#),
                messages::PRINCIPAL,
            ),
            (s(r#"{"Effect":"Allow","Resource":"*"}"#), messages::NO_ACTIONS),
            (s(r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#), messages::NO_ACTIONS),
            (
                s(r#"{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}"#),
                messages::SYNTAX,
            ),
            (s(r#"{"Effect":"Allow","Action":1,"Resource":"*"}"#), messages::SYNTAX),
            (s(r#"{"Effect":"Allow","Action":["a:b",1],"Resource":"*"}"#), messages::SYNTAX),
            (s(r#"{"Effect":"Allow","Action":"GetUser","Resource":"*"}"#), messages::NO_VENDOR),
            (s(r#"{"Effect":"Allow","Action":":GetUser","Resource":"*"}"#), messages::NO_VENDOR),
            (s(r#"{"Effect":"Allow","Action":"iam:","Resource":"*"}"#), messages::SYNTAX),
            (s(r#"{"Effect":"Allow","Action":"iam:Get User","Resource":"*"}"#), messages::SYNTAX),
            (s(r#"{"Effect":"Allow","Action":"i*m:GetUser","Resource":"*"}"#), messages::SYNTAX),
            (s(r#"{"Effect":"Allow","Action":"*"}"#), messages::NO_RESOURCES),
            (s(r#"{"Effect":"Allow","Action":"*","Resource":[]}"#), messages::NO_RESOURCES),
            (
                s(r#"{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}"#),
                messages::SYNTAX,
            ),
            (
                s(r#"{"Effect":"Allow","Action":"*","Resource":"bucket"}"#),
                r#"Resource bucket must be in ARN format or "*"."#,
            ),
            (
                s(r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3"}"#),
                r#"Resource arn:aws:s3 must be in ARN format or "*"."#,
            ),
            (
                s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Foo":1}"#),
                messages::SYNTAX,
            ),
            (
                s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}"#),
                messages::SYNTAX,
            ),
            (
                s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":"x"}}"#),
                messages::SYNTAX,
            ),
            (
                s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"k":{"x":1}}}}"#),
                messages::SYNTAX,
            ),
            (
                s(r#"{"Sid":"has space","Effect":"Allow","Action":"*","Resource":"*"}"#),
                messages::SID_CHARS,
            ),
            (
                s(r#"{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}"#),
                messages::SYNTAX,
            ),
            (
                s(r#"[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},
                      {"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]"#),
                messages::SID_UNIQUE,
            ),
        ];
        for (json, expected) in &cases {
            let err = parse_policy(json).expect_err(json);
            assert_eq!(err.0, *expected, "{json}");
            assert_eq!(err.to_string(), *expected);
        }
    }

    #[test]
    fn wildcard_table() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("", "", false, true),
            ("", "a", false, false),
            ("*", "", false, true),
            ("*", "anything", false, true),
            ("**", "", false, true),
            ("?", "", false, false),
            ("?", "é", false, true),
            ("a*b", "ab", false, true),
            ("a*b", "axxb", false, true),
            ("a*b", "axxbc", false, false),
            ("a*b*c", "abbbbc", false, true),
            ("a*b*c", "acb", false, false),
            ("*a", "bbba", false, true),
            ("*a*", "bbb", false, false),
            ("a?c", "abc", false, true),
            ("a?c", "ac", false, false),
            ("ABC", "abc", false, false),
            ("ABC", "abc", true, true),
            ("iam:get*", "IAM:GetUser", true, true),
            ("*ab*ab*", "xxabyyab", false, true),
            ("*aab", "aaab", false, true),
        ];
        for &(pattern, text, ignore_case, expected) in cases {
            assert_eq!(
                wildcard_match(pattern, text, ignore_case),
                expected,
                "{pattern:?} vs {text:?}"
            );
        }
    }

    #[test]
    fn wildcard_is_not_exponential() {
        // Catastrophic for backtracking matchers: a*a*a*...b against aaaa...
        let pattern = format!("{}b", "a*".repeat(200));
        let text = "a".repeat(5000);
        assert!(!wildcard_match(&pattern, &text, false));
        assert!(wildcard_match(&pattern, &format!("{text}b"), false));
    }

    /// A slow but obviously correct reference matcher.
    fn reference(p: &[char], t: &[char]) -> bool {
        let mut dp = vec![vec![false; t.len() + 1]; p.len() + 1];
        dp[0][0] = true;
        for i in 1..=p.len() {
            for j in 0..=t.len() {
                dp[i][j] = match p[i - 1] {
                    '*' => dp[i - 1][j] || (j > 0 && dp[i][j - 1]),
                    '?' => j > 0 && dp[i - 1][j - 1],
                    c => j > 0 && c == t[j - 1] && dp[i - 1][j - 1],
                };
            }
        }
        dp[p.len()][t.len()]
    }

    proptest! {
        #[test]
        fn wildcard_agrees_with_reference(p in "[ab*?]{0,8}", t in "[ab]{0,10}") {
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            prop_assert_eq!(wildcard_match(&p, &t, false), reference(&pc, &tc));
        }

        #[test]
        fn parse_policy_never_panics(s in "\\PC{0,200}") {
            let _ = parse_policy(&s);
        }
    }
}
