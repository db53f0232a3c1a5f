//! Issue 27: the store is readable by its owner only. `serve` makes its data directory 0700
//! and every file it writes there 0600 (the database, its WAL and SHM, the report files, the
//! master key, the root credentials), and so do `backup`, `restore`, the history and
//! `remediate`'s plans, whatever the umask (every command here runs under `umask 000`).
//! A data directory or store file that others can read or write is refused at start, naming
//! the path and the `chmod` to run, unless `--allow-shared-data-dir`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{isolate, stderr, Server};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// `credreport ARGS` in `cwd` under `umask 000`, shielded from the machine's AWS set-up.
fn credreport_umask_000(args: &[&str], env: &[(&str, &str)], cwd: &Path) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 000 && exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_credreport"))
        .args(args)
        .current_dir(cwd);
    isolate(&mut cmd, cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null()).output().expect("run credreport")
}

/// Every private path under `data`: (path, expected mode).
fn expect_private(data: &Path) {
    assert_eq!(mode(data), 0o700, "{}", data.display());
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(data).expect("read the data directory") {
        let path = entry.expect("entry").path();
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), want, "{}", path.display());
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).expect("read") {
                let inner = inner.expect("entry").path();
                assert_eq!(mode(&inner), 0o600, "{}", inner.display());
                seen.push(inner);
            }
        }
        seen.push(path);
    }
    let names: Vec<String> = seen
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .collect();
    for name in ["iam.db", "master.key"] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_directory_backups_restores_history_and_plans_are_private_whatever_the_umask() {
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path();
    // serve itself under umask 000.
    let home = tempfile::tempdir().expect("tempdir");
    let data = home.path().join("data");
    let mut server = Server::start_at(home, &data, &[], Some("000"));
    let iam = server.root_iam();
    iam.create_user()
        .user_name("alice")
        .send()
        .await
        .expect("CreateUser");
    iam.create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect("CreateAccessKey");
    common::wait_for_report(&iam).await;
    expect_private(&data);
    for wal in ["iam.db-wal", "iam.db-shm", "root-credentials.json"] {
        assert_eq!(mode(&data.join(wal)), 0o600, "{wal}");
    }
    // The report lives in the database now (its kept rows); a reports directory, if a store
    // from before kept rows left one, was checked by expect_private with everything else.
    let report = iam
        .get_credential_report()
        .send()
        .await
        .expect("GetCredentialReport")
        .content
        .expect("content")
        .into_inner();

    // A plan and the history it keeps.
    let env = [
        ("AWS_ACCESS_KEY_ID", server.key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", server.secret.as_str()),
    ];
    let out = credreport_umask_000(
        &[
            "remediate",
            "--plan",
            "plan.json",
            "--endpoint-url",
            &server.endpoint,
            "--history",
            "history",
        ],
        &env,
        dir,
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    assert_eq!(mode(&dir.join("plan.json")), 0o600);
    assert_eq!(mode(&dir.join("history")), 0o700);
    assert_eq!(mode(&dir.join("history/history.db")), 0o600);

    // An online backup, then a restore into a new directory from a copy others can read.
    let backup = dir.join("store.backup");
    let out = credreport_umask_000(
        &[
            "backup",
            "--data-dir",
            data.to_str().expect("utf-8"),
            "--to",
            "store.backup",
        ],
        &[],
        dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&backup), 0o600, "the backup file");
    server.stop();
    chmod(&backup, 0o644);
    let out = credreport_umask_000(
        &[
            "restore",
            "--from",
            "store.backup",
            "--data-dir",
            "restored/data",
        ],
        &[],
        dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let restored = dir.join("restored/data");
    std::fs::copy(data.join("master.key"), restored.join("master.key")).expect("copy the key");
    chmod(&restored.join("master.key"), 0o600);
    expect_private(&restored);
    // The restored store serves, with the original root key: nothing about it is refused.
    let mut again = Server::start_at(
        tempfile::tempdir().expect("tempdir"),
        &restored,
        &[],
        Some("000"),
    );
    let users = common::iam_client(&again.endpoint, &server.key_id, &server.secret)
        .list_users()
        .send()
        .await
        .expect("ListUsers on the restored store");
    assert_eq!(users.users().len(), 1);
    let restored_report = common::iam_client(&again.endpoint, &server.key_id, &server.secret)
        .get_credential_report()
        .send()
        .await
        .expect("GetCredentialReport on the restored store")
        .content
        .expect("content")
        .into_inner();
    assert_eq!(
        restored_report, report,
        "the report restored with the store"
    );
    again.stop();
    expect_private(&restored);
}

#[test]
fn a_data_directory_others_can_read_is_refused_naming_the_path_and_the_chmod() {
    let mut server = Server::start();
    server.stop();
    let data = server.dir.path().join("data");
    let db = data.join("iam.db");
    chmod(&data, 0o755);
    chmod(&db, 0o640);
    let data_arg = data.to_str().expect("utf-8");
    for args in [
        vec!["serve", "--listen", "127.0.0.1:0", "--data-dir", data_arg],
        vec!["account", "create", "--data-dir", data_arg],
    ] {
        let out = common::credreport(&args, &[], server.dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let said = stderr(&out);
        for want in [
            format!("run `chmod 700 {}`", data.display()),
            format!("run `chmod 600 {}`", db.display()),
            "--allow-shared-data-dir".to_owned(),
        ] {
            assert!(said.contains(&want), "{args:?}: {want:?} in {said}");
        }
        assert!(
            !said.contains("master.key:"),
            "only what others can read is named: {said}"
        );
    }
    // Accepted when the operator says so.
    let out = common::credreport(
        &[
            "account",
            "create",
            "--data-dir",
            data_arg,
            "--allow-shared-data-dir",
        ],
        &[],
        server.dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Made private again, it starts without the flag.
    chmod(&data, 0o700);
    chmod(&db, 0o600);
    let out = common::credreport(
        &["account", "create", "--data-dir", data_arg],
        &[],
        server.dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
