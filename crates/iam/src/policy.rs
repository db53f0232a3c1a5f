//! IAM identity-based policy documents (inline and managed policies): validated as
//! `PutUserPolicy` does it and evaluated for one identity, by the policy engine
//! (`credreport-policy`), which this module re-exports for the crate's callers.
//!
//! Conditions and policy variables are evaluated. [`evaluate`] knows nothing of the
//! request beyond its action and resource, so it decides for an *unknown* context (not an
//! empty one): an `Allow` grants only if it would for every context (a statement with a
//! condition or a policy variable never does), a `Deny` applies if it could for some
//! context (one with a condition applies as if the condition held). That is the
//! fail-closed rule this module had before conditions were evaluated, now derived from
//! the evaluation itself. [`evaluate_in`] takes the request context and decides exactly
//! as AWS does.

use credreport_policy::{decide, PolicySet, Principal, Request, SourceType, Sourced};

pub use credreport_policy::{
    messages, parse_policy, wildcard_match, Decision, MalformedPolicy, Policy, RequestContext,
    VERSIONS,
};

/// A validated identity-based policy document.
pub type PolicyDocument = Policy;

/// IAM's evaluation of one identity's policies for `action` on `resource`, the request's
/// context unknown: a matching `Deny` (or one that may match) wins, else an `Allow` that
/// matches for every context allows, else implicit deny. See the module documentation.
pub fn evaluate<'a>(
    policies: impl IntoIterator<Item = &'a PolicyDocument>,
    action: &str,
    resource: &str,
) -> Decision {
    evaluate_in(policies, action, resource, &RequestContext::open())
}

/// IAM's evaluation of one identity's policies for `action` on `resource` in `context`
/// (complete: a key it lacks is absent), as AWS's policy evaluation logic has it for
/// identity-based policies alone.
pub fn evaluate_in<'a>(
    policies: impl IntoIterator<Item = &'a PolicyDocument>,
    action: &str,
    resource: &str,
    context: &RequestContext,
) -> Decision {
    let identity: Vec<Sourced<'a>> = policies
        .into_iter()
        .map(|policy| Sourced {
            id: "",
            source_type: SourceType::None,
            policy,
        })
        .collect();
    // Identity-based policies name no principal: any principal of the resource's own
    // account stands for the identity.
    let request = Request {
        principal: Principal::User {
            account: "",
            arn: "",
        },
        action,
        resource,
        resource_account: None,
        context,
    };
    decide(
        &request,
        &PolicySet {
            identity: &identity,
            ..PolicySet::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use credreport_policy::ContextValue;
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};

    fn doc(json: &str) -> PolicyDocument {
        parse_policy(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn stmt(effect: &str, action: &str, resource: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}",{action},{resource}}}]}}"#
        )
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
    }

    /// Without a context, conditions and variables fail closed, as before they were
    /// evaluated.
    #[test]
    fn an_unknown_context_fails_closed() {
        const USER: &str = "arn:aws:iam::123456789012:user/alice";
        let cases: &[(&str, Decision)] = &[
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*",
                    "Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#,
                ImplicitDeny,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*",
                    "Resource":"*","Condition":{"StringNotEquals":{"aws:username":"bob"}}}}"#,
                ImplicitDeny,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[
                    {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                    {"Effect":"Deny","Action":"iam:*","Resource":"*",
                     "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":false}}}]}"#,
                ExplicitDeny,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser",
                    "Resource":"arn:aws:iam::*:user/${aws:username}"}}"#,
                ImplicitDeny,
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(
                evaluate([&doc(json)], "iam:GetUser", USER),
                *expected,
                "{json}"
            );
        }
    }

    /// Issue #23: with the request's context, `${aws:username}` is the user's name and
    /// conditions hold or not as AWS evaluates them.
    #[test]
    fn issue_23_variables_and_conditions_with_a_context() {
        let policy = doc(r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["iam:GetUser","iam:CreateAccessKey"],
                 "Resource":"arn:aws:iam::*:user/${aws:username}"},
                {"Effect":"Deny","NotAction":"iam:GetUser","Resource":"*",
                 "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#);
        const ALICE: &str = "arn:aws:iam::123456789012:user/alice";
        let mut key = RequestContext::new();
        key.set("aws:username", ContextValue::string("alice"));
        let mut mfa = key.clone();
        mfa.multi_factor_auth(Some(60));
        assert_eq!(evaluate_in([&policy], "iam:GetUser", ALICE, &key), Allow);
        assert_eq!(
            evaluate_in(
                [&policy],
                "iam:GetUser",
                "arn:aws:iam::123456789012:user/bob",
                &key
            ),
            ImplicitDeny
        );
        assert_eq!(
            evaluate_in([&policy], "iam:CreateAccessKey", ALICE, &key),
            ExplicitDeny
        );
        assert_eq!(
            evaluate_in([&policy], "iam:CreateAccessKey", ALICE, &mfa),
            Allow
        );
    }
}
