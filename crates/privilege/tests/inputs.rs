//! The inputs read as the AWS CLI prints them: authorization details in pages, documents
//! as objects, JSON strings or URL-encoded strings; last-accessed data by principal.

#![allow(clippy::unwrap_used)]

use credreport_policy::Time;
use credreport_privilege::{analyze, AuthorizationDetails, LastAccessed, Privilege};

fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn pages_merge_into_one_account() {
    let mut details = AuthorizationDetails::from_json(&data("details-page-1.json")).unwrap();
    details.merge(AuthorizationDetails::from_json(&data("details-page-2.json")).unwrap());
    // A page read twice adds nothing.
    details.merge(AuthorizationDetails::from_json(&data("details-page-2.json")).unwrap());
    assert_eq!(
        (
            details.users.len(),
            details.groups.len(),
            details.roles.len(),
            details.policies.len()
        ),
        (2, 1, 1, 2)
    );
    let bot = &details.users[1];
    assert!(bot.user_policy_list[0]
        .policy_document
        .starts_with(r#"{"Version":"2012-10-17""#));
    assert_eq!(bot.create_date, Time::parse("2020-06-15T08:30:00Z"));
    let auditor = &details.roles[0];
    let last = auditor.role_last_used.as_ref().unwrap();
    assert_eq!(last.region.as_deref(), Some("eu-west-1"));
    assert!(!auditor.is_service_linked());

    let analysis = analyze(&details);
    assert!(analysis.notes().is_empty(), "{:?}", analysis.notes());
    let class = |arn: &str| analysis.privilege(arn);
    assert_eq!(
        class("arn:aws:iam::111122223333:user/alice"),
        Some(Privilege::Admin)
    );
    assert_eq!(
        class("arn:aws:iam::111122223333:user/bots/deploy-bot"),
        Some(Privilege::Write)
    );
    assert_eq!(
        class("arn:aws:iam::111122223333:role/auditor"),
        Some(Privilege::Read)
    );
    let services = &analysis
        .get("arn:aws:iam::111122223333:role/auditor")
        .unwrap()
        .services;
    assert_eq!(&services[..], ["iam", "s3"]);
}

#[test]
fn a_missing_policy_leaves_its_principal_unanalysed() {
    // Page 1 alone: the admins group's AdministratorAccess is on page 2.
    let details = AuthorizationDetails::from_json(&data("details-page-1.json")).unwrap();
    let analysis = analyze(&details);
    assert_eq!(
        analysis.privilege("arn:aws:iam::111122223333:user/alice"),
        None
    );
    assert_eq!(
        analysis.notes(),
        [
            "arn:aws:iam::111122223333:user/alice: not analysed: its policy \
          arn:aws:iam::aws:policy/AdministratorAccess is not in the details"
        ]
    );
}

#[test]
fn errors_say_where() {
    let cases = [
        ("nope", "1:2:"),
        ("{\"UserDetailList\": [{\"UserName\": 1}]}", "1:"),
        ("{\"UserDetailList\": [{\"UserName\": \"a\", \"Arn\": \"x\", \"CreateDate\": \"yesterday\"}]}", "is not an ISO 8601 date"),
    ];
    for (json, expected) in cases {
        let e = AuthorizationDetails::from_json(json)
            .unwrap_err()
            .to_string();
        assert!(e.contains(expected), "{json}: {e}");
    }
}

#[test]
fn last_accessed_by_principal() {
    let data = LastAccessed::from_json(&data("last-accessed.json")).unwrap();
    // The job still running says nothing.
    assert_eq!(data.len(), 1);
    assert!(data.get("arn:aws:iam::111122223333:user/alice").is_none());
    let auditor = data.get("arn:aws:iam::111122223333:role/auditor").unwrap();
    assert_eq!(auditor.computed, Time::parse("2026-12-01T10:00:00Z"));
    let summary: Vec<(&str, Option<Time>)> = auditor
        .services()
        .map(|(s, last)| (s.namespace(), last.map(|u| u.at)))
        .collect();
    assert_eq!(
        summary,
        [("iam", Time::parse("2026-11-20T07:00:00Z")), ("s3", None)]
    );
    assert!(LastAccessed::from_json("[1]").is_err());
}
