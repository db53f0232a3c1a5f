use super::*;
use crate::env::Clock;
use crate::remediate::action::UndoKind;
use crate::remediate::memory::Memory;
use crate::remediate::plan::{PlanReport, PlanThresholds, Time};

const ACCOUNT: &str = "123456789012";
const BOB: &str = "AKIABOB0000000000000";
const IDLE: &str = "AKIAIDLE000000000000";
const DAN: &str = "AKIADAN0000000000000";

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text.as_bytes()).expect("time").0
}

#[derive(Debug)]
struct Fixed(Timestamp);

impl Clock for Fixed {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// An action of `kind` on `user`, numbered `id`, planned when its last use was `used`.
fn action(id: u32, kind: ActionKind, user: &str, used: Option<&str>) -> PlannedAction {
    PlannedAction {
        id,
        last_used: used.map(|t| Time(at(t))),
        unused_days: Some(60),
        ..PlannedAction::of(
            kind,
            user,
            &format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
            "",
        )
    }
}

fn deactivate(id: u32, user: &str, key: &str, used: &str) -> PlannedAction {
    PlannedAction {
        access_key_id: Some(key.to_owned()),
        ..action(id, ActionKind::DeactivateAccessKey, user, Some(used))
    }
}

/// A plan of these actions, made at 09:00 on 2026-03-01.
fn plan_of(actions: Vec<PlannedAction>) -> Plan {
    Plan {
        format_version: 2,
        created: Time(at("2026-03-01T09:00:00Z")),
        account: ACCOUNT.to_owned(),
        report: PlanReport {
            history_id: None,
            generated: Time(at("2026-03-01T09:00:00Z")),
            sha256: String::new(),
        },
        thresholds: PlanThresholds {
            key_unused_days: 45,
            password_unused_days: 45,
            user_inactive_days: Some(90),
            quarantine_days: Some(30),
        },
        actions,
        flagged: Vec::new(),
    }
}

fn plan() -> Plan {
    plan_of(vec![
        action(
            1,
            ActionKind::DeleteLoginProfile,
            "carol",
            Some("2026-01-01T00:00:00Z"),
        ),
        deactivate(2, "idle", IDLE, "2026-01-01T00:00:00Z"),
        deactivate(3, "dan", DAN, "2026-01-01T00:00:00Z"),
        deactivate(4, "bob", BOB, "2026-01-01T00:00:00Z"),
    ])
}

/// carol's password, idle's key (used after the plan), dan's key (whose calls are
/// refused) and bob's key, all unused since the start of the year.
fn account() -> Memory {
    let t = at("2025-06-01T00:00:00Z");
    let used = Some(at("2026-01-01T00:00:00Z"));
    let m = Memory::default()
        .password("carol", used)
        .key("idle", IDLE, true, t, used)
        .key("dan", DAN, true, t, used)
        .key("bob", BOB, true, t, used)
        .deny("dan");
    m.use_key(IDLE, at("2026-03-01T09:30:00Z"));
    m
}

fn outcomes(r: &RunResult) -> Vec<(TrailAction, &str, Outcome)> {
    r.outcomes
        .iter()
        .map(|o| (o.action, o.user.as_str(), o.outcome))
        .collect()
}

#[tokio::test]
async fn apply_rechecks_each_call_records_it_and_undo_reverses_what_was_done() {
    use ActionKind::{DeactivateAccessKey as Deactivate, DeleteLoginProfile as Delete};
    use Outcome::{Done, Failed, Skipped, WouldDo};
    use TrailAction::{Apply, Undo};
    let dir = tempfile::tempdir().expect("temporary directory");
    let history = History::open(dir.path()).expect("history");
    let iam = account();
    let clock = Fixed(at("2026-03-01T10:00:00Z"));
    let s = Session {
        iam: &iam,
        account: ACCOUNT,
        principal: "arn:aws:iam::123456789012:user/admin",
        clock: &clock,
    };
    let plan = plan();

    // A dry run re-checks, changes nothing and records nothing.
    let dry = ApplyOptions {
        dry_run: true,
        ..ApplyOptions::default()
    };
    let r = apply(&s, &history, &plan, "sha", dry)
        .await
        .expect("dry run");
    assert_eq!(r.run_id, None);
    assert_eq!(
        outcomes(&r),
        [
            (Apply(Delete), "carol", WouldDo),
            (Apply(Deactivate), "idle", Skipped),
            (Apply(Deactivate), "dan", Failed),
            (Apply(Deactivate), "bob", WouldDo),
        ]
    );
    assert!(history.runs().expect("runs").is_empty());
    assert!(iam
        .calls()
        .iter()
        .all(|c| !c.starts_with("UpdateAccessKey") && !c.starts_with("DeleteLoginProfile")));

    // Without --allow-password-removal nothing at all.
    let refused = apply(&s, &history, &plan, "sha", ApplyOptions::default()).await;
    assert!(refused.is_err());

    let opts = ApplyOptions {
        allow_password_removal: true,
        ..ApplyOptions::default()
    };
    let r = apply(&s, &history, &plan, "sha", opts)
        .await
        .expect("apply");
    assert_eq!(
        outcomes(&r),
        [
            (Apply(Delete), "carol", Done),
            (Apply(Deactivate), "idle", Skipped),
            (Apply(Deactivate), "dan", Failed),
            (Apply(Deactivate), "bob", Done),
        ]
    );
    assert!(
        r.outcomes[2].detail.contains("AccessDenied"),
        "{:?}",
        r.outcomes[2]
    );
    assert!(!iam.has_password("carol"));
    assert_eq!(iam.active(IDLE), Some(true), "used since the plan");
    assert_eq!(iam.active(BOB), Some(false));
    let run_id = r.run_id.expect("a run");
    let run = history.run(run_id).expect("run");
    assert_eq!(
        (run.kind, run.plan_sha256.as_deref(), run.finished),
        (RunKind::Apply, Some("sha"), Some(clock.0))
    );
    let trail = history.actions(run_id).expect("trail");
    let recorded: Vec<(TrailAction, &str, Outcome)> = trail
        .iter()
        .map(|a| (a.action, a.user.as_str(), a.outcome))
        .collect();
    assert_eq!(recorded, outcomes(&r), "every call is in the trail");
    assert!(trail[3]
        .before
        .as_deref()
        .is_some_and(|b| b.contains("\"Active\"")));
    assert!(trail[3]
        .after
        .as_deref()
        .is_some_and(|a| a.contains("\"Inactive\"")));
    assert!(trail[0]
        .after
        .as_deref()
        .is_some_and(|a| a.contains("\"login_profile\":false")));

    // Undo: bob's key comes back; carol's password cannot, and says so.
    let u = undo(&s, &history, run_id).await.expect("undo");
    assert_eq!(
        outcomes(&u),
        [
            (Undo(UndoKind::RestoreLoginProfile), "carol", Skipped),
            (Undo(UndoKind::ReactivateAccessKey), "bob", Done),
        ]
    );
    assert_eq!(iam.active(BOB), Some(true));
    let again = undo(&s, &history, run_id).await.expect("undo again");
    assert_eq!(again.count(Done), 0, "a second undo changes nothing");
    let undo_run = history.run(u.run_id.expect("a run")).expect("run");
    assert_eq!(
        (undo_run.kind, undo_run.undoes),
        (RunKind::Undo, Some(run_id))
    );
    let err = undo(&s, &history, undo_run.id)
        .await
        .expect_err("an undo run");
    assert!(
        err.to_string().contains("only apply runs can be undone"),
        "{err}"
    );
    let elsewhere = Session {
        account: "210987654321",
        ..s
    };
    let err = undo(&elsewhere, &history, run_id)
        .await
        .expect_err("another account");
    assert!(
        err.to_string().contains("was in account 123456789012"),
        "{err}"
    );
}

const DENY: &str = "arn:aws:iam::aws:policy/AWSDenyAll";
const REQUIRE: &str = "arn:aws:iam::123456789012:policy/credreport-require-mfa";

fn session<'a>(iam: &'a Memory, clock: &'a Fixed) -> Session<'a, Memory> {
    Session {
        iam,
        account: ACCOUNT,
        principal: "arn:aws:iam::123456789012:user/admin",
        clock,
    }
}

/// The calls that changed the account, in order (reads left out).
fn changes_made(iam: &Memory) -> Vec<String> {
    iam.calls()
        .into_iter()
        .filter(|c| !(c.starts_with("List") || c.starts_with("Get")))
        .collect()
}

#[tokio::test]
async fn require_mfa_creates_and_attaches_the_policy_skips_who_set_up_mfa_and_undo_detaches() {
    use Outcome::{Done, Skipped, WouldDo};
    let dir = tempfile::tempdir().expect("temporary directory");
    let history = History::open(dir.path()).expect("history");
    let signed_in = Some(at("2026-02-27T08:00:00Z"));
    let iam = Memory::default()
        .password("dave", signed_in)
        .password("eve", signed_in)
        .password("fay", signed_in);
    let clock = Fixed(at("2026-03-01T10:00:00Z"));
    let s = session(&iam, &clock);
    let mfa = |id, user| PlannedAction {
        policy_arn: Some(REQUIRE.to_owned()),
        unused_days: None,
        ..action(
            id,
            ActionKind::RequireMfa,
            user,
            Some("2026-02-27T08:00:00Z"),
        )
    };
    let plan = plan_of(vec![mfa(1, "dave"), mfa(2, "eve"), mfa(3, "fay")]);
    // eve sets up MFA between the plan and the apply; fay's password is deleted.
    iam.add_mfa(
        "eve",
        "arn:aws:iam::123456789012:mfa/eve",
        at("2026-03-01T09:30:00Z"),
    );
    IamApi::delete_login_profile(&iam, "fay")
        .await
        .expect("delete");

    let dry = ApplyOptions {
        dry_run: true,
        ..ApplyOptions::default()
    };
    let r = apply(&s, &history, &plan, "sha", dry)
        .await
        .expect("dry run");
    assert_eq!(
        r.outcomes.iter().map(|o| o.outcome).collect::<Vec<_>>(),
        [WouldDo, Skipped, Skipped]
    );
    assert!(
        r.outcomes[0].detail.contains("would create and attach"),
        "{:?}",
        r.outcomes[0]
    );
    assert_eq!(changes_made(&iam), ["DeleteLoginProfile fay"]);

    let r = apply(&s, &history, &plan, "sha", ApplyOptions::default())
        .await
        .expect("apply");
    assert_eq!(
        r.outcomes.iter().map(|o| o.outcome).collect::<Vec<_>>(),
        [Done, Skipped, Skipped]
    );
    assert!(
        r.outcomes[1]
            .detail
            .starts_with("eve set up MFA device arn:aws:iam::123456789012:mfa/eve (enabled 2026-03-01T09:30:00Z) since the plan was made"),
        "{:?}",
        r.outcomes[1]
    );
    assert!(r.outcomes[2]
        .detail
        .contains("no console password any more"));
    assert_eq!(
        changes_made(&iam),
        [
            "DeleteLoginProfile fay",
            "CreatePolicy credreport-require-mfa",
            &format!("AttachUserPolicy dave {REQUIRE}"),
        ]
    );
    assert_eq!(iam.attached_to("dave"), [REQUIRE]);
    let run_id = r.run_id.expect("run");
    let trail = history.actions(run_id).expect("trail");
    assert_eq!(
        trail[0].changes(),
        [
            Change::CreatePolicy {
                policy_arn: REQUIRE.to_owned()
            },
            Change::AttachUserPolicy {
                policy_arn: REQUIRE.to_owned()
            }
        ]
    );
    assert_eq!(trail[1].recorded.as_deref(), Some(&[][..]), "nothing made");

    // A second plan for another user finds the policy there: no CreatePolicy.
    let iam2 = Memory::default().password("gil", None).policy(REQUIRE);
    let s2 = session(&iam2, &clock);
    apply(
        &s2,
        &history,
        &plan_of(vec![mfa(1, "gil")]),
        "sha",
        ApplyOptions::default(),
    )
    .await
    .expect("apply");
    assert_eq!(
        changes_made(&iam2),
        [format!("AttachUserPolicy gil {REQUIRE}")]
    );

    // Undo detaches it (the policy stays); a second undo finds nothing to do.
    let u = undo(&s, &history, run_id).await.expect("undo");
    assert_eq!(
        outcomes(&u),
        [(TrailAction::Undo(UndoKind::DetachRequireMfa), "dave", Done)]
    );
    assert!(iam.attached_to("dave").is_empty());
    assert!(iam.has_policy(REQUIRE), "the created policy stays");
    assert!(
        u.outcomes[0].detail.contains("detached from dave"),
        "{:?}",
        u.outcomes[0]
    );
    let again = undo(&s, &history, run_id).await.expect("undo again");
    assert_eq!(again.count(Done), 0);
    assert!(
        again.outcomes[0]
            .detail
            .contains("is not attached to dave any more"),
        "{:?}",
        again.outcomes[0]
    );
}

/// erin: two active keys and a password, unused since the autumn.
fn erin() -> Memory {
    let t = at("2025-06-01T00:00:00Z");
    let used = Some(at("2025-10-01T00:00:00Z"));
    Memory::default()
        .key("erin", "AKIAERIN100000000000", true, t, used)
        .key("erin", "AKIAERIN200000000000", true, t, None)
        .password("erin", used)
}

fn quarantine(id: u32, user: &str) -> PlannedAction {
    PlannedAction {
        policy_arn: Some(DENY.to_owned()),
        access_key_ids: Some(vec![
            "AKIAERIN100000000000".to_owned(),
            "AKIAERIN200000000000".to_owned(),
        ]),
        login_profile: Some(true),
        ..action(
            id,
            ActionKind::QuarantineUser,
            user,
            Some("2025-10-01T00:00:00Z"),
        )
    }
}

#[tokio::test]
async fn quarantine_denies_all_and_deactivates_keys_and_undo_releases_all_but_the_password() {
    use Outcome::{Done, Skipped};
    let clock = Fixed(at("2026-03-01T10:00:00Z"));
    let plan = plan_of(vec![quarantine(1, "erin")]);

    // Without --allow-password-removal the password is kept.
    let dir = tempfile::tempdir().expect("temporary directory");
    let history = History::open(dir.path()).expect("history");
    let iam = erin();
    let s = session(&iam, &clock);
    let r = apply(&s, &history, &plan, "sha", ApplyOptions::default())
        .await
        .expect("apply");
    assert_eq!(r.count(Done), 1, "{:?}", r.outcomes);
    assert_eq!(
        changes_made(&iam),
        [
            format!("AttachUserPolicy erin {DENY}"),
            "UpdateAccessKey erin AKIAERIN100000000000 Inactive".to_owned(),
            "UpdateAccessKey erin AKIAERIN200000000000 Inactive".to_owned(),
        ]
    );
    assert!(iam.has_password("erin"));
    assert!(
        r.outcomes[0].detail.contains("console password kept"),
        "{:?}",
        r.outcomes[0]
    );
    let run_id = r.run_id.expect("run");
    assert_eq!(
        history.quarantines(ACCOUNT).expect("quarantines")["erin"],
        crate::history::trail::Quarantine {
            run_id,
            at: clock.0
        }
    );
    // Quarantined already: a second apply changes nothing.
    let again = apply(&s, &history, &plan, "sha", ApplyOptions::default())
        .await
        .expect("apply again");
    assert_eq!(again.count(Skipped), 1);
    assert!(again.outcomes[0].detail.contains("already quarantined"));

    let u = undo(&s, &history, run_id).await.expect("undo");
    assert_eq!(
        outcomes(&u),
        [(TrailAction::Undo(UndoKind::ReleaseUser), "erin", Done)]
    );
    assert_eq!(iam.active("AKIAERIN100000000000"), Some(true));
    assert_eq!(iam.active("AKIAERIN200000000000"), Some(true));
    assert!(iam.attached_to("erin").is_empty());
    assert!(
        history
            .quarantines(ACCOUNT)
            .expect("quarantines")
            .is_empty(),
        "released: no longer quarantined"
    );

    // With it, the password goes too, and the undo says it cannot come back.
    let dir = tempfile::tempdir().expect("temporary directory");
    let history = History::open(dir.path()).expect("history");
    let iam = erin();
    let s = session(&iam, &clock);
    let opts = ApplyOptions {
        allow_password_removal: true,
        ..ApplyOptions::default()
    };
    let r = apply(&s, &history, &plan, "sha", opts)
        .await
        .expect("apply");
    assert_eq!(r.count(Done), 1);
    assert!(!iam.has_password("erin"));
    let u = undo(&s, &history, r.run_id.expect("run"))
        .await
        .expect("undo");
    assert_eq!(u.count(Done), 1);
    assert!(
        u.outcomes[0]
            .detail
            .contains("erin's deleted console password cannot be restored"),
        "{:?}",
        u.outcomes[0]
    );

    // A key used since the plan: not quarantined at all.
    let iam = erin();
    iam.use_key("AKIAERIN200000000000", at("2026-03-01T09:45:00Z"));
    let s = session(&iam, &clock);
    let r = apply(&s, &history, &plan, "sha", ApplyOptions::default())
        .await
        .expect("apply");
    assert_eq!(r.count(Skipped), 1);
    assert!(
        r.outcomes[0]
            .detail
            .starts_with("erin used AKIAERIN200000000000 at 2026-03-01T09:45:00Z since the plan"),
        "{:?}",
        r.outcomes[0]
    );
    assert!(changes_made(&iam).is_empty());
}

#[tokio::test]
async fn an_action_stopped_part_way_says_what_it_changed_and_undo_reverses_that() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let history = History::open(dir.path()).expect("history");
    let iam = erin().fail("UpdateAccessKey");
    let clock = Fixed(at("2026-03-01T10:00:00Z"));
    let s = session(&iam, &clock);
    let plan = plan_of(vec![quarantine(1, "erin")]);
    let r = apply(&s, &history, &plan, "sha", ApplyOptions::default())
        .await
        .expect("apply");
    assert_eq!(r.count(Outcome::Failed), 1);
    assert!(
        r.outcomes[0].detail.contains("AccessDenied")
            && r.outcomes[0].detail.contains("after 1 call(s) made"),
        "{:?}",
        r.outcomes[0]
    );
    let run_id = r.run_id.expect("run");
    let trail = history.actions(run_id).expect("trail");
    assert_eq!(
        trail[0].changes(),
        [Change::AttachUserPolicy {
            policy_arn: DENY.to_owned()
        }]
    );
    assert!(
        history.quarantines(ACCOUNT).expect("q").is_empty(),
        "a failed quarantine is no quarantine"
    );
    let u = undo(&s, &history, run_id).await.expect("undo");
    assert_eq!(u.count(Outcome::Done), 1, "{:?}", u.outcomes);
    assert!(iam.attached_to("erin").is_empty());
}

#[tokio::test]
async fn delete_user_needs_its_flag_deletes_in_iam_order_and_cannot_be_undone() {
    use Outcome::{Done, Skipped};
    let dir = tempfile::tempdir().expect("temporary directory");
    let history = History::open(dir.path()).expect("history");
    let t = at("2025-01-01T00:00:00Z");
    let iam = Memory::default()
        .key("frank", "AKIAFRANK00000000000", false, t, Some(t))
        .password("frank", Some(t))
        .mfa("frank", "arn:aws:iam::123456789012:mfa/frank", t)
        .mfa("frank", "GAHT12345678", t)
        .attached("frank", DENY)
        .everything("frank")
        .key("gus", "AKIAGUS0000000000000", false, t, None)
        .attached("gus", DENY);
    let clock = Fixed(at("2026-03-01T10:00:00Z"));
    let s = session(&iam, &clock);
    let delete = |id, user| PlannedAction {
        policy_arn: Some(DENY.to_owned()),
        quarantined: Some(Time(at("2026-01-15T00:00:00Z"))),
        quarantine_run: Some(1),
        unused_days: Some(400),
        ..action(
            id,
            ActionKind::DeleteUser,
            user,
            Some("2025-01-01T00:00:00Z"),
        )
    };
    let plan = plan_of(vec![delete(1, "frank"), delete(2, "gus")]);
    // Someone made gus's key Active again since the quarantine.
    IamApi::set_access_key_status(&iam, "gus", "AKIAGUS0000000000000", true)
        .await
        .expect("reactivate");

    let refused = apply(&s, &history, &plan, "sha", ApplyOptions::default())
        .await
        .expect_err("needs --allow-user-deletion");
    assert!(
        refused.to_string().contains("--allow-user-deletion"),
        "{refused}"
    );
    assert!(history.runs().expect("runs").is_empty());

    let opts = ApplyOptions {
        allow_user_deletion: true,
        ..ApplyOptions::default()
    };
    let before = changes_made(&iam).len();
    let r = apply(&s, &history, &plan, "sha", opts)
        .await
        .expect("apply");
    assert_eq!(
        r.outcomes.iter().map(|o| o.outcome).collect::<Vec<_>>(),
        [Done, Skipped],
        "{:?}",
        r.outcomes
    );
    assert!(
        r.outcomes[1].detail.contains("Active again"),
        "{:?}",
        r.outcomes[1]
    );
    assert!(!iam.exists("frank"));
    assert!(iam.exists("gus"));
    assert_eq!(
        changes_made(&iam)[before..],
        [
            "DeleteAccessKey frank AKIAFRANK00000000000",
            "DeleteSigningCertificate frank frank-cert",
            "DeleteSSHPublicKey frank frank-ssh",
            "DeleteServiceSpecificCredential frank frank-codecommit",
            "DeactivateMFADevice frank arn:aws:iam::123456789012:mfa/frank",
            "DeleteVirtualMFADevice arn:aws:iam::123456789012:mfa/frank",
            "DeactivateMFADevice frank GAHT12345678",
            "DeleteLoginProfile frank",
            "DeleteUserPolicy frank frank-inline",
            &format!("DetachUserPolicy frank {DENY}"),
            "RemoveUserFromGroup frank frank-group",
            "DeleteUser frank",
        ]
    );
    let run_id = r.run_id.expect("run");
    let trail = history.actions(run_id).expect("trail");
    assert_eq!(trail[0].changes().len(), 12);
    assert!(trail[0]
        .before
        .as_deref()
        .is_some_and(|b| b.contains("frank-cert") && b.contains("GAHT12345678")));

    let u = undo(&s, &history, run_id).await.expect("undo");
    assert_eq!(
        outcomes(&u),
        [(TrailAction::Undo(UndoKind::RestoreUser), "frank", Skipped)]
    );
    assert!(
        u.outcomes[0].detail.contains("nothing can bring it back"),
        "{:?}",
        u.outcomes[0]
    );
}
