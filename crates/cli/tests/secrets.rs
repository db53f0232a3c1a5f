//! Secrets at rest (issue 15): after a run that created passwords, access keys and MFA
//! seeds, none of them is in the database, its WAL, the report files or the log in
//! plaintext; and a missing or wrong master key, or a damaged sealed value, stops the
//! next start with a message naming it.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{credreport, stderr, Server};
use credreport_iam::store::{read, write};
use credreport_iam::{AccountId, SqliteStore, Store};

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_is_stored_or_logged_in_plaintext() {
    let mut server = Server::start();
    let iam = server.root_iam();
    let password = "Plaintext-Canary-Pa55word!";
    iam.create_user()
        .user_name("carol")
        .send()
        .await
        .expect("CreateUser");
    iam.create_login_profile()
        .user_name("carol")
        .password(password)
        .send()
        .await
        .expect("CreateLoginProfile");
    let key = iam
        .create_access_key()
        .user_name("carol")
        .send()
        .await
        .expect("CreateAccessKey");
    let secret = key
        .access_key()
        .expect("key")
        .secret_access_key()
        .to_owned();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("carol-phone")
        .send()
        .await
        .expect("CreateVirtualMFADevice");
    let device = device.virtual_mfa_device().expect("device");
    let seed_b32 = String::from_utf8(device.base32_string_seed().expect("seed").as_ref().to_vec())
        .expect("utf8");
    let seed = credreport_iam::totp::base32_decode(&seed_b32).expect("base32");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    let c = credreport_iam::totp::counter_at(i64::try_from(now).expect("now"));
    let code = |n| credreport_iam::totp::format_code(credreport_iam::totp::code_at(&seed, n));
    iam.enable_mfa_device()
        .user_name("carol")
        .serial_number(device.serial_number())
        .authentication_code1(code(c - 1))
        .authentication_code2(code(c))
        .send()
        .await
        .expect("EnableMFADevice");
    iam.generate_credential_report()
        .send()
        .await
        .expect("Generate");
    server.stop();
    let log = server.log.lock().expect("log").clone();
    let data = server.dir.path().join("data");

    let mut paths = Vec::new();
    files(&data, &mut paths);
    let canaries: [(&str, Vec<u8>); 5] = [
        ("the password", password.as_bytes().to_vec()),
        ("the secret access key", secret.as_bytes().to_vec()),
        ("the MFA seed in Base32", seed_b32.as_bytes().to_vec()),
        ("the MFA seed's bytes", seed.clone()),
        ("the MFA seed in hex", hex_of(&seed).into_bytes()),
    ];
    let mut scanned = 0;
    for path in &paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // The key itself, and the root credentials `serve` hands over on purpose (0600).
        if name == "master.key" || name == "root-credentials.json" {
            continue;
        }
        let bytes = std::fs::read(path).expect("read");
        scanned += 1;
        for (what, canary) in &canaries {
            assert!(
                !contains(&bytes, canary),
                "{what} is in plaintext in {}",
                path.display()
            );
        }
    }
    assert!(
        scanned >= 3,
        "the database, its WAL and a report file: {paths:?}"
    );
    for (what, canary) in &canaries {
        assert!(!contains(log.as_bytes(), canary), "{what} is in the log");
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_wrong_master_key_or_a_damaged_secret_stops_the_start() {
    let mut server = Server::start();
    server
        .root_iam()
        .create_user()
        .user_name("u")
        .send()
        .await
        .expect("CreateUser");
    server.stop();
    let dir = server.dir.path().to_owned();
    let account = server.account.clone();
    let data = dir.join("data");
    let key_file = data.join("master.key");
    let key = std::fs::read_to_string(&key_file).expect("master.key");
    let start = || credreport(&["account", "create", "--data-dir", "data"], &[], &dir);

    std::fs::remove_file(&key_file).expect("rm");
    let out = start();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("master.key: the master key is missing"),
        "{}",
        stderr(&out)
    );
    assert!(
        !key_file.exists(),
        "no new key was made for a store that has secrets"
    );

    // An operator's key file is private (a shared one is refused before it is read).
    let write_key = |text: &str| {
        std::fs::write(&key_file, text).expect("write");
        std::fs::set_permissions(
            &key_file,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .expect("chmod");
    };
    write_key(&format!("{}\n", "ab".repeat(32)));
    let out = start();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("does not open this store's secrets"),
        "{}",
        stderr(&out)
    );

    write_key(&key);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&data.join("iam.db")).expect("open"));
    let account = AccountId::parse(&account).expect("id");
    let mut root_key = read(store.as_ref(), |tx| tx.access_keys(&account))
        .expect("keys")
        .remove(0);
    let id = root_key.id.clone();
    let second = credreport(&["account", "create", "--data-dir", "data"], &[], &dir);
    assert_eq!(
        second.status.code(),
        Some(0),
        "the right key opens everything: {}",
        stderr(&second)
    );
    root_key.secret.0[10] ^= 0x55;
    write(store.as_ref(), Some(&account), |tx| {
        tx.put_access_key(&root_key)
    })
    .expect("damage");
    drop(store);
    let out = start();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "the secret of access key {id} of account {account}"
        )),
        "{}",
        stderr(&out)
    );
}
