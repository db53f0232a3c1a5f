//! The two date spellings SigV4 meets: ISO 8601 basic format (`X-Amz-Date`,
//! `20150830T123600Z`) and the HTTP `Date` header's RFC 1123 form
//! (`Mon, 23 Nov 2026 10:00:00 GMT`).

use credreport_report::Timestamp;

/// Parses exactly `YYYYMMDDTHHMMSSZ` (upper-case `T` and `Z`, a real calendar time).
pub(crate) fn parse_basic(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[4..6])?;
    let day = digits(&b[6..8])?;
    let hour = digits(&b[9..11])?;
    let min = digits(&b[11..13])?;
    let sec = digits(&b[13..15])?;
    Timestamp::from_civil(i32::try_from(year).ok()?, month, day, hour, min, sec)
}

/// Parses an RFC 1123 date as HTTP clients send it: `Mon, 23 Nov 2026 10:00:00 GMT` (a
/// one-digit day is accepted). The weekday must be a weekday name; it is not checked
/// against the date.
pub(crate) fn parse_http_date(s: &str) -> Option<Timestamp> {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = s.split(' ').filter(|p| !p.is_empty());
    let weekday = parts.next()?.strip_suffix(',')?;
    if !WEEKDAYS.contains(&weekday) {
        return None;
    }
    let day = parts.next()?;
    if !(1..=2).contains(&day.len()) {
        return None;
    }
    let day = digits(day.as_bytes())?;
    let month = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month)?;
    let year = parts.next()?;
    if year.len() != 4 {
        return None;
    }
    let year = digits(year.as_bytes())?;
    let time = parts.next()?.as_bytes();
    if time.len() != 8 || time[2] != b':' || time[5] != b':' {
        return None;
    }
    let (hour, min, sec) = (
        digits(&time[0..2])?,
        digits(&time[3..5])?,
        digits(&time[6..8])?,
    );
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    let month = u32::try_from(month + 1).ok()?;
    Timestamp::from_civil(i32::try_from(year).ok()?, month, day, hour, min, sec)
}

/// `t` in ISO 8601 basic format, `YYYYMMDDTHHMMSSZ`.
pub(crate) fn basic(t: Timestamp) -> String {
    let (y, mo, d, h, mi, s) = t.civil();
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// The value of ASCII decimal digits (none empty, none other).
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Timestamp {
        Timestamp::from_civil(y, mo, d, h, mi, s).expect("valid test time")
    }

    #[test]
    fn basic_format_round_trips() {
        let t = at(2015, 8, 30, 12, 36, 0);
        assert_eq!(parse_basic("20150830T123600Z"), Some(t));
        assert_eq!(basic(t), "20150830T123600Z");
        assert_eq!(basic(at(1, 1, 1, 0, 0, 0)), "00010101T000000Z");
        assert_eq!(
            parse_basic("99991231T235959Z"),
            Some(at(9999, 12, 31, 23, 59, 59))
        );
    }

    #[test]
    fn basic_format_is_strict() {
        for bad in [
            "",
            "20150830T123600",
            "20150830t123600Z",
            "20150830T123600z",
            "20150830 123600Z",
            "2015-08-30T12:36:00Z",
            "20150830T123600Z ",
            "20151330T123600Z",
            "20150230T123600Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "20150830T1236000Z",
        ] {
            assert_eq!(parse_basic(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn http_dates() {
        let t = at(2026, 11, 23, 10, 0, 0);
        assert_eq!(parse_http_date("Mon, 23 Nov 2026 10:00:00 GMT"), Some(t));
        assert_eq!(
            parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT"),
            Some(at(1994, 11, 6, 8, 49, 37))
        );
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(at(1994, 11, 6, 8, 49, 37))
        );
        for bad in [
            "",
            "Mon 23 Nov 2026 10:00:00 GMT",
            "Mon, 23 Nov 2026 10:00:00",
            "Mon, 23 Nov 2026 10:00:00 UTC",
            "Mon, 23 Nov 2026 10:00:00 GMT x",
            "Mon, 31 Nov 2026 10:00:00 GMT",
            "Mon, 23 nov 2026 10:00:00 GMT",
            "Xyz, 23 Nov 2026 10:00:00 GMT",
            "Mon, 23 Nov 26 10:00:00 GMT",
            "Mon, 123 Nov 2026 10:00:00 GMT",
            "Mon, 23 Nov 2026 10:00 GMT",
            "Mon, 23 Nov 2026 25:00:00 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "20261123T100000Z",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }
}
