//! A stored report's findings as ASFF documents, written by the audit's own renderer
//! (`credreport audit --format asff`): the open ones, and those of an earlier report
//! that disappeared, rendered resolved (`RecordState` ARCHIVED, compliance PASSED).
//! Each document is kept with its `Id` and a digest of what it says, timestamps and
//! provenance aside, so a review can tell what Security Hub already has.

use anyhow::{anyhow, Context};
use credreport_audit::render::{renderer, Region};
use credreport_audit::{audit, AsOfSource, Baseline, Config, Format, Input, RenderOptions};
use credreport_report::Timestamp;
use serde_json::Value;

use crate::history::store::sha256_hex;

/// One ASFF finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    /// Its `Id` (`credreport/<check>/<SHA-256 of the fingerprint>`).
    pub id: String,
    /// What it says: see [`digest`].
    pub digest: String,
    /// The document.
    pub value: Value,
}

/// The fields a digest leaves out: when it was sent (set for each import) and the report
/// line it came from (`credreport/source`: a user added above it moves it, and that
/// changes nothing Security Hub shows about the finding).
const NOT_DIGESTED: [&str; 2] = ["CreatedAt", "UpdatedAt"];
const SOURCE_FIELD: &str = "credreport/source";

/// The SHA-256 of a document without its timestamps and report line.
pub fn digest(doc: &Value) -> String {
    let mut v = doc.clone();
    if let Some(o) = v.as_object_mut() {
        for k in NOT_DIGESTED {
            o.remove(k);
        }
        if let Some(fields) = o.get_mut("ProductFields").and_then(Value::as_object_mut) {
            fields.remove(SOURCE_FIELD);
        }
    }
    sha256_hex(v.to_string().as_bytes())
}

/// A report of the history: its id (names its findings' source), bytes and generation
/// time (its audit's as-of).
#[derive(Clone, Copy, Debug)]
pub struct Stored<'a> {
    pub id: i64,
    pub bytes: &'a [u8],
    pub generated: Timestamp,
}

impl Stored<'_> {
    fn name(&self) -> String {
        format!("history-report-{}", self.id)
    }
}

/// Runs the audit into the ASFF renderer and reads back its array.
fn render(
    config: &Config,
    region: &Region,
    as_of: Timestamp,
    inputs: Vec<Input<'_>>,
    baseline: Option<Baseline<'_>>,
) -> anyhow::Result<Vec<Doc>> {
    let mut out = Vec::new();
    {
        let mut sink = renderer(
            Format::Asff,
            Box::new(&mut out),
            RenderOptions {
                color: false,
                region: region.clone(),
            },
        );
        audit(
            config,
            as_of,
            AsOfSource::Given,
            inputs,
            baseline,
            sink.as_mut(),
        )
        .context("writing the ASFF findings")?;
    }
    let values: Vec<Value> = serde_json::from_slice(&out).context("reading the ASFF findings")?;
    values
        .into_iter()
        .map(|value| {
            let id = value["Id"]
                .as_str()
                .ok_or_else(|| anyhow!("an ASFF finding without an Id"))?
                .to_owned();
            Ok(Doc {
                id,
                digest: digest(&value),
                value,
            })
        })
        .collect()
}

/// The report's findings (failing, suppressed, not evaluated) as ASFF, as of its
/// generation time.
pub fn current(config: &Config, region: &Region, report: Stored<'_>) -> anyhow::Result<Vec<Doc>> {
    render(
        config,
        region,
        report.generated,
        vec![Input::new(report.name(), report.bytes)],
        None,
    )
}

/// Every finding of an earlier report, rendered as resolved now (`as_of`): ARCHIVED,
/// compliance PASSED, as `credreport audit --baseline` renders a finding that
/// disappeared.
pub fn resolved(
    config: &Config,
    region: &Region,
    earlier: Stored<'_>,
    as_of: Timestamp,
) -> anyhow::Result<Vec<Doc>> {
    render(
        config,
        region,
        as_of,
        Vec::new(),
        Some(Baseline {
            inputs: vec![Input::new(earlier.name(), earlier.bytes)],
            as_of: earlier.generated,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-01-01T00:00:00+00:00,2025-01-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text.as_bytes()).expect("time").0
    }

    #[test]
    fn current_findings_are_active_and_an_earlier_reports_are_archived_and_passed() {
        let region = Region::parse("eu-west-1").expect("region");
        let config = Config::default();
        let report = Stored {
            id: 7,
            bytes: REPORT.as_bytes(),
            generated: at("2026-03-01T09:00:00Z"),
        };
        let docs = current(&config, &region, report).expect("current");
        assert!(!docs.is_empty());
        for d in &docs {
            assert_eq!(d.value["RecordState"], "ACTIVE");
            assert_eq!(d.value["AwsAccountId"], "123456789012");
            assert!(d.id.starts_with("credreport/"), "{}", d.id);
            assert!(d.value["ProductArn"]
                .as_str()
                .is_some_and(|a| a.starts_with("arn:aws:securityhub:eu-west-1:")));
            assert!(d.value["ProductFields"]["credreport/source"]
                .as_str()
                .is_some_and(|s| s.starts_with("history-report-7:")));
        }
        let later = at("2026-03-02T09:00:00Z");
        let gone = resolved(&config, &region, report, later).expect("resolved");
        assert_eq!(
            gone.iter().map(|d| &d.id).collect::<Vec<_>>(),
            docs.iter().map(|d| &d.id).collect::<Vec<_>>(),
            "the same ids"
        );
        for d in &gone {
            assert_eq!(d.value["RecordState"], "ARCHIVED");
            assert_eq!(d.value["Compliance"]["Status"], "PASSED");
            assert_eq!(d.value["UpdatedAt"], "2026-03-02T09:00:00Z");
        }
    }

    #[test]
    fn a_digest_ignores_when_and_from_which_line_and_nothing_else() {
        let doc = serde_json::json!({
            "Id": "x", "CreatedAt": "a", "UpdatedAt": "b", "Title": "t",
            "ProductFields": { "credreport/source": "history-report-1:3", "credreport/age_days": "5" },
        });
        let cases = [
            ("CreatedAt", serde_json::json!("z"), true),
            ("UpdatedAt", serde_json::json!("z"), true),
            ("Title", serde_json::json!("u"), false),
        ];
        for (field, value, same) in cases {
            let mut other = doc.clone();
            other[field] = value;
            assert_eq!(digest(&other) == digest(&doc), same, "{field}");
        }
        let mut moved = doc.clone();
        moved["ProductFields"]["credreport/source"] = serde_json::json!("history-report-2:9");
        assert_eq!(digest(&moved), digest(&doc), "another report's line");
        let mut older = doc.clone();
        older["ProductFields"]["credreport/age_days"] = serde_json::json!("6");
        assert_ne!(digest(&older), digest(&doc), "an age is news");
    }
}
