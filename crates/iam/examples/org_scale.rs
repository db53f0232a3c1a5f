//! The organization at scale (issue 26, part 4): writes an AWS organization of `--accounts`
//! member accounts with `--users` users each (console passwords, access keys, MFA devices,
//! and their use) into a store, through the store's own operations (`store::write` and
//! `Tx`; the organization, its roles and its admin through `Iam`), not through the API:
//! the API would take hours to make a million users. `bench/org_scale.sh` runs it, then
//! `credreport serve` and `credreport review` on what it wrote.
//!
//! ```text
//! org_scale generate --data-dir DIR [--database-url URL] --accounts N --users N [--threads T]
//! org_scale day      --data-dir DIR [--database-url URL] --day K [--threads T]
//! ```
//!
//! `generate` makes `DIR/master.key` (every secret is sealed with it, as `serve` needs),
//! the management account 100000000000 with the user `org-admin` (AdministratorAccess;
//! its key in `DIR/org-admin.json`, mode 0600), and members 100000000001… each created by
//! the organization (no root credentials, `OrganizationAccountAccessRole`) and holding
//! its users. The mix is the same on every run (SplitMix64, a seed per account).
//!
//! `day` is a day passing: for day K, about 5% of each account's active keys and 3% of
//! its console users are used "today" (now), and every stored report is made a day older,
//! as a day later the server would find it (so the next GenerateCredentialReport builds
//! a new one). Having gone around the domain, it then renders each account's kept report
//! rows again (`Iam::render_all_report_rows`; `generate` leaves them to the first build,
//! as for an account stored before rows were kept). It never touches the server's clock.
//!
//! Secrets are real: `serve` opens every sealed value at start. Password hashes are one
//! argon2id hash made once (nothing signs in with them here).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use credreport_iam::model::{
    AccessKey, Account, JoinedMethod, KeyUse, MfaDevice, Owner, Password, Sealed, StoredReport,
    User,
};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::{MasterKey, Secret};
use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::store::{self, Tx, UserQuery};
use credreport_iam::{
    AccountId, Clock, Iam, IamConfig, Named, NewMember, SqliteStore, Store, SystemClock,
};
use credreport_report::Timestamp;
use credreport_testkit::Rng;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const MANAGEMENT: u64 = 100_000_000_000;
const DAY: i64 = 86_400;
const REGIONS: [&str; 5] = [
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "ap-southeast-2",
    "eu-central-1",
];
const SERVICES: [&str; 6] = ["s3", "ec2", "sts", "dynamodb", "lambda", "iam"];

struct Args {
    command: String,
    data_dir: PathBuf,
    database_url: Option<String>,
    accounts: u64,
    users: u64,
    day: i64,
    threads: usize,
}

fn args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let command = it
        .next()
        .ok_or("usage: org_scale generate|day --data-dir DIR …")?;
    let mut a = Args {
        command,
        data_dir: PathBuf::new(),
        database_url: None,
        accounts: 1_000,
        users: 1_000,
        day: 1,
        threads: 2,
    };
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag}: a value"))?;
        match flag.as_str() {
            "--data-dir" => a.data_dir = PathBuf::from(value),
            "--database-url" => a.database_url = Some(value),
            "--accounts" => a.accounts = value.parse()?,
            "--users" => a.users = value.parse()?,
            "--day" => a.day = value.parse()?,
            "--threads" => a.threads = value.parse::<usize>()?.max(1),
            _ => return Err(format!("unknown flag {flag}").into()),
        }
    }
    if a.data_dir.as_os_str().is_empty() {
        return Err("--data-dir DIR".into());
    }
    Ok(a)
}

fn open(a: &Args) -> Result<(Arc<dyn Store>, MasterKey)> {
    credreport_iam::private::create_dir(&a.data_dir)?;
    let key = MasterKey::load_or_create(&a.data_dir.join("master.key"))?;
    let store: Arc<dyn Store> = match &a.database_url {
        Some(url) => Arc::new(PgStore::open(&PgUrl::parse(url)?)?),
        None => Arc::new(SqliteStore::open(&a.data_dir.join("iam.db"))?),
    };
    Ok((store, key))
}

fn id(n: u64) -> Result<AccountId> {
    AccountId::parse(&format!("{n:012}")).ok_or_else(|| format!("{n}: not an account id").into())
}

fn ts(secs: i64) -> Result<Timestamp> {
    Timestamp::from_unix(secs).ok_or_else(|| format!("{secs}: not a time").into())
}

/// The draws an account needs.
struct Draw(Rng);

impl Draw {
    /// A time in the `span` seconds before `before`.
    fn before(&mut self, before: i64, span: i64) -> Result<Timestamp> {
        ts(before - i64::try_from(self.0.below(u64::try_from(span)?))?)
    }

    fn id(&mut self, prefix: &str, len: usize) -> String {
        const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut id = String::from(prefix);
        for _ in 0..len {
            id.push(char::from(ALPHABET[(self.0.next_u64() % 32) as usize]));
        }
        id
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.0.next_u64() % from.len() as u64) as usize]
    }
}

/// What `generate` wrote.
#[derive(Default)]
struct Counts {
    users: u64,
    passwords: u64,
    keys: u64,
    mfa: u64,
}

/// One member account and its users, in one write transaction.
fn member(
    store: &dyn Store,
    key: &MasterKey,
    hash: &credreport_iam::model::PasswordHash,
    n: u64,
    users: u64,
    now: i64,
) -> Result<Counts> {
    let account = id(MANAGEMENT + n)?;
    let mut d = Draw(Rng::new(0x0126_5ca1e ^ n));
    let mut counts = Counts::default();
    let created = ts(now - 3 * 365 * DAY)?;
    let mut users_of = Vec::new();
    let mut keys = Vec::new();
    let mut devices = Vec::new();
    let mut profiles = Vec::new();
    for i in 0..users {
        let name = match i % 4 {
            0 => format!("user-{i:05}"),
            1 => format!("svc-deploy-{i:05}"),
            2 => format!("dev{i:05}@example.com"),
            _ => format!("ci-bot-{i:05}"),
        };
        let user_created = d.before(now - 30 * DAY, 3 * 365 * DAY - 30 * DAY)?;
        let has_password = d.0.chance(60);
        let user = User {
            account: account.clone(),
            id: d.id("AIDA", 17),
            name: name.clone(),
            path: "/".into(),
            created: user_created,
            password_last_used: if has_password && d.0.chance(70) {
                Some(d.before(now, 200 * DAY)?)
            } else {
                None
            },
        };
        let owner = Owner::User(user.id.clone());
        if has_password {
            let changed = d.before(now, 400 * DAY)?;
            profiles.push((
                user.id.clone(),
                Password {
                    hash: hash.clone(),
                    created: changed,
                    changed,
                    reset_required: d.0.chance(3),
                    previous: Vec::new(),
                },
            ));
            counts.passwords += 1;
            if d.0.chance(50) {
                let serial = format!("arn:aws:iam::{account}:mfa/{name}");
                let seed = key.seal(&[0x42; 20], serial.as_bytes())?;
                let enabled = d.before(now, 300 * DAY)?;
                devices.push(MfaDevice {
                    serial,
                    account: account.clone(),
                    name: name.clone(),
                    path: "/".into(),
                    seed: Sealed(seed),
                    created: enabled,
                    assignment: Some((owner.clone(), enabled)),
                    last_counter: None,
                });
                counts.mfa += 1;
            }
        }
        for _ in 0..d.0.below(3) {
            let key_id = d.id("AKIA", 16);
            let secret = Secret::from_string(d.id("", 40));
            let sealed = key.seal(secret.expose(), key_id.as_bytes())?;
            let last_used = if d.0.chance(65) {
                Some(KeyUse {
                    at: d.before(now, 120 * DAY)?.truncate_to_minute(),
                    region: d.pick(&REGIONS).into(),
                    service: d.pick(&SERVICES).into(),
                })
            } else {
                None
            };
            keys.push(AccessKey {
                id: key_id,
                account: account.clone(),
                owner: owner.clone(),
                secret: Sealed(sealed),
                active: !d.0.chance(15),
                created: d.before(now, 500 * DAY)?,
                last_used,
            });
            counts.keys += 1;
        }
        users_of.push(user);
        counts.users += 1;
    }
    store::write(store, Some(&account), |tx| {
        tx.insert_account(&Account {
            id: account.clone(),
            created,
            organization_member: true,
            root_password: None,
            root_password_last_used: None,
            password_policy: None,
        })?;
        tx.put_report(&account, &StoredReport::default())?;
        for u in &users_of {
            tx.insert_user(u)?;
        }
        for (user_id, p) in &profiles {
            tx.put_login_profile(&account, user_id, p)?;
        }
        for k in &keys {
            tx.put_access_key(k)?;
        }
        for m in &devices {
            tx.put_mfa_device(m)?;
        }
        Ok(())
    })?;
    Ok(counts)
}

/// Accounts written between two checkpoints (SQLite): the WAL stays a few hundred MiB.
const BATCH: u64 = 50;

impl Counts {
    fn add(&mut self, c: &Counts) {
        self.users += c.users;
        self.passwords += c.passwords;
        self.keys += c.keys;
        self.mfa += c.mfa;
    }
}

/// Runs `f` for members `1..=accounts`, on `threads` threads, [`BATCH`] accounts at a
/// time with `a`'s store checkpointed after each (see [`checkpoint`]); answers the sum.
fn members_on_threads(
    a: &Args,
    accounts: u64,
    f: &(dyn Fn(u64) -> Result<Counts> + Sync),
) -> Result<Counts> {
    let threads = u64::try_from(a.threads)?;
    let started = Instant::now();
    let mut sum = Counts::default();
    let mut wal_peak = 0;
    let mut first = 1;
    while first <= accounts {
        let last = (first + BATCH - 1).min(accounts);
        let parts: Vec<Result<Counts>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    s.spawn(move || {
                        let mut sum = Counts::default();
                        let mut n = first + t;
                        while n <= last {
                            sum.add(&f(n)?);
                            n += threads;
                        }
                        Ok(sum)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into())))
                .collect()
        });
        for part in parts {
            sum.add(&part?);
        }
        wal_peak = wal_peak.max(checkpoint(a)?);
        if (last / BATCH) % 4 == 0 || last == accounts {
            eprintln!(
                "  {last} of {accounts} accounts, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
        first = last + 1;
    }
    if a.database_url.is_none() {
        println!(
            "checkpointed every {BATCH} accounts: the WAL at most {:.0} MiB",
            wal_peak as f64 / 1_048_576.0
        );
    }
    Ok(sum)
}

fn generate(a: &Args) -> Result<()> {
    let (store, key) = open(a)?;
    let started = Instant::now();
    let now = SystemClock.now().unix();
    let hasher = PasswordHasher::new();
    let hash = credreport_iam::model::PasswordHash(
        hasher.hash(&Secret::from_string("Not-Used-For-Sign-In-1".into()))?,
    );
    let iam = Iam::new(
        Arc::clone(&store),
        Arc::new(SystemClock),
        key.clone(),
        hasher,
        IamConfig::standard(),
    );
    let management = id(MANAGEMENT)?;
    iam.create_account(Some(management.clone()), false)?;
    iam.create_organization(&management, "management", "management@example.com")?;
    iam.create_user(&management, "org-admin", None)?;
    iam.attach_policy(
        &management,
        Named::User("org-admin"),
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )?;
    let user = iam.user(&management, "org-admin")?;
    let admin = iam.create_access_key(&management, &Owner::User(user.id))?;
    credreport_iam::private::write(
        &a.data_dir.join("org-admin.json"),
        format!(
            "{{\"AccountId\": \"{management}\", \"AccessKeyId\": \"{}\", \"SecretAccessKey\": \"{}\"}}\n",
            admin.key.id,
            admin.secret.expose_str().unwrap_or_default()
        )
        .as_bytes(),
    )?;
    eprintln!(
        "org_scale: {} member accounts of {} users into {}",
        a.accounts,
        a.users,
        a.database_url
            .as_deref()
            .map_or_else(|| a.data_dir.display().to_string(), |_| "PostgreSQL".into())
    );
    let counts = members_on_threads(a, a.accounts, &|n| {
        let counts = member(store.as_ref(), &key, &hash, n, a.users, now)?;
        let account = id(MANAGEMENT + n)?;
        iam.create_organization_access_role(&account, &management)?;
        iam.join_organization(
            &account,
            &management,
            &NewMember {
                name: Some(&format!("member-{n:04}")),
                email: Some(&format!("member-{n:04}@example.com")),
                joined_method: JoinedMethod::Created,
            },
        )?;
        Ok(counts)
    })?;
    println!(
        "generated: {} accounts (and the management account), {} users, {} console passwords, {} access keys, {} MFA devices in {:.1} s",
        a.accounts,
        counts.users,
        counts.passwords,
        counts.keys,
        counts.mfa,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A day passes for one account: some keys and passwords used today, its report a day
/// older.
fn day_of(
    tx: &mut dyn Tx,
    account: &AccountId,
    d: &mut Draw,
    now: i64,
) -> credreport_iam::Result<()> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| {
        credreport_iam::Error::internal(e.to_string())
    };
    for mut k in tx.access_keys(account)? {
        if k.active && d.0.chance(5) {
            k.last_used = Some(KeyUse {
                at: d.before(now, 8 * 3600).map_err(fail)?.truncate_to_minute(),
                region: d.pick(&REGIONS).into(),
                service: d.pick(&SERVICES).into(),
            });
            tx.put_access_key(&k)?;
        }
    }
    let all = UserQuery {
        path_prefix: None,
        after: None,
        limit: usize::MAX >> 1,
    };
    let with_password: std::collections::HashSet<String> = tx
        .login_profiles(account)?
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    for mut u in tx.users(account, &all)? {
        if with_password.contains(&u.id) && d.0.chance(3) {
            u.password_last_used = Some(d.before(now, 8 * 3600).map_err(fail)?);
            tx.update_user(&u)?;
        }
    }
    let mut report = tx.report(account)?;
    if let Some(generated) = report.generated {
        report.generated = Some(ts(generated.unix() - DAY).map_err(fail)?);
        tx.put_report(account, &report)?;
    }
    Ok(())
}

fn day(a: &Args) -> Result<()> {
    let (store, key) = open(a)?;
    // The day's writes go around the domain, so the report rows it keeps current are
    // rendered again from the records afterwards, as a bulk loader must.
    let iam = Iam::new(
        Arc::clone(&store),
        Arc::new(SystemClock),
        key,
        PasswordHasher::new(),
        IamConfig::standard(),
    );
    let started = Instant::now();
    let now = SystemClock.now().unix();
    let accounts = store::read(store.as_ref(), |tx| tx.account_ids())?;
    let n = u64::try_from(accounts.len())?;
    let day = u64::try_from(a.day)?;
    members_on_threads(a, n, &|i| {
        let account = &accounts[usize::try_from(i - 1)?];
        let mut d = Draw(Rng::new(0x00da_7000 ^ (day << 32) ^ i));
        store::write(store.as_ref(), Some(account), |tx| {
            day_of(tx, account, &mut d, now)
        })?;
        iam.render_all_report_rows(account)?;
        Ok(Counts::default())
    })?;
    println!(
        "day {}: {n} accounts used and their reports aged a day in {:.1} s",
        a.day,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// On SQLite, between batches (no write under way): the WAL moved into the database and
/// truncated; answers the WAL's size before. The store's own checkpoints are PASSIVE and
/// cannot restart the WAL while writers follow each other without a pause (the
/// generator's threads), so without this it grows through the whole run (to about eight
/// times the database). Nothing to do on PostgreSQL.
fn checkpoint(a: &Args) -> Result<u64> {
    if a.database_url.is_some() {
        return Ok(0);
    }
    let wal = std::fs::metadata(a.data_dir.join("iam.db-wal")).map_or(0, |m| m.len());
    let conn = rusqlite::Connection::open(a.data_dir.join("iam.db"))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    // The store's own checkpoint thread may be at work (a second checkpointer is refused
    // without waiting): tried again, for a while.
    for _ in 0..300 {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy == 0 {
            return Ok(wal);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err("the WAL could not be checkpointed: the database stayed busy for 30 s".into())
}

fn main() -> Result<()> {
    let a = args()?;
    match a.command.as_str() {
        "generate" => generate(&a),
        "day" => day(&a),
        other => Err(format!("{other}: generate or day").into()),
    }
}
