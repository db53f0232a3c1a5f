//! OCSF: a JSON array of OCSF 1.5.0 Detection Finding events (class 2004, category 2
//! Findings), one per finding, with the `cloud` profile, valid against the JSON Schema
//! of that class (generated from the OCSF schema release, checked by the tests).
//!
//! - `finding_info.uid` is the finding's fingerprint; `finding_info.title` and `desc` the
//!   check's title and description; `finding_info.analytic` the check (a rule, its id);
//!   `finding_info.types` the ASFF finding types; `finding_info.tags` its CIS and FSBP
//!   requirements (`CIS AWS Foundations Benchmark v1.4.0`: `1.4`) and Security Hub
//!   controls; `metadata.event_code` the check id.
//! - `activity_id`: Create (no baseline, or a new finding), Update (a finding that
//!   persisted), Close (one that disappeared); `type_uid` follows (`200401`...).
//! - `severity_id`: Informational 1, Low 2, Medium 3, High 4, Critical 5. `status_id`:
//!   New 1, Suppressed 3 (a current suppression accepts it), Resolved 4 (with a
//!   baseline, it disappeared); `status_code` is the finding's status as the JSON output
//!   writes it (`fail`, `suppressed`, `not_evaluated`), `status_detail` a suppression's
//!   reason, owner and last day.
//! - `resources[0]` is the credential: `uid` its resource id (`<arn>#access_key_1`),
//!   `type` as ASFF names it (`AwsIamAccessKey`, `AwsIamUser`, `AwsAccount` for root),
//!   `owner` the user, `data` the report values the finding rests on. `cloud` is AWS,
//!   the account, the chosen Region.
//! - `remediation.desc` is the fix. A Detection Finding has no `compliance` attribute, so
//!   the CIS and FSBP requirements go in `unmapped.compliance`, shaped as OCSF's
//!   `compliance` object (standards, requirements, control, status); the rest OCSF has no
//!   place for (Security Hub controls, the principal's privilege and the check's own
//!   severity, user kind, credential, age, notes, suppression, change, report line) is in
//!   `unmapped` too.
//!
//! Written as it goes ([`crate::render::array`]): the events stream between `[` and `]`.

use serde_json::{json, Map, Value};

use crate::check::Severity;
use crate::finding::{Change, Finding, FindingText, Status};
use crate::render::array::Context;
use crate::render::region::Region;
use crate::render::standards::{finding_types, partition, requirements, ResourceKind};

/// The OCSF version of every event.
pub const VERSION: &str = "1.5.0";

const CLASS_UID: u32 = 2004;
const CATEGORY_UID: u32 = 2;
/// `account.type_id` AWS Account.
const AWS_ACCOUNT: u32 = 10;
/// `analytic.type_id` Rule.
const RULE: u32 = 1;

/// `severity_id` and its caption.
const fn severity(severity: Severity) -> (u32, &'static str) {
    match severity {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// `activity_id` and its caption.
const fn activity(change: Option<Change>) -> (u32, &'static str) {
    match change {
        None | Some(Change::New) => (1, "Create"),
        Some(Change::Persisting) => (2, "Update"),
        Some(Change::Resolved) => (3, "Close"),
    }
}

/// `status_id` and its caption.
const fn status(f: &Finding<'_>) -> (u32, &'static str) {
    match (f.change, f.status) {
        (Some(Change::Resolved), _) => (4, "Resolved"),
        (_, Status::Suppressed) => (3, "Suppressed"),
        (_, Status::Fail | Status::NotEvaluated) => (1, "New"),
    }
}

/// `compliance.status_id` and its caption: the check failed, could not decide, or (the
/// finding disappeared) passes now.
const fn compliance_status(f: &Finding<'_>) -> (u32, &'static str) {
    match (f.change, f.status) {
        (Some(Change::Resolved), _) => (1, "Pass"),
        (_, Status::NotEvaluated) => (2, "Warning"),
        (_, Status::Fail | Status::Suppressed) => (3, "Fail"),
    }
}

/// The finding as an event (always one).
pub(crate) fn event(f: &Finding<'_>, text: &FindingText, cx: &Context) -> Option<Value> {
    let info = f.check.info();
    let region = &cx.region;
    let time = cx.as_of.unix().saturating_mul(1000);
    let version = cx.version;
    let (activity_id, activity_name) = activity(f.change);
    let (severity_id, severity_name) = severity(f.severity);
    let (status_id, status_name) = status(f);
    let mut event = json!({
        "activity_id": activity_id,
        "activity_name": activity_name,
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + activity_id,
        "type_name": format!("Detection Finding: {activity_name}"),
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": status_id,
        "status": status_name,
        "status_code": f.status.name(),
        "message": text.message,
        "time": time,
        "metadata": {
            "version": VERSION,
            "product": { "name": "credreport", "vendor_name": "credreport", "version": version },
            "profiles": ["cloud"],
            "event_code": f.check.as_str(),
        },
        "finding_info": {
            "uid": f.fingerprint(),
            "title": info.title,
            "desc": info.description,
            "types": finding_types(info),
            "analytic": { "uid": f.check.as_str(), "name": f.check.as_str(), "type_id": RULE, "type": "Rule" },
            "tags": tags(info),
        },
        "cloud": cloud(f, region),
        "resources": [resource(f, text, region)],
        "unmapped": unmapped(f, text),
    });
    if let (Status::Suppressed, Some(s)) = (f.status, &f.suppression) {
        event["status_detail"] = json!(s.describe());
    }
    if !text.remediation.is_empty() && f.change != Some(Change::Resolved) {
        event["remediation"] = json!({ "desc": text.remediation });
    }
    Some(event)
}

/// The check's CIS and FSBP requirements as `finding_info.tags`, one per standard version
/// (`CIS AWS Foundations Benchmark v1.4.0`: `1.4`), then its Security Hub controls.
fn tags(info: &crate::CheckInfo) -> Vec<Value> {
    let mut tags: Vec<Value> = requirements(info)
        .iter()
        .map(|r| json!({ "name": r.standard_version(), "value": r.id }))
        .collect();
    if !info.fsbp.is_empty() {
        tags.push(json!({ "name": "AWS Security Hub controls", "values": info.fsbp }));
    }
    tags
}

fn cloud(f: &Finding<'_>, region: &Region) -> Value {
    let mut cloud = json!({ "provider": "AWS", "region": region.as_str() });
    if let Some(account) = f.account_id() {
        cloud["account"] = json!({ "uid": account, "type_id": AWS_ACCOUNT, "type": "AWS Account" });
    }
    if let Some(p) = partition(f.arn()) {
        cloud["cloud_partition"] = json!(p);
    }
    cloud
}

fn resource(f: &Finding<'_>, text: &FindingText, region: &Region) -> Value {
    let data: Map<String, Value> = f
        .evidence_in(text)
        .map(|e| (e.column.to_owned(), Value::String(e.text())))
        .collect();
    let name = match f.credential {
        crate::Credential::User => f.user().to_owned(),
        other => format!("{} {}", f.user(), other.name()),
    };
    let mut owner = json!({ "name": f.user() });
    if !f.arn().is_empty() {
        owner["uid"] = json!(f.arn());
    }
    let mut resource = json!({
        "uid": f.resource().to_string(),
        "name": name,
        "type": ResourceKind::of(f).type_name(),
        "region": region.as_str(),
        "owner": owner,
        "data": data,
    });
    if let Some(p) = partition(f.arn()) {
        resource["cloud_partition"] = json!(p);
    }
    resource
}

fn unmapped(f: &Finding<'_>, text: &FindingText) -> Value {
    let info = f.check.info();
    let requirements = requirements(info);
    let mut standards: Vec<String> = requirements.iter().map(|r| r.standard_version()).collect();
    standards.dedup();
    let (status_id, status_name) = compliance_status(f);
    let mut unmapped = json!({
        "compliance": {
            "standards": standards,
            "requirements": requirements.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "control": f.check.as_str(),
            "status_id": status_id,
            "status": status_name,
        },
        "security_hub_controls": info.fsbp,
        "privilege": f.privilege_name(),
        "base_severity": f.base_severity.name(),
        "user_kind": f.user_kind.name(),
        "credential": f.credential.name(),
        "notes": text.notes,
        "source": &*f.source,
        "line": f.line,
    });
    if let Some(days) = f.age_days {
        unmapped["age_days"] = json!(days);
    }
    if let Some(change) = f.change {
        unmapped["change"] = json!(change.name());
    }
    if let Some(s) = &f.suppression {
        unmapped["suppression"] = json!(s);
    }
    unmapped
}
