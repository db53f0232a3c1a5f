//! The checks: one module each, every one a pure function of a row and its context.
//!
//! A check looks at one [`Subject`] (a row, the as-of time, the thresholds for the row's
//! kind of user) and records an outcome per credential it evaluated in an `Out`: a pass,
//! a failure, or "not evaluated" when the report lacks what it needs. It never reads the
//! clock, the environment or a file. [`ALL`] lists them in the order they run.
//!
//! The same check function also writes the words of a finding (message, fix, notes,
//! evidence), but only when a renderer asks for them: the auditor runs every check once
//! per row for the verdicts alone, and a renderer runs one check again on the finding's
//! row for its text (`Out` explains the two modes).

use std::fmt::{self, Write as _};

use credreport_report::{Cell, CertField, Column, Edition, KeyField, Row, Slot, Timestamp};

use crate::check::{CheckId, CheckInfo, Cis, Run, Scope, Severity};
use crate::config::{date, Thresholds};
use crate::finding::{Credential, FindingText, UserKind};

mod access_key_rotation;
mod access_key_unused;
mod console_no_mfa;
mod key_created_at_setup;
pub(crate) mod password_2018_gap;
mod password_not_changed;
mod password_unused;
mod permissions_unused;
pub(crate) mod principal;
mod role_unused;
mod root_access_key;
mod root_mfa;
mod root_recent_use;
mod root_signing_cert;
mod service_user_console_password;
mod signing_cert_old;
mod two_active_keys;
mod user_inactive;

pub(crate) type CheckFn = fn(&Subject<'_>, &mut Out<'_>);

pub(crate) use principal::{PrincipalFacts, PrincipalFn, PrincipalSubject};

const DAY: i64 = 86_400;

/// IAM began recording password use on 2014-10-20: `no_information` also means "not
/// used since then" (seed 000).
pub(crate) fn password_tracking_start() -> Timestamp {
    utc(2014, 10, 20, 0, 0)
}

/// IAM began recording access-key use on 2015-04-22: `N/A` also means "not used since
/// then" (seed 000).
pub(crate) fn key_tracking_start() -> Timestamp {
    utc(2015, 4, 22, 0, 0)
}

/// A fixed UTC instant (the arguments are constants known to be valid).
pub(crate) fn utc(year: i32, month: u32, day: u32, hour: u32, min: u32) -> Timestamp {
    Timestamp::from_civil(year, month, day, hour, min, 0).unwrap_or(Timestamp::MIN)
}

const fn cis(v1_4: &'static str, v5: &'static str, v6: &'static str) -> Option<Cis> {
    Some(Cis { v1_4, v5, v6 })
}

// The CIS numbers follow audit-peers.md section 3.3 (Prowler's and Steampipe's mappings
// cross-checked); the Security Hub ids follow section 3.2.
/// Every check, in [`CheckId::ALL`] order.
pub static ALL: [CheckInfo; CheckId::ALL.len()] = [
    CheckInfo {
        id: CheckId::RootAccessKey,
        title: "Root user has an access key",
        severity: Severity::Critical,
        scope: Scope::Root,
        cis: cis("1.4", "1.3", "2.3"),
        fsbp: &["IAM.4"],
        description: "Fails for each access-key slot of the root row that holds a key, active or \
            inactive (an inactive key keeps its last_rotated time; only an empty slot shows N/A). \
            Both slots are evaluated.",
        run: Run::Row(root_access_key::run),
    },
    CheckInfo {
        id: CheckId::RootMfa,
        title: "Root user has no MFA device",
        severity: Severity::Critical,
        scope: Scope::Root,
        cis: cis("1.5", "1.4", "2.4"),
        fsbp: &["IAM.9"],
        description: "Fails when the root row's mfa_active is false. The root row's \
            password_enabled is not_supported in every real report, which means the root \
            password exists; it is not a reason to skip the root user. Passes without MFA only \
            when password_enabled is false (root credentials removed by AWS Organizations) and \
            no access key is active.",
        run: Run::Row(root_mfa::run),
    },
    CheckInfo {
        id: CheckId::RootRecentUse,
        title: "Root user was used recently",
        severity: Severity::High,
        scope: Scope::Root,
        cis: cis("1.7", "1.6", "2.6"),
        fsbp: &["IAM.20"],
        description: "Takes the most recent of password_last_used and both keys' \
            last_used_date, and fails when it is less than root_recent_use_days before the \
            as-of time. Not evaluated on a legacy report when root holds a key (key use is not \
            in it), or when the May 2018 gap could hide a recent sign-in.",
        run: Run::Row(root_recent_use::run),
    },
    CheckInfo {
        id: CheckId::RootSigningCert,
        title: "Root user has an active signing certificate",
        severity: Severity::High,
        scope: Scope::Root,
        cis: None,
        fsbp: &[],
        description: "Fails for each certificate slot of the root row whose cert_N_active is true.",
        run: Run::Row(root_signing_cert::run),
    },
    CheckInfo {
        id: CheckId::ConsoleNoMfa,
        title: "Console user has no MFA device",
        severity: Severity::High,
        scope: Scope::User,
        cis: cis("1.10", "1.9", "2.9"),
        fsbp: &["IAM.5"],
        description: "Fails for an IAM user whose password_enabled is true and mfa_active is \
            false. The root row is never included (see root-mfa).",
        run: Run::Row(console_no_mfa::run),
    },
    CheckInfo {
        id: CheckId::PasswordUnused,
        title: "Console password unused",
        severity: Severity::Medium,
        scope: Scope::User,
        cis: cis("1.12", "1.11", "2.11"),
        fsbp: &["IAM.8", "IAM.22"],
        description: "For a user with password_enabled true: fails when password_last_used is \
            unused_days or more before the as-of time. A password never used (no_information) \
            is aged from password_last_changed (else user_creation_time) and fails at \
            max(unused_days, never_used_grace_days). A disabled password is not evaluated, \
            whatever password_last_used says.",
        run: Run::Row(password_unused::run),
    },
    CheckInfo {
        id: CheckId::AccessKeyUnused,
        title: "Access key unused",
        severity: Severity::Medium,
        scope: Scope::User,
        cis: cis("1.12", "1.11", "2.11"),
        fsbp: &["IAM.8", "IAM.22"],
        description: "For each active key, both slots independently: fails when \
            last_used_date is unused_days or more before the as-of time. A key never used (N/A) \
            is aged from its last_rotated time and fails at max(unused_days, \
            never_used_grace_days). Not evaluated on a legacy report (no last-used columns).",
        run: Run::Row(access_key_unused::run),
    },
    CheckInfo {
        id: CheckId::AccessKeyRotation,
        title: "Active access key not rotated",
        severity: Severity::Medium,
        scope: Scope::User,
        cis: cis("1.14", "1.13", "2.13"),
        fsbp: &["IAM.3"],
        description: "For each active key, both slots independently: fails when last_rotated is \
            key_rotation_days or more before the as-of time. Inactive keys are not evaluated.",
        run: Run::Row(access_key_rotation::run),
    },
    CheckInfo {
        id: CheckId::TwoActiveKeys,
        title: "User has two active access keys",
        severity: Severity::Medium,
        scope: Scope::User,
        cis: cis("1.13", "1.12", "2.12"),
        fsbp: &[],
        description: "Fails when access_key_1_active and access_key_2_active are both true.",
        run: Run::Row(two_active_keys::run),
    },
    CheckInfo {
        id: CheckId::KeyCreatedAtSetup,
        title: "Access key created at user setup and never used",
        severity: Severity::Medium,
        scope: Scope::User,
        cis: cis("1.11", "1.10", "2.10"),
        fsbp: &[],
        description: "For a console user (password_enabled true), each active key, both slots: \
            fails when its last_rotated is within setup_tolerance_seconds of \
            user_creation_time (AWS writes the same second or one second later), it has never \
            been used (N/A), and it is at least never_used_grace_days old. Not evaluated on a \
            legacy report.",
        run: Run::Row(key_created_at_setup::run),
    },
    CheckInfo {
        id: CheckId::UserInactive,
        title: "User has no recent activity",
        severity: Severity::Low,
        scope: Scope::User,
        cis: None,
        fsbp: &[],
        description: "Takes the most recent of password_last_used and both keys' last_used_date \
            (whether or not the credential is still enabled) and fails when it is \
            inactive_user_days or more before the as-of time; a user with no recorded use at \
            all is aged from user_creation_time. Such users are candidates for deletion. Not \
            evaluated when the May 2018 gap or a legacy report leaves the answer open.",
        run: Run::Row(user_inactive::run),
    },
    CheckInfo {
        id: CheckId::ServiceUserConsolePassword,
        title: "Service-like user has a console password",
        severity: Severity::Medium,
        scope: Scope::User,
        cis: None,
        fsbp: &[],
        description: "Fails for a user whose console password has never been used \
            (no_information) while one of its active keys has been used, once the password is \
            never_used_grace_days old: a workload identity that should not be able to sign in.",
        run: Run::Row(service_user_console_password::run),
    },
    CheckInfo {
        id: CheckId::PasswordNotChanged,
        title: "Console password not changed",
        severity: Severity::Low,
        scope: Scope::User,
        cis: None,
        fsbp: &[],
        description: "For a user with password_enabled true: fails when password_last_changed \
            is password_max_age_days or more before the as-of time.",
        run: Run::Row(password_not_changed::run),
    },
    CheckInfo {
        id: CheckId::SigningCertOld,
        title: "Active signing certificate is old",
        severity: Severity::Low,
        scope: Scope::User,
        cis: None,
        fsbp: &[],
        description: "For each active X.509 signing certificate, both slots: fails when \
            cert_N_last_rotated is cert_max_age_days or more before the as-of time.",
        run: Run::Row(signing_cert_old::run),
    },
    CheckInfo {
        id: CheckId::Password2018Gap,
        title: "password_last_used may be stale (AWS's May 2018 gap)",
        severity: Severity::Info,
        scope: Scope::Any,
        cis: None,
        fsbp: &[],
        description: "AWS did not record password use from 2018-05-04T05:50:00Z to \
            2018-05-23T21:08:00Z (May 3 22:50 to May 23 14:08 PDT); users who signed in then \
            show their last sign-in before the gap. Warns for every password_last_used inside \
            that window or up to may_2018_gap_margin_days before it, so nobody deletes a user \
            on that value alone.",
        run: Run::Row(password_2018_gap::run),
    },
    CheckInfo {
        id: CheckId::RoleUnused,
        title: "Role unused",
        severity: Severity::Medium,
        scope: Scope::Principal,
        cis: None,
        fsbp: &[],
        description: "For each role of the authorization details (service-linked roles \
            aside: their service uses them): fails when its RoleLastUsed date is \
            role_unused_days or more before the as-of time. A role never used (no date: IAM \
            tracks the last 400 days) is aged from its creation and fails at \
            max(role_unused_days, never_used_grace_days). Access Analyzer's UnusedIAMRole \
            finding; neither CIS nor Security Hub's FSBP has a control for it.",
        run: Run::Principal(role_unused::run),
    },
    CheckInfo {
        id: CheckId::PermissionsUnused,
        title: "Permissions unused",
        severity: Severity::Low,
        scope: Scope::Principal,
        cis: None,
        fsbp: &[],
        description: "For each user and role with last-accessed data: fails when services \
            its policies allow (as IAM lists them) were last used permissions_unused_days or \
            more before the as-of time, or never (then only once the principal is that old, \
            or never_used_grace_days if older), and lists them. Access Analyzer's \
            UnusedPermission finding; neither CIS nor Security Hub's FSBP has a control for \
            it.",
        run: Run::Principal(permissions_unused::run),
    },
];

/// One row as a check sees it: the row, who it is, the thresholds for its kind of user,
/// and the instant the audit is "as of".
#[derive(Debug)]
pub struct Subject<'r> {
    /// The row.
    pub row: &'r Row,
    /// Root, human or machine.
    pub kind: UserKind,
    /// The thresholds for that kind.
    pub th: &'r Thresholds,
    /// The as-of time every age is measured to.
    pub as_of: Timestamp,
}

impl<'r> Subject<'r> {
    pub(crate) fn cell(&self, column: Column) -> Option<&'r Cell> {
        self.row.get(column)
    }

    pub(crate) fn ts(&self, column: Column) -> Option<Timestamp> {
        self.cell(column).and_then(Cell::as_timestamp)
    }

    pub(crate) fn flag(&self, column: Column) -> Option<bool> {
        self.cell(column).and_then(Cell::as_bool)
    }

    pub(crate) fn user(&self) -> &'r str {
        self.row.user()
    }

    pub(crate) fn legacy(&self) -> bool {
        self.row.edition() == Edition::Legacy
    }

    /// Seconds from `t` to the as-of time (negative if `t` is later).
    pub(crate) fn age(&self, t: Timestamp) -> i64 {
        self.as_of.secs_since(t)
    }

    /// Whether `t` is `days` days or more before the as-of time.
    pub(crate) fn older_than(&self, t: Timestamp, days: u32) -> bool {
        self.age(t) >= i64::from(days) * DAY
    }

    /// Whole days from `t` to the as-of time (negative if `t` is later).
    pub(crate) fn days(&self, t: Timestamp) -> i64 {
        self.age(t).div_euclid(DAY)
    }

    pub(crate) fn key_active(&self, slot: Slot) -> Option<bool> {
        self.flag(Column::access_key(slot, KeyField::Active))
    }

    pub(crate) fn key_rotated(&self, slot: Slot) -> Option<Timestamp> {
        self.ts(Column::access_key(slot, KeyField::LastRotated))
    }

    /// The key's last-used cell; `None` on a legacy report.
    pub(crate) fn key_last_used(&self, slot: Slot) -> Option<&'r Cell> {
        self.cell(Column::access_key(slot, KeyField::LastUsedDate))
    }

    /// Whether the slot holds a key, active or not (an inactive key keeps last_rotated).
    pub(crate) fn key_present(&self, slot: Slot) -> bool {
        self.key_active(slot) == Some(true) || self.key_rotated(slot).is_some()
    }

    /// `aws iam … --user-name <this>`, quoted for a POSIX shell when it needs to be.
    pub(crate) fn cli_user(&self) -> ShellWord<'r> {
        ShellWord(self.user())
    }

    /// "access key 1 (created 2016-06-07)" or "access key 1".
    pub(crate) fn key_label(&self, slot: Slot) -> KeyLabel {
        KeyLabel {
            slot,
            created: self.key_rotated(slot),
        }
    }

    /// A description of the key's last use: "last used 2016-11-24 (ec2, us-east-1)".
    pub(crate) fn key_use(&self, slot: Slot) -> KeyUse<'r> {
        match self.key_last_used(slot) {
            None => KeyUse::Legacy,
            Some(Cell::Timestamp(t)) => KeyUse::Used {
                at: *t,
                service: self
                    .cell(Column::access_key(slot, KeyField::LastUsedService))
                    .and_then(Cell::as_text),
                region: self
                    .cell(Column::access_key(slot, KeyField::LastUsedRegion))
                    .and_then(Cell::as_text),
            },
            Some(_) => KeyUse::Never,
        }
    }

    pub(crate) fn cert_active(&self, slot: Slot) -> Option<bool> {
        self.flag(Column::cert(slot, CertField::Active))
    }

    pub(crate) fn cert_rotated(&self, slot: Slot) -> Option<Timestamp> {
        self.ts(Column::cert(slot, CertField::LastRotated))
    }

    /// How the root user is named in remediation text.
    pub(crate) fn root_account(&self) -> RootAccount<'r> {
        RootAccount(self.row.account_id())
    }
}

/// What a check concluded about one credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Evaluated, nothing wrong.
    Pass,
    /// Evaluated, something wrong.
    Fail,
    /// Could not be evaluated from this report.
    NotEvaluated,
}

/// One outcome of a check: a verdict about a credential, and the age it measured. The
/// words for it are not made here: see [`Out`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// About which credential.
    pub credential: Credential,
    /// The age in days it measured, if any.
    pub age_days: Option<i64>,
}

/// Where a check records its outcomes.
///
/// A check is run in one of two modes, with the same code, so that the words can never
/// disagree with the verdict:
///
/// - **verdicts** (the auditor, once per row): outcomes are recorded, and the message, fix,
///   notes and evidence the check passes along (as `format_args!`, which formats nothing
///   by itself) are dropped unformatted;
/// - **text** (a renderer, once per finding it writes): nothing is recorded, and the words
///   of the one outcome about the wanted credential are written into a [`FindingText`].
#[derive(Debug, Default)]
pub(crate) struct Out<'t> {
    /// In the order recorded (verdict mode only).
    pub outcomes: Vec<Outcome>,
    text: Option<Capture<'t>>,
}

#[derive(Debug)]
struct Capture<'t> {
    want: Credential,
    into: &'t mut FindingText,
}

impl<'t> Out<'t> {
    /// Text mode: the words about `want` go to `into`.
    pub(crate) fn text(want: Credential, into: &'t mut FindingText) -> Out<'t> {
        Out {
            outcomes: Vec::new(),
            text: Some(Capture { want, into }),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.outcomes.clear();
    }

    fn record(
        &mut self,
        verdict: Verdict,
        credential: Credential,
        message: fmt::Arguments<'_>,
    ) -> Record<'_> {
        match &mut self.text {
            None => {
                self.outcomes.push(Outcome {
                    verdict,
                    credential,
                    age_days: None,
                });
                Record {
                    outcome: self.outcomes.last_mut(),
                    text: None,
                }
            }
            Some(c) if c.want == credential && verdict != Verdict::Pass => {
                let _ = c.into.message.write_fmt(message);
                Record {
                    outcome: None,
                    text: Some(&mut *c.into),
                }
            }
            Some(_) => Record {
                outcome: None,
                text: None,
            },
        }
    }

    pub(crate) fn pass(&mut self, credential: Credential) {
        self.record(Verdict::Pass, credential, format_args!(""));
    }

    pub(crate) fn fail(
        &mut self,
        credential: Credential,
        message: fmt::Arguments<'_>,
    ) -> Record<'_> {
        self.record(Verdict::Fail, credential, message)
    }

    pub(crate) fn not_evaluated(
        &mut self,
        credential: Credential,
        reason: fmt::Arguments<'_>,
    ) -> Record<'_> {
        self.record(Verdict::NotEvaluated, credential, reason)
    }
}

/// The rest of one outcome: its age, and (in text mode) its fix, notes and evidence.
#[derive(Debug)]
pub(crate) struct Record<'o> {
    outcome: Option<&'o mut Outcome>,
    text: Option<&'o mut FindingText>,
}

impl Record<'_> {
    pub(crate) fn age(mut self, days: i64) -> Self {
        if let Some(o) = &mut self.outcome {
            o.age_days = Some(days);
        }
        self
    }

    pub(crate) fn fix(mut self, remediation: fmt::Arguments<'_>) -> Self {
        if let Some(t) = &mut self.text {
            let _ = t.remediation.write_fmt(remediation);
        }
        self
    }

    pub(crate) fn note(mut self, note: fmt::Arguments<'_>) -> Self {
        if let Some(t) = &mut self.text {
            t.notes.push(note.to_string());
        }
        self
    }

    /// Adds each column (those the row's edition has) as evidence.
    pub(crate) fn show(mut self, s: &Subject<'_>, columns: &[Column]) -> Self {
        if let Some(t) = &mut self.text {
            t.evidence
                .extend(columns.iter().copied().filter(|&c| s.cell(c).is_some()));
        }
        self
    }
}

/// A word for a POSIX shell: as is when it only has characters IAM allows in names
/// (letters, digits, `+=,.@_-`), else in single quotes. Report text is untrusted: a
/// remediation command must never run something hidden in a user name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShellWord<'a>(pub &'a str);

impl fmt::Display for ShellWord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let plain = !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
        if plain {
            return f.write_str(s);
        }
        f.write_str("'")?;
        for (i, part) in s.split('\'').enumerate() {
            if i > 0 {
                f.write_str(r"'\''")?;
            }
            f.write_str(part)?;
        }
        f.write_str("'")
    }
}

/// "less than a day", "1 day", "12 days".
pub(crate) fn days_text(days: i64) -> DaysText {
    DaysText(days)
}

/// See [`days_text`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct DaysText(i64);

impl fmt::Display for DaysText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("less than a day"),
            1 => f.write_str("1 day"),
            n => write!(f, "{n} days"),
        }
    }
}

/// "access key 1 (created 2016-06-07)" or "access key 1".
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyLabel {
    slot: Slot,
    created: Option<Timestamp>,
}

impl fmt::Display for KeyLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.slot.number();
        match self.created {
            Some(t) => write!(f, "access key {n} (created {})", date(t)),
            None => write!(f, "access key {n}"),
        }
    }
}

/// A key's last use: "last used 2016-11-24 (ec2, us-east-1)", "never used", or "last use
/// not in a legacy report".
#[derive(Clone, Copy, Debug)]
pub(crate) enum KeyUse<'r> {
    Legacy,
    Used {
        at: Timestamp,
        service: Option<&'r str>,
        region: Option<&'r str>,
    },
    Never,
}

impl fmt::Display for KeyUse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            KeyUse::Legacy => f.write_str("last use not in a legacy report"),
            KeyUse::Never => f.write_str("never used"),
            KeyUse::Used {
                at,
                service,
                region,
            } => match (service, region) {
                (Some(s), Some(r)) => write!(f, "last used {} ({s}, {r})", date(at)),
                (Some(s), None) => write!(f, "last used {} ({s})", date(at)),
                _ => write!(f, "last used {}", date(at)),
            },
        }
    }
}

/// "the root user of account 123456789012", or "the root user".
#[derive(Clone, Copy, Debug)]
pub(crate) struct RootAccount<'r>(Option<&'r str>);

impl fmt::Display for RootAccount<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "the root user of account {id}"),
            None => f.write_str("the root user"),
        }
    }
}

/// Text written by a closure when displayed: words shared by several outcomes of a check
/// (a fix), made only if a renderer asks for them.
pub(crate) struct Lazy<F>(pub F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Lazy<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// An instant as `2016-11-25T14:19:48Z`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Zulu(pub Timestamp);

impl fmt::Display for Zulu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0.to_zulu_bytes();
        f.write_str(std::str::from_utf8(&bytes).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_id_order() {
        for (i, info) in ALL.iter().enumerate() {
            assert_eq!(info.id, CheckId::ALL[i], "{}", info.id);
            assert_eq!(info.id.index(), i);
        }
    }

    #[test]
    fn tracking_start_dates() {
        assert_eq!(password_tracking_start().to_zulu(), "2014-10-20T00:00:00Z");
        assert_eq!(key_tracking_start().to_zulu(), "2015-04-22T00:00:00Z");
    }

    #[test]
    fn shell_words() {
        let shell_word = |s: &str| ShellWord(s).to_string();
        assert_eq!(shell_word("Hazmat"), "Hazmat");
        assert_eq!(shell_word("a.b+c=d,e@f_g-h"), "a.b+c=d,e@f_g-h");
        assert_eq!(shell_word("x;rm -rf ~"), "'x;rm -rf ~'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("''"), r"''\'''\'''");
        assert_eq!(shell_word(""), "''");
    }
}
