//! Where each statement is in the document's text, for SimulatePrincipalPolicy's
//! `MatchedStatements` (`StartPosition`, `EndPosition`).
//!
//! The text has already been read by serde_json (so it is valid JSON); this scanner only
//! walks it again to find the top-level `Statement` member (the last one, as serde_json
//! keeps the last of duplicate keys) and the extent of each statement object in it.

/// A place in a document: line and column, both from 1; the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1, in characters.
    pub column: u32,
}

/// The byte ranges of the statements of a valid JSON policy document: the `Statement`
/// value itself when it is an object, else each element of its array. Empty when there is
/// no such member (the caller has refused the document then).
pub(crate) fn statement_ranges(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Vec::new();
    }
    i += 1;
    let mut found = Vec::new();
    loop {
        i = skip_ws(b, i);
        if b.get(i) != Some(&b'"') {
            return found;
        }
        let key_end = skip_string(b, i);
        let key: Option<String> = serde_json::from_str(&text[i..key_end]).ok();
        i = skip_ws(b, key_end);
        i = skip_ws(b, i + 1); // the colon
        let value_end = skip_value(b, i);
        if key.as_deref() == Some("Statement") {
            found = elements(b, i, value_end);
        }
        i = skip_ws(b, value_end);
        if b.get(i) != Some(&b',') {
            return found;
        }
        i += 1;
    }
}

/// An object value is one statement; an array's elements are the statements.
fn elements(b: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    match b.get(start) {
        Some(b'{') => vec![(start, end)],
        Some(b'[') => {
            let mut out = Vec::new();
            let mut i = skip_ws(b, start + 1);
            while i < end && b.get(i) != Some(&b']') {
                let e = skip_value(b, i);
                out.push((i, e));
                i = skip_ws(b, e);
                if b.get(i) == Some(&b',') {
                    i = skip_ws(b, i + 1);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// From an opening quote to just after the closing one.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// From the start of a value to just after it.
fn skip_value(b: &[u8], mut i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            while let Some(&c) = b.get(i) {
                match c {
                    b'"' => {
                        i = skip_string(b, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            while let Some(&c) = b.get(i) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                i += 1;
            }
            i
        }
    }
}

/// The positions of byte offsets (ascending) in `text`.
pub(crate) fn positions(text: &str, offsets: &[usize]) -> Vec<Position> {
    let mut out = Vec::with_capacity(offsets.len());
    let (mut line, mut column) = (1u32, 1u32);
    let mut next = offsets.iter().peekable();
    for (at, c) in text.char_indices() {
        while next.next_if(|o| **o <= at).is_some() {
            out.push(Position { line, column });
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    while next.next().is_some() {
        out.push(Position { line, column });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, column) of the first and of the last character of a statement.
    type Span = ((u32, u32), (u32, u32));

    fn check(text: &str, expected: &[Span]) {
        let ranges = statement_ranges(text);
        let offsets: Vec<usize> = ranges.iter().flat_map(|(s, e)| [*s, e - 1]).collect();
        let pos = positions(text, &offsets);
        let got: Vec<_> = pos
            .chunks(2)
            .map(|p| ((p[0].line, p[0].column), (p[1].line, p[1].column)))
            .collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn statements_are_found_where_they_are() {
        check(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            &[((1, 37), (1, 82))],
        );
        check(
            "{\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": \"Allow\"},\n    {\"Sid\": \"}]\\\"\"}\n  ],\n  \"Version\": \"2012-10-17\"\n}",
            &[((3, 5), (3, 35)), ((4, 5), (4, 19))],
        );
        // Keys after Statement, nested arrays, non-ASCII text counted in characters.
        check(
            "{\"Id\":\"é\",\"Statement\":[{\"a\":[1,{\"b\":[]}]} , {}],\"Version\":\"2012-10-17\"}",
            &[((1, 24), (1, 41)), ((1, 45), (1, 46))],
        );
        // The last of duplicate members, as serde_json keeps it.
        check(
            r#"{"Statement":{"x":1},"Statement":[{"y":2}]}"#,
            &[((1, 35), (1, 41))],
        );
        // An escaped key is still `Statement`.
        check(r#"{"Statem\u0065nt":{}}"#, &[((1, 19), (1, 20))]);
        assert!(statement_ranges("[]").is_empty());
        assert!(statement_ranges(r#"{"Version":"x"}"#).is_empty());
    }
}
