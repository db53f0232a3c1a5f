//! The Query protocol's form decoder and its typed getters, on arbitrary query and body.
#![no_main]

use credreport_server::query::Params;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let query = String::from_utf8_lossy(&data[..split]);
    let body = data.get(split + 1..).unwrap_or(&[]);
    let p = Params::parse(&query, body);
    let _ = p.max_items();
    let _ = p.status();
    let _ = p.bool("OnlyAttached", "onlyAttached");
    let _ = p.int("DurationSeconds", "durationSeconds");
    let _ = p.members("TagKeys");
    let _ = p.tags();
});
