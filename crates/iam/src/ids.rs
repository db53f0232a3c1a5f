//! Identifiers and names: their formats, their generation, and IAM's validation rules.

use std::fmt;

use crate::error::{Constraint, Error, Result};
use crate::secret::random_bytes;

/// A 12-digit AWS account id (kept as its digits: leading zeros matter), held inline: every
/// user, key and certificate read from a store carries one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId([u8; 12]);

impl AccountId {
    /// Parses a 12-digit id.
    pub fn parse(s: &str) -> Option<AccountId> {
        let digits: [u8; 12] = s.as_bytes().try_into().ok()?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then_some(AccountId(digits))
    }

    /// A random id (not starting with 0, as AWS's never seem to).
    pub fn generate() -> Result<AccountId> {
        let bytes = random(12)?;
        let mut digits = [0u8; 12];
        for (i, (d, b)) in digits.iter_mut().zip(bytes).enumerate() {
            *d = b'0' + if i == 0 { 1 + b % 9 } else { b % 10 };
        }
        Ok(AccountId(digits))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Twelve ASCII digits (checked by every constructor) are always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// `arn:aws:iam::<id>:root`
    pub fn root_arn(&self) -> String {
        crate::arn::Arn::root(self).into_string()
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.as_str())
    }
}

/// The alphabet of AWS key and unique ids (base32: no 0, 1, 8, 9).
const ID_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn random(n: usize) -> Result<Vec<u8>> {
    random_bytes(n).map_err(|e| Error::internal(format!("no randomness: {e}")))
}

fn random_id(prefix: &str, len: usize) -> Result<String> {
    let mut id = String::with_capacity(prefix.len() + len);
    id.push_str(prefix);
    id.extend(
        random(len)?
            .iter()
            .map(|b| char::from(ID_ALPHABET[usize::from(b % 32)])),
    );
    Ok(id)
}

/// A user's unique id: `AIDA` and 17 characters.
pub fn new_user_id() -> Result<String> {
    random_id("AIDA", 17)
}

/// A group's unique id: `AGPA` and 17 characters.
pub fn new_group_id() -> Result<String> {
    random_id("AGPA", 17)
}

/// A role's unique id: `AROA` and 17 characters.
pub fn new_role_id() -> Result<String> {
    random_id("AROA", 17)
}

/// An instance profile's unique id: `AIPA` and 17 characters.
pub fn new_instance_profile_id() -> Result<String> {
    random_id("AIPA", 17)
}

/// A temporary access key id (STS): `ASIA` and 16 characters.
pub fn new_session_key_id() -> Result<String> {
    random_id("ASIA", 16)
}

/// A customer managed policy's unique id: `ANPA` and 17 characters.
pub fn new_policy_id() -> Result<String> {
    random_id("ANPA", 17)
}

/// An SSH public key id: `APKA` and 16 characters (20 in all, as IAM's are).
pub fn new_ssh_public_key_id() -> Result<String> {
    random_id("APKA", 16)
}

/// An access key id: `AKIA` and 16 characters.
pub fn new_access_key_id() -> Result<String> {
    random_id("AKIA", 16)
}

/// A signing certificate id: 24 upper-case letters and digits (`ID123456789012345EXAMPLE`).
pub fn new_certificate_id() -> Result<String> {
    const ALNUM: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    Ok(random(24)?
        .iter()
        .map(|b| char::from(ALNUM[usize::from(b % 36)]))
        .collect())
}

/// A secret access key: 40 characters of `[A-Za-z0-9+/]`.
pub fn new_secret_access_key() -> Result<String> {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    Ok(random(40)?
        .iter()
        .map(|b| char::from(B64[usize::from(b % 64)]))
        .collect())
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Checks a name of IAM's `[\w+=,.@-]+` family (user, MFA device, policy names), `max`
/// characters at most. `field` is the API member name, for the message.
pub fn validate_name(field: &'static str, name: &str, max: usize) -> Result<()> {
    let len = name.chars().count();
    if len == 0 {
        return Err(Error::validation(field, Constraint::MinLength(1)));
    }
    if len > max {
        return Err(Error::validation(field, Constraint::MaxLength(max)));
    }
    if !name.chars().all(is_name_char) {
        return Err(Error::validation(
            field,
            Constraint::Pattern(r"[\w+=,.@-]+"),
        ));
    }
    Ok(())
}

/// Checks a path: `/`, or `/` + printable ASCII + `/`, 512 characters at most.
pub fn validate_path(field: &'static str, path: &str) -> Result<()> {
    if path.len() > 512 {
        return Err(Error::validation(field, Constraint::MaxLength(512)));
    }
    let ok = path == "/"
        || (path.len() >= 3
            && path.starts_with('/')
            && path.ends_with('/')
            && path.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    if !ok {
        return Err(Error::validation(
            field,
            Constraint::Pattern(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"),
        ));
    }
    Ok(())
}

/// The key under which names are unique and sorted: IAM names are unique ignoring case.
pub fn name_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_have_aws_shapes() {
        let user = new_user_id().unwrap();
        assert!(user.starts_with("AIDA") && user.len() == 21);
        let key = new_access_key_id().unwrap();
        assert!(key.starts_with("AKIA") && key.len() == 20);
        assert!(key.bytes().all(|b| ID_ALPHABET.contains(&b)));
        assert_eq!(new_secret_access_key().unwrap().len(), 40);
        assert_eq!(new_certificate_id().unwrap().len(), 24);
        let account = AccountId::generate().unwrap();
        assert!(AccountId::parse(account.as_str()).is_some());
    }

    #[test]
    fn name_rules_from_the_iam_model() {
        assert!(validate_name("userName", "alice+test=1,a.b@c-d_e", 64).is_ok());
        assert!(validate_name("userName", &"a".repeat(64), 64).is_ok());
        assert!(validate_name("userName", &"a".repeat(65), 64).is_err());
        assert!(validate_name("userName", "", 64).is_err());
        assert!(validate_name("userName", "bob smith", 64).is_err());
        assert!(validate_name("userName", "bob/x", 64).is_err());
        assert!(validate_path("path", "/").is_ok());
        assert!(validate_path("path", "/division_abc/subdivision_xyz/").is_ok());
        assert!(validate_path("path", "/a").is_err());
        assert!(validate_path("path", "//").is_err());
        assert!(validate_path("path", "/a b/").is_err());
    }
}
