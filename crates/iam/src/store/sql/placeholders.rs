//! Placeholders: the statements are written with SQLite's numbered `?N`; PostgreSQL's are
//! `$N`. Rewritten once per prepared statement, outside quoted text.

/// `text` with every `?N` outside quotes (`'…'`, `"…"`) as `$N`.
pub(crate) fn numbered_to_dollar(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::numbered_to_dollar;

    #[test]
    fn numbered_placeholders_become_dollar_placeholders_outside_quotes() {
        for (text, want) in [
            ("SELECT 1", "SELECT 1"),
            (
                "SELECT * FROM users WHERE account_id = ?1 AND name_key > ?12",
                "SELECT * FROM users WHERE account_id = $1 AND name_key > $12",
            ),
            (
                "x <= CAST(?2 AS BIGINT) - ?5",
                "x <= CAST($2 AS BIGINT) - $5",
            ),
            ("SELECT '?1', \"?2\", ?3", "SELECT '?1', \"?2\", $3"),
            ("SELECT 'it''s ?1', ?2", "SELECT 'it''s ?1', $2"),
            ("SELECT ? , ?x", "SELECT ? , ?x"),
        ] {
            assert_eq!(numbered_to_dollar(text), want, "{text}");
        }
    }
}
