//! Durations as people write and read them: `30m`, `4h`, `1h30m` in, `2 h 5 min ago` out.

use std::time::Duration;

/// `3 min ago`, `2 h 5 min ago`; a time in the future says so.
pub fn age_phrase(age_secs: i64) -> String {
    if age_secs < 0 {
        format!(
            "{} in the future: check the clock",
            human(age_secs.unsigned_abs())
        )
    } else {
        format!("{} ago", human(age_secs.unsigned_abs()))
    }
}

/// `42 s`, `3 min`, `2 h 5 min`, `4 h`, `3 d 2 h`.
pub fn human(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86400 => {
            let (h, m) = (secs / 3600, secs % 3600 / 60);
            if m == 0 {
                format!("{h} h")
            } else {
                format!("{h} h {m} min")
            }
        }
        _ => {
            let (d, h) = (secs / 86400, secs % 86400 / 3600);
            if h == 0 {
                format!("{d} d")
            } else {
                format!("{d} d {h} h")
            }
        }
    }
}

/// `30m`, `4h`, `1d`, `90s`, `1h30m`: whole numbers with a unit each (s, m, h, d).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?}: expected a duration such as 30m, 4h, 1d or 1h30m");
    if text.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        let unit = rest[digits..]
            .chars()
            .next()
            .ok_or_else(|| format!("{text:?}: give a unit: s, m, h or d (for example {n}m)"))?;
        let secs = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(secs)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(|| format!("{text:?}: too long"))?;
        rest = &rest[digits + unit.len_utf8()..];
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let d = |s: &str| parse_duration(s).map(|d| d.as_secs());
        assert_eq!(d("30m"), Ok(1800));
        assert_eq!(d("4h"), Ok(14400));
        assert_eq!(d("1d"), Ok(86400));
        assert_eq!(d("90s"), Ok(90));
        assert_eq!(d("0s"), Ok(0));
        assert_eq!(d("1h30m"), Ok(5400));
        for bad in [
            "",
            "30",
            "m",
            "4x",
            "-1h",
            "1.5h",
            "4 h",
            "h4",
            "99999999999999999999d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse_duration("30").unwrap_err().contains("give a unit"));
        assert!(parse_duration("18446744073709551615d")
            .unwrap_err()
            .contains("too long"));
    }

    #[test]
    fn ages() {
        assert_eq!(age_phrase(0), "0 s ago");
        assert_eq!(age_phrase(59), "59 s ago");
        assert_eq!(age_phrase(180), "3 min ago");
        assert_eq!(age_phrase(3600), "1 h ago");
        assert_eq!(age_phrase(7500), "2 h 5 min ago");
        assert_eq!(age_phrase(86400 * 3 + 7200), "3 d 2 h ago");
        assert_eq!(age_phrase(86400), "1 d ago");
        assert_eq!(age_phrase(-5), "5 s in the future: check the clock");
    }
}
