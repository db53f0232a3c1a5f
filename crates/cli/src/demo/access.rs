//! What a fetch-mode audit of the demo's account reads besides its report, read from the
//! domain instead of the API: the welcome is written before the endpoint serves. The
//! account's authorization details are `Iam::authorization_details` (what
//! GetAccountAuthorizationDetails pages) through the server's one conversion
//! (`ops::account_data::convert`), and each user's and role's last-accessed data is
//! `Iam::last_accessed_now` (what a GenerateServiceLastAccessedDetails job answers, without
//! storing the job), in the shapes `credreport audit --endpoint-url` fills from the API.

use credreport_audit::AccountData;
use credreport_iam::last_accessed::Granularity;
use credreport_iam::{AccountId, DetailsFilter, Iam};
use credreport_privilege::{LastAccessed, LastUse, PrincipalAccess, Service, ServiceAccess, Time};
use credreport_report::Timestamp;
use credreport_server::ops::account_data::convert;

fn time(t: Timestamp) -> Time {
    Time::from_unix_seconds(t.unix())
}

/// `account`'s authorization details and every user's and role's last-accessed data now,
/// analysed for the audit.
pub fn account_data(iam: &Iam, account: &AccountId) -> anyhow::Result<AccountData> {
    let details = convert(iam.authorization_details(account, DetailsFilter::all())?);
    let owner = format!("arn:aws:iam::{account}:root");
    let mut last_accessed = LastAccessed::default();
    let principals = details
        .users
        .iter()
        .map(|u| &u.arn)
        .chain(details.roles.iter().map(|r| &r.arn));
    for arn in principals {
        let job = iam.last_accessed_now(account, &owner, arn, Granularity::Service)?;
        let list = job
            .services
            .into_iter()
            .map(|s| ServiceAccess {
                service: Service::new(&s.namespace, &s.name),
                last: s.last.map(|u| LastUse {
                    at: time(u.time()),
                    region: Some(u.region),
                }),
            })
            .collect();
        let access = PrincipalAccess::from_list(Some(time(job.created)), list, &mut last_accessed);
        last_accessed.insert(arn.clone(), access);
    }
    Ok(
        AccountData::new(Some(details), Some(last_accessed)).sources(
            "GetAccountAuthorizationDetails",
            "GetServiceLastAccessedDetails",
        ),
    )
}
