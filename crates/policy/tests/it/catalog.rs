//! The service catalog: services by namespace, actions by name and level, actions by
//! pattern, the actions a statement covers.

use credreport_policy::catalog::{AccessLevel, Catalog};
use credreport_policy::parse_policy;

#[test]
fn the_embedded_catalog_is_complete() {
    // SOURCE.md: 445 services, 20,455 actions.
    let catalog = Catalog::get();
    assert_eq!(catalog.services().len(), 445);
    assert_eq!(catalog.len(), 20_455);
    let namespaces: Vec<&str> = catalog.services().iter().map(|s| s.namespace()).collect();
    let mut sorted = namespaces.clone();
    sorted.sort_unstable();
    assert_eq!(namespaces, sorted, "services are in namespace order");
    assert!(namespaces.iter().all(|n| *n == n.to_ascii_lowercase()));
    // Every action is in exactly one service, and its id finds it again.
    let mut seen = 0;
    for service in catalog.services() {
        for id in service.actions() {
            let action = catalog.action(id);
            assert_eq!(action.namespace(), service.namespace());
            assert_eq!(catalog.find(&action.to_string()), Some(id), "{action}");
            seen += 1;
        }
    }
    assert_eq!(seen, catalog.len());
    let levels: usize = AccessLevel::ALL
        .iter()
        .map(|&l| catalog.at_level(l).len())
        .sum();
    assert_eq!(levels, catalog.len());
}

#[test]
fn levels_and_names_as_the_reference_gives_them() {
    let catalog = Catalog::get();
    let cases: &[(&str, Option<AccessLevel>)] = &[
        ("s3:GetObject", Some(AccessLevel::Read)),
        ("S3:getobject", Some(AccessLevel::Read)),
        ("s3:PutObject", Some(AccessLevel::Write)),
        ("s3:ListAllMyBuckets", Some(AccessLevel::List)),
        ("iam:PassRole", Some(AccessLevel::PermissionsManagement)),
        (
            "iam:AttachUserPolicy",
            Some(AccessLevel::PermissionsManagement),
        ),
        ("iam:TagUser", Some(AccessLevel::Tagging)),
        (
            "iam:GetAccountAuthorizationDetails",
            Some(AccessLevel::Read),
        ),
        ("sts:AssumeRole", Some(AccessLevel::Write)),
        ("sts:GetCallerIdentity", Some(AccessLevel::Read)),
        ("s3:NoSuchAction", None),
        ("nosuchservice:GetObject", None),
        ("GetObject", None),
        ("", None),
        ("s3:Get*", None),
    ];
    for (action, level) in cases {
        assert_eq!(catalog.level(action), *level, "{action}");
    }
    assert_eq!(
        catalog.service_name("iam"),
        Some("AWS Identity and Access Management (IAM)")
    );
    assert_eq!(catalog.service_name("EC2"), Some("Amazon EC2"));
    assert_eq!(catalog.service_name("nosuch"), None);
    let id = catalog.find("s3:getobject");
    assert_eq!(
        id.map(|id| catalog.action(id).to_string()).as_deref(),
        Some("s3:GetObject")
    );
}

#[test]
fn patterns_match_actions_as_policies_do() {
    let catalog = Catalog::get();
    let count = |namespace: &str| catalog.service(namespace).map_or(0, |s| s.actions().len());
    let cases: &[(&str, usize)] = &[
        ("*", catalog.len()),
        ("**", catalog.len()),
        ("iam:*", count("iam")),
        ("IAM:*", count("iam")),
        ("s3:GetObject", 1),
        ("s3:getobject", 1),
        ("s3:GetObjec?", 1),
        ("nosuch:*", 0),
        ("s3:", 0),
        ("iam:PassRole*", 1),
    ];
    for (pattern, expected) in cases {
        assert_eq!(catalog.matching(pattern).len(), *expected, "{pattern}");
    }
    // A wildcard in the namespace, or before it, reaches every service.
    let gets = catalog.matching("*:GetObject");
    let names: Vec<String> = gets
        .iter()
        .map(|id| catalog.action(id).to_string())
        .collect();
    assert!(names.contains(&"s3:GetObject".to_owned()), "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(":GetObject")));
    let s3ish = catalog.matching("s3*:Get*");
    assert!(s3ish
        .iter()
        .any(|id| catalog.action(id).namespace() == "s3express"));
    assert!(s3ish
        .iter()
        .all(|id| catalog.action(id).namespace().starts_with("s3")));
    // The action's own name, not the whole text, is matched after a literal namespace.
    let reads = catalog.matching("s3:Get*");
    assert!(reads
        .iter()
        .all(|id| catalog.action(id).name().starts_with("Get")));
}

#[test]
fn statements_cover_their_actions_and_not_actions() {
    let catalog = Catalog::get();
    let policy = parse_policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*"}
        ]}"#,
    )
    .unwrap();
    let [power, s3, all] = policy.statements() else {
        panic!("three statements");
    };
    let excluded = ["iam", "organizations", "account"]
        .iter()
        .map(|n| catalog.service(n).map_or(0, |s| s.actions().len()))
        .sum::<usize>();
    let covered = catalog.covered_by(power);
    assert_eq!(covered.len(), catalog.len() - excluded);
    assert!(!covered.contains(catalog.find("iam:PassRole").unwrap()));
    assert!(covered.contains(catalog.find("ec2:RunInstances").unwrap()));
    let mut both = catalog.matching("s3:Get*");
    both.union_with(&catalog.matching("s3:List*"));
    assert_eq!(catalog.covered_by(s3), both);
    assert_eq!(catalog.covered_by(all), catalog.all());
    let mut none = catalog.all();
    none.intersect_with(&catalog.empty_set());
    assert!(none.is_empty() && !catalog.all().intersects(&none));
    assert_eq!(catalog.all().iter().count(), catalog.len());
}

proptest::proptest! {
    // Each case matches 20,000 names the slow way.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// The catalog's shortcuts (the service looked up by name, the run of names with a
    /// literal prefix) find exactly what matching every action's full name finds.
    #[test]
    fn matching_agrees_with_every_action(
        pattern in "(s3|iam|ec2|\\*|s\\*|i\\?m):(get|put|list|create|del)?[a-z]{0,2}[*?]?[a-z]{0,3}\\*?"
    ) {
        let catalog = Catalog::get();
        let fast = catalog.matching(&pattern);
        let mut naive = catalog.empty_set();
        for id in catalog.ids() {
            let name = catalog.action(id).to_string();
            if credreport_policy::wildcard_match(&pattern, &name, true) {
                naive.insert(id);
            }
        }
        proptest::prop_assert_eq!(fast, naive);
    }
}
