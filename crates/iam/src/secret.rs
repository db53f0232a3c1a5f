//! Secrets in memory and at rest.
//!
//! [`Secret`] holds secret bytes (an access key's secret, a console password, an MFA seed,
//! the master key's hex form): it is never printed, never compared with `==`, and its
//! memory is zeroed when it is dropped. [`MasterKey`] seals secrets for the store with
//! XChaCha20-Poly1305, binding each ciphertext to its owner through associated data.

use std::fmt;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

/// A secret: never printed (`Debug` shows `Secret(<redacted>)`, there is no `Display`),
/// never compared with `==` (there is no `PartialEq`; use [`Secret::ct_eq`]), zeroed on
/// drop.
pub struct Secret(Zeroizing<Box<[u8]>>);

impl Secret {
    /// Takes ownership of `bytes`. If the vector has spare capacity, its bytes are copied
    /// into an exact-size buffer and the vector is zeroed, so no copy is left behind.
    pub fn new(mut bytes: Vec<u8>) -> Secret {
        if bytes.len() == bytes.capacity() {
            // No reallocation: the box takes the vector's buffer as it is.
            Secret(Zeroizing::new(bytes.into_boxed_slice()))
        } else {
            let boxed: Box<[u8]> = bytes.as_slice().into();
            bytes.zeroize();
            Secret(Zeroizing::new(boxed))
        }
    }

    /// The UTF-8 bytes of `s`.
    pub fn from_string(s: String) -> Secret {
        Secret::new(s.into_bytes())
    }

    /// `n` random bytes from the operating system.
    pub fn random(n: usize) -> Result<Secret, RandomError> {
        random_bytes(n).map(Secret::new)
    }

    /// The secret bytes. Callers must not log or persist them unsealed.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as text, or `None` if it is not UTF-8.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// Compares with `other` in time that depends only on the lengths, never on the
    /// contents.
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        // `subtle` returns false at once for different lengths; lengths are not secret.
        bool::from(self.0.as_ref().ct_eq(other))
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Clone for Secret {
    fn clone(&self) -> Secret {
        Secret(Zeroizing::new(self.0.as_ref().into()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The operating system's random source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random source failed: {0}")]
pub struct RandomError(getrandom::Error);

/// Fills `n` bytes from the operating system's random source.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, RandomError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(RandomError)?;
    Ok(bytes)
}

/// Why a master key could not be made, read, or used. Messages never contain key
/// material, plaintext, or ciphertext.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// No randomness for a key or a nonce.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// A master key given as text is not 64 hexadecimal characters.
    #[error("a master key must be 64 hexadecimal characters")]
    BadHex,
    /// The key file exists but does not hold 64 hexadecimal characters.
    #[error("master key file {}: it must hold 64 hexadecimal characters", path.display())]
    BadKeyFile {
        /// The key file.
        path: PathBuf,
    },
    /// The key file could not be read or created.
    #[error("master key file {}: {source}", path.display())]
    Io {
        /// The key file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// Encryption failed (it only can for absurdly long plaintexts).
    #[error("a secret could not be sealed")]
    Seal,
    /// The sealed bytes are shorter than a version byte, a nonce and a tag.
    #[error("a sealed secret is truncated")]
    Truncated,
    /// The sealed bytes start with a format version this build does not know.
    #[error("a sealed secret has unknown format version {0}")]
    UnknownVersion(u8),
    /// Authentication failed: another key, another owner (associated data), or altered
    /// bytes.
    #[error("a sealed secret could not be opened: wrong master key, wrong owner, or damaged")]
    Open,
}

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const SEAL_VERSION: u8 = 1;

/// The 32-byte XChaCha20-Poly1305 key that seals secrets at rest. Zeroed on drop; `Debug`
/// is redacted.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    /// A new random key.
    pub fn generate() -> Result<MasterKey, KeyError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(key.as_mut()).map_err(RandomError)?;
        Ok(MasterKey(key))
    }

    /// Parses 64 hexadecimal characters (either case), as `CREDREPORT_MASTER_KEY` holds
    /// them. Surrounding whitespace is ignored.
    pub fn from_hex(s: &str) -> Result<MasterKey, KeyError> {
        let s = s.trim().as_bytes();
        if s.len() != 2 * KEY_LEN {
            return Err(KeyError::BadHex);
        }
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        for (byte, pair) in key.iter_mut().zip(s.chunks_exact(2)) {
            let (Some(hi), Some(lo)) = (hex_value(pair[0]), hex_value(pair[1])) else {
                return Err(KeyError::BadHex);
            };
            *byte = hi << 4 | lo;
        }
        Ok(MasterKey(key))
    }

    /// The key as 64 lower-case hexadecimal characters.
    pub fn to_hex(&self) -> Secret {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = Vec::with_capacity(2 * KEY_LEN);
        for &b in self.0.iter() {
            out.push(DIGITS[usize::from(b >> 4)]);
            out.push(DIGITS[usize::from(b & 0x0f)]);
        }
        Secret::new(out)
    }

    /// Reads the key file (64 hexadecimal characters, surrounding whitespace ignored), or,
    /// if there is none, creates it with a new key, readable and writable by its owner
    /// only (mode 0600 on Unix). Errors name the path. If two processes race to create
    /// the file, the loser reads the winner's key.
    pub fn load_or_create(path: &Path) -> Result<MasterKey, KeyError> {
        let io_err = |source: io::Error| KeyError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                let key = MasterKey::generate()?;
                let mut text = key.to_hex().expose().to_vec();
                text.push(b'\n');
                let written = file.write_all(&text).and_then(|()| file.sync_all());
                text.zeroize();
                if let Err(e) = written {
                    // Do not leave a half-written key behind for the next start to read.
                    drop(file);
                    let _ = std::fs::remove_file(path);
                    return Err(io_err(e));
                }
                Ok(key)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let mut text = Zeroizing::new(Vec::new());
                std::fs::File::open(path)
                    .and_then(|f| f.take(1024).read_to_end(&mut text))
                    .map_err(io_err)?;
                std::str::from_utf8(&text)
                    .ok()
                    .and_then(|s| MasterKey::from_hex(s).ok())
                    .ok_or_else(|| KeyError::BadKeyFile {
                        path: path.to_path_buf(),
                    })
            }
            Err(e) => Err(io_err(e)),
        }
    }

    /// Encrypts `plaintext`. The result is a version byte (1), a random 24-byte nonce,
    /// then the ciphertext with its 16-byte tag. `aad` binds the result to its owner
    /// (e.g. the access key id): [`MasterKey::open`] must be given the same bytes.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, KeyError> {
        let nonce_bytes = random_bytes(NONCE_LEN)?;
        let nonce = XNonce::from_slice(&nonce_bytes);
        let ciphertext = self
            .cipher()
            .encrypt(
                nonce,
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| KeyError::Seal)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(SEAL_VERSION);
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Decrypts what [`MasterKey::seal`] made with this key and the same `aad`. Another
    /// key, another `aad`, any altered byte, or an unknown version is an error.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Secret, KeyError> {
        let Some((&version, rest)) = sealed.split_first() else {
            return Err(KeyError::Truncated);
        };
        if version != SEAL_VERSION {
            return Err(KeyError::UnknownVersion(version));
        }
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(KeyError::Truncated);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map(Secret::new)
            .map_err(|_| KeyError::Open)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn secret_accessors() {
        let s = Secret::from_string("hunter2".to_owned());
        assert_eq!(s.expose(), b"hunter2");
        assert_eq!(s.expose_str(), Some("hunter2"));
        assert_eq!(s.len(), 7);
        assert!(!s.is_empty());
        assert!(Secret::new(Vec::new()).is_empty());
        assert_eq!(Secret::new(vec![0xff, 0xfe]).expose_str(), None);
        let c = s.clone();
        assert_eq!(c.expose(), s.expose());
    }

    #[test]
    fn secret_from_vec_with_spare_capacity() {
        let mut v = Vec::with_capacity(64);
        v.extend_from_slice(b"abc");
        let s = Secret::new(v);
        assert_eq!(s.expose(), b"abc");
    }

    #[test]
    fn ct_eq_compares_contents_and_length() {
        let s = Secret::new(b"abcdef".to_vec());
        assert!(s.ct_eq(b"abcdef"));
        assert!(!s.ct_eq(b"abcdeg"));
        assert!(!s.ct_eq(b"abcde"));
        assert!(!s.ct_eq(b"abcdefg"));
        assert!(!s.ct_eq(b""));
        assert!(Secret::new(Vec::new()).ct_eq(b""));
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::from_string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned());
        let shown = format!("{s:?} {s:#?}");
        assert!(!shown.contains("wJalr"), "{shown}");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");

        let key = MasterKey::from_hex(HEX).expect("valid hex");
        let shown = format!("{key:?} {key:#?}");
        assert!(!shown.contains("0102"), "{shown}");
        assert!(!shown.contains('['), "{shown}");
        assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
    }

    #[test]
    fn random_bytes_has_the_length_and_varies() {
        let a = random_bytes(32).expect("random");
        let b = random_bytes(32).expect("random");
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(random_bytes(0).expect("random").is_empty());
        assert_eq!(Secret::random(40).expect("random").len(), 40);
    }

    #[test]
    fn hex_round_trip_and_case() {
        let key = MasterKey::from_hex(HEX).expect("valid");
        assert_eq!(key.to_hex().expose_str(), Some(HEX));
        let upper = MasterKey::from_hex(&format!("  {}\n", HEX.to_uppercase())).expect("valid");
        assert_eq!(upper.to_hex().expose_str(), Some(HEX));
        let generated = MasterKey::generate().expect("random");
        let again = MasterKey::from_hex(generated.to_hex().expose_str().expect("hex is text"))
            .expect("valid");
        assert_eq!(again.to_hex().expose(), generated.to_hex().expose());
    }

    #[test]
    fn from_hex_rejects_bad_input() {
        let bad = [
            "",
            &HEX[..62],
            &format!("{HEX}00"),
            &format!("{}g", &HEX[..63]),
            &format!("{} {}", &HEX[..32], &HEX[32..]),
            &format!("0x{}", &HEX[..62]),
            &"é".repeat(32),
        ];
        for s in bad {
            let err = MasterKey::from_hex(s).expect_err(s);
            assert!(matches!(err, KeyError::BadHex), "{s}: {err:?}");
            assert!(!err.to_string().contains(&HEX[..8]));
        }
    }

    #[test]
    fn seal_open_round_trip() {
        let key = MasterKey::generate().expect("random");
        for plaintext in [&b""[..], b"x", &[7u8; 1000]] {
            let sealed = key.seal(plaintext, b"AKIAEXAMPLE").expect("seal");
            assert_eq!(sealed.len(), 1 + NONCE_LEN + plaintext.len() + TAG_LEN);
            assert_eq!(sealed[0], 1);
            let opened = key.open(&sealed, b"AKIAEXAMPLE").expect("open");
            assert_eq!(opened.expose(), plaintext);
        }
        // A fresh nonce every time.
        let a = key.seal(b"same", b"").expect("seal");
        let b = key.seal(b"same", b"").expect("seal");
        assert_ne!(a, b);
    }

    #[test]
    fn open_rejects_wrong_key_aad_and_tampering() {
        let key = MasterKey::generate().expect("random");
        let other = MasterKey::generate().expect("random");
        let sealed = key.seal(b"top secret", b"owner-1").expect("seal");

        assert!(matches!(
            other.open(&sealed, b"owner-1"),
            Err(KeyError::Open)
        ));
        assert!(matches!(key.open(&sealed, b"owner-2"), Err(KeyError::Open)));
        assert!(matches!(key.open(&sealed, b""), Err(KeyError::Open)));
        for i in 1..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert!(
                matches!(key.open(&t, b"owner-1"), Err(KeyError::Open)),
                "byte {i}"
            );
        }
        let mut t = sealed.clone();
        t[0] = 2;
        assert!(matches!(
            key.open(&t, b"owner-1"),
            Err(KeyError::UnknownVersion(2))
        ));
        assert!(matches!(key.open(&[], b""), Err(KeyError::Truncated)));
        assert!(matches!(
            key.open(&sealed[..1 + NONCE_LEN + TAG_LEN - 1], b"owner-1"),
            Err(KeyError::Truncated)
        ));
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(matches!(key.open(&longer, b"owner-1"), Err(KeyError::Open)));
        // Still fine untouched.
        assert_eq!(
            key.open(&sealed, b"owner-1").expect("open").expose(),
            b"top secret"
        );
    }

    #[cfg(unix)]
    #[test]
    fn load_or_create_makes_a_private_file_and_reloads_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("master.key");
        let first = MasterKey::load_or_create(&path).expect("create");
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.trim().len(), 64);
        assert_eq!(text.trim(), first.to_hex().expose_str().expect("hex"));

        let second = MasterKey::load_or_create(&path).expect("reload");
        assert_eq!(second.to_hex().expose(), first.to_hex().expose());
        let sealed = first.seal(b"s", b"a").expect("seal");
        assert_eq!(second.open(&sealed, b"a").expect("open").expose(), b"s");
    }

    #[test]
    fn load_or_create_errors_name_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("bad.key");
        std::fs::write(&bad, "not a key\n").expect("write");
        let err = MasterKey::load_or_create(&bad).expect_err("bad file");
        assert!(matches!(err, KeyError::BadKeyFile { .. }));
        assert!(err.to_string().contains("bad.key"), "{err}");

        let missing_dir = dir.path().join("no-such-dir").join("master.key");
        let err = MasterKey::load_or_create(&missing_dir).expect_err("no dir");
        assert!(matches!(err, KeyError::Io { .. }));
        assert!(err.to_string().contains("no-such-dir"), "{err}");
    }
}
