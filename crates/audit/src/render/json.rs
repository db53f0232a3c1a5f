//! JSON: one document, described by `schemas/findings.schema.json`.
//!
//! Written as it goes: the head, then each finding on its own line as it arrives, then the
//! summary. Nothing is kept, so memory does not grow with the findings.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use crate::check::CheckId;
use crate::engine::Summary;
use crate::finding::Finding;
use crate::render::{RunInfo, Sink};

/// The `format` of the document, and its version: bumped when a field changes meaning or
/// goes away (new fields may appear at any time).
pub const FORMAT: &str = "credreport-audit";
/// See [`FORMAT`].
pub const FORMAT_VERSION: u32 = 1;

pub(crate) struct Json<'w> {
    out: Box<dyn Write + 'w>,
    first: bool,
}

impl<'w> Json<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>) -> Json<'w> {
        Json { out, first: true }
    }

    fn field(&mut self, name: &str, value: &impl Serialize) -> io::Result<()> {
        write!(self.out, ",\n  \"{name}\": ")?;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }
}

impl Sink for Json<'_> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        write!(
            self.out,
            "{{\n  \"format\": \"{FORMAT}\",\n  \"format_version\": {FORMAT_VERSION}"
        )?;
        self.field("tool", &json!({ "name": run.tool, "version": run.version }))?;
        self.field("as_of", &run.as_of.to_zulu())?;
        self.field("as_of_source", &run.as_of_source)?;
        self.field("inputs", &run.inputs)?;
        self.field("baseline", &run.baseline)?;
        let thresholds = |t: &crate::Thresholds| {
            t.entries()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), json!(v)))
                .collect::<serde_json::Map<_, _>>()
        };
        self.field(
            "thresholds",
            &json!({
                "human": thresholds(&run.config.human),
                "machine": thresholds(&run.config.machine),
            }),
        )?;
        write!(self.out, ",\n  \"findings\": [")?;
        Ok(())
    }

    fn finding(&mut self, finding: Finding) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"\n    " } else { b",\n    " })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, &finding)?;
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"]" } else { b"\n  ]" })?;
        self.field("summary", &summary.tally)?;
        let checks: Vec<_> = summary
            .checks
            .iter()
            .map(|(id, setting, counts)| check_json(*id, setting, counts))
            .collect();
        write!(self.out, ",\n  \"checks\": [")?;
        for (i, c) in checks.iter().enumerate() {
            self.out
                .write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            serde_json::to_writer(&mut self.out, c)?;
        }
        write!(self.out, "\n  ]")?;
        self.field("reports", &summary.inputs)?;
        self.field("baseline_reports", &summary.baseline)?;
        let suppressions: Vec<_> = summary
            .suppressions
            .iter()
            .map(|(s, hits)| {
                json!({
                    "check": s.check.map_or("*", CheckId::as_str),
                    "resource": s.resource.as_ref().map(|g| g.as_str()),
                    "user": s.user.as_ref().map(|g| g.as_str()),
                    "account": s.account,
                    "reason": s.reason,
                    "owner": s.owner,
                    "expires": s.expires.to_zulu(),
                    "suppressed": hits.suppressed,
                    "expired_matches": hits.expired,
                })
            })
            .collect();
        self.field("suppressions", &suppressions)?;
        self.field("stats", &summary.stats)?;
        self.field("notes", &summary.notes)?;
        writeln!(self.out, "\n}}")?;
        self.out.flush()
    }
}

pub(crate) fn check_json(
    id: CheckId,
    setting: &crate::CheckSetting,
    counts: &crate::CheckCounts,
) -> serde_json::Value {
    let info = id.info();
    let cis = info.cis.map(|c| {
        c.by_version()
            .into_iter()
            .map(|(v, n)| (v.to_owned(), json!(n)))
            .collect::<serde_json::Map<_, _>>()
    });
    json!({
        "id": id,
        "title": info.title,
        "severity": setting.severity,
        "default_severity": info.severity,
        "enabled": setting.enabled,
        "scope": info.scope,
        "cis": cis,
        "fsbp": info.fsbp,
        "description": info.description,
        "counts": counts,
    })
}
