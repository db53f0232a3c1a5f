//! UTC instants at second precision, as the credential report writes them.
//!
//! The report's one form is `YYYY-MM-DDTHH:MM:SS+00:00` (no fraction, `+00:00` rather
//! than `Z`). The reader also accepts `Z`, other offsets and fractional seconds, and says
//! so, because hand-edited and emulator-made reports use them. Parsing and formatting are
//! written by hand: they are on the reader's hot path, and the grammar is fixed.

use std::fmt;

/// An instant in UTC, whole seconds since the Unix epoch, within the years 0001 to 9999.
///
/// Invariant: the value is always inside that range, so it always formats as the report's
/// four-digit-year form.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// How a parsed timestamp differed from the report's canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampForm {
    /// Exactly `YYYY-MM-DDTHH:MM:SS+00:00`.
    Canonical,
    /// A valid RFC 3339 time in another spelling (`Z`, a non-zero offset, a fraction that
    /// was dropped). The instant is kept; its spelling is not.
    NonCanonical,
}

const MIN_UNIX: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_UNIX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
const SECS_PER_DAY: i64 = 86_400;

impl Timestamp {
    /// The earliest representable instant, 0001-01-01T00:00:00+00:00.
    pub const MIN: Timestamp = Timestamp(MIN_UNIX);
    /// The latest representable instant, 9999-12-31T23:59:59+00:00.
    pub const MAX: Timestamp = Timestamp(MAX_UNIX);

    /// The instant `secs` seconds after 1970-01-01T00:00:00Z, if it is within years 1-9999.
    pub fn from_unix(secs: i64) -> Option<Timestamp> {
        (MIN_UNIX..=MAX_UNIX)
            .contains(&secs)
            .then_some(Timestamp(secs))
    }

    /// Seconds since the Unix epoch.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// The instant at the given UTC calendar date and time, if it is a real one.
    pub fn from_civil(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        min: u32,
        sec: u32,
    ) -> Option<Timestamp> {
        let year = u32::try_from(year).ok()?;
        from_fields(year, month, day, hour, min, sec)
    }

    /// Year, month, day, hour, minute and second in UTC.
    pub fn civil(self) -> (i32, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(SECS_PER_DAY);
        let secs = self.0.rem_euclid(SECS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        // The range invariant keeps the year within i32.
        #[allow(clippy::cast_possible_truncation)]
        let y = y as i32;
        let secs = secs as u32;
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// This instant moved by `secs` seconds, if the result is still representable.
    pub fn checked_add_secs(self, secs: i64) -> Option<Timestamp> {
        self.0.checked_add(secs).and_then(Timestamp::from_unix)
    }

    /// The start of the minute this instant falls in (access-key use is kept per minute).
    pub fn truncate_to_minute(self) -> Timestamp {
        Timestamp(self.0 - self.0.rem_euclid(60))
    }

    /// Whole seconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn secs_since(self, earlier: Timestamp) -> i64 {
        self.0 - earlier.0
    }

    /// Parses a timestamp, telling whether it was spelled in the report's canonical form.
    ///
    /// Accepted: `YYYY-MM-DDTHH:MM:SS`, an optional `.fraction` (dropped), then `Z`, `z`,
    /// or an offset `±HH:MM`. Anything else is `None`.
    pub fn parse(s: &[u8]) -> Option<(Timestamp, TimestampForm)> {
        if let Ok(report_form) = <&[u8; 25]>::try_from(s) {
            if report_form[19..] == *b"+00:00" {
                return Timestamp::parse_report_form(report_form)
                    .map(|t| (t, TimestampForm::Canonical));
            }
        }
        Timestamp::parse_general(s)
    }

    /// [`Timestamp::parse`] of the report's own form, `YYYY-MM-DDTHH:MM:SS+00:00` (`t` is
    /// taken for `T`, as there): the reader's hot path, one pass over fixed positions.
    #[inline]
    pub(crate) fn parse_report_form(s: &[u8; 25]) -> Option<Timestamp> {
        // Bytes 0..24 as three little-endian words, checked against the template
        // `####-##-##T##:##:##+00:0` a word at a time: where the template has `#` the high
        // nibble must be 3 and the low one at most 9 (adding 6 must not carry into the high
        // nibble); elsewhere the byte must equal the template's, `T` taken in either case.
        let word = |i: usize| {
            u64::from_le_bytes([
                s[i],
                s[i + 1],
                s[i + 2],
                s[i + 3],
                s[i + 4],
                s[i + 5],
                s[i + 6],
                s[i + 7],
            ])
        };
        const TEMPLATE: &[u8; 24] = b"####-##-##t##:##:##+00:0";
        const fn template_word(i: usize) -> (u64, u64, u64) {
            // (digit mask, separator mask, bits forced on before comparing)
            let (mut digits, mut separators, mut forced) = (0u64, 0u64, 0u64);
            let mut k = 0;
            while k < 8 {
                let b = TEMPLATE[i + k];
                if b == b'#' {
                    digits |= 0xFF << (8 * k);
                } else {
                    separators |= (b as u64) << (8 * k);
                    if b == b't' {
                        forced |= 0x20 << (8 * k);
                    }
                }
                k += 1;
            }
            (digits, separators, forced)
        }
        const WORDS: [(u64, u64, u64); 3] = [template_word(0), template_word(8), template_word(16)];
        let mut bad = u64::from(s[24] != b'0');
        for (n, &(digits, separators, forced)) in WORDS.iter().enumerate() {
            let w = word(8 * n);
            let high = digits & 0xF0F0_F0F0_F0F0_F0F0;
            bad |= (w & high) ^ (0x3030_3030_3030_3030 & high);
            bad |= (w.wrapping_add(0x0606_0606_0606_0606 & digits) & high)
                ^ (0x3030_3030_3030_3030 & high);
            bad |= ((w | forced) & !digits) ^ separators;
        }
        if bad != 0 {
            return None;
        }
        let d = |i: usize| u32::from(s[i] & 0x0F);
        let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
        let (month, day) = (d(5) * 10 + d(6), d(8) * 10 + d(9));
        let (hour, min, sec) = (d(11) * 10 + d(12), d(14) * 10 + d(15), d(17) * 10 + d(18));
        from_fields(year, month, day, hour, min, sec)
    }

    /// [`Timestamp::parse`] for every spelling.
    fn parse_general(s: &[u8]) -> Option<(Timestamp, TimestampForm)> {
        if s.len() < 20 {
            return None;
        }
        let year = digits(&s[0..4])?;
        let month = digits(&s[5..7])?;
        let day = digits(&s[8..10])?;
        let hour = digits(&s[11..13])?;
        let min = digits(&s[14..16])?;
        let sec = digits(&s[17..19])?;
        if s[4] != b'-'
            || s[7] != b'-'
            || !matches!(s[10], b'T' | b't')
            || s[13] != b':'
            || s[16] != b':'
        {
            return None;
        }
        #[allow(clippy::cast_possible_wrap)]
        let base = Timestamp::from_civil(year as i32, month, day, hour, min, sec)?;
        let mut rest = &s[19..];
        let mut canonical = true;
        if rest.first() == Some(&b'.') {
            let n = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &rest[1 + n..];
            canonical = false;
        }
        let offset_secs = match rest {
            b"Z" | b"z" => {
                canonical = false;
                0
            }
            b"+00:00" => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let h = digits(&[*h1, *h2])?;
                let m = digits(&[*m1, *m2])?;
                if h > 23 || m > 59 {
                    return None;
                }
                canonical = false;
                let off = i64::from(h * 3600 + m * 60);
                if *sign == b'+' {
                    off
                } else {
                    -off
                }
            }
            _ => return None,
        };
        let ts = base.checked_add_secs(-offset_secs)?;
        let form = if canonical {
            TimestampForm::Canonical
        } else {
            TimestampForm::NonCanonical
        };
        Some((ts, form))
    }

    /// The report's form, `YYYY-MM-DDTHH:MM:SS+00:00`, as 25 ASCII bytes.
    pub fn to_report_bytes(self) -> [u8; 25] {
        let mut out = *b"0000-00-00T00:00:00+00:00";
        self.write_date_time(&mut out);
        out
    }

    /// The wire form of IAM's XML and of JSON output, `YYYY-MM-DDTHH:MM:SSZ`, as 20 ASCII bytes.
    pub fn to_zulu_bytes(self) -> [u8; 20] {
        let mut out = *b"0000-00-00T00:00:00Z";
        self.write_date_time(&mut out);
        out
    }

    /// The wire form `YYYY-MM-DDTHH:MM:SSZ` as a string.
    pub fn to_zulu(self) -> String {
        ascii_string(&self.to_zulu_bytes())
    }

    fn write_date_time(self, out: &mut [u8]) {
        let (y, mo, d, h, mi, s) = self.civil();
        #[allow(clippy::cast_sign_loss)]
        put(&mut out[0..4], y as u32);
        put(&mut out[5..7], mo);
        put(&mut out[8..10], d);
        put(&mut out[11..13], h);
        put(&mut out[14..16], mi);
        put(&mut out[17..19], s);
    }
}

impl fmt::Display for Timestamp {
    /// The report's form, `YYYY-MM-DDTHH:MM:SS+00:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&ascii_string(&self.to_report_bytes()))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn ascii_string(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn put(out: &mut [u8], mut v: u32) {
    for slot in out.iter_mut().rev() {
        // `v % 10` is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (v % 10) as u8;
        *slot = b'0' + digit;
        v /= 10;
    }
}

fn is_leap(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The instant at a UTC calendar date and time, if it is a real one in years 1-9999: the
/// one check behind [`Timestamp::from_civil`] and both parsers.
#[inline]
fn from_fields(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
) -> Option<Timestamp> {
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || (day > 28 && day > days_in_month(year, month))
        || hour > 23
        || min > 59
        || sec > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(Timestamp(
        days * SECS_PER_DAY + i64::from(hour * 3600 + min * 60 + sec),
    ))
}

#[inline]
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
// Years here are 1 to 9999, so days_from_civil works in unsigned arithmetic: no year before
// the era's start, and nothing near overflow (at most 25 eras of 146,097 days).
#[inline]
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y % 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i64::from(era * 146_097 + doe) - 719_468
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expect: Option<(&str, TimestampForm)>) {
        let got = Timestamp::parse(input.as_bytes()).map(|(t, f)| (t.to_string(), f));
        let expect = expect.map(|(s, f)| (s.to_string(), f));
        assert_eq!(got, expect, "input {input:?}");
    }

    #[test]
    fn parse_table() {
        use TimestampForm::*;
        // Seed 003's legacy sample and the real captures in the wire reference, section 5.
        check(
            "2014-10-15T16:31:25+00:00",
            Some(("2014-10-15T16:31:25+00:00", Canonical)),
        );
        check(
            "2007-10-13T16:49:50+00:00",
            Some(("2007-10-13T16:49:50+00:00", Canonical)),
        );
        // Emulators write Z, SDK examples carry milliseconds.
        check(
            "2015-06-17T19:11:50Z",
            Some(("2015-06-17T19:11:50+00:00", NonCanonical)),
        );
        check(
            "2013-06-08T03:20:41.270Z",
            Some(("2013-06-08T03:20:41+00:00", NonCanonical)),
        );
        check(
            "2016-08-30T20:24:44+02:00",
            Some(("2016-08-30T18:24:44+00:00", NonCanonical)),
        );
        check(
            "2016-08-30T16:24:44-02:00",
            Some(("2016-08-30T18:24:44+00:00", NonCanonical)),
        );
        check(
            "2024-02-29T00:00:00+00:00",
            Some(("2024-02-29T00:00:00+00:00", Canonical)),
        );
        for bad in [
            "",
            "2023-02-29T00:00:00+00:00",
            "2015-13-01T00:00:00+00:00",
            "2015-04-20 17:41:10+00:00",
            "2015-04-20T24:00:00+00:00",
            "2015-04-20T17:41:10",
            "2015-04-20T17:41:10+0000",
            "2015-04-20T17:41:10.Z",
            "2015-04-20T17:41:10+00:00 ",
            "N/A",
            "20150420T174110Z",
            "-015-04-20T17:41:10+00:00",
        ] {
            check(bad, None);
        }
    }

    #[test]
    fn report_form_fast_path_agrees_on_calendar_edges() {
        for year in [1, 4, 100, 400, 1900, 1970, 2000, 2023, 2024, 9999] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let s = format!("{year:04}-{month:02}-{day:02}T23:59:59+00:00");
                    let (fast, general) = (
                        Timestamp::parse(s.as_bytes()),
                        Timestamp::parse_general(s.as_bytes()),
                    );
                    assert_eq!(fast, general, "{s}");
                }
            }
        }
    }

    #[test]
    fn report_form_fast_path_agrees_on_every_one_byte_change() {
        for base in ["2024-02-29T23:59:59+00:00", "0001-01-01T00:00:00+00:00"] {
            for at in 0..base.len() {
                for byte in 0..=u8::MAX {
                    let mut s = base.as_bytes().to_vec();
                    s[at] = byte;
                    assert_eq!(
                        Timestamp::parse(&s),
                        Timestamp::parse_general(&s),
                        "{}",
                        s.escape_ascii()
                    );
                }
            }
        }
    }

    #[test]
    fn epoch_and_range_ends() {
        assert_eq!(
            Timestamp::from_unix(0).map(|t| t.to_string()).as_deref(),
            Some("1970-01-01T00:00:00+00:00")
        );
        assert_eq!(Timestamp::MIN.to_string(), "0001-01-01T00:00:00+00:00");
        assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59+00:00");
        assert_eq!(Timestamp::from_unix(MAX_UNIX + 1), None);
        assert_eq!(Timestamp::MAX.to_zulu(), "9999-12-31T23:59:59Z");
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(secs in MIN_UNIX..=MAX_UNIX) {
            let t = Timestamp::from_unix(secs).unwrap();
            let bytes = t.to_report_bytes();
            prop_assert_eq!(Timestamp::parse(&bytes), Some((t, TimestampForm::Canonical)));
            let (y, mo, d, h, mi, s) = t.civil();
            prop_assert_eq!(Timestamp::from_civil(y, mo, d, h, mi, s), Some(t));
        }

        #[test]
        fn report_form_fast_path_agrees(
            secs in MIN_UNIX..=MAX_UNIX,
            at in 0usize..25,
            byte in prop_oneof![any::<u8>(), b'0'..=b'9', Just(b't')],
        ) {
            let mut bytes = Timestamp::from_unix(secs).unwrap().to_report_bytes();
            prop_assert_eq!(Timestamp::parse(&bytes), Timestamp::parse_general(&bytes));
            bytes[at] = byte;
            prop_assert_eq!(Timestamp::parse(&bytes), Timestamp::parse_general(&bytes));
        }

        #[test]
        fn parse_never_panics(input in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = Timestamp::parse(&input);
        }
    }
}
