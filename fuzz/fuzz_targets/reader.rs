//! Arbitrary bytes into `ReportReader`: it must never panic, every row error must leave it
//! able to go on, and a file it reads without any error must survive a round trip through
//! `ReportWriter` (the writer's bytes read back to the same rows, in a file of the same
//! edition).
//!
//! ```text
//! cargo +nightly fuzz run reader
//! ```
#![no_main]

use credreport_report::{ReportReader, ReportWriter, Row};
use libfuzzer_sys::fuzz_target;

/// Calls to `next_row` per input, whatever they answer.
const MAX_CALLS: usize = 10_000;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = ReportReader::new(data) else {
        return;
    };
    let edition = reader.edition();
    let mut rows: Vec<Row> = Vec::new();
    let (mut clean, mut ended) = (true, false);
    for _ in 0..MAX_CALLS {
        match reader.next_row() {
            Ok(Some(row)) => {
                assert_eq!(row.edition(), edition);
                if clean {
                    rows.push(row.clone());
                }
            }
            Ok(None) => {
                ended = true;
                break;
            }
            Err(_) => clean = false,
        }
    }
    let summary = reader.finish();
    assert_eq!(summary.edition, edition);
    if !(clean && ended) {
        return;
    }
    assert_eq!(summary.rows, rows.len() as u64);

    let mut writer = ReportWriter::new(Vec::new(), edition).expect("writing to a Vec");
    for row in &rows {
        writer
            .write_row(row)
            .expect("the writer takes every row the reader gives");
    }
    let written = writer.finish().expect("writing to a Vec");

    let mut again = ReportReader::new(written.as_slice()).expect("the writer's header reads");
    assert_eq!(again.edition(), edition);
    for (i, row) in rows.iter().enumerate() {
        let reread = again.next_row();
        assert_eq!(reread, Ok(Some(row)), "row {} of {}", i + 1, rows.len());
    }
    assert_eq!(again.next_row(), Ok(None));
    assert_eq!(again.finish().rows, rows.len() as u64);
});
