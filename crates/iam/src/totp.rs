//! Virtual MFA: TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA-1, 30-second steps and
//! 6 digits, which is what AWS virtual MFA devices use; base32 (RFC 4648) for seeds; the
//! `otpauth://` URI that authenticator apps scan.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

use crate::secret::{RandomError, Secret};

/// Seconds per TOTP step.
pub const STEP_SECS: i64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Bytes in a generated seed: 40 bytes are 64 base32 characters, the length of AWS's
/// `Base32StringSeed`.
pub const SEED_LEN: usize = 40;

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648 section 6 alphabet) without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        buffer = (buffer << 8) | u16::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[usize::from((buffer >> bits) & 31)],
            ));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[usize::from((buffer << (5 - bits)) & 31)],
        ));
    }
    out
}

/// Decodes base32 (RFC 4648 alphabet), ignoring ASCII case. Padding is optional, but if
/// present it must make the length a multiple of 8. `None` for any other character, a
/// `=` before the end, or a length no encoding produces (1, 3 or 6 characters past a
/// multiple of 8). Leftover bits in the last character are ignored.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let data = bytes
        .iter()
        .rposition(|&c| c != b'=')
        .map_or(&bytes[..0], |last| &bytes[..=last]);
    if data.len() != bytes.len() && (bytes.len() % 8 != 0 || bytes.len() - data.len() > 6) {
        return None;
    }
    if matches!(data.len() % 8, 1 | 3 | 6) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 5 / 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &c in data {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u16::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            // Truncation keeps exactly the 8 bits just completed.
            #[allow(clippy::cast_possible_truncation)]
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A new random seed of [`SEED_LEN`] bytes.
pub fn generate_seed() -> Result<Secret, RandomError> {
    Secret::random(SEED_LEN)
}

/// The TOTP counter at `unix_secs`: `floor(t / 30)`, and 0 before the epoch.
pub fn counter_at(unix_secs: i64) -> u64 {
    u64::try_from(unix_secs.max(0) / STEP_SECS).unwrap_or(0)
}

/// The 6-digit HOTP value (RFC 4226, HMAC-SHA-1, dynamic truncation) for `counter`.
pub fn code_at(seed: &[u8], counter: u64) -> u32 {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(seed) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 1_000_000
}

/// `code` as 6 digits with leading zeros.
pub fn format_code(code: u32) -> String {
    format!("{:06}", code % 1_000_000)
}

fn is_code(code: &str) -> bool {
    code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

fn code_matches(seed: &[u8], counter: u64, code: &str) -> bool {
    bool::from(
        format_code(code_at(seed, counter))
            .as_bytes()
            .ct_eq(code.as_bytes()),
    )
}

/// The counters within `skew_steps` of `now_unix`'s counter, in increasing order.
fn window(now_unix: i64, skew_steps: u64) -> std::ops::RangeInclusive<u64> {
    let now = counter_at(now_unix);
    now.saturating_sub(skew_steps)..=now.saturating_add(skew_steps)
}

/// `EnableMFADevice` / `ResyncMFADevice`: checks two consecutive codes. Looks for the
/// earliest counter `c` in `[now - skew, now + skew]` with `code(c) == code1` and
/// `code(c + 1) == code2`, and returns `c + 1`, the last counter used (to store against
/// replay). Both codes must be exactly 6 ASCII digits. Every candidate is computed and
/// compared in constant time, whether or not an earlier one matched.
pub fn verify_consecutive(
    seed: &[u8],
    code1: &str,
    code2: &str,
    now_unix: i64,
    skew_steps: u64,
) -> Option<u64> {
    if !is_code(code1) || !is_code(code2) {
        return None;
    }
    let mut found = None;
    for c in window(now_unix, skew_steps) {
        let Some(next) = c.checked_add(1) else {
            break;
        };
        let hit = code_matches(seed, c, code1) & code_matches(seed, next, code2);
        if hit && found.is_none() {
            found = Some(next);
        }
    }
    found
}

/// Sign-in: checks one code. Looks for the earliest counter `c` in
/// `[now - skew, now + skew]` with `c > last_used` (a code is accepted once: replays and
/// older codes are refused) and `code(c) == code`; returns `c`, the new last-used counter.
/// The code must be exactly 6 ASCII digits.
pub fn verify_code(
    seed: &[u8],
    code: &str,
    now_unix: i64,
    skew_steps: u64,
    last_used: Option<u64>,
) -> Option<u64> {
    if !is_code(code) {
        return None;
    }
    let mut found = None;
    for c in window(now_unix, skew_steps) {
        if last_used.is_some_and(|last| c <= last) {
            continue;
        }
        if code_matches(seed, c, code) && found.is_none() {
            found = Some(c);
        }
    }
    found
}

/// AWS's provisioning URI: `otpauth://totp/<device name>@<account id>?secret=<base32
/// seed>`. The device name and account id are percent-encoded (everything but RFC 3986's
/// unreserved characters), so an `@` in a device name does not split the label; the `@`
/// between them is literal.
pub fn otpauth_uri(device_name: &str, account_id: &str, seed_base32: &str) -> String {
    format!(
        "otpauth://totp/{}@{}?secret={}",
        percent_encode(device_name),
        percent_encode(account_id),
        percent_encode(seed_base32)
    )
}

fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        // The RFC's 8-digit values, mod 10^6.
        let vectors: &[(i64, &str)] = &[
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ];
        for &(t, expected) in vectors {
            assert_eq!(
                format_code(code_at(RFC_SEED, counter_at(t))),
                expected,
                "t={t}"
            );
        }
    }

    #[test]
    fn rfc4226_appendix_d_hotp_vectors() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, &code) in expected.iter().enumerate() {
            assert_eq!(code_at(RFC_SEED, counter as u64), code);
        }
    }

    #[test]
    fn counters_and_formatting() {
        assert_eq!(counter_at(0), 0);
        assert_eq!(counter_at(29), 0);
        assert_eq!(counter_at(30), 1);
        assert_eq!(counter_at(59), 1);
        assert_eq!(counter_at(-1), 0);
        assert_eq!(counter_at(i64::MIN), 0);
        assert_eq!(counter_at(i64::MAX), (i64::MAX / 30) as u64);
        assert_eq!(format_code(5924), "005924");
        assert_eq!(format_code(0), "000000");
        assert_eq!(format_code(999_999), "999999");
    }

    fn code(counter: u64) -> String {
        format_code(code_at(RFC_SEED, counter))
    }

    #[test]
    fn consecutive_codes_within_skew() {
        let now = 1_234_567_890; // counter 41152263
        let n = counter_at(now);
        // The usual case: the code shown a moment ago and the current one.
        assert_eq!(
            verify_consecutive(RFC_SEED, &code(n - 1), &code(n), now, 1),
            Some(n)
        );
        assert_eq!(
            verify_consecutive(RFC_SEED, &code(n), &code(n + 1), now, 1),
            Some(n + 1)
        );
        // Skew boundary: c = now - skew and now + skew are in, one further is out.
        for skew in [0u64, 1, 2, 10] {
            let lo = n - skew;
            let hi = n + skew;
            assert_eq!(
                verify_consecutive(RFC_SEED, &code(lo), &code(lo + 1), now, skew),
                Some(lo + 1),
                "skew {skew} low edge"
            );
            assert_eq!(
                verify_consecutive(RFC_SEED, &code(hi), &code(hi + 1), now, skew),
                Some(hi + 1),
                "skew {skew} high edge"
            );
            assert_eq!(
                verify_consecutive(RFC_SEED, &code(lo - 1), &code(lo), now, skew),
                None,
                "skew {skew} below"
            );
            assert_eq!(
                verify_consecutive(RFC_SEED, &code(hi + 1), &code(hi + 2), now, skew),
                None,
                "skew {skew} above"
            );
        }
        // Out of order, repeated, or non-consecutive codes.
        assert_eq!(
            verify_consecutive(RFC_SEED, &code(n), &code(n - 1), now, 1),
            None
        );
        assert_eq!(
            verify_consecutive(RFC_SEED, &code(n), &code(n), now, 1),
            None
        );
        assert_eq!(
            verify_consecutive(RFC_SEED, &code(n - 1), &code(n + 1), now, 2),
            None
        );
        // Another seed.
        assert_eq!(
            verify_consecutive(b"another seed", &code(n - 1), &code(n), now, 1),
            None
        );
    }

    #[test]
    fn codes_must_be_six_ascii_digits() {
        let now = 59;
        let n = counter_at(now);
        let (c1, c2) = (code(n - 1), code(n));
        assert_eq!(c1, "755224");
        assert_eq!(c2, "287082");
        for bad in [
            "",
            "75522",
            "7552244",
            " 55224",
            "75522a",
            "７５５２２４",
            "+55224",
        ] {
            assert_eq!(
                verify_consecutive(RFC_SEED, bad, &c2, now, 1),
                None,
                "{bad}"
            );
            assert_eq!(
                verify_consecutive(RFC_SEED, &c1, bad, now, 1),
                None,
                "{bad}"
            );
            assert_eq!(verify_code(RFC_SEED, bad, now, 1, None), None, "{bad}");
        }
        assert_eq!(verify_consecutive(RFC_SEED, &c1, &c2, now, 1), Some(n));
    }

    #[test]
    fn window_at_the_epoch_does_not_underflow() {
        // counter 0 at t = 0; skew 5 would reach below zero.
        assert_eq!(
            verify_consecutive(RFC_SEED, &code(0), &code(1), 0, 5),
            Some(1)
        );
        assert_eq!(verify_code(RFC_SEED, &code(0), -100, 5, None), Some(0));
    }

    #[test]
    fn single_code_with_replay_protection() {
        let now = 2_000_000_000;
        let n = counter_at(now);
        assert_eq!(verify_code(RFC_SEED, &code(n), now, 1, None), Some(n));
        assert_eq!(
            verify_code(RFC_SEED, &code(n - 1), now, 1, None),
            Some(n - 1)
        );
        assert_eq!(
            verify_code(RFC_SEED, &code(n + 1), now, 1, None),
            Some(n + 1)
        );
        assert_eq!(verify_code(RFC_SEED, &code(n - 2), now, 1, None), None);
        assert_eq!(verify_code(RFC_SEED, &code(n + 2), now, 1, None), None);
        assert_eq!(
            verify_code(RFC_SEED, &code(n + 2), now, 2, None),
            Some(n + 2)
        );
        // Replay: the same code again, or an older one, is refused.
        assert_eq!(verify_code(RFC_SEED, &code(n), now, 1, Some(n)), None);
        assert_eq!(verify_code(RFC_SEED, &code(n - 1), now, 1, Some(n)), None);
        assert_eq!(
            verify_code(RFC_SEED, &code(n + 1), now, 1, Some(n)),
            Some(n + 1)
        );
        // After enabling with (n-1, n), the current code cannot be reused at sign-in.
        let last = verify_consecutive(RFC_SEED, &code(n - 1), &code(n), now, 1);
        assert_eq!(verify_code(RFC_SEED, &code(n), now, 1, last), None);
        assert_eq!(
            verify_code(RFC_SEED, &code(n + 1), now + 30, 1, last),
            Some(n + 1)
        );
    }

    #[test]
    fn rfc4648_base32_vectors() {
        let vectors = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(
                base32_decode(encoded).as_deref(),
                Some(plain.as_bytes()),
                "{encoded}"
            );
            assert_eq!(
                base32_decode(&encoded.to_lowercase()).as_deref(),
                Some(plain.as_bytes())
            );
        }
        // With the RFC's padding.
        let padded = [
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("foobar", "MZXW6YTBOI======"),
        ];
        for (plain, encoded) in padded {
            assert_eq!(base32_decode(encoded).as_deref(), Some(plain.as_bytes()));
        }
    }

    #[test]
    fn base32_rejects_bad_input() {
        for bad in [
            "M", "MZX", "MZXW6Y", "MY=", "MY===", "MZ=XQ===", "MY1", "MY8", "MY 6", "MY\n",
            "========", "MÉ", "=",
        ] {
            assert_eq!(base32_decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn generated_seeds_are_64_base32_characters() {
        let seed = generate_seed().expect("random");
        assert_eq!(seed.len(), 40);
        let text = base32_encode(seed.expose());
        assert_eq!(text.len(), 64);
        assert!(text.bytes().all(|b| BASE32_ALPHABET.contains(&b)));
        assert_eq!(base32_decode(&text).as_deref(), Some(seed.expose()));
    }

    #[test]
    fn otpauth_uri_form() {
        assert_eq!(
            otpauth_uri("my-device", "123456789012", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/my-device@123456789012?secret=JBSWY3DPEHPK3PXP"
        );
        assert_eq!(
            otpauth_uri("a b@c+d=e,f.g_h", "123456789012", "AB"),
            "otpauth://totp/a%20b%40c%2Bd%3De%2Cf.g_h@123456789012?secret=AB"
        );
    }

    proptest! {
        #[test]
        fn base32_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let encoded = base32_encode(&bytes);
            prop_assert_eq!(encoded.len(), (bytes.len() * 8).div_ceil(5));
            prop_assert_eq!(base32_decode(&encoded), Some(bytes.clone()));
            prop_assert_eq!(base32_decode(&encoded.to_lowercase()), Some(bytes.clone()));
            let mut padded = encoded.clone();
            while padded.len() % 8 != 0 {
                padded.push('=');
            }
            prop_assert_eq!(base32_decode(&padded), Some(bytes));
        }

        #[test]
        fn base32_decode_never_panics(s in "\\PC{0,40}") {
            let _ = base32_decode(&s);
        }

        #[test]
        fn codes_are_below_a_million(seed in proptest::collection::vec(any::<u8>(), 0..80), counter in any::<u64>()) {
            prop_assert!(code_at(&seed, counter) < 1_000_000);
        }
    }
}
