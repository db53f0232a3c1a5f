//! `root-mfa`: the root user has no MFA device (CIS 1.5, Security Hub IAM.9).
//!
//! Prowler only evaluates root when `password_enabled == "true"`, but real reports always
//! write `not_supported` there for root, so a root user with a password and no keys (the
//! common case) gets no finding at all (audit-peers section 1.3). Here `not_supported`
//! means what it means on the root row: the root password exists. Only `false` (root
//! credentials removed through AWS Organizations, seed 001) with no active key or
//! certificate leaves nothing for MFA to protect.

use credreport_report::{Cell, Column, Slot};

use super::{Out, Subject};
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let columns = [
        Column::MfaActive,
        Column::PasswordEnabled,
        Column::AccessKey1Active,
        Column::AccessKey2Active,
    ];
    match s.flag(Column::MfaActive) {
        Some(true) => out.pass(Credential::User),
        None => {
            out.not_evaluated(
                Credential::User,
                format_args!("mfa_active is not true or false"),
            )
            .show(s, &columns);
        }
        Some(false) => {
            let password = !matches!(s.cell(Column::PasswordEnabled), Some(Cell::Bool(false)));
            let keys = Slot::BOTH.iter().any(|&k| s.key_active(k) == Some(true));
            let certs = Slot::BOTH.iter().any(|&c| s.cert_active(c) == Some(true));
            if !password && !keys && !certs {
                out.pass(Credential::User);
                return;
            }
            let how = match (password, keys) {
                (true, true) => "can sign in with its password and has an active access key",
                (true, false) => "can sign in with its password",
                (false, _) => "has an active access key or signing certificate",
            };
            let mut outcome = out.fail(
                Credential::User,
                format_args!("the root user has no MFA device and {how}"),
            );
            if matches!(s.cell(Column::PasswordEnabled), Some(Cell::NotSupported)) {
                outcome = outcome.note(format_args!(
                    "password_enabled is not_supported, as AWS writes it on every root row: the \
                     root password exists"
                ));
            }
            outcome
                .fix(format_args!(
                    "Sign in as {}, open Security credentials, and assign an MFA device (a \
                     hardware device meets CIS 1.6 as well).",
                    s.root_account()
                ))
                .show(s, &columns);
        }
    }
}
