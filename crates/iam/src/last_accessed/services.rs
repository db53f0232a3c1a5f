//! The services an entity's policies allow, as IAM lists them in last-accessed data: every
//! namespace of the service catalog for which an `Allow` statement of its identity-based
//! policies covers some action (wildcards and `NotAction` included; conditions, resources,
//! `Deny` statements and permissions boundaries do not narrow the list, as IAM's does not).

use credreport_policy::catalog::{ActionSet, Catalog};
use credreport_policy::{Effect, Policy};

/// The namespaces IAM tracks per action here (IAM's and STS's actions, which the endpoint
/// serves, as IAM tracks its own).
pub const TRACKED_NAMESPACES: &[&str] = &["iam", "sts"];

/// The actions `policies` allow somewhere.
pub fn allowed_actions<'p>(policies: impl IntoIterator<Item = &'p Policy>) -> ActionSet {
    let catalog = Catalog::get();
    let mut set = catalog.empty_set();
    for policy in policies {
        for statement in policy.statements() {
            if statement.effect() == Effect::Allow {
                set.union_with(&catalog.covered_by(statement));
            }
        }
    }
    set
}

/// The namespaces of the actions in `set`, in the catalog's order (by namespace).
pub fn allowed_namespaces(set: &ActionSet) -> Vec<&'static str> {
    let catalog = Catalog::get();
    let mut list: Vec<&'static str> = Vec::new();
    // Ids run service by service: one namespace per run.
    for id in set.iter() {
        let ns = catalog.action(id).namespace();
        if list.last() != Some(&ns) {
            list.push(ns);
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use credreport_policy::PolicyKind;

    fn policy(text: &str) -> Policy {
        Policy::parse(text, PolicyKind::Identity).unwrap()
    }

    fn check(documents: &[&str], want_some: &[&str], want_none: &[&str]) {
        let parsed: Vec<Policy> = documents.iter().map(|d| policy(d)).collect();
        let got = allowed_namespaces(&allowed_actions(&parsed));
        for ns in want_some {
            assert!(got.contains(ns), "{documents:?}: {ns} missing from {got:?}");
        }
        for ns in want_none {
            assert!(!got.contains(ns), "{documents:?}: {ns} listed in {got:?}");
        }
        let mut sorted = got.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, got, "sorted, once each");
    }

    #[test]
    fn services_listed_are_those_an_allow_statement_covers() {
        let s3_read = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}"#;
        let everything = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let deny_all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        let not_iam = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#;
        let conditional = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
        check(&[s3_read], &["s3"], &["iam", "ec2"]);
        check(&[everything], &["s3", "iam", "sts", "ec2"], &[]);
        // A Deny does not take a service off the list (IAM lists what policies allow).
        check(&[s3_read, deny_all], &["s3"], &["iam"]);
        check(&[deny_all], &[], &["s3", "iam"]);
        check(&[not_iam], &["s3", "ec2"], &["iam"]);
        check(&[conditional], &["ec2"], &["s3"]);
        check(&[], &[], &["s3", "iam"]);
    }
}
