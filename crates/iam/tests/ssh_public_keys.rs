//! SSH public keys (issue 27), IAM's rules as a table of cases: what UploadSSHPublicKey
//! takes and refuses (AWS's API reference: RSA of 2048 bits or more in ssh-rsa or PEM
//! form, five per user, the same key once per user), then reading a key back in either
//! encoding, listing in pages, the status, deletion, and DeleteUser's conflict.

#![allow(clippy::unwrap_used)] // Test harness code panics on purpose.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use credreport_iam::model::SshPublicKey;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::ssh_key::SshEncoding;
use credreport_iam::{AccountId, Error, Iam, IamConfig, ManualClock, SqliteStore, Store};
use credreport_report::Timestamp;

const RSA_2048: &str = include_str!("data/ssh-rsa-2048.pub");
const RSA_2048_SPKI: &str = include_str!("data/ssh-rsa-2048.spki.pem");
const RSA_2048_PKCS1: &str = include_str!("data/ssh-rsa-2048.pkcs1.pem");
const RSA_1024: &str = include_str!("data/ssh-rsa-1024.pub");
const ED25519: &str = include_str!("data/ssh-ed25519.pub");
/// `ssh-keygen -l -E md5 -f ssh-rsa-2048.pub`.
const FP_2048: &str = "07:70:15:d8:b6:18:7b:af:ca:05:c5:04:4a:e0:54:44";

/// A distinct 2048-bit RSA public key for each `i` (a modulus of the right length, not
/// a product of primes: IAM cannot tell, and neither does this).
fn synthetic(i: u8) -> String {
    let mut blob = Vec::new();
    let mut n = vec![0u8; 257];
    n[1] = 0x80;
    n[255] = i;
    n[256] = 1;
    for part in [&b"ssh-rsa"[..], &[1, 0, 1], &n] {
        blob.extend(u32::try_from(part.len()).unwrap().to_be_bytes());
        blob.extend(part);
    }
    format!("ssh-rsa {} key-{i}", STANDARD.encode(blob))
}

struct World {
    iam: Iam,
    clock: ManualClock,
    account: AccountId,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Timestamp::from_civil(2026, 12, 7, 12, 0, 0).unwrap());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap());
    let key = MasterKey::load_or_create(&dir.path().join("master.key")).unwrap();
    let iam = Iam::new(
        store,
        Arc::new(clock.clone()),
        key,
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = AccountId::parse("123456789012").unwrap();
    iam.create_account(Some(account.clone()), false).unwrap();
    for name in ["alice", "bob"] {
        iam.create_user(&account, name, None).unwrap();
    }
    World {
        iam,
        clock,
        account,
        _dir: dir,
    }
}

impl World {
    fn id(&self, user: &str) -> String {
        self.iam.user(&self.account, user).unwrap().id
    }

    fn upload(&self, user: &str, body: &str) -> credreport_iam::Result<SshPublicKey> {
        self.iam
            .upload_ssh_public_key(&self.account, &self.id(user), body)
    }
}

/// The error's variant and message, for comparing with a case's expectation.
fn described(e: &Error) -> String {
    let debug = format!("{e:?}");
    let variant = debug.split('(').next().unwrap_or_default();
    format!("{variant}: {e}")
}

const DUPLICATE: &str = "DuplicateSshPublicKey: The request was rejected because the SSH public key is already associated with the specified IAM user.";
const LIMIT: &str = "LimitExceeded: Cannot exceed quota for PublicKeysPerUser: 5";
const INVALID: &str =
    "InvalidPublicKey: The request was rejected because the public key is malformed or otherwise invalid.";
const UNRECOGNIZED: &str = "UnrecognizedPublicKeyEncoding: The request was rejected because the public key encoding format is unsupported or unrecognized.";

/// What is in place before a case's upload.
type Setup = fn(&World);

/// A case: its name, what is in place, whose key, the body, and the fingerprint of the
/// key made or the error.
type Case = (
    &'static str,
    Setup,
    &'static str,
    String,
    Result<&'static str, &'static str>,
);

#[test]
fn upload_takes_rsa_keys_of_2048_bits_once_per_user_and_five_at_most() {
    let none: Setup = |_| {};
    let cases: Vec<Case> = vec![
        (
            "OpenSSH, 2048 bits",
            none,
            "alice",
            RSA_2048.to_owned(),
            Ok(FP_2048),
        ),
        (
            "PEM SubjectPublicKeyInfo",
            none,
            "alice",
            RSA_2048_SPKI.to_owned(),
            Ok(FP_2048),
        ),
        (
            "PEM PKCS#1",
            none,
            "alice",
            RSA_2048_PKCS1.to_owned(),
            Ok(FP_2048),
        ),
        (
            "the same key twice",
            |w| drop(w.upload("alice", RSA_2048).unwrap()),
            "alice",
            RSA_2048.to_owned(),
            Err(DUPLICATE),
        ),
        (
            "the same key in PEM after OpenSSH",
            |w| drop(w.upload("alice", RSA_2048).unwrap()),
            "alice",
            RSA_2048_SPKI.to_owned(),
            Err(DUPLICATE),
        ),
        (
            "the same key without its comment",
            |w| drop(w.upload("alice", RSA_2048).unwrap()),
            "alice",
            RSA_2048
                .split_ascii_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" "),
            Err(DUPLICATE),
        ),
        (
            "another user's key",
            |w| drop(w.upload("bob", RSA_2048).unwrap()),
            "alice",
            RSA_2048.to_owned(),
            Ok(FP_2048),
        ),
        (
            "a sixth key",
            |w| (1..=5).for_each(|i| drop(w.upload("alice", &synthetic(i)).unwrap())),
            "alice",
            RSA_2048.to_owned(),
            Err(LIMIT),
        ),
        (
            "a sixth key, one of the five Inactive",
            |w| {
                let first = w.upload("alice", &synthetic(1)).unwrap();
                (2..=5).for_each(|i| drop(w.upload("alice", &synthetic(i)).unwrap()));
                w.iam
                    .update_ssh_public_key(&w.account, &w.id("alice"), &first.id, false)
                    .unwrap();
            },
            "alice",
            RSA_2048.to_owned(),
            Err(LIMIT),
        ),
        (
            "a fifth key",
            |w| (1..=4).for_each(|i| drop(w.upload("alice", &synthetic(i)).unwrap())),
            "alice",
            RSA_2048.to_owned(),
            Ok(FP_2048),
        ),
        (
            "five for another user",
            |w| (1..=5).for_each(|i| drop(w.upload("bob", &synthetic(i)).unwrap())),
            "alice",
            RSA_2048.to_owned(),
            Ok(FP_2048),
        ),
        (
            "1024 bits",
            none,
            "alice",
            RSA_1024.to_owned(),
            Err(INVALID),
        ),
        (
            "garbled base64",
            none,
            "alice",
            RSA_2048.replacen("AAAA", "A!AA", 1),
            Err(INVALID),
        ),
        (
            "ed25519",
            none,
            "alice",
            ED25519.to_owned(),
            Err(UNRECOGNIZED),
        ),
        (
            "not a key",
            none,
            "alice",
            "hello".to_owned(),
            Err(UNRECOGNIZED),
        ),
    ];
    for (name, setup, user, body, expected) in cases {
        let w = world();
        setup(&w);
        let got = w.upload(user, &body);
        match (got, expected) {
            (Ok(key), Ok(fingerprint)) => {
                assert_eq!(key.fingerprint, fingerprint, "{name}");
                assert!(
                    key.id.starts_with("APKA") && key.id.len() == 20,
                    "{name}: {}",
                    key.id
                );
                assert!(
                    key.id
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                    "{name}"
                );
                assert!(key.active, "{name}");
                assert_eq!(key.body, body.trim(), "{name}: the body as uploaded");
                assert_eq!(key.user_id, w.id(user), "{name}");
            }
            (Err(e), Err(error)) => assert_eq!(described(&e), error, "{name}"),
            (got, expected) => panic!("{name}: got {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn a_key_of_no_user_or_another_user_is_no_such_entity() {
    let w = world();
    let key = w.upload("alice", RSA_2048).unwrap();
    let bob = w.id("bob");
    let missing = format!(
        "NoSuchEntity: The Public Key with id {} cannot be found.",
        key.id
    );
    type Call = fn(&World, &str, &str) -> credreport_iam::Result<()>;
    let calls: &[(&str, Call)] = &[
        ("get", |w, u, k| {
            w.iam
                .ssh_public_key(&w.account, u, k, SshEncoding::Ssh)
                .map(drop)
        }),
        ("update", |w, u, k| {
            w.iam.update_ssh_public_key(&w.account, u, k, false)
        }),
        ("delete", |w, u, k| {
            w.iam.delete_ssh_public_key(&w.account, u, k)
        }),
    ];
    for (name, call) in calls {
        let e = call(&w, &bob, &key.id).unwrap_err();
        assert_eq!(described(&e), missing, "{name}: bob asks for alice's key");
        let e = call(&w, &bob, "APKA0000000000000000").unwrap_err();
        assert!(matches!(e, Error::NoSuchEntity(_)), "{name}: no such key");
        let e = call(&w, "AIDANOBODY", &key.id).unwrap_err();
        assert!(matches!(e, Error::NoSuchEntity(_)), "{name}: no such user");
    }
    // Alice's key is untouched.
    let back = w
        .iam
        .ssh_public_key(&w.account, &w.id("alice"), &key.id, SshEncoding::Ssh)
        .unwrap();
    assert!(back.active);
}

#[test]
fn a_key_reads_back_in_either_encoding() {
    let w = world();
    let alice = w.id("alice");
    for uploaded in [RSA_2048, RSA_2048_PKCS1] {
        let key = w.upload("alice", uploaded).unwrap();
        let ssh = w
            .iam
            .ssh_public_key(&w.account, &alice, &key.id, SshEncoding::Ssh)
            .unwrap();
        let ours: Vec<&str> = RSA_2048.split_ascii_whitespace().take(2).collect();
        assert_eq!(
            ssh.body,
            ours.join(" "),
            "SSH: ssh-rsa and the blob, no comment"
        );
        let pem = w
            .iam
            .ssh_public_key(&w.account, &alice, &key.id, SshEncoding::Pem)
            .unwrap();
        assert_eq!(
            pem.body, RSA_2048_SPKI,
            "PEM: as ssh-keygen -e -m PKCS8 writes it"
        );
        assert_eq!(
            (ssh.fingerprint.as_str(), pem.fingerprint.as_str()),
            (FP_2048, FP_2048)
        );
        w.iam
            .delete_ssh_public_key(&w.account, &alice, &key.id)
            .unwrap();
    }
}

#[test]
fn keys_are_listed_oldest_first_in_pages_with_their_status() {
    let w = world();
    let alice = w.id("alice");
    let mut ids = Vec::new();
    for i in 1..=5 {
        ids.push(w.upload("alice", &synthetic(i)).unwrap().id);
        w.clock.advance(60);
    }
    w.upload("bob", &synthetic(9)).unwrap();
    w.iam
        .update_ssh_public_key(&w.account, &alice, &ids[1], false)
        .unwrap();
    // Pages of 2: markers carry on where the last page ended.
    let mut listed = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = w
            .iam
            .list_ssh_public_keys(&w.account, &alice, marker.as_deref(), 2)
            .unwrap();
        pages += 1;
        assert!(page.items.len() <= 2);
        listed.extend(page.items.iter().map(|k| (k.id.clone(), k.active)));
        match page.next {
            Some(next) => marker = Some(next),
            None => break,
        }
        assert!(pages < 10, "the pages end");
    }
    assert_eq!(pages, 3);
    let expected: Vec<(String, bool)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i != 1))
        .collect();
    assert_eq!(listed, expected);
    // A page after a deleted key's marker still goes on from there.
    let first = w
        .iam
        .list_ssh_public_keys(&w.account, &alice, None, 1)
        .unwrap();
    w.iam
        .delete_ssh_public_key(&w.account, &alice, &ids[0])
        .unwrap();
    let rest = w
        .iam
        .list_ssh_public_keys(&w.account, &alice, first.next.as_deref(), 100)
        .unwrap();
    assert_eq!(
        rest.items.iter().map(|k| k.id.clone()).collect::<Vec<_>>(),
        ids[1..]
    );
    assert!(rest.next.is_none());
    // Deleted keys are gone; a user's quota frees up.
    for id in &ids[1..] {
        w.iam.delete_ssh_public_key(&w.account, &alice, id).unwrap();
    }
    assert!(w
        .iam
        .list_ssh_public_keys(&w.account, &alice, None, 100)
        .unwrap()
        .items
        .is_empty());
    (1..=5).for_each(|i| drop(w.upload("alice", &synthetic(i)).unwrap()));
}

#[test]
fn deleting_a_user_with_ssh_keys_is_a_conflict() {
    let w = world();
    let key = w.upload("alice", RSA_2048).unwrap();
    let e = w.iam.delete_user(&w.account, "alice").unwrap_err();
    assert_eq!(
        described(&e),
        "DeleteConflict: Cannot delete entity, must delete SSH public keys first."
    );
    w.iam
        .delete_ssh_public_key(&w.account, &w.id("alice"), &key.id)
        .unwrap();
    w.iam.delete_user(&w.account, "alice").unwrap();
}
