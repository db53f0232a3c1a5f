//! JSON: one document, described by `schemas/findings.schema.json`.
//!
//! Written as it goes: the head, then each finding on its own line as it arrives, then the
//! summary. Nothing is kept, so memory does not grow with the findings.
//!
//! A finding is written by hand into a reused buffer (the bytes `serde_json` writes for
//! [`Finding`]'s `Serialize`, which a test checks), then handed to the writer in one call.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use crate::check::CheckId;
use crate::engine::Summary;
use crate::finding::{cell_text, Finding, FindingText};
use crate::render::{RunInfo, Sink};

/// The `format` of the document, and its version: bumped when a field changes meaning or
/// goes away (new fields may appear at any time).
pub const FORMAT: &str = "credreport-audit";
/// See [`FORMAT`].
pub const FORMAT_VERSION: u32 = 1;

pub(crate) struct Json<'w> {
    out: Box<dyn Write + 'w>,
    first: bool,
    buf: FindingJson,
}

impl<'w> Json<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>) -> Json<'w> {
        Json {
            out,
            first: true,
            buf: FindingJson::default(),
        }
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

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        let buf = &mut self.buf;
        buf.bytes.clear();
        buf.bytes
            .extend_from_slice(if self.first { b"\n    " } else { b",\n    " });
        self.first = false;
        buf.write(&finding);
        self.out.write_all(&buf.bytes)
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

/// Writes findings as compact JSON, reusing its buffers from one finding to the next.
#[derive(Debug, Default)]
pub(crate) struct FindingJson {
    /// The output.
    pub bytes: Vec<u8>,
    text: FindingText,
    key: String,
}

impl FindingJson {
    /// Appends `f` to `bytes`, as `serde_json::to_writer(&f)` would.
    pub(crate) fn write(&mut self, f: &Finding<'_>) {
        f.text_into(&mut self.text);
        self.key.clear();
        let _ = write!(self.key, "{}:{}", f.check, f.resource());
        let resource = &self.key[f.check.as_str().len() + 1..];
        let out = &mut self.bytes;
        out.extend_from_slice(b"{\"fingerprint\":");
        string(out, &self.key);
        out.extend_from_slice(b",\"check\":");
        string(out, f.check.as_str());
        out.extend_from_slice(b",\"title\":");
        string(out, f.check.info().title);
        out.extend_from_slice(b",\"severity\":");
        string(out, f.severity.name());
        out.extend_from_slice(b",\"base_severity\":");
        string(out, f.base_severity.name());
        out.extend_from_slice(b",\"privilege\":");
        string(out, f.privilege_name());
        out.extend_from_slice(b",\"status\":");
        string(out, f.status.name());
        out.extend_from_slice(b",\"change\":");
        match f.change {
            Some(c) => string(out, c.name()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"account_id\":");
        match f.account_id() {
            Some(a) => string(out, a),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"user\":");
        string(out, f.user());
        out.extend_from_slice(b",\"arn\":");
        string(out, f.arn());
        out.extend_from_slice(b",\"user_kind\":");
        string(out, f.user_kind.name());
        out.extend_from_slice(b",\"credential\":");
        string(out, f.credential.name());
        out.extend_from_slice(b",\"resource\":");
        string(out, resource);
        out.extend_from_slice(b",\"message\":");
        string(out, &self.text.message);
        out.extend_from_slice(b",\"remediation\":");
        string(out, &self.text.remediation);
        out.extend_from_slice(b",\"age_days\":");
        match f.age_days {
            Some(d) => integer(out, d.unsigned_abs(), d < 0),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"evidence\":[");
        for (i, e) in f.evidence_in(&self.text).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"column\":");
            string(out, e.column);
            out.extend_from_slice(b",\"value\":");
            cell_text(e.value, |v| string(out, v));
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"notes\":[");
        for (i, note) in self.text.notes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            string(out, note);
        }
        out.extend_from_slice(b"],\"suppression\":");
        match &f.suppression {
            Some(s) => {
                out.extend_from_slice(b"{\"state\":");
                string(
                    out,
                    match s.state {
                        crate::SuppressionState::Active => "active",
                        crate::SuppressionState::Expired => "expired",
                    },
                );
                out.extend_from_slice(b",\"reason\":");
                string(out, &s.reason);
                out.extend_from_slice(b",\"owner\":");
                string(out, &s.owner);
                out.extend_from_slice(b",\"expires\":");
                string(out, &s.expires);
                out.push(b'}');
            }
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"source\":");
        string(out, &f.source);
        out.extend_from_slice(b",\"line\":");
        integer(out, f.line, false);
        out.push(b'}');
    }
}

/// A JSON string, escaped as `serde_json` escapes it: `"` and `\\`, and control
/// characters as `\n`, `\t`, `\r`, `\b`, `\f` or `\u00xx`; everything else as is.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Zero exactly for a control character, `"` and `\\`.
    let key = |b: u8| b.saturating_sub(0x1f).min(b ^ b'"').min(b ^ b'\\');
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Blocks with nothing to escape (nearly all) are skipped whole.
        if clean_from(bytes, &mut i, key) {
            break;
        }
        let end = (i + BLOCK).min(bytes.len());
        while i < end {
            let b = bytes[i];
            i += 1;
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\t' => b"\\t",
                b'\r' => b"\\r",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => &[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ],
                _ => continue,
            };
            out.extend_from_slice(&bytes[start..i - 1]);
            out.extend_from_slice(escape);
            start = i;
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Moves `i` over the blocks of `bytes` in which `key` is non-zero for every byte (see
/// [`clean`]); true if that reaches the end, false if `i` is then at a block (of up to
/// [`BLOCK`] bytes) with a byte looked for.
#[inline(always)]
pub(crate) fn clean_from(bytes: &[u8], i: &mut usize, key: impl Fn(u8) -> u8 + Copy) -> bool {
    while let Some(block) = bytes[*i..].first_chunk::<BLOCK>() {
        if !clean(block, key) {
            return false;
        }
        *i += BLOCK;
    }
    // The last, shorter block, padded with a byte never looked for.
    let tail = &bytes[*i..];
    let mut block = [b'a'; BLOCK];
    block[..tail.len()].copy_from_slice(tail);
    if clean(&block, key) {
        *i = bytes.len();
        return true;
    }
    false
}

/// The block size of [`clean`].
pub(crate) const BLOCK: usize = 32;

/// Whether `key` is non-zero for every byte of `block`, `key` being zero for the bytes
/// looked for. Written as a minimum over the block, with no early exit, so that the
/// compiler tests the whole block in a few vector instructions (xor, saturating
/// subtraction and minimum of bytes).
#[inline(always)]
pub(crate) fn clean(block: &[u8; BLOCK], key: impl Fn(u8) -> u8) -> bool {
    let mut min = u8::MAX;
    for &b in block {
        min = min.min(key(b));
    }
    min != 0
}

/// A decimal integer, `-` first if `negative`.
pub(crate) fn integer(out: &mut Vec<u8>, n: u64, negative: bool) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        // A digit: n % 10 < 10 always fits in a u8.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (n % 10) as u8;
        digits[i] = b'0' + digit;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}
