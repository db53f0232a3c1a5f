//! The OCSF and ASFF outputs' shape: a JSON array of one element per finding, written as
//! the findings come (`[`, each element indented on lines of its own, `]`). Nothing is
//! kept between elements but buffers.

use std::io::{self, Write};

use credreport_report::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::engine::Summary;
use crate::finding::{Finding, FindingText};
use crate::render::region::Region;
use crate::render::{RunInfo, Sink};

/// What an element is made with besides the finding and its words.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    /// The Region the findings are made (ASFF: imported) in.
    pub region: Region,
    /// The audit's as-of time.
    pub as_of: Timestamp,
    /// The tool's version.
    pub version: &'static str,
}

/// One finding as one element of the array, or as none (ASFF has no place for a finding
/// without an account).
pub(crate) type Element = fn(&Finding<'_>, &FindingText, &Context) -> Option<Value>;

/// A sink that writes each finding as an element of a JSON array.
pub(crate) struct ArraySink<'w> {
    out: Box<dyn Write + 'w>,
    array: JsonArray,
    element: Element,
    context: Context,
    text: FindingText,
}

impl<'w> ArraySink<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>, region: Region, element: Element) -> ArraySink<'w> {
        ArraySink {
            out,
            array: JsonArray::default(),
            element,
            context: Context {
                region,
                as_of: Timestamp::MIN,
                version: "",
            },
            text: FindingText::default(),
        }
    }
}

impl Sink for ArraySink<'_> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.context.as_of = run.as_of;
        self.context.version = run.version;
        self.array.begin(&mut self.out)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        finding.text_into(&mut self.text);
        match (self.element)(&finding, &self.text, &self.context) {
            Some(value) => self.array.push(&mut self.out, &value),
            None => Ok(()),
        }
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.array.end(&mut self.out)?;
        self.out.flush()
    }
}

#[derive(Debug, Default)]
pub(crate) struct JsonArray {
    started: bool,
    buf: Vec<u8>,
}

impl JsonArray {
    /// The opening bracket.
    pub(crate) fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[")
    }

    /// One element, pretty-printed and indented by two spaces.
    pub(crate) fn push(&mut self, out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
        self.buf.clear();
        self.buf
            .extend_from_slice(if self.started { b",\n  " } else { b"\n  " });
        self.started = true;
        let start = self.buf.len();
        serde_json::to_writer_pretty(&mut self.buf, value)?;
        // A JSON text has line breaks only between tokens (strings escape theirs), so
        // every one of them starts a line to indent.
        let mut indented = Vec::with_capacity(self.buf.len() * 9 / 8);
        indented.extend_from_slice(&self.buf[..start]);
        for &b in &self.buf[start..] {
            indented.push(b);
            if b == b'\n' {
                indented.extend_from_slice(b"  ");
            }
        }
        out.write_all(&indented)
    }

    /// The closing bracket and a line break.
    pub(crate) fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.started { b"\n]\n" } else { b"]\n" })
    }
}

#[cfg(test)]
mod tests {
    use super::JsonArray;
    use serde_json::json;

    #[test]
    fn elements_are_indented_and_the_array_parses() {
        for (values, expected) in [
            (vec![], "[]\n"),
            (vec![json!({"a": 1})], "[\n  {\n    \"a\": 1\n  }\n]\n"),
            (
                vec![json!({"a": "x\ny"}), json!([1])],
                "[\n  {\n    \"a\": \"x\\ny\"\n  },\n  [\n    1\n  ]\n]\n",
            ),
        ] {
            let mut out = Vec::new();
            let mut array = JsonArray::default();
            array.begin(&mut out).expect("write");
            for v in &values {
                array.push(&mut out, v).expect("write");
            }
            array.end(&mut out).expect("write");
            let text = String::from_utf8(out).expect("UTF-8");
            assert_eq!(text, expected);
            let back: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(back, serde_json::Value::Array(values));
        }
    }
}
