//! `credreport review` run as cron runs it: against `credreport serve` (one account, the
//! 4-hour rule seen from a second run, JSON logs when stderr is not a terminal), and over
//! a moto organization of three accounts where one account refuses the role
//! (AccessDenied): the others are reviewed and stored, the failure is named, exit 2.
//! (The month of daily reviews with notifications runs on a simulated clock in the
//! binary's own tests, `src/simulation/review.rs`.)

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use aws_sdk_iam::config::Credentials;
use common::{
    credreport, iam_client, iam_session_client, organizations_client, stderr, stdout, sts_client,
    Moto, Server,
};
use serde_json::Value;

const ROLE: &str = "OrganizationAccountAccessRole";
const MANAGEMENT: &str = "123456789012";
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const LIST_USERS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#;

fn history_list(dir: &std::path::Path, history: &str) -> Vec<Value> {
    let out = credreport(
        &["history", "--history", history, "list", "--format", "json"],
        &[],
        dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str::<Value>(&stdout(&out))
        .expect("JSON")
        .as_array()
        .expect("array")
        .clone()
}

#[test]
fn review_once_stores_the_report_and_a_second_run_sees_the_same_one() {
    let server = Server::start();
    let dir = server.dir.path();
    let config = dir.join("review.toml");
    std::fs::write(
        &config,
        format!(
            "history = \"hist\"\n\n[[target]]\nname = \"local\"\nendpoint_url = \"{}\"\n",
            server.endpoint
        ),
    )
    .expect("write");
    let config_s = config.to_str().expect("path");
    let out = server.credreport(&["review", "--config", config_s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "target local account {}: report 1",
            server.account
        )),
        "{text}"
    );
    assert!(text.contains("first report of the account"), "{text}");
    // Not a terminal: every log line is a JSON object.
    let logs: Vec<Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(logs.iter().any(|l| l["fields"]["message"] == "reviewed"
        && l["fields"]["account"] == server.account.as_str()));

    // Within IAM's 4 hours the same report comes back: stored once, nothing new.
    let out = server.credreport(&["review", "--config", config_s, "--fail-on", "info"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("the same report as last time"));
    let list = history_list(dir, dir.join("hist").to_str().expect("path"));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["source"], "review");
    assert_eq!(list[0]["target"], "local");

    // A bad file is named with its line; nothing is reviewed.
    std::fs::write(
        &config,
        "[[target]]\nname = \"x\"\nendpoint = \"http://x\"\n",
    )
    .expect("write");
    let out = server.credreport(&["review", "--config", config_s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("review.toml:3:1: unknown field `endpoint`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn review_every_interval_reviews_again_until_sigterm() {
    let server = Server::start();
    let dir = server.dir.path();
    let config = dir.join("review.toml");
    std::fs::write(
        &config,
        format!(
            "history = \"hist\"\n\n[[target]]\nname = \"local\"\nendpoint_url = \"{}\"\n",
            server.endpoint
        ),
    )
    .expect("write");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_credreport"));
    cmd.args([
        "review",
        "--config",
        config.to_str().expect("path"),
        "--every",
        "1s",
    ])
    .current_dir(dir);
    common::isolate(&mut cmd, dir);
    let mut child = cmd
        .env("AWS_ACCESS_KEY_ID", &server.key_id)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start review");
    let stdout = child.stdout.take().expect("stdout");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let kept = std::sync::Arc::clone(&seen);
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let mut all = kept.lock().expect("lock");
            all.push_str(&line);
            all.push('\n');
        }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let reviews = || {
        seen.lock()
            .expect("lock")
            .matches("account(s) reviewed")
            .count()
    };
    while reviews() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    reader.join().expect("reader");
    let text = seen.lock().expect("lock").clone();
    assert!(reviews() >= 2, "two reviews within a minute: {text}");
    assert_eq!(status.code(), Some(0), "SIGTERM stops it cleanly: {text}");
    assert!(text.contains("first report of the account"), "{text}");
    assert!(text.contains("the same report as last time"), "{text}");
}

/// POST to moto's API: from now on every request is authorized with IAM policies.
fn enforce_iam_policies(endpoint: &str) {
    let addr = endpoint.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).expect("moto");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "POST /moto-api/reset-auth HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 1\r\nConnection: close\r\n\r\n0"
    )
    .expect("request");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_over_an_organization_survives_one_accounts_access_denied() {
    let moto = Moto::start();
    let e = &moto.endpoint;
    let orgs = organizations_client(e, "testing", "testing");
    orgs.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .expect("CreateOrganization");
    for name in ["dev", "locked"] {
        orgs.create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .expect("CreateAccount");
    }
    let listed = orgs.list_accounts().send().await.expect("ListAccounts");
    let mut accounts = std::collections::BTreeMap::new();
    for a in listed.accounts() {
        accounts.insert(
            a.name().expect("name").to_owned(),
            a.id().expect("id").to_owned(),
        );
    }
    assert_eq!(accounts.len(), 3);
    // In each member account, the role: allowed everything in dev, only ListUsers in
    // locked. In the management account, the auditor's own user and key.
    let sts = sts_client(e, "testing", "testing");
    for name in ["dev", "locked"] {
        let id = &accounts[name];
        let assumed = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{id}:role/{ROLE}"))
            .role_session_name("setup")
            .send()
            .await
            .expect("AssumeRole");
        let c = assumed.credentials().expect("credentials");
        let iam = iam_session_client(
            e,
            Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                Some(c.session_token().to_owned()),
                None,
                "setup",
            ),
        );
        // moto's CreateAccount made the role (as Organizations does): strip what it
        // allows, then give it the test's policy.
        let attached = iam
            .list_attached_role_policies()
            .role_name(ROLE)
            .send()
            .await
            .expect("ListAttachedRolePolicies");
        for p in attached.attached_policies() {
            iam.detach_role_policy()
                .role_name(ROLE)
                .policy_arn(p.policy_arn().expect("arn"))
                .send()
                .await
                .expect("DetachRolePolicy");
        }
        let inline = iam
            .list_role_policies()
            .role_name(ROLE)
            .send()
            .await
            .expect("ListRolePolicies");
        for p in inline.policy_names() {
            iam.delete_role_policy()
                .role_name(ROLE)
                .policy_name(p)
                .send()
                .await
                .expect("DeleteRolePolicy");
        }
        let policy = if name == "dev" {
            ALLOW_ALL
        } else {
            LIST_USERS_ONLY
        };
        iam.put_role_policy()
            .role_name(ROLE)
            .policy_name("access")
            .policy_document(policy)
            .send()
            .await
            .expect("PutRolePolicy");
        iam.create_user()
            .user_name(format!("{name}-admin"))
            .send()
            .await
            .expect("CreateUser");
    }
    let iam = iam_client(e, "testing", "testing");
    iam.create_user()
        .user_name("auditor")
        .send()
        .await
        .expect("CreateUser");
    iam.put_user_policy()
        .user_name("auditor")
        .policy_name("all")
        .policy_document(ALLOW_ALL)
        .send()
        .await
        .expect("PutUserPolicy");
    let key = iam
        .create_access_key()
        .user_name("auditor")
        .send()
        .await
        .expect("CreateAccessKey");
    let key = key.access_key().expect("key");
    enforce_iam_policies(e);

    let dir = moto.dir.path();
    let config = dir.join("review.toml");
    std::fs::write(
        &config,
        format!(
            "history = \"hist\"\nconcurrency = 2\n\n[security_hub]\nregion = \"eu-west-1\"\nendpoint_url = \"{e}\"\n\n[[target]]\nname = \"org\"\nendpoint_url = \"{e}\"\norganization = true\nrole_name = \"{ROLE}\"\n"
        ),
    )
    .expect("write");
    let out = credreport(
        &["review", "--config", config.to_str().expect("path")],
        &[
            ("AWS_ACCESS_KEY_ID", key.access_key_id()),
            ("AWS_SECRET_ACCESS_KEY", key.secret_access_key()),
        ],
        dir,
    );
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(
        out.status.code(),
        Some(2),
        "a failed account: exit 2\n{text}\n{err}"
    );
    let locked = &accounts["locked"];
    assert!(
        // moto's AccessDenied body has no code the SDK can read: the status says it.
        text.contains(&format!(
            "target org account {locked}: FAILED: GenerateCredentialReport:"
        )) && text.contains("HTTP 403"),
        "{text}"
    );
    assert!(text.contains("2 account(s) reviewed, 1 failed"), "{text}");
    // Each reachable account's findings went to Security Hub, signed by the account
    // itself (the member through its role), and all were taken.
    let imports: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("security hub eu-west-1"))
        .collect();
    assert_eq!(imports.len(), 2, "{text}");
    assert!(
        imports
            .iter()
            .all(|l| l.contains(", 0 failed in 1 call(s)")),
        "{text}"
    );
    let list = history_list(dir, dir.join("hist").to_str().expect("path"));
    let stored: BTreeSet<&str> = list
        .iter()
        .map(|r| r["account"].as_str().expect("account"))
        .collect();
    assert_eq!(
        stored,
        BTreeSet::from([MANAGEMENT, accounts["dev"].as_str()]),
        "one report per reachable account"
    );
    assert!(err
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .any(|l| l["fields"]["message"] == "account failed"
            && l["fields"]["account"] == locked.as_str()));
}

/// `credreport serve --tls-cert/--tls-key` with a certificate for 127.0.0.1 from a CA made
/// with openssl for the test; its `https://` address.
struct TlsServe {
    child: std::process::Child,
    url: String,
}

impl Drop for TlsServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl (the end-to-end scenarios need it too)");
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
}

fn tls_serve(dir: &std::path::Path) -> TlsServe {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=credreport-test-ca",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "srv.key",
            "-out",
            "srv.csr",
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "srv.pem",
            "-extfile",
            "ext.cnf",
        ],
    );
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_credreport"));
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        "tls-data",
        "--tls-cert",
        "srv.pem",
        "--tls-key",
        "srv.key",
    ])
    .current_dir(dir)
    .env_remove("CREDREPORT_MASTER_KEY")
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("serve");
    let err = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut tx = Some(tx);
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            if let Some(i) = line.find("listening on https://") {
                let addr: String = line[i + "listening on https://".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                    .collect();
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr);
                }
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve --tls-cert listens");
    TlsServe {
        child,
        url: format!("https://{addr}/hooks/x"),
    }
}

#[test]
fn an_https_webhook_is_reached_only_with_a_trusted_certificate() {
    let server = Server::start();
    let dir = server.dir.path();
    let webhook = tls_serve(dir);
    let config = dir.join("review.toml");
    std::fs::write(
        &config,
        format!(
            "history = \"hist\"\n\n[notify]\nwebhook = \"{}\"\nretries = 1\ntimeout = \"5s\"\n\n[[target]]\nname = \"local\"\nendpoint_url = \"{}\"\n",
            webhook.url, server.endpoint
        ),
    )
    .expect("write");
    let config_s = config.to_str().expect("path");
    let ca = dir.join("ca.pem");
    // Trusted: the TLS handshake succeeds and the endpoint (an IAM endpoint, not a
    // webhook) answers the unsigned POST with a 4xx, which is final: one attempt.
    let out = credreport(
        &["review", "--config", config_s],
        &[
            ("AWS_ACCESS_KEY_ID", server.key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", server.secret.as_str()),
            ("SSL_CERT_FILE", ca.to_str().expect("path")),
        ],
        dir,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("notification NOT delivered after 1 attempt(s): HTTP 4"),
        "{text}"
    );
    // Not trusted: the handshake fails, is retried, and nothing is sent. (Within IAM's 4
    // hours the report is the same, and its undelivered notification is tried again.)
    let out = credreport(
        &["review", "--config", config_s],
        &[
            ("AWS_ACCESS_KEY_ID", server.key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", server.secret.as_str()),
            (
                "SSL_CERT_FILE",
                dir.join("no-such-ca.pem").to_str().expect("path"),
            ),
        ],
        dir,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("notification NOT delivered after 2 attempt(s)"),
        "{text}"
    );
    assert!(!text.contains("HTTP 4"), "{text}");
}
