//! Dates and times as the `Date` condition operators read them: the W3C profile of ISO 8601
//! (`2020-04-01`, `2020-04-01T00:00:00Z`, `2016-12-13T21:20:37.593194+00:00`, …) or epoch
//! seconds (`1585699200`), with IAM's bounds: a year from -292275054 to 292278993 (the
//! range of a Java `Date`), epoch seconds from 0 to 2^63 - 1.
//!
//! A [`Time`] is milliseconds since 1970-01-01T00:00:00Z (finer fractions are cut off, as
//! a Java `Date` cuts them). The crate never reads a clock: the caller puts the current
//! time in the request context.

use std::fmt;

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i128);

const MIN_YEAR: i64 = -292_275_054;
const MAX_YEAR: i64 = 292_278_993;

impl Time {
    /// From whole seconds since the epoch.
    pub fn from_unix_seconds(seconds: i64) -> Time {
        Time(i128::from(seconds) * 1000)
    }

    /// From milliseconds since the epoch.
    pub fn from_unix_millis(millis: i64) -> Time {
        Time(i128::from(millis))
    }

    /// Whole seconds since the epoch (rounded down).
    pub fn unix_seconds(self) -> i128 {
        self.0.div_euclid(1000)
    }

    /// Milliseconds since the epoch.
    pub fn unix_millis(self) -> i128 {
        self.0
    }

    /// Parses a date condition value or context value: epoch seconds (digits only) or a
    /// W3C ISO 8601 date or date-time (`T` or `t`; a zone `Z`, `z`, `±hh` or `±hh:mm`,
    /// UTC when absent; a fraction of 1 to 9 digits).
    pub fn parse(text: &str) -> Option<Time> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let seconds: i64 = text.parse().ok()?;
            return Some(Time::from_unix_seconds(seconds));
        }
        parse_iso(text)
    }
}

impl fmt::Display for Time {
    /// `YYYY-MM-DDThh:mm:ssZ`, with `.mmm` when the milliseconds are not zero (the form of
    /// `aws:CurrentTime`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400_000);
        let in_day = self.0.rem_euclid(86_400_000);
        let (y, m, d) = civil_from_days(days);
        let (secs, millis) = (in_day / 1000, in_day % 1000);
        let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
        if !(0..=9999).contains(&y) {
            // Outside the four-digit years: the rare, slower path.
            let sign = if y < 0 { "-" } else { "" };
            return write!(
                f,
                "{sign}{:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{}Z",
                y.abs(),
                Millis(millis)
            );
        }
        // `aws:CurrentTime` is written for every request: digits by hand, no formatting
        // machinery.
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut value: i128| {
            for i in (at..at + width).rev() {
                // A digit: 0 to 9.
                out[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, y);
        put(5, 2, m);
        put(8, 2, d);
        put(11, 2, hh);
        put(14, 2, mm);
        put(17, 2, ss);
        put(20, 3, millis);
        let end = if millis == 0 { 19 } else { 23 };
        f.write_str(std::str::from_utf8(&out[..end]).map_err(|_| fmt::Error)?)?;
        f.write_str("Z")
    }
}

/// `.mmm`, or nothing for whole seconds.
struct Millis(i128);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            Ok(())
        } else {
            write!(f, ".{:03}", self.0)
        }
    }
}

/// A run of ASCII digits as a number (at most 18 digits: no overflow).
fn number(digits: &str) -> Option<i64> {
    (!digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

fn in_range(value: i64, low: i64, high: i64) -> Option<i64> {
    (low..=high).contains(&value).then_some(value)
}

fn parse_iso(text: &str) -> Option<Time> {
    let (date, time) = match text.find(['T', 't']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (negative, date) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let mut fields = date.split('-');
    let year = number(fields.next()?)?;
    let year = in_range(if negative { -year } else { year }, MIN_YEAR, MAX_YEAR)?;
    let month = fields
        .next()
        .map_or(Some(1), |m| number(m).and_then(|m| in_range(m, 1, 12)))?;
    let day = fields
        .next()
        .map_or(Some(1), |d| number(d).and_then(|d| in_range(d, 1, 31)))?;
    if fields.next().is_some() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let (millis_in_day, offset_minutes) = match time {
        None | Some("") => (0, 0),
        Some(time) => parse_time(time)?,
    };
    let millis = i128::from(days) * 86_400_000 + i128::from(millis_in_day)
        - i128::from(offset_minutes) * 60_000;
    Some(Time(millis))
}

/// `hh[:mm[:ss[.fraction]]][zone]`: milliseconds into the day and the zone's offset in
/// minutes east of UTC.
fn parse_time(time: &str) -> Option<(i64, i64)> {
    let zone_at = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let offset = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = zone[1..].split_once(':').unwrap_or((&zone[1..], "00"));
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            sign * (in_range(number(h)?, 0, 23)? * 60 + in_range(number(m)?, 0, 59)?)
        }
    };
    let mut fields = clock.split(':');
    let hours = in_range(number(fields.next()?)?, 0, 23)?;
    let minutes = fields
        .next()
        .map_or(Some(0), |m| number(m).and_then(|m| in_range(m, 0, 59)))?;
    let (seconds, millis) = match fields.next() {
        None => (0, 0),
        Some(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
            let seconds = in_range(number(whole)?, 0, 59)?;
            let millis = if s.contains('.') {
                if fraction.is_empty() || fraction.len() > 9 {
                    return None;
                }
                number(fraction)?;
                // The first three digits, padded: ".5" is 500 ms.
                let mut ms = 0;
                for (i, b) in fraction.bytes().take(3).enumerate() {
                    ms += i64::from(b - b'0') * [100, 10, 1][i];
                }
                ms
            } else {
                0
            };
            (seconds, millis)
        }
    };
    if fields.next().is_some() {
        return None;
    }
    Some((
        ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis,
        offset,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01.
fn civil_from_days(z: i128) -> (i128, i128, i128) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected_millis: Option<i128>) {
        assert_eq!(
            Time::parse(text).map(Time::unix_millis),
            expected_millis,
            "{text}"
        );
    }

    #[test]
    fn w3c_profiles_and_epoch_seconds() {
        let cases: &[(&str, Option<i128>)] = &[
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2020-04-01T00:00:00Z", Some(1_585_699_200_000)),
            ("2020-06-30T23:59:59Z", Some(1_593_561_599_000)),
            ("2020-04-01", Some(1_585_699_200_000)),
            ("2020-04", Some(1_585_699_200_000)),
            // Digits alone are epoch seconds, even four of them.
            ("2020", Some(2_020_000)),
            ("2020-04-01T02:00+02:00", Some(1_585_699_200_000)),
            ("2020-04-01T00:00:00.5Z", Some(1_585_699_200_500)),
            ("2016-12-13T21:20:37.593194+00:00", Some(1_481_664_037_593)),
            ("2016-12-13t2:00:00.593194+23", Some(1_481_511_600_593)),
            ("2019-07-01T13:20:15Z", Some(1_561_987_215_000)),
            ("1585699200", Some(1_585_699_200_000)),
            ("0", Some(0)),
            ("01T", Some(-62_135_596_800_000)),
            // Refused (from moto's cases checked against IAM, and the grammar).
            ("sdfdsf", None),
            ("234-13", None),
            ("2016-12-13t2:00:00.593194+1", None),
            ("2016-12-13t2:00:00.1999999999+10:59", None),
            ("9223372036854775808", None),
            ("2020-04-01T24:00:00Z", None),
            ("2020-04-01T00:00:00.Z", None),
            ("", None),
            ("2020-04-01-02", None),
        ];
        for &(text, expected) in cases {
            check(text, expected);
        }
        // IAM's bounds of years: accepted, one beyond refused.
        assert!(Time::parse("-292275054").is_some());
        assert!(Time::parse("292278993-12-31").is_some());
        assert!(Time::parse("-292275055").is_none());
    }

    #[test]
    fn display_is_the_current_time_form() {
        let cases: &[(i64, &str)] = &[
            (0, "1970-01-01T00:00:00Z"),
            (1_585_699_200_000, "2020-04-01T00:00:00Z"),
            (1_585_699_200_123, "2020-04-01T00:00:00.123Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (253_402_300_800_000, "10000-01-01T00:00:00Z"),
            (-62_167_219_200_001, "-0001-12-31T23:59:59.999Z"),
        ];
        for &(millis, text) in cases {
            let t = Time::from_unix_millis(millis);
            assert_eq!(t.to_string(), text);
            assert_eq!(Time::parse(text), Some(t));
        }
        assert_eq!(Time::from_unix_seconds(1).unix_seconds(), 1);
    }
}
