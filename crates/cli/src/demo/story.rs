//! The demo's history: about three years of an organization's IAM, told through the `iam`
//! crate's operations with a simulated clock, the same on every run for the same end day.
//!
//! Two accounts. `acme-prod` (123456789012): a root user with MFA and one old access key,
//! a password policy, people with console passwords and MFA and without, passwords reset
//! and expired, service users whose keys are rotated on time or not, keys never used, a
//! second key left active, keys used in several regions and services, signing
//! certificates, a user whose last sign-in falls in AWS's May 2018 gap, groups, managed
//! policies and roles; it is the management account of the organization (AWS
//! Organizations' read API serves it). Its users and roles make API requests over the
//! years ([`super::requests`]: the key's or the role's use and last-accessed data, as the
//! endpoint records them): svc-deploy releases every 90 days through the `deploy` role
//! (steady use) and updated Lambda functions itself in its first year only; svc-backup
//! wrote to Glacier, then to S3, never a DynamoDB backup; svc-etl assumed `db-migration`
//! for a few nights a year ago, never since; alice (an administrator) and svc-dashboard
//! (read-only) have keys unused for seven months. Policies allow services never used, so
//! `permissions-unused` and `role-unused` have something to say too. `acme-sandbox` (210987654321): an older standalone
//! account that joined the organization by invitation, whose root still has a password, no
//! MFA, a key and a signing certificate; its administrators gave it
//! `OrganizationAccountAccessRole`, the role Organizations gives the accounts it creates.
//! Between them every check of the auditor has something to say.

use anyhow::Context;
use credreport_iam::model::{JoinedMethod, Owner};
use credreport_iam::secret::Secret;
use credreport_iam::{
    totp, AccountId, Iam, ManualClock, Named, NewMember, NewRole, PasswordPolicyInput,
};
use credreport_report::Timestamp;

use super::requests::{request, Caller};

/// The main account's id.
pub const MAIN: &str = "123456789012";
/// The sandbox account's id.
pub const SANDBOX: &str = "210987654321";
/// The console user whose credentials the demo prints (no MFA, an administrator).
pub const DEMO_USER: &str = "demo-admin";
const DEMO_PASSWORD: &str = "Demo-Admin-Passw0rd!";
const ROOT_PASSWORD: &str = "Acme-Root-Passw0rd!";
const SANDBOX_ROOT_PASSWORD: &str = "Sandbox-Root-Passw0rd!";
const DAY: i64 = 86_400;
const REGIONS: [&str; 5] = [
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "ap-southeast-2",
    "eu-central-1",
];
const SERVICES: [&str; 6] = ["s3", "ec2", "sts", "dynamodb", "lambda", "iam"];
const BUILD_SIGNER_CERT: &str = include_str!("build-signer.pem");
const SANDBOX_ROOT_CERT: &str = include_str!("sandbox-root.pem");

/// What a newcomer needs to use the demo.
#[derive(Debug)]
pub struct Populated {
    /// The main account.
    pub main: AccountId,
    /// The sandbox account.
    pub sandbox: AccountId,
    /// The main account's root access key: id and secret.
    pub root_key: (String, Secret),
    /// The main root user's console password.
    pub root_password: &'static str,
    /// The main root user's MFA seed (Base32), for an authenticator app.
    pub root_mfa_seed: Secret,
    /// The demo user's console password.
    pub user_password: &'static str,
    /// The demo user's access key: id and secret.
    pub user_key: (String, Secret),
}

/// The simulated clock and the calls the story makes, at days before its end.
struct Story<'a> {
    iam: &'a Iam,
    clock: &'a ManualClock,
    /// The story's end (the day the demo runs, 00:00 UTC).
    end: i64,
    account: AccountId,
}

fn at_unix(secs: i64) -> anyhow::Result<Timestamp> {
    Timestamp::from_unix(secs).context("a time outside the report's range")
}

impl Story<'_> {
    /// Moves the clock to `days` before the end, at `hour`:`minute` UTC.
    fn at(&self, days: i64, hour: i64, minute: i64) -> anyhow::Result<()> {
        self.clock
            .set(at_unix(self.end - days * DAY + hour * 3600 + minute * 60)?);
        Ok(())
    }

    /// Moves the clock to an absolute instant (`YYYY-MM-DDTHH:MM:SSZ`).
    fn on(&self, when: &str) -> anyhow::Result<()> {
        let (t, _) = Timestamp::parse(when.as_bytes()).context("a story date")?;
        self.clock.set(t);
        Ok(())
    }

    fn owner(&self, user: &str) -> anyhow::Result<Owner> {
        Ok(Owner::User(self.iam.user(&self.account, user)?.id))
    }

    fn user(&self, name: &str, path: Option<&str>) -> anyhow::Result<()> {
        self.iam
            .create_user(&self.account, name, path)
            .with_context(|| format!("creating {name}"))?;
        Ok(())
    }

    fn password(&self, name: &str, password: &str, reset: bool) -> anyhow::Result<()> {
        let secret = Secret::from_string(password.to_owned());
        if self.iam.login_profile(&self.account, name).is_ok() {
            self.iam
                .update_login_profile(&self.account, name, Some(&secret), Some(reset))
        } else {
            self.iam
                .create_login_profile(&self.account, name, &secret, reset)
                .map(drop)
        }
        .with_context(|| format!("setting {name}'s password"))
    }

    /// An MFA device for `owner`, enabled now; its seed.
    fn mfa(&self, owner: &Owner, device: &str) -> anyhow::Result<Vec<u8>> {
        let new = self
            .iam
            .create_virtual_mfa_device(&self.account, None, device)?;
        let seed_text = new.base32_seed.expose_str().unwrap_or_default();
        let seed = totp::base32_decode(seed_text).context("the device's seed")?;
        let c = totp::counter_at(self.iam.now().unix());
        self.iam.enable_mfa_device(
            &self.account,
            owner,
            &new.device.serial,
            &totp::format_code(totp::code_at(&seed, c - 1)),
            &totp::format_code(totp::code_at(&seed, c)),
        )?;
        Ok(seed)
    }

    /// A console sign-in now (with a code of `seed` when the owner has MFA).
    fn sign_in(&self, owner: &Owner, password: &str, seed: Option<&[u8]>) -> anyhow::Result<()> {
        let code = seed.map(|s| {
            // A step after the enabling codes, so that it is never one already accepted.
            let c = totp::counter_at(self.iam.now().unix()) + 1;
            totp::format_code(totp::code_at(s, c))
        });
        self.iam
            .sign_in(
                &self.account,
                owner,
                &Secret::from_string(password.to_owned()),
                code.as_deref(),
            )
            .with_context(|| format!("signing {} in", owner.as_key()))?;
        Ok(())
    }

    /// The user changes its own password.
    fn change_password(&self, name: &str, old: &str, new: &str) -> anyhow::Result<()> {
        let id = self.iam.user(&self.account, name)?.id;
        self.iam
            .change_password(
                &self.account,
                &id,
                &Secret::from_string(old.to_owned()),
                &Secret::from_string(new.to_owned()),
            )
            .with_context(|| format!("{name} changing the password"))
    }

    fn key(&self, owner: &Owner) -> anyhow::Result<(String, Secret)> {
        let k = self.iam.create_access_key(&self.account, owner)?;
        Ok((k.key.id, k.secret))
    }

    fn use_key(&self, key: &str, region: &str, service: &str) -> anyhow::Result<()> {
        self.iam
            .record_key_use(key, self.iam.now(), region, service)?;
        Ok(())
    }

    /// The user `name` makes `action` (on any resource) with its key `key`, in `region`.
    fn call(&self, name: &str, key: &str, action: &str, region: &str) -> anyhow::Result<()> {
        request(
            self.iam,
            &self.account,
            Caller::User { name, key },
            action,
            "*",
            region,
        )
    }

    /// The user `name` assumes `role` (its ARN) with its key `key`, and the role's session
    /// makes `actions` in `region`.
    fn assume(
        &self,
        name: &str,
        key: &str,
        role: &str,
        actions: &[&str],
        region: &str,
    ) -> anyhow::Result<()> {
        let arn = self.iam.role(&self.account, role)?.arn();
        let a = &self.account;
        request(
            self.iam,
            a,
            Caller::User { name, key },
            "sts:AssumeRole",
            &arn,
            region,
        )?;
        for action in actions {
            request(
                self.iam,
                a,
                Caller::Role { name: role },
                action,
                "*",
                region,
            )?;
        }
        Ok(())
    }

    fn policy(&self, name: &str, document: &str, description: &str) -> anyhow::Result<String> {
        let p = self.iam.create_policy(
            &self.account,
            name,
            Some("/service/"),
            document,
            Some(description),
        )?;
        Ok(p.arn)
    }
}

/// A person's password in the story (never printed; the policy's rules are met).
fn password_of(name: &str, n: u32) -> String {
    format!("{name}-Secret-{n}!Aa")
}

/// Tells the whole story, ending at `end` (00:00 UTC of the demo's day); `users` is the
/// main account's number of users (at least the story's own 16).
pub fn populate(
    iam: &Iam,
    clock: &ManualClock,
    end: Timestamp,
    users: usize,
) -> anyhow::Result<Populated> {
    let main = AccountId::parse(MAIN).context("the main account id")?;
    let sandbox = AccountId::parse(SANDBOX).context("the sandbox account id")?;
    let s = Story {
        iam,
        clock,
        end: end.unix(),
        account: main.clone(),
    };

    // 2017: the account, its root password and first key; the first people.
    s.on("2017-03-01T10:00:00Z")?;
    let created = iam.create_account(Some(main.clone()), false)?;
    let root_key = created.root_key.context("a root key")?;
    iam.set_root_password(&main, Some(&Secret::from_string(ROOT_PASSWORD.into())))?;
    iam.create_account_alias(&main, "acme-prod")?;
    s.on("2017-06-01T09:00:00Z")?;
    s.user("frank.old", None)?;
    s.password("frank.old", &password_of("frank", 1), false)?;
    // frank's last sign-in: just before AWS's May 2018 gap in recording sign-ins.
    s.on("2018-05-01T16:20:00Z")?;
    s.sign_in(&s.owner("frank.old")?, &password_of("frank", 1), None)?;
    // The organization, with acme-prod as its management account.
    s.on("2018-09-03T10:00:00Z")?;
    iam.create_organization(&main, "acme-prod", "aws-prod@acme.example")?;

    // About three years ago: MFA for root, a password policy, the build signer.
    s.at(1100, 9, 0)?;
    s.user("build-signer", Some("/service/"))?;
    iam.upload_signing_certificate(&main, &s.owner("build-signer")?, BUILD_SIGNER_CERT)?;
    let (signer_key, _) = s.key(&s.owner("build-signer")?)?;
    s.at(1000, 9, 30)?;
    let root_seed = s.mfa(&Owner::Root, "root-account-mfa-device")?;
    iam.update_password_policy(
        &main,
        &PasswordPolicyInput {
            minimum_password_length: Some(14),
            require_symbols: Some(true),
            require_numbers: Some(true),
            require_uppercase_characters: Some(true),
            require_lowercase_characters: Some(true),
            allow_users_to_change_password: Some(true),
            max_password_age: Some(90),
            password_reuse_prevention: Some(5),
            hard_expiry: Some(false),
        },
    )?;
    groups_and_policies(&s)?;

    // People.
    s.at(1000, 10, 0)?;
    s.user("alice.nguyen", Some("/people/"))?;
    s.password("alice.nguyen", &password_of("alice", 1), false)?;
    let alice = s.owner("alice.nguyen")?;
    let alice_seed = s.mfa(&alice, "alice.nguyen")?;
    iam.add_user_to_group(&main, "Admins", "alice.nguyen")?;
    s.at(40, 8, 55)?;
    s.change_password(
        "alice.nguyen",
        &password_of("alice", 1),
        &password_of("alice", 2),
    )?;
    s.at(2, 9, 5)?;
    s.sign_in(&alice, &password_of("alice", 2), Some(&alice_seed))?;
    // alice's access key for the CLI: used in her first months with it, not for seven
    // months now (an administrator's stale key).
    s.at(420, 10, 0)?;
    let (alice_key, _) = s.key(&alice)?;
    for (day, action, region) in [
        (410, "ec2:DescribeInstances", "eu-west-1"),
        (300, "s3:ListBucket", "us-east-1"),
        (200, "iam:ListUsers", "us-east-1"),
    ] {
        s.at(day, 15, 0)?;
        s.call("alice.nguyen", &alice_key, action, region)?;
    }

    s.at(900, 11, 0)?;
    s.user("grace.hall", Some("/people/"))?;
    s.password("grace.hall", &password_of("grace", 1), false)?;
    let grace = s.owner("grace.hall")?;
    let grace_seed = s.mfa(&grace, "grace.hall")?;
    iam.add_user_to_group(&main, "Developers", "grace.hall")?;
    // grace's password has been past the policy's 90 days for well over a year.
    s.at(730, 9, 0)?;
    s.change_password(
        "grace.hall",
        &password_of("grace", 1),
        &password_of("grace", 2),
    )?;
    s.at(10, 14, 10)?;
    s.sign_in(&grace, &password_of("grace", 2), Some(&grace_seed))?;

    s.at(800, 9, 45)?;
    s.user("dave.kim", Some("/people/"))?;
    s.password("dave.kim", &password_of("dave", 1), false)?;
    let dave = s.owner("dave.kim")?;
    let dave_seed = s.mfa(&dave, "dave.kim")?;
    iam.add_user_to_group(&main, "Developers", "dave.kim")?;
    s.at(200, 17, 30)?;
    s.sign_in(&dave, &password_of("dave", 1), Some(&dave_seed))?;

    s.at(700, 10, 15)?;
    s.user("bob.martin", Some("/people/"))?;
    s.password("bob.martin", &password_of("bob", 1), false)?;
    let bob = s.owner("bob.martin")?;
    iam.add_user_to_group(&main, "Developers", "bob.martin")?;
    s.at(60, 9, 0)?;
    s.change_password("bob.martin", &password_of("bob", 1), &password_of("bob", 2))?;
    s.at(3, 8, 40)?;
    s.sign_in(&bob, &password_of("bob", 2), None)?;

    s.at(500, 13, 0)?;
    s.user("carol.diaz", Some("/people/"))?;
    s.password("carol.diaz", &password_of("carol", 1), false)?;
    let carol = s.owner("carol.diaz")?;
    let carol_seed = s.mfa(&carol, "carol.diaz")?;
    iam.add_user_to_group(&main, "Auditors", "carol.diaz")?;
    s.at(4, 10, 0)?;
    s.sign_in(&carol, &password_of("carol", 1), Some(&carol_seed))?;
    // An administrator reset carol's password: she sets a new one at her next sign-in.
    s.at(1, 16, 0)?;
    s.password("carol.diaz", &password_of("carol", 3), true)?;

    s.at(120, 9, 0)?;
    s.user("erin.lopez", Some("/people/"))?;
    s.password("erin.lopez", &password_of("erin", 1), true)?;

    // hank's first day: a password and an access key made with the user, the key never used.
    s.at(30, 9, 0)?;
    s.user("hank.ross", Some("/people/"))?;
    s.password("hank.ross", &password_of("hank", 1), false)?;
    let hank = s.owner("hank.ross")?;
    s.key(&hank)?;
    s.at(29, 9, 30)?;
    s.sign_in(&hank, &password_of("hank", 1), None)?;

    // Services.
    s.at(1000, 12, 0)?;
    s.user("svc-deploy", Some("/service/"))?;
    let pipeline = s.policy(
        "DeployPipeline",
        &deploy_pipeline(&main),
        "Releases: the fleet, the stacks, the artifacts, the functions",
    )?;
    iam.attach_policy(&main, Named::User("svc-deploy"), &pipeline)?;
    let deploy = s.owner("svc-deploy")?;
    let (mut deploy_key, _) = s.key(&deploy)?;
    // Rotated every 90 days: a new key, used, the old one made inactive, then deleted.
    let mut day = 1000;
    while day > 90 {
        s.at(day - 1, 3, 0)?;
        release(&s, &deploy_key, day > 700)?;
        day -= 90;
        s.at(day, 12, 0)?;
        let (next, _) = s.key(&deploy)?;
        iam.update_access_key(&main, &deploy, &deploy_key, false)?;
        s.at(day - 7, 12, 0)?;
        iam.delete_access_key(&main, &deploy, &deploy_key)?;
        deploy_key = next;
    }
    s.at(0, 0, 0)?;
    s.clock.advance(-2 * 3600);
    release(&s, &deploy_key, false)?;

    // Backups: to Glacier vaults at first, to S3 every two months since; the DynamoDB
    // backups its policy allows were never made.
    s.at(600, 15, 0)?;
    s.user("svc-backup", Some("/service/"))?;
    let writer = s.policy(
        "BackupWriter",
        BACKUP_WRITER,
        "Nightly backups: S3, Glacier, DynamoDB",
    )?;
    iam.attach_policy(&main, Named::User("svc-backup"), &writer)?;
    let (backup_key, _) = s.key(&s.owner("svc-backup")?)?;
    s.at(590, 2, 0)?;
    s.call(
        "svc-backup",
        &backup_key,
        "glacier:UploadArchive",
        "eu-west-1",
    )?;
    for day in (61..=541).rev().step_by(60) {
        s.at(day, 2, 0)?;
        s.call("svc-backup", &backup_key, "s3:PutObject", "eu-west-1")?;
    }
    s.at(1, 2, 0)?;
    s.call("svc-backup", &backup_key, "s3:PutObject", "eu-west-1")?;

    s.at(500, 15, 30)?;
    s.user("svc-reports", Some("/service/"))?;
    iam.put_inline_policy(
        &main,
        Named::User("svc-reports"),
        "ReadReportTables",
        REPORT_TABLES,
    )?;
    let reports = s.owner("svc-reports")?;
    let (old_key, _) = s.key(&reports)?;
    s.at(200, 6, 0)?;
    s.call("svc-reports", &old_key, "dynamodb:Query", "ap-southeast-2")?;
    // A second key for a rotation that never finished: the old one is still active.
    s.at(100, 11, 0)?;
    let (new_key, _) = s.key(&reports)?;
    s.at(1, 6, 0)?;
    s.call("svc-reports", &new_key, "dynamodb:Query", "ap-southeast-2")?;

    // A dashboard's read-only user: its key read the metrics every month, until the
    // dashboard moved seven months ago (a reader's stale key, beside alice's).
    s.at(420, 11, 0)?;
    s.user("svc-dashboard", Some("/service/"))?;
    iam.attach_policy(
        &main,
        Named::User("svc-dashboard"),
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )?;
    let (dashboard_key, _) = s.key(&s.owner("svc-dashboard")?)?;
    for day in (209..=419).rev().step_by(30) {
        s.at(day, 6, 0)?;
        s.call(
            "svc-dashboard",
            &dashboard_key,
            "cloudwatch:GetMetricData",
            "us-east-1",
        )?;
    }

    s.at(300, 10, 0)?;
    s.user("ci-runner", Some("/service/"))?;
    s.key(&s.owner("ci-runner")?)?;

    s.at(400, 10, 0)?;
    s.user("svc-etl", Some("/service/"))?;
    iam.put_inline_policy(&main, Named::User("svc-etl"), "EtlJobs", &etl_jobs(&main))?;
    let (etl_key, _) = s.key(&s.owner("svc-etl")?)?;
    // Someone gave the ETL job a console password; nobody ever used it.
    s.password("svc-etl", &password_of("etl", 1), false)?;
    // The database migration, a year ago: a role for it, assumed by the ETL job for a
    // few nights, never since.
    s.at(390, 9, 0)?;
    migration_role(&s)?;
    for day in [384, 382, 380] {
        s.at(day, 1, 30)?;
        s.assume(
            "svc-etl",
            &etl_key,
            "db-migration",
            &["rds:DescribeDBInstances", "dynamodb:BatchWriteItem"],
            "eu-west-1",
        )?;
    }
    s.at(2, 4, 0)?;
    s.call("svc-etl", &etl_key, "glue:StartJobRun", "us-west-2")?;

    s.at(7, 22, 0)?;
    s.use_key(&signer_key, "us-east-1", "codebuild")?;

    // The old root key, last used a year ago; root signs in (with MFA) now and then.
    s.at(400, 11, 0)?;
    s.use_key(&root_key.key.id, "us-east-1", "iam")?;
    s.at(1, 18, 0)?;
    s.sign_in(&Owner::Root, ROOT_PASSWORD, Some(&root_seed))?;

    // The demo's own administrator.
    s.at(20, 9, 0)?;
    s.user(DEMO_USER, None)?;
    s.password(DEMO_USER, DEMO_PASSWORD, false)?;
    iam.add_user_to_group(&main, "Admins", DEMO_USER)?;
    let demo = s.owner(DEMO_USER)?;
    s.at(19, 9, 0)?;
    let user_key = s.key(&demo)?;
    s.at(1, 9, 0)?;
    s.sign_in(&demo, DEMO_PASSWORD, None)?;
    s.call(
        DEMO_USER,
        &user_key.0,
        "iam:GetCredentialReport",
        "us-east-1",
    )?;

    fill(
        &s,
        users.saturating_sub(iam.list_users(&main, None, None, 1000)?.items.len()),
    )?;
    sandbox_account(iam, clock, end, &main, &sandbox)?;
    Ok(Populated {
        main,
        sandbox,
        root_key: (root_key.key.id, root_key.secret),
        root_password: ROOT_PASSWORD,
        root_mfa_seed: Secret::from_string(totp::base32_encode(&root_seed)),
        user_password: DEMO_PASSWORD,
        user_key,
    })
}

/// svc-deploy's policy: the fleet, the stacks, the artifacts, the functions and
/// deployments, and the `deploy` role.
fn deploy_pipeline(account: &AccountId) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Release","Effect":"Allow","Action":["ec2:*","s3:*","cloudformation:*","lambda:*","codedeploy:*"],"Resource":"*"}},{{"Sid":"AssumeDeploy","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{account}:role/service-role/deploy"}}]}}"#
    )
}

/// svc-backup's policy.
const BACKUP_WRITER: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Backups","Effect":"Allow","Action":["s3:PutObject","s3:ListBucket","glacier:UploadArchive","glacier:DescribeVault","dynamodb:CreateBackup","dynamodb:DescribeTable"],"Resource":"*"}]}"#;

/// svc-reports' inline policy.
const REPORT_TABLES: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadTables","Effect":"Allow","Action":["dynamodb:Query","dynamodb:GetItem","dynamodb:DescribeTable"],"Resource":"*"}]}"#;

/// svc-etl's inline policy: Glue jobs, their data, and the migration role.
fn etl_jobs(account: &AccountId) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Jobs","Effect":"Allow","Action":["glue:*","s3:GetObject","s3:PutObject"],"Resource":"*"}},{{"Sid":"Migrate","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{account}:role/service-role/db-migration"}}]}}"#
    )
}

/// The role of last year's database migration, for svc-etl.
fn migration_role(s: &Story<'_>) -> anyhow::Result<()> {
    let a = &s.account;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:user/service/svc-etl"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    s.iam.create_role(
        a,
        &NewRole {
            name: "db-migration",
            path: Some("/service-role/"),
            assume_role_policy: &trust,
            description: Some("Assumed by svc-etl to move the tables to RDS"),
            max_session_duration: None,
            permissions_boundary: None,
        },
    )?;
    s.iam.put_inline_policy(
        a,
        Named::Role("db-migration"),
        "MigrateTables",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["rds:*","dynamodb:*","s3:GetObject"],"Resource":"*"}]}"#,
    )?;
    Ok(())
}

/// A release by svc-deploy: it looks at the fleet, then assumes `deploy`, whose session
/// updates the stack and uploads the build. In its first year the pipeline also updated
/// Lambda functions itself, in us-west-2; never since.
fn release(s: &Story<'_>, key: &str, first_year: bool) -> anyhow::Result<()> {
    s.call("svc-deploy", key, "ec2:DescribeInstances", "us-east-1")?;
    if first_year {
        s.call("svc-deploy", key, "lambda:UpdateFunctionCode", "us-west-2")?;
    }
    s.assume(
        "svc-deploy",
        key,
        "deploy",
        &["cloudformation:UpdateStack", "s3:PutObject"],
        "us-east-1",
    )
}

fn groups_and_policies(s: &Story<'_>) -> anyhow::Result<()> {
    let (iam, a) = (s.iam, &s.account);
    iam.create_group(a, "Admins", None)?;
    iam.attach_policy(
        a,
        Named::Group("Admins"),
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )?;
    iam.create_group(a, "Developers", None)?;
    iam.attach_policy(
        a,
        Named::Group("Developers"),
        "arn:aws:iam::aws:policy/PowerUserAccess",
    )?;
    iam.create_group(a, "Auditors", None)?;
    iam.attach_policy(
        a,
        Named::Group("Auditors"),
        "arn:aws:iam::aws:policy/SecurityAudit",
    )?;
    let reports = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CredentialReport","Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GetCredentialReport"],"Resource":"*"}]}"#;
    let policy = iam.create_policy(
        a,
        "CredentialReportReader",
        Some("/audit/"),
        reports,
        Some("Generate and read the credential report"),
    )?;
    iam.attach_policy(a, Named::Group("Auditors"), &policy.arn)?;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:user/service/svc-deploy"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    iam.create_role(
        a,
        &NewRole {
            name: "deploy",
            path: Some("/service-role/"),
            assume_role_policy: &trust,
            description: Some("Assumed by svc-deploy to release"),
            max_session_duration: None,
            permissions_boundary: None,
        },
    )?;
    iam.attach_policy(
        a,
        Named::Role("deploy"),
        "arn:aws:iam::aws:policy/PowerUserAccess",
    )?;
    Ok(())
}

/// More people and services, up to the asked number of users: every third a person with
/// MFA, every third one without, every third a service whose key is used.
fn fill(s: &Story<'_>, count: usize) -> anyhow::Result<()> {
    const FIRST: [&str; 12] = [
        "ana", "ben", "chen", "dina", "eli", "fatima", "gus", "hiro", "ines", "jon", "kemal",
        "lena",
    ];
    const LAST: [&str; 10] = [
        "park", "silva", "moreau", "okafor", "berg", "rossi", "tanaka", "novak", "haddad", "walsh",
    ];
    for i in 0..count {
        let n = i64::try_from(i).unwrap_or(0);
        let created = 60 + (n * 37) % 900;
        s.at(created, 9 + n % 8, (n * 7) % 60)?;
        if i % 3 == 2 {
            let name = format!("svc-{}-{:02}", SERVICES[i % SERVICES.len()], i);
            s.user(&name, Some("/service/"))?;
            let (key, _) = s.key(&s.owner(&name)?)?;
            s.at((n * 11) % 50, 1 + n % 20, (n * 13) % 60)?;
            s.use_key(
                &key,
                REGIONS[i % REGIONS.len()],
                SERVICES[(i / 3) % SERVICES.len()],
            )?;
            continue;
        }
        let name = format!(
            "{}.{}{}",
            FIRST[i % FIRST.len()],
            LAST[(i / FIRST.len()) % LAST.len()],
            i
        );
        s.user(&name, Some("/people/"))?;
        let password = password_of(&name, 1);
        s.password(&name, &password, false)?;
        let owner = s.owner(&name)?;
        let seed = if i % 3 == 0 {
            Some(s.mfa(&owner, &name)?)
        } else {
            None
        };
        s.iam.add_user_to_group(
            &s.account,
            if i % 4 == 0 { "Auditors" } else { "Developers" },
            &name,
        )?;
        s.at((n * 5) % 50, 8 + n % 9, (n * 17) % 60)?;
        s.sign_in(&owner, &password, seed.as_deref())?;
    }
    Ok(())
}

/// The sandbox: a standalone account from 2019 that joined the organization.
fn sandbox_account(
    iam: &Iam,
    clock: &ManualClock,
    end: Timestamp,
    main: &AccountId,
    sandbox: &AccountId,
) -> anyhow::Result<()> {
    let s = Story {
        iam,
        clock,
        end: end.unix(),
        account: sandbox.clone(),
    };
    s.on("2019-01-15T09:00:00Z")?;
    iam.create_account(Some(sandbox.clone()), false)?;
    iam.set_root_password(
        sandbox,
        Some(&Secret::from_string(SANDBOX_ROOT_PASSWORD.into())),
    )?;
    s.on("2019-02-01T09:00:00Z")?;
    iam.upload_signing_certificate(sandbox, &Owner::Root, SANDBOX_ROOT_CERT)?;
    s.at(400, 12, 0)?;
    iam.join_organization(
        sandbox,
        main,
        &NewMember {
            name: Some("acme-sandbox"),
            email: Some("aws-sandbox@acme.example"),
            joined_method: JoinedMethod::Invited,
        },
    )?;
    // An invited account gets no role from Organizations: its administrators made the one
    // Organizations gives the accounts it creates.
    iam.create_organization_access_role(sandbox, main)?;
    s.user("sandbox-dev", None)?;
    s.password("sandbox-dev", "Sandbox-Dev-Passw0rd!", false)?;
    s.at(120, 15, 0)?;
    s.sign_in(&Owner::Root, SANDBOX_ROOT_PASSWORD, None)?;
    s.at(90, 10, 0)?;
    s.sign_in(&s.owner("sandbox-dev")?, "Sandbox-Dev-Passw0rd!", None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The demo's three years on a store that, at every write of an account, holds the
    //! account's kept report rows to a full build of its records, stores a report of its
    //! rows every few writes, and holds each stored report still until the next (issue 26:
    //! the kept rows and a full build, at every point of the story).
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use std::sync::Arc;

    use credreport_iam::password::PasswordHasher;
    use credreport_iam::secret::MasterKey;
    use credreport_iam::store::checked::KeptRowsChecked;
    use credreport_iam::{write_account_report, IamConfig, SqliteStore, REPORT_FRESH_SECS};

    use super::*;

    #[test]
    fn at_every_write_of_the_story_the_kept_rows_are_a_full_build() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            KeptRowsChecked::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap())
                .with_report_every(7),
        );
        let end = Timestamp::parse(b"2026-12-07T00:00:00Z").unwrap().0;
        let clock = ManualClock::new(end);
        let iam = Iam::new(
            store.clone(),
            Arc::new(clock.clone()),
            MasterKey::generate().unwrap(),
            PasswordHasher::fast_insecure_for_tests(),
            IamConfig::standard(),
        );
        let populated = populate(&iam, &clock, end, 60).unwrap();
        let along_the_way = store.reports_seen();
        assert!(
            along_the_way >= 50,
            "{along_the_way} reports of rows stored along the way"
        );
        // The demo's own reports, built at its end.
        clock.set(end.checked_add_secs(REPORT_FRESH_SECS).unwrap());
        for account in [&populated.main, &populated.sandbox] {
            let generation = iam.generate_credential_report(account).unwrap();
            generation.build.unwrap().run().unwrap().unwrap();
            let stored = iam.credential_report(account).unwrap().content;
            let built = write_account_report(&iam.snapshot(account).unwrap()).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&stored),
                String::from_utf8_lossy(&built),
                "{account}"
            );
        }
        assert_eq!(store.reports_seen(), along_the_way + 2);
    }
}
