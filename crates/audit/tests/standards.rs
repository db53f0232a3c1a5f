//! The OCSF and ASFF outputs, held to the standards' own definitions:
//!
//! - every OCSF event of every golden scenario and of the demo's audit validates against
//!   the JSON Schema of OCSF 1.5.0's Detection Finding with the `cloud` profile
//!   (`schemas/ocsf-1.5.0-detection_finding.schema.json`, generated from the OCSF schema
//!   release by `scripts/ocsf_json_schema.py`), and its `unmapped.compliance` against the
//!   schema's `compliance` object;
//! - every ASFF finding validates against the `AwsSecurityFinding` shape of Security Hub's
//!   service model with ASFF's documented length limits
//!   (`schemas/securityhub-asff-shapes.json`, copied from botocore by
//!   `scripts/asff_shapes.py`, turned into a JSON Schema here);
//! - each validator rejects what the standard rejects (a table of broken events);
//! - each event says what the issue asks, checked finding by finding against the JSON
//!   output of the same audit.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{assert_valid, errors, schema, Scenario, DEMO, SCENARIOS};
use credreport_audit::render::Region;
use credreport_audit::{Format, RenderOptions};
use serde_json::{json, Map, Value};

/// A report with neither a root row nor a user: the root checks are not evaluated, on a
/// resource with no ARN and no account (ASFF has no place for such a finding).
const NO_ACCOUNT: Scenario = Scenario {
    name: "header-only",
    inputs: &["header-only.csv"],
    as_of: "2016-11-25T14:30:42Z",
    config: None,
    baseline: None,
    details: &[],
    last_accessed: None,
};

fn scenarios() -> impl Iterator<Item = &'static Scenario> {
    SCENARIOS.iter().chain([&DEMO, &NO_ACCOUNT])
}

/// The output of `s` in `format` (a JSON document), in `region`.
fn output(s: &Scenario, format: Format, region: &str) -> Value {
    let options = RenderOptions {
        region: Region::parse(region).expect("region"),
        ..RenderOptions::default()
    };
    let text = s.render(format, options);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", s.name))
}

fn array(doc: &Value) -> &Vec<Value> {
    doc.as_array().expect("a JSON array")
}

/// The JSON output's findings and checks (by id) of `s`.
fn json_output(s: &Scenario) -> (Vec<Value>, BTreeMap<String, Value>) {
    let doc = output(s, Format::Json, Region::DEFAULT);
    let checks = doc["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| (c["id"].as_str().expect("id").to_owned(), c.clone()))
        .collect();
    (
        doc["findings"].as_array().expect("findings").clone(),
        checks,
    )
}

fn compiled(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

fn ocsf_schema() -> Value {
    schema("ocsf-1.5.0-detection_finding.schema.json")
}

/// A schema for one of the OCSF schema's objects (draft 2020-12, which knows `$defs`).
fn ocsf_object(schema: &Value, name: &str) -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": schema["$defs"],
        "allOf": [{ "$ref": format!("#/$defs/{name}") }],
    })
}

/// Security Hub's shapes as a JSON Schema of `AwsSecurityFinding`: a structure is a
/// closed object with its required members, a list an array, a map an object of its
/// value shape, a string its enum or pattern; a member gets the limits its documentation
/// states.
fn asff_schema() -> Value {
    let doc = schema("securityhub-asff-shapes.json");
    let limits = doc["limits"].as_object().expect("limits");
    let definitions: Map<String, Value> = doc["shapes"]
        .as_object()
        .expect("shapes")
        .iter()
        .map(|(name, shape)| (name.clone(), shape_schema(name, shape, limits)))
        .collect();
    let root = doc["source"]["root"].as_str().expect("root");
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": definitions,
        "allOf": [shape_ref(root)],
    })
}

fn shape_ref(shape: &str) -> Value {
    json!({ "$ref": format!("#/definitions/{shape}") })
}

fn shape_schema(name: &str, shape: &Value, limits: &Map<String, Value>) -> Value {
    let mut s = Map::new();
    let bound = |s: &mut Map<String, Value>, min: &str, max: &str| {
        if let Some(n) = shape.get("min") {
            s.insert(min.to_owned(), n.clone());
        }
        if let Some(n) = shape.get("max") {
            s.insert(max.to_owned(), n.clone());
        }
    };
    match shape["type"].as_str().expect("type") {
        "structure" => {
            let members = shape["members"].as_object().expect("members");
            let properties: Map<String, Value> = members
                .iter()
                .map(|(member, target)| {
                    let target = target["shape"].as_str().expect("shape");
                    let mut m = json!({ "allOf": [shape_ref(target)] });
                    if let Some(limit) = limits.get(&format!("{name}.{member}")) {
                        member_limits(&mut m, limit);
                    }
                    (member.clone(), m)
                })
                .collect();
            s.insert("type".into(), json!("object"));
            s.insert("properties".into(), Value::Object(properties));
            s.insert("additionalProperties".into(), json!(false));
            if let Some(required) = shape.get("required") {
                s.insert("required".into(), required.clone());
            }
        }
        "list" => {
            s.insert("type".into(), json!("array"));
            s.insert(
                "items".into(),
                shape_ref(shape["member"]["shape"].as_str().expect("member")),
            );
            bound(&mut s, "minItems", "maxItems");
        }
        "map" => {
            s.insert("type".into(), json!("object"));
            s.insert(
                "propertyNames".into(),
                shape_ref(shape["key"]["shape"].as_str().expect("key")),
            );
            s.insert(
                "additionalProperties".into(),
                shape_ref(shape["value"]["shape"].as_str().expect("value")),
            );
            bound(&mut s, "minProperties", "maxProperties");
        }
        "string" => {
            s.insert("type".into(), json!("string"));
            for key in ["enum", "pattern"] {
                if let Some(v) = shape.get(key) {
                    s.insert(key.into(), v.clone());
                }
            }
            bound(&mut s, "minLength", "maxLength");
        }
        "integer" | "long" => {
            s.insert("type".into(), json!("integer"));
            bound(&mut s, "minimum", "maximum");
        }
        "double" | "float" => {
            s.insert("type".into(), json!("number"));
            bound(&mut s, "minimum", "maximum");
        }
        "boolean" => {
            s.insert("type".into(), json!("boolean"));
        }
        other => panic!("{name}: a shape of type {other} is not handled"),
    }
    Value::Object(s)
}

/// A member's documented limits, on the member.
fn member_limits(member: &mut Value, limit: &Value) {
    for key in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "maxProperties",
    ] {
        if let Some(n) = limit.get(key) {
            member[key] = n.clone();
        }
    }
    if let Some(n) = limit.get("keyMaxLength") {
        member["propertyNames"] = json!({ "maxLength": n });
    }
    if let Some(n) = limit.get("valueMaxLength") {
        member["additionalProperties"] = json!({ "maxLength": n });
    }
}

#[test]
fn every_ocsf_event_validates_against_the_detection_finding_schema() {
    let schema = ocsf_schema();
    let event = compiled(&schema);
    let compliance = compiled(&ocsf_object(&schema, "compliance"));
    for s in scenarios() {
        let events = output(s, Format::Ocsf, Region::DEFAULT);
        let (findings, _) = json_output(s);
        assert_eq!(
            array(&events).len(),
            findings.len(),
            "{}: one event per finding",
            s.name
        );
        for (i, e) in array(&events).iter().enumerate() {
            let what = format!("{} event {i}", s.name);
            assert_valid(&event, &what, e);
            assert_valid(&compliance, &what, &e["unmapped"]["compliance"]);
        }
    }
}

/// Breaks an event or a finding.
type Break = fn(&mut Value);

#[test]
fn the_ocsf_schema_rejects_what_is_not_a_detection_finding() {
    let cases: &[(&str, Break)] = &[
        ("an attribute OCSF does not define", |e| {
            e["check"] = json!("root-mfa")
        }),
        ("another class", |e| e["class_uid"] = json!(2001)),
        ("a status_id not in the enum", |e| e["status_id"] = json!(7)),
        ("a severity as text", |e| e["severity_id"] = json!("High")),
        ("no finding_info", |e| {
            e.as_object_mut().map(|o| o.remove("finding_info"));
        }),
        ("no finding_info.uid", |e| {
            e["finding_info"].as_object_mut().map(|o| o.remove("uid"));
        }),
        ("no cloud, which the cloud profile requires", |e| {
            e.as_object_mut().map(|o| o.remove("cloud"));
        }),
        ("a profile's attribute the event does not declare", |e| {
            e["osint"] = json!([])
        }),
        ("a resource without a name or uid", |e| {
            e["resources"][0] = json!({ "type": "AwsIamUser" })
        }),
        ("a remediation without desc", |e| {
            e["remediation"] = json!({ "references": [] })
        }),
    ];
    let schema = ocsf_schema();
    let validator = compiled(&schema);
    let events = output(&SCENARIOS[0], Format::Ocsf, Region::DEFAULT);
    let good = &array(&events)[0];
    assert_valid(&validator, "unbroken", good);
    for (what, break_it) in cases {
        let mut e = good.clone();
        break_it(&mut e);
        assert!(!errors(&validator, &e).is_empty(), "accepted: {what}");
    }
}

fn severity_id(severity: &str) -> u64 {
    match severity {
        "info" => 1,
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        "critical" => 5,
        other => panic!("severity {other}"),
    }
}

/// The CIS and FSBP requirements of a check, as `unmapped.compliance.requirements` and
/// ASFF's `RelatedRequirements` write them, from the JSON output's `checks`.
fn requirements(check: &Value) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    if let Some(cis) = check["cis"].as_object() {
        for (version, id) in cis {
            all.insert(format!(
                "CIS AWS Foundations Benchmark v{version}/{}",
                id.as_str().expect("CIS id")
            ));
        }
    }
    all
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn ocsf_says_what_the_issue_asks_of_each_finding() {
    let (mut suppressed, mut resolved) = (0, 0);
    for s in scenarios() {
        let events = output(s, Format::Ocsf, "eu-west-1");
        let (findings, checks) = json_output(s);
        for (e, f) in array(&events).iter().zip(&findings) {
            let what = format!("{}: {}", s.name, f["fingerprint"]);
            let check = &checks[f["check"].as_str().expect("check")];
            assert_eq!(e["finding_info"]["uid"], f["fingerprint"], "{what}");
            assert_eq!(e["finding_info"]["title"], f["title"], "{what}");
            assert_eq!(e["finding_info"]["analytic"]["uid"], f["check"], "{what}");
            assert_eq!(e["metadata"]["event_code"], f["check"], "{what}");
            assert_eq!(e["metadata"]["version"], "1.5.0", "{what}");
            assert_eq!(e["cloud"]["account"]["uid"], f["account_id"], "{what}");
            assert_eq!(e["cloud"]["region"], "eu-west-1", "{what}");
            assert_eq!(e["resources"][0]["uid"], f["resource"], "{what}");
            assert_eq!(e["message"], f["message"], "{what}");
            let severity = f["severity"].as_str().expect("severity");
            assert_eq!(e["severity_id"], severity_id(severity), "{what}");
            let status = f["status"].as_str().expect("status");
            let change = f["change"].as_str();
            let (status_id, activity_id) = match (change, status) {
                (Some("resolved"), _) => (4, 3),
                (Some("persisting"), "suppressed") => (3, 2),
                (Some("persisting"), _) => (1, 2),
                (_, "suppressed") => (3, 1),
                _ => (1, 1),
            };
            suppressed += usize::from(status_id == 3);
            resolved += usize::from(status_id == 4);
            assert_eq!(e["status_id"], status_id, "{what}");
            assert_eq!(e["activity_id"], activity_id, "{what}");
            assert_eq!(e["type_uid"], 2004 * 100 + activity_id, "{what}");
            assert_eq!(e["status_code"], f["status"], "{what}");
            let fix = f["remediation"].as_str().unwrap_or_default();
            if change == Some("resolved") || fix.is_empty() {
                assert!(e.get("remediation").is_none(), "{what}: no fix to give");
            } else {
                assert_eq!(e["remediation"]["desc"], fix, "{what}");
            }
            let tagged: BTreeSet<String> = e["finding_info"]["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| Some(format!("{}/{}", t["name"].as_str()?, t["value"].as_str()?)))
                .collect();
            assert!(requirements(check).is_subset(&tagged), "{what}: {tagged:?}");
            let compliance = &e["unmapped"]["compliance"];
            let written = strings(&compliance["requirements"]);
            assert!(
                requirements(check).is_subset(&written),
                "{what}: {written:?}"
            );
            assert_eq!(compliance["control"], f["check"], "{what}");
            let fsbp = strings(&check["fsbp"]);
            assert_eq!(
                strings(&e["unmapped"]["security_hub_controls"]),
                fsbp,
                "{what}"
            );
        }
    }
    assert!(suppressed > 0, "a suppressed finding was checked");
    assert!(resolved > 0, "a resolved finding was checked");
}

#[test]
fn every_asff_finding_validates_against_the_aws_security_finding_shape() {
    let validator = compiled(&asff_schema());
    for s in scenarios() {
        let findings = output(s, Format::Asff, Region::DEFAULT);
        let (json, _) = json_output(s);
        let with_account = json.iter().filter(|f| f["account_id"].is_string()).count();
        assert_eq!(array(&findings).len(), with_account, "{}", s.name);
        for (i, f) in array(&findings).iter().enumerate() {
            let what = format!("{} finding {i}", s.name);
            assert_valid(&validator, &what, f);
            // BatchImportFindings refuses a finding over 240 KB.
            let size = serde_json::to_vec(f).expect("JSON").len();
            assert!(size < 240 * 1024, "{what}: {size} bytes");
        }
    }
}

#[test]
fn the_asff_shape_rejects_what_security_hub_refuses() {
    let cases: &[(&str, Break)] = &[
        ("a member ASFF does not define", |f| f["Check"] = json!("x")),
        ("no Resources", |f| {
            f.as_object_mut().map(|o| o.remove("Resources"));
        }),
        ("no CreatedAt", |f| {
            f.as_object_mut().map(|o| o.remove("CreatedAt"));
        }),
        ("a Title over 256 characters", |f| {
            f["Title"] = json!("t".repeat(257))
        }),
        ("a Description over 1024 characters", |f| {
            f["Description"] = json!("d".repeat(1025))
        }),
        ("a blank Description", |f| f["Description"] = json!("   ")),
        ("an 11-digit account", |f| {
            f["AwsAccountId"] = json!("12345678901")
        }),
        ("a severity label Security Hub does not know", |f| {
            f["Severity"]["Label"] = json!("SEVERE")
        }),
        ("a record state Security Hub does not know", |f| {
            f["RecordState"] = json!("DELETED")
        }),
        ("51 types", |f| {
            f["Types"] = json!(vec!["Software and Configuration Checks"; 51])
        }),
        ("51 product fields", |f| {
            for i in 0..51 {
                f["ProductFields"][format!("k{i}")] = json!("v");
            }
        }),
        ("a product field value over 2048 characters", |f| {
            f["ProductFields"]["k"] = json!("v".repeat(2049))
        }),
        ("a recommendation over 512 characters", |f| {
            f["Remediation"] = json!({ "Recommendation": { "Text": "r".repeat(513) } })
        }),
        ("33 resources", |f| {
            let one = f["Resources"][0].clone();
            f["Resources"] = json!(vec![one; 33]);
        }),
        ("an Other value over 1023 characters", |f| {
            f["Resources"][0]["Details"]["Other"] = json!({ "k": "v".repeat(1024) })
        }),
        ("a partition that is none", |f| {
            f["Resources"][0]["Partition"] = json!("aws-mars")
        }),
        (
            "a resource detail credreport does not write (its shape is not kept)",
            |f| f["Resources"][0]["Details"]["AwsIamGroup"] = json!({}),
        ),
    ];
    let validator = compiled(&asff_schema());
    let findings = output(&SCENARIOS[0], Format::Asff, Region::DEFAULT);
    let good = &array(&findings)[0];
    assert_valid(&validator, "unbroken", good);
    for (what, break_it) in cases {
        let mut f = good.clone();
        break_it(&mut f);
        assert!(!errors(&validator, &f).is_empty(), "accepted: {what}");
    }
}

fn label(severity: &str) -> &'static str {
    match severity {
        "info" => "INFORMATIONAL",
        "low" => "LOW",
        "medium" => "MEDIUM",
        "high" => "HIGH",
        "critical" => "CRITICAL",
        other => panic!("severity {other}"),
    }
}

fn is_zulu(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn asff_says_what_the_issue_asks_of_each_finding() {
    let (mut suppressed, mut archived) = (0, 0);
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for s in scenarios() {
        let findings = output(s, Format::Asff, "eu-west-1");
        let (json, checks) = json_output(s);
        let json: Vec<&Value> = json
            .iter()
            .filter(|f| f["account_id"].is_string())
            .collect();
        let mut seen = BTreeSet::new();
        for (a, f) in array(&findings).iter().zip(json) {
            let what = format!("{}: {}", s.name, f["fingerprint"]);
            let account = f["account_id"].as_str().expect("account");
            let check = &checks[f["check"].as_str().expect("check")];
            assert_eq!(a["SchemaVersion"], "2018-10-08", "{what}");
            assert_eq!(
                a["ProductArn"],
                format!("arn:aws:securityhub:eu-west-1:{account}:product/{account}/default"),
                "{what}"
            );
            assert_eq!(a["GeneratorId"], f["check"], "{what}");
            assert_eq!(a["AwsAccountId"], account, "{what}");
            assert_eq!(a["Title"], f["title"], "{what}");
            let severity = label(f["severity"].as_str().expect("severity"));
            assert_eq!(a["Severity"]["Label"], severity, "{what}");
            assert_eq!(
                a["FindingProviderFields"]["Severity"]["Label"], severity,
                "{what}"
            );
            assert_eq!(
                a["ProductFields"]["credreport/fingerprint"], f["fingerprint"],
                "{what}"
            );
            // Id: one per fingerprint, in this run and in every other.
            let id = a["Id"].as_str().expect("Id").to_owned();
            assert!(seen.insert(id.clone()), "{what}: Id {id} twice");
            let fingerprint = f["fingerprint"].as_str().expect("fingerprint").to_owned();
            let known = ids.entry(fingerprint).or_insert_with(|| id.clone());
            assert_eq!(*known, id, "{what}: another Id for the same fingerprint");
            for key in ["CreatedAt", "UpdatedAt"] {
                assert!(
                    is_zulu(a[key].as_str().unwrap_or_default()),
                    "{what}: {key}"
                );
            }
            let change = f["change"].as_str();
            let status = f["status"].as_str().expect("status");
            let expected = match (change, status) {
                (Some("resolved"), _) => ("PASSED", "ARCHIVED"),
                (_, "not_evaluated") => ("WARNING", "ACTIVE"),
                _ => ("FAILED", "ACTIVE"),
            };
            assert_eq!(a["Compliance"]["Status"], expected.0, "{what}");
            assert_eq!(a["RecordState"], expected.1, "{what}");
            archived += usize::from(expected.1 == "ARCHIVED");
            let workflow_suppressed = status == "suppressed" && change != Some("resolved");
            suppressed += usize::from(workflow_suppressed);
            assert_eq!(
                a["Workflow"]["Status"] == "SUPPRESSED",
                workflow_suppressed,
                "{what}"
            );
            let related = strings(&a["Compliance"]["RelatedRequirements"]);
            assert!(
                requirements(check).is_subset(&related),
                "{what}: {related:?}"
            );
            let resource = &a["Resources"][0];
            let credential = f["credential"].as_str().expect("credential");
            let role = f["arn"].as_str().is_some_and(|a| a.contains(":role/"));
            let expected_type = match (credential, f["user_kind"].as_str()) {
                (c, _) if c.starts_with("access_key") => "AwsIamAccessKey",
                (_, Some("root")) => "AwsAccount",
                _ if role => "AwsIamRole",
                _ => "AwsIamUser",
            };
            assert_eq!(resource["Type"], expected_type, "{what}");
            assert_eq!(resource["Region"], "eu-west-1", "{what}");
            if expected_type == "AwsIamRole" {
                assert_eq!(resource["Id"], f["arn"], "{what}");
                assert_eq!(
                    resource["Details"]["AwsIamRole"]["RoleName"], f["user"],
                    "{what}"
                );
            }
            if expected_type == "AwsIamAccessKey" {
                assert_eq!(resource["Id"], f["resource"], "{what}");
                assert!(resource["Details"]["AwsIamAccessKey"].is_object(), "{what}");
            }
            if expected_type == "AwsIamUser" {
                assert_eq!(resource["Id"], f["arn"], "{what}");
                assert_eq!(
                    resource["Details"]["AwsIamUser"]["UserName"], f["user"],
                    "{what}"
                );
            }
            let fix = f["remediation"].as_str().unwrap_or_default();
            let text = a["Remediation"]["Recommendation"]["Text"].as_str();
            match text {
                Some(text) => assert!(
                    text == fix || (fix.len() > 512 && text.ends_with('…')),
                    "{what}: {text}"
                ),
                None => assert!(fix.is_empty() || change == Some("resolved"), "{what}"),
            }
        }
    }
    assert!(suppressed > 0, "a suppressed finding was checked");
    assert!(archived > 0, "a resolved finding was checked");
}
