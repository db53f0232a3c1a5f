//! Role trust policies (AssumeRolePolicyDocument): who may assume a role. Validated as
//! CreateRole validates them, by the policy engine (`credreport-policy`), which also
//! evaluates them as the role's resource-based policy (in `sts.rs`, one evaluation with the
//! caller's own policies).
//!
//! A statement has `Effect`, `Principal` (required here; `NotPrincipal` is not supported
//! in trust policies and is refused), `Action`/`NotAction` (`sts:AssumeRole` and its
//! relatives) and optionally `Sid` and `Condition`; `Resource` is refused as IAM refuses it
//! ("Has prohibited field Resource"). Principals: `{"AWS": …}` with `*`, an account id,
//! `arn:aws:iam::<id>:root`, a user's or a role's ARN, an STS session's ARN (no
//! wildcards); `Service` and `Federated` principals name services and identity providers,
//! never a caller of this service.

use credreport_policy::Policy;

use crate::policy::MalformedPolicy;

/// A validated trust policy.
#[derive(Clone, Debug)]
pub struct TrustPolicy {
    policy: Policy,
}

/// Validates a trust policy as CreateRole and UpdateAssumeRolePolicy do.
pub fn parse_trust_policy(json: &str) -> Result<TrustPolicy, MalformedPolicy> {
    credreport_policy::parse_trust_policy(json).map(|policy| TrustPolicy { policy })
}

impl TrustPolicy {
    /// The policy, for the engine's full evaluation.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::policy::messages;

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
