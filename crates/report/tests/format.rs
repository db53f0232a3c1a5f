//! The report format against real-output samples, malformed input, and generated reports.
//!
//! Inputs live in `tests/data/`; each case names where it came from.

use std::path::Path;

use credreport_report::{
    read_all, write_report, Cell, Column, Edition, Kind, ReportReader, Row, Timestamp,
};
use proptest::prelude::*;

fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads the whole file; the first error as `line:column: message`, or the diagnostics.
fn outcome(bytes: &[u8]) -> Result<Vec<String>, String> {
    let (_, summary) = read_all(bytes).map_err(|e| e.to_string())?;
    Ok(summary
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect())
}

fn check(name: &str, expect: Result<&[&str], &str>) {
    let got = outcome(&data(name));
    let expect = expect
        .map(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>())
        .map_err(str::to_owned);
    assert_eq!(got, expect, "{name}");
}

#[test]
fn canonical_files_round_trip_to_identical_bytes() {
    // Seed 003 (legacy edition), the real-output quirks of the wire reference section 5 and
    // audit-peers section 6, RFC 4180 quoting, and a header-only report.
    for name in [
        "seed003-legacy.csv",
        "real-output-quirks.csv",
        "quoted-fields.csv",
        "header-only.csv",
    ] {
        let bytes = data(name);
        let (rows, summary) = read_all(&bytes).unwrap();
        assert!(
            summary.diagnostics.is_empty(),
            "{name}: {:?}",
            summary.diagnostics
        );
        let written = write_report(summary.edition, &rows).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&bytes),
            "{name}"
        );
    }
}

#[test]
fn inputs_and_their_outcomes() {
    check("seed003-legacy.csv", Ok(&[]));
    check("real-output-quirks.csv", Ok(&[]));
    check("header-only.csv", Ok(&[]));
    // The user guide's TRUE/FALSE, as a spreadsheet saves it on Windows.
    check(
        "docs-style-crlf-bom.csv",
        Ok(&[
            "starts with a UTF-8 byte order mark (AWS writes none)",
            "2: timestamp not in AWS's form YYYY-MM-DDTHH:MM:SS+00:00 (read as UTC; fractions dropped) (7 times)",
            "2: boolean not in lowercase (AWS writes true/false) (11 times)",
            "lines end in CRLF (AWS writes LF)",
            "ends with a newline (AWS writes none after the last row)",
        ]),
    );
    check(
        "reordered-unknown-column.csv",
        Ok(&[
            "1: unknown column \"extra_note\" ignored",
            "1: columns are not in AWS's order",
        ]),
    );
    check(
        "empty.csv",
        Err("1:1: empty input: a credential report starts with a header line"),
    );
    check(
        "short-row.csv",
        Err("2:6: row has 5 fields, the header has 22 (no value for password_last_changed)"),
    );
    check(
        "long-row.csv",
        Err("2:23: row has 23 fields, the header has 22"),
    );
    check(
        "bad-timestamp.csv",
        Err("3:3: user_creation_time: \"2020-13-01T00:00:00+00:00\" is not a timestamp (YYYY-MM-DDTHH:MM:SS+00:00) nor N/A, no_information, not_supported"),
    );
    check(
        "bad-boolean.csv",
        Err("2:4: password_enabled: \"yes\" is not a boolean (true/false) nor N/A, no_information, not_supported"),
    );
    check(
        "missing-column.csv",
        Err("1:1: the header has no cert_2_last_rotated column"),
    );
    check(
        "duplicate-column.csv",
        Err("1:23: column mfa_active appears twice in the header"),
    );
    check(
        "not-a-report.csv",
        Err("1:1: not a credential report: the header names no report column (first field \"name\")"),
    );
    check(
        "binary-junk.csv",
        Err("1:1: not a credential report: the header names no report column (first field \"\\x89PNG\")"),
    );
}

#[test]
fn a_bad_row_does_not_stop_the_rows_after_it() {
    let bytes = data("bad-boolean.csv");
    let mut reader = ReportReader::new(&bytes[..]).unwrap();
    let first = reader.next_row().unwrap_err();
    assert_eq!((first.line, first.column), (2, 4));
    let second = reader.next_row().unwrap_err();
    assert_eq!((second.line, second.column), (3, 19));
    assert!(reader.next_row().unwrap().is_none());
    assert_eq!(reader.finish().rows, 2);
}

#[test]
fn docs_style_file_formats_to_canonical_bytes() {
    let (rows, summary) = read_all(&data("docs-style-crlf-bom.csv")).unwrap();
    assert_eq!(summary.edition, Edition::Legacy);
    let written = String::from_utf8(write_report(summary.edition, &rows).unwrap()).unwrap();
    let expected = String::from_utf8(data("seed003-legacy.csv")).unwrap();
    // Same first two rows as seed 003's sample, now spelled as AWS does.
    let expected: Vec<&str> = expected.lines().take(3).collect();
    let expected = expected
        .join("\n")
        .replace("root_account,", "<root_account>,");
    assert_eq!(written, expected);
}

#[test]
fn seed003_values_are_typed() {
    let (rows, summary) = read_all(&data("seed003-legacy.csv")).unwrap();
    assert_eq!(
        (summary.edition, summary.rows, summary.root_row),
        (Edition::Legacy, 3, true)
    );
    let (root, bill) = (&rows[0], &rows[2]);
    assert!(root.is_root());
    assert_eq!(root.get(Column::PasswordEnabled), Some(&Cell::NotSupported));
    assert_eq!(root.get(Column::MfaActive), Some(&Cell::Bool(true)));
    assert_eq!(root.get(Column::AccessKey1LastUsedDate), None);
    // Bill's certificate is inactive but keeps its upload time.
    assert_eq!(bill.get(Column::Cert1Active), Some(&Cell::Bool(false)));
    let t = bill
        .get(Column::Cert1LastRotated)
        .and_then(Cell::as_timestamp)
        .unwrap();
    assert_eq!(t.to_string(), "2015-04-20T20:00:12+00:00");
}

#[test]
fn user_order_and_root_position_are_noted() {
    let mut bytes = data("real-output-quirks.csv");
    let text = String::from_utf8(bytes.clone()).unwrap();
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.swap(1, 3); // Hazmat first, root third
    bytes = lines.join("\n").into_bytes();
    assert_eq!(
        outcome(&bytes).unwrap(),
        [
            "3: user charmworld comes after Hazmat: AWS orders users by name, ignoring case",
            "4: the root row is not the first row (AWS puts it first)"
        ]
    );
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (Timestamp::MIN.unix()..=Timestamp::MAX.unix())
        .prop_filter_map("in range", Timestamp::from_unix)
}

fn text() -> impl Strategy<Value = String> {
    // Any text, including commas, quotes and line feeds, but never a sentinel token (those
    // read back as the sentinel) and no CR: the reader turns CRLF into LF everywhere, and no
    // report field can hold a CR (see `ReportReader`).
    "[a-zA-Z0-9 ,\"\n+=.@_/<>:é-]{0,12}".prop_filter("not a sentinel", |s| {
        !matches!(s.as_str(), "N/A" | "no_information" | "not_supported")
    })
}

fn cell(kind: Kind) -> BoxedStrategy<Cell> {
    let sentinel = prop_oneof![
        Just(Cell::NotApplicable),
        Just(Cell::NoInformation),
        Just(Cell::NotSupported)
    ];
    match kind {
        Kind::Text => prop_oneof![text().prop_map(Cell::Text), sentinel].boxed(),
        Kind::Bool => prop_oneof![any::<bool>().prop_map(Cell::Bool), sentinel].boxed(),
        Kind::Timestamp => prop_oneof![timestamp().prop_map(Cell::Timestamp), sentinel].boxed(),
    }
}

fn row(edition: Edition) -> impl Strategy<Value = Row> {
    let cells: Vec<BoxedStrategy<Cell>> =
        edition.columns().iter().map(|c| cell(c.kind())).collect();
    let user = "[a-zA-Z0-9+=,.@_-]{1,20}";
    (cells, user).prop_map(move |(cells, user)| {
        let mut row = Row::new(edition);
        for (column, value) in edition.columns().iter().zip(cells) {
            row.set(*column, value);
        }
        row.set(Column::User, Cell::Text(user.clone()));
        row.set(
            Column::Arn,
            Cell::Text(format!("arn:aws:iam::123456789012:user/{user}")),
        );
        row
    })
}

fn report() -> impl Strategy<Value = (Edition, Vec<Row>)> {
    prop_oneof![Just(Edition::Current), Just(Edition::Legacy)]
        .prop_flat_map(|e| (Just(e), proptest::collection::vec(row(e), 0..20)))
}

proptest! {
    #[test]
    fn write_then_read_is_the_identity((edition, rows) in report()) {
        let bytes = write_report(edition, &rows).unwrap();
        let (read, summary) = read_all(&bytes).unwrap();
        prop_assert_eq!(summary.edition, edition);
        prop_assert_eq!(&read, &rows);
        // And the bytes are a fixed point of read-then-write.
        prop_assert_eq!(write_report(edition, &read).unwrap(), bytes);
    }

    #[test]
    fn reading_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(mut reader) = ReportReader::new(&bytes[..]) {
            for _ in 0..1000 {
                if let Ok(None) = reader.next_row() {
                    break;
                }
            }
            let _ = reader.finish();
        }
    }

    #[test]
    fn reading_mangled_reports_never_panics(
        cut in 0usize..2000,
        flips in proptest::collection::vec((0usize..2000, any::<u8>()), 0..8),
    ) {
        let mut bytes = data("real-output-quirks.csv");
        for (at, b) in flips {
            let at = at % bytes.len();
            bytes[at] = b;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        let _ = outcome(&bytes);
    }
}

#[test]
fn fuzz_found_a_carriage_return_in_a_quoted_field_is_an_error_not_a_changed_value() {
    // Found by the reader's fuzz target: `"a\r\r\nb"` once read as `a\r\nb`, which the
    // writer wrote and the reader then read back as `a\nb`.
    let header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    let row = "\"a\r\r\nb\",arn:aws:iam::123456789012:user/a,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,false,N/A,false,N/A,false,N/A";
    let input = format!("{header}\n{row}");
    assert_eq!(
        outcome(input.as_bytes()),
        Err("2:1: user: \"a\\r\\r\\nb\" is text holding a carriage return, which no report field can".to_string())
    );
    let mut bad = Row::new(Edition::Legacy);
    bad.set(Column::User, Cell::text("a\rb"));
    assert!(write_report(Edition::Legacy, [&bad]).is_err());
}
