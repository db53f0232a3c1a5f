//! The managed policies remediation attaches: `credreport-require-mfa`, a customer
//! managed policy created in the account when missing, whose document is AWS's
//! documented "manage own credentials, MFA required" example (`data/SOURCE.md`); and AWS's
//! own `AWSDenyAll`. Their ARNs are made here, in the user's partition.

pub use super::plan::{DENY_ALL_POLICY, REQUIRE_MFA_POLICY};

/// The document of `credreport-require-mfa`: AWS's "Allows MFA-authenticated IAM users
/// to manage their own credentials on the My security credentials page", verbatim.
pub const REQUIRE_MFA_DOCUMENT: &str = include_str!("../../data/credreport-require-mfa.json");

/// The description CreatePolicy gives it (at most 1,000 characters, IAM's limit).
pub const REQUIRE_MFA_DESCRIPTION: &str = "credreport remediate require-mfa: AWS's documented \
     example policy 'Allows MFA-authenticated IAM users to manage their own credentials on \
     the My security credentials page' (IAM User Guide, \
     reference_policies_examples_aws_my-sec-creds-self-manage): everything but setting up \
     MFA is denied until the user signs in with MFA.";

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), `aws` if it names none.
pub fn partition(arn: &str) -> &str {
    arn.strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

/// `arn:<partition>:iam::<account>:policy/credreport-require-mfa`.
pub fn require_mfa_arn(partition: &str, account: &str) -> String {
    format!("arn:{partition}:iam::{account}:policy/{REQUIRE_MFA_POLICY}")
}

/// `arn:<partition>:iam::aws:policy/AWSDenyAll`.
pub fn deny_all_arn(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/{DENY_ALL_POLICY}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_require_mfa_document_is_aws_example_verbatim_and_a_valid_policy() {
        assert_eq!(
            REQUIRE_MFA_DOCUMENT,
            include_str!("../../../policy/tests/data/aws-examples/my-sec-creds-self-manage.json"),
            "the copy and the policy crate's test data are the same bytes"
        );
        let doc: serde_json::Value = serde_json::from_str(REQUIRE_MFA_DOCUMENT).expect("JSON");
        let deny = doc["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .find(|s| s["Sid"] == "DenyAllExceptListedIfNoMFA")
            .expect("the deny statement");
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(
            deny["Condition"]["BoolIfExists"]["aws:MultiFactorAuthPresent"],
            "false"
        );
        assert!(REQUIRE_MFA_DESCRIPTION.len() <= 1000);
        // IAM's limit for a managed policy document (6,144 characters, whitespace aside).
        let compact: String = REQUIRE_MFA_DOCUMENT
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(compact.len() <= 6144, "{}", compact.len());
    }

    #[test]
    fn arns_follow_the_partition() {
        let cases = [
            ("arn:aws:iam::123456789012:user/bob", "aws"),
            ("arn:aws-cn:iam::123456789012:user/bob", "aws-cn"),
            ("arn:aws-us-gov:iam::123456789012:user/bob", "aws-us-gov"),
            ("not an arn", "aws"),
            ("arn::iam::x", "aws"),
        ];
        for (arn, want) in cases {
            assert_eq!(partition(arn), want, "{arn}");
        }
        assert_eq!(
            require_mfa_arn("aws-cn", "123456789012"),
            "arn:aws-cn:iam::123456789012:policy/credreport-require-mfa"
        );
        assert_eq!(deny_all_arn("aws"), "arn:aws:iam::aws:policy/AWSDenyAll");
    }
}
