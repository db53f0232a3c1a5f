//! Golden outputs for every format, and the JSON and SARIF outputs validated against
//! their schemas: ours (`schemas/findings.schema.json`) and the official SARIF 2.1.0
//! schema (`schemas/sarif-2.1.0-rtm.5.json`, as shipped in Microsoft's
//! `@microsoft/jest-sarif` npm package, unmodified).
//!
//! Expected outputs live in `tests/golden/<case>.<ext>`; `UPDATE_GOLDEN=1 cargo test`
//! rewrites them for review.

mod common;

use common::{assert_valid, here, schema, Scenario, SCENARIOS};
use credreport_audit::{Format, RenderOptions};

fn render(s: &Scenario, format: Format) -> String {
    s.render(format, RenderOptions::default())
}

fn golden(case: &str, got: &str) {
    credreport_testkit::check_golden(&here().join("tests/golden").join(case), case, got);
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Table => "txt",
        Format::Json => "json",
        Format::Csv => "csv",
        Format::Sarif => "sarif",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Ocsf => "ocsf.json",
        Format::Asff => "asff.json",
    }
}

#[test]
fn golden_outputs_for_every_format() {
    for s in SCENARIOS {
        for format in Format::ALL {
            let got = render(s, format);
            golden(&format!("{}.{}", s.name, extension(format)), &got);
        }
    }
}

/// The official SARIF schema has one malformed `pattern` (`language`: `…]?$`, a stray
/// `]`), which JavaScript engines accept but the `jsonschema` crate's ECMA-262 check
/// rejects when it compiles the schema. Ajv users strip it the same way. It is dropped
/// here in memory only, and only that one keyword: our logs never write `language`.
fn sarif_validator() -> jsonschema::Validator {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    let mut schema = schema("sarif-2.1.0-rtm.5.json");
    fn strip(v: &mut serde_json::Value, removed: &mut usize) {
        match v {
            serde_json::Value::Object(map) => {
                if map.get("pattern").and_then(|p| p.as_str()) == Some(BROKEN) {
                    map.remove("pattern");
                    *removed += 1;
                }
                map.values_mut().for_each(|v| strip(v, removed));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| strip(v, removed)),
            _ => {}
        }
    }
    let mut removed = 0;
    strip(&mut schema, &mut removed);
    assert_eq!(
        removed, 2,
        "the vendored SARIF schema changed: revisit this workaround"
    );
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles")
}

fn findings_validator() -> jsonschema::Validator {
    let schema = schema("findings.schema.json");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("findings schema compiles")
}

fn assert_valid_json(validator: &jsonschema::Validator, what: &str, text: &str) {
    let doc: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    assert_valid(validator, what, &doc);
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let validator = sarif_validator();
    for s in SCENARIOS {
        assert_valid_json(&validator, s.name, &render(s, Format::Sarif));
    }
    // The validator does reject what is not SARIF.
    let bad = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"critical"}]}]}"#;
    assert!(!validator.is_valid(&serde_json::from_str(bad).expect("json")));
}

#[test]
fn json_is_valid_against_its_published_schema() {
    let validator = findings_validator();
    for s in SCENARIOS {
        assert_valid_json(&validator, s.name, &render(s, Format::Json));
    }
    let mut doc: serde_json::Value =
        serde_json::from_str(&render(&SCENARIOS[0], Format::Json)).expect("json");
    doc["findings"][0]["status"] = "pass".into();
    assert!(
        !validator.is_valid(&doc),
        "the schema rejects an unknown status"
    );
}

#[test]
fn csv_has_one_row_per_finding_and_parses() {
    let text = render(&SCENARIOS[0], Format::Csv);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(headers.len(), 26);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let json: serde_json::Value =
        serde_json::from_str(&render(&SCENARIOS[0], Format::Json)).expect("json");
    assert_eq!(rows.len(), json["findings"].as_array().map_or(0, Vec::len));
}

#[test]
fn html_is_self_contained() {
    let html = render(&SCENARIOS[2], Format::Html);
    for outside in ["http://", "https://", "src=", "@import", "url("] {
        assert!(
            !html.contains(outside),
            "HTML refers outside itself: {outside}"
        );
    }
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert!(html.contains("Credential age"), "age distribution chart");
    assert!(
        html.contains("Findings by check"),
        "findings by check chart"
    );
}
