//! Finding and parsing a request's SigV4 authentication data: the `Authorization` header
//! with `X-Amz-Date` (or `Date`), or the presigned query parameters.
//!
//! Parsing checks form only (every part there, well formed); whether the scope, time and
//! signature are acceptable is [`super::verify`]'s business.

use std::fmt;

use credreport_report::Timestamp;

use super::date;
use super::error::{excerpt, SigV4Error};
use super::request::SignedRequest;
use super::uri::query_pairs;

/// The one algorithm supported.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The credential scope's fixed last element.
pub const TERMINATOR: &str = "aws4_request";

/// The presigned-URL parameters; any of the first four in a query makes it presigned.
const Q_ALGORITHM: &str = "X-Amz-Algorithm";
const Q_CREDENTIAL: &str = "X-Amz-Credential";
const Q_SIGNATURE: &str = "X-Amz-Signature";
const Q_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
const Q_DATE: &str = "X-Amz-Date";
const Q_EXPIRES: &str = "X-Amz-Expires";
const Q_TOKEN: &str = "X-Amz-Security-Token";

/// The query parameter that carries a presigned request's signature (never signed itself).
pub(crate) const SIGNATURE_PARAM: &[u8] = Q_SIGNATURE.as_bytes();

/// The longest `X-Amz-Expires` SigV4 allows: a week.
pub const MAX_EXPIRES_SECS: i64 = 604_800;

/// Where the authentication data was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthForm {
    /// The `Authorization` header.
    Header,
    /// Presigned query parameters (`X-Amz-Signature` and friends).
    Presigned,
}

/// The credential scope: `<date>/<region>/<service>/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    /// `YYYYMMDD`, as the client wrote it (checked against the request date by `verify`).
    pub date: String,
    /// The signing region.
    pub region: String,
    /// The signing service (`iam`, `sts`).
    pub service: String,
}

impl fmt::Display for CredentialScope {
    /// The scope as it appears in the string to sign.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.service
        )
    }
}

/// A request's authentication data, well formed but not yet verified.
///
/// Only [`parse_auth`] makes one (the signature field is private). `Debug` shows neither
/// the signature nor the session token.
#[derive(Clone)]
pub struct Auth {
    /// The access key id from the credential.
    pub access_key_id: String,
    /// The credential scope.
    pub scope: CredentialScope,
    /// The signed header names, lower-cased and sorted.
    pub signed_headers: Vec<String>,
    signature: [u8; 32],
    /// The request date in ISO 8601 basic format, as it goes into the string to sign
    /// (converted from the `Date` header when there is no `X-Amz-Date`).
    pub amz_date: String,
    /// The request date.
    pub request_time: Timestamp,
    /// `X-Amz-Expires` of a presigned request, in seconds (1 to a week); `None` for the
    /// header form.
    pub expires: Option<i64>,
    /// Where the data was.
    pub form: AuthForm,
    /// `X-Amz-Security-Token`, from the header (header form) or the query (presigned).
    pub session_token: Option<String>,
}

impl Auth {
    /// The signature the client sent.
    pub(crate) fn signature(&self) -> &[u8; 32] {
        &self.signature
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("access_key_id", &self.access_key_id)
            .field("scope", &self.scope)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"<redacted>")
            .field("amz_date", &self.amz_date)
            .field("request_time", &self.request_time)
            .field("expires", &self.expires)
            .field("form", &self.form)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Finds and parses the request's authentication data.
///
/// No `Authorization` header and no presigned parameters is `MissingAuthenticationToken`;
/// both at once, a missing or malformed part, or an unsupported algorithm is
/// `IncompleteSignature`; a signature that is not 64 lower-case hexadecimal digits, or a
/// scope not ending in `aws4_request`, is `SignatureDoesNotMatch`.
pub fn parse_auth(req: &SignedRequest<'_>) -> Result<Auth, SigV4Error> {
    let headers: Vec<&http::HeaderValue> = req
        .headers
        .get_all(http::header::AUTHORIZATION)
        .iter()
        .collect();
    let presigned = query_pairs(req.query).iter().any(|(name, _)| {
        [Q_ALGORITHM, Q_CREDENTIAL, Q_SIGNATURE, Q_SIGNED_HEADERS]
            .iter()
            .any(|p| name == p.as_bytes())
    });
    match (headers.as_slice(), presigned) {
        ([], false) => Err(SigV4Error::MissingAuthenticationToken),
        ([], true) => parse_presigned(req),
        (_, true) => Err(incomplete(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the \
             Authorization header should be specified.",
        )),
        ([value], false) => parse_header(req, value),
        (_, false) => Err(incomplete("Only one Authorization header is allowed.")),
    }
}

/// The header form.
fn parse_header(req: &SignedRequest<'_>, value: &http::HeaderValue) -> Result<Auth, SigV4Error> {
    let value = value
        .to_str()
        .map_err(|_| incomplete("Authorization header is not valid text."))?
        .trim();
    if value.is_empty() {
        return Err(SigV4Error::MissingAuthenticationToken);
    }
    let (algorithm, rest) = value.split_once([' ', '\t']).unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(unsupported_algorithm(algorithm));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((key, val)) = part.split_once('=') else {
            continue;
        };
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.is_some() {
            return Err(incomplete(format!(
                "Authorization header has more than one '{}' parameter.",
                key.trim()
            )));
        }
        *slot = Some(val.trim()).filter(|v| !v.is_empty());
    }
    let missing: Vec<String> = [
        ("Credential", credential.is_none()),
        ("Signature", signature.is_none()),
        ("SignedHeaders", signed_headers.is_none()),
    ]
    .iter()
    .filter(|(_, missing)| *missing)
    .map(|(name, _)| format!("Authorization header requires '{name}' parameter."))
    .collect();
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(incomplete(missing.join(" ")));
    };

    let (request_time, amz_date) = header_date(req.headers)?;
    let (access_key_id, scope) = parse_credential(credential)?;
    let session_token = joined(req.headers, "x-amz-security-token")
        .map_err(|()| incomplete("X-Amz-Security-Token is not valid text."))?;
    Ok(Auth {
        access_key_id,
        scope,
        signed_headers: parse_signed_headers(signed_headers),
        signature: parse_signature(signature)?,
        amz_date,
        request_time,
        expires: None,
        form: AuthForm::Header,
        session_token,
    })
}

/// The request date of the header form: `X-Amz-Date` (basic format), else `Date`
/// (RFC 1123, converted to basic format for the string to sign).
fn header_date(headers: &http::HeaderMap) -> Result<(Timestamp, String), SigV4Error> {
    if let Some(value) = joined(headers, "x-amz-date").map_err(|()| bad_basic_date("?"))? {
        let t = date::parse_basic(&value).ok_or_else(|| bad_basic_date(&value))?;
        return Ok((t, value));
    }
    if let Some(value) =
        joined(headers, "date").map_err(|()| incomplete("Date header is not valid text."))?
    {
        let t = date::parse_http_date(&value).ok_or_else(|| {
            incomplete(format!(
                "Date header must be an RFC 1123 date such as 'Mon, 23 Nov 2026 10:00:00 GMT'. \
                 Got '{}'.",
                excerpt(&value)
            ))
        })?;
        return Ok((t, date::basic(t)));
    }
    Err(incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    ))
}

/// The presigned form.
fn parse_presigned(req: &SignedRequest<'_>) -> Result<Auth, SigV4Error> {
    let pairs = query_pairs(req.query);
    let param = |name: &str| -> Result<Option<String>, SigV4Error> {
        let mut values = pairs.iter().filter(|(n, _)| n == name.as_bytes());
        let Some((_, value)) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(incomplete(format!(
                "The query-string parameter '{name}' appears more than once."
            )));
        }
        let value = String::from_utf8(value.clone()).map_err(|_| {
            incomplete(format!(
                "The query-string parameter '{name}' is not valid text."
            ))
        })?;
        Ok(Some(value).filter(|v| !v.is_empty()))
    };
    let algorithm = param(Q_ALGORITHM)?;
    let credential = param(Q_CREDENTIAL)?;
    let signature = param(Q_SIGNATURE)?;
    let amz_date = param(Q_DATE)?;
    let signed_headers = param(Q_SIGNED_HEADERS)?;
    let expires = param(Q_EXPIRES)?;
    let session_token = param(Q_TOKEN)?;
    let missing: Vec<String> = [
        (Q_ALGORITHM, algorithm.is_none()),
        (Q_CREDENTIAL, credential.is_none()),
        (Q_SIGNATURE, signature.is_none()),
        (Q_DATE, amz_date.is_none()),
        (Q_SIGNED_HEADERS, signed_headers.is_none()),
        (Q_EXPIRES, expires.is_none()),
    ]
    .iter()
    .filter(|(_, missing)| *missing)
    .map(|(name, _)| format!("AWS query-string parameters must include '{name}'."))
    .collect();
    let (
        Some(algorithm),
        Some(credential),
        Some(signature),
        Some(amz_date),
        Some(signed_headers),
        Some(expires),
    ) = (
        algorithm,
        credential,
        signature,
        amz_date,
        signed_headers,
        expires,
    )
    else {
        return Err(incomplete(format!(
            "{} Re-examine the query-string parameters.",
            missing.join(" ")
        )));
    };

    if algorithm != ALGORITHM {
        return Err(unsupported_algorithm(&algorithm));
    }
    let request_time = date::parse_basic(&amz_date).ok_or_else(|| bad_basic_date(&amz_date))?;
    let expires = parse_expires(&expires)?;
    let (access_key_id, scope) = parse_credential(&credential)?;
    Ok(Auth {
        access_key_id,
        scope,
        signed_headers: parse_signed_headers(&signed_headers),
        signature: parse_signature(&signature)?,
        amz_date,
        request_time,
        expires: Some(expires),
        form: AuthForm::Presigned,
        session_token,
    })
}

/// `AKID/YYYYMMDD/region/service/aws4_request`.
fn parse_credential(credential: &str) -> Result<(String, CredentialScope), SigV4Error> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = parts.as_slice() else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got '{}'",
            excerpt(credential)
        )));
    };
    if *terminator != TERMINATOR {
        return Err(SigV4Error::SignatureDoesNotMatch(format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'. ",
            excerpt(terminator)
        )));
    }
    Ok((
        (*key).to_owned(),
        CredentialScope {
            date: (*date).to_owned(),
            region: (*region).to_owned(),
            service: (*service).to_owned(),
        },
    ))
}

/// `a;b;c`, lower-cased and sorted (names are case-insensitive; the canonical request lists
/// them so).
fn parse_signed_headers(list: &str) -> Vec<String> {
    let mut names: Vec<String> = list.split(';').map(str::to_ascii_lowercase).collect();
    names.sort_unstable();
    names
}

/// Exactly 64 lower-case hexadecimal digits, as every SigV4 signer writes them. Anything
/// else cannot match.
fn parse_signature(hex: &str) -> Result<[u8; 32], SigV4Error> {
    let lower_hex = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let mut out = [0u8; 32];
    if !lower_hex || hex::decode_to_slice(hex, &mut out).is_err() {
        return Err(SigV4Error::mismatch());
    }
    Ok(out)
}

/// Whole seconds, 1 to a week.
fn parse_expires(s: &str) -> Result<i64, SigV4Error> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(incomplete("X-Amz-Expires should be a number"));
    }
    let secs: i64 = s
        .parse()
        .map_err(|_| incomplete("X-Amz-Expires should be a number"))?;
    if secs < 1 {
        return Err(incomplete("X-Amz-Expires must be at least 1 second"));
    }
    if secs > MAX_EXPIRES_SECS {
        return Err(incomplete(
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        ));
    }
    Ok(secs)
}

/// Every value of header `name` joined with `,` (as the canonical request joins repeated
/// headers); `None` if there is none, `Err` if one is not visible ASCII.
fn joined(headers: &http::HeaderMap, name: &str) -> Result<Option<String>, ()> {
    let mut out: Option<String> = None;
    for value in headers.get_all(name) {
        let value = value.to_str().map_err(|_| ())?.trim();
        match &mut out {
            None => out = Some(value.to_owned()),
            Some(s) => {
                s.push(',');
                s.push_str(value);
            }
        }
    }
    Ok(out)
}

fn incomplete(message: impl Into<String>) -> SigV4Error {
    SigV4Error::IncompleteSignature(message.into())
}

fn bad_basic_date(got: &str) -> SigV4Error {
    incomplete(format!(
        "Date must be in ISO-8601 'basic format'. Got '{}'. See \
         http://en.wikipedia.org/wiki/ISO_8601",
        excerpt(got)
    ))
}

/// The algorithm is quoted only when it looks like one (`AWS…`, short, letters, digits and
/// dashes): a bearer token pasted into the header must not come back in a message.
fn unsupported_algorithm(algorithm: &str) -> SigV4Error {
    let looks_like_one = algorithm.starts_with("AWS")
        && algorithm.len() <= 32
        && algorithm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if looks_like_one {
        incomplete(format!("Unsupported AWS 'algorithm': '{algorithm}'"))
    } else {
        incomplete(format!(
            "Unsupported authorization type; only '{ALGORITHM}' is accepted."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a";

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                http::HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    fn parse(query: &str, pairs: &[(&str, &str)]) -> Result<Auth, SigV4Error> {
        let map = headers(pairs);
        parse_auth(&SignedRequest {
            method: "POST",
            path: "/",
            query,
            headers: &map,
            body: b"",
        })
    }

    fn authz(rest: &str) -> String {
        format!("AWS4-HMAC-SHA256 {rest}")
    }

    const CRED: &str = "Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request";

    #[test]
    fn header_form_parses_leniently() {
        let variants = [
            format!("{CRED}, SignedHeaders=content-type;host;x-amz-date, Signature={SIG}"),
            format!("{CRED},SignedHeaders=content-type;host;x-amz-date,Signature={SIG}"),
            format!("Signature={SIG} , SignedHeaders=HOST;Content-Type;x-amz-date ,  {CRED},"),
            format!("{CRED}, SignedHeaders=x-amz-date;host;content-type, Signature={SIG}, Foo=bar"),
        ];
        for v in variants {
            let auth = parse(
                "",
                &[
                    ("authorization", &authz(&v)),
                    ("x-amz-date", "20150830T123600Z"),
                ],
            )
            .expect(&v);
            assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
            assert_eq!(
                auth.scope,
                CredentialScope {
                    date: "20150830".into(),
                    region: "us-east-1".into(),
                    service: "iam".into()
                }
            );
            assert_eq!(
                auth.scope.to_string(),
                "20150830/us-east-1/iam/aws4_request"
            );
            assert_eq!(auth.signed_headers, ["content-type", "host", "x-amz-date"]);
            assert_eq!(hex::encode(auth.signature()), SIG);
            assert_eq!(auth.amz_date, "20150830T123600Z");
            assert_eq!(
                auth.request_time,
                Timestamp::from_civil(2015, 8, 30, 12, 36, 0).expect("time")
            );
            assert_eq!(auth.expires, None);
            assert_eq!(auth.form, AuthForm::Header);
            assert_eq!(auth.session_token, None);
        }
    }

    #[test]
    fn date_header_and_token() {
        let v = authz(&format!("{CRED}, SignedHeaders=date;host, Signature={SIG}"));
        let auth = parse(
            "",
            &[
                ("authorization", &v),
                ("date", "Mon, 23 Nov 2026 10:00:00 GMT"),
                ("x-amz-security-token", "SESSIONTOKEN"),
            ],
        )
        .expect("parses");
        assert_eq!(auth.amz_date, "20261123T100000Z");
        assert_eq!(auth.session_token.as_deref(), Some("SESSIONTOKEN"));
        // X-Amz-Date wins over Date.
        let auth = parse(
            "",
            &[
                ("authorization", &v),
                ("date", "Mon, 23 Nov 2026 10:00:00 GMT"),
                ("x-amz-date", "20150830T123600Z"),
            ],
        )
        .expect("parses");
        assert_eq!(auth.amz_date, "20150830T123600Z");
    }

    #[test]
    fn presigned_form() {
        let q = "Action=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256\
                 &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request\
                 &X-Amz-Date=20150830T123600Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
                 &X-Amz-Security-Token=a%2Bb%3D";
        let q = format!("{q}&X-Amz-Signature={SIG}");
        let auth = parse(&q, &[("host", "iam.amazonaws.com")]).expect("parses");
        assert_eq!(auth.form, AuthForm::Presigned);
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(auth.scope.service, "iam");
        assert_eq!(auth.signed_headers, ["host"]);
        assert_eq!(auth.expires, Some(300));
        assert_eq!(auth.amz_date, "20150830T123600Z");
        assert_eq!(auth.session_token.as_deref(), Some("a+b="));
    }

    #[test]
    fn missing_and_malformed() {
        let date = || ("x-amz-date", "20150830T123600Z".to_owned());
        let with_date = |rest: &str| vec![("authorization", authz(rest)), date()];
        let incomplete = |m: &str| Err(SigV4Error::IncompleteSignature(m.to_owned()));
        let mismatch = Err(SigV4Error::mismatch());
        let missing = Err(SigV4Error::MissingAuthenticationToken);
        let sh = "SignedHeaders=host;x-amz-date";
        let good = format!("{CRED}, {sh}, Signature={SIG}");
        // (query, headers, outcome)
        type Case = (
            &'static str,
            Vec<(&'static str, String)>,
            Result<(), SigV4Error>,
        );
        let table: Vec<Case> =
            vec![
            ("", vec![], missing.clone()),
            ("Action=ListUsers", vec![date()], missing.clone()),
            ("", vec![("authorization", "  ".into())], missing.clone()),
            (
                "",
                with_date(""),
                incomplete(
                    "Authorization header requires 'Credential' parameter. Authorization header \
                     requires 'Signature' parameter. Authorization header requires \
                     'SignedHeaders' parameter.",
                ),
            ),
            (
                "",
                with_date(&format!("{CRED}, {sh}, Signature=")),
                incomplete("Authorization header requires 'Signature' parameter."),
            ),
            (
                "",
                with_date(&format!("{CRED}, Signature={SIG}")),
                incomplete("Authorization header requires 'SignedHeaders' parameter."),
            ),
            (
                "",
                with_date(&format!("{CRED}, {good}")),
                incomplete("Authorization header has more than one 'Credential' parameter."),
            ),
            (
                "",
                vec![("authorization", authz(&good))],
                incomplete(
                    "Authorization header requires existence of either a 'X-Amz-Date' or a \
                     'Date' header.",
                ),
            ),
            (
                "",
                vec![
                    ("authorization", authz(&good)),
                    ("x-amz-date", "2015-08-30T12:36:00Z".into()),
                ],
                incomplete(
                    "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See \
                     http://en.wikipedia.org/wiki/ISO_8601",
                ),
            ),
            (
                "",
                vec![("authorization", authz(&good)), date(), date()],
                incomplete(
                    "Date must be in ISO-8601 'basic format'. Got \
                     '20150830T123600Z,20150830T123600Z'. See \
                     http://en.wikipedia.org/wiki/ISO_8601",
                ),
            ),
            (
                "",
                vec![("authorization", authz(&good)), ("date", "yesterday".into())],
                incomplete(
                    "Date header must be an RFC 1123 date such as 'Mon, 23 Nov 2026 10:00:00 \
                     GMT'. Got 'yesterday'.",
                ),
            ),
            (
                "",
                with_date(&format!(
                    "Credential=AKID/20150830/us-east-1/iam, {sh}, Signature={SIG}"
                )),
                incomplete(
                    "Credential must have exactly 5 slash-delimited elements, e.g. \
                     keyid/date/region/service/term, got 'AKID/20150830/us-east-1/iam'",
                ),
            ),
            (
                "",
                with_date(&format!(
                    "Credential=AKID/20150830/us-east-1/iam/aws4_requesT, {sh}, Signature={SIG}"
                )),
                Err(SigV4Error::SignatureDoesNotMatch(
                    "Credential should be scoped with a valid terminator: 'aws4_request', not \
                     'aws4_requesT'. "
                        .into(),
                )),
            ),
            (
                "",
                with_date(&format!("{CRED}, {sh}, Signature={}", SIG.to_uppercase())),
                mismatch.clone(),
            ),
            (
                "",
                with_date(&format!("{CRED}, {sh}, Signature={}", &SIG[1..])),
                mismatch.clone(),
            ),
            (
                "",
                with_date(&format!("{CRED}, {sh}, Signature={SIG}0")),
                mismatch.clone(),
            ),
            (
                "",
                vec![
                    ("authorization", format!("AWS4-HMAC-SHA512 {good}")),
                    date(),
                ],
                incomplete("Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"),
            ),
            (
                "",
                vec![("authorization", "Bearer abcdefsecret".into()), date()],
                incomplete("Unsupported authorization type; only 'AWS4-HMAC-SHA256' is accepted."),
            ),
            (
                "",
                vec![("authorization", "AWSsecret.token.here".into())],
                incomplete("Unsupported authorization type; only 'AWS4-HMAC-SHA256' is accepted."),
            ),
            (
                "",
                vec![
                    ("authorization", authz(&good)),
                    ("authorization", authz(&good)),
                    date(),
                ],
                incomplete("Only one Authorization header is allowed."),
            ),
            (
                "X-Amz-Signature=00",
                with_date(&good),
                incomplete(
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter \
                     or the Authorization header should be specified.",
                ),
            ),
            (
                "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                vec![],
                incomplete(
                    "AWS query-string parameters must include 'X-Amz-Credential'. AWS \
                     query-string parameters must include 'X-Amz-Signature'. AWS query-string \
                     parameters must include 'X-Amz-Date'. AWS query-string parameters must \
                     include 'X-Amz-SignedHeaders'. AWS query-string parameters must include \
                     'X-Amz-Expires'. Re-examine the query-string parameters.",
                ),
            ),
        ];
        for (query, hs, expected) in table {
            let pairs: Vec<(&str, &str)> = hs.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let got = parse(query, &pairs).map(|_| ());
            assert_eq!(got, expected, "{query:?} {hs:?}");
        }
    }

    #[test]
    fn presigned_parameter_errors() {
        let base = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256".to_owned()),
            (
                "X-Amz-Credential",
                "AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request".to_owned(),
            ),
            ("X-Amz-Date", "20150830T123600Z".to_owned()),
            ("X-Amz-Expires", "300".to_owned()),
            ("X-Amz-SignedHeaders", "host".to_owned()),
            ("X-Amz-Signature", SIG.to_owned()),
        ];
        let query = |overrides: &[(&str, &str)]| {
            base.iter()
                .map(|(n, v)| {
                    let v = overrides
                        .iter()
                        .find(|(o, _)| o == n)
                        .map_or(v.as_str(), |(_, ov)| ov);
                    format!("{n}={v}")
                })
                .collect::<Vec<_>>()
                .join("&")
        };
        let incomplete = |m: &str| Err(SigV4Error::IncompleteSignature(m.to_owned()));
        let table: Vec<(String, Result<(), SigV4Error>)> = vec![
            (query(&[]), Ok(())),
            (query(&[("X-Amz-Expires", "604800")]), Ok(())),
            (query(&[("X-Amz-Expires", "1")]), Ok(())),
            (
                query(&[("X-Amz-Expires", "604801")]),
                incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800"),
            ),
            (
                query(&[("X-Amz-Expires", "0")]),
                incomplete("X-Amz-Expires must be at least 1 second"),
            ),
            (
                query(&[("X-Amz-Expires", "-5")]),
                incomplete("X-Amz-Expires should be a number"),
            ),
            (
                query(&[("X-Amz-Expires", "99999999999999999999")]),
                incomplete("X-Amz-Expires should be a number"),
            ),
            (
                query(&[("X-Amz-Date", "20150830T1236Z")]),
                incomplete(
                    "Date must be in ISO-8601 'basic format'. Got '20150830T1236Z'. See \
                     http://en.wikipedia.org/wiki/ISO_8601",
                ),
            ),
            (
                query(&[("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256")]),
                incomplete("Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'"),
            ),
            (
                query(&[("X-Amz-Signature", "")]),
                incomplete(
                    "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the \
                     query-string parameters.",
                ),
            ),
            (
                format!("{}&X-Amz-Credential=x", query(&[])),
                incomplete("The query-string parameter 'X-Amz-Credential' appears more than once."),
            ),
            (
                format!("{}&X-Amz-Signature={SIG}", query(&[])),
                incomplete("The query-string parameter 'X-Amz-Signature' appears more than once."),
            ),
            (
                format!("{}&X-Amz-Security-Token=%FF", query(&[])),
                incomplete("The query-string parameter 'X-Amz-Security-Token' is not valid text."),
            ),
            (
                query(&[("X-Amz-Signature", "zz")]),
                Err(SigV4Error::mismatch()),
            ),
        ];
        for (q, expected) in table {
            assert_eq!(parse(&q, &[]).map(|_| ()), expected, "{q}");
        }
    }

    #[test]
    fn debug_redacts_signature_and_token() {
        let v = authz(&format!(
            "{CRED}, SignedHeaders=host;x-amz-date, Signature={SIG}"
        ));
        let auth = parse(
            "",
            &[
                ("authorization", &v),
                ("x-amz-date", "20150830T123600Z"),
                ("x-amz-security-token", "SESSIONTOKEN"),
            ],
        )
        .expect("parses");
        let shown = format!("{auth:?} {auth:#?}");
        assert!(!shown.contains(SIG), "{shown}");
        assert!(!shown.contains("5d76"), "{shown}");
        assert!(!shown.contains("93, 118"), "{shown}"); // the bytes 0x5d 0x76
        assert!(!shown.contains("SESSIONTOKEN"), "{shown}");
        assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
    }
}
