//! What IAM refuses when a policy is written, with its messages, and what it accepts.
//! The identity-based cases are the ones `credreport-iam` had for PutUserPolicy; the
//! condition cases come from moto's table of documents checked against IAM
//! (`tests/test_iam/test_iam_policies.py`) and AWS's pages.

use credreport_policy::{messages, Policy, PolicyKind, Version};

use crate::support::doc;

/// Every document must be refused, with that message.
fn check_refused(kind: PolicyKind, cases: &[(String, &str)]) {
    for (json, expected) in cases {
        let err = Policy::parse(json, kind).expect_err(json);
        assert_eq!(err.0, *expected, "{json}");
        assert_eq!(err.to_string(), *expected);
    }
}

fn statement(body: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":{body}}}"#)
}

#[test]
fn identity_documents_iam_accepts() {
    let ok = [
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        r#"{"Statement":[{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b"}]}"#,
        r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*"},{"Sid":"B2","Effect":"Allow","Action":"iam:Get?ser","Resource":"arn:aws:iam::123456789012:user/${aws:username}"}]}"#,
        r#"{"Statement":[{"Sid":"","Effect":"Allow","Action":"a:b","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"a:b","Resource":"*"}]}"#,
        r#"{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{"aws:username":["alice","bob"],"n":1,"b":true}}}}"#,
        "  {\n \"Statement\" : { \"Effect\" : \"Allow\", \"Action\" : \"a:b\", \"Resource\" : \"*\" } }\n",
        // Conditions IAM accepts (moto's table).
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"x":{},"y":{}}}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"DateGreaterThan":{"a":"01T"}}}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"DateLessThanEquals":{"a":"2016-12-13T21:20:37.593194+00:00"}}}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"DateLessThan":{"a":"-292275054"}}}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"ForAnyValue:StringEqualsIfExists":{"a":"asf"}}}}"#,
    ];
    for json in ok {
        doc(json, PolicyKind::Identity);
    }
    let d = doc(ok[0], PolicyKind::Identity);
    assert_eq!(d.version(), Some(Version::V2012_10_17));
    assert_eq!(d.version().map(Version::as_str), Some("2012-10-17"));
    assert_eq!(d.statement_count(), 1);
    assert_eq!(d.kind(), PolicyKind::Identity);
    assert_eq!(doc(ok[2], PolicyKind::Identity).version(), None);
    let two = doc(ok[3], PolicyKind::Identity);
    assert_eq!(two.statement_count(), 2);
    assert_eq!(two.id(), Some("x"));
    assert_eq!(two.statements()[1].sid(), Some("B2"));
    assert_eq!(doc(ok[4], PolicyKind::Identity).statements()[0].sid(), None);
}

#[test]
fn identity_documents_iam_refuses() {
    let s = statement;
    let cases: Vec<(String, &str)> = vec![
        ("".into(), messages::INVALID_JSON),
        ("{".into(), messages::INVALID_JSON),
        ("not json".into(), messages::INVALID_JSON),
        (r#"{"Statement":[],}"#.into(), messages::INVALID_JSON),
        ("[]".into(), messages::SYNTAX),
        (r#""string""#.into(), messages::SYNTAX),
        ("{}".into(), messages::SYNTAX),
        (r#"{"Version":"2012-10-17"}"#.into(), messages::SYNTAX),
        (s("[]"), messages::SYNTAX),
        (s("null"), messages::SYNTAX),
        (s(r#""Allow""#), messages::SYNTAX),
        (s(r#"["x"]"#), messages::SYNTAX),
        (
            r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
            messages::LEGACY_PARSING,
        ),
        (
            r#"{"Version":20121017,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
            messages::SYNTAX,
        ),
        (
            r#"{"version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
            messages::SYNTAX,
        ),
        (
            r#"{"Id":1,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
            messages::SYNTAX,
        ),
        (s(r#"{"Action":"*","Resource":"*"}"#), messages::SYNTAX),
        (s(r#"{"Effect":"allow","Action":"*","Resource":"*"}"#), messages::SYNTAX),
        (s(r#"{"Effect":true,"Action":"*","Resource":"*"}"#), messages::SYNTAX),
        (
            s(r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#),
            messages::PRINCIPAL,
        ),
        (
            s(r#"{"Effect":"Allow","NotPrincipal":{"AWS":"x"},"Action":"*","Resource":"*"}"#),
            messages::PRINCIPAL,
        ),
        (s(r#"{"Effect":"Allow","Resource":"*"}"#), messages::NO_ACTIONS),
        (s(r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#), messages::NO_ACTIONS),
        (
            s(r#"{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}"#),
            messages::SYNTAX,
        ),
        (s(r#"{"Effect":"Allow","Action":1,"Resource":"*"}"#), messages::SYNTAX),
        (s(r#"{"Effect":"Allow","Action":["a:b",1],"Resource":"*"}"#), messages::SYNTAX),
        (s(r#"{"Effect":"Allow","Action":"GetUser","Resource":"*"}"#), messages::NO_VENDOR),
        (s(r#"{"Effect":"Allow","Action":":GetUser","Resource":"*"}"#), messages::NO_VENDOR),
        (s(r#"{"Effect":"Allow","Action":"iam:","Resource":"*"}"#), messages::SYNTAX),
        (s(r#"{"Effect":"Allow","Action":"iam:Get User","Resource":"*"}"#), messages::SYNTAX),
        (s(r#"{"Effect":"Allow","Action":"i*m:GetUser","Resource":"*"}"#), messages::SYNTAX),
        (s(r#"{"Effect":"Allow","Action":"*"}"#), messages::NO_RESOURCES),
        (s(r#"{"Effect":"Allow","Action":"*","Resource":[]}"#), messages::NO_RESOURCES),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"bucket"}"#),
            r#"Resource bucket must be in ARN format or "*"."#,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3"}"#),
            r#"Resource arn:aws:s3 must be in ARN format or "*"."#,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Foo":1}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":"x"}}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"k":{"x":1}}}}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Sid":"has space","Effect":"Allow","Action":"*","Resource":"*"}"#),
            messages::SID_CHARS,
        ),
        (
            s(r#"{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},
                  {"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]"#),
            messages::SID_UNIQUE,
        ),
        // Conditions IAM refuses: unknown operators, values their operator cannot read
        // (moto's table checked against IAM; the "Condition operators" page).
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"x":{"a":"1"}}}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"a":"1"}}}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue::StringEqualsIfExists":{"a":"asf"}}}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":[{"ForAllValues:StringEquals":{"aws:TagKeys":"Department"}}]}"#),
            messages::SYNTAX,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}}"#),
            messages::LEGACY_PARSING,
        ),
        // The condition is read before the missing Action is noticed.
        (
            s(r#"{"Effect":"Allow","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}}"#),
            messages::LEGACY_PARSING,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.593194+1"}}}"#),
            messages::LEGACY_PARSING,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}"#),
            messages::LEGACY_PARSING,
        ),
        (
            s(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24/8"}}}"#),
            messages::LEGACY_PARSING,
        ),
    ];
    check_refused(PolicyKind::Identity, &cases);
}

#[test]
fn trust_policies() {
    let ok = [
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","111122223333"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        r#"{"Version":"2012-10-17","Statement":{"Sid":"x","Effect":"Allow","Principal":"*","Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"sts:ExternalId":"e"}}}}"#,
        r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/r/s"},"NotAction":"sts:TagSession"}]}"#,
    ];
    for json in ok {
        let t = doc(json, PolicyKind::Trust);
        assert_eq!(t.kind(), PolicyKind::Trust);
    }
    let t = |body: &str| format!(r#"{{"Statement":[{body}]}}"#);
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), messages::INVALID_JSON),
        (
            t(
                r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}"#,
            ),
            "Has prohibited field Resource",
        ),
        (
            t(
                r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","NotResource":"*"}"#,
            ),
            "Has prohibited field NotResource",
        ),
        (
            t(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#),
            messages::MISSING_PRINCIPAL,
        ),
        (
            t(r#"{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"sts:AssumeRole"}"#),
            messages::TRUST_NOT_PRINCIPAL,
        ),
        (
            t(r#"{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}"#),
            "Invalid principal in policy: \"AWS\":\"alice\"",
        ),
        (
            t(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"sts:AssumeRole"}"#,
            ),
            "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:role/*\"",
        ),
        (
            t(r#"{"Effect":"Maybe","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}"#),
            messages::SYNTAX,
        ),
        (
            t(r#"{"Effect":"Allow","Principal":{"AWS":"*"}}"#),
            messages::NO_ACTIONS,
        ),
        (
            t(
                r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":"x"}"#,
            ),
            messages::SYNTAX,
        ),
        (
            t(
                r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquls":{"sts:ExternalId":"e"}}}"#,
            ),
            messages::SYNTAX,
        ),
        (r#"{"Statement":[]}"#.into(), messages::SYNTAX),
        (
            r#"{"Version":"1","Statement":{}}"#.into(),
            messages::LEGACY_PARSING,
        ),
    ];
    check_refused(PolicyKind::Trust, &cases);
}

#[test]
fn resource_policies() {
    // AWS's SNS topic example: no Resource (the policy's own resource), a Principal.
    let sns = r#"{"Version":"2012-10-17","Statement":[{"Principal":{"AWS":"999999999999"},
        "Effect":"Allow","Action":"sns:*","Condition":{"StringLike":{"sns:endpoint":"https://example.com/${aws:username}/"},
        "StringEquals":{"sns:Protocol":"https"}}}]}"#;
    let p = doc(sns, PolicyKind::Resource);
    assert_eq!(p.kind(), PolicyKind::Resource);
    // A Sid of any text, as S3 and SNS take them.
    doc(
        r#"{"Statement":[{"Sid":"Allow all","Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#,
        PolicyKind::Resource,
    );
    let cases: Vec<(String, &str)> = vec![
        (
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#.into(),
            messages::MISSING_PRINCIPAL,
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"s3:*"}}"#
                .into(),
            messages::SYNTAX,
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"b"}}"#
                .into(),
            r#"Resource b must be in ARN format or "*"."#,
        ),
    ];
    check_refused(PolicyKind::Resource, &cases);
}
