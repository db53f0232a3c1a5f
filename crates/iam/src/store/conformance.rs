//! The conformance suite every [`Store`] backend passes: the record operations, the
//! usage-recording windows, rollback, and the serialization of write transactions that
//! the service's check-then-act rules rely on.
//!
//! A backend's tests run each check as a test of its own on a fresh, empty store
//! ([`store_conformance_tests!`](crate::store_conformance_tests)): a failure names its
//! check, and the other checks still run.

use std::sync::mpsc::channel;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use credreport_report::Timestamp;

use super::{read, write, write_unsynced, Store, StoredJob, UserQuery};
use crate::error::{Error, Result};
use crate::ids::{AccountId, OrganizationId, RootId};
use crate::last_accessed::{AccessUse, Subject};
use crate::model::{
    AccessKey, Account, AccountState, CertFacts, ConsoleSession, Entity, FeatureSet, Group,
    InlinePolicy, InstanceProfile, JoinedMethod, KeptLine, KeptRow, KeptRows, KeyFacts, KeyUse,
    ManagedPolicy, Membership, MfaDevice, Organization, Owner, Password, PasswordHash,
    PolicyVersion, Role, RowsReport, Sealed, SessionStage, SigningCertificate, SshPublicKey,
    StoredReport, Tag, TagTarget, User,
};

/// A check of the suite, on a fresh, empty store.
pub type Check = fn(&Arc<dyn Store>) -> Result<()>;

/// Every check, by name. A backend's tests run each as a test of its own
/// ([`store_conformance_tests!`](crate::store_conformance_tests)).
pub const CHECKS: &[(&str, Check)] = &[
    ("accounts", accounts),
    ("users", users),
    ("user_pages", user_pages),
    ("login_profiles", login_profiles),
    ("access_keys", access_keys),
    ("key_use_window", key_use_window),
    ("password_use_window", password_use_window),
    ("sign_in_failures", sign_in_failures),
    ("mfa_devices", mfa_devices),
    ("signing_certificates", signing_certificates),
    ("ssh_public_keys", ssh_public_keys),
    ("inline_policies", inline_policies),
    ("groups", groups),
    ("managed_policies", managed_policies),
    ("roles_and_instance_profiles", roles_and_instance_profiles),
    ("attachments_tags_and_aliases", attachments_tags_and_aliases),
    ("permissions_boundaries", permissions_boundaries),
    ("organizations", organizations),
    ("reports", reports),
    ("owner_facts", owner_facts),
    ("report_rows", report_rows),
    ("report_rows_frozen", report_rows_frozen),
    ("console_sessions", console_sessions),
    ("last_accessed", last_accessed),
    ("role_use_window", role_use_window),
    ("access_jobs", access_jobs),
    ("rollback", rollback),
    ("unsynced_writes", unsynced_writes),
    ("serialized_writes", serialized_writes),
    ("read_parts", read_parts),
];

/// The names of [`CHECKS`], in order.
pub fn names() -> Vec<&'static str> {
    CHECKS.iter().map(|(name, _)| *name).collect()
}

/// Runs the check `name` on a fresh store from `open`, which answers the store and what
/// must outlive it (its directory), dropped after it. Panics, naming the check, when the
/// check fails: this is a test.
///
/// # Panics
///
/// When there is no such check, or it fails.
pub fn run_check<K>(name: &str, open: impl Fn() -> (Arc<dyn Store>, K)) {
    let Some((_, check)) = CHECKS.iter().find(|(n, _)| *n == name) else {
        panic!("there is no store conformance check {name}");
    };
    let (store, keep) = open();
    let outcome = check(&store);
    drop(store);
    drop(keep);
    if let Err(e) = outcome {
        panic!("store conformance check {name} failed: {e}");
    }
}

/// One `#[test]` per conformance check (named after it), each on a fresh store from
/// `$open` (see [`run_check`]), and one that every check of the suite has its test:
///
/// ```ignore
/// mod conformance {
///     credreport_iam::store_conformance_tests!(|| (open_a_fresh_store(), ()));
/// }
/// ```
#[macro_export]
macro_rules! store_conformance_tests {
    ($open:expr) => {
        $crate::__store_conformance_tests! { $open;
            accounts users user_pages login_profiles access_keys key_use_window
            password_use_window sign_in_failures mfa_devices signing_certificates
            ssh_public_keys inline_policies groups managed_policies roles_and_instance_profiles
            attachments_tags_and_aliases permissions_boundaries organizations reports owner_facts
            report_rows report_rows_frozen console_sessions last_accessed role_use_window access_jobs
            rollback unsynced_writes serialized_writes read_parts
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __store_conformance_tests {
    ($open:expr; $($check:ident)*) => {
        $(
            #[test]
            fn $check() {
                $crate::store::conformance::run_check(stringify!($check), $open);
            }
        )*

        #[test]
        fn every_check_of_the_suite_has_a_test() {
            assert_eq!(
                [$(stringify!($check)),*].as_slice(),
                $crate::store::conformance::names().as_slice()
            );
        }
    };
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + secs).unwrap_or(Timestamp::MIN)
}

fn ensure(ok: bool, what: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::internal(format!("expected: {what}")))
    }
}

fn acct(n: u8) -> AccountId {
    AccountId::parse(&format!("1111111111{n:02}")).unwrap_or_else(|| unreachable!())
}

fn account(n: u8) -> Account {
    Account {
        id: acct(n),
        created: t(0),
        organization_member: false,
        root_password: None,
        root_password_last_used: None,
        password_policy: None,
    }
}

fn user(n: u8, id: &str, name: &str, path: &str) -> User {
    User {
        account: acct(n),
        id: id.into(),
        name: name.into(),
        path: path.into(),
        created: t(10),
        password_last_used: None,
    }
}

fn key(n: u8, id: &str, owner: Owner) -> AccessKey {
    AccessKey {
        id: id.into(),
        account: acct(n),
        owner,
        secret: Sealed(vec![1, 2, 3]),
        active: true,
        created: t(20),
        last_used: None,
    }
}

fn setup(store: &Arc<dyn Store>) -> Result<()> {
    write(store.as_ref(), None, |tx| {
        tx.insert_account(&account(1))?;
        tx.insert_user(&user(1, "AIDAALICE", "alice", "/"))?;
        tx.insert_user(&user(1, "AIDABOB", "Bob", "/team/"))
    })
}

fn accounts(store: &Arc<dyn Store>) -> Result<()> {
    let s = store.as_ref();
    write(s, None, |tx| tx.insert_account(&account(1)))?;
    let dup = write(s, None, |tx| tx.insert_account(&account(1)));
    ensure(
        matches!(dup, Err(Error::EntityAlreadyExists(_))),
        "a second account with the same id is refused",
    )?;
    let mut changed = account(1);
    changed.root_password = Some(Password {
        hash: PasswordHash("$argon2id$x".into()),
        created: t(1),
        changed: t(2),
        reset_required: true,
        previous: vec![PasswordHash("$argon2id$old".into())],
    });
    changed.root_password_last_used = Some(t(3));
    changed.password_policy = Some(crate::password::PasswordPolicy {
        max_password_age: Some(90),
        ..crate::password::PasswordPolicy::default()
    });
    write(s, Some(&acct(1)), |tx| tx.update_account(&changed))?;
    let back = read(s, |tx| tx.account(&acct(1)))?;
    ensure(
        back.as_ref() == Some(&changed),
        "an account reads back as written",
    )?;
    write(s, None, |tx| tx.insert_account(&account(2)))?;
    ensure(
        read(s, |tx| tx.account_ids())? == vec![acct(1), acct(2)],
        "account ids in order",
    )
}

fn users(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let bob = read(s, |tx| tx.user_by_name(&a, "bob"))?;
    ensure(
        bob.as_ref().map(|u| u.name.as_str()) == Some("Bob"),
        "names are found ignoring case",
    )?;
    let dup = write(s, Some(&a), |tx| {
        tx.insert_user(&user(1, "AIDAOTHER", "ALICE", "/"))
    });
    ensure(
        matches!(dup, Err(Error::EntityAlreadyExists(_))),
        "names are unique ignoring case",
    )?;
    let mut alice =
        read(s, |tx| tx.user_by_id(&a, "AIDAALICE"))?.ok_or_else(|| Error::internal("alice"))?;
    alice.password_last_used = Some(t(99));
    write(s, Some(&a), |tx| tx.update_user(&alice))?;
    ensure(
        read(s, |tx| tx.user_by_name(&a, "alice"))? == Some(alice.clone()),
        "updates persist",
    )?;
    ensure(read(s, |tx| tx.count_users(&a))? == 2, "two users")?;
    write(s, Some(&a), |tx| tx.delete_user(&a, "AIDABOB"))?;
    ensure(
        read(s, |tx| tx.user_by_name(&a, "Bob"))?.is_none(),
        "deleted",
    )?;
    ensure(
        read(s, |tx| tx.count_users(&acct(2)))? == 0,
        "other accounts see nothing",
    )
}

fn user_pages(store: &Arc<dyn Store>) -> Result<()> {
    let s = store.as_ref();
    let a = acct(1);
    write(s, None, |tx| {
        tx.insert_account(&account(1))?;
        for (i, name) in ["rome", "kaleb", "Hazmat", "charmworld", "kapilt"]
            .iter()
            .enumerate()
        {
            let path = if i % 2 == 0 { "/eng/" } else { "/" };
            tx.insert_user(&user(1, &format!("AIDA{i}"), name, path))?;
        }
        Ok(())
    })?;
    let names = |q: UserQuery<'_>| -> Result<Vec<String>> {
        Ok(read(s, |tx| tx.users(&a, &q))?
            .into_iter()
            .map(|u| u.name)
            .collect())
    };
    ensure(
        names(UserQuery {
            limit: 10,
            ..UserQuery::default()
        })? == ["charmworld", "Hazmat", "kaleb", "kapilt", "rome"],
        "users by name ignoring case",
    )?;
    ensure(
        names(UserQuery {
            limit: 2,
            after: Some("hazmat"),
            ..UserQuery::default()
        })? == ["kaleb", "kapilt"],
        "a page after a name key",
    )?;
    ensure(
        names(UserQuery {
            limit: 10,
            path_prefix: Some("/en"),
            ..UserQuery::default()
        })? == ["Hazmat", "kapilt", "rome"],
        "a path prefix is a plain string prefix",
    )
}

fn login_profiles(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let p = Password {
        hash: PasswordHash("$argon2id$h".into()),
        created: t(5),
        changed: t(6),
        reset_required: false,
        previous: vec![],
    };
    write(s, Some(&a), |tx| tx.put_login_profile(&a, "AIDAALICE", &p))?;
    ensure(
        read(s, |tx| tx.login_profile(&a, "AIDAALICE"))? == Some(p.clone()),
        "profile reads back",
    )?;
    ensure(
        read(s, |tx| tx.login_profiles(&a))? == vec![("AIDAALICE".to_string(), p.clone())],
        "profiles of the account",
    )?;
    ensure(
        read(s, |tx| tx.password_changes(&a))? == vec![("AIDAALICE".to_string(), t(6))],
        "the report's view: when each password was changed",
    )?;
    write(s, Some(&a), |tx| tx.delete_login_profile(&a, "AIDAALICE"))?;
    ensure(
        read(s, |tx| tx.login_profile(&a, "AIDAALICE"))?.is_none(),
        "profile deleted",
    )
}

fn access_keys(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let alice = Owner::User("AIDAALICE".into());
    let mut k2 = key(1, "AKIA2", alice.clone());
    k2.created = t(30);
    k2.active = false;
    k2.last_used = Some(KeyUse {
        at: t(60),
        region: "eu-west-1".into(),
        service: "iam".into(),
    });
    write(s, Some(&a), |tx| {
        tx.put_access_key(&k2)?;
        tx.put_access_key(&key(1, "AKIA1", alice.clone()))?;
        tx.put_access_key(&key(1, "AKIAROOT", Owner::Root))
    })?;
    ensure(
        read(s, |tx| tx.access_key("AKIA2"))? == Some(k2.clone()),
        "a key reads back with its use",
    )?;
    let ids: Vec<String> = read(s, |tx| tx.access_keys_of(&a, &alice))?
        .into_iter()
        .map(|k| k.id)
        .collect();
    ensure(ids == ["AKIA1", "AKIA2"], "an owner's keys, oldest first")?;
    ensure(
        read(s, |tx| tx.access_keys_of(&a, &Owner::Root))?.len() == 1,
        "the root's keys",
    )?;
    let keys = read(s, |tx| tx.access_keys(&a))?;
    ensure(keys.len() == 3, "every key of the account")?;
    let mut facts = read(s, |tx| tx.key_facts(&a))?;
    facts.sort_by(|x, y| x.id.cmp(&y.id));
    let mut expected: Vec<KeyFacts> = keys.iter().map(KeyFacts::from).collect();
    expected.sort_by(|x, y| x.id.cmp(&y.id));
    ensure(
        facts == expected,
        "the report's view of the keys: all but the secrets",
    )?;
    write(s, Some(&a), |tx| tx.delete_access_key("AKIA1"))?;
    ensure(read(s, |tx| tx.access_key("AKIA1"))?.is_none(), "deleted")
}

fn key_use_window(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    write(s, Some(&a), |tx| {
        tx.put_access_key(&key(1, "AKIA1", Owner::Root))
    })?;
    let used = |at: i64, region: &str| KeyUse {
        at: t(at),
        region: region.into(),
        service: "iam".into(),
    };
    let window = 900;
    ensure(
        write(s, Some(&a), |tx| {
            tx.record_key_use("AKIA1", &used(0, "us-east-1"), window)
        })?,
        "the first use is recorded",
    )?;
    ensure(
        !write(s, Some(&a), |tx| {
            tx.record_key_use("AKIA1", &used(899, "eu-west-1"), window)
        })?,
        "a use 14:59 later is not",
    )?;
    ensure(
        write(s, Some(&a), |tx| {
            tx.record_key_use("AKIA1", &used(900, "eu-west-1"), window)
        })?,
        "a use 15:00 later is",
    )?;
    ensure(
        !write(s, Some(&a), |tx| {
            tx.record_key_use("AKIA1", &used(100, "ap-south-1"), window)
        })?,
        "an earlier use never replaces a later one",
    )?;
    ensure(
        !write(s, Some(&a), |tx| {
            tx.record_key_use("AKIANONE", &used(0, "us-east-1"), window)
        })?,
        "an unknown key records nothing",
    )?;
    let k = read(s, |tx| tx.access_key("AKIA1"))?.ok_or_else(|| Error::internal("key"))?;
    ensure(
        k.last_used == Some(used(900, "eu-west-1")),
        "the stored use is the last recorded one",
    )
}

fn password_use_window(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let alice = Owner::User("AIDAALICE".into());
    ensure(
        write(s, Some(&a), |tx| {
            tx.record_password_use(&a, &alice, t(0), 300)
        })?,
        "first sign-in recorded",
    )?;
    ensure(
        !write(s, Some(&a), |tx| {
            tx.record_password_use(&a, &alice, t(299), 300)
        })?,
        "4:59 later is not",
    )?;
    ensure(
        write(s, Some(&a), |tx| {
            tx.record_password_use(&a, &alice, t(300), 300)
        })?,
        "5:00 later is",
    )?;
    ensure(
        write(s, Some(&a), |tx| {
            tx.record_password_use(&a, &Owner::Root, t(1), 300)
        })?,
        "root sign-in recorded",
    )?;
    let user =
        read(s, |tx| tx.user_by_id(&a, "AIDAALICE"))?.ok_or_else(|| Error::internal("alice"))?;
    ensure(user.password_last_used == Some(t(300)), "user's last use")?;
    let account = read(s, |tx| tx.account(&a))?.ok_or_else(|| Error::internal("account"))?;
    ensure(
        account.root_password_last_used == Some(t(1)),
        "root's last use",
    )
}

fn mfa_devices(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let device = MfaDevice {
        serial: "arn:aws:iam::111111111101:mfa/Alice-Phone".into(),
        account: a.clone(),
        name: "Alice-Phone".into(),
        path: "/".into(),
        seed: Sealed(vec![9; 40]),
        created: t(1),
        assignment: Some((Owner::User("AIDAALICE".into()), t(2))),
        last_counter: Some(56_666_666),
    };
    write(s, Some(&a), |tx| tx.put_mfa_device(&device))?;
    let back = read(s, |tx| {
        tx.mfa_device(&a, "arn:aws:iam::111111111101:mfa/alice-phone")
    })?;
    ensure(
        back == Some(device.clone()),
        "a device reads back, serial ignoring case",
    )?;
    ensure(
        read(s, |tx| tx.mfa_devices(&a))?.len() == 1,
        "devices of the account",
    )?;
    ensure(
        read(s, |tx| tx.mfa_owners(&a))? == vec![Owner::User("AIDAALICE".into())],
        "the report's view: the owner of an enabled device",
    )?;
    let unassigned = MfaDevice {
        serial: "arn:aws:iam::111111111101:mfa/Spare".into(),
        name: "Spare".into(),
        assignment: None,
        ..device.clone()
    };
    write(s, Some(&a), |tx| tx.put_mfa_device(&unassigned))?;
    ensure(
        read(s, |tx| tx.mfa_owners(&a))?.len() == 1,
        "an unassigned device has no owner to show",
    )?;
    write(s, Some(&a), |tx| {
        tx.delete_mfa_device(&a, &unassigned.serial)
    })?;
    write(s, Some(&a), |tx| tx.delete_mfa_device(&a, &device.serial))?;
    ensure(read(s, |tx| tx.mfa_devices(&a))?.is_empty(), "deleted")
}

fn signing_certificates(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let cert = SigningCertificate {
        id: "ID123456789012345EXAMPLE".into(),
        account: a.clone(),
        owner: Owner::Root,
        body: "-----BEGIN CERTIFICATE-----".into(),
        der_sha256: [7; 32],
        active: false,
        uploaded: t(4),
    };
    write(s, Some(&a), |tx| tx.put_signing_certificate(&cert))?;
    ensure(
        read(s, |tx| tx.signing_certificate(&a, &cert.id))? == Some(cert.clone()),
        "a certificate reads back",
    )?;
    ensure(
        read(s, |tx| tx.signing_certificates(&a))? == vec![cert.clone()],
        "certificates of the account",
    )?;
    ensure(
        read(s, |tx| tx.cert_facts(&a))? == vec![CertFacts::from(&cert)],
        "the report's view of the certificates: all but the bodies",
    )?;
    write(s, Some(&a), |tx| {
        tx.delete_signing_certificate(&a, &cert.id)
    })?;
    ensure(
        read(s, |tx| tx.signing_certificates(&a))?.is_empty(),
        "deleted",
    )
}

fn ssh_public_keys(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let key = |id: &str, user: &str, uploaded: i64| SshPublicKey {
        id: id.into(),
        account: a.clone(),
        user_id: user.into(),
        body: format!("ssh-rsa AAAA {id}"),
        fingerprint: "07:70:15:d8:b6:18:7b:af:ca:05:c5:04:4a:e0:54:44".into(),
        active: true,
        uploaded: t(uploaded),
    };
    // Bob's key is older, alice's two were uploaded at once (ordered by id).
    let (a2, a1, b) = (
        key("APKAALICE00000000002", "AIDAALICE", 5),
        key("APKAALICE00000000001", "AIDAALICE", 5),
        key("APKABOB0000000000001", "AIDABOB", 4),
    );
    write(s, Some(&a), |tx| {
        tx.put_ssh_public_key(&a2)?;
        tx.put_ssh_public_key(&a1)?;
        tx.put_ssh_public_key(&b)
    })?;
    ensure(
        read(s, |tx| tx.ssh_public_key(&a, &a1.id))? == Some(a1.clone()),
        "a key reads back",
    )?;
    ensure(
        read(s, |tx| tx.ssh_public_key(&acct(2), &a1.id))?.is_none(),
        "not from another account",
    )?;
    ensure(
        read(s, |tx| tx.ssh_public_keys_of(&a, "AIDAALICE"))? == vec![a1.clone(), a2.clone()],
        "a user's keys, oldest first, then by id",
    )?;
    ensure(
        read(s, |tx| tx.ssh_public_keys(&a))? == vec![b.clone(), a1.clone(), a2.clone()],
        "the account's keys, oldest first",
    )?;
    let mut inactive = a1.clone();
    inactive.active = false;
    write(s, Some(&a), |tx| tx.put_ssh_public_key(&inactive))?;
    ensure(
        read(s, |tx| tx.ssh_public_key(&a, &a1.id))? == Some(inactive),
        "a key's status changes in place",
    )?;
    write(s, Some(&a), |tx| tx.delete_ssh_public_key(&a, &a1.id))?;
    ensure(
        read(s, |tx| tx.ssh_public_keys_of(&a, "AIDAALICE"))? == vec![a2],
        "deleted",
    )
}

fn inline_policies(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let alice = Entity::user("AIDAALICE");
    let ops = Entity::group("AGPAOPS");
    let p = InlinePolicy {
        entity: alice.clone(),
        name: "ReadReports".into(),
        document: "{}".into(),
    };
    let g = InlinePolicy {
        entity: ops.clone(),
        name: "ReadReports".into(),
        document: "{\"g\":1}".into(),
    };
    write(s, Some(&a), |tx| {
        tx.put_inline_policy(&a, &p)?;
        tx.put_inline_policy(&a, &g)
    })?;
    ensure(
        read(s, |tx| tx.inline_policy(&a, &alice, "readreports"))? == Some(p.clone()),
        "found ignoring case",
    )?;
    ensure(
        read(s, |tx| tx.inline_policies(&a, &alice))? == vec![p.clone()],
        "policies of a user, not of a group with the same policy name",
    )?;
    ensure(
        read(s, |tx| tx.inline_policies(&a, &ops))? == vec![g.clone()],
        "policies of a group",
    )?;
    write(s, Some(&a), |tx| {
        tx.delete_inline_policy(&a, &alice, "ReadReports")
    })?;
    ensure(
        read(s, |tx| tx.inline_policies(&a, &alice))?.is_empty()
            && read(s, |tx| tx.inline_policies(&a, &ops))?.len() == 1,
        "deleted, the group's kept",
    )
}

fn group(n: u8, id: &str, name: &str, path: &str) -> Group {
    Group {
        account: acct(n),
        id: id.into(),
        name: name.into(),
        path: path.into(),
        created: t(3),
    }
}

fn groups(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let (ops, dev) = (
        group(1, "AGPAOPS", "Ops", "/"),
        group(1, "AGPADEV", "dev", "/eng/"),
    );
    write(s, Some(&a), |tx| {
        tx.insert_group(&ops)?;
        tx.insert_group(&dev)?;
        tx.add_group_member(&a, "AGPAOPS", "AIDAALICE")?;
        tx.add_group_member(&a, "AGPAOPS", "AIDAALICE")?;
        tx.add_group_member(&a, "AGPADEV", "AIDAALICE")
    })?;
    ensure(
        read(s, |tx| tx.group_by_name(&a, "OPS"))? == Some(ops.clone()),
        "by name ignoring case",
    )?;
    ensure(
        read(s, |tx| tx.group_by_id(&a, "AGPADEV"))? == Some(dev.clone()),
        "by id",
    )?;
    ensure(read(s, |tx| tx.count_groups(&a))? == 2, "counted")?;
    let all = UserQuery {
        path_prefix: None,
        after: None,
        limit: 10,
    };
    ensure(
        read(s, |tx| tx.groups(&a, &all))? == vec![dev.clone(), ops.clone()],
        "in name order ignoring case",
    )?;
    let eng = UserQuery {
        path_prefix: Some("/eng/"),
        after: None,
        limit: 10,
    };
    ensure(
        read(s, |tx| tx.groups(&a, &eng))? == vec![dev.clone()],
        "by path prefix",
    )?;
    let after = UserQuery {
        path_prefix: None,
        after: Some("dev"),
        limit: 10,
    };
    ensure(
        read(s, |tx| tx.groups(&a, &after))? == vec![ops.clone()],
        "after a name key",
    )?;
    ensure(
        read(s, |tx| tx.group_members(&a, "AGPAOPS"))?
            .iter()
            .map(|u| u.id.as_str())
            .collect::<Vec<_>>()
            == ["AIDAALICE"],
        "one membership, however often added",
    )?;
    ensure(
        read(s, |tx| tx.groups_of_user(&a, "AIDAALICE"))? == vec![dev.clone(), ops.clone()],
        "a user's groups",
    )?;
    let mut renamed = ops.clone();
    renamed.name = "Operators".into();
    renamed.path = "/ops/".into();
    write(s, Some(&a), |tx| {
        tx.update_group(&renamed)?;
        tx.remove_group_member(&a, "AGPADEV", "AIDAALICE")?;
        tx.delete_group(&a, "AGPADEV")
    })?;
    ensure(
        read(s, |tx| tx.group_by_name(&a, "operators"))? == Some(renamed.clone()),
        "renamed",
    )?;
    ensure(
        read(s, |tx| tx.group_by_name(&a, "ops"))?.is_none(),
        "the old name is free",
    )?;
    ensure(
        read(s, |tx| tx.groups_of_user(&a, "AIDAALICE"))? == vec![renamed],
        "removed and deleted",
    )
}

fn roles_and_instance_profiles(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let role = |id: &str, name: &str, path: &str| Role {
        account: a.clone(),
        id: id.into(),
        name: name.into(),
        path: path.into(),
        created: t(4),
        assume_role_policy: "{}".into(),
        description: None,
        max_session_duration: 3600,
        last_used: None,
    };
    let (mut reader, admin) = (
        role("AROAREADER", "Reader", "/"),
        role("AROAADMIN", "admin", "/ops/"),
    );
    let profile = InstanceProfile {
        account: a.clone(),
        id: "AIPAWEB".into(),
        name: "Web".into(),
        path: "/".into(),
        created: t(5),
    };
    write(s, Some(&a), |tx| {
        tx.put_role(&reader)?;
        tx.put_role(&admin)?;
        tx.insert_instance_profile(&profile)?;
        tx.add_profile_role(&a, "AIPAWEB", "AROAREADER")?;
        tx.add_profile_role(&a, "AIPAWEB", "AROAREADER")
    })?;
    ensure(
        read(s, |tx| tx.role_by_name(&a, "READER"))? == Some(reader.clone()),
        "a role by name ignoring case",
    )?;
    ensure(
        read(s, |tx| tx.role_by_id(&a, "AROAADMIN"))? == Some(admin.clone()),
        "by id",
    )?;
    ensure(
        read(s, |tx| tx.role_by_name(&acct(2), "reader"))?.is_none(),
        "per account",
    )?;
    let all = UserQuery {
        path_prefix: None,
        after: None,
        limit: 10,
    };
    ensure(
        read(s, |tx| tx.roles(&a, &all))? == vec![admin.clone(), reader.clone()],
        "in name order ignoring case",
    )?;
    let ops = UserQuery {
        path_prefix: Some("/ops/"),
        after: None,
        limit: 10,
    };
    ensure(
        read(s, |tx| tx.roles(&a, &ops))? == vec![admin.clone()],
        "by path",
    )?;
    ensure(read(s, |tx| tx.count_roles(&a))? == 2, "counted")?;
    reader.description = Some("reads".into());
    reader.last_used = Some((t(9), "eu-west-1".into()));
    write(s, Some(&a), |tx| tx.put_role(&reader))?;
    ensure(
        read(s, |tx| tx.role_by_id(&a, "AROAREADER"))? == Some(reader.clone()),
        "replaced, last use kept",
    )?;
    ensure(
        read(s, |tx| tx.instance_profile_by_name(&a, "web"))? == Some(profile.clone()),
        "a profile by name",
    )?;
    ensure(
        read(s, |tx| tx.instance_profiles(&a, &all))? == vec![profile.clone()],
        "profiles listed",
    )?;
    ensure(
        read(s, |tx| tx.count_instance_profiles(&a))? == 1,
        "profiles counted",
    )?;
    ensure(
        read(s, |tx| tx.profile_roles(&a, "AIPAWEB"))? == vec![reader.clone()],
        "a profile's role, once",
    )?;
    ensure(
        read(s, |tx| tx.profiles_of_role(&a, "AROAREADER"))? == vec![profile.clone()],
        "a role's profiles",
    )?;
    write(s, Some(&a), |tx| {
        tx.remove_profile_role(&a, "AIPAWEB", "AROAREADER")?;
        tx.delete_instance_profile(&a, "AIPAWEB")?;
        tx.delete_role(&a, "AROAADMIN")
    })?;
    ensure(
        read(s, |tx| tx.profiles_of_role(&a, "AROAREADER"))?.is_empty()
            && read(s, |tx| tx.instance_profile_by_name(&a, "web"))?.is_none()
            && read(s, |tx| tx.roles(&a, &all))? == vec![reader.clone()],
        "removed and deleted",
    )
}

fn managed_policies(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let mut p = ManagedPolicy {
        account: a.clone(),
        id: "ANPAREAD".into(),
        name: "ReadAll".into(),
        path: "/team/".into(),
        description: Some("reads".into()),
        created: t(1),
        updated: t(1),
        default_version: 1,
        next_version: 2,
    };
    let v = |n: u32| PolicyVersion {
        policy_id: "ANPAREAD".into(),
        version: n,
        document: format!("{{\"v\":{n}}}"),
        created: t(i64::from(n)),
    };
    write(s, Some(&a), |tx| {
        tx.put_managed_policy(&p)?;
        tx.put_policy_version(&v(1))?;
        tx.put_policy_version(&v(2))
    })?;
    ensure(
        read(s, |tx| tx.managed_policy(&a, "ANPAREAD"))? == Some(p.clone()),
        "by id",
    )?;
    ensure(
        read(s, |tx| tx.managed_policy_by_name(&a, "readall"))? == Some(p.clone()),
        "by name ignoring case",
    )?;
    ensure(
        read(s, |tx| tx.managed_policy_by_name(&acct(2), "readall"))?.is_none(),
        "per account",
    )?;
    let all = UserQuery {
        path_prefix: Some("/team/"),
        after: None,
        limit: 10,
    };
    ensure(
        read(s, |tx| tx.managed_policies(&a, &all))? == vec![p.clone()],
        "listed by path",
    )?;
    ensure(read(s, |tx| tx.count_managed_policies(&a))? == 1, "counted")?;
    ensure(
        read(s, |tx| tx.policy_versions("ANPAREAD"))? == vec![v(1), v(2)],
        "versions oldest first",
    )?;
    p.default_version = 2;
    p.next_version = 3;
    write(s, Some(&a), |tx| {
        tx.put_managed_policy(&p)?;
        tx.delete_policy_version("ANPAREAD", 1)
    })?;
    ensure(
        read(s, |tx| tx.managed_policy(&a, "ANPAREAD"))? == Some(p.clone()),
        "replaced",
    )?;
    ensure(
        read(s, |tx| tx.policy_versions("ANPAREAD"))? == vec![v(2)],
        "a version deleted",
    )?;
    write(s, Some(&a), |tx| tx.delete_managed_policy(&a, "ANPAREAD"))?;
    ensure(
        read(s, |tx| tx.managed_policy(&a, "ANPAREAD"))?.is_none()
            && read(s, |tx| tx.policy_versions("ANPAREAD"))?.is_empty(),
        "deleted with its versions",
    )
}

fn permissions_boundaries(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let (alice, deployer) = (Entity::user("AIDAALICE"), Entity::role("AROADEPLOYER"));
    let power = "arn:aws:iam::aws:policy/PowerUserAccess";
    let local = "arn:aws:iam::111111111101:policy/Cap";
    ensure(
        read(s, |tx| tx.permissions_boundary(&a, &alice))?.is_none(),
        "none at first",
    )?;
    write(s, Some(&a), |tx| {
        tx.set_permissions_boundary(&a, &alice, Some(local))?;
        tx.set_permissions_boundary(&a, &alice, Some(power))?;
        tx.set_permissions_boundary(&a, &deployer, Some(power))
    })?;
    ensure(
        read(s, |tx| tx.permissions_boundary(&a, &alice))?.as_deref() == Some(power),
        "one per identity: the last set replaces it",
    )?;
    ensure(
        read(s, |tx| tx.boundary_entities(&a, power))? == vec![deployer.clone(), alice.clone()],
        "a policy's, by kind and id",
    )?;
    ensure(
        read(s, |tx| tx.boundary_entities(&a, local))?.is_empty()
            && read(s, |tx| tx.boundary_entities(&acct(2), power))?.is_empty()
            && read(s, |tx| tx.permissions_boundary(&acct(2), &alice))?.is_none(),
        "replaced, and per account",
    )?;
    write(s, Some(&a), |tx| {
        tx.set_permissions_boundary(&a, &alice, None)?;
        tx.set_permissions_boundary(&a, &alice, None)
    })?;
    ensure(
        read(s, |tx| tx.permissions_boundary(&a, &alice))?.is_none()
            && read(s, |tx| tx.boundary_entities(&a, power))? == vec![deployer.clone()],
        "removed (twice is nothing)",
    )
}

fn organization_record(id: &str, management: u8) -> Result<Organization> {
    let bad = || Error::internal("a test id");
    Ok(Organization {
        id: OrganizationId::parse(id).ok_or_else(bad)?,
        management: acct(management),
        feature_set: FeatureSet::All,
        root: RootId::parse("r-ab12").ok_or_else(bad)?,
        created: t(30),
    })
}

fn member(n: u8, organization: &Organization, state: AccountState) -> Membership {
    Membership {
        account: acct(n),
        organization: organization.id.clone(),
        name: format!("Account {n}"),
        email: format!("account{n}@example.com"),
        state,
        joined_method: if n == 1 {
            JoinedMethod::Created
        } else {
            JoinedMethod::Invited
        },
        joined: t(40 + i64::from(n)),
    }
}

fn organizations(store: &Arc<dyn Store>) -> Result<()> {
    let s = store.as_ref();
    let org = organization_record("o-a1b2c3d4e5", 1)?;
    ensure(
        read(s, |tx| tx.organization_managed_by(&acct(1)))?.is_none()
            && read(s, |tx| tx.membership(&acct(1)))?.is_none(),
        "none at first",
    )?;
    // Members are written in no particular order; ListAccounts reads them by id.
    let members = [
        member(3, &org, AccountState::Suspended),
        member(1, &org, AccountState::Active),
        member(2, &org, AccountState::Active),
    ];
    write(s, None, |tx| {
        tx.insert_organization(&org)?;
        members.iter().try_for_each(|m| tx.insert_membership(m))
    })?;
    ensure(
        read(s, |tx| tx.organization(&org.id))?.as_ref() == Some(&org)
            && read(s, |tx| tx.organization_managed_by(&acct(1)))?.as_ref() == Some(&org)
            && read(s, |tx| tx.organization_managed_by(&acct(2)))?.is_none(),
        "an organization reads back by id and by its management account",
    )?;
    ensure(
        read(s, |tx| tx.membership(&acct(3)))?.as_ref() == Some(&members[0]),
        "a membership reads back as written",
    )?;
    ensure(
        read(s, |tx| tx.member_with_email("account2@example.com"))?.as_ref() == Some(&members[2])
            && read(s, |tx| tx.member_with_email("ACCOUNT2@example.com"))?.is_none(),
        "a member by its email, as written",
    )?;
    let ids = |page: Vec<Membership>| page.into_iter().map(|m| m.account).collect::<Vec<_>>();
    ensure(
        ids(read(s, |tx| tx.memberships(&org.id, None, 2))?) == vec![acct(1), acct(2)]
            && ids(read(s, |tx| tx.memberships(&org.id, Some(&acct(2)), 2))?) == vec![acct(3)]
            && read(s, |tx| tx.memberships(&org.id, Some(&acct(3)), 2))?.is_empty(),
        "members page by account id",
    )?;
    let again = write(s, None, |tx| {
        tx.insert_membership(&member(2, &org, AccountState::Active))
    });
    ensure(
        matches!(again, Err(Error::EntityAlreadyExists(_))),
        "an account is in one organization at most",
    )?;
    let same_email = Membership {
        account: acct(4),
        ..member(2, &org, AccountState::Active)
    };
    let refused = write(s, None, |tx| tx.insert_membership(&same_email));
    ensure(
        matches!(refused, Err(Error::EntityAlreadyExists(_))),
        "an email belongs to one member",
    )?;
    let second = organization_record("o-f6g7h8i9j0", 1)?;
    let refused = write(s, None, |tx| tx.insert_organization(&second));
    ensure(
        matches!(refused, Err(Error::EntityAlreadyExists(_))),
        "an account manages one organization at most",
    )?;
    let other = organization_record("o-f6g7h8i9j0", 5)?;
    write(s, None, |tx| {
        tx.insert_organization(&other)?;
        tx.insert_membership(&member(5, &other, AccountState::Active))
    })?;
    ensure(
        ids(read(s, |tx| tx.memberships(&other.id, None, 20))?) == vec![acct(5)]
            && read(s, |tx| tx.memberships(&org.id, None, 20))?.len() == 3,
        "each organization lists its own",
    )
}

fn attachments_tags_and_aliases(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let (alice, ops) = (Entity::user("AIDAALICE"), Entity::group("AGPAOPS"));
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    let local = "arn:aws:iam::111111111101:policy/ReadAll";
    write(s, Some(&a), |tx| {
        tx.attach_policy(&a, &alice, local)?;
        tx.attach_policy(&a, &alice, admin)?;
        tx.attach_policy(&a, &alice, admin)?;
        tx.attach_policy(&a, &ops, admin)
    })?;
    ensure(
        read(s, |tx| tx.attached_policies(&a, &alice))? == vec![local.to_owned(), admin.to_owned()],
        "an identity's, in ARN order, once each",
    )?;
    ensure(
        read(s, |tx| tx.policy_attachments(&a, admin))? == vec![ops.clone(), alice.clone()],
        "a policy's",
    )?;
    ensure(
        read(s, |tx| tx.policy_attachments(&acct(2), admin))?.is_empty(),
        "per account",
    )?;
    write(s, Some(&a), |tx| tx.detach_policy(&a, &alice, admin))?;
    ensure(
        read(s, |tx| tx.policy_attachments(&a, admin))? == vec![ops.clone()],
        "detached",
    )?;

    let tag = |k: &str, v: &str| Tag {
        key: k.into(),
        value: v.into(),
    };
    let user = TagTarget::User("AIDAALICE".into());
    let policy = TagTarget::Policy("AIDAALICE".into());
    write(s, Some(&a), |tx| {
        tx.put_tags(&a, &user, &[tag("z", "1"), tag("a", "")])?;
        tx.put_tags(&a, &policy, &[tag("p", "2")])
    })?;
    ensure(
        read(s, |tx| tx.tags(&a, &user))? == vec![tag("z", "1"), tag("a", "")],
        "in the order given",
    )?;
    ensure(
        read(s, |tx| tx.tags(&a, &policy))? == vec![tag("p", "2")],
        "a policy's apart from a user's with the same id",
    )?;
    write(s, Some(&a), |tx| tx.put_tags(&a, &user, &[tag("a", "x")]))?;
    ensure(
        read(s, |tx| tx.tags(&a, &user))? == vec![tag("a", "x")],
        "replaced whole",
    )?;

    write(s, Some(&a), |tx| {
        tx.set_account_alias(&a, Some("acme-prod"))
    })?;
    ensure(
        read(s, |tx| tx.account_alias(&a))?.as_deref() == Some("acme-prod"),
        "alias set",
    )?;
    ensure(
        read(s, |tx| tx.alias_owner("acme-prod"))? == Some(a.clone()),
        "alias owner",
    )?;
    write(s, Some(&a), |tx| tx.set_account_alias(&a, Some("acme")))?;
    ensure(
        read(s, |tx| tx.alias_owner("acme-prod"))?.is_none(),
        "the old alias is gone",
    )?;
    write(s, Some(&a), |tx| tx.set_account_alias(&a, None))?;
    ensure(
        read(s, |tx| tx.account_alias(&a))?.is_none(),
        "alias removed",
    )
}

fn reports(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    ensure(
        read(s, |tx| tx.report(&a))? == StoredReport::default(),
        "no report at first",
    )?;
    ensure(
        read(s, |tx| tx.report_content(&a))?.is_none(),
        "no report bytes at first",
    )?;
    let building = StoredReport {
        generated: None,
        building_since: Some(t(5)),
        rows: KeptRows::NotYet,
    };
    write(s, Some(&a), |tx| tx.put_report(&a, &building))?;
    ensure(
        read(s, |tx| tx.reports_building())? == vec![(a.clone(), t(5))],
        "a running build is listed",
    )?;
    let done = StoredReport {
        generated: Some(t(6)),
        building_since: None,
        rows: KeptRows::NotYet,
    };
    write(s, Some(&a), |tx| {
        tx.put_report_content(&a, b"user,arn")?;
        tx.put_report(&a, &done)
    })?;
    ensure(
        read(s, |tx| tx.report(&a))? == done,
        "the report state reads back",
    )?;
    ensure(
        read(s, |tx| tx.report_content(&a))?.as_deref() == Some(&b"user,arn"[..]),
        "the report bytes read back",
    )?;
    let rebuilding = StoredReport {
        generated: Some(t(6)),
        building_since: Some(t(7)),
        rows: KeptRows::NotYet,
    };
    write(s, Some(&a), |tx| tx.put_report(&a, &rebuilding))?;
    ensure(
        read(s, |tx| tx.report_content(&a))?.as_deref() == Some(&b"user,arn"[..]),
        "a state change leaves the bytes alone",
    )?;
    write(s, Some(&a), |tx| {
        tx.put_report_content(&a, b"user,arn,x")?;
        tx.put_report(&a, &done)
    })?;
    ensure(
        read(s, |tx| tx.report_content(&a))?.as_deref() == Some(&b"user,arn,x"[..]),
        "new bytes replace the old",
    )?;
    ensure(
        read(s, |tx| tx.reports_building())?.is_empty(),
        "no build running",
    )
}

/// The reads a report row is rendered from: one owner's keys, certificates, MFA and
/// password change, nothing of anyone else's.
fn owner_facts(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let alice = Owner::User("AIDAALICE".into());
    let bob = Owner::User("AIDABOB".into());
    let mut inactive = key(1, "AKIA2", alice.clone());
    inactive.active = false;
    let cert = |id: &str, owner: Owner, digest: u8| SigningCertificate {
        id: id.into(),
        account: a.clone(),
        owner,
        body: "-----BEGIN CERTIFICATE-----".into(),
        der_sha256: [digest; 32],
        active: true,
        uploaded: t(4),
    };
    let device = |name: &str, assignment: Option<(Owner, Timestamp)>| MfaDevice {
        serial: format!("arn:aws:iam::111111111101:mfa/{name}"),
        account: a.clone(),
        name: name.into(),
        path: "/".into(),
        seed: Sealed(vec![9; 40]),
        created: t(1),
        assignment,
        last_counter: None,
    };
    write(s, Some(&a), |tx| {
        tx.put_access_key(&key(1, "AKIA1", alice.clone()))?;
        tx.put_access_key(&inactive)?;
        tx.put_access_key(&key(1, "AKIA3", bob.clone()))?;
        tx.put_access_key(&key(1, "AKIAROOT", Owner::Root))?;
        tx.put_signing_certificate(&cert("CERTALICE", alice.clone(), 1))?;
        tx.put_signing_certificate(&cert("CERTROOT", Owner::Root, 2))?;
        tx.put_mfa_device(&device("alice", Some((alice.clone(), t(2)))))?;
        tx.put_mfa_device(&device("spare", None))?;
        tx.put_login_profile(
            &a,
            "AIDAALICE",
            &Password {
                hash: PasswordHash("$argon2id$x".into()),
                created: t(3),
                changed: t(7),
                reset_required: false,
                previous: vec![],
            },
        )
    })?;
    let mut keys: Vec<String> = read(s, |tx| tx.owner_key_facts(&a, &alice))?
        .into_iter()
        .map(|k| k.id)
        .collect();
    keys.sort();
    ensure(keys == ["AKIA1", "AKIA2"], "an owner's keys, active or not")?;
    ensure(
        read(s, |tx| tx.owner_key_facts(&a, &Owner::Root))?
            == vec![KeyFacts::from(&key(1, "AKIAROOT", Owner::Root))],
        "the root's keys",
    )?;
    ensure(
        read(s, |tx| tx.owner_cert_facts(&a, &alice))?
            == vec![CertFacts::from(&cert("CERTALICE", alice.clone(), 1))],
        "an owner's certificates",
    )?;
    ensure(
        read(s, |tx| tx.owner_cert_facts(&a, &bob))?.is_empty(),
        "none for another owner",
    )?;
    ensure(
        read(s, |tx| tx.owner_has_mfa(&a, &alice))?,
        "an owner with an enabled device",
    )?;
    ensure(
        !read(s, |tx| tx.owner_has_mfa(&a, &bob))?
            && !read(s, |tx| tx.owner_has_mfa(&a, &Owner::Root))?,
        "owners without one",
    )?;
    ensure(
        read(s, |tx| tx.password_changed(&a, "AIDAALICE"))? == Some(t(7)),
        "a password's last change",
    )?;
    ensure(
        read(s, |tx| tx.password_changed(&a, "AIDABOB"))?.is_none(),
        "no password",
    )
}

/// A kept row for the checks: its text says whose it is and which version.
fn kept_row(owner: &str, name_key: &str, version: u8, rotation_from: Option<i64>) -> KeptRow {
    KeptRow {
        owner: Owner::from_key(owner),
        name_key: name_key.into(),
        head: format!("{owner},v{version},"),
        rotation_from: rotation_from.map(t),
        tail: format!(",{name_key}"),
    }
}

type Lines = Vec<(String, String, Option<Timestamp>, String)>;

fn owned(line: KeptLine<'_>) -> (String, String, Option<Timestamp>, String) {
    (
        line.name_key.into(),
        line.head.into(),
        line.rotation_from,
        line.tail.into(),
    )
}

fn lines_of(rows: &[&KeptRow]) -> Lines {
    rows.iter().map(|r| owned(r.line())).collect()
}

fn current_rows(s: &dyn Store, a: &AccountId) -> Result<Lines> {
    read(s, |tx| {
        let mut out = Vec::new();
        tx.current_report_rows(a, &mut |line| {
            out.push(owned(line));
            Ok(())
        })?;
        Ok(out)
    })
}

fn stored_rows(s: &dyn Store, a: &AccountId, epoch: i64) -> Result<Lines> {
    read(s, |tx| {
        let mut out = Vec::new();
        tx.stored_report_rows(a, epoch, &mut |line| {
            out.push(owned(line));
            Ok(())
        })?;
        Ok(out)
    })
}

/// Rows kept, replaced and made a report: their order, the account's epochs, the
/// maximum age a report keeps, and the bytes of a report stored whole giving way.
fn report_rows(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let root = kept_row("root", "", 1, None);
    let alice = kept_row("AIDAALICE", "alice", 1, Some(50));
    let bob = kept_row("AIDABOB", "bob", 1, None);
    ensure(
        read(s, |tx| tx.report(&a))?.rows == KeptRows::NotYet,
        "rows not kept at first",
    )?;
    ensure(
        write(s, Some(&a), |tx| tx.store_rows_report(&a, t(90), None)).is_err(),
        "no report of rows that are not kept",
    )?;
    write(s, Some(&a), |tx| {
        tx.replace_report_rows(&a, &[bob.clone(), root.clone(), alice.clone()])
    })?;
    ensure(
        read(s, |tx| tx.report(&a))?.rows
            == KeptRows::Kept {
                epoch: 0,
                report: None,
            },
        "kept from epoch 0, no report of rows yet",
    )?;
    ensure(
        current_rows(s, &a)? == lines_of(&[&root, &alice, &bob]),
        "current rows in report order: the root's, then by name key",
    )?;
    let alice2 = kept_row("AIDAALICE", "alice", 2, Some(60));
    write(s, Some(&a), |tx| tx.put_report_row(&a, &alice2))?;
    ensure(
        current_rows(s, &a)? == lines_of(&[&root, &alice2, &bob]),
        "a put replaces the owner's row",
    )?;

    // Stored: the rows of epoch 0 are the report; writes stamp epoch 1 from now on.
    write(s, Some(&a), |tx| {
        tx.put_report(
            &a,
            &StoredReport {
                generated: None,
                building_since: Some(t(99)),
                rows: KeptRows::NotYet,
            },
        )?;
        tx.put_report_content(&a, b"stored whole")
    })?;
    ensure(
        read(s, |tx| tx.report(&a))?.rows.report().is_none(),
        "a report stored whole is no report of rows",
    )?;
    write(s, Some(&a), |tx| tx.store_rows_report(&a, t(100), Some(90)))?;
    let stored = read(s, |tx| tx.report(&a))?;
    ensure(
        stored
            == StoredReport {
                generated: Some(t(100)),
                building_since: None,
                rows: KeptRows::Kept {
                    epoch: 1,
                    report: Some(RowsReport {
                        epoch: 0,
                        max_password_age: Some(90),
                    }),
                },
            },
        "the report of rows: generated, no build, its epoch and maximum age",
    )?;
    ensure(
        read(s, |tx| tx.report_content(&a))?.is_none(),
        "the bytes stored whole are gone",
    )?;
    ensure(
        stored_rows(s, &a, 0)? == lines_of(&[&root, &alice2, &bob]),
        "the stored report's rows",
    )?;
    write(s, Some(&a), |tx| {
        tx.put_report(
            &a,
            &StoredReport {
                generated: Some(t(100)),
                building_since: Some(t(101)),
                rows: KeptRows::NotYet,
            },
        )
    })?;
    ensure(
        read(s, |tx| tx.report(&a))?.rows == stored.rows,
        "put_report leaves how rows are kept alone",
    )?;
    write(s, Some(&a), |tx| tx.store_rows_report(&a, t(200), None))?;
    ensure(
        read(s, |tx| tx.report(&a))?.rows.report()
            == Some(RowsReport {
                epoch: 1,
                max_password_age: None,
            }),
        "the next report is the next epoch",
    )?;
    ensure(
        stored_rows(s, &a, 1)? == lines_of(&[&root, &alice2, &bob]),
        "rows of older epochs are in it",
    )
}

/// Changes after a report was generated: the report shows its rows as they were (a new
/// user out of it, a deleted one still in it, a renamed one under its old name), the
/// current rows show the changes, and the next report is the current rows.
fn report_rows_frozen(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let root = kept_row("root", "", 1, None);
    let alice = kept_row("AIDAALICE", "alice", 1, Some(50));
    let bob = kept_row("AIDABOB", "bob", 1, None);
    write(s, Some(&a), |tx| {
        tx.replace_report_rows(&a, &[root.clone(), alice.clone(), bob.clone()])?;
        tx.store_rows_report(&a, t(100), Some(90))
    })?;
    let report = lines_of(&[&root, &alice, &bob]);

    let alice2 = kept_row("AIDAALICE", "alice", 2, None);
    let alice3 = kept_row("AIDAALICE", "alice", 3, Some(70));
    let bob_renamed = kept_row("AIDABOB", "zed", 2, None);
    let carol = kept_row("AIDACAROL", "carol", 1, None);
    let root2 = kept_row("root", "", 2, None);
    write(s, Some(&a), |tx| {
        tx.put_report_row(&a, &alice2)?;
        tx.put_report_row(&a, &carol)?;
        tx.put_report_row(&a, &bob_renamed)
    })?;
    write(s, Some(&a), |tx| tx.put_report_row(&a, &alice3))?;
    write(s, Some(&a), |tx| tx.put_report_row(&a, &root2))?;
    ensure(
        stored_rows(s, &a, 0)? == report,
        "the stored report is as it was generated",
    )?;
    ensure(
        current_rows(s, &a)? == lines_of(&[&root2, &alice3, &carol, &bob_renamed]),
        "the current rows have every change",
    )?;
    write(s, Some(&a), |tx| {
        tx.delete_report_row(&a, &Owner::User("AIDABOB".into()))?;
        tx.delete_report_row(&a, &Owner::User("AIDACAROL".into()))
    })?;
    ensure(
        stored_rows(s, &a, 0)? == report,
        "deleted rows stay in the stored report",
    )?;
    ensure(
        current_rows(s, &a)? == lines_of(&[&root2, &alice3]),
        "and leave the current rows",
    )?;
    let dave = kept_row("AIDADAVE", "bob", 1, None);
    write(s, Some(&a), |tx| {
        tx.replace_report_rows(&a, &[root2.clone(), alice3.clone(), dave.clone()])
    })?;
    ensure(
        stored_rows(s, &a, 0)? == report,
        "rows replaced all at once: the stored report is as it was",
    )?;
    ensure(
        current_rows(s, &a)? == lines_of(&[&root2, &alice3, &dave]),
        "a new user under a deleted one's name",
    )?;
    write(s, Some(&a), |tx| tx.store_rows_report(&a, t(200), None))?;
    ensure(
        stored_rows(s, &a, 1)? == lines_of(&[&root2, &alice3, &dave]),
        "the next report is the current rows, the frozen ones dropped",
    )
}

fn console_sessions(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let session = |n: u8, expires: i64| ConsoleSession {
        token_hash: [n; 32],
        account: a.clone(),
        owner: Owner::User("AIDAALICE".into()),
        stage: SessionStage::MfaRequired,
        created: t(0),
        expires: t(expires),
        mfa_at: None,
    };
    let (mut one, two) = (session(1, 100), session(2, 50));
    write(s, Some(&a), |tx| {
        tx.put_console_session(&one)?;
        tx.put_console_session(&two)
    })?;
    ensure(
        read(s, |tx| tx.console_session(&[1; 32]))? == Some(one.clone()),
        "a session reads back by its token's hash",
    )?;
    one.stage = SessionStage::SignedIn;
    one.owner = Owner::Root;
    one.mfa_at = Some(t(7));
    write(s, Some(&a), |tx| tx.put_console_session(&one))?;
    ensure(
        read(s, |tx| tx.console_session(&[1; 32]))? == Some(one.clone()),
        "a session's stage and MFA time are replaced",
    )?;
    ensure(
        write(s, Some(&a), |tx| tx.delete_expired_console_sessions(t(50)))? == 1,
        "a session expiring at the sweep's instant is swept",
    )?;
    ensure(
        read(s, |tx| tx.console_session(&[2; 32]))?.is_none(),
        "the expired session is gone",
    )?;
    write(s, Some(&a), |tx| tx.delete_console_session(&[1; 32]))?;
    write(s, Some(&a), |tx| tx.delete_console_session(&[9; 32]))?;
    ensure(
        read(s, |tx| tx.console_session(&[1; 32]))?.is_none(),
        "a signed-out session is gone",
    )
}

fn last_accessed(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let alice = Entity::user("AIDAALICE");
    let (as_alice, group, policy) = (
        Subject::Entity(alice.clone()),
        Subject::Entity(Entity::group("AGPADEVS")),
        Subject::Policy("arn:aws:iam::aws:policy/ReadOnlyAccess".into()),
    );
    let used = |entity: &Entity, action: &str, at: i64, region: &str| AccessUse {
        entity: entity.clone(),
        namespace: "iam".into(),
        action: action.into(),
        at: t(at),
        region: region.into(),
    };
    let record = |subject: &Subject, u: &AccessUse| {
        write(s, Some(&a), |tx| tx.record_access(&a, subject, u, 900))
    };
    ensure(
        record(&as_alice, &used(&alice, "", 0, "eu-west-1"))?,
        "a first use is written",
    )?;
    ensure(
        !record(&as_alice, &used(&alice, "", 899, "us-east-1"))?,
        "a use inside the window is not",
    )?;
    ensure(
        record(&as_alice, &used(&alice, "ListUsers", 899, "us-east-1"))?,
        "another action has a window of its own",
    )?;
    ensure(
        record(&as_alice, &used(&alice, "", 900, "us-west-2"))?,
        "a use a window later is written",
    )?;
    ensure(
        !record(&as_alice, &used(&alice, "", 100, "ap-south-1"))?,
        "an older use never replaces a newer one",
    )?;
    let bob = Entity::role("AROABOB");
    for subject in [&group, &policy] {
        record(subject, &used(&alice, "", 10, "eu-west-1"))?;
        record(subject, &used(&bob, "", 20, "eu-central-1"))?;
    }
    let mut mine = read(s, |tx| tx.accesses(&a, &as_alice))?;
    mine.sort_by(|x, y| x.action.cmp(&y.action));
    ensure(
        mine == [
            used(&alice, "", 900, "us-west-2"),
            used(&alice, "ListUsers", 899, "us-east-1"),
        ],
        "a subject's uses read back, the service's and each action's",
    )?;
    for subject in [&group, &policy] {
        let mut theirs = read(s, |tx| tx.accesses(&a, subject))?;
        theirs.sort_by_key(|x| x.at);
        ensure(
            theirs
                == [
                    used(&alice, "", 10, "eu-west-1"),
                    used(&bob, "", 20, "eu-central-1"),
                ],
            "a group's and a policy's uses are kept per user and role",
        )?;
    }
    ensure(
        read(s, |tx| tx.accesses(&acct(2), &as_alice))?.is_empty(),
        "another account's subject has none",
    )
}

fn role_use_window(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let role = Role {
        account: a.clone(),
        id: "AROADEPLOY".into(),
        name: "deploy".into(),
        path: "/".into(),
        created: t(0),
        assume_role_policy: "{}".into(),
        description: None,
        max_session_duration: 3600,
        last_used: None,
    };
    write(s, Some(&a), |tx| tx.put_role(&role))?;
    let use_at = |at: i64, region: &str| {
        write(s, Some(&a), |tx| {
            tx.record_role_use(&a, "AROADEPLOY", t(at), region, 900)
        })
    };
    let last = || -> Result<Option<(Timestamp, String)>> {
        Ok(read(s, |tx| tx.role_by_id(&a, "AROADEPLOY"))?.and_then(|r| r.last_used))
    };
    ensure(use_at(10, "eu-west-1")?, "a first use is written")?;
    ensure(!use_at(20, "us-east-1")?, "a use inside the window is not")?;
    ensure(
        last()? == Some((t(10), "eu-west-1".into())),
        "RoleLastUsed holds the first use and its region",
    )?;
    ensure(
        use_at(910, "ap-south-1")?,
        "a use a window later is written",
    )?;
    ensure(!use_at(5, "us-east-1")?, "an older use is not")?;
    ensure(
        last()? == Some((t(910), "ap-south-1".into())),
        "RoleLastUsed follows the later use's region",
    )?;
    ensure(
        !write(s, Some(&a), |tx| {
            tx.record_role_use(&a, "AROAGONE", t(0), "x", 900)
        })?,
        "a role that is not there is not written",
    )
}

fn access_jobs(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let job = |id: &str, created: i64| StoredJob {
        job_id: id.into(),
        account: a.clone(),
        created: t(created),
        result: format!("{{\"job\":{created}}}"),
    };
    let (old, new) = (job("job-old", 0), job("job-new", 100));
    write(s, Some(&a), |tx| tx.put_access_job(&old, t(0)))?;
    ensure(
        read(s, |tx| tx.access_job(&a, "job-old"))? == Some(old.clone()),
        "a job reads back",
    )?;
    ensure(
        read(s, |tx| tx.access_job(&acct(2), "job-old"))?.is_none(),
        "not in another account",
    )?;
    write(s, Some(&a), |tx| tx.put_access_job(&new, t(50)))?;
    ensure(
        read(s, |tx| tx.access_job(&a, "job-old"))?.is_none(),
        "a job older than the kept span is forgotten",
    )?;
    ensure(
        read(s, |tx| tx.access_job(&a, "job-new"))? == Some(new.clone()),
        "the new one is kept",
    )
}

fn rollback(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    rolls_back(s, write(s, Some(&a), put_then_fail))
}

/// A write's closure: puts the key AKIAGONE, then fails.
fn put_then_fail(tx: &mut dyn super::Tx) -> Result<()> {
    tx.put_access_key(&key(1, "AKIAGONE", Owner::Root))?;
    Err(Error::LimitExceeded("stop".into()))
}

/// What a write of [`put_then_fail`] must leave: its error, and no key.
fn rolls_back(s: &dyn Store, failed: Result<()>) -> Result<()> {
    ensure(
        matches!(failed, Err(Error::LimitExceeded(_))),
        "the closure's error comes back",
    )?;
    ensure(
        read(s, |tx| tx.access_key("AKIAGONE"))?.is_none(),
        "nothing of a failed transaction stays",
    )
}

/// A write that need not reach the disk is still a transaction: seen by the next read
/// once it returns, all or nothing, and the writes after it are durable ones as before.
fn unsynced_writes(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    write_unsynced(s, Some(&a), |tx| {
        tx.put_access_key(&key(1, "AKIAMARK", Owner::Root))
    })?;
    ensure(
        read(s, |tx| tx.access_key("AKIAMARK"))?.is_some(),
        "an unsynced write is seen once it returns",
    )?;
    rolls_back(s, write_unsynced(s, Some(&a), put_then_fail))?;
    write(s, Some(&a), |tx| {
        tx.put_access_key(&key(1, "AKIAAFTER", Owner::Root))
    })?;
    ensure(
        read(s, |tx| tx.access_key("AKIAAFTER"))?.is_some(),
        "a durable write after them commits",
    )
}

fn serialized_writes(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let a = acct(1);
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let store = Arc::clone(store);
            let a = a.clone();
            thread::spawn(move || {
                write(store.as_ref(), Some(&a), |tx| {
                    if tx.access_keys_of(&a, &Owner::Root)?.len() < 2 {
                        tx.put_access_key(&key(1, &format!("AKIA{i}"), Owner::Root))?;
                    }
                    Ok(())
                })
            })
        })
        .collect();
    for h in handles {
        h.join()
            .map_err(|_| Error::internal("a writer panicked"))??;
    }
    let n = read(store.as_ref(), |tx| tx.access_keys_of(&a, &Owner::Root))?.len();
    ensure(
        n == 2,
        "check-then-act inside write transactions never oversteps (two keys)",
    )
}

/// The parts of a split read share one snapshot: a user committed by the first part, after
/// its own read, is seen by neither, even though the second part reads only after that
/// commit. A part's error is the result, and it leaves no transaction behind.
fn read_parts(store: &Arc<dyn Store>) -> Result<()> {
    setup(store)?;
    let s = store.as_ref();
    let a = acct(1);
    let count = |tx: &mut dyn super::Tx| tx.count_users(&a);
    let (committed, heard) = channel();
    let (mut first, mut second) = (0, 0);
    let second_seen = &mut second;
    s.read_parts(&mut [
        &mut |tx| {
            first = count(tx)?;
            write(s, Some(&a), |w| {
                w.insert_user(&user(1, "AIDACAROL", "carol", "/"))
            })?;
            committed
                .send(())
                .map_err(|_| Error::internal("the second part is gone"))
        },
        // The receiver moves in (it cannot be shared between threads).
        &mut move |tx| {
            heard
                .recv_timeout(Duration::from_secs(10))
                .map_err(|_| Error::internal("the first part never committed"))?;
            *second_seen = count(tx)?;
            Ok(())
        },
    ])?;
    ensure((first, second) == (2, 2), "both parts read one snapshot")?;

    let failed = s.read_parts(&mut [&mut |tx| count(tx).map(drop), &mut |_| {
        Err(Error::LimitExceeded("stop".into()))
    }]);
    ensure(
        matches!(failed, Err(Error::LimitExceeded(_))),
        "a part's error comes back",
    )?;
    write(s, Some(&a), |w| {
        w.insert_user(&user(1, "AIDADAN", "dan", "/"))
    })?;
    let (mut first, mut second) = (0, 0);
    s.read_parts(&mut [
        &mut |tx| {
            first = count(tx)?;
            Ok(())
        },
        &mut |tx| {
            second = count(tx)?;
            Ok(())
        },
    ])?;
    ensure(
        (first, second) == (4, 4),
        "after a failed split read, the next one sees the latest commit",
    )
}

/// Failed console sign-ins: counted per key from a time on, pruned before a time for
/// every key, cleared per key.
fn sign_in_failures(s: &Arc<dyn Store>) -> Result<()> {
    let count = |key: &str, since: i64| s.sign_in_failures(key, t(since)).map(|v| v.len());
    for at in [0, 10, 20] {
        s.record_sign_in_failure("a", t(at), t(0))?;
    }
    s.record_sign_in_failure("b", t(30), t(0))?;
    ensure(count("a", 0)? == 3, "three failures of a")?;
    ensure(count("a", 15)? == 1, "one of them at or after 15")?;
    ensure(count("b", 0)? == 1, "keys are counted apart")?;
    let mut times = s.sign_in_failures("a", t(0))?;
    times.sort();
    ensure(times == vec![t(0), t(10), t(20)], "the times as recorded")?;
    // Recording prunes every key's failures from before `forget_before`.
    s.record_sign_in_failure("c", t(40), t(15))?;
    ensure(count("a", 0)? == 1, "a's failures before 15 pruned")?;
    ensure(count("b", 0)? == 1, "b's failure at 30 kept")?;
    s.clear_sign_in_failures("b")?;
    ensure(count("b", 0)? == 0, "b cleared")?;
    ensure(count("c", 0)? == 1, "c untouched")
}
