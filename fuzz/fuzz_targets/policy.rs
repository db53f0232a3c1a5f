//! Identity and trust policy documents, arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = credreport_iam::policy::parse_policy(&text);
    let _ = credreport_iam::trust::parse_trust_policy(&text);
});
