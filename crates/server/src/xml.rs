//! IAM's XML envelopes, written by hand: 2-space indentation, the Result element first,
//! then ResponseMetadata, as real IAM responses are laid out.

use std::fmt::Write as _;

use credreport_report::Timestamp;

use crate::error::AwsError;

/// IAM's namespace.
pub const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// STS's namespace.
pub const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The body of a Result element, built element by element.
#[derive(Debug, Default)]
pub struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    /// An empty body at the depth of a Result's children.
    pub fn new() -> Xml {
        Xml {
            out: String::new(),
            depth: 2,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// `<name>text</name>` with the text escaped.
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Xml {
        self.indent();
        let _ = write!(self.out, "<{name}>");
        escape_into(&mut self.out, text);
        let _ = writeln!(self.out, "</{name}>");
        self
    }

    /// `<name>` with `bytes` in standard base64 (a blob), encoded straight into the body:
    /// a credential report is megabytes, and base64's alphabet needs no escaping.
    pub fn blob(&mut self, name: &str, bytes: &[u8]) -> &mut Xml {
        use base64::Engine as _;
        self.indent();
        let _ = write!(self.out, "<{name}>");
        base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut self.out);
        let _ = writeln!(self.out, "</{name}>");
        self
    }

    /// A timestamp leaf, `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn time(&mut self, name: &str, t: Timestamp) -> &mut Xml {
        self.leaf(name, &t.to_zulu())
    }

    /// A boolean leaf, `true`/`false`.
    pub fn bool(&mut self, name: &str, b: bool) -> &mut Xml {
        self.leaf(name, if b { "true" } else { "false" })
    }

    /// `<name>` … `</name>` around what `f` writes.
    pub fn node(&mut self, name: &str, f: impl FnOnce(&mut Xml)) -> &mut Xml {
        self.indent();
        let _ = writeln!(self.out, "<{name}>");
        self.depth += 1;
        f(self);
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{name}>");
        self
    }

    /// A list: `<name><member>…</member>…</name>`, or `<name/>` when empty.
    pub fn list<T>(
        &mut self,
        name: &str,
        items: &[T],
        mut f: impl FnMut(&mut Xml, &T),
    ) -> &mut Xml {
        if items.is_empty() {
            self.indent();
            let _ = writeln!(self.out, "<{name}/>");
            return self;
        }
        self.node(name, |x| {
            for item in items {
                x.node("member", |x| f(x, item));
            }
        })
    }
}

/// Escapes XML text. Runs of bytes that need no escaping are copied whole, and they are
/// found 64 bytes at a time with a branch-free test the compiler vectorizes: a credential
/// report's megabytes of base64 are scanned and copied once, not pushed a character at a
/// time. The five escaped characters are ASCII, so every slice boundary is a character
/// boundary.
pub fn escape_into(out: &mut String, text: &str) {
    const CHUNK: usize = 64;
    fn special(b: u8) -> bool {
        matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
    }
    out.reserve(text.len());
    let bytes = text.as_bytes();
    let mut start = 0; // the first byte not yet copied
    let mut at = 0; // the first byte not yet scanned
    while at < bytes.len() {
        let end = (at + CHUNK).min(bytes.len());
        let chunk = &bytes[at..end];
        if !chunk.iter().fold(false, |any, &b| any | special(b)) {
            at = end;
            continue;
        }
        for (i, &b) in chunk.iter().enumerate() {
            let entity = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&apos;",
                _ => continue,
            };
            out.push_str(&text[start..at + i]);
            out.push_str(entity);
            start = at + i + 1;
        }
        at = end;
    }
    out.push_str(&text[start..]);
}

/// `<{op}Response>` with `<{op}Result>` (when `result` is `Some`) and the request id.
pub fn response(op: &str, ns: &str, request_id: &str, result: Option<Xml>) -> String {
    // Sized once: a GetCredentialReport body is megabytes, and growing by doubling copies it.
    let body = result.as_ref().map_or(0, |r| r.out.len());
    let mut out = String::with_capacity(body + 2 * op.len() + ns.len() + request_id.len() + 160);
    let _ = writeln!(out, "<{op}Response xmlns=\"{ns}\">");
    if let Some(result) = result {
        let _ = writeln!(out, "  <{op}Result>");
        out.push_str(&result.out);
        let _ = writeln!(out, "  </{op}Result>");
    }
    let _ = write!(
        out,
        "  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</{op}Response>\n"
    );
    out
}

/// `<ErrorResponse>` as IAM writes it.
pub fn error_response(ns: &str, error: &AwsError, request_id: &str) -> String {
    let mut out = format!(
        "<ErrorResponse xmlns=\"{ns}\">\n  <Error>\n    <Type>{}</Type>\n    <Code>{}</Code>\n",
        error.fault(),
        error.code
    );
    if let Some(message) = &error.message {
        out.push_str("    <Message>");
        escape_into(&mut out, message);
        out.push_str("</Message>\n");
    }
    let _ = write!(
        out,
        "  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn started_response_matches_the_real_413_bytes() {
        // The real STARTED response (wire reference, section 5.7) is 413 bytes long.
        let mut x = Xml::new();
        x.leaf(
            "Description",
            "No report exists. Starting a new report generation task",
        )
        .leaf("State", "STARTED");
        let body = response(
            "GenerateCredentialReport",
            IAM_NS,
            "bdeddc97-b31b-11e6-b00d-4d3e5ee3c2da",
            Some(x),
        );
        assert_eq!(body.len(), 413, "{body}");
    }

    #[test]
    fn escaping() {
        let mut out = String::from("x");
        escape_into(&mut out, "");
        escape_into(&mut out, "plain/Base64+text==");
        escape_into(&mut out, "<a href=\"b\">it's & é</a>&");
        // Runs longer than the 64-byte scan, with specials at the chunk edges.
        let long = format!("{}&{}<{}", "a".repeat(63), "é".repeat(40), "b".repeat(64));
        let mut escaped = String::new();
        escape_into(&mut escaped, &long);
        assert_eq!(
            escaped,
            format!(
                "{}&amp;{}&lt;{}",
                "a".repeat(63),
                "é".repeat(40),
                "b".repeat(64)
            )
        );
        assert_eq!(
            out,
            "xplain/Base64+text==&lt;a href=&quot;b&quot;&gt;it&apos;s &amp; é&lt;/a&gt;&amp;"
        );
    }

    #[test]
    fn report_not_present_matches_the_real_224_bytes() {
        let e = AwsError {
            code: "ReportNotPresent",
            status: 410,
            message: None,
        };
        let body = error_response(IAM_NS, &e, "bdeddc97-b31b-11e6-b00d-4d3e5ee3c2da");
        assert_eq!(body.len(), 224, "{body}");
    }
}
