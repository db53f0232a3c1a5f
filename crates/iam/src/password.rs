//! Console passwords: argon2id hashing (PHC strings) and IAM's password policies.

use argon2::password_hash::{PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::secret::{random_bytes, RandomError, Secret};

/// Hashes console passwords with argon2id into PHC strings
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    params: Params,
}

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// No randomness for the salt.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// argon2 refused the input (e.g. a password longer than 2^32 - 1 bytes).
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Stored hashes whose cost exceeds these are refused by [`PasswordHasher::verify`] rather
/// than computed: a damaged or hostile PHC string must not make one sign-in take gigabytes
/// or minutes. They are far above anything [`PasswordHasher::new`] writes.
const MAX_VERIFY_M_COST_KIB: u32 = 256 * 1024;
const MAX_VERIFY_T_COST: u32 = 16;
const MAX_VERIFY_P_COST: u32 = 16;

const SALT_LEN: usize = 16;

impl PasswordHasher {
    /// The argon2 crate's defaults for Argon2id, which are OWASP's recommendation:
    /// m = 19456 KiB (19 MiB), t = 2, p = 1, 32-byte output.
    pub fn new() -> PasswordHasher {
        PasswordHasher {
            params: Params::default(),
        }
    }

    /// For tests only: still argon2id, but with the smallest cost argon2 allows
    /// (m = 8 KiB, t = 1, p = 1), so a hash takes microseconds instead of tens of
    /// milliseconds. Never use it for real passwords: it offers next to no resistance to
    /// guessing.
    pub fn fast_insecure_for_tests() -> PasswordHasher {
        let params = Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None)
            .unwrap_or_else(|_| Params::default());
        PasswordHasher { params }
    }

    /// Hashes `password` with a fresh random 16-byte salt into a PHC string.
    pub fn hash(&self, password: &Secret) -> Result<String, PasswordError> {
        let salt_bytes = random_bytes(SALT_LEN)?;
        let salt =
            SaltString::encode_b64(&salt_bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone());
        argon2::password_hash::PasswordHasher::hash_password(&argon2, password.expose(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    }

    /// Whether `password` matches the PHC string `phc`. The algorithm, version and cost
    /// come from `phc` (so hashes made with other parameters still verify); `false` for a
    /// malformed string, a non-argon2 algorithm, or a cost above the sanity limits. The
    /// final comparison is constant-time.
    pub fn verify(&self, password: &Secret, phc: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return false;
        };
        if Algorithm::try_from(hash.algorithm).is_err() {
            return false;
        }
        let Ok(params) = Params::try_from(&hash) else {
            return false;
        };
        if params.m_cost() > MAX_VERIFY_M_COST_KIB
            || params.t_cost() > MAX_VERIFY_T_COST
            || params.p_cost() > MAX_VERIFY_P_COST
        {
            return false;
        }
        Argon2::default()
            .verify_password(password.expose(), &hash)
            .is_ok()
    }

    /// Whether `phc` was made with other parameters than this hasher's (or is not an
    /// argon2id PHC string at all), so that it should be re-hashed after a successful
    /// sign-in.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return true;
        };
        if hash.algorithm != argon2::ARGON2ID_IDENT || hash.version != Some(0x13) {
            return true;
        }
        let Ok(params) = Params::try_from(&hash) else {
            return true;
        };
        params.m_cost() != self.params.m_cost()
            || params.t_cost() != self.params.t_cost()
            || params.p_cost() != self.params.p_cost()
    }
}

impl Default for PasswordHasher {
    fn default() -> PasswordHasher {
        PasswordHasher::new()
    }
}

/// A password does not satisfy the password policy. The text is IAM's wording for
/// `PasswordPolicyViolation`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PolicyViolation(pub String);

/// The account password policy with IAM's fields (`UpdateAccountPasswordPolicy`). The
/// store keeps it as JSON.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordPolicy {
    /// 6..=128; IAM uses 6 when a policy is set without it.
    pub minimum_password_length: u8,
    /// At least one of IAM's [`SYMBOLS`].
    pub require_symbols: bool,
    /// At least one ASCII digit.
    pub require_numbers: bool,
    /// At least one ASCII upper-case letter (A to Z).
    pub require_uppercase_characters: bool,
    /// At least one ASCII lower-case letter (a to z).
    pub require_lowercase_characters: bool,
    /// Whether users may change their own password.
    pub allow_users_to_change_password: bool,
    /// 1..=1095 days; `None`: passwords never expire.
    pub max_password_age: Option<u16>,
    /// 1..=24 previous passwords that may not be reused; `None`: no check.
    pub password_reuse_prevention: Option<u8>,
    /// Whether an expired password can only be reset by an administrator; `None` when
    /// it was not set (GetAccountPasswordPolicy then omits it).
    pub hard_expiry: Option<bool>,
}

/// The characters IAM counts as symbols (IAM API reference, `RequireSymbols`):
/// `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`.
pub const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

/// IAM's default minimum password length when a policy is set without one.
pub const DEFAULT_MINIMUM_PASSWORD_LENGTH: u8 = 6;

impl Default for PasswordPolicy {
    /// What `UpdateAccountPasswordPolicy` with no parameters sets: minimum length 6,
    /// nothing required, no expiry, no reuse prevention, `HardExpiry` unset.
    fn default() -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: DEFAULT_MINIMUM_PASSWORD_LENGTH,
            require_symbols: false,
            require_numbers: false,
            require_uppercase_characters: false,
            require_lowercase_characters: false,
            allow_users_to_change_password: false,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: None,
        }
    }
}

/// Which character classes a password has.
#[derive(Clone, Copy, Debug, Default)]
struct Classes {
    upper: bool,
    lower: bool,
    number: bool,
    symbol: bool,
}

impl Classes {
    fn of(password: &str) -> Classes {
        let mut c = Classes::default();
        for ch in password.chars() {
            match ch {
                'A'..='Z' => c.upper = true,
                'a'..='z' => c.lower = true,
                '0'..='9' => c.number = true,
                _ if SYMBOLS.contains(ch) => c.symbol = true,
                _ => {}
            }
        }
        c
    }

    fn count(self) -> usize {
        usize::from(self.upper)
            + usize::from(self.lower)
            + usize::from(self.number)
            + usize::from(self.symbol)
    }
}

/// Joins the failures IAM-style. All failures are reported (not just the first), in a
/// fixed order (length, uppercase, lowercase, number, symbol), joined with `"; "`, so a
/// user can fix everything at once; each part is IAM's own sentence. (Whether IAM itself
/// reports one failure or all of them is not verified.)
fn violations(parts: Vec<String>) -> Result<(), PolicyViolation> {
    if parts.is_empty() {
        Ok(())
    } else {
        Err(PolicyViolation(parts.join("; ")))
    }
}

fn length_message(min: usize) -> String {
    format!("Password should have a minimum length of {min}")
}

const NEED_UPPER: &str = "Password should have at least one uppercase letter";
const NEED_LOWER: &str = "Password should have at least one lowercase letter";
const NEED_NUMBER: &str = "Password should have at least one number";
const NEED_SYMBOL: &str = "Password should have at least one symbol";

impl PasswordPolicy {
    /// Checks a new password against this policy. Length counts characters, not bytes.
    /// `Err` carries IAM's message; several failures are joined with `"; "` (see the
    /// module's `violations`).
    pub fn check(&self, password: &str) -> Result<(), PolicyViolation> {
        let classes = Classes::of(password);
        let mut parts = Vec::new();
        let min = usize::from(self.minimum_password_length);
        if password.chars().count() < min {
            parts.push(length_message(min));
        }
        if self.require_uppercase_characters && !classes.upper {
            parts.push(NEED_UPPER.to_owned());
        }
        if self.require_lowercase_characters && !classes.lower {
            parts.push(NEED_LOWER.to_owned());
        }
        if self.require_numbers && !classes.number {
            parts.push(NEED_NUMBER.to_owned());
        }
        if self.require_symbols && !classes.symbol {
            parts.push(NEED_SYMBOL.to_owned());
        }
        violations(parts)
    }

    /// IAM's `ExpirePasswords`: whether a maximum password age is set.
    pub fn expire_passwords(&self) -> bool {
        self.max_password_age.is_some()
    }
}

/// The minimum length of IAM's default password policy.
pub const DEFAULT_POLICY_MINIMUM_LENGTH: usize = 8;

/// What IAM enforces when the account has no password policy: the AWS default password
/// policy (IAM user guide, "Set an account password policy for IAM users", section
/// "Default password policy"): at least 8 characters, and at least three of the four
/// character types upper-case letters, lower-case letters, numbers, and the symbols
/// `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`. (The guide's further rule, that the
/// password differs from the account name and e-mail address, is the caller's to check:
/// this function does not know them.)
///
/// When fewer than three types are present, the message names the missing types with
/// IAM's per-type sentences, prefixed by what is needed.
pub fn check_default_policy(password: &str) -> Result<(), PolicyViolation> {
    let classes = Classes::of(password);
    let mut parts = Vec::new();
    if password.chars().count() < DEFAULT_POLICY_MINIMUM_LENGTH {
        parts.push(length_message(DEFAULT_POLICY_MINIMUM_LENGTH));
    }
    if classes.count() < 3 {
        let missing: Vec<&str> = [
            (classes.upper, "uppercase letters"),
            (classes.lower, "lowercase letters"),
            (classes.number, "numbers"),
            (classes.symbol, "symbols"),
        ]
        .into_iter()
        .filter(|(has, _)| !has)
        .map(|(_, name)| name)
        .collect();
        parts.push(format!(
            "Password should have at least three of the following: uppercase letters, \
             lowercase letters, numbers, symbols (missing: {})",
            missing.join(", ")
        ));
    }
    violations(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> Secret {
        Secret::from_string(s.to_owned())
    }

    #[test]
    fn hash_and_verify() {
        let hasher = PasswordHasher::fast_insecure_for_tests();
        let phc = hasher.hash(&secret("correct horse")).expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{phc}");
        assert!(hasher.verify(&secret("correct horse"), &phc));
        assert!(!hasher.verify(&secret("correct horsE"), &phc));
        assert!(!hasher.verify(&secret(""), &phc));
        // Fresh salt every time.
        let again = hasher.hash(&secret("correct horse")).expect("hash");
        assert_ne!(phc, again);
        assert!(hasher.verify(&secret("correct horse"), &again));
        // Verification takes its parameters from the PHC string.
        assert!(PasswordHasher::new().verify(&secret("correct horse"), &phc));
    }

    #[test]
    fn default_params_are_owasp() {
        let hasher = PasswordHasher::default();
        let phc = hasher.hash(&secret("pw")).expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(hasher.verify(&secret("pw"), &phc));
        assert!(!hasher.needs_rehash(&phc));
        assert!(PasswordHasher::fast_insecure_for_tests().needs_rehash(&phc));
    }

    #[test]
    fn verify_is_false_for_malformed_or_foreign_hashes() {
        let hasher = PasswordHasher::fast_insecure_for_tests();
        let phc = hasher.hash(&secret("pw")).expect("hash");
        let bad = [
            String::new(),
            "pw".to_owned(),
            "$argon2id$".to_owned(),
            phc.replace("$argon2id$", "$scrypt$"),
            phc.replace("m=8", "m=4"),
            phc.replace("m=8", "m=99999999"),
            phc.replace("t=1", "t=1000"),
            phc[..phc.len() - 4].to_owned(),
            format!("{phc}$"),
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".to_owned(),
        ];
        for phc in &bad {
            assert!(!hasher.verify(&secret("pw"), phc), "{phc}");
            assert!(
                hasher.needs_rehash(phc) || phc.contains("m=8,t=1,p=1"),
                "{phc}"
            );
        }
    }

    fn policy() -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: 10,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(5),
            hard_expiry: Some(false),
        }
    }

    #[test]
    fn policy_check_table() {
        let strict = policy();
        let cases: &[(&PasswordPolicy, &str, Result<(), &str>)] = &[
            (&strict, "Abcdef12!x", Ok(())),
            (&strict, "Abcdef12'x", Ok(())),
            (&strict, "Abcdef12|x", Ok(())),
            (
                &strict,
                "Abcd12!x",
                Err("Password should have a minimum length of 10"),
            ),
            (
                &strict,
                "abcdef12!x",
                Err("Password should have at least one uppercase letter"),
            ),
            (
                &strict,
                "ABCDEF12!X",
                Err("Password should have at least one lowercase letter"),
            ),
            (
                &strict,
                "Abcdefgh!x",
                Err("Password should have at least one number"),
            ),
            (
                &strict,
                "Abcdef12xy",
                Err("Password should have at least one symbol"),
            ),
            // Not IAM symbols: '.', '~', '?', '"', ' ', and non-ASCII.
            (
                &strict,
                "Abcdef12.~? \"é",
                Err("Password should have at least one symbol"),
            ),
            // Non-ASCII letters are not upper/lower case letters for IAM.
            (
                &strict,
                "ÉÉÉÉÉ12!éé",
                Err("Password should have at least one uppercase letter; \
                     Password should have at least one lowercase letter"),
            ),
            (
                &strict,
                "",
                Err("Password should have a minimum length of 10; \
                     Password should have at least one uppercase letter; \
                     Password should have at least one lowercase letter; \
                     Password should have at least one number; \
                     Password should have at least one symbol"),
            ),
        ];
        for (policy, password, expected) in cases {
            let got = policy.check(password);
            let expected = expected.map_err(|m| PolicyViolation(m.to_owned()));
            assert_eq!(got, expected, "{password:?}");
        }
    }

    #[test]
    fn default_policy_only_checks_length() {
        let p = PasswordPolicy::default();
        assert_eq!(p.minimum_password_length, 6);
        assert!(p.check("aaaaaa").is_ok());
        assert!(p.check("      ").is_ok());
        assert_eq!(
            p.check("aaaaa"),
            Err(PolicyViolation(
                "Password should have a minimum length of 6".to_owned()
            ))
        );
        assert!(!p.expire_passwords());
        assert!(policy().expire_passwords());
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let p = PasswordPolicy {
            minimum_password_length: 6,
            ..PasswordPolicy::default()
        };
        assert!(p.check("ééééé").is_err()); // 5 characters, 10 bytes
        assert!(p.check("éééééé").is_ok());
    }

    #[test]
    fn policy_json_round_trip() {
        let p = policy();
        let json = serde_json::to_string(&p).expect("json");
        let back: PasswordPolicy = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, p);
        let d = PasswordPolicy::default();
        let back: PasswordPolicy =
            serde_json::from_str(&serde_json::to_string(&d).expect("json")).expect("parse");
        assert_eq!(back, d);
    }

    #[test]
    fn aws_default_policy_table() {
        let three = "Password should have at least three of the following: uppercase letters, \
                     lowercase letters, numbers, symbols";
        let cases: &[(&str, Result<(), String>)] = &[
            ("Abcdefg1", Ok(())),
            ("abcdef1!", Ok(())),
            ("ABCDEF1!", Ok(())),
            ("Abcdefg!", Ok(())),
            ("Abcd1!xy", Ok(())),
            (
                "Abc1!",
                Err("Password should have a minimum length of 8".to_owned()),
            ),
            (
                "abcdefgh1",
                Err(format!("{three} (missing: uppercase letters, symbols)")),
            ),
            (
                "abcdefghij",
                Err(format!(
                    "{three} (missing: uppercase letters, numbers, symbols)"
                )),
            ),
            (
                "abc",
                Err(format!(
                    "Password should have a minimum length of 8; \
                     {three} (missing: uppercase letters, numbers, symbols)"
                )),
            ),
            (
                "",
                Err(format!(
                    "Password should have a minimum length of 8; {three} \
                     (missing: uppercase letters, lowercase letters, numbers, symbols)"
                )),
            ),
        ];
        for (password, expected) in cases {
            assert_eq!(
                check_default_policy(password),
                expected.clone().map_err(PolicyViolation),
                "{password:?}"
            );
        }
    }
}
