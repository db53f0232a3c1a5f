//! The console's sign-in rules without a browser (issue 13): one message for every wrong
//! account, name or password; the MFA step and its replay rule; the password rules
//! (reset required, MaxPasswordAge, HardExpiry); the lockout; sessions; and what a
//! sign-in records in the report's `password_last_used`.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use credreport_iam::console::{
    Opened, MFA_STEP_SECS, PASSWORD_EXPIRED_HARD, SESSION_SECS, SIGN_IN_FAILED,
};
use credreport_iam::model::{Owner, SessionStage};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::{MasterKey, Secret};
use credreport_iam::{
    totp, AccountId, Error, Iam, IamConfig, ManualClock, PasswordPolicyInput, SignInAs,
    SqliteStore, Store,
};
use credreport_report::Timestamp;

const ACCOUNT: &str = "123456789012";
const PASSWORD: &str = "Correct-Horse-9-Battery";
const ROOT_PASSWORD: &str = "Root-Password-42-Long";

struct Console {
    iam: Iam,
    clock: ManualClock,
    account: AccountId,
    _dir: tempfile::TempDir,
}

/// What a try must come to.
#[derive(Debug, PartialEq)]
enum Outcome {
    Stage(SessionStage),
    Denied(&'static str),
    Throttled,
}

fn outcome(r: &Result<Opened, Error>) -> Outcome {
    match r {
        Ok(o) => Outcome::Stage(o.session.stage),
        Err(Error::AccessDenied(m)) if m == SIGN_IN_FAILED => Outcome::Denied(SIGN_IN_FAILED),
        Err(Error::AccessDenied(m)) if m == PASSWORD_EXPIRED_HARD => {
            Outcome::Denied(PASSWORD_EXPIRED_HARD)
        }
        Err(Error::Throttling(m)) if m.starts_with("Too many failed sign-in attempts") => {
            Outcome::Throttled
        }
        Err(e) => panic!("unexpected error: {e:?}"),
    }
}

fn check(what: &str, r: &Result<Opened, Error>, expected: &Outcome) {
    assert_eq!(&outcome(r), expected, "{what}");
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s.as_bytes()).unwrap().0
}

fn secret(s: &str) -> Secret {
    Secret::from_string(s.into())
}

fn console_with(organization_member: bool) -> Console {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(ts("2026-01-05T09:00:00Z"));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap());
    let iam = Iam::new(
        store,
        Arc::new(clock.clone()),
        MasterKey::generate().unwrap(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = AccountId::parse(ACCOUNT).unwrap();
    iam.create_account(Some(account.clone()), organization_member)
        .unwrap();
    if !organization_member {
        iam.set_root_password(&account, Some(&secret(ROOT_PASSWORD)))
            .unwrap();
    }
    iam.create_user(&account, "alice", None).unwrap();
    iam.create_login_profile(&account, "alice", &secret(PASSWORD), false)
        .unwrap();
    Console {
        iam,
        clock,
        account,
        _dir: dir,
    }
}

fn console() -> Console {
    console_with(false)
}

impl Console {
    fn sign_in(&self, account: &str, who: SignInAs<'_>, password: &str) -> Result<Opened, Error> {
        self.iam.console_sign_in(account, who, &secret(password))
    }

    fn alice(&self, password: &str) -> Result<Opened, Error> {
        self.sign_in(ACCOUNT, SignInAs::User("alice"), password)
    }

    fn alice_last_used(&self) -> Option<Timestamp> {
        self.iam
            .user(&self.account, "alice")
            .unwrap()
            .password_last_used
    }

    fn root_last_used(&self) -> Option<Timestamp> {
        self.iam
            .account(&self.account)
            .unwrap()
            .root_password_last_used
    }

    /// Gives alice a virtual MFA device; returns its seed.
    fn alice_mfa(&self) -> Vec<u8> {
        let d = self
            .iam
            .create_virtual_mfa_device(&self.account, None, "alice-phone")
            .unwrap();
        let seed = totp::base32_decode(d.base32_seed.expose_str().unwrap()).unwrap();
        let c = totp::counter_at(self.iam.now().unix());
        let alice = Owner::User(self.iam.user(&self.account, "alice").unwrap().id);
        self.iam
            .enable_mfa_device(
                &self.account,
                &alice,
                &d.device.serial,
                &code(&seed, c - 1),
                &code(&seed, c),
            )
            .unwrap();
        seed
    }

    fn policy(&self, input: PasswordPolicyInput) {
        self.iam
            .update_password_policy(&self.account, &input)
            .unwrap();
    }
}

fn code(seed: &[u8], counter: u64) -> String {
    totp::format_code(totp::code_at(seed, counter))
}

#[test]
fn wrong_password_unknown_user_and_unknown_account_give_one_message() {
    let c = console();
    let denied = Outcome::Denied(SIGN_IN_FAILED);
    let cases: &[(&str, Result<Opened, Error>)] = &[
        ("wrong password", c.alice("wrong-password")),
        (
            "unknown user",
            c.sign_in(ACCOUNT, SignInAs::User("nobody"), PASSWORD),
        ),
        (
            "unknown account",
            c.sign_in("999999999999", SignInAs::User("alice"), PASSWORD),
        ),
        (
            "not an account id",
            c.sign_in("acme", SignInAs::User("alice"), PASSWORD),
        ),
        (
            "root with a user's password",
            c.sign_in(ACCOUNT, SignInAs::Root, PASSWORD),
        ),
    ];
    for (what, r) in cases {
        check(what, r, &denied);
    }
    assert_eq!(
        c.alice_last_used(),
        None,
        "a failed sign-in records nothing"
    );
    assert_eq!(c.root_last_used(), None);
}

#[test]
fn a_sign_in_records_password_last_used_once_per_five_minutes() {
    let c = console();
    check(
        "alice",
        &c.alice(PASSWORD),
        &Outcome::Stage(SessionStage::SignedIn),
    );
    let first = ts("2026-01-05T09:00:00Z");
    assert_eq!(c.alice_last_used(), Some(first));
    c.clock.advance(299);
    c.alice(PASSWORD).unwrap();
    assert_eq!(c.alice_last_used(), Some(first), "inside the 5-minute span");
    c.clock.advance(1);
    c.alice(PASSWORD).unwrap();
    assert_eq!(c.alice_last_used(), Some(ts("2026-01-05T09:05:00Z")));
    // The name is matched ignoring case, as IAM matches user names.
    check(
        "ALICE",
        &c.sign_in(ACCOUNT, SignInAs::User("ALICE"), PASSWORD),
        &Outcome::Stage(SessionStage::SignedIn),
    );
}

#[test]
fn the_root_user_signs_in_with_the_account_id_and_root_password() {
    let c = console();
    let r = c.sign_in(&format!(" {ACCOUNT} "), SignInAs::Root, ROOT_PASSWORD);
    check("root", &r, &Outcome::Stage(SessionStage::SignedIn));
    assert_eq!(r.unwrap().session.owner, Owner::Root);
    assert_eq!(c.root_last_used(), Some(ts("2026-01-05T09:00:00Z")));
}

#[test]
fn an_organization_member_account_root_cannot_sign_in_seed_001() {
    let c = console_with(true);
    for password in ["", ROOT_PASSWORD] {
        check(
            "member root",
            &c.sign_in(ACCOUNT, SignInAs::Root, password),
            &Outcome::Denied(SIGN_IN_FAILED),
        );
    }
    assert_eq!(c.root_last_used(), None);
}

#[test]
fn mfa_is_a_second_step_and_only_it_completes_the_sign_in() {
    let c = console();
    let seed = c.alice_mfa();
    c.clock.advance(60);
    let waiting = c.alice(PASSWORD);
    check(
        "password",
        &waiting,
        &Outcome::Stage(SessionStage::MfaRequired),
    );
    let waiting = waiting.unwrap();
    assert_eq!(c.alice_last_used(), None, "not signed in yet");
    let now = c.iam.now().unix();
    let wrong = c.iam.console_mfa(&waiting.token, "000000");
    if code(&seed, totp::counter_at(now)) != "000000" {
        check("wrong code", &wrong, &Outcome::Denied(SIGN_IN_FAILED));
    }
    let done = c
        .iam
        .console_mfa(&waiting.token, &code(&seed, totp::counter_at(now)));
    check("right code", &done, &Outcome::Stage(SessionStage::SignedIn));
    assert_eq!(c.alice_last_used(), Some(c.iam.now()));
    assert!(
        c.iam.console_session(&waiting.token).unwrap().is_none(),
        "the waiting session's token is replaced"
    );
    let done = done.unwrap();
    assert!(c.iam.console_session(&done.token).unwrap().is_some());
}

#[test]
fn an_accepted_code_cannot_be_replayed() {
    let c = console();
    let seed = c.alice_mfa();
    c.clock.advance(60);
    let code_now = code(&seed, totp::counter_at(c.iam.now().unix()));
    let first = c.alice(PASSWORD).unwrap();
    c.iam.console_mfa(&first.token, &code_now).unwrap();
    c.clock.advance(5);
    let second = c.alice(PASSWORD).unwrap();
    check(
        "the same code again",
        &c.iam.console_mfa(&second.token, &code_now),
        &Outcome::Denied(SIGN_IN_FAILED),
    );
    // The one-step sign-in (scripts) follows the same rule.
    let alice = Owner::User(c.iam.user(&c.account, "alice").unwrap().id);
    let r = c
        .iam
        .sign_in(&c.account, &alice, &secret(PASSWORD), Some(&code_now));
    assert!(matches!(r, Err(Error::AccessDenied(_))), "{r:?}");
}

#[test]
fn the_mfa_step_waits_ten_minutes_at_most() {
    let c = console();
    let seed = c.alice_mfa();
    c.clock.advance(60);
    let waiting = c.alice(PASSWORD).unwrap();
    c.clock.advance(MFA_STEP_SECS);
    let r = c.iam.console_mfa(
        &waiting.token,
        &code(&seed, totp::counter_at(c.iam.now().unix())),
    );
    assert!(
        matches!(&r, Err(Error::AccessDenied(m)) if m.contains("expired")),
        "{r:?}"
    );
    assert_eq!(c.alice_last_used(), None);
}

#[test]
fn five_failures_in_fifteen_minutes_make_further_tries_wait() {
    let c = console();
    for i in 0..5 {
        check("wrong", &c.alice("wrong"), &Outcome::Denied(SIGN_IN_FAILED));
        c.clock.advance(if i < 4 { 60 } else { 1 });
    }
    check(
        "even the right password",
        &c.alice(PASSWORD),
        &Outcome::Throttled,
    );
    // An unknown name waits the same way, so the wait tells nothing about who exists.
    for _ in 0..5 {
        c.sign_in(ACCOUNT, SignInAs::User("mallory"), "x")
            .unwrap_err();
    }
    check(
        "unknown name",
        &c.sign_in(ACCOUNT, SignInAs::User("mallory"), "x"),
        &Outcome::Throttled,
    );
    check(
        "another name is not held up",
        &c.sign_in(ACCOUNT, SignInAs::Root, ROOT_PASSWORD),
        &Outcome::Stage(SessionStage::SignedIn),
    );
    assert_eq!(c.alice_last_used(), None);
    c.clock.advance(15 * 60);
    check(
        "after the window",
        &c.alice(PASSWORD),
        &Outcome::Stage(SessionStage::SignedIn),
    );
}

#[test]
fn wrong_mfa_codes_count_toward_the_lockout() {
    let c = console();
    let seed = c.alice_mfa();
    c.clock.advance(60);
    let waiting = c.alice(PASSWORD).unwrap();
    let right = code(&seed, totp::counter_at(c.iam.now().unix()));
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    for _ in 0..5 {
        c.iam.console_mfa(&waiting.token, wrong).unwrap_err();
    }
    check(
        "the right code after five wrong ones",
        &c.iam.console_mfa(&waiting.token, &right),
        &Outcome::Throttled,
    );
}

#[test]
fn a_reset_required_password_must_be_changed_first() {
    let c = console();
    c.iam
        .update_login_profile(&c.account, "alice", None, Some(true))
        .unwrap();
    let r = c.alice(PASSWORD);
    check(
        "reset",
        &r,
        &Outcome::Stage(SessionStage::PasswordChangeRequired),
    );
    assert_eq!(
        c.alice_last_used(),
        Some(c.iam.now()),
        "the password was used to sign in"
    );
    let opened = r.unwrap();
    let alice = c.iam.user(&c.account, "alice").unwrap();
    c.iam
        .change_password(
            &c.account,
            &alice.id,
            &secret(PASSWORD),
            &secret("Another-Pass-77"),
        )
        .unwrap();
    c.iam.console_password_changed(&opened.token).unwrap();
    let live = c.iam.console_session(&opened.token).unwrap().unwrap();
    assert_eq!(live.session.stage, SessionStage::SignedIn);
    check(
        "with the new password",
        &c.alice("Another-Pass-77"),
        &Outcome::Stage(SessionStage::SignedIn),
    );
}

#[test]
fn a_password_older_than_max_password_age_must_be_changed_or_with_hard_expiry_reset_by_an_admin() {
    let c = console();
    c.policy(PasswordPolicyInput {
        max_password_age: Some(90),
        ..PasswordPolicyInput::default()
    });
    c.clock.advance(90 * 86_400 - 1);
    check(
        "a second before it expires",
        &c.alice(PASSWORD),
        &Outcome::Stage(SessionStage::SignedIn),
    );
    c.clock.advance(1);
    check(
        "expired",
        &c.alice(PASSWORD),
        &Outcome::Stage(SessionStage::PasswordChangeRequired),
    );
    c.policy(PasswordPolicyInput {
        max_password_age: Some(90),
        hard_expiry: Some(true),
        ..PasswordPolicyInput::default()
    });
    c.clock.advance(600);
    let before = c.alice_last_used();
    check(
        "expired under HardExpiry",
        &c.alice(PASSWORD),
        &Outcome::Denied(PASSWORD_EXPIRED_HARD),
    );
    assert_eq!(c.alice_last_used(), before, "no sign-in, nothing recorded");
    check(
        "a wrong password still says only that",
        &c.alice("wrong"),
        &Outcome::Denied(SIGN_IN_FAILED),
    );
    // The root user is not under the account password policy.
    check(
        "root",
        &c.sign_in(ACCOUNT, SignInAs::Root, ROOT_PASSWORD),
        &Outcome::Stage(SessionStage::SignedIn),
    );
    // An administrator's reset lets the user in again, to change it first.
    c.iam
        .update_login_profile(
            &c.account,
            "alice",
            Some(&secret("Admin-Set-123")),
            Some(true),
        )
        .unwrap();
    check(
        "after an administrator's reset",
        &c.alice("Admin-Set-123"),
        &Outcome::Stage(SessionStage::PasswordChangeRequired),
    );
}

#[test]
fn a_session_lasts_twelve_hours_and_ends_at_sign_out_or_with_its_user() {
    let c = console();
    let a = c.alice(PASSWORD).unwrap();
    let b = c.alice(PASSWORD).unwrap();
    assert!(c.iam.console_session(&a.token).unwrap().is_some());
    c.iam.console_sign_out(&a.token).unwrap();
    assert!(c.iam.console_session(&a.token).unwrap().is_none());
    c.iam.console_sign_out(&a.token).unwrap();
    c.clock.advance(SESSION_SECS - 1);
    assert!(c.iam.console_session(&b.token).unwrap().is_some());
    c.clock.advance(1);
    assert!(c.iam.console_session(&b.token).unwrap().is_none());
    let d = c.alice(PASSWORD).unwrap();
    c.iam.delete_login_profile(&c.account, "alice").unwrap();
    c.iam.delete_user(&c.account, "alice").unwrap();
    assert!(
        c.iam.console_session(&d.token).unwrap().is_none(),
        "a deleted user's session ends"
    );
}

#[test]
fn session_tokens_are_random_and_only_their_hash_is_stored() {
    let c = console();
    let a = c.alice(PASSWORD).unwrap();
    let b = c.alice(PASSWORD).unwrap();
    assert_eq!(a.token.expose().len(), 64);
    assert_ne!(a.token.expose(), b.token.expose());
    assert_eq!(a.session.token_hash, a.token.hash());
    assert!(!format!("{:?}", a.token).contains(a.token.expose()));
    let back = credreport_iam::SessionToken::from_cookie(a.token.expose()).unwrap();
    assert!(c.iam.console_session(&back).unwrap().is_some());
    assert!(credreport_iam::SessionToken::from_cookie("../etc").is_none());
}
