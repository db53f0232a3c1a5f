//! `[security_hub]` against moto's Security Hub, on a simulated clock: a review imports
//! the account's findings, and boto3's GetFindings (an independent client) reads back the
//! same count, ids and compliance; the next review with the same report sends nothing;
//! after a key is fixed and IAM's 4 hours have passed, the next review archives its
//! findings (ARCHIVED, compliance PASSED) and Security Hub shows it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use credreport_audit::Status;
use credreport_iam::model::Owner;
use credreport_review::fetch::wait::Backoff;
use credreport_review::history::History;
use credreport_review::review::config::ReviewConfig;
use credreport_review::review::run::{run_once, Review, ReviewRun, Reviewed};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::moto::Moto;
use super::{at, World, DAY};

const REGION: &str = "eu-west-1";

fn review(w: &World, config: &ReviewConfig, history: &mut History) -> ReviewRun {
    let audit = credreport_audit::Config::default();
    let fast = Backoff {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(50),
    };
    let r = Review {
        env: &w.env,
        config,
        audit: &audit,
        notify_backoff: fast,
        import_backoff: fast,
    };
    let run = w.runtime.block_on(run_once(&r, history, &|_| {}));
    assert_eq!(run.failures(), 0, "{run:#?}");
    run
}

/// The one account's import.
fn imported(run: &ReviewRun) -> &credreport_review::history::securityhub::ImportRecord {
    match &run.accounts[..] {
        [one] => match &one.outcome {
            Reviewed::Done(d) => d.security_hub.as_ref().expect("an import"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// ASFF's `Id` of a finding: `credreport/<check>/<SHA-256 of its fingerprint>`.
fn asff_id(check: &str, fingerprint: &str) -> String {
    format!(
        "credreport/{check}/{}",
        hex::encode(Sha256::digest(fingerprint.as_bytes()))
    )
}

/// Security Hub's findings by id.
fn by_id(findings: Vec<Value>) -> BTreeMap<String, Value> {
    findings
        .into_iter()
        .map(|f| (f["Id"].as_str().expect("Id").to_owned(), f))
        .collect()
}

#[test]
fn reviews_import_findings_send_only_changes_and_archive_what_was_fixed() {
    let moto = Moto::start();
    let t0 = at("2026-03-01T09:00:00Z");
    let w = World::start(t0.checked_add_secs(-100 * DAY).expect("time"));
    let stale = w.user_with_key("stale");
    let fresh = w.user_with_key("fresh");
    w.user_with_password("carol");
    w.set(t0.checked_add_secs(-60 * DAY).expect("time"));
    w.use_key(&stale);
    w.set(t0.checked_add_secs(-DAY).expect("time"));
    w.use_key(&fresh);
    w.set(t0);
    let text = format!(
        "[security_hub]\nregion = \"{REGION}\"\nendpoint_url = \"{}\"\nretries = 2\n\n\
         [[target]]\nname = \"sim\"\nendpoint_url = \"{}\"\nregion = \"us-east-1\"\n",
        moto.endpoint, w.endpoint
    );
    let config = ReviewConfig::parse(Path::new("review.toml"), &text).expect("review.toml");
    let hdir = tempfile::tempdir().expect("history dir");
    let mut history = History::open(hdir.path()).expect("history");

    // The first review imports every finding of the report.
    let run = review(&w, &config, &mut history);
    let first = imported(&run).clone();
    let report = history.reports(None).expect("reports")[0].clone();
    let findings = history.findings(report.id).expect("findings");
    assert!(findings.len() > 3, "{findings:?}");
    assert_eq!(
        (first.new, first.changed, first.archived, first.unchanged),
        (findings.len() as u64, 0, 0, 0)
    );
    assert!(first.complete(), "{first:?}");
    let hub = by_id(moto.findings(REGION));
    let want: BTreeMap<String, &str> = findings
        .iter()
        .map(|f| {
            let compliance = match f.status {
                Status::Fail | Status::Suppressed => "FAILED",
                Status::NotEvaluated => "WARNING",
            };
            (asff_id(f.check.as_str(), &f.fingerprint), compliance)
        })
        .collect();
    assert_eq!(
        hub.keys().collect::<BTreeSet<_>>(),
        want.keys().collect::<BTreeSet<_>>(),
        "the same ids"
    );
    for (id, compliance) in &want {
        let f = &hub[id];
        assert_eq!(f["Compliance"]["Status"], *compliance, "{id}");
        assert_eq!(f["RecordState"], "ACTIVE", "{id}");
        assert_eq!(f["AwsAccountId"], w.account.as_str(), "{id}");
        assert_eq!(f["CreatedAt"], "2026-03-01T09:00:00Z", "{id}");
    }
    assert_eq!(
        history.imports(report.id).expect("imports"),
        std::slice::from_ref(&first),
        "recorded with the report"
    );

    // An hour later IAM gives the same report: Security Hub has it all, nothing is sent.
    w.set(t0.checked_add_secs(3600).expect("time"));
    let run = review(&w, &config, &mut history);
    let second = imported(&run);
    assert_eq!(
        (second.new, second.changed, second.archived, second.calls),
        (0, 0, 0, 0)
    );
    assert_eq!(second.unchanged, findings.len() as u64);

    // stale's key is deactivated; 5 hours on, a new report.
    let user = w.iam.user(&w.account, "stale").expect("user");
    w.iam
        .update_access_key(&w.account, &Owner::User(user.id), &stale, false)
        .expect("deactivate");
    w.set(t0.checked_add_secs(5 * 3600).expect("time"));
    let run = review(&w, &config, &mut history);
    let third = imported(&run).clone();
    assert!(third.complete(), "{third:?}");
    assert!(third.archived >= 1, "{third:?}");
    let fixed = asff_id(
        "access-key-unused",
        &format!(
            "access-key-unused:arn:aws:iam::{}:user/stale#access_key_1",
            w.account
        ),
    );
    let hub = by_id(moto.findings(REGION));
    assert_eq!(
        hub.len(),
        findings.len(),
        "archived findings stay, archived"
    );
    let f = &hub[&fixed];
    assert_eq!(f["RecordState"], "ARCHIVED");
    assert_eq!(f["Compliance"]["Status"], "PASSED");
    assert_eq!(f["CreatedAt"], "2026-03-01T09:00:00Z", "the same finding");
    assert_eq!(f["UpdatedAt"], "2026-03-01T14:00:00Z");
    let archived = hub
        .values()
        .filter(|f| f["RecordState"] == "ARCHIVED")
        .count();
    assert_eq!(archived as u64, third.archived);
    // The fresh key's findings are still there, active.
    assert!(hub
        .values()
        .filter(|f| f["RecordState"] == "ACTIVE")
        .all(|f| f["Compliance"]["Status"] != "PASSED"));
}
