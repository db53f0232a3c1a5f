//! The rules of `UploadSSHPublicKey`'s body, checked against keys `ssh-keygen` made and
//! the fingerprints and PEM it writes for them (tests/data/README.md).

use super::*;

const RSA_2048: &str = include_str!("../../tests/data/ssh-rsa-2048.pub");
const RSA_2048_SPKI: &str = include_str!("../../tests/data/ssh-rsa-2048.spki.pem");
const RSA_2048_PKCS1: &str = include_str!("../../tests/data/ssh-rsa-2048.pkcs1.pem");
const RSA_2048_RFC4716: &str = include_str!("../../tests/data/ssh-rsa-2048.rfc4716");
const RSA_1024: &str = include_str!("../../tests/data/ssh-rsa-1024.pub");
const RSA_4096: &str = include_str!("../../tests/data/ssh-rsa-4096.pub");
const ED25519: &str = include_str!("../../tests/data/ssh-ed25519.pub");

/// `ssh-keygen -l -E md5 -f <file>.pub`.
const FP_2048: &str = "07:70:15:d8:b6:18:7b:af:ca:05:c5:04:4a:e0:54:44";
const FP_4096: &str = "4f:b7:d2:f2:e2:e2:e4:2c:50:00:4b:38:e5:23:02:2d";

/// The `ssh-rsa BASE64` of a `.pub` line, without its comment.
fn bare(pub_line: &str) -> String {
    pub_line
        .split_ascii_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The blob of a `.pub` line, re-encoded with `edit` applied.
fn edited(pub_line: &str, edit: impl FnOnce(&mut Vec<u8>)) -> String {
    let b64 = pub_line.split_ascii_whitespace().nth(1).unwrap_or_default();
    let mut blob = STANDARD.decode(b64).unwrap_or_default();
    edit(&mut blob);
    format!("ssh-rsa {}", STANDARD.encode(blob))
}

/// The wire form of a key whose fields are given as they are written.
fn blob_of(parts: &[&[u8]]) -> String {
    let mut blob = Vec::new();
    for p in parts {
        put_string(&mut blob, p);
    }
    format!("ssh-rsa {}", STANDARD.encode(blob))
}

fn key_2048() -> SshPublicKey {
    parse_ssh_public_key(RSA_2048).unwrap_or_else(|e| panic!("the 2048-bit key: {e}"))
}

/// Accepted bodies: each reads as the key `ssh-keygen` made, with its fingerprint.
#[test]
fn accepted_bodies_read_as_ssh_keygen_wrote_them() {
    let cases: Vec<(&str, String, &str, usize)> = vec![
        ("OpenSSH with a comment", RSA_2048.to_owned(), FP_2048, 2048),
        ("OpenSSH without a comment", bare(RSA_2048), FP_2048, 2048),
        (
            "OpenSSH, tab separated",
            RSA_2048.replacen(' ', "\t", 2),
            FP_2048,
            2048,
        ),
        (
            "OpenSSH, surrounded by blank lines",
            format!("\n\r\n  {RSA_2048}\n\n"),
            FP_2048,
            2048,
        ),
        (
            "a comment with spaces",
            format!("{} my laptop key", bare(RSA_2048)),
            FP_2048,
            2048,
        ),
        (
            "PEM SubjectPublicKeyInfo",
            RSA_2048_SPKI.to_owned(),
            FP_2048,
            2048,
        ),
        ("PEM PKCS#1", RSA_2048_PKCS1.to_owned(), FP_2048, 2048),
        (
            "PEM with CRLF",
            RSA_2048_SPKI.replace('\n', "\r\n"),
            FP_2048,
            2048,
        ),
        ("4096 bits", RSA_4096.to_owned(), FP_4096, 4096),
    ];
    for (name, body, fingerprint, bits) in cases {
        let key = parse_ssh_public_key(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key.fingerprint(), fingerprint, "{name}");
        assert_eq!(key.bits(), bits, "{name}");
    }
}

/// Refused bodies, each with the error IAM answers for it.
#[test]
fn refused_bodies() {
    use SshKeyError::{Invalid, Unrecognized};
    let spki_body: String = RSA_2048_SPKI
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let e = [1u8, 0, 1];
    let n_2048 = {
        let mut n = vec![0u8; 257];
        n[1] = 0x80;
        n[256] = 1;
        n
    };
    let n_2047 = {
        let mut n = vec![0u8; 256];
        n[0] = 0x40;
        n[255] = 1;
        n
    };
    let cases: Vec<(&str, String, SshKeyError)> = vec![
        ("empty", String::new(), Unrecognized),
        ("text", "my key".to_owned(), Unrecognized),
        ("ed25519", ED25519.to_owned(), Unrecognized),
        (
            "ssh-rsa without a separator",
            RSA_2048.replacen("ssh-rsa ", "ssh-rsa", 1),
            Unrecognized,
        ),
        ("RFC 4716", RSA_2048_RFC4716.to_owned(), Unrecognized),
        (
            "a certificate",
            RSA_2048_SPKI.replace("PUBLIC KEY", "CERTIFICATE"),
            Unrecognized,
        ),
        (
            "a private key's label",
            RSA_2048_SPKI.replace("PUBLIC KEY", "OPENSSH PRIVATE KEY"),
            Unrecognized,
        ),
        ("1024 bits", RSA_1024.to_owned(), Invalid),
        ("ssh-rsa only", "ssh-rsa ".to_owned(), Unrecognized),
        (
            "ssh-rsa and no base64",
            "ssh-rsa  ".to_owned(),
            Unrecognized,
        ),
        ("bad base64", RSA_2048.replacen("AAAA", "A!AA", 1), Invalid),
        ("two lines", format!("{RSA_2048}{RSA_2048}"), Invalid),
        (
            "an ed25519 blob named ssh-rsa",
            ED25519.replacen("ssh-ed25519", "ssh-rsa", 1),
            Invalid,
        ),
        (
            "truncated blob",
            edited(RSA_2048, |b| b.truncate(b.len() - 1)),
            Invalid,
        ),
        (
            "bytes after the blob",
            edited(RSA_2048, |b| b.push(0)),
            Invalid,
        ),
        (
            "a length past the end",
            edited(RSA_2048, |b| b[0] = 0xff),
            Invalid,
        ),
        ("2047 bits", blob_of(&[b"ssh-rsa", &e, &n_2047]), Invalid),
        (
            "exactly 2048 bits, even exponent",
            blob_of(&[b"ssh-rsa", &[2], &n_2048]),
            Invalid,
        ),
        ("exponent 1", blob_of(&[b"ssh-rsa", &[1], &n_2048]), Invalid),
        (
            "negative modulus",
            blob_of(&[b"ssh-rsa", &e, &n_2048[1..]]),
            Invalid,
        ),
        (
            "non-minimal exponent",
            blob_of(&[b"ssh-rsa", &[0, 1, 0, 1], &n_2048]),
            Invalid,
        ),
        (
            "PEM without its end",
            RSA_2048_SPKI.replace("-----END PUBLIC KEY-----", ""),
            Invalid,
        ),
        (
            "PEM twice",
            format!("{RSA_2048_SPKI}{RSA_2048_SPKI}"),
            Invalid,
        ),
        (
            "PEM, text after",
            format!("{RSA_2048_SPKI}trailing"),
            Invalid,
        ),
        (
            "PEM, bad base64",
            RSA_2048_SPKI.replacen("MII", "M!I", 1),
            Invalid,
        ),
        (
            "PEM, truncated DER",
            format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
                &spki_body[..spki_body.len() - 8]
            ),
            Invalid,
        ),
        (
            "PKCS#1 content under PUBLIC KEY",
            RSA_2048_PKCS1.replace("RSA PUBLIC KEY", "PUBLIC KEY"),
            Invalid,
        ),
        (
            "SPKI content under RSA PUBLIC KEY",
            RSA_2048_SPKI.replace("PUBLIC KEY", "RSA PUBLIC KEY"),
            Invalid,
        ),
        (
            "too long",
            format!("{}{RSA_2048}", " ".repeat(MAX_BODY_CHARS)),
            Invalid,
        ),
    ];
    for (name, body, error) in cases {
        assert_eq!(parse_ssh_public_key(&body), Err(error), "{name}");
    }
}

/// The two encodings GetSSHPublicKey answers: OpenSSH's line without the comment, and
/// the PEM `ssh-keygen -e -m PKCS8` (and `openssl pkey -pubin`) writes, byte for byte.
#[test]
fn re_encoded_as_ssh_keygen_writes_them() {
    let key = key_2048();
    assert_eq!(key.to_openssh(), bare(RSA_2048));
    assert_eq!(key.to_pem(), RSA_2048_SPKI);
    for body in [key.to_openssh(), key.to_pem(), RSA_2048_PKCS1.to_owned()] {
        assert_eq!(parse_ssh_public_key(&body), Ok(key.clone()));
    }
    let big = parse_ssh_public_key(RSA_4096).unwrap_or_else(|e| panic!("4096: {e}"));
    assert_eq!(big.to_openssh(), RSA_4096.trim());
    assert_eq!(parse_ssh_public_key(&big.to_pem()), Ok(big));
}
