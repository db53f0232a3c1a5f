//! The catalog of AWS managed policies: AWS's own published documents, copied as data into
//! `data/aws-managed-policies/` (one JSON file each, with its ARN, id, default version id
//! and dates; `SOURCE.md` says where each came from), read once, the documents kept as
//! their exact text.

use std::sync::OnceLock;

use credreport_report::Timestamp;
use serde::Deserialize;

/// One AWS managed policy.
#[derive(Debug)]
pub struct AwsPolicy {
    /// `PolicyName`.
    pub name: String,
    /// `arn:aws:iam::aws:policy<path><name>`.
    pub arn: String,
    /// Its path.
    pub path: String,
    /// Its unique id (`ANPA…`).
    pub id: String,
    /// Its description.
    pub description: Option<String>,
    /// The default version's id (`v<N>`), the only version the catalog holds.
    pub default_version_id: String,
    /// When AWS created it.
    pub created: Timestamp,
    /// When its default version last changed.
    pub updated: Timestamp,
    /// The default version's document, as AWS publishes it.
    pub document: String,
}

const FILES: &[&str] = &[
    include_str!("../data/aws-managed-policies/AdministratorAccess.json"),
    include_str!("../data/aws-managed-policies/PowerUserAccess.json"),
    include_str!("../data/aws-managed-policies/ReadOnlyAccess.json"),
    include_str!("../data/aws-managed-policies/SecurityAudit.json"),
    include_str!("../data/aws-managed-policies/IAMFullAccess.json"),
    include_str!("../data/aws-managed-policies/IAMReadOnlyAccess.json"),
    include_str!("../data/aws-managed-policies/AWSSupportAccess.json"),
    include_str!("../data/aws-managed-policies/AWSCloudShellFullAccess.json"),
    include_str!("../data/aws-managed-policies/AWSDenyAll.json"),
];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct File<'a> {
    policy_name: String,
    arn: String,
    path: String,
    policy_id: Option<String>,
    description: Option<String>,
    default_version_id: String,
    create_date: Option<String>,
    update_date: Option<String>,
    #[serde(borrow)]
    document: &'a serde_json::value::RawValue,
}

fn time(text: Option<&str>) -> Timestamp {
    text.and_then(|t| Timestamp::parse(t.as_bytes()))
        .map_or(Timestamp::MIN, |(t, _)| t)
}

fn load() -> Vec<AwsPolicy> {
    let mut out: Vec<AwsPolicy> = FILES
        .iter()
        .filter_map(|text| serde_json::from_str::<File<'_>>(text).ok())
        .map(|f| AwsPolicy {
            id: f.policy_id.unwrap_or_default(),
            created: time(f.create_date.as_deref()),
            updated: time(f.update_date.as_deref().or(f.create_date.as_deref())),
            name: f.policy_name,
            arn: f.arn,
            path: f.path,
            description: f.description,
            default_version_id: f.default_version_id,
            document: f.document.get().to_owned(),
        })
        .collect();
    out.sort_by(|a, b| {
        a.name
            .to_ascii_lowercase()
            .cmp(&b.name.to_ascii_lowercase())
    });
    out
}

/// Every AWS managed policy of the catalog, by name ignoring case.
pub fn aws_policies() -> &'static [AwsPolicy] {
    static CATALOG: OnceLock<Vec<AwsPolicy>> = OnceLock::new();
    CATALOG.get_or_init(load)
}

/// The AWS managed policy with this ARN.
pub fn aws_policy(arn: &str) -> Option<&'static AwsPolicy> {
    aws_policies().iter().find(|p| p.arn == arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_catalog_loads_with_a_valid_document() {
        assert_eq!(
            aws_policies().len(),
            FILES.len(),
            "a catalog file does not parse"
        );
        for p in aws_policies() {
            assert_eq!(
                p.arn,
                crate::arn::Arn::aws_managed_policy(&p.path, &p.name).into_string()
            );
            assert!(p.default_version_id.starts_with('v'), "{}", p.name);
            assert!(p.id.starts_with("ANPA"), "{}: {}", p.name, p.id);
            assert!(
                crate::policy::parse_policy(&p.document).is_ok(),
                "{}'s document is a valid policy",
                p.name
            );
        }
        let admin = aws_policy("arn:aws:iam::aws:policy/AdministratorAccess");
        assert!(admin.is_some_and(|p| p.document.contains("\"*\"")));
        // Remediation's quarantine attaches it (credreport-review's `quarantine-user`).
        let deny = aws_policy("arn:aws:iam::aws:policy/AWSDenyAll");
        assert!(
            deny.is_some_and(|p| p.document.contains("\"Deny\"") && p.default_version_id == "v2")
        );
    }
}
