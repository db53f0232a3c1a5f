//! Role trust policies (AssumeRolePolicyDocument): who may assume a role. Validated as
//! CreateRole validates them and evaluated for one caller, by the policy engine
//! (`credreport-policy`), as the resource-based policy of the role.
//!
//! A statement has `Effect`, `Principal` (required here; `NotPrincipal` is not supported
//! in trust policies and is refused), `Action`/`NotAction` (`sts:AssumeRole` and its
//! relatives) and optionally `Sid` and `Condition`; `Resource` is refused as IAM refuses it
//! ("Has prohibited field Resource"). Principals: `{"AWS": …}` with `*`, an account id,
//! `arn:aws:iam::<id>:root`, a user's or a role's ARN, an STS session's ARN (no
//! wildcards); `Service` and `Federated` principals name services and identity providers,
//! never a caller of this service.
//!
//! Conditions are evaluated. [`TrustPolicy::evaluate`] knows only the caller, so it
//! decides for an unknown context: an `Allow` with a condition does not allow, a `Deny`
//! with one applies (as before conditions were evaluated); [`TrustPolicy::evaluate_in`]
//! takes the request's context.

use credreport_policy::{Policy, Principal, Request, RequestContext, Tri};

use crate::ids::AccountId;
use crate::policy::MalformedPolicy;

/// A validated trust policy.
#[derive(Clone, Debug)]
pub struct TrustPolicy {
    policy: Policy,
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

/// Validates a trust policy as CreateRole and UpdateAssumeRolePolicy do.
pub fn parse_trust_policy(json: &str) -> Result<TrustPolicy, MalformedPolicy> {
    credreport_policy::parse_trust_policy(json).map(|policy| TrustPolicy { policy })
}

impl TrustPolicy {
    /// The policy, for the engine's full evaluation.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// What this policy says of `caller` doing `action` (`sts:AssumeRole`), the
    /// request's context unknown. An explicit Deny (or one that may apply) wins; then an
    /// Allow naming the caller; then one naming its account.
    pub fn evaluate(&self, caller: &TrustCaller<'_>, action: &str) -> TrustDecision {
        self.evaluate_in(caller, action, &RequestContext::open())
    }

    /// [`TrustPolicy::evaluate`] in the request's context.
    pub fn evaluate_in(
        &self,
        caller: &TrustCaller<'_>,
        action: &str,
        context: &RequestContext,
    ) -> TrustDecision {
        let account = caller.account.as_str();
        let principal = match Principal::from_arn(caller.arn) {
            Some(p) if p.account() == Some(account) => p,
            _ => Principal::User {
                account,
                arn: caller.arn,
            },
        };
        let grant = self.policy.resource_grant(&Request {
            principal,
            action,
            resource: "*",
            resource_account: None,
            context,
        });
        if grant.deny != Tri::No {
            TrustDecision::Deny
        } else if grant.to_principal.certain() || grant.to_role.certain() {
            TrustDecision::AllowsPrincipal
        } else if grant.to_account.certain() {
            TrustDecision::AllowsAccount
        } else {
            TrustDecision::NotAllowed
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::policy::messages;
    use credreport_policy::ContextValue;

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
    fn conditions_hold_in_the_requests_context() {
        let account = AccountId::parse(ACCOUNT).unwrap();
        let caller = TrustCaller {
            account: &account,
            arn: "arn:aws:iam::111111111111:user/alice",
        };
        let t = parse_trust_policy(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole",
                "Condition":{"StringEquals":{"sts:ExternalId":"x"}}},
              {"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole",
                "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        )
        .unwrap();
        let decide = |entries: &[(&str, ContextValue)]| {
            let mut ctx = RequestContext::new();
            for (k, v) in entries {
                ctx.set(k, v.clone());
            }
            t.evaluate_in(&caller, "sts:AssumeRole", &ctx)
        };
        let tls = ("aws:SecureTransport", ContextValue::boolean(true));
        let plain = ("aws:SecureTransport", ContextValue::boolean(false));
        let id = |v: &str| ("sts:ExternalId", ContextValue::string(v));
        assert_eq!(
            decide(&[tls.clone(), id("x")]),
            TrustDecision::AllowsAccount
        );
        assert_eq!(decide(&[tls.clone(), id("y")]), TrustDecision::NotAllowed);
        assert_eq!(decide(&[tls]), TrustDecision::NotAllowed);
        assert_eq!(decide(&[plain, id("x")]), TrustDecision::Deny);
        // Without a context: the Deny may apply.
        assert_eq!(t.evaluate(&caller, "sts:AssumeRole"), TrustDecision::Deny);
        assert_eq!(t.policy().statement_count(), 2);
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
