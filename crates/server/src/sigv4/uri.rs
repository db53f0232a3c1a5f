//! The canonical URI and the canonical query string.
//!
//! The path is taken as received (still percent-encoded), normalised the way every AWS
//! service but S3 normalises it (dot segments removed, empty segments dropped, a final
//! slash kept), then URI-encoded once more. Clients do the same to the path they send,
//! which is why the wire path's `%20` becomes `%2520` in the canonical form (the SDKs'
//! "double encoding"). The query is split into pairs, each name and value decoded
//! (`+` is a space, as in forms) and encoded again with RFC 3986's unreserved set kept,
//! then sorted.

use percent_encoding::{percent_decode, percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::SigV4Error;

/// Everything but RFC 3986's unreserved characters `A-Za-z0-9-_.~`.
const QUERY_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The same, with `/` kept: the path's segments are encoded, not its separators.
const PATH_SET: &AsciiSet = &QUERY_SET.remove(b'/');

/// The canonical URI of a received path. A path that does not start with `/` (an
/// absolute-form or `*` target, or an empty one) cannot have been signed as received.
pub(crate) fn canonical_uri(path: &str) -> Result<String, SigV4Error> {
    if !path.starts_with('/') {
        return Err(SigV4Error::mismatch());
    }
    Ok(percent_encode(normalize_path(path).as_bytes(), PATH_SET).to_string())
}

/// Removes `.` and `..` segments and empty segments (`//`), keeping the leading slash and,
/// unless the result is just `/`, a trailing one. This is botocore's `remove_dot_segments`
/// and aws-sigv4's `normalize_path_segment`.
pub(crate) fn normalize_path(path: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            other => kept.push(other),
        }
    }
    let mut out = String::with_capacity(path.len());
    out.push('/');
    out.push_str(&kept.join("/"));
    if path.ends_with('/') && !kept.is_empty() {
        out.push('/');
    }
    out
}

/// The query's `name=value` pairs, decoded to bytes: `+` is a space, `%XX` is a byte, a
/// `%` not followed by two hexadecimal digits stands for itself. Empty pieces (`a=1&&b=2`)
/// are skipped; a piece without `=` has an empty value.
pub(crate) fn query_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// The canonical query string: every pair for which `keep(name)` holds, name and value
/// re-encoded, sorted by name then value, joined with `&`.
pub(crate) fn canonical_query(query: &str, keep: impl Fn(&[u8]) -> bool) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(query)
        .into_iter()
        .filter(|(name, _)| keep(name))
        .map(|(name, value)| (encode(&name), encode(&value)))
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(query.len());
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Percent-decodes a query name or value, `+` meaning a space.
fn decode(s: &str) -> Vec<u8> {
    let spaced: Vec<u8> = s
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&spaced).collect()
}

/// Encodes everything but the unreserved characters, hex digits in upper case.
fn encode(bytes: &[u8]) -> String {
    percent_encode(bytes, QUERY_SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_like_the_sdks() {
        let table = [
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/.", "/"),
            ("/..", "/"),
            ("/../..", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/b/..", "/a"),
            ("/a/b/../", "/a/"),
            ("/a/./b/", "/a/b/"),
            ("/a//b", "/a/b"),
            ("/.../", "/.../"),
            ("/a..b/", "/a..b/"),
            ("/%2E%2E/", "/%2E%2E/"),
        ];
        for (path, normal) in table {
            assert_eq!(normalize_path(path), normal, "{path:?}");
        }
    }

    #[test]
    fn canonical_uris_encode_once_more() {
        let table = [
            ("/", "/"),
            ("/example space/", "/example%20space/"),
            ("/example%20space/", "/example%2520space/"),
            ("/\u{1234}", "/%E1%88%B4"),
            (
                "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            ),
            ("/a+b=c", "/a%2Bb%3Dc"),
            ("//example//", "/example/"),
        ];
        for (path, canonical) in table {
            assert_eq!(canonical_uri(path), Ok(canonical.to_owned()), "{path:?}");
        }
        for bad in ["", ".", "*", "example", "http://example.com/"] {
            assert_eq!(canonical_uri(bad), Err(SigV4Error::mismatch()), "{bad:?}");
        }
    }

    #[test]
    fn canonical_queries() {
        let all = |_: &[u8]| true;
        let table = [
            ("", ""),
            ("Param1=value1", "Param1=value1"),
            ("Param2=value2&Param1=value1", "Param1=value1&Param2=value2"),
            (
                "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
                "%E1%88%B4=Value1&Param=Value2&Param-3=Value3",
            ),
            ("b=2&a=2&a=1", "a=1&a=2&b=2"),
            ("a", "a="),
            ("a=", "a="),
            ("=v", "=v"),
            ("a=1&&b=2&", "a=1&b=2"),
            ("a=x+y", "a=x%20y"),
            ("a=x%20y", "a=x%20y"),
            ("a=x%2By", "a=x%2By"),
            ("a=%2f%2F", "a=%2F%2F"),
            ("a=%41", "a=A"),
            ("a=%zz", "a=%25zz"),
            ("a=%", "a=%25"),
            ("a=b=c", "a=b%3Dc"),
            ("a=\u{1234}", "a=%E1%88%B4"),
            ("a=-._~", "a=-._~"),
            (
                "Action=ListUsers&Version=2010-05-08",
                "Action=ListUsers&Version=2010-05-08",
            ),
        ];
        for (query, canonical) in table {
            assert_eq!(canonical_query(query, all), canonical, "{query:?}");
        }
        let no_sig = |name: &[u8]| name != b"X-Amz-Signature";
        assert_eq!(
            canonical_query("b=1&X-Amz-Signature=ff&a=2&X-Amz-Signature=00", no_sig),
            "a=2&b=1"
        );
    }
}
