//! The account's identities and policies, as IAM's GetAccountAuthorizationDetails gives
//! them: the input of the analysis.
//!
//! [`AuthorizationDetails`] mirrors the API's shape (`UserDetailList`, `GroupDetailList`,
//! `RoleDetailList`, `Policies`) with plain fields, so a client of the API (the AWS SDK's
//! `GetAccountAuthorizationDetailsOutput`) fills it field by field, and
//! [`AuthorizationDetails::from_json`] reads what `aws iam
//! get-account-authorization-details` prints. Several pages (or several accounts) are one
//! [`AuthorizationDetails`] by [`AuthorizationDetails::merge`].
//!
//! Policy documents are kept as JSON text. The CLI prints them as JSON objects; the API
//! sends them URL-encoded (RFC 3986) inside strings: [`document_text`] turns either into
//! the JSON text.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use credreport_policy::Time;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Everything GetAccountAuthorizationDetails says about an account's users, groups, roles
/// and managed policies. Fields follow the API's members.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails {
    /// `UserDetailList`.
    #[serde(default, rename = "UserDetailList")]
    pub users: Vec<UserDetail>,
    /// `GroupDetailList`.
    #[serde(default, rename = "GroupDetailList")]
    pub groups: Vec<GroupDetail>,
    /// `RoleDetailList`.
    #[serde(default, rename = "RoleDetailList")]
    pub roles: Vec<RoleDetail>,
    /// `Policies`: managed policies (customer managed, and the AWS managed ones that are
    /// attached), with their versions.
    #[serde(default, rename = "Policies")]
    pub policies: Vec<ManagedPolicyDetail>,
}

/// An IAM user (`UserDetail`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserDetail {
    /// `Path` (`/` by default).
    #[serde(default)]
    pub path: String,
    /// `UserName`.
    pub user_name: String,
    /// `UserId` (`AIDA…`).
    #[serde(default)]
    pub user_id: String,
    /// `Arn`.
    pub arn: String,
    /// `CreateDate`.
    #[serde(default, deserialize_with = "time")]
    pub create_date: Option<Time>,
    /// `UserPolicyList`: its inline policies.
    #[serde(default)]
    pub user_policy_list: Vec<InlinePolicy>,
    /// `GroupList`: the names of its groups.
    #[serde(default)]
    pub group_list: Vec<String>,
    /// `AttachedManagedPolicies`.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// `PermissionsBoundary`, if it has one.
    #[serde(default)]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// `Tags`.
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// An IAM group (`GroupDetail`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDetail {
    /// `Path`.
    #[serde(default)]
    pub path: String,
    /// `GroupName`.
    pub group_name: String,
    /// `GroupId`.
    #[serde(default)]
    pub group_id: String,
    /// `Arn`.
    pub arn: String,
    /// `CreateDate`.
    #[serde(default, deserialize_with = "time")]
    pub create_date: Option<Time>,
    /// `GroupPolicyList`: its inline policies.
    #[serde(default)]
    pub group_policy_list: Vec<InlinePolicy>,
    /// `AttachedManagedPolicies`.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

/// An IAM role (`RoleDetail`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    /// `Path` (`/aws-service-role/…` for service-linked roles).
    #[serde(default)]
    pub path: String,
    /// `RoleName`.
    pub role_name: String,
    /// `RoleId` (`AROA…`).
    #[serde(default)]
    pub role_id: String,
    /// `Arn`.
    pub arn: String,
    /// `CreateDate`.
    #[serde(default, deserialize_with = "time")]
    pub create_date: Option<Time>,
    /// `AssumeRolePolicyDocument`: the trust policy, as JSON text.
    #[serde(default, deserialize_with = "document_opt")]
    pub assume_role_policy_document: Option<String>,
    /// `RolePolicyList`: its inline policies.
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
    /// `AttachedManagedPolicies`.
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// `PermissionsBoundary`, if it has one.
    #[serde(default)]
    pub permissions_boundary: Option<PermissionsBoundary>,
    /// `Tags`.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// `RoleLastUsed`: when and where it was last assumed (IAM tracks this for 400
    /// days).
    #[serde(default)]
    pub role_last_used: Option<RoleLastUsed>,
}

impl RoleDetail {
    /// Whether it is a service-linked role (its path is `/aws-service-role/…`): created
    /// and used by an AWS service, not by people.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// `RoleLastUsed`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleLastUsed {
    /// `LastUsedDate`; absent when not used within IAM's tracking period.
    #[serde(default, deserialize_with = "time")]
    pub last_used_date: Option<Time>,
    /// `Region`.
    #[serde(default)]
    pub region: Option<String>,
}

/// A managed policy and its versions (`ManagedPolicyDetail`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicyDetail {
    /// `PolicyName`.
    pub policy_name: String,
    /// `PolicyId`.
    #[serde(default)]
    pub policy_id: String,
    /// `Arn` (`arn:aws:iam::aws:policy/…` for AWS managed policies).
    pub arn: String,
    /// `Path`.
    #[serde(default)]
    pub path: String,
    /// `DefaultVersionId`.
    #[serde(default)]
    pub default_version_id: String,
    /// `PolicyVersionList`.
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
}

impl ManagedPolicyDetail {
    /// The document of the default version: the one marked `IsDefaultVersion`, else the
    /// one named by `DefaultVersionId`.
    pub fn default_document(&self) -> Option<&str> {
        self.policy_version_list
            .iter()
            .find(|v| v.is_default_version)
            .or_else(|| {
                self.policy_version_list
                    .iter()
                    .find(|v| v.version_id == self.default_version_id)
            })
            .map(|v| v.document.as_str())
    }

    /// Whether AWS manages it (its ARN's account is `aws`): nobody can change it.
    pub fn is_aws_managed(&self) -> bool {
        is_aws_managed(&self.arn)
    }
}

/// Whether a policy ARN names an AWS managed policy (`arn:<partition>:iam::aws:policy/…`).
pub fn is_aws_managed(policy_arn: &str) -> bool {
    policy_arn.split(':').nth(4) == Some("aws")
}

/// `PolicyVersion`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    /// `Document`, as JSON text.
    #[serde(deserialize_with = "document")]
    pub document: String,
    /// `VersionId` (`v1`).
    #[serde(default)]
    pub version_id: String,
    /// `IsDefaultVersion`.
    #[serde(default)]
    pub is_default_version: bool,
}

/// An inline policy (`PolicyDetail`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    /// `PolicyName`.
    pub policy_name: String,
    /// `PolicyDocument`, as JSON text.
    #[serde(deserialize_with = "document")]
    pub policy_document: String,
}

/// `AttachedPolicy`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    /// `PolicyName`.
    #[serde(default)]
    pub policy_name: String,
    /// `PolicyArn`.
    pub policy_arn: String,
}

/// `AttachedPermissionsBoundary`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    /// `PermissionsBoundaryType` (`Policy`).
    #[serde(default)]
    pub permissions_boundary_type: String,
    /// `PermissionsBoundaryArn`: the managed policy used as the boundary.
    pub permissions_boundary_arn: String,
}

/// `Tag`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// `Key`.
    pub key: String,
    /// `Value`.
    #[serde(default)]
    pub value: String,
}

/// Why a file of authorization details or last-accessed data could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError(String);

impl InputError {
    /// `line:column: <what was expected>: <serde_json's words>`.
    pub(crate) fn json(expected: &str, e: &serde_json::Error) -> InputError {
        let text = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let words = text.strip_suffix(&suffix).unwrap_or(&text);
        InputError(format!("{}:{}: {expected}: {words}", e.line(), e.column()))
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

impl AuthorizationDetails {
    /// Reads what `aws iam get-account-authorization-details` prints (one page or all of
    /// them; other members, such as `IsTruncated` and `Marker`, are ignored). An error
    /// reads `line:column: message`, for the caller to put after the file's name.
    pub fn from_json(text: &str) -> Result<AuthorizationDetails, InputError> {
        serde_json::from_str(text)
            .map_err(|e| InputError::json("not the JSON of get-account-authorization-details", &e))
    }

    /// Adds another page (or another account): users, groups, roles and policies not
    /// already here, by ARN (the first one read is kept).
    pub fn merge(&mut self, other: AuthorizationDetails) {
        fn extend<T>(into: &mut Vec<T>, from: Vec<T>, arn: impl Fn(&T) -> &str) {
            let mut seen: HashSet<String> = into.iter().map(|x| arn(x).to_owned()).collect();
            for item in from {
                if seen.insert(arn(&item).to_owned()) {
                    into.push(item);
                }
            }
        }
        extend(&mut self.users, other.users, |u| &u.arn);
        extend(&mut self.groups, other.groups, |g| &g.arn);
        extend(&mut self.roles, other.roles, |r| &r.arn);
        extend(&mut self.policies, other.policies, |p| &p.arn);
    }

    /// Whether it has no user, group, role or policy.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
            && self.groups.is_empty()
            && self.roles.is_empty()
            && self.policies.is_empty()
    }
}

/// A policy document as JSON text, from a JSON object (as the CLI prints it), or a string
/// holding JSON, URL-encoded (as the API sends it) or not.
pub fn document_text(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_start();
    if trimmed.starts_with('{') || !trimmed.contains('%') {
        return Cow::Borrowed(value);
    }
    percent_encoding::percent_decode_str(value).decode_utf8_lossy()
}

fn document<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw: Box<RawValue> = Deserialize::deserialize(d)?;
    raw_document(&raw).map_err(de::Error::custom)
}

fn document_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw: Option<Box<RawValue>> = Deserialize::deserialize(d)?;
    match raw {
        Some(raw) if raw.get() != "null" => raw_document(&raw).map(Some).map_err(de::Error::custom),
        _ => Ok(None),
    }
}

fn raw_document(raw: &RawValue) -> Result<String, String> {
    let text = raw.get();
    if text.starts_with('"') {
        let inner: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(document_text(&inner).into_owned())
    } else if text.starts_with('{') {
        Ok(text.to_owned())
    } else {
        Err("a policy document is a JSON object or a string".to_owned())
    }
}

pub(crate) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Time>, D::Error> {
    let text: Option<Cow<'de, str>> = Deserialize::deserialize(d)?;
    match text {
        None => Ok(None),
        Some(t) => Time::parse(&t)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("{t:?} is not an ISO 8601 date"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_as_objects_strings_and_url_encoded_strings() {
        let cases: &[(&str, &str)] = &[
            (r#"{"Version":"2012-10-17"}"#, r#"{"Version":"2012-10-17"}"#),
            (
                r#""{\"Version\":\"2012-10-17\"}""#,
                r#"{"Version":"2012-10-17"}"#,
            ),
            (
                r#""%7B%22Version%22%3A%222012-10-17%22%7D""#,
                r#"{"Version":"2012-10-17"}"#,
            ),
            // A document whose text has a % stays as it is.
            (r#""{\"Sid\":\"100%\"}""#, r#"{"Sid":"100%"}"#),
        ];
        for (json, expected) in cases {
            let raw: Box<RawValue> = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(raw_document(&raw).as_deref(), Ok(*expected), "{json}");
        }
        let raw: Box<RawValue> = serde_json::from_str("[1]").unwrap_or_else(|e| panic!("{e}"));
        assert!(raw_document(&raw).is_err());
    }
}
