//! The CSV lexer: RFC 4180 records out of a byte stream, made for the credential report.
//!
//! Real reports never quote, so a line without `"` is split with `memchr` straight from the
//! input buffer: no copy, no per-byte state machine. A line with a `"` goes through an RFC
//! 4180 state machine into a scratch buffer (`""` is a quote; commas and line breaks inside
//! quotes are data). A record ends at LF outside quotes; a CR just before it belongs to the
//! line end (CRLF). Line numbers are the file's own, including lines inside quoted fields.
//! A leading UTF-8 byte order mark is skipped. Memory is the input buffer, which only grows
//! for a record longer than it, up to [`MAX_RECORD`].

use std::io::{self, Read};
use std::ops::Range;

/// The longest record accepted, in bytes (a real report row is a few hundred).
pub(crate) const MAX_RECORD: usize = 1 << 20;

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";
const BUFFER: usize = 64 * 1024;

/// Reads records one at a time; each is valid until the next call.
#[derive(Debug)]
pub(crate) struct Lexer<R> {
    inner: R,
    buf: Vec<u8>,
    /// The first byte not yet consumed.
    start: usize,
    /// The end of the bytes read.
    end: usize,
    eof: bool,
    started: bool,
    /// The line the next record starts on.
    next_line: u64,
    /// The current record: its first line, whether its fields live in `scratch`, and
    /// the fields' byte ranges (in `buf`, or in `scratch` for a quoted record).
    line: u64,
    quoted: bool,
    fields: Vec<Range<usize>>,
    scratch: Vec<u8>,
    /// What the lexer hides from its caller, for the diagnostics.
    pub(crate) bom: bool,
    pub(crate) crlf: bool,
    pub(crate) last_byte: Option<u8>,
}

impl<R> Lexer<R> {
    /// The line the current record starts on (1-based).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The number of fields of the current record.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// Field `i` of the current record (empty past the end).
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        let Some(r) = self.fields.get(i) else {
            return &[];
        };
        let source = if self.quoted {
            &self.scratch
        } else {
            &self.buf
        };
        source.get(r.clone()).unwrap_or_default()
    }
}

impl<R: Read> Lexer<R> {
    pub(crate) fn new(inner: R) -> Lexer<R> {
        Lexer {
            inner,
            buf: vec![0; BUFFER],
            start: 0,
            end: 0,
            eof: false,
            started: false,
            next_line: 1,
            line: 0,
            quoted: false,
            fields: Vec::with_capacity(32),
            scratch: Vec::new(),
            bom: false,
            crlf: false,
            last_byte: None,
        }
    }

    /// Reads the next record; `false` at the end of the input. Empty lines are skipped.
    pub(crate) fn next_record(&mut self) -> io::Result<bool> {
        if !self.started {
            self.start_input()?;
        }
        loop {
            let Some((record_end, newline, has_quote)) = self.find_record_end()? else {
                return Ok(false);
            };
            let record_start = self.start;
            let line_start = self.next_line;
            // The record's own bytes, without the line end (LF, or CRLF).
            let mut content_end = record_end;
            if newline && content_end > record_start && self.buf[content_end - 1] == b'\r' {
                content_end -= 1;
                self.crlf = true;
            }
            self.start = if newline { record_end + 1 } else { record_end };
            let bytes = &self.buf[record_start..content_end];
            let inner_lines = if has_quote {
                memchr::memchr_iter(b'\n', bytes).count() as u64
            } else {
                0
            };
            self.next_line = line_start + inner_lines + u64::from(newline);
            if bytes.is_empty() {
                continue;
            }
            self.line = line_start;
            self.fields.clear();
            if has_quote {
                self.quoted = true;
                decode_quoted(
                    &self.buf[record_start..content_end],
                    &mut self.scratch,
                    &mut self.fields,
                );
            } else {
                self.quoted = false;
                let mut from = record_start;
                for comma in memchr::memchr_iter(b',', bytes) {
                    self.fields.push(from..record_start + comma);
                    from = record_start + comma + 1;
                }
                self.fields.push(from..content_end);
            }
            return Ok(true);
        }
    }

    /// Where the record starting at `start` ends (the index of its LF, or the end of the
    /// input), whether an LF ends it, and whether it holds a quote; `None` when nothing is
    /// left.
    fn find_record_end(&mut self) -> io::Result<Option<(usize, bool, bool)>> {
        let mut pos = self.start;
        let mut in_quotes = false;
        let mut quoted = false;
        loop {
            let hay = &self.buf[pos..self.end];
            let found = if in_quotes {
                memchr::memchr(b'"', hay)
            } else {
                memchr::memchr2(b'\n', b'"', hay)
            };
            match found {
                Some(i) if hay[i] == b'\n' => return Ok(Some((pos + i, true, quoted))),
                Some(i) => {
                    in_quotes = !in_quotes;
                    quoted = true;
                    pos += i + 1;
                    continue;
                }
                None => pos = self.end,
            }
            if self.eof {
                return Ok((self.start < self.end).then_some((self.end, false, quoted)));
            }
            let shift = self.fill()?;
            pos -= shift;
        }
    }

    /// Moves the unconsumed bytes to the front (answering by how much) and reads more,
    /// growing the buffer when one record fills it.
    fn fill(&mut self) -> io::Result<usize> {
        let shift = self.start;
        if shift > 0 {
            self.buf.copy_within(shift..self.end, 0);
            self.end -= shift;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_RECORD {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a record is longer than {} bytes (no line end found)",
                        MAX_RECORD
                    ),
                ));
            }
            self.buf.resize((self.buf.len() * 2).min(MAX_RECORD), 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.last_byte = Some(self.buf[self.end + n - 1]);
                    self.end += n;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(shift)
    }

    /// The first read: enough bytes to see a whole byte order mark, which is skipped.
    fn start_input(&mut self) -> io::Result<()> {
        self.started = true;
        while self.end < BOM.len() && !self.eof {
            self.fill()?;
        }
        if self.buf[..self.end].starts_with(BOM) {
            self.bom = true;
            self.start = BOM.len();
        }
        Ok(())
    }
}

/// Decodes a record with quotes into `out`, one range per field. `""` inside quotes is a
/// quote; a quote elsewhere opens or closes quoting (lenient, and the same rule
/// `find_record_end` counts by, so both agree on where a record ends).
fn decode_quoted(record: &[u8], out: &mut Vec<u8>, fields: &mut Vec<Range<usize>>) {
    out.clear();
    let mut field_start = 0;
    let mut in_quotes = false;
    let mut i = 0;
    while i < record.len() {
        let b = record[i];
        match (in_quotes, b) {
            (true, b'"') if record.get(i + 1) == Some(&b'"') => {
                out.push(b'"');
                i += 1;
            }
            (_, b'"') => in_quotes = !in_quotes,
            (false, b',') => {
                fields.push(field_start..out.len());
                field_start = out.len();
            }
            _ => out.push(b),
        }
        i += 1;
    }
    fields.push(field_start..out.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `input` as (line, fields), read through 1-byte reads too.
    fn lex(input: &[u8]) -> Vec<(u64, Vec<String>)> {
        let read = |lexer: &mut Lexer<&mut dyn Read>| {
            let mut out = Vec::new();
            while lexer.next_record().unwrap() {
                let fields = (0..lexer.len())
                    .map(|i| String::from_utf8_lossy(lexer.field(i)).into_owned())
                    .collect();
                out.push((lexer.line(), fields));
            }
            out
        };
        let mut whole: &[u8] = input;
        let got = read(&mut Lexer::new(&mut whole as &mut dyn Read));
        let mut trickle = Trickle(input);
        assert_eq!(
            read(&mut Lexer::new(&mut trickle as &mut dyn Read)),
            got,
            "1-byte reads agree"
        );
        got
    }

    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    fn rec(line: u64, fields: &[&str]) -> (u64, Vec<String>) {
        (line, fields.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn records_fields_and_lines() {
        assert_eq!(lex(b"a,b\nc,d"), [rec(1, &["a", "b"]), rec(2, &["c", "d"])]);
        assert_eq!(
            lex(b"a,b\r\nc,d\r\n"),
            [rec(1, &["a", "b"]), rec(2, &["c", "d"])]
        );
        assert_eq!(
            lex(b"\xEF\xBB\xBFa,,b\n\n\nc"),
            [rec(1, &["a", "", "b"]), rec(4, &["c"])]
        );
        assert_eq!(
            lex(b"\"x,y\",\"say \"\"hi\"\"\"\nz"),
            [rec(1, &["x,y", "say \"hi\""]), rec(2, &["z"])]
        );
        // A line break inside quotes is data, and the lines after it are counted.
        assert_eq!(
            lex(b"\"a\nb\",c\nd"),
            [rec(1, &["a\nb", "c"]), rec(3, &["d"])]
        );
        // A CR that is not part of a line end stays in the field.
        assert_eq!(lex(b"a\rb,c"), [rec(1, &["a\rb", "c"])]);
        assert_eq!(lex(b""), []);
        assert_eq!(lex(b"\n\r\n"), []);
    }

    #[test]
    fn a_record_longer_than_the_limit_is_an_error_not_memory() {
        let junk = vec![b'x'; MAX_RECORD + 10];
        let mut lexer = Lexer::new(&junk[..]);
        assert_eq!(
            lexer.next_record().unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }
}
