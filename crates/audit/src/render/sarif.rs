//! SARIF 2.1.0 (OASIS), for code-scanning upload. Valid against the official schema
//! (`schemas/sarif-2.1.0-rtm.5.json`, checked by the tests).
//!
//! - One rule per check, with its CIS and Security Hub ids in the rule's properties and a
//!   `security-severity` GitHub code scanning sorts by.
//! - One result per finding, located at the report file and the row's line, with the
//!   resource as a logical location and its fingerprint in `partialFingerprints`.
//! - Suppressed findings carry a SARIF `suppressions` entry (status `accepted`); findings
//!   that could not be evaluated are results of kind `open` ("the tool could not
//!   determine whether the result is pass or fail"), level `none`.
//! - With a baseline, `baselineState` is `new`, `unchanged` or `absent`.
//!
//! Written as it goes: results stream between a head and a tail.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::check::CheckId;
use crate::engine::Summary;
use crate::finding::{Change, Finding, Status, SuppressionState};
use crate::render::{RunInfo, Sink};

/// The `$schema` written in the log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(crate) struct Sarif<'w> {
    out: Box<dyn Write + 'w>,
    first: bool,
}

impl<'w> Sarif<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>) -> Sarif<'w> {
        Sarif { out, first: true }
    }
}

fn rule(id: CheckId, run: &RunInfo) -> Value {
    let info = id.info();
    let setting = run.config.check(id);
    let mut tags = vec!["security".to_owned(), "aws-iam".to_owned()];
    if let Some(cis) = info.cis {
        tags.push(format!("CIS-{}", cis.v1_4));
    }
    tags.extend(info.fsbp.iter().map(|c| format!("FSBP-{c}")));
    let cis = info.cis.map(|c| {
        c.by_version()
            .into_iter()
            .map(|(v, n)| (v.to_owned(), json!(n)))
            .collect::<serde_json::Map<_, _>>()
    });
    let mapping = match info.cis {
        Some(c) => format!("CIS AWS Foundations: {}. ", c.compact()),
        None => String::new(),
    };
    let fsbp = if info.fsbp.is_empty() {
        String::new()
    } else {
        format!("AWS Security Hub: {}.", info.fsbp.join(", "))
    };
    json!({
        "id": id.as_str(),
        "name": pascal(id.as_str()),
        "shortDescription": { "text": info.title },
        "fullDescription": { "text": info.description },
        "help": {
            "text": format!("{} {mapping}{fsbp}", info.description).trim_end(),
            "markdown": format!("**{}**\n\n{}\n\n{mapping}{fsbp}", info.title, info.description).trim_end(),
        },
        "defaultConfiguration": {
            "enabled": setting.enabled,
            "level": setting.severity.sarif_level(),
        },
        "properties": {
            "tags": tags,
            "precision": "very-high",
            "security-severity": setting.severity.security_severity(),
            "severity": setting.severity,
            "cis": cis,
            "fsbp": info.fsbp,
        },
    })
}

fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

/// A relative URI reference for a report's name: unreserved characters and `/` as they
/// are, everything else percent-encoded; standard input is `stdin`.
pub(crate) fn uri(name: &str) -> String {
    if name == "<stdin>" {
        return "stdin".to_owned();
    }
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result(f: &Finding<'_>) -> Value {
    let resource = f.resource().to_string();
    let mut location = json!({
        "physicalLocation": { "artifactLocation": { "uri": uri(&f.source) } },
        "logicalLocations": [{
            "name": f.credential.name(),
            "fullyQualifiedName": resource,
            "kind": "resource",
        }],
    });
    if f.line > 0 {
        location["physicalLocation"]["region"] = json!({ "startLine": f.line });
    }
    let (kind, level) = match f.status {
        Status::NotEvaluated => ("open", "none"),
        Status::Fail | Status::Suppressed => ("fail", f.severity.sarif_level()),
    };
    let words = f.text();
    let text = if words.remediation.is_empty() {
        words.message.clone()
    } else {
        format!("{}. Fix: {}", words.message, words.remediation)
    };
    let evidence: serde_json::Map<String, Value> = f
        .evidence_in(&words)
        .map(|e| (e.column.to_owned(), json!(e.text())))
        .collect();
    let mut r = json!({
        "ruleId": f.check.as_str(),
        "ruleIndex": f.check as usize,
        "kind": kind,
        "level": level,
        "message": { "text": text },
        "locations": [location],
        "partialFingerprints": { "credreportFingerprint/v1": f.fingerprint() },
        "properties": {
            "severity": f.severity,
            "baseSeverity": f.base_severity,
            "privilege": f.privilege_name(),
            "status": f.status,
            "accountId": f.account_id(),
            "user": f.user(),
            "userKind": f.user_kind,
            "resource": resource,
            "remediation": words.remediation,
            "ageDays": f.age_days,
            "evidence": evidence,
            "notes": words.notes,
        },
    });
    if let Some(change) = f.change {
        r["baselineState"] = json!(match change {
            Change::New => "new",
            Change::Persisting => "unchanged",
            Change::Resolved => "absent",
        });
    }
    if let Some(s) = &f.suppression {
        match s.state {
            SuppressionState::Active => {
                r["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} (owner {}, expires {})", s.reason, s.owner, s.expires),
                }]);
            }
            SuppressionState::Expired => {
                r["properties"]["expiredSuppression"] = json!(s);
            }
        }
    }
    r
}

impl Sink for Sarif<'_> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        let rules: Vec<Value> = CheckId::ALL.iter().map(|&id| rule(id, run)).collect();
        let tool = json!({
            "driver": {
                "name": run.tool,
                "version": run.version,
                "semanticVersion": run.version,
                "rules": rules,
            }
        });
        write!(
            self.out,
            "{{\n  \"$schema\": \"{SCHEMA_URI}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": "
        )?;
        serde_json::to_writer(&mut self.out, &tool)?;
        write!(self.out, ",\n      \"results\": [")?;
        Ok(())
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        self.out.write_all(if self.first {
            b"\n        "
        } else {
            b",\n        "
        })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, &result(&finding))?;
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"]" } else { b"\n      ]" })?;
        let mut notifications = Vec::new();
        for input in summary.inputs.iter().chain(&summary.baseline) {
            for e in &input.errors {
                let line = e
                    .split(':')
                    .next()
                    .and_then(|l| l.parse::<u64>().ok())
                    .filter(|&l| l > 0);
                let mut location = json!({
                    "physicalLocation": { "artifactLocation": { "uri": uri(&input.name) } }
                });
                if let Some(line) = line {
                    location["physicalLocation"]["region"] = json!({ "startLine": line });
                }
                notifications.push(json!({
                    "level": "error",
                    "message": { "text": format!("{}:{e}", input.name) },
                    "locations": [location],
                }));
            }
            if input.error_count > input.errors.len() as u64 {
                notifications.push(json!({
                    "level": "error",
                    "message": { "text": format!(
                        "{}: {} more errors not listed",
                        input.name,
                        input.error_count - input.errors.len() as u64
                    ) },
                }));
            }
        }
        for note in &summary.notes {
            notifications.push(json!({ "level": "warning", "message": { "text": note } }));
        }
        let invocation = json!({
            "executionSuccessful": !summary.has_errors(),
            "toolExecutionNotifications": notifications,
        });
        write!(self.out, ",\n      \"invocations\": [")?;
        serde_json::to_writer(&mut self.out, &invocation)?;
        write!(self.out, "],\n      \"properties\": ")?;
        serde_json::to_writer(
            &mut self.out,
            &json!({ "summary": summary.tally, "reports": summary.inputs }),
        )?;
        writeln!(self.out, "\n    }}\n  ]\n}}")?;
        self.out.flush()
    }
}
