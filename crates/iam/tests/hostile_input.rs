//! Hostile input to the IAM domain's parsers (issue 15): policy documents, trust policies
//! and PEM certificates never panic, whatever the bytes; arbitrary JSON and mutations of
//! valid inputs reach past the first checks. `PROPTEST_CASES` sets how many cases
//! (`bench/hostile_input.sh` runs them for minutes).

use credreport_iam::certificate::parse_signing_certificate;
use credreport_iam::policy::parse_policy;
use credreport_iam::trust::parse_trust_policy;
use credreport_report::Timestamp;
use proptest::prelude::*;
use serde_json::Value;

const CERT: &str = include_str!("data/cert-valid-rsa2048.pem");
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["iam:Get*","s3:*"],"Resource":"arn:aws:iam::123456789012:user/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","111122223333"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Arbitrary JSON, with the keys policies use among the random ones.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("Version".to_owned()),
        Just("Statement".to_owned()),
        Just("Effect".to_owned()),
        Just("Action".to_owned()),
        Just("NotAction".to_owned()),
        Just("Resource".to_owned()),
        Just("Principal".to_owned()),
        Just("AWS".to_owned()),
        Just("Condition".to_owned()),
        Just("Sid".to_owned()),
        "\\PC{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("Allow".to_owned()),
            Just("Deny".to_owned()),
            Just("*".to_owned()),
            Just("2012-10-17".to_owned()),
            Just("iam:*".to_owned()),
            Just("arn:aws:iam::123456789012:root".to_owned()),
            "\\PC{0,24}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A valid input with a few bytes changed, dropped or repeated.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec((0..base.len(), any::<u8>(), 0u8..3), 0..8).prop_map(move |edits| {
        let mut bytes = base.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match how {
                0 => bytes[at] = byte,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, byte),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn now() -> Timestamp {
    Timestamp::from_unix(1_800_000_000).unwrap_or(Timestamp::MIN)
}

proptest! {
    #[test]
    fn policies_from_arbitrary_json_never_panic(v in json()) {
        let text = v.to_string();
        let _ = parse_policy(&text);
        let _ = parse_trust_policy(&text);
    }

    #[test]
    fn mutated_policies_never_panic(a in mutated(POLICY), b in mutated(TRUST)) {
        let _ = parse_policy(&a);
        let _ = parse_trust_policy(&a);
        let _ = parse_policy(&b);
        let _ = parse_trust_policy(&b);
    }

    #[test]
    fn certificates_never_panic(junk in prop::collection::vec(any::<u8>(), 0..600), cert in mutated(CERT)) {
        use base64::Engine as _;
        let armored = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            base64::engine::general_purpose::STANDARD.encode(&junk)
        );
        let _ = parse_signing_certificate(&armored, now());
        let _ = parse_signing_certificate(&cert, now());
    }
}
