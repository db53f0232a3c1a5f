//! `credreport serve --tls-cert/--tls-key` (issue 15): a bad certificate or key is one
//! message naming the file, at start, before anything listens. Serving HTTPS to the real
//! AWS CLI and boto3 is the end-to-end scenarios' (`E2E_TLS=1`, run by the test command).

mod common;

use common::{credreport, stderr};

#[test]
fn bad_tls_files_are_named_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("garbage.pem"), "not PEM at all\n").expect("write");
    std::fs::write(d.join("empty.pem"), "").expect("write");
    let cert = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../iam/tests/data/cert-valid-rsa2048.pem"
    );
    let cases: &[(&str, &str, &str)] = &[
        (
            "missing.pem",
            "missing.key",
            "missing.pem: cannot read the certificate",
        ),
        (
            "empty.pem",
            "garbage.pem",
            "empty.pem: no CERTIFICATE block in the file",
        ),
        (cert, "garbage.pem", "garbage.pem: not a PEM private key"),
    ];
    for (c, k, message) in cases {
        let out = credreport(
            &[
                "serve",
                "--data-dir",
                "data",
                "--listen",
                "127.0.0.1:0",
                "--tls-cert",
                c,
                "--tls-key",
                k,
            ],
            &[],
            d,
        );
        assert_eq!(out.status.code(), Some(2), "{c} {k}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{c} {k}: {}", stderr(&out));
    }
    let half = credreport(&["serve", "--tls-cert", cert], &[], d);
    assert_eq!(half.status.code(), Some(2));
    assert!(stderr(&half).contains("--tls-key"), "{}", stderr(&half));
}
