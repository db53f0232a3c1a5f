//! The benchmarks' account at the users quota: 5,000 users with mixed credentials, the same
//! on every run (a fixed-seed generator), written in one transaction through `store::write`
//! (fixed password hashes, and fixed sealed blobs unless a master key is given to seal the
//! keys' secrets with: nothing verifies them, and 3,000 argon2 hashes would only slow the
//! setup down). Included by path by the IAM core's benchmark and the
//! console's.

use credreport_iam::model::{
    AccessKey, KeyUse, MfaDevice, Owner, Password, PasswordHash, Sealed, SigningCertificate, User,
};
use credreport_iam::password::PasswordPolicy;
use credreport_iam::secret::MasterKey;
use credreport_iam::{store, AccountId, Iam, Store};
use credreport_report::Timestamp;
use credreport_testkit::Rng;

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub const ACCOUNT: &str = "123456789012";
pub const USERS: usize = 5_000;
/// 2024-01-01T00:00:00Z: the account's creation; users and credentials come after it.
pub const START: i64 = 1_704_067_200;
pub const DAY: i64 = 86_400;
const CERT: &str = include_str!("../../tests/data/cert-valid-rsa2048.pem");
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2"];
const SERVICES: [&str; 4] = ["iam", "s3", "sts", "ec2"];

pub fn ts(secs: i64) -> Result<Timestamp> {
    Timestamp::from_unix(secs).ok_or_else(|| format!("{secs}: not a timestamp").into())
}

/// The generator's draws this account needs (SplitMix64 with a fixed seed, so every run
/// sees the same account).
trait Draws {
    /// A time between `from` and `from + span` seconds.
    fn time(&mut self, from: i64, span: i64) -> Result<Timestamp>;
    /// An AWS-style id: `prefix` and `len` characters of base32.
    fn id(&mut self, prefix: &str, len: usize) -> String;
}

impl Draws for Rng {
    fn time(&mut self, from: i64, span: i64) -> Result<Timestamp> {
        let offset = i64::try_from(self.below(u64::try_from(span)?))?;
        ts(from + offset)
    }

    fn id(&mut self, prefix: &str, len: usize) -> String {
        const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut id = String::from(prefix);
        for _ in 0..len {
            id.push(char::from(
                ALPHABET[usize::try_from(self.below(32)).unwrap_or(0)],
            ));
        }
        id
    }
}

#[allow(dead_code)] // Each benchmark reads what it needs.
pub struct Mix {
    pub users: usize,
    pub passwords: usize,
    pub keys: Vec<String>,
    pub inactive_keys: usize,
    pub used_keys: usize,
    pub mfa: usize,
    pub certs: usize,
}

/// The account's password policy, and 5,000 users with mixed credentials in one write
/// transaction. Users are created during the account's first 300 days; their credentials
/// after them.
#[allow(dead_code)] // Each benchmark reads what it needs.
pub fn populate(iam: &Iam, store: &dyn Store, account: &AccountId) -> Result<Mix> {
    populate_users(iam, store, account, USERS, None)
}

/// The same with `users` users (past the API's quota of 5,000: the store takes them), then
/// the account's report rows rendered from the records written around the domain. With
/// `sealing` (the `Iam`'s master key), each access key's secret is sealed with it, so a
/// key's use can be recorded (recording opens the key to learn its owner).
pub fn populate_users(
    iam: &Iam,
    store: &dyn Store,
    account: &AccountId,
    users: usize,
    sealing: Option<&MasterKey>,
) -> Result<Mix> {
    let created = iam.create_account(Some(account.clone()), false)?;
    let mut keys: Vec<String> = created.root_key.iter().map(|k| k.key.id.clone()).collect();
    let mut rng = Rng::new(0x5eed_c0de);
    let hash = PasswordHash(
        "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNo"
            .into(),
    );
    let mut mix = Mix {
        users: 0,
        passwords: 0,
        keys: Vec::new(),
        inactive_keys: 0,
        used_keys: 0,
        mfa: 0,
        certs: 0,
    };
    store::write(store, Some(account), |tx| {
        let mut record = tx
            .account(account)?
            .ok_or_else(|| credreport_iam::Error::internal("no account"))?;
        record.password_policy = Some(PasswordPolicy {
            minimum_password_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            hard_expiry: Some(false),
        });
        tx.update_account(&record)?;
        Ok(())
    })?;
    store::write(store, Some(account), |tx| {
        let err = |e: Box<dyn std::error::Error>| credreport_iam::Error::internal(e.to_string());
        for i in 0..users {
            let created = rng.time(START, 300 * DAY).map_err(err)?;
            let after = |rng: &mut Rng| rng.time(created.unix(), 60 * DAY).map_err(err);
            let name = match i % 4 {
                0 => format!("user-{i:05}"),
                1 => format!("Svc.Deploy_{i:05}"),
                2 => format!("alice+{i:05}@example.com"),
                _ => format!("ci-bot-{i:05}"),
            };
            let path = if i % 5 == 0 { "/engineering/" } else { "/" };
            let has_password = rng.chance(60);
            let user = User {
                account: account.clone(),
                id: rng.id("AIDA", 17),
                name: name.clone(),
                path: path.into(),
                created,
                password_last_used: if has_password && rng.chance(70) {
                    Some(after(&mut rng)?)
                } else {
                    None
                },
            };
            tx.insert_user(&user)?;
            let owner = Owner::User(user.id.clone());
            if has_password {
                let changed = after(&mut rng)?;
                tx.put_login_profile(
                    account,
                    &user.id,
                    &Password {
                        hash: hash.clone(),
                        created: changed,
                        changed,
                        reset_required: rng.chance(5),
                        previous: Vec::new(),
                    },
                )?;
                mix.passwords += 1;
            }
            for _ in 0..rng.below(3) {
                let id = rng.id("AKIA", 16);
                let active = !rng.chance(20);
                let last_used = if rng.chance(60) {
                    Some(KeyUse {
                        at: after(&mut rng)?.truncate_to_minute(),
                        region: REGIONS[usize::try_from(rng.below(4)).unwrap_or(0)].into(),
                        service: SERVICES[usize::try_from(rng.below(4)).unwrap_or(0)].into(),
                    })
                } else {
                    None
                };
                mix.inactive_keys += usize::from(!active);
                mix.used_keys += usize::from(last_used.is_some());
                tx.put_access_key(&AccessKey {
                    id: id.clone(),
                    account: account.clone(),
                    owner: owner.clone(),
                    secret: Sealed(match sealing {
                        Some(master) => master
                            .seal(&[0x5a; 40], id.as_bytes())
                            .map_err(|e| credreport_iam::Error::internal(e.to_string()))?,
                        None => vec![0x5a; 65],
                    }),
                    active,
                    created: after(&mut rng)?,
                    last_used,
                })?;
                keys.push(id);
            }
            if rng.chance(30) {
                let enabled = after(&mut rng)?;
                tx.put_mfa_device(&MfaDevice {
                    serial: format!("arn:aws:iam::{ACCOUNT}:mfa{path}{name}"),
                    account: account.clone(),
                    name: name.clone(),
                    path: path.into(),
                    seed: Sealed(vec![0xa5; 61]),
                    created: enabled,
                    assignment: Some((owner.clone(), enabled)),
                    last_counter: None,
                })?;
                mix.mfa += 1;
            }
            if rng.chance(10) {
                for c in 0..=rng.below(2) {
                    let mut digest = [0u8; 32];
                    digest[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
                    tx.put_signing_certificate(&SigningCertificate {
                        id: rng.id("", 24),
                        account: account.clone(),
                        owner: owner.clone(),
                        body: CERT.into(),
                        der_sha256: digest,
                        active: c == 0 || rng.chance(50),
                        uploaded: after(&mut rng)?,
                    })?;
                    mix.certs += 1;
                }
            }
            mix.users += 1;
        }
        Ok(())
    })?;
    mix.keys = keys;
    iam.render_all_report_rows(account)?;
    Ok(mix)
}
