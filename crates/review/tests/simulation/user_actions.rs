//! Seed 002's user actions against the IAM endpoint on a simulated clock: `require-mfa`
//! (the policy created once and attached; a user who set up MFA after the plan is
//! skipped), `quarantine-user` (AWSDenyAll, keys Inactive), undone and applied again,
//! then 32 days later `delete-user` for the quarantined user who stayed unused, in IAM's
//! order, while the one who signed in meanwhile is kept.

use super::{at, World, DAY};
use credreport_audit::CheckId;
use credreport_iam::model::Owner;
use credreport_iam::{totp, Named};
use credreport_review::fetch::fetch_report;
use credreport_review::history::ingest::{ingest, Ingested};
use credreport_review::history::{History, Source};
use credreport_review::remediate::action::{Outcome, TrailAction, UndoKind};
use credreport_review::remediate::allowlist::Allowlist;
use credreport_review::remediate::apply::{apply, undo, ApplyOptions, RunResult};
use credreport_review::remediate::make_plan;
use credreport_review::remediate::plan::{ActionKind, FlagReason, Plan, PlanThresholds};

const DENY: &str = "arn:aws:iam::aws:policy/AWSDenyAll";

/// Keys and passwords are left to other tests: only the user actions are planned.
fn thresholds() -> PlanThresholds {
    PlanThresholds {
        key_unused_days: 10_000,
        password_unused_days: 10_000,
        ..PlanThresholds::of(&credreport_audit::Config::default())
    }
}

/// Fetches the report now, stores it, and plans from it.
fn plan_now(w: &World, history: &mut History) -> (Ingested, Plan) {
    let c = w.connect();
    let fetched = w
        .runtime
        .block_on(fetch_report(&c.iam, &c.place, &w.env.fetch, &|_| {}))
        .expect("fetch");
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
    let plan = w
        .runtime
        .block_on(make_plan(
            &c.api(),
            &c.account,
            &stored,
            &fetched.content,
            thresholds(),
            &Allowlist::default(),
            &history.quarantines(&c.account).expect("quarantines"),
            w.now(),
        ))
        .expect("plan");
    // Through its file, as between `--plan` and `--apply`.
    let plan = Plan::parse("plan.json", &plan.to_json().expect("json")).expect("reads back");
    (stored, plan)
}

fn planned(plan: &Plan) -> Vec<(ActionKind, &str)> {
    plan.actions
        .iter()
        .map(|a| (a.action, a.user.as_str()))
        .collect()
}

fn flagged(plan: &Plan, check: CheckId) -> Vec<(FlagReason, &str)> {
    plan.flagged
        .iter()
        .filter(|f| f.check == check)
        .map(|f| (f.reason, f.resource.as_str()))
        .collect()
}

fn outcomes(r: &RunResult) -> Vec<(TrailAction, &str, Outcome)> {
    r.outcomes
        .iter()
        .map(|o| (o.action, o.user.as_str(), o.outcome))
        .collect()
}

impl World {
    fn attached(&self, user: &str) -> Vec<String> {
        self.iam
            .list_attached_policies(&self.account, Named::User(user), None)
            .expect("attached")
            .into_iter()
            .map(|(_, arn)| arn)
            .collect()
    }

    /// `user` sets up a virtual MFA device now, with two codes of its seed.
    fn set_up_mfa(&self, owner: &Owner, user: &str) {
        let device = self
            .iam
            .create_virtual_mfa_device(&self.account, None, user)
            .expect("device");
        let seed =
            totp::base32_decode(device.base32_seed.expose_str().expect("seed")).expect("base32");
        let counter = totp::counter_at(self.now().unix());
        let code = |c| totp::format_code(totp::code_at(&seed, c));
        self.iam
            .enable_mfa_device(
                &self.account,
                owner,
                &device.device.serial,
                &code(counter - 1),
                &code(counter),
            )
            .expect("enable");
    }
}

#[test]
fn require_mfa_quarantine_undo_and_deletion_after_the_quarantine_days() {
    let t0 = at("2026-03-01T09:00:00Z");
    let w = World::start(t0.checked_add_secs(-200 * DAY).expect("time"));
    let dave = w.user_with_password("dave");
    let eve = w.user_with_password("eve");
    let erin = w.user_with_password("erin");
    let erin_key = w
        .iam
        .create_access_key(&w.account, &erin)
        .expect("key")
        .key
        .id;
    let frank_key = w.user_with_key("frank");
    // An SSH public key (for CodeCommit), which DeleteUser also wants gone first.
    let frank_id = w.iam.user(&w.account, "frank").expect("frank").id;
    w.iam
        .upload_ssh_public_key(
            &w.account,
            &frank_id,
            include_str!("../../../iam/tests/data/ssh-rsa-2048.pub"),
        )
        .expect("ssh key");
    w.iam.create_group(&w.account, "ops", None).expect("group");
    w.iam
        .add_user_to_group(&w.account, "ops", "frank")
        .expect("member");
    w.iam
        .put_inline_policy(
            &w.account,
            Named::User("frank"),
            "read",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#,
        )
        .expect("inline");
    w.set(t0.checked_add_secs(-120 * DAY).expect("time"));
    w.sign_in(&erin, "erin");
    w.use_key(&erin_key);
    w.set(t0.checked_add_secs(-2 * DAY).expect("time"));
    w.sign_in(&dave, "dave");
    w.sign_in(&eve, "eve");
    w.set(t0);

    let hdir = tempfile::tempdir().expect("history dir");
    let mut history = History::open(hdir.path()).expect("history");
    let (_, plan) = plan_now(&w, &mut history);
    assert_eq!(
        planned(&plan),
        [
            // Numbered in the findings' order: severity first.
            (ActionKind::RequireMfa, "dave"),
            (ActionKind::RequireMfa, "eve"),
            (ActionKind::QuarantineUser, "erin"),
            (ActionKind::QuarantineUser, "frank"),
        ],
        "{:#?}",
        plan.flagged
    );
    assert_eq!(plan.format_version, 2);
    assert!(
        flagged(&plan, CheckId::ConsoleNoMfa).contains(&(
            FlagReason::Superseded,
            &*format!("arn:aws:iam::{}:user/erin", w.account)
        )),
        "erin is quarantined: no MFA required of her"
    );
    let erin_plan = plan
        .actions
        .iter()
        .find(|a| a.user == "erin")
        .expect("erin's action");
    assert_eq!(
        erin_plan.access_key_ids.as_deref(),
        Some(&[erin_key.clone()][..])
    );
    assert_eq!(erin_plan.login_profile, Some(true));
    assert_eq!(erin_plan.unused_days, Some(120));

    // eve sets up MFA between the plan and the apply.
    w.set(t0.checked_add_secs(3600).expect("time"));
    w.set_up_mfa(&eve, "eve");
    let c = w.connect();
    let api = c.api();
    let session = c.session(&api, w.env.clock.as_ref());
    let run = w
        .runtime
        .block_on(apply(
            &session,
            &history,
            &plan,
            "sha",
            ApplyOptions::default(),
        ))
        .expect("apply");
    use Outcome::{Done, Skipped};
    use TrailAction::{Apply, Undo};
    assert_eq!(
        outcomes(&run),
        [
            (Apply(ActionKind::RequireMfa), "dave", Done),
            (Apply(ActionKind::RequireMfa), "eve", Skipped),
            (Apply(ActionKind::QuarantineUser), "erin", Done),
            (Apply(ActionKind::QuarantineUser), "frank", Done),
        ],
        "{:#?}",
        run.outcomes
    );
    assert!(run.outcomes[1].detail.starts_with("eve set up MFA device"));
    let require = format!("arn:aws:iam::{}:policy/credreport-require-mfa", w.account);
    assert_eq!(w.attached("dave"), std::slice::from_ref(&require));
    assert!(w.attached("eve").is_empty());
    let document = w
        .iam
        .get_policy_version(&w.account, &require, "v1")
        .expect("the policy's document");
    assert!(
        document.document.contains("DenyAllExceptListedIfNoMFA"),
        "AWS's documented policy"
    );
    assert_eq!(w.attached("erin"), [DENY]);
    assert!(!w.key_active("erin", &erin_key));
    assert!(w.iam.login_profile(&w.account, "erin").is_ok(), "kept");
    assert!(!w.key_active("frank", &frank_key));

    // Undo: dave's policy detached, erin and frank released.
    let run_id = run.run_id.expect("run");
    let undone = w
        .runtime
        .block_on(undo(&session, &history, run_id))
        .expect("undo");
    assert_eq!(
        outcomes(&undone),
        [
            (Undo(UndoKind::DetachRequireMfa), "dave", Done),
            (Undo(UndoKind::ReleaseUser), "erin", Done),
            (Undo(UndoKind::ReleaseUser), "frank", Done),
        ]
    );
    assert!(w.attached("dave").is_empty());
    assert!(w.attached("erin").is_empty());
    assert!(w.key_active("erin", &erin_key));
    assert!(history
        .quarantines(w.account.as_str())
        .expect("q")
        .is_empty());

    // Applied again: quarantined again (dave too has the policy again).
    let again = w
        .runtime
        .block_on(apply(
            &session,
            &history,
            &plan,
            "sha",
            ApplyOptions::default(),
        ))
        .expect("apply again");
    assert_eq!(again.count(Done), 3, "{:#?}", again.outcomes);
    let quarantined = history.quarantines(w.account.as_str()).expect("q");
    assert_eq!(
        quarantined.keys().map(String::as_str).collect::<Vec<_>>(),
        ["erin", "frank"]
    );

    // Ten days later: both wait in quarantine.
    w.set(t0.checked_add_secs(10 * DAY).expect("time"));
    let (_, plan) = plan_now(&w, &mut history);
    assert!(planned(&plan).is_empty(), "{:?}", planned(&plan));
    let waiting = flagged(&plan, CheckId::UserInactive);
    assert_eq!(waiting.len(), 2, "{waiting:?}");
    assert!(waiting.iter().all(|(r, _)| *r == FlagReason::Quarantined));

    // 32 days after the quarantine erin has signed in (AWSDenyAll does not stop a
    // console sign-in, and a sign-in is a use); frank has not.
    w.set(t0.checked_add_secs(20 * DAY).expect("time"));
    w.sign_in(&erin, "erin");
    w.set(t0.checked_add_secs(32 * DAY).expect("time"));
    let (_, plan) = plan_now(&w, &mut history);
    assert_eq!(planned(&plan), [(ActionKind::DeleteUser, "frank")]);
    let delete = &plan.actions[0];
    assert!(!delete.reversible);
    assert_eq!(delete.quarantine_run, again.run_id);
    let refused = w
        .runtime
        .block_on(apply(
            &session,
            &history,
            &plan,
            "sha",
            ApplyOptions::default(),
        ))
        .expect_err("needs --allow-user-deletion");
    assert!(refused.to_string().contains("--allow-user-deletion"));
    let opts = ApplyOptions {
        allow_user_deletion: true,
        ..ApplyOptions::default()
    };
    let gone = w
        .runtime
        .block_on(apply(&session, &history, &plan, "sha", opts))
        .expect("delete");
    assert_eq!(
        outcomes(&gone),
        [(Apply(ActionKind::DeleteUser), "frank", Done)],
        "{:#?}",
        gone.outcomes
    );
    assert!(w.iam.user(&w.account, "frank").is_err(), "frank is gone");
    let trail = history.actions(gone.run_id.expect("run")).expect("trail");
    let calls: Vec<String> = trail[0]
        .changes()
        .iter()
        .map(|c| {
            serde_json::to_value(c).expect("json")["call"]
                .as_str()
                .expect("call")
                .to_owned()
        })
        .collect();
    assert_eq!(
        calls,
        [
            "delete-access-key",
            "delete-ssh-public-key",
            "delete-user-policy",
            "detach-user-policy",
            "remove-user-from-group",
            "delete-user",
        ]
    );
    let undone = w
        .runtime
        .block_on(undo(&session, &history, gone.run_id.expect("run")))
        .expect("undo");
    assert_eq!(
        outcomes(&undone),
        [(Undo(UndoKind::RestoreUser), "frank", Skipped)]
    );
    // erin, active again, is no longer a finding: kept, and still quarantined until
    // someone undoes it.
    assert!(plan
        .flagged
        .iter()
        .all(|f| !f.resource.contains("user/erin") || f.check != CheckId::UserInactive));
    assert_eq!(w.attached("erin"), [DENY]);
}
