//! ASFF, the AWS Security Finding Format: a JSON array of findings exactly as Security
//! Hub's `BatchImportFindings` takes them (at most 100 a call, so a caller sends it in
//! slices), valid against the `AwsSecurityFinding` shape of the Security Hub service
//! model and its documented length limits (checked by the tests).
//!
//! - `SchemaVersion` 2018-10-08; `Id` `credreport/<check>/<SHA-256 of the fingerprint>`,
//!   the same for the same finding in every report; `ProductArn` the account's default
//!   product in the chosen Region (findings a customer imports itself);
//!   `GeneratorId` the check id.
//! - `Severity` and `Types` are given at the top and in `FindingProviderFields` (where a
//!   provider keeps them once Security Hub has the finding).
//! - `Compliance.Status`: `FAILED` (failures, suppressed ones too), `WARNING` (not
//!   evaluated: "some information is missing"), `PASSED` (with a baseline, a finding that
//!   disappeared); `RelatedRequirements` its CIS numbers and FSBP controls;
//!   `AssociatedStandards` the Security Hub standards that hold them.
//! - `RecordState` `ARCHIVED` for a finding that disappeared, else `ACTIVE`; a suppressed
//!   finding is created with `Workflow.Status` `SUPPRESSED`.
//! - `Resources`: an `AwsIamAccessKey` (its status, creation, principal and account), then
//!   its user; or the `AwsIamUser` (name, path, creation); or, for the root user, the
//!   `AwsAccount`. The report values the finding rests on are in `Details.Other`.
//! - What ASFF has no place for (the fingerprint, the credential's resource id, status,
//!   change, age, report line, suppression) is in `ProductFields`, under `credreport/`.
//!
//! A finding without an account id (a report with neither a root row nor a user ARN) has
//! no place in ASFF, which requires one, and is left out.
//!
//! Written as it goes ([`crate::render::array`]): the findings stream between `[` and `]`.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::check::Severity;
use crate::finding::{Change, Finding, FindingText, Status, SuppressionState};
use crate::render::array::Context;
use crate::render::region::Region;
use crate::render::standards::{
    finding_types, fit, is_role, key_facts, partition, requirements, security_hub_standards,
    user_created, user_path, ResourceKind,
};

/// The ASFF version written in every finding.
pub const SCHEMA_VERSION: &str = "2018-10-08";

/// ASFF's length limits, from the Security Hub API reference.
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;
const RECOMMENDATION_MAX: usize = 512;
const PRODUCT_FIELD_MAX: usize = 2048;
const OTHER_VALUE_MAX: usize = 1023;

/// The partitions `Resource.Partition` may name.
const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// `INFORMATIONAL`, `LOW`, `MEDIUM`, `HIGH`, `CRITICAL`.
const fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// `credreport/<check>/<SHA-256 of the fingerprint, hex>`.
pub(crate) fn finding_id(f: &Finding<'_>) -> String {
    let digest = Sha256::digest(f.fingerprint().as_bytes());
    let mut id = format!("credreport/{}/", f.check);
    for b in digest {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// The finding as ASFF, or `None` without an account id.
pub(crate) fn finding(f: &Finding<'_>, text: &FindingText, cx: &Context) -> Option<Value> {
    let account = f.account_id()?;
    let region = &cx.region;
    let at = cx.as_of.to_zulu();
    let info = f.check.info();
    let arn_partition = partition(f.arn()).unwrap_or("aws");
    let severity = json!({ "Label": label(f.severity), "Original": f.severity.name() });
    let types = finding_types(info);
    let resolved = f.change == Some(Change::Resolved);
    let mut description = text.message.clone();
    for note in &text.notes {
        description.push_str(&format!(" (note: {note})"));
    }
    let compliance_status = match (resolved, f.status) {
        (true, _) => "PASSED",
        (false, Status::NotEvaluated) => "WARNING",
        (false, Status::Fail | Status::Suppressed) => "FAILED",
    };
    let mut compliance = json!({
        "Status": compliance_status,
        "RelatedRequirements": requirements(info).iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    let standards: Vec<Value> = security_hub_standards(info)
        .into_iter()
        .map(|id| json!({ "StandardsId": id }))
        .collect();
    if !standards.is_empty() {
        compliance["AssociatedStandards"] = Value::Array(standards);
    }
    let mut finding = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(f),
        "ProductArn": format!(
            "arn:{arn_partition}:securityhub:{region}:{account}:product/{account}/default"
        ),
        "GeneratorId": f.check.as_str(),
        "AwsAccountId": account,
        "Types": types,
        "CreatedAt": at,
        "UpdatedAt": at,
        "Severity": severity,
        "FindingProviderFields": { "Severity": severity, "Types": types },
        "Title": fit(info.title, TITLE_MAX),
        "Description": fit(&description, DESCRIPTION_MAX),
        "ProductFields": product_fields(f, cx.version),
        "Resources": resources(f, text, region, account),
        "Compliance": compliance,
        "RecordState": if resolved { "ARCHIVED" } else { "ACTIVE" },
    });
    if !text.remediation.is_empty() && !resolved {
        finding["Remediation"] = json!({
            "Recommendation": { "Text": fit(&text.remediation, RECOMMENDATION_MAX) }
        });
    }
    if f.status == Status::Suppressed && !resolved {
        finding["Workflow"] = json!({ "Status": "SUPPRESSED" });
    }
    Some(finding)
}

/// What ASFF has no field for, as `credreport/<name>` (values are never empty).
fn product_fields(f: &Finding<'_>, version: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    let mut put = |key: &str, value: &str| {
        if !value.trim().is_empty() {
            fields.insert(
                key.to_owned(),
                Value::String(fit(value, PRODUCT_FIELD_MAX).into_owned()),
            );
        }
    };
    put("ProviderName", "credreport");
    put("ProviderVersion", version);
    put("credreport/fingerprint", &f.fingerprint());
    put("credreport/resource", &f.resource().to_string());
    put("credreport/status", f.status.name());
    put("credreport/privilege", f.privilege_name());
    put("credreport/base_severity", f.base_severity.name());
    if let Some(change) = f.change {
        put("credreport/change", change.name());
    }
    put("credreport/user", f.user());
    put("credreport/user_kind", f.user_kind.name());
    put("credreport/credential", f.credential.name());
    if let Some(days) = f.age_days {
        put("credreport/age_days", &days.to_string());
    }
    put("credreport/source", &f.location());
    put(
        "credreport/security_hub_controls",
        &f.check.info().fsbp.join(", "),
    );
    if let Some(s) = &f.suppression {
        put(
            "credreport/suppression",
            match s.state {
                SuppressionState::Active => "active",
                SuppressionState::Expired => "expired",
            },
        );
        put("credreport/suppression_reason", &s.reason);
        put("credreport/suppression_owner", &s.owner);
        put("credreport/suppression_expires", &s.expires);
    }
    fields
}

/// The resource the finding is about (with the report values it rests on), and for an
/// access key, its user.
fn resources(f: &Finding<'_>, text: &FindingText, region: &Region, account: &str) -> Vec<Value> {
    let kind = ResourceKind::of(f);
    let mut main = match kind {
        ResourceKind::AccessKey(slot) => access_key(f, slot, account),
        _ => owner(f, account),
    };
    let other: Map<String, Value> = f
        .evidence_in(text)
        .map(|e| {
            (
                e.column.to_owned(),
                Value::String(fit(&e.text(), OTHER_VALUE_MAX).into_owned()),
            )
        })
        .filter(|(_, v)| v.as_str().is_some_and(|s| !s.trim().is_empty()))
        .collect();
    if !other.is_empty() {
        main["Details"]["Other"] = Value::Object(other);
    }
    let mut all = vec![main];
    if matches!(kind, ResourceKind::AccessKey(_)) {
        all.push(owner(f, account));
    }
    let partition = partition(f.arn()).filter(|p| PARTITIONS.contains(p));
    for r in &mut all {
        if let Some(p) = partition {
            r["Partition"] = json!(p);
        }
        r["Region"] = json!(region.as_str());
    }
    all
}

/// The user (or for root, the account) the finding is about.
fn owner(f: &Finding<'_>, account: &str) -> Value {
    if f.user_kind == crate::UserKind::Root {
        return json!({
            "Type": ResourceKind::Account.type_name(),
            "Id": format!("AWS::::Account:{account}"),
        });
    }
    if is_role(f.arn()) {
        let mut details = Map::new();
        details.insert("RoleName".to_owned(), json!(f.user()));
        if let Some(created) = user_created(f) {
            details.insert("CreateDate".to_owned(), json!(created.to_zulu()));
        }
        return json!({
            "Type": ResourceKind::Role.type_name(),
            "Id": f.arn(),
            "Details": { "AwsIamRole": details },
        });
    }
    let mut details = Map::new();
    details.insert("UserName".to_owned(), json!(f.user()));
    if let Some(path) = user_path(f.arn()) {
        details.insert("Path".to_owned(), json!(path));
    }
    if let Some(created) = user_created(f) {
        details.insert("CreateDate".to_owned(), json!(created.to_zulu()));
    }
    json!({
        "Type": ResourceKind::User.type_name(),
        "Id": f.arn(),
        "Details": { "AwsIamUser": details },
    })
}

/// An access key: its status and creation from the row, its principal and account.
fn access_key(f: &Finding<'_>, slot: credreport_report::Slot, account: &str) -> Value {
    let (active, created) = key_facts(f, slot);
    let mut details = Map::new();
    if let Some(active) = active {
        details.insert(
            "Status".to_owned(),
            json!(if active { "Active" } else { "Inactive" }),
        );
    }
    if let Some(created) = created {
        details.insert("CreatedAt".to_owned(), json!(created.to_zulu()));
    }
    if f.user_kind == crate::UserKind::Root {
        details.insert("PrincipalType".to_owned(), json!("Root"));
    } else {
        details.insert("PrincipalType".to_owned(), json!("IAMUser"));
        details.insert("PrincipalName".to_owned(), json!(f.user()));
    }
    details.insert("AccountId".to_owned(), json!(account));
    json!({
        "Type": ResourceKind::AccessKey(slot).type_name(),
        "Id": f.resource().to_string(),
        "Details": { "AwsIamAccessKey": details },
    })
}
