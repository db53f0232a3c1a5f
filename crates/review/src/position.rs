//! Positions in a text file, as messages name them (`file:line:column`, both 1-based):
//! where `review.toml` and plan files are refused.

/// The 1-based line and column of byte `offset` (the end, if past it).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    (line, column)
}

/// The byte offset of 1-based `line` and `column` (the end, if past it).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.min(l.len())).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// The largest char boundary at or before `offset`.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_positions_agree() {
        let text = "ab\ncdé\n\nf";
        // (offset, line, column)
        let cases = [
            (0, 1, 1),
            (2, 1, 3),
            (3, 2, 1),
            (5, 2, 3),
            (8, 3, 1),
            (9, 4, 1),
        ];
        for (offset, line, column) in cases {
            assert_eq!(line_col(text, offset), (line, column), "offset {offset}");
            assert_eq!(offset_of(text, line, column - 1), offset, "{line}:{column}");
        }
        assert_eq!(line_col(text, 99), (4, 2), "past the end: the end");
        assert_eq!(line_col(text, 6), (2, 3), "inside a character: its start");
        assert_eq!(offset_of(text, 9, 1), text.len());
    }
}
