//! X.509 signing certificates (`UploadSigningCertificate`): parsing and validity.

use credreport_report::Timestamp;
use sha2::{Digest, Sha256};
use x509_parser::pem::Pem;

/// The most characters `CertificateBody` may have (IAM's `certificateBodyType`).
pub const MAX_BODY_CHARS: usize = 16_384;

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// A parsed signing certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningCertificate {
    /// SHA-256 of the DER encoding: the same certificate uploaded twice has the same value
    /// however its PEM was wrapped (for `DuplicateCertificate`).
    pub der_sha256: [u8; 32],
    /// Start of the validity period.
    pub not_before: Timestamp,
    /// End of the validity period (inclusive).
    pub not_after: Timestamp,
    /// The body as uploaded, with surrounding whitespace trimmed.
    pub pem: String,
}

/// Why a certificate body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// Not exactly one PEM `CERTIFICATE` block and nothing else, not base64, not a DER
    /// X.509 certificate (or bytes after it), dates outside years 1 to 9999, or more than
    /// [`MAX_BODY_CHARS`] characters.
    #[error("malformed")]
    Malformed,
    /// The validity period ended before now.
    #[error("expired")]
    Expired {
        /// When it ended.
        not_after: Timestamp,
    },
    /// The validity period starts after now.
    #[error("not yet valid")]
    NotYetValid {
        /// When it starts.
        not_before: Timestamp,
    },
}

/// Parses an X.509 signing certificate in PEM form with x509-parser. The body (trimmed)
/// must be exactly one `CERTIFICATE` block; text around it, other block types, and
/// certificate chains are malformed. The signature is not checked (IAM does not require
/// self-signed certificates and has no CA to check against). `now` decides validity:
/// valid when `not_before <= now <= not_after`; a certificate both not yet valid and
/// expired (its dates inverted) is reported as not yet valid.
pub fn parse_signing_certificate(
    body: &str,
    now: Timestamp,
) -> Result<SigningCertificate, CertificateError> {
    if body.len() > MAX_BODY_CHARS && body.chars().count() > MAX_BODY_CHARS {
        return Err(CertificateError::Malformed);
    }
    let pem = body.trim();
    if pem.lines().next().map(str::trim_end) != Some(BEGIN)
        || !pem.ends_with(END)
        || pem.matches("-----BEGIN").count() != 1
        || pem.matches("-----END").count() != 1
    {
        return Err(CertificateError::Malformed);
    }
    let (block, _) =
        Pem::read(std::io::Cursor::new(pem.as_bytes())).map_err(|_| CertificateError::Malformed)?;
    if block.label != "CERTIFICATE" {
        return Err(CertificateError::Malformed);
    }
    let (rest, cert) = x509_parser::parse_x509_certificate(&block.contents)
        .map_err(|_| CertificateError::Malformed)?;
    if !rest.is_empty() {
        return Err(CertificateError::Malformed);
    }
    let validity = cert.validity();
    let not_before =
        Timestamp::from_unix(validity.not_before.timestamp()).ok_or(CertificateError::Malformed)?;
    let not_after =
        Timestamp::from_unix(validity.not_after.timestamp()).ok_or(CertificateError::Malformed)?;
    if now < not_before {
        return Err(CertificateError::NotYetValid { not_before });
    }
    if now > not_after {
        return Err(CertificateError::Expired { not_after });
    }
    Ok(SigningCertificate {
        der_sha256: Sha256::digest(&block.contents).into(),
        not_before,
        not_after,
        pem: pem.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = include_str!("../tests/data/cert-valid-rsa2048.pem");
    const EXPIRED: &str = include_str!("../tests/data/cert-expired.pem");
    const NOT_YET_VALID: &str = include_str!("../tests/data/cert-not-yet-valid.pem");
    const GARBAGE: &str = include_str!("../tests/data/cert-garbage.pem");

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Timestamp {
        Timestamp::from_civil(y, mo, d, h, mi, s).expect("valid date")
    }

    fn now() -> Timestamp {
        at(2026, 11, 23, 12, 0, 0)
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn valid_certificate() {
        let cert = parse_signing_certificate(VALID, now()).expect("valid");
        assert_eq!(cert.not_before, at(2020, 1, 1, 0, 0, 0));
        assert_eq!(cert.not_after, at(2120, 1, 1, 0, 0, 0));
        assert_eq!(cert.pem, VALID.trim());
        // `openssl x509 -in cert-valid-rsa2048.pem -outform DER | sha256sum`
        assert_eq!(
            hex(&cert.der_sha256),
            "64cb2e7252ff5d996f73d34bd0802e09c10b8f2a6703d14131b28b7430db8228"
        );
    }

    #[test]
    fn validity_boundaries_are_inclusive() {
        let start = at(2020, 1, 1, 0, 0, 0);
        assert!(parse_signing_certificate(VALID, start).is_ok());
        let before = start.checked_add_secs(-1).expect("in range");
        assert_eq!(
            parse_signing_certificate(VALID, before),
            Err(CertificateError::NotYetValid { not_before: start })
        );
        let end = at(2001, 1, 1, 0, 0, 0);
        assert!(parse_signing_certificate(EXPIRED, end).is_ok());
        assert_eq!(
            parse_signing_certificate(EXPIRED, end.checked_add_secs(1).expect("in range")),
            Err(CertificateError::Expired { not_after: end })
        );
    }

    #[test]
    fn expired_and_not_yet_valid() {
        assert_eq!(
            parse_signing_certificate(EXPIRED, now()),
            Err(CertificateError::Expired {
                not_after: at(2001, 1, 1, 0, 0, 0)
            })
        );
        assert_eq!(
            parse_signing_certificate(NOT_YET_VALID, now()),
            Err(CertificateError::NotYetValid {
                not_before: at(2090, 1, 1, 0, 0, 0)
            })
        );
        assert!(parse_signing_certificate(NOT_YET_VALID, at(2095, 6, 1, 0, 0, 0)).is_ok());
    }

    #[test]
    fn rewrapped_pem_has_the_same_fingerprint() {
        let original = parse_signing_certificate(VALID, now()).expect("valid");
        let crlf = format!("\n\n  {}  \n", VALID.replace('\n', "\r\n"));
        let again = parse_signing_certificate(&crlf, now()).expect("CRLF is fine");
        assert_eq!(again.der_sha256, original.der_sha256);
        assert_eq!(again.pem, VALID.replace('\n', "\r\n").trim());
        // Base64 on one line instead of 64-column lines.
        let body: String = VALID.lines().filter(|l| !l.starts_with("-----")).collect();
        let one_line = format!("{BEGIN}\n{body}\n{END}");
        let again = parse_signing_certificate(&one_line, now()).expect("one line");
        assert_eq!(again.der_sha256, original.der_sha256);
    }

    #[test]
    fn malformed_bodies() {
        let body: String = VALID.lines().filter(|l| !l.starts_with("-----")).collect();
        let cases: Vec<(&str, String)> = vec![
            ("garbage DER", GARBAGE.to_owned()),
            ("empty", String::new()),
            ("blank", " \n ".to_owned()),
            ("not PEM", "hello".to_owned()),
            ("bare base64", body.clone()),
            ("chain", format!("{VALID}{EXPIRED}")),
            ("same cert twice", format!("{VALID}\n{VALID}")),
            ("text before", format!("subject=CN=x\n{VALID}")),
            ("text after", format!("{VALID}trailing")),
            ("other label", VALID.replace("CERTIFICATE", "PUBLIC KEY")),
            ("no end", VALID.trim().trim_end_matches(END).to_owned()),
            (
                "text after BEGIN",
                VALID.replacen(BEGIN, &format!("{BEGIN}x"), 1),
            ),
            ("bad base64", VALID.replacen("MII", "M!I", 1)),
            (
                "indented lines",
                VALID.replace("\n", "\n ").trim().to_owned(),
            ),
            (
                "truncated DER",
                format!("{BEGIN}\n{}\n{END}", &body[..body.len() - 8]),
            ),
            (
                "too long",
                format!("{}{VALID}", "\n".repeat(MAX_BODY_CHARS)),
            ),
        ];
        for (name, body) in cases {
            assert_eq!(
                parse_signing_certificate(&body, now()),
                Err(CertificateError::Malformed),
                "{name}"
            );
        }
    }

    #[test]
    fn trailing_bytes_after_the_der_are_malformed() {
        let block = Pem::read(std::io::Cursor::new(VALID.as_bytes()))
            .expect("pem")
            .0;
        let mut der = block.contents;
        der.extend_from_slice(&[0, 0, 0]);
        let body = format!("{BEGIN}\n{}\n{END}", base64(&der));
        assert_eq!(
            parse_signing_certificate(&body, now()),
            Err(CertificateError::Malformed)
        );
    }

    fn base64(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn test_base64_helper_round_trips_the_fixture() {
        let block = Pem::read(std::io::Cursor::new(VALID.as_bytes()))
            .expect("pem")
            .0;
        let body = format!("{BEGIN}\n{}\n{END}", base64(&block.contents));
        let cert = parse_signing_certificate(&body, now()).expect("valid");
        assert_eq!(
            hex(&cert.der_sha256),
            "64cb2e7252ff5d996f73d34bd0802e09c10b8f2a6703d14131b28b7430db8228"
        );
    }
}
