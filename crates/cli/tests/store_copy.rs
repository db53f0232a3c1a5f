//! `credreport store copy` (issue 16): the demo's SQLite store to PostgreSQL and back to
//! a new SQLite file, each copy verified by the command; the stored reports' bytes are the
//! same in all three, and so are the SSH public keys; `serve` on the PostgreSQL copy signs requests with the copied
//! (sealed) keys; a copy into a store that already holds the account is refused and
//! writes nothing.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::demo::start;
use common::{credreport, stderr, stdout, Server};
use credreport_iam::model::SshPublicKey;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::store::{read, Store};
use credreport_iam::{stored_report_content, AccountId, Iam, IamConfig, SqliteStore, SystemClock};
use credreport_testkit::postgres::fresh_database;

fn copy(from: &str, to: &str, cwd: &Path) -> std::process::Output {
    credreport(&["store", "copy", "--from", from, "--to", to], &[], cwd)
}

fn stored_reports(store: &dyn Store) -> Vec<(AccountId, Option<Vec<u8>>)> {
    read(store, |tx| {
        tx.account_ids()?
            .into_iter()
            .map(|id| Ok((id.clone(), stored_report_content(tx, &id)?)))
            .collect()
    })
    .expect("read the stored reports")
}

/// Uploads an SSH public key for the demo's build-signer into the store of `data`.
fn with_an_ssh_key(data: &Path) -> SshPublicKey {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&data.join("iam.db")).expect("store"));
    let iam = Iam::new(
        store,
        Arc::new(SystemClock),
        MasterKey::load_or_create(&data.join("master.key")).expect("master key"),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let (account, user) = iam
        .account_ids()
        .expect("accounts")
        .into_iter()
        .find_map(|a| iam.user(&a, "build-signer").ok().map(|u| (a, u)))
        .expect("the demo's build-signer");
    let body = include_str!("../../iam/tests/data/ssh-rsa-2048.pub");
    iam.upload_ssh_public_key(&account, &user.id, body)
        .expect("UploadSSHPublicKey")
}

#[test]
fn a_store_goes_from_sqlite_to_postgres_and_back_with_the_same_reports() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let data = tmp.path().join("demo");
    drop(start(&data)); // three years of history, then stopped
    let ssh_key = with_an_ssh_key(&data);
    let source = format!("sqlite://{}", data.join("iam.db").display());
    let pg = fresh_database("storecopy");
    let back = format!("sqlite://{}", tmp.path().join("back/iam.db").display());

    for (from, to) in [(&source, &pg), (&pg, &back)] {
        let out = copy(from, to, tmp.path());
        assert!(out.status.success(), "{from} -> {to}: {}", stderr(&out));
        let said = stdout(&out);
        assert_eq!(said.matches("copied account ").count(), 2, "{said}");
        assert!(said.contains("its credential report; verified"), "{said}");
    }

    let stores: Vec<Arc<dyn Store>> = vec![
        Arc::new(SqliteStore::open(&data.join("iam.db")).expect("source")),
        Arc::new(PgStore::open(&PgUrl::parse(&pg).expect("url")).expect("postgres")),
        Arc::new(SqliteStore::open(&tmp.path().join("back/iam.db")).expect("back")),
    ];
    let reports: Vec<_> = stores.iter().map(|s| stored_reports(s.as_ref())).collect();
    assert_eq!(reports[0].len(), 2);
    assert!(reports[0]
        .iter()
        .all(|(_, bytes)| bytes.as_ref().is_some_and(|b| b.starts_with(b"user,arn,"))));
    assert_eq!(reports[1], reports[0], "PostgreSQL copy");
    assert_eq!(reports[2], reports[0], "copied back");
    for store in &stores {
        let keys = read(store.as_ref(), |tx| tx.ssh_public_keys(&ssh_key.account)).expect("keys");
        assert_eq!(keys, vec![ssh_key.clone()], "the SSH public key, copied");
    }

    // Again into a store that has the accounts: refused, by name, and nothing written.
    let out = copy(&source, &back, tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already exists in --to"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stored_reports(stores[2].as_ref()), reports[0]);
}

#[test]
fn serve_on_the_postgres_copy_accepts_the_copied_keys() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    // A server with its own account and key, stopped; its store copied to PostgreSQL.
    let mut first = Server::start();
    let (key_id, secret) = (first.key_id.clone(), first.secret.clone());
    let data = first.dir.path().join("data");
    let master = std::fs::read(data.join("master.key")).expect("master key");
    first.stop();
    let pg = fresh_database("servecopy");
    let out = copy(
        &format!("sqlite://{}", data.join("iam.db").display()),
        &pg,
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // Another data directory with the same master key, and the PostgreSQL store.
    let second = tempfile::tempdir().expect("temporary directory");
    // Made private, as serve requires of a data directory (`install -m 600` for the key).
    credreport_iam::private::create_dir(&second.path().join("data")).expect("dir");
    credreport_iam::private::write(&second.path().join("data/master.key"), &master)
        .expect("master key copy");
    let server = Server::start_in(second, &["--database-url", &pg]);
    assert!(
        server.key_id.is_empty(),
        "no new account on a store that has one"
    );
    let out = credreport(
        &[
            "fetch",
            "--endpoint-url",
            &server.endpoint,
            "--output",
            "report.csv",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &key_id),
            ("AWS_SECRET_ACCESS_KEY", &secret),
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(tmp.path().join("report.csv")).expect("report");
    assert!(csv.starts_with("user,arn,"), "{csv}");
}
