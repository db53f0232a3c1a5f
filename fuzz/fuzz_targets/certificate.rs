//! PEM signing certificates: arbitrary text as uploaded, and arbitrary DER in PEM armour.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = credreport_report::Timestamp::from_unix(1_800_000_000)
        .unwrap_or(credreport_report::Timestamp::MIN);
    let _ =
        credreport_iam::certificate::parse_signing_certificate(&String::from_utf8_lossy(data), now);
    let armored = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64::engine::general_purpose::STANDARD.encode(data)
    );
    let _ = credreport_iam::certificate::parse_signing_certificate(&armored, now);
});
