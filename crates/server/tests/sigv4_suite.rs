//! SigV4 verification against data: AWS's SigV4 test suite (`tests/data/sigv4`), the IAM
//! vectors of the wire reference (botocore ListUsers, header and presigned), a tamper
//! property over every byte the signature covers, and tables of time, scope and header
//! checks with their exact messages.

use std::path::{Path, PathBuf};

use credreport_iam::secret::Secret;
use credreport_report::Timestamp;
use credreport_server::sigv4::{
    canonical_request, canonical_request_with, parse_auth, signature, signing_key, string_to_sign,
    AuthForm, PresignedToken, SigV4Error, SignedRequest, VerifyOptions, SIGNATURE_MISMATCH,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::percent_decode;

// ---------------------------------------------------------------------------------------
// A received request, owned.

#[derive(Clone, Debug)]
struct Req {
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Req {
    fn signed(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    /// Replaces every value of `name` with `value`.
    fn set(&mut self, name: &str, value: &str) {
        self.headers.insert(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
}

/// Parses an HTTP/1.1 request as the suite writes it, the way a server would receive it:
/// request line `METHOD target HTTP/1.1` (the target may hold spaces and raw UTF-8, as the
/// suite's path cases do), headers with optional whitespace around values, repeated
/// headers kept in order, obsolete line folding (`get-header-value-multiline`) unfolded
/// into spaces as a proxy would, a blank line, then the body.
fn parse_http(text: &[u8]) -> Req {
    let text = std::str::from_utf8(text).expect("suite files are UTF-8");
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    let (method, rest) = request_line.split_once(' ').expect("method");
    let (target, _version) = rest.rsplit_once(' ').expect("version");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));

    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = fields.last_mut().expect("a continuation follows a header");
            last.1.push(' ');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("header line");
            fields.push((name.to_owned(), value.to_owned()));
        }
    }
    let mut headers = HeaderMap::new();
    for (name, value) in fields {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value.trim_matches([' ', '\t'])).expect("header value"),
        );
    }
    Req {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s.as_bytes()).expect("test timestamp").0
}

fn secret(s: &str) -> Secret {
    Secret::from_string(s.to_owned())
}

// ---------------------------------------------------------------------------------------
// 1. The AWS SigV4 test suite.

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigv4")
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{dir:?}/{name}: {e}"))
}

/// Cases signed *without* normalising the path (`"normalize": false`) whose path
/// normalises to something else. IAM, like every AWS service but S3, normalises the path
/// before signing (botocore, aws-sigv4 and the CLI all do), so a server cannot accept
/// both these signatures and the normalised ones; it rejects these. For each, the test
/// checks that the canonical request differs from the suite's in the URI line only,
/// that the string to sign and signature follow from the suite's own canonical request,
/// and that verification fails with SignatureDoesNotMatch.
/// (`get-space-unnormalized` is not here: its path is already normal, so it passes.)
const UNNORMALISED: [&str; 6] = [
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-unnormalized",
];

/// The suite's service name, accepted for the suite only.
const SUITE_SERVICES: &[&str] = &["service"];

#[derive(Debug, PartialEq)]
enum Outcome {
    Passed,
    RejectedUnnormalised,
}

/// Runs one form (`header` or `query`) of one case.
fn run_form(case: &str, dir: &Path, form: &str) -> Outcome {
    let context: serde_json::Value =
        serde_json::from_str(&read(dir, "context.json")).expect("context.json");
    let creds = &context["credentials"];
    let key_id = creds["access_key_id"].as_str().expect("access key");
    let secret_text = creds["secret_access_key"].as_str().expect("secret");
    let region = context["region"].as_str().expect("region");
    let service = context["service"].as_str().expect("service");
    let now = at(context["timestamp"].as_str().expect("timestamp"));
    let normalize = context["normalize"].as_bool().expect("normalize");
    let omit_token = context["omit_session_token"].as_bool().unwrap_or(false);
    assert!(
        context.get("token").is_none(),
        "{case}: the token is under credentials"
    );

    let expected_creq = read(dir, &format!("{form}-canonical-request.txt"));
    let expected_sts = read(dir, &format!("{form}-string-to-sign.txt"));
    let expected_sig = read(dir, &format!("{form}-signature.txt"));
    let req = parse_http(read(dir, &format!("{form}-signed-request.txt")).as_bytes());
    let signed = req.signed();

    let auth = parse_auth(&signed).unwrap_or_else(|e| panic!("{case} {form}: {e:?}"));
    assert_eq!(auth.access_key_id, key_id, "{case} {form}");
    assert_eq!(auth.scope.region, region, "{case} {form}");
    assert_eq!(auth.scope.service, service, "{case} {form}");
    let expected_form = if form == "header" {
        AuthForm::Header
    } else {
        AuthForm::Presigned
    };
    assert_eq!(auth.form, expected_form, "{case} {form}");
    if form == "query" {
        assert_eq!(
            auth.expires,
            context["expiration_in_seconds"].as_i64(),
            "{case} {form}"
        );
    }
    if let Some(token) = creds.get("token").and_then(|t| t.as_str()) {
        assert_eq!(auth.session_token.as_deref(), Some(token), "{case} {form}");
    }

    let token_mode = if form == "query" && omit_token {
        PresignedToken::AddedAfterSigning
    } else {
        PresignedToken::Signed
    };
    let creq = canonical_request_with(&signed, &auth, token_mode)
        .unwrap_or_else(|e| panic!("{case} {form}: {e:?}"));
    if token_mode == PresignedToken::Signed {
        assert_eq!(canonical_request(&signed, &auth).as_ref(), Ok(&creq));
    }

    // The suite's string to sign and signature follow from its canonical request.
    let key = signing_key(secret_text.as_bytes(), &auth.scope.date, region, service);
    assert_eq!(
        string_to_sign(&auth, &expected_creq),
        expected_sts,
        "{case} {form}"
    );
    assert_eq!(
        hex::encode(signature(&key, &expected_sts)),
        expected_sig,
        "{case} {form}"
    );

    let opts = VerifyOptions {
        services: SUITE_SERVICES,
        ..VerifyOptions::standard()
    };
    let verdict =
        credreport_server::sigv4::verify(&signed, &auth, &secret(secret_text), now, &opts);

    if UNNORMALISED.contains(&case) {
        assert!(!normalize, "{case} is listed as unnormalised");
        assert_ne!(
            creq, expected_creq,
            "{case} {form}: expected the paths to differ"
        );
        let ours: Vec<&str> = creq.split('\n').collect();
        let theirs: Vec<&str> = expected_creq.split('\n').collect();
        assert_eq!(ours.len(), theirs.len(), "{case} {form}");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            if i != 1 {
                assert_eq!(a, b, "{case} {form}: line {i}");
            }
        }
        assert_eq!(
            verdict.map(|_| ()),
            Err(SigV4Error::mismatch()),
            "{case} {form}"
        );
        return Outcome::RejectedUnnormalised;
    }

    assert_eq!(creq, expected_creq, "{case} {form}: canonical request");
    let sts = string_to_sign(&auth, &creq);
    assert_eq!(sts, expected_sts, "{case} {form}: string to sign");
    assert_eq!(
        hex::encode(signature(&key, &sts)),
        expected_sig,
        "{case} {form}: signature"
    );
    let verified = verdict.unwrap_or_else(|e| panic!("{case} {form}: {e:?}"));
    assert_eq!(verified.access_key_id(), key_id);
    assert_eq!(verified.region(), region);
    assert_eq!(verified.service(), service);
    assert_eq!(verified.request_time(), now);
    assert_eq!(verified.form(), expected_form);

    // The same request with another secret, or a moment too late, is refused.
    let wrong = credreport_server::sigv4::verify(
        &signed,
        &auth,
        &secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz"),
        now,
        &opts,
    );
    assert_eq!(
        wrong.map(|_| ()),
        Err(SigV4Error::mismatch()),
        "{case} {form}"
    );
    Outcome::Passed
}

#[test]
fn aws_sigv4_suite() {
    let mut cases: Vec<String> = std::fs::read_dir(suite_dir())
        .expect("suite directory")
        .filter_map(|e| {
            let e = e.expect("dir entry");
            e.file_type()
                .expect("file type")
                .is_dir()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 38, "the suite has 38 v4 cases: {cases:?}");

    let (mut passed, mut rejected) = (0, 0);
    for case in &cases {
        let dir = suite_dir().join(case);
        for form in ["header", "query"] {
            if !dir.join(format!("{form}-signed-request.txt")).exists() {
                continue;
            }
            match run_form(case, &dir, form) {
                Outcome::Passed => passed += 1,
                Outcome::RejectedUnnormalised => rejected += 1,
            }
        }
    }
    // Every case has both forms: 32 cases pass in both, 6 unnormalised ones are rejected.
    assert_eq!((passed, rejected), (64, 12));
}

// ---------------------------------------------------------------------------------------
// 2. IAM vectors (wire reference 2.3 and 2.4: botocore SigV4Auth / SigV4QueryAuth).

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const T0: &str = "2015-08-30T12:36:00Z";
const BODY: &str = "Action=ListUsers&Version=2010-05-08";
const LIST_USERS_SIG: &str = "5d76d0de3e0ffe5a7a23cfce21b99d6f4e5060aad86bd9dc7c617f224e5b492a";
const LIST_USERS_TOKEN_SIG: &str =
    "23a3ff936d1b286c73055678e621eb8cf7a9e80f7f90656e0435b53161ed8fa9";
const PRESIGNED_QUERY: &str = "Action=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host";
const PRESIGNED_SIG: &str = "805719556650752d1d4513329d3f77e35eaa23b90bd9ca17af42c105bb112b1f";

/// The botocore ListUsers request, signed (with `SESSIONTOKEN` when `token`).
fn list_users(token: bool) -> Req {
    let mut req = Req {
        method: "POST".to_owned(),
        path: "/".to_owned(),
        query: String::new(),
        headers: HeaderMap::new(),
        body: BODY.as_bytes().to_vec(),
    };
    req.set(
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    );
    req.set("host", "iam.amazonaws.com");
    req.set("x-amz-date", "20150830T123600Z");
    let (signed_headers, sig) = if token {
        req.set("x-amz-security-token", "SESSIONTOKEN");
        (
            "content-type;host;x-amz-date;x-amz-security-token",
            LIST_USERS_TOKEN_SIG,
        )
    } else {
        ("content-type;host;x-amz-date", LIST_USERS_SIG)
    };
    req.set(
        "authorization",
        &format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders={signed_headers}, Signature={sig}"
        ),
    );
    req
}

fn presigned() -> Req {
    let mut req = Req {
        method: "GET".to_owned(),
        path: "/".to_owned(),
        query: format!("{PRESIGNED_QUERY}&X-Amz-Signature={PRESIGNED_SIG}"),
        headers: HeaderMap::new(),
        body: Vec::new(),
    };
    req.set("host", "iam.amazonaws.com");
    req
}

fn check(req: &Req, now: Timestamp, opts: &VerifyOptions) -> Result<(), SigV4Error> {
    let signed = req.signed();
    let auth = parse_auth(&signed)?;
    credreport_server::sigv4::verify(&signed, &auth, &secret(SECRET), now, opts).map(|_| ())
}

fn check_std(req: &Req, now: Timestamp) -> Result<(), SigV4Error> {
    check(req, now, &VerifyOptions::standard())
}

#[test]
fn iam_list_users_vector() {
    let req = list_users(false);
    let signed = req.signed();
    let auth = parse_auth(&signed).expect("parses");
    let creq = canonical_request(&signed, &auth).expect("canonical");
    assert_eq!(
        creq,
        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n\
         host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
         content-type;host;x-amz-date\n\
         b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2"
    );
    let sts = string_to_sign(&auth, &creq);
    assert_eq!(
        sts,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
         b9ae437b48385ce1aea147c5febf7c0cc705d1f8c7ce1ef0db4cd33a3439eb8c"
    );
    let key = signing_key(SECRET.as_bytes(), "20150830", "us-east-1", "iam");
    assert_eq!(hex::encode(signature(&key, &sts)), LIST_USERS_SIG);

    let verified = credreport_server::sigv4::verify(
        &signed,
        &auth,
        &secret(SECRET),
        at(T0),
        &VerifyOptions::standard(),
    )
    .expect("verifies");
    assert_eq!(verified.access_key_id(), AKID);
    assert_eq!(verified.region(), "us-east-1");
    assert_eq!(verified.service(), "iam");
    assert_eq!(verified.request_time(), at(T0));
    assert_eq!(verified.form(), AuthForm::Header);
    assert_eq!(verified.session_token(), None);
    let shown = format!("{verified:?}");
    assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
}

#[test]
fn iam_list_users_with_session_token() {
    let req = list_users(true);
    let signed = req.signed();
    let auth = parse_auth(&signed).expect("parses");
    assert_eq!(auth.session_token.as_deref(), Some("SESSIONTOKEN"));
    let verified = credreport_server::sigv4::verify(
        &signed,
        &auth,
        &secret(SECRET),
        at(T0),
        &VerifyOptions::standard(),
    )
    .expect("verifies");
    assert_eq!(verified.session_token(), Some("SESSIONTOKEN"));
    assert!(!format!("{verified:?}").contains("SESSIONTOKEN"));

    // The token is signed here: another token breaks the signature.
    let mut other = req.clone();
    other.set("x-amz-security-token", "SESSIONTOKEM");
    assert_eq!(check_std(&other, at(T0)), Err(SigV4Error::mismatch()));
}

#[test]
fn iam_presigned_vector() {
    let req = presigned();
    let signed = req.signed();
    let auth = parse_auth(&signed).expect("parses");
    assert_eq!(auth.form, AuthForm::Presigned);
    assert_eq!(auth.expires, Some(300));
    let creq = canonical_request(&signed, &auth).expect("canonical");
    assert_eq!(
        creq,
        format!(
            "GET\n/\n{PRESIGNED_QUERY}\nhost:iam.amazonaws.com\n\nhost\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    );
    let verified = credreport_server::sigv4::verify(
        &signed,
        &auth,
        &secret(SECRET),
        at(T0),
        &VerifyOptions::standard(),
    )
    .expect("verifies");
    assert_eq!(verified.form(), AuthForm::Presigned);
    assert_eq!(verified.service(), "iam");

    // The parameters may come in any order.
    let mut reordered = req.clone();
    let mut pairs: Vec<&str> = req.query.split('&').collect();
    pairs.reverse();
    reordered.query = pairs.join("&");
    assert_eq!(check_std(&reordered, at(T0)), Ok(()));
}

// ---------------------------------------------------------------------------------------
// 3. Tamper: one flipped bit anywhere the signature covers is never accepted.

/// Flips every bit of every byte of `bytes` in turn, calling `f` with the result.
fn each_flip(bytes: &[u8], mut f: impl FnMut(usize, u8, Vec<u8>)) {
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut t = bytes.to_vec();
            t[i] ^= 1 << bit;
            f(i, bit, t);
        }
    }
}

#[test]
fn tampering_with_a_signed_part_fails() {
    for token in [false, true] {
        let original = list_users(token);
        assert_eq!(check_std(&original, at(T0)), Ok(()));
        let mut tried = 0;

        // Method and path: a flip that is not text could not reach the server at all.
        each_flip(original.method.as_bytes(), |i, bit, t| {
            let Ok(method) = String::from_utf8(t) else {
                return;
            };
            let mut req = original.clone();
            req.method = method;
            tried += 1;
            assert_eq!(
                check_std(&req, at(T0)),
                Err(SigV4Error::mismatch()),
                "method {i}.{bit}"
            );
        });
        each_flip(original.path.as_bytes(), |i, bit, t| {
            let Ok(path) = String::from_utf8(t) else {
                return;
            };
            let mut req = original.clone();
            req.path = path;
            tried += 1;
            assert_eq!(
                check_std(&req, at(T0)),
                Err(SigV4Error::mismatch()),
                "path {i}.{bit}"
            );
        });

        // Every signed header's value: any error will do (a flipped date may fail its
        // format or scope check first), never Ok.
        let names: &[&str] = if token {
            &["content-type", "host", "x-amz-date", "x-amz-security-token"]
        } else {
            &["content-type", "host", "x-amz-date"]
        };
        for name in names {
            let value = original.headers[*name].as_bytes().to_vec();
            each_flip(&value, |i, bit, t| {
                let Ok(v) = HeaderValue::from_bytes(&t) else {
                    return;
                };
                let mut req = original.clone();
                req.headers
                    .insert(HeaderName::from_bytes(name.as_bytes()).expect("name"), v);
                tried += 1;
                let got = check_std(&req, at(T0));
                assert!(got.is_err(), "{name} byte {i} bit {bit}: {got:?}");
            });
        }

        // The body.
        each_flip(&original.body, |i, bit, t| {
            let mut req = original.clone();
            req.body = t;
            tried += 1;
            assert_eq!(
                check_std(&req, at(T0)),
                Err(SigV4Error::mismatch()),
                "body {i}.{bit}"
            );
        });

        // The signature itself: each hex digit changed to each other hex digit.
        let authz = original.headers["authorization"]
            .to_str()
            .expect("text")
            .to_owned();
        let start = authz.find("Signature=").expect("signature") + "Signature=".len();
        for i in start..authz.len() {
            for d in "0123456789abcdef".chars() {
                if authz[i..].starts_with(d) {
                    continue;
                }
                let mut req = original.clone();
                let changed = format!("{}{d}{}", &authz[..i], &authz[i + 1..]);
                req.set("authorization", &changed);
                tried += 1;
                assert_eq!(
                    check_std(&req, at(T0)),
                    Err(SigV4Error::mismatch()),
                    "sig {i}"
                );
            }
        }
        assert!(tried > 1000, "{tried}");
    }
}

/// A body swapped under a declared `x-amz-content-sha256` is caught even when the header
/// is not signed, and a declared hash that matches another body is refused.
#[test]
fn declared_payload_hash_must_be_the_bodys() {
    let mut req = list_users(false);
    req.set(
        "x-amz-content-sha256",
        "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2",
    );
    assert_eq!(check_std(&req, at(T0)), Ok(()));
    req.body = b"Action=DeleteUser&Version=2010-05-08&UserName=alice".to_vec();
    assert_eq!(
        check_std(&req, at(T0)),
        Err(SigV4Error::SignatureDoesNotMatch(
            credreport_server::sigv4::CONTENT_SHA256_MISMATCH.to_owned()
        ))
    );
}

/// Flipping the presigned query: any change that does not decode to the same parameters is
/// refused (`%2F` and `%2f` are the same parameter, and the query parser agrees).
#[test]
fn tampering_with_a_presigned_query_fails() {
    let original = presigned();
    let decoded = |q: &str| -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut pairs: Vec<_> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                let dec = |s: &str| -> Vec<u8> {
                    let s: Vec<u8> = s
                        .bytes()
                        .map(|b| if b == b'+' { b' ' } else { b })
                        .collect();
                    percent_decode(&s).collect()
                };
                (dec(n), dec(v))
            })
            .collect();
        pairs.sort();
        pairs
    };
    let before = decoded(&original.query);
    let (mut refused, mut same) = (0, 0);
    each_flip(original.query.as_bytes(), |i, bit, t| {
        let Ok(query) = String::from_utf8(t) else {
            return;
        };
        let mut req = original.clone();
        req.query = query;
        let got = check_std(&req, at(T0));
        if decoded(&req.query) == before {
            same += 1;
            assert_eq!(got, Ok(()), "byte {i} bit {bit}: {}", req.query);
        } else {
            refused += 1;
            assert!(got.is_err(), "byte {i} bit {bit}: {}", req.query);
        }
    });
    assert!(refused > 1000 && same > 0, "{refused} {same}");
}

// ---------------------------------------------------------------------------------------
// 4. Time.

#[test]
fn clock_skew_edges() {
    let t0 = at(T0);
    let plus = |s: i64| t0.checked_add_secs(s).expect("in range");
    let header = list_users(false);
    let presigned = presigned();
    let expired = |m: &str| Err(SigV4Error::SignatureDoesNotMatch(m.to_owned()));
    let table: Vec<(&str, &Req, i64, Result<(), SigV4Error>)> = vec![
        ("header, on time", &header, 0, Ok(())),
        ("header, exactly 15 min old", &header, 900, Ok(())),
        (
            "header, 15 min + 1 s old",
            &header,
            901,
            expired("Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)"),
        ),
        (
            "header, a day old",
            &header,
            86_400,
            expired("Signature expired: 20150830T123600Z is now earlier than 20150831T122100Z (20150831T123600Z - 15 min.)"),
        ),
        ("header, exactly 15 min ahead", &header, -900, Ok(())),
        (
            "header, 15 min + 1 s ahead",
            &header,
            -901,
            expired("Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)"),
        ),
        ("presigned, at expiry", &presigned, 300, Ok(())),
        (
            "presigned, 1 s past expiry",
            &presigned,
            301,
            expired("Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)"),
        ),
        ("presigned, exactly 15 min ahead", &presigned, -900, Ok(())),
        (
            "presigned, 15 min + 1 s ahead",
            &presigned,
            -901,
            expired("Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)"),
        ),
    ];
    for (name, req, offset, expected) in table {
        assert_eq!(check_std(req, plus(offset)), expected, "{name}");
    }

    // A presigned request's own X-Amz-Expires is the limit, not the skew: a week-long URL
    // is good for a week, and an odd number of seconds is said in seconds.
    for (expires, offset, ok) in [
        (604_800, 604_800, true),
        (604_800, 604_801, false),
        (901, 901, true),
    ] {
        let req = resign_presigned(&format!("{expires}"));
        assert_eq!(
            check_std(&req, plus(offset)).is_ok(),
            ok,
            "{expires} {offset}"
        );
    }
    let req = resign_presigned("61");
    assert_eq!(
        check_std(&req, plus(62)),
        expired("Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T123702Z - 61 sec.)")
    );

    // A narrower skew in the options.
    let opts = VerifyOptions {
        skew_secs: 300,
        ..VerifyOptions::standard()
    };
    assert_eq!(check(&header, plus(300), &opts), Ok(()));
    assert_eq!(
        check(&header, plus(301), &opts),
        expired("Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)")
    );
}

/// The presigned vector with another X-Amz-Expires, signed again.
fn resign_presigned(expires: &str) -> Req {
    let mut req = presigned();
    req.query = format!(
        "{}&X-Amz-Signature={}",
        PRESIGNED_QUERY.replace("X-Amz-Expires=300", &format!("X-Amz-Expires={expires}")),
        "0".repeat(64)
    );
    sign_again(&mut req);
    req
}

// ---------------------------------------------------------------------------------------
// 5. Scope, service, region and signed-header checks.

/// Signs `req` again with [`SECRET`], keeping its authentication data (form, scope, signed
/// headers) and replacing only the signature. When the request cannot be parsed or its
/// canonical request cannot be made (a bad terminator, a missing signed header), the
/// signature is left as it is: verification fails before it is looked at.
fn sign_again(req: &mut Req) {
    let Ok(auth) = parse_auth(&req.signed()) else {
        return;
    };
    let Ok(creq) = canonical_request(&req.signed(), &auth) else {
        return;
    };
    let key = signing_key(
        SECRET.as_bytes(),
        &auth.scope.date,
        &auth.scope.region,
        &auth.scope.service,
    );
    let sig = hex::encode(signature(&key, &string_to_sign(&auth, &creq)));
    match auth.form {
        AuthForm::Header => {
            let value = req.headers["authorization"]
                .to_str()
                .expect("text")
                .to_owned();
            let start = value.find("Signature=").expect("signature") + "Signature=".len();
            let value = format!("{}{sig}{}", &value[..start], &value[start + 64..]);
            req.set("authorization", &value);
        }
        AuthForm::Presigned => {
            let start =
                req.query.find("X-Amz-Signature=").expect("signature") + "X-Amz-Signature=".len();
            req.query = format!("{}{sig}{}", &req.query[..start], &req.query[start + 64..]);
        }
    }
}

/// A ListUsers request with the given credential scope and signed headers, signed; `edit`
/// changes the headers before signing.
fn header_request(scope: &str, signed_headers: &str, edit: impl FnOnce(&mut Req)) -> Req {
    let mut req = list_users(false);
    req.set(
        "authorization",
        &format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders={signed_headers}, \
             Signature={}",
            "0".repeat(64)
        ),
    );
    edit(&mut req);
    sign_again(&mut req);
    req
}

#[test]
fn scope_service_region_and_header_checks() {
    const H: &str = "content-type;host;x-amz-date";
    let sdnm = |m: &str| Err(SigV4Error::SignatureDoesNotMatch(m.to_owned()));
    let incomplete = |m: &str| Err(SigV4Error::IncompleteSignature(m.to_owned()));
    let pinned = VerifyOptions {
        pinned_region: Some("us-east-1".to_owned()),
        ..VerifyOptions::standard()
    };
    let standard = VerifyOptions::standard();
    let iam_only = VerifyOptions {
        services: &["iam"],
        ..VerifyOptions::standard()
    };
    let none = |_: &mut Req| {};
    let table: Vec<(&str, Req, &VerifyOptions, Result<(), SigV4Error>)> = vec![
        ("baseline", header_request("20150830/us-east-1/iam/aws4_request", H, none), &standard, Ok(())),
        ("sts", header_request("20150830/us-east-1/sts/aws4_request", H, none), &standard, Ok(())),
        (
            "any region when not pinned",
            header_request("20150830/eu-west-1/iam/aws4_request", H, none),
            &standard,
            Ok(()),
        ),
        ("pinned region", header_request("20150830/us-east-1/iam/aws4_request", H, none), &pinned, Ok(())),
        (
            "scope date is not the request's",
            header_request("20150831/us-east-1/iam/aws4_request", H, none),
            &standard,
            sdnm("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'."),
        ),
        (
            "scope date in another spelling",
            header_request("2015-08-30/us-east-1/iam/aws4_request", H, none),
            &standard,
            sdnm("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '2015-08-30' != '20150830', from '20150830T123600Z'."),
        ),
        (
            "another service",
            header_request("20150830/us-east-1/ec2/aws4_request", H, none),
            &standard,
            sdnm("Credential should be scoped to correct service: 'iam'. "),
        ),
        (
            "service case matters",
            header_request("20150830/us-east-1/IAM/aws4_request", H, none),
            &standard,
            sdnm("Credential should be scoped to correct service: 'iam'. "),
        ),
        (
            "sts when only iam is served",
            header_request("20150830/us-east-1/sts/aws4_request", H, none),
            &iam_only,
            sdnm("Credential should be scoped to correct service: 'iam'. "),
        ),
        (
            "another region when pinned",
            header_request("20150830/us-east-2/iam/aws4_request", H, none),
            &pinned,
            sdnm("Credential should be scoped to a valid region, not 'us-east-2'. "),
        ),
        (
            "empty region",
            header_request("20150830//iam/aws4_request", H, none),
            &standard,
            sdnm("Credential should be scoped to a valid region, not ''. "),
        ),
        (
            "region that is not a region name",
            header_request("20150830/US_EAST-1/iam/aws4_request", H, none),
            &standard,
            sdnm("Credential should be scoped to a valid region, not 'US_EAST-1'. "),
        ),
        (
            "bad terminator",
            header_request("20150830/us-east-1/iam/aws4_request2", H, none),
            &standard,
            sdnm("Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_request2'. "),
        ),
        (
            "host not signed",
            header_request("20150830/us-east-1/iam/aws4_request", "content-type;x-amz-date", none),
            &standard,
            incomplete("The signed headers must include 'host'."),
        ),
        (
            "date not signed",
            header_request("20150830/us-east-1/iam/aws4_request", "content-type;host", none),
            &standard,
            incomplete("The signed headers must include 'x-amz-date' or 'date'."),
        ),
        (
            "signed header not in the request",
            header_request("20150830/us-east-1/iam/aws4_request", "content-length;content-type;host;x-amz-date", none),
            &standard,
            incomplete("The request has no 'content-length' header, but it is listed in SignedHeaders."),
        ),
        (
            "x-amz-date signed but only Date sent",
            header_request("20150830/us-east-1/iam/aws4_request", H, |r| {
                r.headers.remove("x-amz-date");
                r.set("date", "Sun, 30 Aug 2015 12:36:00 GMT");
            }),
            &standard,
            incomplete("The request has no 'x-amz-date' header, but it is listed in SignedHeaders."),
        ),
        (
            "Date header instead of X-Amz-Date",
            header_request("20150830/us-east-1/iam/aws4_request", "content-type;date;host", |r| {
                r.headers.remove("x-amz-date");
                r.set("date", "Sun, 30 Aug 2015 12:36:00 GMT");
            }),
            &standard,
            Ok(()),
        ),
        (
            "signed-header names in any case and order",
            header_request("20150830/us-east-1/iam/aws4_request", "X-Amz-Date;Host;Content-Type", none),
            &standard,
            Ok(()),
        ),
        (
            "a day-old request with its own day in the scope",
            header_request("20150829/us-east-1/iam/aws4_request", H, |r| {
                r.set("x-amz-date", "20150829T123600Z");
            }),
            &standard,
            sdnm("Signature expired: 20150829T123600Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)"),
        ),
        (
            "scope checked before the time",
            header_request("20150829/us-east-1/ec2/aws4_request", H, |r| {
                r.set("x-amz-date", "20150829T123600Z");
            }),
            &standard,
            sdnm("Credential should be scoped to correct service: 'iam'. "),
        ),
        (
            "time checked before the signed headers",
            header_request("20150829/us-east-1/iam/aws4_request", "content-type;x-amz-date", |r| {
                r.set("x-amz-date", "20150829T123600Z");
            }),
            &standard,
            sdnm("Signature expired: 20150829T123600Z is now earlier than 20150830T122100Z (20150830T123600Z - 15 min.)"),
        ),
    ];
    for (name, req, opts, expected) in table {
        assert_eq!(check(&req, at(T0), opts), expected, "{name}");
    }
}

#[test]
fn verified_region_and_service_come_from_the_scope() {
    let req = header_request(
        "20150830/eu-west-1/sts/aws4_request",
        "content-type;host;x-amz-date",
        |_| {},
    );
    let signed = req.signed();
    let auth = parse_auth(&signed).expect("parses");
    let v = credreport_server::sigv4::verify(
        &signed,
        &auth,
        &secret(SECRET),
        at(T0),
        &VerifyOptions::standard(),
    )
    .expect("verifies");
    assert_eq!((v.region(), v.service()), ("eu-west-1", "sts"));
}

#[test]
fn missing_authentication() {
    let mut req = list_users(false);
    req.headers.remove("authorization");
    let err = check_std(&req, at(T0)).expect_err("no auth");
    assert_eq!(err, SigV4Error::MissingAuthenticationToken);
    assert_eq!(
        (err.code(), err.status(), err.message().as_str()),
        (
            "MissingAuthenticationToken",
            403,
            "Request is missing Authentication Token"
        )
    );
    let err = SigV4Error::mismatch();
    assert_eq!((err.code(), err.status()), ("SignatureDoesNotMatch", 403));
    assert_eq!(err.message(), SIGNATURE_MISMATCH);
}
