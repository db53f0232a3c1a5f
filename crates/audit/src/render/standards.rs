//! What the OCSF and ASFF outputs say alike about a finding: the compliance requirements
//! and Security Hub standards of its check, its finding types, the kind of AWS resource it
//! is about and that resource's facts from the row, and text cut to a length limit.

use std::borrow::Cow;
use std::fmt;

use credreport_report::{Column, KeyField, Slot, Timestamp};

use crate::check::CheckInfo;
use crate::finding::{Credential, Finding, UserKind};

/// The CIS benchmark's name.
pub(crate) const CIS: &str = "CIS AWS Foundations Benchmark";
/// The Security Hub standard's name.
pub(crate) const FSBP: &str = "AWS Foundational Security Best Practices";
const FSBP_VERSION: &str = "1.0.0";

/// Security Hub controls of the check table that Security Hub runs under its CIS
/// standards only, not in AWS Foundational Security Best Practices.
const CIS_ONLY_CONTROLS: [&str; 3] = ["IAM.9", "IAM.20", "IAM.22"];

/// The CIS versions Security Hub has a standard for, among those the checks map to.
const SECURITY_HUB_CIS: [&str; 2] = ["1.4.0", "3.0.0"];

/// One requirement of a standard; displayed as Security Hub writes them in
/// `RelatedRequirements`: `CIS AWS Foundations Benchmark v1.4.0/1.4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Requirement {
    pub standard: &'static str,
    pub version: &'static str,
    pub id: &'static str,
}

impl Requirement {
    /// `CIS AWS Foundations Benchmark v1.4.0`.
    pub(crate) fn standard_version(&self) -> String {
        format!("{} v{}", self.standard, self.version)
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{}/{}", self.standard, self.version, self.id)
    }
}

/// The check's Security Hub controls that are part of the FSBP standard itself.
fn fsbp_controls(info: &CheckInfo) -> impl Iterator<Item = &'static str> {
    info.fsbp
        .iter()
        .copied()
        .filter(|id| !CIS_ONLY_CONTROLS.contains(id))
}

/// Every requirement the check maps to: its CIS number in each benchmark version, then
/// its FSBP controls.
pub(crate) fn requirements(info: &CheckInfo) -> Vec<Requirement> {
    let cis = info.cis.iter().flat_map(|c| {
        c.by_version().map(|(version, id)| Requirement {
            standard: CIS,
            version,
            id,
        })
    });
    let fsbp = fsbp_controls(info).map(|id| Requirement {
        standard: FSBP,
        version: FSBP_VERSION,
        id,
    });
    cis.chain(fsbp).collect()
}

/// The Security Hub standards (their `StandardsId`) whose controls the check matches.
pub(crate) fn security_hub_standards(info: &CheckInfo) -> Vec<String> {
    let mut ids: Vec<String> = match info.cis {
        Some(_) => SECURITY_HUB_CIS
            .iter()
            .map(|v| format!("standards/cis-aws-foundations-benchmark/v/{v}"))
            .collect(),
        None => Vec::new(),
    };
    if fsbp_controls(info).next().is_some() {
        ids.push(format!(
            "standards/aws-foundational-security-best-practices/v/{FSBP_VERSION}"
        ));
    }
    ids
}

/// ASFF finding types (`namespace/category/classifier`), which OCSF's
/// `finding_info.types` repeats: best practices always, then the standards it maps to.
pub(crate) fn finding_types(info: &CheckInfo) -> Vec<&'static str> {
    let mut types = vec!["Software and Configuration Checks/AWS Security Best Practices"];
    if info.cis.is_some() {
        types.push(
            "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
        );
    }
    if fsbp_controls(info).next().is_some() {
        types.push(
            "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices",
        );
    }
    types
}

/// The kind of AWS resource a finding is about, named as ASFF names resource types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResourceKind {
    /// The account, for the root user and its password and certificates.
    Account,
    /// An IAM user, for the user and its password and certificates.
    User,
    /// An access key, of a user or of the root user.
    AccessKey(Slot),
    /// An IAM role (the principal checks).
    Role,
}

impl ResourceKind {
    pub(crate) fn of(f: &Finding<'_>) -> ResourceKind {
        match (f.credential, f.user_kind) {
            (Credential::AccessKey(slot), _) => ResourceKind::AccessKey(slot),
            (_, UserKind::Root) => ResourceKind::Account,
            _ if is_role(f.arn()) => ResourceKind::Role,
            _ => ResourceKind::User,
        }
    }

    /// `AwsAccount`, `AwsIamUser`, `AwsIamAccessKey`, `AwsIamRole`.
    pub(crate) const fn type_name(self) -> &'static str {
        match self {
            ResourceKind::Account => "AwsAccount",
            ResourceKind::User => "AwsIamUser",
            ResourceKind::AccessKey(_) => "AwsIamAccessKey",
            ResourceKind::Role => "AwsIamRole",
        }
    }
}

/// Whether an ARN is a role's (`arn:aws:iam::…:role/…`).
pub(crate) fn is_role(arn: &str) -> bool {
    arn.splitn(6, ':')
        .nth(5)
        .is_some_and(|r| r.starts_with("role/"))
}

/// The partition of an ARN: `aws` in `arn:aws:iam::…`.
pub(crate) fn partition(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn"))
        .then(|| parts.next())
        .flatten()
        .filter(|p| !p.is_empty())
}

/// A user's path, from its ARN: `/division_abc/` for
/// `arn:aws:iam::619193117841:user/division_abc/Juan`, `/` for `…:user/alice`.
pub(crate) fn user_path(arn: &str) -> Option<String> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let rest = resource.strip_prefix("user")?;
    let (path, _name) = rest.rsplit_once('/')?;
    Some(format!("{path}/"))
}

/// What the row says of an access key: whether it is active, and when the key in the
/// slot was created (`last_rotated`: a rotated key is a new key).
pub(crate) fn key_facts(f: &Finding<'_>, slot: Slot) -> (Option<bool>, Option<Timestamp>) {
    let row = f.row();
    let active = row
        .get(Column::access_key(slot, KeyField::Active))
        .and_then(|c| c.as_bool());
    let created = row
        .get(Column::access_key(slot, KeyField::LastRotated))
        .and_then(|c| c.as_timestamp());
    (active, created)
}

/// When the user was created.
pub(crate) fn user_created(f: &Finding<'_>) -> Option<Timestamp> {
    f.row()
        .get(Column::UserCreationTime)
        .and_then(|c| c.as_timestamp())
}

/// `text` in at most `max` bytes (so in at most `max` characters however they are
/// counted), cut at a character boundary and ended with `…` when it had to be cut.
pub(crate) fn fit(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    const MORE: &str = "…";
    let mut end = max.saturating_sub(MORE.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}{MORE}", &text[..end]))
}

#[cfg(test)]
mod tests {
    use super::{fit, partition, user_path};

    #[test]
    fn arns() {
        for (arn, part, path) in [
            (
                "arn:aws:iam::619193117841:user/alice",
                Some("aws"),
                Some("/"),
            ),
            (
                "arn:aws:iam::619193117841:user/division_abc/Juan",
                Some("aws"),
                Some("/division_abc/"),
            ),
            (
                "arn:aws-us-gov:iam::123456789012:user/a/b/c",
                Some("aws-us-gov"),
                Some("/a/b/"),
            ),
            ("arn:aws:iam::123456789012:root", Some("aws"), None),
            ("", None, None),
            ("not an arn", None, None),
            ("arn::iam::1:user/x", None, Some("/")),
        ] {
            assert_eq!(partition(arn), part, "{arn}");
            assert_eq!(user_path(arn).as_deref(), path, "{arn}");
        }
    }

    #[test]
    fn fitting() {
        for (text, max, fitted) in [
            ("short", 10, "short"),
            ("exactly10!", 10, "exactly10!"),
            ("a bit too long", 10, "a bit t…"),
            ("ééééé", 8, "éé…"),
            ("abc", 2, "…"),
        ] {
            let got = fit(text, max);
            assert_eq!(got, fitted, "{text} in {max}");
            assert!(got.len() <= max.max(3), "{text}: {} bytes", got.len());
        }
    }
}
