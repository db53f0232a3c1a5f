//! The canonical request, the string to sign, the signing key and the signature, computed
//! from the request as received.

use credreport_iam::secret::Secret;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::auth::{Auth, AuthForm, ALGORITHM, SIGNATURE_PARAM, TERMINATOR};
use super::error::{excerpt, SigV4Error};
use super::request::SignedRequest;
use super::uri::{canonical_query, canonical_uri};

/// The header that may carry the payload hash (S3 needs it; other services honour it).
const CONTENT_SHA256: &str = "x-amz-content-sha256";

/// The payload-hash placeholder of unsigned payloads.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The message when `x-amz-content-sha256` is not the hash of the body received.
pub const CONTENT_SHA256_MISMATCH: &str =
    "The provided 'x-amz-content-sha256' header does not match what was computed.";

/// Whether a presigned request's `X-Amz-Security-Token` query parameter was signed.
///
/// botocore and aws-sigv4 add the token before signing; some clients (IoT's presigned
/// WebSocket URLs, the suite's `omit_session_token` cases) append it afterwards. In the
/// header form the question does not arise: the token header is signed exactly when it is
/// in `SignedHeaders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresignedToken {
    /// The token is one of the signed query parameters (the usual case).
    Signed,
    /// The token was appended after signing and is left out of the canonical query.
    AddedAfterSigning,
}

/// The canonical request, with a presigned request's session token (if any) signed.
pub fn canonical_request(req: &SignedRequest<'_>, auth: &Auth) -> Result<String, SigV4Error> {
    canonical_request_with(req, auth, PresignedToken::Signed)
}

/// The canonical request:
///
/// ```text
/// METHOD \n URI \n QUERY \n name:value \n ... \n \n signed;headers \n payload-hash
/// ```
///
/// Errors: a signed header the request does not have, or one whose value is not text
/// (`IncompleteSignature`); a path that is not origin-form or an `x-amz-content-sha256`
/// that is not the body's hash (`SignatureDoesNotMatch`).
pub fn canonical_request_with(
    req: &SignedRequest<'_>,
    auth: &Auth,
    token: PresignedToken,
) -> Result<String, SigV4Error> {
    let uri = canonical_uri(req.path)?;
    let query = match auth.form {
        AuthForm::Header => canonical_query(req.query, |_| true),
        AuthForm::Presigned => canonical_query(req.query, |name| {
            name != SIGNATURE_PARAM
                && !(token == PresignedToken::AddedAfterSigning && name == b"X-Amz-Security-Token")
        }),
    };
    let headers = canonical_headers(req.headers, &auth.signed_headers)?;
    let payload = hashed_payload(req, auth.form)?;
    Ok(format!(
        "{}\n{uri}\n{query}\n{headers}\n{}\n{payload}",
        req.method,
        auth.signed_headers.join(";")
    ))
}

/// `name:value\n` for every signed header, in the (sorted) order given. Values are trimmed
/// and runs of spaces and tabs become one space; repeated headers are joined with `,`.
fn canonical_headers(headers: &http::HeaderMap, signed: &[String]) -> Result<String, SigV4Error> {
    let mut out = String::new();
    for name in signed {
        let mut values = headers.get_all(name.as_str()).iter().peekable();
        if values.peek().is_none() {
            return Err(SigV4Error::IncompleteSignature(format!(
                "The request has no '{}' header, but it is listed in SignedHeaders.",
                excerpt(name)
            )));
        }
        out.push_str(name);
        out.push(':');
        for (i, value) in values.enumerate() {
            // Header values may carry opaque bytes; a lossy conversion would let two
            // different values sign alike, so anything but text is refused.
            let value = std::str::from_utf8(value.as_bytes()).map_err(|_| {
                SigV4Error::IncompleteSignature(format!(
                    "The signed header '{}' is not valid text.",
                    excerpt(name)
                ))
            })?;
            if i > 0 {
                out.push(',');
            }
            let mut words = value.split([' ', '\t']).filter(|w| !w.is_empty());
            if let Some(first) = words.next() {
                out.push_str(first);
                for word in words {
                    out.push(' ');
                    out.push_str(word);
                }
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// The payload hash: `x-amz-content-sha256` as sent when there is one, else the hex SHA-256
/// of the body. A declared hash must be the body's (otherwise the body could be swapped
/// under a valid signature); `UNSIGNED-PAYLOAD` is only taken for an empty body (IAM's
/// parameters are the body), and a presigned request's `UNSIGNED-PAYLOAD` is ignored.
fn hashed_payload(req: &SignedRequest<'_>, form: AuthForm) -> Result<String, SigV4Error> {
    let body_hash = hex::encode(Sha256::digest(req.body));
    let mut declared = req.headers.get_all(CONTENT_SHA256).iter();
    let (Some(value), None) = (declared.next(), declared.next()) else {
        return if req.headers.contains_key(CONTENT_SHA256) {
            Err(content_mismatch())
        } else {
            Ok(body_hash)
        };
    };
    let value = value.to_str().map_err(|_| content_mismatch())?;
    if value == UNSIGNED_PAYLOAD {
        return match form {
            AuthForm::Presigned => Ok(body_hash),
            AuthForm::Header if req.body.is_empty() => Ok(value.to_owned()),
            AuthForm::Header => Err(SigV4Error::SignatureDoesNotMatch(
                "The payload must be signed: 'x-amz-content-sha256' cannot be \
                 UNSIGNED-PAYLOAD for a request with a body."
                    .to_owned(),
            )),
        };
    }
    if value.len() == 64 && value.eq_ignore_ascii_case(&body_hash) {
        Ok(value.to_owned())
    } else {
        Err(content_mismatch())
    }
}

fn content_mismatch() -> SigV4Error {
    SigV4Error::SignatureDoesNotMatch(CONTENT_SHA256_MISMATCH.to_owned())
}

/// `AWS4-HMAC-SHA256 \n amz-date \n scope \n hex(sha256(canonical request))`.
pub fn string_to_sign(auth: &Auth, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        auth.amz_date,
        auth.scope,
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
/// "aws4_request")`. The `"AWS4" + secret` buffer is zeroed when dropped.
pub fn signing_key(secret: &[u8], date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_secret = Secret::new([b"AWS4".as_slice(), secret].concat());
    let k_date = hmac(k_secret.expose(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, TERMINATOR.as_bytes())
}

/// `HMAC(signing key, string to sign)`.
pub fn signature(key: &[u8; 32], string_to_sign: &str) -> [u8; 32] {
    hmac(key, string_to_sign.as_bytes())
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_key_matches_the_aws_documentation_example() {
        // AWS General Reference, "Examples of how to derive a signing key for SigV4".
        let key = signing_key(
            b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn header_values_are_trimmed_collapsed_and_joined() {
        let mut headers = http::HeaderMap::new();
        for (n, v) in [
            ("my-header1", "  a   b\t\tc  "),
            ("my-header1", "d"),
            ("my-header2", ""),
            ("host", "h:8080"),
        ] {
            headers.append(
                http::HeaderName::from_static(n),
                http::HeaderValue::from_static(v),
            );
        }
        let signed = ["host", "my-header1", "my-header2"].map(str::to_owned);
        assert_eq!(
            canonical_headers(&headers, &signed),
            Ok("host:h:8080\nmy-header1:a b c,d\nmy-header2:\n".to_owned())
        );
        let signed = ["content-type".to_owned()];
        assert_eq!(
            canonical_headers(&headers, &signed),
            Err(SigV4Error::IncompleteSignature(
                "The request has no 'content-type' header, but it is listed in SignedHeaders."
                    .to_owned()
            ))
        );
        let mut opaque = http::HeaderMap::new();
        opaque.insert(
            "x-opaque",
            http::HeaderValue::from_bytes(b"caf\xe9").expect("obs-text is allowed"),
        );
        assert_eq!(
            canonical_headers(&opaque, &["x-opaque".to_owned()]),
            Err(SigV4Error::IncompleteSignature(
                "The signed header 'x-opaque' is not valid text.".to_owned()
            ))
        );
    }

    #[test]
    fn payload_hash_rules() {
        const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        const BODY_HASH: &str = "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2";
        let body = b"Action=ListUsers&Version=2010-05-08";
        let check = |declared: &[&str], body: &[u8], form: AuthForm| {
            let mut headers = http::HeaderMap::new();
            for v in declared {
                headers.append(
                    CONTENT_SHA256,
                    http::HeaderValue::from_str(v).expect("value"),
                );
            }
            hashed_payload(
                &SignedRequest {
                    method: "POST",
                    path: "/",
                    query: "",
                    headers: &headers,
                    body,
                },
                form,
            )
        };
        let mismatch = Err(SigV4Error::SignatureDoesNotMatch(
            CONTENT_SHA256_MISMATCH.to_owned(),
        ));
        let ok = |s: &str| Ok(s.to_owned());
        let upper = BODY_HASH.to_uppercase();
        // (declared hashes, body, form, payload hash)
        type Case<'a> = (Vec<&'a str>, &'a [u8], AuthForm, Result<String, SigV4Error>);
        let table: Vec<Case<'_>> = vec![
            (vec![], b"", AuthForm::Header, ok(EMPTY)),
            (vec![], body, AuthForm::Header, ok(BODY_HASH)),
            (vec![BODY_HASH], body, AuthForm::Header, ok(BODY_HASH)),
            (vec![&upper], body, AuthForm::Header, ok(&upper)),
            (vec![BODY_HASH], body, AuthForm::Presigned, ok(BODY_HASH)),
            (vec![EMPTY], body, AuthForm::Header, mismatch.clone()),
            (vec![BODY_HASH], b"", AuthForm::Header, mismatch.clone()),
            (
                vec![BODY_HASH, BODY_HASH],
                body,
                AuthForm::Header,
                mismatch.clone(),
            ),
            (
                vec!["STREAMING-AWS4-HMAC-SHA256-PAYLOAD"],
                body,
                AuthForm::Header,
                mismatch.clone(),
            ),
            (vec![""], b"", AuthForm::Header, mismatch.clone()),
            (
                vec!["UNSIGNED-PAYLOAD"],
                b"",
                AuthForm::Header,
                ok("UNSIGNED-PAYLOAD"),
            ),
            (
                vec!["UNSIGNED-PAYLOAD"],
                body,
                AuthForm::Presigned,
                ok(BODY_HASH),
            ),
            (
                vec!["UNSIGNED-PAYLOAD"],
                body,
                AuthForm::Header,
                Err(SigV4Error::SignatureDoesNotMatch(
                    "The payload must be signed: 'x-amz-content-sha256' cannot be \
                     UNSIGNED-PAYLOAD for a request with a body."
                        .to_owned(),
                )),
            ),
        ];
        for (declared, body, form, expected) in table {
            assert_eq!(
                check(&declared, body, form),
                expected,
                "{declared:?} {form:?}"
            );
        }
    }
}
