//! `credreport backup` and `restore` (issue 15): an online copy taken while `serve` runs,
//! restored into a new directory, serves the same credential report, keeps the SSH public
//! keys and opens every sealed secret with the original master key.

mod common;

use std::sync::Arc;

use common::{credreport, stderr, Server};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::{AccountId, Iam, IamConfig, SqliteStore, Store, SystemClock};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_to_the_same_report() {
    let mut server = Server::start();
    let iam = server.root_iam();
    for name in ["alice", "bob", "ops,admin"] {
        iam.create_user()
            .user_name(name)
            .send()
            .await
            .expect("CreateUser");
        iam.create_access_key()
            .user_name(name)
            .send()
            .await
            .expect("CreateAccessKey");
    }
    let uploaded = iam
        .upload_ssh_public_key()
        .user_name("alice")
        .ssh_public_key_body(include_str!("../../iam/tests/data/ssh-rsa-2048.pub"))
        .send()
        .await
        .expect("UploadSSHPublicKey");
    let ssh_key_id = uploaded
        .ssh_public_key()
        .expect("the key")
        .ssh_public_key_id()
        .to_owned();
    iam.generate_credential_report()
        .send()
        .await
        .expect("Generate");
    let report = loop {
        match iam.get_credential_report().send().await {
            Ok(r) => break r.content().expect("content").as_ref().to_vec(),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    let dir = server.dir.path().to_owned();
    // Online: the server is still running.
    let out = credreport(
        &["backup", "--data-dir", "data", "--to", "store.backup"],
        &[],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 account(s) and 1 credential report(s)"),
        "{}",
        stderr(&out)
    );
    server.stop();

    let out = credreport(
        &[
            "restore",
            "--from",
            "store.backup",
            "--data-dir",
            "restored",
        ],
        &[],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let again = credreport(
        &[
            "restore",
            "--from",
            "store.backup",
            "--data-dir",
            "restored",
        ],
        &[],
        &dir,
    );
    assert_eq!(again.status.code(), Some(2), "never over a store");
    assert!(
        stderr(&again).contains("a store is already there"),
        "{}",
        stderr(&again)
    );
    let bad = credreport(
        &[
            "restore",
            "--from",
            "data/master.key",
            "--data-dir",
            "elsewhere",
        ],
        &[],
        &dir,
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));

    let restored = dir.join("restored");
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&restored.join("iam.db")).expect("open"));
    let iam = Iam::new(
        store,
        Arc::new(SystemClock),
        MasterKey::load_or_create(&dir.join("data/master.key")).expect("the original key"),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = AccountId::parse(&server.account).expect("id");
    assert_eq!(
        iam.credential_report(&account).expect("report").content,
        report
    );
    let alice = iam.user(&account, "alice").expect("alice");
    let keys = iam
        .list_ssh_public_keys(&account, &alice.id, None, 100)
        .expect("keys");
    assert_eq!(
        keys.items.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
        [ssh_key_id.as_str()]
    );
    let sealed = iam.check_sealed().expect("check");
    assert!(sealed.is_ok() && sealed.opened == 4, "{sealed:?}");
}
