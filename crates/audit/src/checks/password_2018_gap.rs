//! `password-2018-gap`: a password_last_used value that AWS's May 2018 gap may have left
//! stale.
//!
//! Seed 000 (IAM user guide): "password last used data does not include password use from
//! May 3rd 2018 22:50 PDT to May 23rd 2018 14:08 PDT … If users signed in during the
//! affected time, the password last used date that is returned is the date the user last
//! signed in before May 3rd 2018." PDT is UTC-7, so the gap is
//! [2018-05-04T05:50:00Z, 2018-05-23T21:08:00Z). A value inside it should not exist but is
//! flagged if seen; a value up to `may_2018_gap_margin_days` before its start is what a
//! user who signed in during the gap shows. Values from the gap's end on are accurate.

use std::fmt;

use credreport_report::{Column, Timestamp};

use super::{days_text, utc, Lazy, Out, Subject, Zulu};
use crate::config::date;
use crate::finding::{Credential, UserKind};

/// The first instant AWS did not record: 2018-05-03 22:50 PDT.
pub fn gap_start() -> Timestamp {
    utc(2018, 5, 4, 5, 50)
}

/// The first instant AWS recorded again: 2018-05-23 14:08 PDT.
pub fn gap_end() -> Timestamp {
    utc(2018, 5, 23, 21, 8)
}

/// Where a password_last_used value sits relative to the gap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GapPosition {
    /// Inside the gap (AWS should not have written it).
    Inside,
    /// This many whole days before the gap's start, within the margin.
    Before(i64),
}

/// Whether `t` is in the gap or within `margin_days` before it.
pub(crate) fn position(t: Timestamp, margin_days: u32) -> Option<GapPosition> {
    let (start, end) = (gap_start(), gap_end());
    if t >= start && t < end {
        return Some(GapPosition::Inside);
    }
    let before = start.secs_since(t);
    (before > 0 && before <= i64::from(margin_days) * 86_400)
        .then_some(GapPosition::Before(before / 86_400))
}

/// The caveat other checks attach when they rely on such a value (`t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Caveat(pub Timestamp);

impl fmt::Display for Caveat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "password_last_used {} may be stale: AWS did not record sign-ins from {} to {} (May 2018 gap), \
             so the real last sign-in may be as late as {}",
            Zulu(self.0),
            Zulu(gap_start()),
            Zulu(gap_end()),
            date(gap_end())
        )
    }
}

/// Whether a password_last_used value shows disuse, allowing for the gap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Disuse {
    /// Used within the period.
    Recent,
    /// Not used within the period, even if it was used during the gap (then with the
    /// caveat to attach).
    Stale(Option<Caveat>),
    /// Not used within the period as written, but a use during the gap would be within
    /// it: the caveat says why it cannot be decided.
    Open(Caveat),
}

/// Judges "not used for `days` days" on a password_last_used value `t`. A value in or
/// just before the gap may understate the real last use by up to the gap's end, so the
/// answer is only certain when even the gap's end is `days` or more before the as-of time.
pub(crate) fn password_disuse(s: &Subject<'_>, t: Timestamp, days: u32) -> Disuse {
    if !s.older_than(t, days) {
        return Disuse::Recent;
    }
    if position(t, s.th.may_2018_gap_margin_days).is_none() {
        return Disuse::Stale(None);
    }
    if s.older_than(gap_end(), days) {
        Disuse::Stale(Some(Caveat(t)))
    } else {
        Disuse::Open(Caveat(t))
    }
}

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let Some(t) = s.ts(Column::PasswordLastUsed) else {
        return;
    };
    let Some(position) = position(t, s.th.may_2018_gap_margin_days) else {
        out.pass(Credential::Password);
        return;
    };
    let root = s.kind == UserKind::Root;
    let where_ = Lazy(|f: &mut fmt::Formatter<'_>| match position {
        GapPosition::Inside => f.write_str("inside"),
        GapPosition::Before(0) => f.write_str("less than a day before"),
        GapPosition::Before(d) => write!(f, "{} before", days_text(d)),
    });
    let who = Lazy(|f: &mut fmt::Formatter<'_>| {
        if root {
            f.write_str("the root user's")
        } else {
            write!(f, "{}'s", s.user())
        }
    });
    let user = Lazy(|f: &mut fmt::Formatter<'_>| {
        if root {
            f.write_str("the root user")
        } else {
            write!(f, "{}", s.cli_user())
        }
    });
    out.fail(
        Credential::Password,
        format_args!(
            "{who} password_last_used {} is {where_} AWS's May 2018 gap ({} to {}): sign-ins \
             during the gap were not recorded, so the real last sign-in may be as late as {}; \
             do not delete or disable this user on this value alone",
            Zulu(t),
            Zulu(gap_start()),
            Zulu(gap_end()),
            date(gap_end()),
        ),
    )
    .fix(format_args!(
        "Look for ConsoleLogin events of {user} in CloudTrail between {} and {}, or rely on \
         access-key last-used data, which AWS recorded accurately for all dates.",
        date(gap_start()),
        date(gap_end())
    ))
    .show(s, &[Column::PasswordLastUsed]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_bounds_in_utc() {
        assert_eq!(gap_start().to_zulu(), "2018-05-04T05:50:00Z");
        assert_eq!(gap_end().to_zulu(), "2018-05-23T21:08:00Z");
        let at = |s: &str| Timestamp::parse(s.as_bytes()).map(|(t, _)| t).expect(s);
        let cases = [
            ("2018-05-04T05:50:00+00:00", Some(GapPosition::Inside)),
            ("2018-05-23T21:07:59+00:00", Some(GapPosition::Inside)),
            ("2018-05-23T21:08:00+00:00", None),
            ("2018-05-04T05:49:59+00:00", Some(GapPosition::Before(0))),
            ("2018-05-01T00:00:00+00:00", Some(GapPosition::Before(3))),
            ("2018-04-04T05:50:00+00:00", Some(GapPosition::Before(30))),
            ("2018-04-04T05:49:59+00:00", None),
        ];
        for (t, want) in cases {
            assert_eq!(position(at(t), 30), want, "{t}");
        }
    }
}
