//! Wildcard patterns as IAM matches them: `*` is any run of characters (none too), `?`
//! exactly one character, everything else itself.
//!
//! A pattern is a list of [`Tok`]s, so a literal `*` (from the policy variable `${*}`, or
//! from a variable's value) and the wildcard `*` stay apart. Matching is iterative with one
//! backtrack point (the last `*`): the time is at most proportional to the pattern's length
//! times the text's, never exponential.

use std::borrow::Cow;

/// One element of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// This character.
    Lit(char),
    /// Any run of characters, also empty (`*`).
    Any,
    /// Exactly one character (`?`).
    One,
}

/// A pattern compiled for the common cases: everything, one exact text, or tokens.
#[derive(Clone, Debug)]
pub(crate) enum Glob {
    /// `*`: matches every text.
    Everything,
    /// No wildcard: matches this text only.
    Exact(Box<str>),
    /// Anything else.
    Tokens(Box<[Tok]>),
}

impl Glob {
    /// `pattern` with `*` and `?` as wildcards.
    pub(crate) fn new(pattern: &str) -> Glob {
        if pattern == "*" {
            Glob::Everything
        } else if !pattern.contains(['*', '?']) {
            Glob::Exact(pattern.into())
        } else {
            let mut toks = Vec::with_capacity(pattern.len());
            push_pattern(&mut toks, pattern);
            Glob::Tokens(toks.into())
        }
    }

    /// The pattern as text (`*` and `?` for the wildcards).
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Glob::Everything => Cow::Borrowed("*"),
            Glob::Exact(exact) => Cow::Borrowed(exact),
            Glob::Tokens(toks) => Cow::Owned(
                toks.iter()
                    .map(|t| match t {
                        Tok::Lit(c) => *c,
                        Tok::Any => '*',
                        Tok::One => '?',
                    })
                    .collect(),
            ),
        }
    }

    /// Whether `text` matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        match self {
            Glob::Everything => true,
            Glob::Exact(exact) => **exact == *text,
            Glob::Tokens(toks) => match_tokens(toks, text),
        }
    }
}

/// Appends `pattern`, with `*` and `?` as wildcards.
pub(crate) fn push_pattern(out: &mut Vec<Tok>, pattern: &str) {
    out.extend(pattern.chars().map(|c| match c {
        '*' => Tok::Any,
        '?' => Tok::One,
        c => Tok::Lit(c),
    }));
}

/// Appends `text`, every character itself.
pub(crate) fn push_literal(out: &mut Vec<Tok>, text: &str) {
    out.extend(text.chars().map(Tok::Lit));
}

/// Whether `text` matches the pattern `toks`.
pub(crate) fn match_tokens(toks: &[Tok], text: &str) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    // The last `*` seen, and the text position it is matched up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(c) = text[ti..].chars().next() {
        match toks.get(pi) {
            Some(Tok::Any) => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some(Tok::One) => {
                pi += 1;
                ti += c.len_utf8();
                continue;
            }
            Some(Tok::Lit(l)) if *l == c => {
                pi += 1;
                ti += c.len_utf8();
                continue;
            }
            _ => {}
        }
        // Let the last `*` swallow one more character and try again after it.
        let Some((star_pi, star_ti)) = star else {
            return false;
        };
        let swallowed = text[star_ti..].chars().next().map_or(1, char::len_utf8);
        pi = star_pi + 1;
        ti = star_ti + swallowed;
        star = Some((star_pi, ti));
    }
    toks[pi..].iter().all(|t| *t == Tok::Any)
}

/// Glob matching of `text` against `pattern` (`*` and `?` wildcards), optionally ignoring
/// ASCII case: the matching of `Action` names, also used by other crates.
pub fn wildcard_match(pattern: &str, text: &str, ignore_ascii_case: bool) -> bool {
    if ignore_ascii_case {
        Glob::new(&pattern.to_ascii_lowercase()).matches(&text.to_ascii_lowercase())
    } else {
        Glob::new(pattern).matches(text)
    }
}

/// Splits `text` at its first five colons: the six parts of an ARN (`arn`, partition,
/// service, region, account, resource; the resource may hold more colons). `None` when
/// there are fewer than six parts.
pub(crate) fn arn_parts(text: &str) -> Option<[&str; 6]> {
    let mut parts = [""; 6];
    let mut rest = text;
    for part in parts.iter_mut().take(5) {
        let (head, tail) = rest.split_once(':')?;
        *part = head;
        rest = tail;
    }
    parts[5] = rest;
    Some(parts)
}

/// ARN matching as IAM does it for `Resource` and the `Arn` condition operators: the six
/// colon-separated parts are matched one by one, so a wildcard in the first five never
/// spans a colon; the sixth (the resource) is matched whole. A pattern of fewer than six
/// parts is matched against the whole text.
pub(crate) fn match_arn_tokens(toks: &[Tok], text: &str) -> bool {
    let mut cuts = [0usize; 5];
    let mut found = 0;
    for (i, t) in toks.iter().enumerate() {
        if found == 5 {
            break;
        }
        if *t == Tok::Lit(':') {
            cuts[found] = i;
            found += 1;
        }
    }
    if found < 5 {
        return match_tokens(toks, text);
    }
    let Some(parts) = arn_parts(text) else {
        return false;
    };
    let mut start = 0;
    for (cut, part) in cuts.iter().zip(parts) {
        if !match_tokens(&toks[start..*cut], part) {
            return false;
        }
        start = cut + 1;
    }
    match_tokens(&toks[start..], parts[5])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(pattern: &str, text: &str, ignore_case: bool, expected: bool) {
        assert_eq!(
            wildcard_match(pattern, text, ignore_case),
            expected,
            "{pattern:?} vs {text:?}"
        );
    }

    #[test]
    fn wildcard_table() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("", "", false, true),
            ("", "a", false, false),
            ("*", "", false, true),
            ("*", "anything", false, true),
            ("**", "", false, true),
            ("?", "", false, false),
            ("?", "é", false, true),
            ("a*b", "ab", false, true),
            ("a*b", "axxb", false, true),
            ("a*b", "axxbc", false, false),
            ("a*b*c", "abbbbc", false, true),
            ("a*b*c", "acb", false, false),
            ("*a", "bbba", false, true),
            ("*a*", "bbb", false, false),
            ("a?c", "abc", false, true),
            ("a?c", "ac", false, false),
            ("ABC", "abc", false, false),
            ("ABC", "abc", true, true),
            ("iam:get*", "IAM:GetUser", true, true),
            ("*ab*ab*", "xxabyyab", false, true),
            ("*aab", "aaab", false, true),
            ("é*é", "éxé", false, true),
            ("*é", "aé", false, true),
        ];
        for &(pattern, text, ignore_case, expected) in cases {
            check(pattern, text, ignore_case, expected);
        }
    }

    #[test]
    fn wildcard_is_not_exponential() {
        // Catastrophic for backtracking matchers: a*a*a*...b against aaaa...
        let pattern = format!("{}b", "a*".repeat(200));
        let text = "a".repeat(5000);
        assert!(!wildcard_match(&pattern, &text, false));
        assert!(wildcard_match(&pattern, &format!("{text}b"), false));
    }

    #[test]
    fn literal_stars_are_not_wildcards() {
        let mut toks = Vec::new();
        push_literal(&mut toks, "a*");
        assert!(match_tokens(&toks, "a*"));
        assert!(!match_tokens(&toks, "ab"));
    }

    #[test]
    fn arn_matching_is_segment_aware() {
        // The example of AWS's "Condition operators" page: StringLike matches, ArnLike not.
        let pattern = "arn:aws:someservice:*:111122223333:finance/*";
        let value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        let mut toks = Vec::new();
        push_pattern(&mut toks, pattern);
        assert!(match_tokens(&toks, value));
        assert!(!match_arn_tokens(&toks, value));
        let cases: &[(&str, &str, bool)] = &[
            (
                "arn:aws:iam::*:user/*",
                "arn:aws:iam::123456789012:user/a/b",
                true,
            ),
            (
                "arn:aws:iam::*:user/*",
                "arn:aws:iam::123456789012:role/a",
                false,
            ),
            (
                "arn:aws:s3:::b/*/test/*",
                "arn:aws:s3:::b/1/2/test/3/o.jpg",
                true,
            ),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y", true),
            ("arn:aws:*::*:*", "arn:aws:iam::1:user/x", true),
            ("arn:aws:*", "arn:aws:iam::1:user/x", true),
            ("arn:aws:iam::*:user/x", "*", false),
            ("*", "*", true),
        ];
        for &(pattern, text, expected) in cases {
            let mut toks = Vec::new();
            push_pattern(&mut toks, pattern);
            assert_eq!(
                match_arn_tokens(&toks, text),
                expected,
                "{pattern} vs {text}"
            );
        }
    }

    /// A slow but obviously correct reference matcher.
    fn reference(p: &[char], t: &[char]) -> bool {
        let mut dp = vec![vec![false; t.len() + 1]; p.len() + 1];
        dp[0][0] = true;
        for i in 1..=p.len() {
            for j in 0..=t.len() {
                dp[i][j] = match p[i - 1] {
                    '*' => dp[i - 1][j] || (j > 0 && dp[i][j - 1]),
                    '?' => j > 0 && dp[i - 1][j - 1],
                    c => j > 0 && c == t[j - 1] && dp[i - 1][j - 1],
                };
            }
        }
        dp[p.len()][t.len()]
    }

    proptest! {
        #[test]
        fn wildcard_agrees_with_reference(p in "[ab*?é]{0,8}", t in "[abé]{0,10}") {
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            prop_assert_eq!(wildcard_match(&p, &t, false), reference(&pc, &tc));
        }
    }
}
