//! The condition operator table of AWS's "IAM JSON policy elements: Condition operators"
//! and "Conditions with multiple context keys or values" pages: every operator, its
//! negation, present and absent keys, several policy values, multivalued request keys,
//! the set operators, policy variables. Each row goes through one `check`, which also
//! checks the row's `…IfExists` form: the same answer when the key is present, true when
//! it is absent.

use credreport_policy::{decide, parse_policy, Decision, PolicySet, Request, SourceType, Sourced};

use crate::support::{context, Entry, ALICE};

/// The key every row tests.
const KEY: &str = "k:key";

/// Whether the condition `{op: {"k:key": values}}` holds for the context `entries`.
fn holds(op: &str, values: &str, entries: &[Entry], version: &str) -> bool {
    let json = format!(
        r#"{{"Version":"{version}","Statement":{{"Effect":"Allow","Action":"a:b","Resource":"*",
            "Condition":{{"{op}":{{"{KEY}":{values}}}}}}}}}"#
    );
    let policy = parse_policy(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
    let ids = [Sourced {
        id: "p",
        source_type: SourceType::None,
        policy: &policy,
    }];
    let ctx = context(entries);
    let request = Request {
        principal: ALICE,
        action: "a:b",
        resource: "*",
        resource_account: None,
        context: &ctx,
    };
    let set = PolicySet {
        identity: &ids,
        ..PolicySet::default()
    };
    decide(&request, &set) == Decision::Allow
}

/// Checks `op` and, unless it is `Null`, `op` + `IfExists`.
fn check(op: &str, values: &str, entries: &[Entry], expected: bool) {
    assert_eq!(
        holds(op, values, entries, "2012-10-17"),
        expected,
        "{op} {values} with {entries:?}"
    );
    if op == "Null" {
        return;
    }
    let present = entries
        .iter()
        .any(|(k, _, v)| k.eq_ignore_ascii_case(KEY) && !v.is_empty());
    let if_exists = format!("{op}IfExists");
    assert_eq!(
        holds(&if_exists, values, entries, "2012-10-17"),
        expected || !present,
        "{if_exists} {values} with {entries:?}"
    );
}

const NONE: &[Entry] = &[];

macro_rules! key {
    ($kind:literal, $($v:literal),*) => {
        &[("k:key", $kind, &[$($v),*])]
    };
}

#[test]
fn string_operators() {
    let rows: &[(&str, &str, &[Entry], bool)] = &[
        ("StringEquals", r#""a""#, key!("string", "a"), true),
        ("StringEquals", r#""a""#, key!("string", "A"), false),
        ("StringEquals", r#""a""#, NONE, false),
        ("StringEquals", r#"["x","a"]"#, key!("string", "a"), true),
        ("StringEquals", r#"["x","y"]"#, key!("string", "a"), false),
        ("StringEquals", r#""*""#, key!("string", "x"), false),
        ("StringEquals", r#""*""#, key!("string", "*"), true),
        ("StringEquals", r#"1"#, key!("string", "1"), true),
        ("StringEquals", r#"true"#, key!("string", "true"), true),
        ("StringEquals", r#"[]"#, key!("string", "a"), false),
        ("StringNotEquals", r#""a""#, key!("string", "a"), false),
        ("StringNotEquals", r#""a""#, key!("string", "b"), true),
        ("StringNotEquals", r#""a""#, NONE, true),
        (
            "StringNotEquals",
            r#"["x","a"]"#,
            key!("string", "a"),
            false,
        ),
        ("StringNotEquals", r#"["x","a"]"#, key!("string", "b"), true),
        ("StringNotEquals", r#"[]"#, key!("string", "a"), true),
        (
            "StringEqualsIgnoreCase",
            r#""Alice""#,
            key!("string", "aLICE"),
            true,
        ),
        (
            "StringEqualsIgnoreCase",
            r#""Straße""#,
            key!("string", "STRASSE"),
            false,
        ),
        (
            "StringEqualsIgnoreCase",
            r#""Élan""#,
            key!("string", "éLAN"),
            true,
        ),
        (
            "StringEqualsIgnoreCase",
            r#""Alice""#,
            key!("string", "bob"),
            false,
        ),
        ("StringEqualsIgnoreCase", r#""Alice""#, NONE, false),
        (
            "StringNotEqualsIgnoreCase",
            r#""Alice""#,
            key!("string", "ALICE"),
            false,
        ),
        (
            "StringNotEqualsIgnoreCase",
            r#""Alice""#,
            key!("string", "bob"),
            true,
        ),
        ("StringNotEqualsIgnoreCase", r#""Alice""#, NONE, true),
        (
            "StringLike",
            r#""home/*""#,
            key!("string", "home/x/y"),
            true,
        ),
        ("StringLike", r#""home/*""#, key!("string", "home/"), true),
        ("StringLike", r#""home/*""#, key!("string", "other"), false),
        (
            "StringLike",
            r#""home/?""#,
            key!("string", "home/ab"),
            false,
        ),
        ("StringLike", r#""home/?""#, key!("string", "home/a"), true),
        ("StringLike", r#""a*""#, key!("string", "A"), false),
        ("StringLike", r#"["", "home/"]"#, key!("string", ""), true),
        ("StringLike", r#""home/*""#, NONE, false),
        (
            "StringNotLike",
            r#""home/*""#,
            key!("string", "home/x"),
            false,
        ),
        ("StringNotLike", r#""home/*""#, key!("string", "x"), true),
        (
            "StringNotLike",
            r#"["a*","b*"]"#,
            key!("string", "bc"),
            false,
        ),
        ("StringNotLike", r#""home/*""#, NONE, true),
    ];
    for (op, values, entries, expected) in rows {
        check(op, values, entries, *expected);
    }
}

#[test]
fn numeric_operators() {
    let rows: &[(&str, &str, &[Entry], bool)] = &[
        ("NumericEquals", r#""10""#, key!("numeric", "10"), true),
        ("NumericEquals", r#""10.0""#, key!("numeric", "10"), true),
        ("NumericEquals", r#"10"#, key!("numeric", "10"), true),
        ("NumericEquals", r#""10""#, key!("numeric", "11"), false),
        ("NumericEquals", r#""10""#, key!("string", "ten"), false),
        ("NumericEquals", r#""10""#, NONE, false),
        ("NumericNotEquals", r#""10""#, key!("numeric", "10"), false),
        ("NumericNotEquals", r#""10""#, key!("numeric", "11"), true),
        ("NumericNotEquals", r#""10""#, NONE, true),
        ("NumericLessThan", r#""10""#, key!("numeric", "9"), true),
        ("NumericLessThan", r#""10""#, key!("numeric", "10"), false),
        ("NumericLessThan", r#""1.5""#, key!("numeric", "1.25"), true),
        ("NumericLessThan", r#""-1""#, key!("numeric", "-2"), true),
        ("NumericLessThan", r#""10""#, NONE, false),
        (
            "NumericLessThanEquals",
            r#""10""#,
            key!("numeric", "10"),
            true,
        ),
        (
            "NumericLessThanEquals",
            r#""10""#,
            key!("numeric", "11"),
            false,
        ),
        ("NumericGreaterThan", r#""10""#, key!("numeric", "11"), true),
        (
            "NumericGreaterThan",
            r#""10""#,
            key!("numeric", "10"),
            false,
        ),
        (
            "NumericGreaterThanEquals",
            r#""10""#,
            key!("numeric", "10"),
            true,
        ),
        (
            "NumericGreaterThanEquals",
            r#""10""#,
            key!("numeric", "9"),
            false,
        ),
        ("NumericGreaterThanEquals", r#""10""#, NONE, false),
        // Several policy values: any.
        ("NumericEquals", r#"["1","2"]"#, key!("numeric", "2"), true),
        (
            "NumericNotEquals",
            r#"["1","2"]"#,
            key!("numeric", "2"),
            false,
        ),
    ];
    for (op, values, entries, expected) in rows {
        check(op, values, entries, *expected);
    }
}

#[test]
fn date_operators() {
    const NEW_YEAR: &str = r#""2020-01-01T00:00:00Z""#;
    let rows: &[(&str, &str, &[Entry], bool)] = &[
        (
            "DateEquals",
            NEW_YEAR,
            key!("date", "2020-01-01T00:00:00Z"),
            true,
        ),
        ("DateEquals", NEW_YEAR, key!("date", "1577836800"), true),
        (
            "DateEquals",
            NEW_YEAR,
            key!("date", "2020-01-01T01:00:00+01:00"),
            true,
        ),
        (
            "DateEquals",
            r#""1577836800""#,
            key!("date", "2020-01-01"),
            true,
        ),
        (
            "DateEquals",
            r#"1577836800"#,
            key!("date", "2020-01-01"),
            true,
        ),
        ("DateEquals", NEW_YEAR, key!("date", "2020-01-02"), false),
        ("DateEquals", NEW_YEAR, NONE, false),
        ("DateNotEquals", NEW_YEAR, key!("date", "2020-01-01"), false),
        ("DateNotEquals", NEW_YEAR, key!("date", "2020-01-02"), true),
        ("DateNotEquals", NEW_YEAR, NONE, true),
        (
            "DateLessThan",
            NEW_YEAR,
            key!("date", "2019-12-31T23:59:59Z"),
            true,
        ),
        ("DateLessThan", NEW_YEAR, key!("date", "2020-01-01"), false),
        ("DateLessThan", NEW_YEAR, NONE, false),
        (
            "DateLessThanEquals",
            NEW_YEAR,
            key!("date", "2020-01-01"),
            true,
        ),
        (
            "DateLessThanEquals",
            NEW_YEAR,
            key!("date", "2020-01-01T00:00:00.001Z"),
            false,
        ),
        (
            "DateGreaterThan",
            NEW_YEAR,
            key!("date", "2020-01-01T00:00:00.001Z"),
            true,
        ),
        (
            "DateGreaterThan",
            NEW_YEAR,
            key!("date", "2020-01-01"),
            false,
        ),
        (
            "DateGreaterThanEquals",
            NEW_YEAR,
            key!("date", "2020-01-01"),
            true,
        ),
        (
            "DateGreaterThanEquals",
            NEW_YEAR,
            key!("date", "2019-12-31"),
            false,
        ),
        ("DateGreaterThanEquals", NEW_YEAR, NONE, false),
    ];
    for (op, values, entries, expected) in rows {
        check(op, values, entries, *expected);
    }
}

#[test]
fn bool_binary_ip_arn_operators() {
    const TOPIC: &str = r#""arn:aws:sns:us-east-1:123456789012:topic""#;
    const BINARY: &str = r#""QmluYXJ5VmFsdWVJbkJhc2U2NA==""#;
    let rows: &[(&str, &str, &[Entry], bool)] = &[
        ("Bool", r#""true""#, key!("boolean", "true"), true),
        ("Bool", r#""true""#, key!("boolean", "false"), false),
        ("Bool", r#""True""#, key!("boolean", "true"), true),
        ("Bool", r#"true"#, key!("boolean", "true"), true),
        ("Bool", r#"false"#, key!("boolean", "false"), true),
        ("Bool", r#""false""#, NONE, false),
        ("Bool", r#""maybe""#, key!("boolean", "true"), false),
        ("BinaryEquals", BINARY, key!("binary", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), true),
        ("BinaryEquals", BINARY, key!("binary", "QmluYXJ5"), false),
        ("BinaryEquals", BINARY, NONE, false),
        ("IpAddress", r#""203.0.113.0/24""#, key!("ip", "203.0.113.5"), true),
        ("IpAddress", r#""203.0.113.0/24""#, key!("ip", "198.51.100.1"), false),
        ("IpAddress", r#""203.0.113.7""#, key!("ip", "203.0.113.7"), true),
        ("IpAddress", r#"["203.0.113.0/24","2001:DB8:1234:5678::/64"]"#, key!("ip", "2001:db8:1234:5678::9"), true),
        ("IpAddress", r#""2001:DB8:1234:5678::/64""#, key!("ip", "2001:db8:1234:5679::9"), false),
        ("IpAddress", r#""203.0.113.0/24""#, NONE, false),
        ("NotIpAddress", r#""203.0.113.0/24""#, key!("ip", "203.0.113.5"), false),
        ("NotIpAddress", r#""203.0.113.0/24""#, key!("ip", "198.51.100.1"), true),
        ("NotIpAddress", r#""203.0.113.0/24""#, NONE, true),
        ("ArnEquals", TOPIC, key!("string", "arn:aws:sns:us-east-1:123456789012:topic"), true),
        ("ArnEquals", TOPIC, key!("string", "arn:aws:sns:us-east-1:123456789012:other"), false),
        ("ArnEquals", TOPIC, NONE, false),
        ("ArnLike", r#""arn:aws:iam::*:role/admin-*""#, key!("string", "arn:aws:iam::123456789012:role/admin-x"), true),
        ("ArnEquals", r#""arn:aws:iam::*:role/admin-*""#, key!("string", "arn:aws:iam::123456789012:role/admin-x"), true),
        ("ArnLike", r#""arn:aws:iam::*:role/admin-*""#, key!("string", "arn:aws:iam::123456789012:role/user"), false),
        // The page's example: StringLike matches across colons, ArnLike does not.
        (
            "ArnLike",
            r#""arn:aws:someservice:*:111122223333:finance/*""#,
            key!("string", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"),
            false,
        ),
        (
            "StringLike",
            r#""arn:aws:someservice:*:111122223333:finance/*""#,
            key!("string", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"),
            true,
        ),
        ("ArnNotEquals", TOPIC, key!("string", "arn:aws:sns:us-east-1:123456789012:topic"), false),
        ("ArnNotLike", TOPIC, key!("string", "arn:aws:sns:us-east-1:123456789012:other"), true),
        ("ArnNotLike", TOPIC, NONE, true),
        ("Null", r#""true""#, NONE, true),
        ("Null", r#""true""#, key!("string", "x"), false),
        ("Null", r#""false""#, NONE, false),
        ("Null", r#""false""#, key!("string", "x"), true),
        ("Null", r#"true"#, key!("stringList",), true),
        ("Null", r#"["true","false"]"#, NONE, true),
    ];
    for (op, values, entries, expected) in rows {
        check(op, values, entries, *expected);
    }
}

#[test]
fn multivalued_keys_and_set_operators() {
    let rows: &[(&str, &str, &[Entry], bool)] = &[
        // No set operator: some request value matches (the negation: none does).
        ("StringEquals", r#""a""#, key!("stringList", "a", "b"), true),
        (
            "StringEquals",
            r#""c""#,
            key!("stringList", "a", "b"),
            false,
        ),
        (
            "StringNotEquals",
            r#""a""#,
            key!("stringList", "a", "b"),
            false,
        ),
        (
            "StringNotEquals",
            r#""c""#,
            key!("stringList", "a", "b"),
            true,
        ),
        // ForAnyValue: some request value satisfies the operator.
        (
            "ForAnyValue:StringEquals",
            r#""a""#,
            key!("stringList", "b", "a"),
            true,
        ),
        (
            "ForAnyValue:StringEquals",
            r#""a""#,
            key!("stringList", "b", "c"),
            false,
        ),
        (
            "ForAnyValue:StringEquals",
            r#""a""#,
            key!("stringList",),
            false,
        ),
        ("ForAnyValue:StringEquals", r#""a""#, NONE, false),
        (
            "ForAnyValue:StringNotEquals",
            r#"["a","b"]"#,
            key!("stringList", "a", "c"),
            true,
        ),
        (
            "ForAnyValue:StringNotEquals",
            r#"["a","b"]"#,
            key!("stringList", "a", "b"),
            false,
        ),
        ("ForAnyValue:StringNotEquals", r#"["a","b"]"#, NONE, false),
        (
            "ForAnyValue:StringLike",
            r#""team-*""#,
            key!("stringList", "x", "team-a"),
            true,
        ),
        (
            "ForAnyValue:NumericLessThan",
            r#""10""#,
            key!("numericList", "12", "9"),
            true,
        ),
        // ForAllValues: every request value does (none: true).
        (
            "ForAllValues:StringEquals",
            r#"["a","b"]"#,
            key!("stringList", "a", "b"),
            true,
        ),
        (
            "ForAllValues:StringEquals",
            r#"["a","b"]"#,
            key!("stringList", "b"),
            true,
        ),
        (
            "ForAllValues:StringEquals",
            r#"["a","b"]"#,
            key!("stringList", "a", "c"),
            false,
        ),
        (
            "ForAllValues:StringEquals",
            r#"["a","b"]"#,
            key!("stringList",),
            true,
        ),
        ("ForAllValues:StringEquals", r#"["a","b"]"#, NONE, true),
        (
            "ForAllValues:StringNotEquals",
            r#""a""#,
            key!("stringList", "b", "c"),
            true,
        ),
        (
            "ForAllValues:StringNotEquals",
            r#""a""#,
            key!("stringList", "a", "c"),
            false,
        ),
        ("ForAllValues:StringNotEquals", r#""a""#, NONE, true),
        (
            "ForAllValues:StringLike",
            r#""team-*""#,
            key!("stringList", "team-a", "team-b"),
            true,
        ),
        (
            "ForAllValues:StringLike",
            r#""team-*""#,
            key!("stringList", "team-a", "x"),
            false,
        ),
        (
            "ForAllValues:IpAddress",
            r#""203.0.113.0/24""#,
            key!("ipList", "203.0.113.1", "203.0.113.2"),
            true,
        ),
        (
            "ForAllValues:DateLessThan",
            r#""2020-01-01""#,
            key!("dateList", "2019-01-01", "2021-01-01"),
            false,
        ),
        // A single value is a set of one.
        (
            "ForAllValues:StringEquals",
            r#"["a","b"]"#,
            key!("string", "a"),
            true,
        ),
        (
            "ForAnyValue:StringEquals",
            r#"["a","b"]"#,
            key!("string", "c"),
            false,
        ),
    ];
    for (op, values, entries, expected) in rows {
        check(op, values, entries, *expected);
    }
}

#[test]
fn policy_variables_in_condition_values() {
    const ALICE_KEY: &[Entry] = &[
        ("k:key", "string", &["alice"]),
        ("aws:username", "string", &["alice"]),
    ];
    const NO_USERNAME: &[Entry] = &[("k:key", "string", &["alice"])];
    const PATH: &[Entry] = &[
        ("k:key", "string", &["home/alice/notes"]),
        ("aws:username", "string", &["alice"]),
    ];
    const ARN: &[Entry] = &[
        ("k:key", "string", &["arn:aws:iam::123456789012:user/alice"]),
        ("aws:username", "string", &["alice"]),
    ];
    const UPPER: &[Entry] = &[
        ("k:key", "string", &["ALICE"]),
        ("aws:username", "string", &["alice"]),
    ];
    let rows: &[(&str, &str, &[Entry], bool)] = &[
        ("StringEquals", r#""${aws:username}""#, ALICE_KEY, true),
        ("StringEquals", r#""${aws:username}""#, NO_USERNAME, false),
        // A variable with no value: negated operators hold (AWS's "Policy variables with
        // no value").
        ("StringNotEquals", r#""${aws:username}""#, NO_USERNAME, true),
        ("StringNotEquals", r#""${aws:username}""#, ALICE_KEY, false),
        (
            "StringEquals",
            r#""${aws:username, 'alice'}""#,
            NO_USERNAME,
            true,
        ),
        ("StringLike", r#""home/${aws:username}/*""#, PATH, true),
        (
            "StringEqualsIgnoreCase",
            r#""${aws:username}""#,
            UPPER,
            true,
        ),
        (
            "ArnLike",
            r#""arn:aws:iam::*:user/${aws:username}""#,
            ARN,
            true,
        ),
        (
            "ArnEquals",
            r#""arn:aws:iam::*:user/${aws:username}""#,
            ALICE_KEY,
            false,
        ),
    ];
    for (op, values, entries, expected) in rows {
        check(op, values, entries, *expected);
    }
    // Version 2008-10-17 knows no variables: the text is literal.
    let literal: &[Entry] = &[
        ("k:key", "string", &["${aws:username}"]),
        ("aws:username", "string", &["alice"]),
    ];
    assert!(holds(
        "StringEquals",
        r#""${aws:username}""#,
        literal,
        "2008-10-17"
    ));
    assert!(!holds(
        "StringEquals",
        r#""${aws:username}""#,
        ALICE_KEY,
        "2008-10-17"
    ));
}

#[test]
fn blocks_and_keys_and() {
    // Two keys under one operator, and two operators: all must hold.
    let json = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*",
        "Condition":{"StringEquals":{"k:one":"1","K:TWO":"2"},"Bool":{"k:three":"true"}}}}"#;
    let policy = parse_policy(json).unwrap();
    let ids = [Sourced {
        id: "p",
        source_type: SourceType::None,
        policy: &policy,
    }];
    let set = PolicySet {
        identity: &ids,
        ..PolicySet::default()
    };
    let cases: &[(&[Entry], bool)] = &[
        (
            &[
                ("k:one", "string", &["1"]),
                ("k:two", "string", &["2"]),
                ("k:three", "boolean", &["true"]),
            ],
            true,
        ),
        (
            &[("k:one", "string", &["1"]), ("k:two", "string", &["2"])],
            false,
        ),
        (
            &[
                ("k:one", "string", &["1"]),
                ("k:two", "string", &["3"]),
                ("k:three", "boolean", &["true"]),
            ],
            false,
        ),
    ];
    for (entries, expected) in cases {
        let ctx = context(entries);
        let request = Request {
            principal: ALICE,
            action: "a:b",
            resource: "*",
            resource_account: None,
            context: &ctx,
        };
        assert_eq!(
            decide(&request, &set).is_allowed(),
            *expected,
            "{entries:?}"
        );
    }
}
