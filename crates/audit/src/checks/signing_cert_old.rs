//! `signing-cert-old`: an active X.509 signing certificate older than
//! `cert_max_age_days`. Each slot on its own.

use credreport_report::{CertField, Column, Slot};

use super::{days_text, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    for slot in Slot::BOTH {
        let credential = Credential::Cert(slot);
        let n = slot.number();
        let columns = [
            Column::cert(slot, CertField::Active),
            Column::cert(slot, CertField::LastRotated),
        ];
        match s.cert_active(slot) {
            Some(false) => continue,
            Some(true) => {}
            None => {
                out.not_evaluated(
                    credential,
                    format_args!("cert_{n}_active is not true or false"),
                )
                .show(s, &columns);
                continue;
            }
        }
        let Some(uploaded) = s.cert_rotated(slot) else {
            out.not_evaluated(
                credential,
                format_args!("certificate {n} is active but cert_{n}_last_rotated is not a time"),
            )
            .show(s, &columns);
            continue;
        };
        let days = s.th.cert_max_age_days;
        if !s.older_than(uploaded, days) {
            out.pass(credential);
            continue;
        }
        let user = s.cli_user();
        let ago = s.days(uploaded);
        out.fail(
            credential,
            format_args!(
                "{}'s active signing certificate {n} was uploaded {} ({} ago)",
                s.user(),
                date(uploaded),
                days_text(ago)
            ),
        )
        .age(ago)
        .fix(format_args!(
            "If it is still needed, upload a new certificate and switch to it; then delete the \
             old one (uploaded {}): `aws iam list-signing-certificates --user-name {user}` shows \
             its id, `aws iam delete-signing-certificate --user-name {user} --certificate-id <id>`.",
            date(uploaded)
        ))
        .show(s, &columns);
    }
}
