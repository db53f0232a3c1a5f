//! Scenarios: sequences of IAM operations at given clock times, and the exact report bytes
//! they must produce. Each case names the rule it proves and where the rule comes from
//! (seed 000/001 = the IAM user guide, "real" = real AWS output kept by other projects).

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use credreport_iam::model::Owner;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::{MasterKey, Secret};
use credreport_iam::store::checked::KeptRowsChecked;
use credreport_iam::{
    totp, write_account_report, AccountId, Error, Iam, IamConfig, ManualClock, ReportState,
    SqliteStore, Store,
};
use credreport_report::Timestamp;

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
const ROOT: &str = "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
const NO_KEYS_NO_CERTS: &str = "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
const PASSWORD: &str = "Correct-Horse-9-Battery";
const CERT: &str = include_str!("data/cert-valid-rsa2048.pem");

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s.as_bytes()).unwrap().0
}

/// One account (123456789012, created 2020-01-01T00:00:00Z, its root key removed) on a
/// real SQLite file, a clock the scenario moves, and labels for the keys, devices and
/// certificates it creates.
struct World {
    iam: Iam,
    clock: ManualClock,
    account: AccountId,
    labels: HashMap<&'static str, String>,
    seeds: HashMap<&'static str, Vec<u8>>,
    dir: tempfile::TempDir,
}

/// The IAM on a SQLite file, every write of an account holding its kept report rows to a
/// full build of its records before it commits (`KeptRowsChecked`).
fn open(dir: &std::path::Path, clock: &ManualClock, config: IamConfig) -> Iam {
    let store: Arc<dyn Store> = Arc::new(KeptRowsChecked::new(
        SqliteStore::open(&dir.join("iam.db")).unwrap(),
    ));
    let key = MasterKey::load_or_create(&dir.join("master.key")).unwrap();
    Iam::new(
        store,
        Arc::new(clock.clone()),
        key,
        PasswordHasher::fast_insecure_for_tests(),
        config,
    )
}

fn world_with(organization_member: bool, config: IamConfig) -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(ts("2020-01-01T00:00:00Z"));
    let iam = open(dir.path(), &clock, config);
    let account = AccountId::parse("123456789012").unwrap();
    let created = iam
        .create_account(Some(account.clone()), organization_member)
        .unwrap();
    if let Some(key) = created.root_key {
        iam.delete_access_key(&account, &Owner::Root, &key.key.id)
            .unwrap();
    }
    World {
        iam,
        clock,
        account,
        labels: HashMap::new(),
        seeds: HashMap::new(),
        dir,
    }
}

fn world() -> World {
    world_with(false, IamConfig::standard())
}

impl World {
    fn at(&mut self, t: &str) -> &mut Self {
        self.clock.set(ts(t));
        self
    }

    fn owner(&self, who: &str) -> Owner {
        if who == "root" {
            Owner::Root
        } else {
            Owner::User(self.iam.user(&self.account, who).unwrap().id)
        }
    }

    fn user(&mut self, name: &str) -> &mut Self {
        self.iam.create_user(&self.account, name, None).unwrap();
        self
    }

    fn password(&mut self, user: &str) -> &mut Self {
        self.iam
            .create_login_profile(
                &self.account,
                user,
                &Secret::from_string(PASSWORD.into()),
                false,
            )
            .unwrap();
        self
    }

    fn sign_in(&mut self, who: &str) -> &mut Self {
        let owner = self.owner(who);
        self.iam
            .sign_in(
                &self.account,
                &owner,
                &Secret::from_string(PASSWORD.into()),
                None,
            )
            .unwrap();
        self
    }

    fn key(&mut self, label: &'static str, who: &str) -> &mut Self {
        let owner = self.owner(who);
        let key = self.iam.create_access_key(&self.account, &owner).unwrap();
        self.labels.insert(label, key.key.id);
        self
    }

    fn key_status(&mut self, label: &str, who: &str, active: bool) -> &mut Self {
        let owner = self.owner(who);
        self.iam
            .update_access_key(&self.account, &owner, &self.labels[label], active)
            .unwrap();
        self
    }

    fn delete_key(&mut self, label: &str, who: &str) -> &mut Self {
        let owner = self.owner(who);
        self.iam
            .delete_access_key(&self.account, &owner, &self.labels[label])
            .unwrap();
        self
    }

    fn use_key(&mut self, label: &str, region: &str, service: &str) -> &mut Self {
        let now = self.iam.now();
        self.iam
            .record_key_use(&self.labels[label], now, region, service)
            .unwrap();
        self
    }

    fn mfa(&mut self, label: &'static str, who: &str) -> &mut Self {
        let device = self
            .iam
            .create_virtual_mfa_device(&self.account, None, label)
            .unwrap();
        let seed = totp::base32_decode(device.base32_seed.expose_str().unwrap()).unwrap();
        let now = self.iam.now().unix();
        let c = totp::counter_at(now);
        let (code1, code2) = (
            totp::format_code(totp::code_at(&seed, c - 1)),
            totp::format_code(totp::code_at(&seed, c)),
        );
        let owner = self.owner(who);
        self.iam
            .enable_mfa_device(&self.account, &owner, &device.device.serial, &code1, &code2)
            .unwrap();
        self.labels.insert(label, device.device.serial);
        self.seeds.insert(label, seed);
        self
    }

    fn cert(&mut self, label: &'static str, who: &str, pem: &str) -> &mut Self {
        let owner = self.owner(who);
        let cert = self
            .iam
            .upload_signing_certificate(&self.account, &owner, pem)
            .unwrap();
        self.labels.insert(label, cert.id);
        self
    }

    fn cert_status(&mut self, label: &str, who: &str, active: bool) -> &mut Self {
        let owner = self.owner(who);
        self.iam
            .update_signing_certificate(&self.account, &owner, &self.labels[label], active)
            .unwrap();
        self
    }

    fn max_password_age(&mut self, days: i64) -> &mut Self {
        let input = credreport_iam::PasswordPolicyInput {
            max_password_age: Some(days),
            ..Default::default()
        };
        self.iam
            .update_password_policy(&self.account, &input)
            .unwrap();
        self
    }

    /// Generates (running the build) and returns the report's text. A report just built
    /// from the kept rows is byte for byte a full build of the records, and so are the
    /// bytes the build joined in its own transaction (what the server encodes and keeps).
    fn report(&mut self) -> String {
        let generation = self.iam.generate_credential_report(&self.account).unwrap();
        let built = generation.build.map(|build| {
            let joined = build.run().unwrap().unwrap().content;
            let full = write_account_report(&self.iam.snapshot(&self.account).unwrap()).unwrap();
            (joined, full)
        });
        let stored = self.iam.credential_report(&self.account).unwrap().content;
        if let Some((joined, built)) = built {
            assert_eq!(
                String::from_utf8_lossy(&stored),
                String::from_utf8_lossy(&built),
                "the report of kept rows against a full build"
            );
            assert_eq!(
                String::from_utf8_lossy(&joined),
                String::from_utf8_lossy(&built),
                "the build's own join against a full build"
            );
        }
        String::from_utf8(stored).unwrap()
    }
}

/// The report must be exactly the header, the root row and these user rows.
fn check(world: &mut World, root: &str, users: &[&str]) {
    let mut expected = vec![HEADER, root];
    expected.extend_from_slice(users);
    let expected = expected.join("\n");
    let got = world.report();
    assert!(
        got == expected,
        "report differs\n---- expected\n{expected}\n---- got\n{got}\n----"
    );
}

fn row(name: &str, created: &str, password: &str, mfa: bool, rest: &str) -> String {
    format!("{name},arn:aws:iam::123456789012:user/{name},{created},{password},{mfa},{rest}")
}

#[test]
fn seed000_user_without_credentials_is_false_and_na() {
    let mut w = world();
    w.at("2020-02-01T10:00:00Z").user("bob");
    let bob = row(
        "bob",
        "2020-02-01T10:00:00+00:00",
        "false,N/A,N/A,N/A",
        false,
        NO_KEYS_NO_CERTS,
    );
    check(&mut w, ROOT, &[&bob]);
}

#[test]
fn seed000_password_never_used_is_no_information() {
    let mut w = world();
    w.at("2020-02-01T10:00:00Z")
        .user("alice")
        .at("2020-02-01T10:00:07Z")
        .password("alice");
    let alice = row(
        "alice",
        "2020-02-01T10:00:00+00:00",
        "true,no_information,2020-02-01T10:00:07+00:00,N/A",
        false,
        NO_KEYS_NO_CERTS,
    );
    check(&mut w, ROOT, &[&alice]);
}

#[test]
fn real_password_next_rotation_is_last_changed_plus_max_age_same_time_of_day() {
    // Real 2016 capture: 2016-08-30T18:24:44 -> 2016-11-28T18:24:44 with a 90-day policy.
    let mut w = world();
    w.max_password_age(90)
        .at("2016-08-30T18:00:00Z")
        .user("andrew")
        .at("2016-08-30T18:24:44Z")
        .password("andrew");
    let andrew = row(
        "andrew",
        "2016-08-30T18:00:00+00:00",
        "true,no_information,2016-08-30T18:24:44+00:00,2016-11-28T18:24:44+00:00",
        false,
        NO_KEYS_NO_CERTS,
    );
    check(&mut w, ROOT, &[&andrew]);
}

#[test]
fn seed000_password_use_recorded_for_first_use_in_5_minutes() {
    let mut w = world();
    w.at("2020-03-01T09:00:00Z").user("carol").password("carol");
    w.at("2020-03-01T09:10:00Z")
        .sign_in("carol")
        .at("2020-03-01T09:14:59Z")
        .sign_in("carol");
    let at = |t: &str| {
        row(
            "carol",
            "2020-03-01T09:00:00+00:00",
            &format!("true,{t},2020-03-01T09:00:00+00:00,N/A"),
            false,
            NO_KEYS_NO_CERTS,
        )
    };
    let report = w.report();
    assert!(
        report.ends_with(&at("2020-03-01T09:10:00+00:00")),
        "{report}"
    );
    // 5:00 after the recorded use opens a new span. The report is four hours old at most,
    // so move past the 4-hour rule before looking again.
    w.at("2020-03-01T09:15:00Z").sign_in("carol");
    w.at("2020-03-01T13:15:00Z");
    let report = w.report();
    assert!(
        report.ends_with(&at("2020-03-01T09:15:00+00:00")),
        "{report}"
    );
}

#[test]
fn seed000_key_use_recorded_for_first_use_in_15_minutes_at_minute_precision() {
    let mut w = world();
    w.at("2020-03-01T09:00:00Z").user("svc").key("k", "svc");
    w.at("2020-03-01T10:00:42Z")
        .use_key("k", "us-east-1", "iam");
    w.at("2020-03-01T10:14:59Z")
        .use_key("k", "eu-west-1", "sts");
    let keys = |used: &str| {
        format!("true,2020-03-01T09:00:00+00:00,{used},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    };
    let svc = |used: &str| {
        row(
            "svc",
            "2020-03-01T09:00:00+00:00",
            "false,N/A,N/A,N/A",
            false,
            &keys(used),
        )
    };
    check(
        &mut w,
        ROOT,
        &[&svc("2020-03-01T10:00:00+00:00,us-east-1,iam")],
    );
    // 15:00 after the recorded minute: recorded, with the new region and service.
    w.at("2020-03-01T10:15:00Z")
        .use_key("k", "eu-west-1", "sts");
    w.at("2020-03-01T14:15:00Z");
    check(
        &mut w,
        ROOT,
        &[&svc("2020-03-01T10:15:00+00:00,eu-west-1,sts")],
    );
}

#[test]
fn real_inactive_key_keeps_last_rotated_and_sorts_after_active_one() {
    // 2026 observation: key A created and made Inactive, then key B: slot 1 true (B),
    // slot 2 false (A) with its creation time.
    let mut w = world();
    w.at("2021-01-01T00:00:00Z")
        .user("dave")
        .key("a", "dave")
        .key_status("a", "dave", false);
    w.at("2021-01-01T00:00:01Z").key("b", "dave");
    let dave = row(
        "dave",
        "2021-01-01T00:00:00+00:00",
        "false,N/A,N/A,N/A",
        false,
        "true,2021-01-01T00:00:01+00:00,N/A,N/A,N/A,false,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
    );
    check(&mut w, ROOT, &[&dave]);
}

#[test]
fn two_active_keys_oldest_first_and_deleting_key_1_compacts() {
    let mut w = world();
    w.at("2021-01-01T00:00:00Z")
        .user("erin")
        .key("a", "erin")
        .at("2021-02-01T00:00:00Z")
        .key("b", "erin");
    let both = row(
        "erin",
        "2021-01-01T00:00:00+00:00",
        "false,N/A,N/A,N/A",
        false,
        "true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,true,2021-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
    );
    check(&mut w, ROOT, &[&both]);
    w.delete_key("a", "erin").at("2021-02-01T04:00:00Z");
    let one = row(
        "erin",
        "2021-01-01T00:00:00+00:00",
        "false,N/A,N/A,N/A",
        false,
        "true,2021-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    );
    check(&mut w, ROOT, &[&one]);
}

#[test]
fn mfa_enabled_with_two_consecutive_totp_codes_sets_mfa_active() {
    let mut w = world();
    w.at("2021-05-05T05:05:05Z")
        .user("fay")
        .password("fay")
        .mfa("fay-phone", "fay")
        .mfa("root-token", "root");
    let root = ROOT.replacen(
        ",not_supported,false,false,",
        ",not_supported,true,false,",
        1,
    );
    let fay = row(
        "fay",
        "2021-05-05T05:05:05+00:00",
        "true,no_information,2021-05-05T05:05:05+00:00,N/A",
        true,
        NO_KEYS_NO_CERTS,
    );
    check(&mut w, &root, &[&fay]);
}

#[test]
fn seed003_inactive_certificate_keeps_its_upload_time() {
    // Seed 003's sample: cert_1_active=false, cert_1_last_rotated=2015-04-20T20:00:12+00:00.
    let mut w = world();
    // (Moved to 2021: the test certificate is valid from 2020 on.)
    w.at("2021-04-15T18:27:44Z")
        .user("Bill")
        .at("2021-04-20T20:00:12Z")
        .cert("c", "Bill", CERT)
        .cert_status("c", "Bill", false);
    let bill = row(
        "Bill",
        "2021-04-15T18:27:44+00:00",
        "false,N/A,N/A,N/A",
        false,
        "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,2021-04-20T20:00:12+00:00,false,N/A",
    );
    check(&mut w, ROOT, &[&bill]);
}

#[test]
fn real_root_row_with_key_cert_and_password_use() {
    // Real 2016 root: active key, active cert, a password sign-in, no MFA.
    let mut w = world();
    w.at("2020-06-01T12:00:00Z")
        .key("rk", "root")
        .cert("rc", "root", CERT);
    w.iam
        .set_root_password(&w.account, Some(&Secret::from_string(PASSWORD.into())))
        .unwrap();
    w.at("2020-06-02T08:30:15Z")
        .sign_in("root")
        .at("2020-06-02T08:31:40Z")
        .use_key("rk", "us-east-1", "s3");
    let root = "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2020-06-02T08:30:15+00:00,not_supported,not_supported,false,true,2020-06-01T12:00:00+00:00,2020-06-02T08:31:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,true,2020-06-01T12:00:00+00:00,false,N/A";
    check(&mut w, root, &[]);
}

#[test]
fn seed001_organization_member_without_root_credentials_shows_password_enabled_false() {
    let mut w = world_with(true, IamConfig::standard());
    let root = "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,false,N/A,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    check(&mut w, root, &[]);
}

#[test]
fn real_users_sorted_by_name_ignoring_case_and_arns_carry_paths() {
    let mut w = world();
    w.at("2020-02-02T00:00:00Z");
    for name in ["rome", "kaleb", "Hazmat", "charmworld"] {
        w.user(name);
    }
    w.iam
        .create_user(&w.account, "Juan", Some("/division_abc/subdivision_xyz/"))
        .unwrap();
    let plain = |n: &str| {
        row(
            n,
            "2020-02-02T00:00:00+00:00",
            "false,N/A,N/A,N/A",
            false,
            NO_KEYS_NO_CERTS,
        )
    };
    let juan = format!(
        "Juan,arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Juan,2020-02-02T00:00:00+00:00,false,N/A,N/A,N/A,false,{NO_KEYS_NO_CERTS}"
    );
    check(
        &mut w,
        ROOT,
        &[
            &plain("charmworld"),
            &plain("Hazmat"),
            &juan,
            &plain("kaleb"),
            &plain("rome"),
        ],
    );
}

#[test]
fn seed000_four_hour_rule_returns_the_frozen_report() {
    let mut w = world();
    w.at("2022-01-01T00:00:00Z");
    assert!(matches!(
        w.iam.credential_report(&w.account),
        Err(Error::ReportNotPresent)
    ));
    assert!(matches!(
        w.iam.credential_report_generated(&w.account),
        Err(Error::ReportNotPresent)
    ));
    let first = w.iam.generate_credential_report(&w.account).unwrap();
    assert_eq!(first.state, ReportState::Started);
    assert_eq!(
        first.description,
        Some("No report exists. Starting a new report generation task")
    );
    assert!(matches!(
        w.iam.credential_report(&w.account),
        Err(Error::ReportInProgress)
    ));
    assert!(matches!(
        w.iam.credential_report_generated(&w.account),
        Err(Error::ReportInProgress)
    ));
    assert_eq!(
        w.iam.generate_credential_report(&w.account).unwrap().state,
        ReportState::InProgress
    );
    let built = first.build.unwrap().run().unwrap();
    let report = w.iam.credential_report(&w.account).unwrap();
    assert_eq!(report.generated, ts("2022-01-01T00:00:00Z"));
    assert_eq!(built, Some(report.clone()));

    // A user created within four hours is not in the report: nothing is rebuilt.
    w.at("2022-01-01T03:59:59Z").user("late");
    let again = w.iam.generate_credential_report(&w.account).unwrap();
    assert_eq!(
        (again.state, again.description),
        (ReportState::Complete, None)
    );
    assert!(again.build.is_none());
    assert_eq!(w.iam.credential_report(&w.account).unwrap(), report);

    // At four hours a new report is started; the old one is served until it is done.
    w.at("2022-01-01T04:00:00Z");
    let fresh = w.iam.generate_credential_report(&w.account).unwrap();
    assert_eq!(fresh.state, ReportState::Started);
    assert_eq!(w.iam.credential_report(&w.account).unwrap(), report);
    assert_eq!(
        w.iam.credential_report_generated(&w.account).unwrap(),
        report.generated
    );
    fresh.build.unwrap().run().unwrap();
    let new = w.iam.credential_report(&w.account).unwrap();
    assert_eq!(new.generated, ts("2022-01-01T04:00:00Z"));
    assert_eq!(
        w.iam.credential_report_generated(&w.account).unwrap(),
        new.generated
    );
    assert!(String::from_utf8(new.content).unwrap().contains("\nlate,"));
}

/// Issue 26: a report is a snapshot of the kept rows. Every kind of change made after it
/// was generated (a user deleted and another made under its name, passwords, keys and
/// their use, MFA, certificates, sign-ins, the password policy's maximum age) leaves it
/// byte for byte as it was; the next report has them all, as a full build writes them.
#[test]
fn a_report_stays_as_generated_whatever_changes_after_it() {
    let mut w = world();
    w.max_password_age(90)
        .at("2023-01-01T00:00:00Z")
        .user("amy")
        .password("amy")
        .key("amy-1", "amy")
        .user("Ben")
        .user("cal,quoted")
        .password("cal,quoted")
        .cert("cal-cert", "cal,quoted", CERT);
    let first = w.report();
    w.at("2023-01-01T01:00:00Z")
        .use_key("amy-1", "eu-west-1", "s3")
        .key("amy-2", "amy")
        .key_status("amy-1", "amy", false)
        .mfa("amy-phone", "amy")
        .sign_in("cal,quoted")
        .cert_status("cal-cert", "cal,quoted", false)
        .max_password_age(30)
        .user("aaron")
        .mfa("root-token", "root");
    w.iam.delete_user(&w.account, "Ben").unwrap();
    w.user("ben").password("ben");
    w.iam.delete_login_profile(&w.account, "amy").unwrap();
    assert_eq!(
        w.report(),
        first,
        "within four hours: the report as it was generated"
    );
    assert_eq!(
        String::from_utf8(w.iam.credential_report(&w.account).unwrap().content).unwrap(),
        first
    );
    w.at("2023-01-01T05:00:00Z");
    let next = w.report();
    assert_ne!(next, first);
    for row in [
        "\naaron,",
        "\nben,",
        "amy,arn:aws:iam::123456789012:user/amy,2023-01-01T00:00:00+00:00,false,",
    ] {
        assert!(next.contains(row), "{row} in\n{next}");
    }
    assert!(!next.contains("\nBen,"), "{next}");
}

#[test]
fn concurrent_generate_calls_start_one_build() {
    let w = world();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (iam, account) = (w.iam.clone(), w.account.clone());
            std::thread::spawn(move || iam.generate_credential_report(&account).unwrap())
        })
        .collect();
    let generations: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let started: Vec<_> = generations
        .into_iter()
        .filter(|g| g.state == ReportState::Started)
        .collect();
    assert_eq!(started.len(), 1);
}

#[test]
fn a_build_interrupted_by_a_crash_is_finished_after_restart() {
    let w = world();
    let generation = w.iam.generate_credential_report(&w.account).unwrap();
    assert_eq!(generation.state, ReportState::Started);
    drop(generation); // the process dies before the build runs
    let World {
        iam,
        clock,
        account,
        dir,
        ..
    } = w;
    drop(iam);
    let restarted = open(dir.path(), &clock, IamConfig::standard());
    assert!(matches!(
        restarted.credential_report(&account),
        Err(Error::ReportInProgress)
    ));
    let builds = restarted.interrupted_builds(true).unwrap();
    assert_eq!(builds.len(), 1);
    for build in builds {
        build.run().unwrap();
    }
    let report = restarted.credential_report(&account).unwrap();
    assert!(String::from_utf8(report.content)
        .unwrap()
        .starts_with(HEADER));
}

#[test]
fn another_process_takes_over_a_build_only_after_its_lease() {
    let w = world();
    let generation = w.iam.generate_credential_report(&w.account).unwrap();
    assert!(
        w.iam.interrupted_builds(false).unwrap().is_empty(),
        "the lease is still running"
    );
    w.clock.advance(300);
    let taken = w.iam.interrupted_builds(false).unwrap();
    assert_eq!(taken.len(), 1);
    // The original build finishes late: its result is dropped, the new owner's stands.
    assert_eq!(generation.build.unwrap().run().unwrap(), None);
    assert!(matches!(
        w.iam.credential_report(&w.account),
        Err(Error::ReportInProgress)
    ));
    for build in taken {
        let built = build.run().unwrap();
        assert_eq!(built, Some(w.iam.credential_report(&w.account).unwrap()));
    }
}

#[test]
fn report_expired_only_when_the_operator_sets_a_maximum_age() {
    let config = IamConfig {
        report_max_age_secs: Some(3600),
        ..IamConfig::standard()
    };
    let mut w = world_with(false, config);
    w.report();
    w.clock.advance(3600);
    assert!(w.iam.credential_report(&w.account).is_ok());
    w.clock.advance(1);
    assert!(matches!(
        w.iam.credential_report(&w.account),
        Err(Error::ReportExpired)
    ));
    assert!(matches!(
        w.iam.credential_report_generated(&w.account),
        Err(Error::ReportExpired)
    ));
}

#[test]
fn deleting_a_user_with_anything_attached_is_a_conflict() {
    type Attach = fn(&mut World);
    let cases: &[(&str, Attach, &str)] = &[
        (
            "login profile",
            |w| {
                w.password("u");
            },
            "Cannot delete entity, must delete login profile first.",
        ),
        (
            "access key",
            |w| {
                w.key("k", "u");
            },
            "Cannot delete entity, must delete access keys first.",
        ),
        (
            "certificate",
            |w| {
                w.cert("c", "u", CERT);
            },
            "Cannot delete entity, must delete certificates first.",
        ),
        (
            "mfa device",
            |w| {
                w.mfa("u-phone", "u");
            },
            "Cannot delete entity, must delete MFA device first.",
        ),
        (
            "inline policy",
            |w| {
                let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}}"#;
                w.iam
                    .put_inline_policy(&w.account, credreport_iam::Named::User("u"), "p", doc)
                    .unwrap();
            },
            "Cannot delete entity, must delete policies first.",
        ),
    ];
    for (what, attach, message) in cases {
        let mut w = world();
        w.user("u");
        attach(&mut w);
        match w.iam.delete_user(&w.account, "u") {
            Err(Error::DeleteConflict(m)) => assert_eq!(&m, message, "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    let mut w = world();
    w.user("u");
    w.iam.delete_user(&w.account, "u").unwrap();
    assert!(matches!(
        w.iam.user(&w.account, "u"),
        Err(Error::NoSuchEntity(_))
    ));
}

#[test]
fn quotas_two_keys_two_certificates_unique_names() {
    let mut w = world();
    w.user("u").key("a", "u").key("b", "u");
    let owner = w.owner("u");
    match w.iam.create_access_key(&w.account, &owner) {
        Err(Error::LimitExceeded(m)) => {
            assert_eq!(m, "Cannot exceed quota for AccessKeysPerUser: 2")
        }
        other => panic!("{other:?}"),
    }
    // An Inactive key still counts.
    w.key_status("a", "u", false);
    assert!(matches!(
        w.iam.create_access_key(&w.account, &owner),
        Err(Error::LimitExceeded(_))
    ));
    match w.iam.create_user(&w.account, "U", None) {
        Err(Error::EntityAlreadyExists(m)) => assert_eq!(m, "User with name U already exists."),
        other => panic!("{other:?}"),
    }
    w.cert("c1", "u", CERT);
    match w.iam.upload_signing_certificate(&w.account, &owner, CERT) {
        Err(Error::DuplicateCertificate(_)) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn passwords_follow_the_policy_and_the_default_policy() {
    let mut w = world();
    w.user("u");
    let weak = Secret::from_string("short".into());
    assert!(matches!(
        w.iam.create_login_profile(&w.account, "u", &weak, false),
        Err(Error::PasswordPolicyViolation(_))
    ));
    let input = credreport_iam::PasswordPolicyInput {
        minimum_password_length: Some(200),
        max_password_age: Some(0),
        ..Default::default()
    };
    match w.iam.update_password_policy(&w.account, &input) {
        Err(e @ Error::Validation(_)) => assert_eq!(
            e.to_string(),
            "2 validation errors detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value greater than or equal to 1"
        ),
        other => panic!("{other:?}"),
    }
    let input = credreport_iam::PasswordPolicyInput {
        minimum_password_length: Some(6),
        ..Default::default()
    };
    w.iam.update_password_policy(&w.account, &input).unwrap();
    w.iam
        .create_login_profile(
            &w.account,
            "u",
            &Secret::from_string("sixsix".into()),
            false,
        )
        .unwrap();
}

/// Signature verification's view of a key is kept between requests, and a status change or
/// a deletion in this process shows on the very next lookup.
#[test]
fn a_signing_key_follows_update_and_delete_at_once() {
    let w = world();
    let root = Owner::Root;
    let new = w.iam.create_access_key(&w.account, &root).unwrap();
    let id = new.key.id.clone();
    let first = w.iam.signing_key(&id).unwrap().unwrap();
    assert!(first.active);
    assert_eq!(first.secret.expose(), new.secret.expose());
    let again = w.iam.signing_key(&id).unwrap().unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again), "not kept");

    w.iam
        .update_access_key(&w.account, &root, &id, false)
        .unwrap();
    assert!(!w.iam.signing_key(&id).unwrap().unwrap().active);
    w.iam
        .update_access_key(&w.account, &root, &id, true)
        .unwrap();
    assert!(w.iam.signing_key(&id).unwrap().unwrap().active);
    w.iam.delete_access_key(&w.account, &root, &id).unwrap();
    assert!(w.iam.signing_key(&id).unwrap().is_none());
}
