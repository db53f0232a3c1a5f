//! IAM's XML envelopes, written by hand: 2-space indentation, the Result element first,
//! then ResponseMetadata, as real IAM responses are laid out.

use std::fmt::Write as _;

use bytes::Bytes;
use credreport_report::Timestamp;

use crate::body::Chunks;
use crate::error::AwsError;

/// IAM's namespace.
pub const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// STS's namespace.
pub const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The body of a Result element, built element by element.
#[derive(Debug, Default)]
pub struct Xml {
    /// What was written before the last shared text, in order.
    done: Vec<Bytes>,
    out: String,
    depth: usize,
}

/// Bytes in standard base64: text that XML never needs to escape. Only [`Base64Text::encode`]
/// makes one, so shared text written by [`Xml::shared`] cannot break the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base64Text(Bytes);

impl Base64Text {
    /// Encodes `bytes` (RFC 4648 base64, padded).
    pub fn encode(bytes: &[u8]) -> Base64Text {
        Base64Text(Bytes::from(
            base64_simd::STANDARD.encode_type::<Vec<u8>>(bytes),
        ))
    }

    /// Encodes the bytes an [`Base64Encoder`] was given.
    fn of(mut encoder: Base64Encoder) -> Base64Text {
        let whole = encoder.pending.len();
        encoder.encode(whole);
        Base64Text(Bytes::from(encoder.out))
    }

    /// The encoded length.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it encodes nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether both are the same buffer (not a copy).
    #[cfg(test)]
    pub(crate) fn same_buffer(&self, other: &Base64Text) -> bool {
        self.0.as_ptr() == other.0.as_ptr() && self.0.len() == other.0.len()
    }
}

/// Base64 made as the bytes come, so that a text of megabytes is never held whole beside
/// its encoding: whole groups of three bytes are encoded once [`ENCODE_RUN`] bytes wait, the
/// rest waits for the next bytes or the end ([`Base64Encoder::finish`]).
#[derive(Debug)]
pub struct Base64Encoder {
    out: Vec<u8>,
    pending: Vec<u8>,
}

/// How many bytes wait before they are encoded (a multiple of three, so runs of the
/// vector encoder are long and no group is split).
const ENCODE_RUN: usize = 3 * 1024;

impl Base64Encoder {
    /// An encoder with room for about `expected` bytes of text (room not written to is
    /// never touched).
    pub fn with_room(expected: usize) -> Base64Encoder {
        Base64Encoder {
            out: Vec::with_capacity(expected.div_ceil(3) * 4),
            pending: Vec::with_capacity(ENCODE_RUN + 512),
        }
    }

    /// Forgets everything given so far.
    pub fn clear(&mut self) {
        self.out.clear();
        self.pending.clear();
    }

    /// The next bytes of the text.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= ENCODE_RUN {
            self.encode(self.pending.len() / 3 * 3);
        }
    }

    /// The text given, encoded; the encoder is left empty, with its room.
    pub fn finish(&mut self) -> Base64Text {
        let room = self.out.capacity();
        Base64Text::of(std::mem::replace(
            self,
            Base64Encoder::with_room(room / 4 * 3),
        ))
    }

    /// Encodes the first `n` pending bytes (a multiple of three but at the end).
    fn encode(&mut self, n: usize) {
        let at = self.out.len();
        self.out
            .resize(at + base64_simd::STANDARD.encoded_length(n), 0);
        let written = base64_simd::STANDARD
            .encode(
                &self.pending[..n],
                base64_simd::Out::from_slice(&mut self.out[at..]),
            )
            .len();
        debug_assert_eq!(at + written, self.out.len());
        self.pending.drain(..n);
    }
}

impl Xml {
    /// An empty body at the depth of a Result's children.
    pub fn new() -> Xml {
        Xml {
            done: Vec::new(),
            out: String::new(),
            depth: 2,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open_tag(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    fn close_tag(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name>text</name>` with the text escaped.
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Xml {
        self.leaf_parts(name, &[text])
    }

    /// `<name>text</name>` where the text is `parts` one after the other, each escaped (an
    /// ARN, say, without building it first).
    pub fn leaf_parts(&mut self, name: &str, parts: &[&str]) -> &mut Xml {
        self.open_tag(name);
        for part in parts {
            escape_into(&mut self.out, part);
        }
        self.close_tag(name);
        self
    }

    /// `<name>` with `bytes` in standard base64 (a blob).
    pub fn blob(&mut self, name: &str, bytes: &[u8]) -> &mut Xml {
        self.shared(name, &Base64Text::encode(bytes))
    }

    /// `<name>` around base64 text that is shared, not copied: the body sends the same
    /// buffer (a cached credential report's megabytes, say).
    pub fn shared(&mut self, name: &str, text: &Base64Text) -> &mut Xml {
        self.open_tag(name);
        self.done.push(Bytes::from(std::mem::take(&mut self.out)));
        self.done.push(text.0.clone());
        self.close_tag(name);
        self
    }

    /// A timestamp leaf, `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn time(&mut self, name: &str, t: Timestamp) -> &mut Xml {
        self.open_tag(name);
        // Digits, dashes, colons, `T` and `Z`: nothing to escape.
        for b in t.to_zulu_bytes() {
            self.out.push(char::from(b));
        }
        self.close_tag(name);
        self
    }

    /// A boolean leaf, `true`/`false`.
    pub fn bool(&mut self, name: &str, b: bool) -> &mut Xml {
        self.leaf(name, if b { "true" } else { "false" })
    }

    /// `<name>` … `</name>` around what `f` writes.
    pub fn node(&mut self, name: &str, f: impl FnOnce(&mut Xml)) -> &mut Xml {
        self.open_tag(name);
        self.out.push('\n');
        self.depth += 1;
        f(self);
        self.depth -= 1;
        self.indent();
        self.close_tag(name);
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
        // A list's members run to a few hundred bytes each (a user is about 300).
        self.out.reserve(items.len() * 320);
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
pub fn response(op: &str, ns: &str, request_id: &str, result: Option<Xml>) -> Chunks {
    let mut body = Chunks::default();
    let mut out = String::with_capacity(2 * op.len() + ns.len() + request_id.len() + 160);
    let _ = writeln!(out, "<{op}Response xmlns=\"{ns}\">");
    if let Some(result) = result {
        let _ = writeln!(out, "  <{op}Result>");
        body.push(out);
        for chunk in result.done {
            body.push(chunk);
        }
        body.push(result.out);
        out = format!("  </{op}Result>\n");
    }
    let _ = write!(
        out,
        "  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</{op}Response>\n"
    );
    body.push(out);
    body
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
    fn base64_is_rfc_4648_section_10s_test_vectors() {
        let cases: [(&[u8], &[u8]); 7] = [
            (b"", b""),
            (b"f", b"Zg=="),
            (b"fo", b"Zm8="),
            (b"foo", b"Zm9v"),
            (b"foob", b"Zm9vYg=="),
            (b"fooba", b"Zm9vYmE="),
            (b"foobar", b"Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(Base64Text::encode(plain).0, encoded, "{plain:?}");
        }
    }

    #[test]
    fn base64_made_as_the_bytes_come_is_the_texts_in_one_piece() {
        let text: Vec<u8> = (0..20_011u32).map(|i| (i * 13 % 256) as u8).collect();
        // Pieces of every length modulo 3, and runs across the encoder's threshold.
        for piece in [1, 2, 3, 4, 5, 176, 177, 178, 3071, 3072, 3073, 20_011] {
            let mut encoder = Base64Encoder::with_room(64);
            for attempt in 0..2 {
                encoder.push(b"void: restarted");
                encoder.clear();
                text.chunks(piece).for_each(|c| encoder.push(c));
                assert_eq!(
                    encoder.finish(),
                    Base64Text::encode(&text),
                    "pieces of {piece}, attempt {attempt}"
                );
            }
        }
        assert_eq!(
            Base64Encoder::with_room(0).finish(),
            Base64Text::encode(b"")
        );
    }

    #[test]
    fn base64_of_a_report_sized_text_is_the_reference_encoders() {
        use base64::Engine as _;
        // Every byte value, at every offset modulo 3, long enough for the vector loops.
        let text: Vec<u8> = (0..100_003u32).map(|i| (i * 7 % 256) as u8).collect();
        for start in 0..3 {
            let expected = base64::engine::general_purpose::STANDARD.encode(&text[start..]);
            assert_eq!(
                Base64Text::encode(&text[start..]).0,
                expected.as_bytes(),
                "from {start}"
            );
        }
    }

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
        assert_eq!(
            body.len(),
            413,
            "{}",
            String::from_utf8_lossy(&body.to_vec())
        );
    }

    /// Shared text lands between its tags, with the elements around it in order.
    #[test]
    fn shared_text_is_written_in_place() {
        let mut x = Xml::new();
        x.leaf("Before", "a&b")
            .blob("Content", b"user,arn\n")
            .time("GeneratedTime", Timestamp::from_unix(0).unwrap());
        let body = response("GetCredentialReport", IAM_NS, "id", Some(x)).to_vec();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "<GetCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n  <GetCredentialReportResult>\n    <Before>a&amp;b</Before>\n    <Content>dXNlcixhcm4K</Content>\n    <GeneratedTime>1970-01-01T00:00:00Z</GeneratedTime>\n  </GetCredentialReportResult>\n  <ResponseMetadata>\n    <RequestId>id</RequestId>\n  </ResponseMetadata>\n</GetCredentialReportResponse>\n"
        );
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
