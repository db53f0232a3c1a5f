//! SSH public keys (`UploadSSHPublicKey`): an RSA key in OpenSSH's format (`ssh-rsa BASE64
//! [comment]`) or in PEM (`PUBLIC KEY`: X.509 SubjectPublicKeyInfo; `RSA PUBLIC KEY`:
//! PKCS#1), read into its modulus and exponent and written back in either encoding
//! (`GetSSHPublicKey`'s `Encoding`). Its fingerprint is the MD5 of the OpenSSH key blob,
//! colon-separated hex, as `ssh-keygen -l -E md5` shows it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use md5::{Digest as _, Md5};
use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::{PublicKey, RSAPublicKey};
use x509_parser::x509::SubjectPublicKeyInfo;

/// The most characters `SSHPublicKeyBody` may have (IAM's `publicKeyMaterialType`).
pub const MAX_BODY_CHARS: usize = 16_384;
/// The shortest modulus IAM accepts, in bits.
pub const MIN_BITS: usize = 2048;
/// The longest modulus accepted, in bits (OpenSSH's own limit).
pub const MAX_BITS: usize = 16_384;

const SSH_RSA: &str = "ssh-rsa";
/// rsaEncryption (1.2.840.113549.1.1.1), DER-encoded with its tag and length.
const RSA_OID: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];

/// How GetSSHPublicKey answers a key's body (its `Encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SshEncoding {
    /// `SSH`: `ssh-rsa BASE64`.
    Ssh,
    /// `PEM`: a `PUBLIC KEY` block.
    Pem,
}

impl SshEncoding {
    /// `SSH` or `PEM`, as the API names them.
    pub fn from_name(name: &str) -> Option<SshEncoding> {
        match name {
            "SSH" => Some(SshEncoding::Ssh),
            "PEM" => Some(SshEncoding::Pem),
            _ => None,
        }
    }
}

/// Why a body was refused, as IAM distinguishes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SshKeyError {
    /// Neither an `ssh-rsa` line nor a `PUBLIC KEY` / `RSA PUBLIC KEY` PEM block (another
    /// key type, another PEM label, RFC 4716, text): `UnrecognizedPublicKeyEncoding`.
    #[error("unrecognized encoding")]
    Unrecognized,
    /// In one of those encodings but not a usable RSA key (bad base64 or DER, a blob that
    /// does not read, a negative or non-minimal integer, bytes left over, a modulus shorter
    /// than [`MIN_BITS`] or longer than [`MAX_BITS`], an even exponent): `InvalidPublicKey`.
    #[error("invalid key")]
    Invalid,
}

/// An RSA public key: its modulus and exponent, big-endian without leading zero bytes. The
/// modulus has [`MIN_BITS`] to [`MAX_BITS`] bits and the exponent is odd and above 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshPublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

/// Reads an SSH public key body (surrounding whitespace ignored).
pub fn parse_ssh_public_key(body: &str) -> Result<SshPublicKey, SshKeyError> {
    if body.len() > MAX_BODY_CHARS && body.chars().count() > MAX_BODY_CHARS {
        return Err(SshKeyError::Invalid);
    }
    let body = body.trim();
    if body.starts_with("-----BEGIN ") {
        from_pem(body)
    } else if body
        .strip_prefix(SSH_RSA)
        .is_some_and(|rest| rest.starts_with([' ', '\t']))
    {
        from_openssh(body)
    } else {
        Err(SshKeyError::Unrecognized)
    }
}

impl SshPublicKey {
    /// From a modulus and an exponent as big-endian unsigned integers, checked.
    fn new(n: &[u8], e: &[u8]) -> Result<SshPublicKey, SshKeyError> {
        let (n, e) = (unsigned(n), unsigned(e));
        let bits = bit_length(n);
        let e_odd = e.last().is_some_and(|b| b & 1 == 1);
        if !(MIN_BITS..=MAX_BITS).contains(&bits) || !e_odd || e == [1] || e.len() > n.len() {
            return Err(SshKeyError::Invalid);
        }
        Ok(SshPublicKey {
            n: n.to_vec(),
            e: e.to_vec(),
        })
    }

    /// The modulus' length in bits.
    pub fn bits(&self) -> usize {
        bit_length(&self.n)
    }

    /// The OpenSSH key blob: the string `ssh-rsa`, then the exponent and the modulus as
    /// mpints (RFC 4253, 6.6).
    pub fn blob(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.n.len() + self.e.len() + 24);
        put_string(&mut out, SSH_RSA.as_bytes());
        put_mpint(&mut out, &self.e);
        put_mpint(&mut out, &self.n);
        out
    }

    /// `ssh-rsa BASE64`, without a comment (GetSSHPublicKey's `Encoding=SSH`).
    pub fn to_openssh(&self) -> String {
        format!("{SSH_RSA} {}", STANDARD.encode(self.blob()))
    }

    /// A `PUBLIC KEY` PEM block of the X.509 SubjectPublicKeyInfo (GetSSHPublicKey's
    /// `Encoding=PEM`), as `ssh-keygen -e -m PKCS8` and `openssl pkey -pubin` write it.
    pub fn to_pem(&self) -> String {
        let mut rsa = der_uint(&self.n);
        rsa.extend(der_uint(&self.e));
        let mut bits = vec![0u8];
        bits.extend(der(0x30, &rsa));
        let mut algorithm = RSA_OID.to_vec();
        algorithm.extend([0x05, 0x00]);
        let mut spki = der(0x30, &algorithm);
        spki.extend(der(0x03, &bits));
        let b64 = STANDARD.encode(der(0x30, &spki));
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(line));
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        pem
    }

    /// The key in `encoding`.
    pub fn encoded(&self, encoding: SshEncoding) -> String {
        match encoding {
            SshEncoding::Ssh => self.to_openssh(),
            SshEncoding::Pem => self.to_pem(),
        }
    }

    /// The MD5 of the key blob, as colon-separated lower-case hex (`07:70:...:44`).
    pub fn fingerprint(&self) -> String {
        Md5::digest(self.blob())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }
}

/// `ssh-rsa BASE64 [comment]` on one line.
fn from_openssh(line: &str) -> Result<SshPublicKey, SshKeyError> {
    if line.contains(['\n', '\r']) {
        return Err(SshKeyError::Invalid);
    }
    let mut fields = line.split_ascii_whitespace().skip(1);
    let b64 = fields.next().ok_or(SshKeyError::Invalid)?;
    let blob = STANDARD.decode(b64).map_err(|_| SshKeyError::Invalid)?;
    let mut r = Reader(&blob);
    if r.string()? != SSH_RSA.as_bytes() {
        return Err(SshKeyError::Invalid);
    }
    let e = r.mpint()?;
    let n = r.mpint()?;
    if !r.0.is_empty() {
        return Err(SshKeyError::Invalid);
    }
    SshPublicKey::new(n, e)
}

/// One PEM block and nothing else: `PUBLIC KEY` (an RSA SubjectPublicKeyInfo) or
/// `RSA PUBLIC KEY` (PKCS#1's RSAPublicKey).
fn from_pem(pem: &str) -> Result<SshPublicKey, SshKeyError> {
    let label = pem
        .lines()
        .next()
        .and_then(|l| l.trim_end().strip_prefix("-----BEGIN "))
        .and_then(|l| l.strip_suffix("-----"))
        .ok_or(SshKeyError::Unrecognized)?;
    if label != "PUBLIC KEY" && label != "RSA PUBLIC KEY" {
        return Err(SshKeyError::Unrecognized);
    }
    if !pem.ends_with(&format!("-----END {label}-----"))
        || pem.matches("-----BEGIN").count() != 1
        || pem.matches("-----END").count() != 1
    {
        return Err(SshKeyError::Invalid);
    }
    let (block, _) =
        Pem::read(std::io::Cursor::new(pem.as_bytes())).map_err(|_| SshKeyError::Invalid)?;
    if block.label != label {
        return Err(SshKeyError::Invalid);
    }
    let der = &block.contents;
    if label == "RSA PUBLIC KEY" {
        let (rest, key) = RSAPublicKey::from_der(der).map_err(|_| SshKeyError::Invalid)?;
        if !rest.is_empty() {
            return Err(SshKeyError::Invalid);
        }
        return rsa(&key);
    }
    let (rest, spki) = SubjectPublicKeyInfo::from_der(der).map_err(|_| SshKeyError::Invalid)?;
    if !rest.is_empty() {
        return Err(SshKeyError::Invalid);
    }
    if spki.algorithm.algorithm.as_bytes() != &RSA_OID[2..] {
        // A key of another type in a well-formed block: not an encoding IAM takes.
        return Err(SshKeyError::Unrecognized);
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(key)) => rsa(&key),
        _ => Err(SshKeyError::Invalid),
    }
}

/// An ASN.1 INTEGER pair as read by x509-parser (its content bytes, sign included).
fn rsa(key: &RSAPublicKey<'_>) -> Result<SshPublicKey, SshKeyError> {
    if negative(key.modulus) || negative(key.exponent) {
        return Err(SshKeyError::Invalid);
    }
    SshPublicKey::new(key.modulus, key.exponent)
}

fn negative(int: &[u8]) -> bool {
    int.first().is_some_and(|b| b & 0x80 != 0)
}

/// Without leading zero bytes.
fn unsigned(int: &[u8]) -> &[u8] {
    let start = int.iter().position(|&b| b != 0).unwrap_or(int.len());
    &int[start..]
}

fn bit_length(int: &[u8]) -> usize {
    match int.first() {
        Some(&b) => int.len() * 8 - b.leading_zeros() as usize,
        None => 0,
    }
}

/// The wire format's reader (RFC 4251, 5): `string` and `mpint`.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn string(&mut self) -> Result<&'a [u8], SshKeyError> {
        let (len, rest) = self
            .0
            .split_first_chunk::<4>()
            .ok_or(SshKeyError::Invalid)?;
        let len = usize::try_from(u32::from_be_bytes(*len)).map_err(|_| SshKeyError::Invalid)?;
        if len > rest.len() {
            return Err(SshKeyError::Invalid);
        }
        let (value, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(value)
    }

    /// A positive mpint in its minimal form (no needless leading zero).
    fn mpint(&mut self) -> Result<&'a [u8], SshKeyError> {
        let value = self.string()?;
        let minimal = match value {
            [0, next, ..] => next & 0x80 != 0,
            [0] => false,
            _ => true,
        };
        if negative(value) || !minimal {
            return Err(SshKeyError::Invalid);
        }
        Ok(value)
    }
}

fn put_string(out: &mut Vec<u8>, value: &[u8]) {
    // Bounded by MAX_BITS: a length always fits.
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.extend(len.to_be_bytes());
    out.extend(value);
}

/// A positive integer as an mpint: a zero byte first when its top bit is set.
fn put_mpint(out: &mut Vec<u8>, int: &[u8]) {
    if negative(int) {
        let mut padded = Vec::with_capacity(int.len() + 1);
        padded.push(0);
        padded.extend(int);
        put_string(out, &padded);
    } else {
        put_string(out, int);
    }
}

/// A DER element: tag, definite length, content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let significant = unsigned(&bytes);
        out.push(0x80 | significant.len() as u8);
        out.extend(significant);
    }
    out.extend(content);
    out
}

/// A positive INTEGER.
fn der_uint(int: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(int.len() + 1);
    if int.is_empty() || negative(int) {
        content.push(0);
    }
    content.extend(int);
    der(0x02, &content)
}

#[cfg(test)]
mod tests;
