//! Plan, apply and undo against the IAM endpoint on a simulated clock: exactly the
//! planned keys are deactivated, a key used between plan and apply is left alone, the
//! undo restores them, and the next reports show each change.

use super::{at, World, DAY};
use credreport_audit::CheckId;
use credreport_review::fetch::fetch_report;
use credreport_review::history::changes::changes;
use credreport_review::history::diff::diff;
use credreport_review::history::ingest::{ingest, Ingested};
use credreport_review::history::History;
use credreport_review::history::Source;
use credreport_review::remediate::action::{Outcome, TrailAction, UndoKind};
use credreport_review::remediate::allowlist::Allowlist;
use credreport_review::remediate::apply::{apply, undo, ApplyOptions};
use credreport_review::remediate::make_plan;
use credreport_review::remediate::plan::{ActionKind, FlagReason, Plan, PlanThresholds};

/// Fetches the report now and stores it.
fn review_now(w: &World, history: &mut History) -> (Ingested, Vec<u8>) {
    let c = w.connect();
    let fetched = w
        .runtime
        .block_on(fetch_report(&c.iam, &c.place, &w.env.fetch, &|_| {}))
        .expect("fetch");
    assert_eq!(
        fetched.generated,
        w.now(),
        "a new report each time (4-hour rule)"
    );
    let stored = ingest(
        history,
        &c.account,
        fetched.generated,
        &fetched.content,
        &credreport_audit::Config::default(),
        Source::Remediate,
        None,
        w.now(),
    )
    .expect("ingest");
    (stored, fetched.content)
}

#[test]
fn plan_apply_undo_touch_exactly_the_planned_keys_and_reports_show_it() {
    let t0 = at("2026-03-01T09:00:00Z");
    let w = World::start(t0.checked_add_secs(-100 * DAY).expect("time"));
    let stale = w.user_with_key("stale");
    let idle = w.user_with_key("idle");
    let kept = w.user_with_key("svc-kept");
    let active = w.user_with_key("active");
    let carol = w.user_with_password("carol");
    w.set(t0.checked_add_secs(-60 * DAY).expect("time"));
    w.use_key(&stale);
    w.use_key(&kept);
    w.sign_in(&carol, "carol");
    w.set(t0.checked_add_secs(-50 * DAY).expect("time"));
    w.use_key(&idle);
    w.set(t0.checked_add_secs(-DAY).expect("time"));
    w.use_key(&active);
    w.set(t0);

    let hdir = tempfile::tempdir().expect("history dir");
    let mut history = History::open(hdir.path()).expect("history");
    let (first, first_bytes) = review_now(&w, &mut history);
    let c = w.connect();
    let allow = Allowlist::parse("allow.txt", "svc-*\n");
    let plan = w
        .runtime
        .block_on(make_plan(
            &c.api(),
            &c.account,
            &first,
            &first_bytes,
            PlanThresholds::of(&credreport_audit::Config::default()),
            &allow,
            &history.quarantines(&c.account).expect("quarantines"),
            w.now(),
        ))
        .expect("plan");
    // The plan goes through its file, as between `--plan` and `--apply`.
    let plan = Plan::parse("plan.json", &plan.to_json().expect("json")).expect("reads back");
    let planned: Vec<(ActionKind, &str, Option<&str>)> = plan
        .actions
        .iter()
        .map(|a| (a.action, a.user.as_str(), a.access_key_id.as_deref()))
        .collect();
    assert_eq!(
        planned,
        [
            (ActionKind::DeleteLoginProfile, "carol", None),
            (ActionKind::DeactivateAccessKey, "idle", Some(idle.as_str())),
            (
                ActionKind::DeactivateAccessKey,
                "stale",
                Some(stale.as_str())
            ),
        ]
    );
    let flagged: Vec<(FlagReason, CheckId)> =
        plan.flagged.iter().map(|f| (f.reason, f.check)).collect();
    assert!(
        flagged.contains(&(FlagReason::Allowlisted, CheckId::AccessKeyUnused)),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&(FlagReason::Root, CheckId::RootAccessKey)),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&(FlagReason::Superseded, CheckId::ConsoleNoMfa)),
        "carol's password is deleted: no MFA required of her: {flagged:?}"
    );
    assert!(
        plan.flagged
            .iter()
            .all(|f| !f.resource.contains("user/active")),
        "a key used yesterday is not even a finding"
    );

    let api = c.api();
    let session = c.session(&api, w.env.clock.as_ref());
    // Without --allow-password-removal nothing happens at all.
    let refused = w.runtime.block_on(apply(
        &session,
        &history,
        &plan,
        "sha",
        ApplyOptions::default(),
    ));
    assert!(refused.is_err());
    assert!(w.key_active("stale", &stale));

    // idle's key is used between the plan and the apply.
    w.set(t0.checked_add_secs(3600).expect("time"));
    w.use_key(&idle);
    // A dry run re-checks and changes nothing.
    let dry = w
        .runtime
        .block_on(apply(
            &session,
            &history,
            &plan,
            "sha",
            ApplyOptions {
                dry_run: true,
                ..ApplyOptions::default()
            },
        ))
        .expect("dry run");
    assert_eq!(dry.run_id, None);
    assert_eq!(dry.count(Outcome::WouldDo), 2);
    assert_eq!(
        dry.count(Outcome::Skipped),
        1,
        "idle's key was used since the plan"
    );
    assert!(w.key_active("stale", &stale));
    // A plan older than --max-plan-age is refused.
    let day = std::time::Duration::from_secs(86_400);
    let old = ApplyOptions {
        allow_password_removal: true,
        max_plan_age: Some(day),
        ..ApplyOptions::default()
    };
    w.set(t0.checked_add_secs(DAY + 1).expect("time"));
    let refused = w
        .runtime
        .block_on(apply(&session, &history, &plan, "sha", old))
        .expect_err("too old");
    assert!(refused.to_string().contains("--max-plan-age"), "{refused}");
    w.set(t0.checked_add_secs(3600).expect("time"));
    let opts = ApplyOptions {
        allow_password_removal: true,
        max_plan_age: Some(day),
        ..ApplyOptions::default()
    };
    let run = w
        .runtime
        .block_on(apply(&session, &history, &plan, "sha", opts))
        .expect("apply");
    let outcomes: Vec<(&str, Outcome)> = run
        .outcomes
        .iter()
        .map(|o| (o.user.as_str(), o.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("carol", Outcome::Done),
            ("idle", Outcome::Skipped),
            ("stale", Outcome::Done)
        ]
    );
    assert!(
        !w.key_active("stale", &stale),
        "planned and unused: deactivated"
    );
    assert!(
        w.key_active("idle", &idle),
        "used since the plan: left Active"
    );
    assert!(w.key_active("svc-kept", &kept), "allowlisted: untouched");
    assert!(w.key_active("active", &active), "not planned: untouched");
    assert!(w.iam.login_profile(&w.account, "carol").is_err());
    let run_id = run.run_id.expect("a run id");
    let trail = history.actions(run_id).expect("audit trail");
    assert_eq!(trail.len(), 3);
    assert!(trail[2]
        .before
        .as_deref()
        .is_some_and(|b| b.contains("\"Active\"")));
    assert!(trail[2]
        .after
        .as_deref()
        .is_some_and(|a| a.contains("\"Inactive\"")));
    assert!(history
        .run(run_id)
        .expect("run")
        .principal
        .ends_with(":root"));

    // The next report shows it.
    w.set(t0.checked_add_secs(5 * 3600).expect("time"));
    let (second, second_bytes) = review_now(&w, &mut history);
    let change: Vec<(String, String)> = changes(&first_bytes, &second_bytes)
        .expect("changes")
        .into_iter()
        .map(|c| (c.change.name().to_owned(), c.user))
        .collect();
    assert_eq!(
        change,
        [
            ("password-removed".to_owned(), "carol".to_owned()),
            ("key-deactivated".to_owned(), "stale".to_owned()),
        ]
    );
    let d = diff(&first.findings, &second.findings);
    let gone: Vec<&str> = d
        .disappeared
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert!(gone
        .iter()
        .any(|f| f.starts_with("access-key-unused:") && f.ends_with("user/stale#access_key_1")));
    assert!(gone
        .iter()
        .any(|f| f.starts_with("access-key-unused:") && f.ends_with("user/idle#access_key_1")));

    // Undo: the key is Active again; the password cannot come back, and says so.
    let undone = w
        .runtime
        .block_on(undo(&session, &history, run_id))
        .expect("undo");
    let outcomes: Vec<(TrailAction, &str, Outcome)> = undone
        .outcomes
        .iter()
        .map(|o| (o.action, o.user.as_str(), o.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (
                TrailAction::Undo(UndoKind::RestoreLoginProfile),
                "carol",
                Outcome::Skipped
            ),
            (
                TrailAction::Undo(UndoKind::ReactivateAccessKey),
                "stale",
                Outcome::Done
            ),
        ]
    );
    assert!(w.key_active("stale", &stale));
    let again = w
        .runtime
        .block_on(undo(&session, &history, run_id))
        .expect("undo twice");
    assert_eq!(
        again.count(Outcome::Done),
        0,
        "a second undo changes nothing"
    );
    w.set(t0.checked_add_secs(10 * 3600).expect("time"));
    let (_, third_bytes) = review_now(&w, &mut history);
    let change: Vec<(String, String)> = changes(&second_bytes, &third_bytes)
        .expect("changes")
        .into_iter()
        .map(|c| (c.change.name().to_owned(), c.user))
        .collect();
    assert_eq!(change, [("key-reactivated".to_owned(), "stale".to_owned())]);
    assert_eq!(history.reports(None).expect("reports").len(), 3);
}
