//! Role trust policies (AssumeRolePolicyDocument): who may assume a role. Validated as
//! CreateRole validates them and evaluated for one caller.
//!
//! A statement has `Effect`, `Principal` (required here; `NotPrincipal` is not supported
//! in trust policies and is refused), `Action`/`NotAction` (`sts:AssumeRole` and its
//! relatives) and optionally `Sid` and `Condition`; `Resource` is refused as IAM refuses it
//! ("Has prohibited field Resource"). Principals evaluated: `{"AWS": …}` with `*`, an
//! account id, `arn:aws:iam::<id>:root`, a user's or a role's ARN. `Service` and
//! `Federated` principals are accepted and never match a caller of this service.
//! Conditions fail closed, as in identity policies.

use serde_json::{Map, Value};

use crate::ids::AccountId;
use crate::policy::{messages, wildcard_match, MalformedPolicy};

/// A validated trust policy.
#[derive(Clone, Debug)]
pub struct TrustPolicy {
    statements: Vec<TrustStatement>,
}

#[derive(Clone, Debug)]
struct TrustStatement {
    allow: bool,
    /// `AWS` principals, as written.
    aws: Vec<String>,
    actions: Vec<String>,
    not_action: bool,
    conditional: bool,
}

/// Who asks to assume a role: its account and its ARN (a user's, or an assumed role's
/// session ARN `arn:aws:sts::<id>:assumed-role/<role>/<session>`, with the role's ARN).
#[derive(Clone, Copy, Debug)]
pub struct TrustCaller<'a> {
    /// The caller's account.
    pub account: &'a AccountId,
    /// The caller's identity ARN: a user's ARN, or for an assumed role the role's ARN.
    pub arn: &'a str,
}

/// What a trust policy says of a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustDecision {
    /// Allowed by a statement that names the caller itself (a same-account caller needs
    /// nothing more).
    AllowsPrincipal,
    /// Allowed by a statement that names the caller's account or everyone (the caller's
    /// own policies must also allow `sts:AssumeRole` on the role).
    AllowsAccount,
    /// An explicit Deny.
    Deny,
    /// Not allowed.
    NotAllowed,
}

fn malformed(m: &str) -> MalformedPolicy {
    MalformedPolicy(m.to_owned())
}

fn strings(value: Value) -> Result<Vec<String>, MalformedPolicy> {
    match value {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(malformed(messages::SYNTAX)),
            })
            .collect(),
        _ => Err(malformed(messages::SYNTAX)),
    }
}

fn valid_aws_principal(p: &str) -> bool {
    p == "*"
        || AccountId::parse(p).is_some()
        || p.strip_prefix("arn:aws:iam::").is_some_and(|rest| {
            rest.split_once(':').is_some_and(|(account, what)| {
                AccountId::parse(account).is_some()
                    && (what == "root" || what.starts_with("user/") || what.starts_with("role/"))
            })
        })
        || p.starts_with("arn:aws:sts::")
}

fn principals(value: Value) -> Result<Vec<String>, MalformedPolicy> {
    match value {
        Value::String(s) if s == "*" => Ok(vec![s]),
        Value::Object(map) => {
            let mut aws = Vec::new();
            for (kind, v) in map {
                let list = strings(v)?;
                match kind.as_str() {
                    "AWS" => {
                        for p in &list {
                            if !valid_aws_principal(p) {
                                return Err(malformed(&format!(
                                    "Invalid principal in policy: \"AWS\":\"{p}\""
                                )));
                            }
                        }
                        aws.extend(list);
                    }
                    "Service" | "Federated" | "CanonicalUser" => {}
                    _ => return Err(malformed(messages::SYNTAX)),
                }
            }
            Ok(aws)
        }
        _ => Err(malformed(messages::SYNTAX)),
    }
}

fn statement(raw: Map<String, Value>) -> Result<TrustStatement, MalformedPolicy> {
    let mut allow = None;
    let mut aws = None;
    let mut actions = None;
    let mut not_action = false;
    let mut conditional = false;
    for (key, value) in raw {
        match key.as_str() {
            "Sid" => {
                if !value.is_string() {
                    return Err(malformed(messages::SYNTAX));
                }
            }
            "Effect" => {
                allow = Some(match value.as_str() {
                    Some("Allow") => true,
                    Some("Deny") => false,
                    _ => return Err(malformed(messages::SYNTAX)),
                });
            }
            "Principal" => aws = Some(principals(value)?),
            "NotPrincipal" => {
                return Err(malformed(
                    "NotPrincipal is not supported in a trust policy.",
                ))
            }
            "Action" | "NotAction" => {
                not_action = key == "NotAction";
                actions = Some(strings(value)?);
            }
            "Condition" => conditional = value.as_object().is_some_and(|c| !c.is_empty()),
            "Resource" | "NotResource" => {
                return Err(malformed(&format!("Has prohibited field {key}")))
            }
            _ => return Err(malformed(messages::SYNTAX)),
        }
    }
    let actions = actions
        .filter(|a| !a.is_empty())
        .ok_or_else(|| malformed(messages::NO_ACTIONS))?;
    Ok(TrustStatement {
        allow: allow.ok_or_else(|| malformed(messages::SYNTAX))?,
        aws: aws.ok_or_else(|| malformed("Missing required field Principal"))?,
        actions,
        not_action,
        conditional,
    })
}

/// Validates a trust policy as CreateRole and UpdateAssumeRolePolicy do.
pub fn parse_trust_policy(json: &str) -> Result<TrustPolicy, MalformedPolicy> {
    let value: Value = serde_json::from_str(json).map_err(|_| malformed(messages::INVALID_JSON))?;
    let Value::Object(top) = value else {
        return Err(malformed(messages::SYNTAX));
    };
    let mut statements = Vec::new();
    for (key, value) in top {
        match key.as_str() {
            "Version" | "Id" => {
                if !value.is_string() {
                    return Err(malformed(messages::SYNTAX));
                }
            }
            "Statement" => {
                let list = match value {
                    Value::Array(items) => items,
                    one @ Value::Object(_) => vec![one],
                    _ => return Err(malformed(messages::SYNTAX)),
                };
                for item in list {
                    let Value::Object(raw) = item else {
                        return Err(malformed(messages::SYNTAX));
                    };
                    statements.push(statement(raw)?);
                }
            }
            _ => return Err(malformed(messages::SYNTAX)),
        }
    }
    if statements.is_empty() {
        return Err(malformed(messages::SYNTAX));
    }
    Ok(TrustPolicy { statements })
}

/// How a written principal matches the caller: naming it, naming its account, or not.
fn principal_match(principal: &str, caller: &TrustCaller<'_>) -> Option<TrustDecision> {
    if principal == "*" {
        return Some(TrustDecision::AllowsAccount);
    }
    let root = caller.account.root_arn();
    if principal == caller.account.as_str() || principal == root {
        return Some(TrustDecision::AllowsAccount);
    }
    (principal == caller.arn).then_some(TrustDecision::AllowsPrincipal)
}

impl TrustPolicy {
    /// What this policy says of `caller` doing `action` (`sts:AssumeRole`). An explicit
    /// Deny wins; then an Allow naming the caller; then one naming its account.
    pub fn evaluate(&self, caller: &TrustCaller<'_>, action: &str) -> TrustDecision {
        let mut best = TrustDecision::NotAllowed;
        for s in &self.statements {
            let action_matches =
                s.actions.iter().any(|a| wildcard_match(a, action, true)) != s.not_action;
            if !action_matches {
                continue;
            }
            let Some(matched) = s
                .aws
                .iter()
                .filter_map(|p| principal_match(p, caller))
                .min_by_key(|d| match d {
                    TrustDecision::AllowsPrincipal => 0,
                    _ => 1,
                })
            else {
                continue;
            };
            if !s.allow {
                return TrustDecision::Deny;
            }
            if s.conditional {
                continue;
            }
            if matched == TrustDecision::AllowsPrincipal || best == TrustDecision::NotAllowed {
                best = matched;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const ACCOUNT: &str = "111111111111";

    fn trust(principal: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
        )
    }

    #[test]
    fn principals_decide_who_may_assume() {
        let account = AccountId::parse(ACCOUNT).unwrap();
        let other = AccountId::parse("222222222222").unwrap();
        let alice = "arn:aws:iam::111111111111:user/alice";
        let cases: &[(&str, &AccountId, &str, TrustDecision)] = &[
            (
                r#"{"AWS":"arn:aws:iam::111111111111:user/alice"}"#,
                &account,
                alice,
                TrustDecision::AllowsPrincipal,
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:user/bob"}"#,
                &account,
                alice,
                TrustDecision::NotAllowed,
            ),
            (
                r#"{"AWS":"111111111111"}"#,
                &account,
                alice,
                TrustDecision::AllowsAccount,
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
                &account,
                alice,
                TrustDecision::AllowsAccount,
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
                &other,
                "arn:aws:iam::222222222222:user/eve",
                TrustDecision::NotAllowed,
            ),
            (
                r#"{"AWS":["arn:aws:iam::222222222222:root","111111111111"]}"#,
                &other,
                "arn:aws:iam::222222222222:user/eve",
                TrustDecision::AllowsAccount,
            ),
            (
                r#"{"AWS":"*"}"#,
                &other,
                "arn:aws:iam::222222222222:user/eve",
                TrustDecision::AllowsAccount,
            ),
            (
                r#""*""#,
                &other,
                "arn:aws:iam::222222222222:user/eve",
                TrustDecision::AllowsAccount,
            ),
            (
                r#"{"Service":"ec2.amazonaws.com"}"#,
                &account,
                alice,
                TrustDecision::NotAllowed,
            ),
        ];
        for (principal, caller_account, arn, expected) in cases {
            let t = parse_trust_policy(&trust(principal)).unwrap();
            let caller = TrustCaller {
                account: caller_account,
                arn,
            };
            assert_eq!(
                t.evaluate(&caller, "sts:AssumeRole"),
                *expected,
                "{principal} for {arn}"
            );
            assert_eq!(
                t.evaluate(&caller, "sts:TagSession"),
                TrustDecision::NotAllowed
            );
        }
    }

    #[test]
    fn a_deny_wins_and_conditions_fail_closed() {
        let account = AccountId::parse(ACCOUNT).unwrap();
        let caller = TrustCaller {
            account: &account,
            arn: "arn:aws:iam::111111111111:user/alice",
        };
        let deny = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},
            {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:*"}]}"#;
        assert_eq!(
            parse_trust_policy(deny)
                .unwrap()
                .evaluate(&caller, "sts:AssumeRole"),
            TrustDecision::Deny
        );
        let conditional = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"sts:ExternalId":"x"}}}}"#;
        assert_eq!(
            parse_trust_policy(conditional)
                .unwrap()
                .evaluate(&caller, "sts:AssumeRole"),
            TrustDecision::NotAllowed
        );
    }

    #[test]
    fn malformed_trust_policies_are_refused_with_iams_words() {
        let cases = [
            ("not json", messages::INVALID_JSON),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
                "Has prohibited field Resource",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#,
                "Missing required field Principal",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}]}"#,
                "Invalid principal in policy: \"AWS\":\"alice\"",
            ),
            (
                r#"{"Statement":[{"Effect":"Maybe","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
                messages::SYNTAX,
            ),
            (r#"{"Statement":[]}"#, messages::SYNTAX),
        ];
        for (doc, message) in cases {
            assert_eq!(parse_trust_policy(doc).unwrap_err().0, message, "{doc}");
        }
    }
}
