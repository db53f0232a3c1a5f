//! Servers for the tests that talk over HTTP: `credreport serve` (the built binary) and
//! moto (`python3 -m moto.server`), each on a loopback port in a fresh temporary
//! directory, waited for with a bound and stopped when dropped. Also SDK clients with
//! static credentials, and the `credreport` command isolated from the machine's AWS
//! configuration.
#![allow(dead_code)] // each test file uses part of it

pub mod demo;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};

/// How long a server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A `credreport serve` on 127.0.0.1 with a fresh data directory.
pub struct Server {
    child: Child,
    /// Everything the server has logged so far.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
    pub endpoint: String,
    pub account: String,
    pub key_id: String,
    pub secret: String,
    pub dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// `credreport serve` with more arguments.
    pub fn start_with(extra: &[&str]) -> Server {
        Server::start_in(tempfile::tempdir().expect("temporary directory"), extra)
    }

    /// `credreport serve --data-dir DIR/data` with more arguments. The root credentials are
    /// those it writes when it creates the first account (empty when the store has one).
    pub fn start_in(dir: tempfile::TempDir, extra: &[&str]) -> Server {
        let data = dir.path().join("data");
        Server::start_at(dir, &data, extra, None)
    }

    /// `credreport serve --data-dir DATA` with more arguments, under `umask UMASK` when
    /// given (through `sh`); `dir` is kept with the server.
    pub fn start_at(
        dir: tempfile::TempDir,
        data: &Path,
        extra: &[&str],
        umask: Option<&str>,
    ) -> Server {
        let mut command = match umask {
            Some(mask) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("umask {mask} && exec \"$@\""))
                    .arg("sh")
                    .arg(env!("CARGO_BIN_EXE_credreport"));
                c
            }
            None => Command::new(env!("CARGO_BIN_EXE_credreport")),
        };
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(extra)
            .env_remove("NO_COLOR") // the log must be plain because it is a pipe, not by request
            .env_remove("CREDREPORT_MASTER_KEY")
            .env_remove("CREDREPORT_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start credreport serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let kept = std::sync::Arc::clone(&log);
        // Reads the log to its end (so the server never blocks on a full pipe), keeps it,
        // and hands over the address once.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(mut all) = kept.lock() {
                    all.push_str(&line);
                    all.push('\n');
                }
                if let Some(i) = line.find("listening on http://") {
                    let addr: String = line[i + "listening on http://".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == ':')
                        .collect();
                    if let Some(tx) = tx.take() {
                        let _ = tx.send((addr, line));
                    }
                }
            }
        });
        let addr = match rx.recv_timeout(START_TIMEOUT) {
            Ok((_, line)) if line.contains('\u{1b}') => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("a log written to a pipe has no terminal colour codes: {line:?}");
            }
            Ok((addr, _)) => addr,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("credreport serve did not log its address within {START_TIMEOUT:?}");
            }
        };
        let creds: serde_json::Value =
            match std::fs::read_to_string(data.join("root-credentials.json")) {
                Ok(text) => serde_json::from_str(&text).expect("root credentials JSON"),
                Err(_) => serde_json::json!({}),
            };
        let field = |k: &str| creds[k].as_str().unwrap_or_default().to_owned();
        Server {
            child,
            log,
            endpoint: format!("http://{addr}"),
            account: field("AccountId"),
            key_id: field("AccessKeyId"),
            secret: field("SecretAccessKey"),
            dir,
        }
    }

    /// Stops the server (its directory stays until the value is dropped).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// An IAM client signed with the root key.
    pub fn root_iam(&self) -> aws_sdk_iam::Client {
        iam_client(&self.endpoint, &self.key_id, &self.secret)
    }

    /// `credreport ARGS` with the root key in the environment.
    pub fn credreport(&self, args: &[&str]) -> Output {
        credreport(
            args,
            &[
                ("AWS_ACCESS_KEY_ID", self.key_id.as_str()),
                ("AWS_SECRET_ACCESS_KEY", self.secret.as_str()),
            ],
            self.dir.path(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (bound, then released for the caller to use).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// moto's server (IAM, STS, Organizations) on a loopback port.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub dir: tempfile::TempDir,
}

impl Moto {
    /// Starts `python3 -m moto.server` (`MOTO_PYTHON` names another interpreter) and waits
    /// until it accepts connections. A port taken between choosing and binding it is
    /// retried with another.
    pub fn start() -> Moto {
        let python = std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let dir = tempfile::tempdir().expect("temporary directory");
        for _ in 0..3 {
            let port = free_port();
            let log = std::fs::File::create(dir.path().join("moto.log")).expect("log file");
            let mut child = Command::new(&python)
                .args([
                    "-m",
                    "moto.server",
                    "-H",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                ])
                .env("PYTHONUNBUFFERED", "1")
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot run {python} -m moto.server ({e}); install it with \
                         python3 -m pip install 'moto[server]==5.2.1' (scripts/test.sh does)"
                    )
                });
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + START_TIMEOUT;
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    let log =
                        std::fs::read_to_string(dir.path().join("moto.log")).unwrap_or_default();
                    if log.contains("Address already in use") {
                        break; // another port
                    }
                    panic!(
                        "moto.server exited ({status}); is moto installed? \
                         python3 -m pip install 'moto[server]==5.2.1'\n{log}"
                    );
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Moto {
                        child,
                        endpoint: format!("http://{addr}"),
                        dir,
                    };
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("moto.server did not listen on {addr} within {START_TIMEOUT:?}");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("moto.server could not get a free port in 3 tries");
    }

    /// `credreport ARGS` as moto's management account (123456789012).
    pub fn credreport(&self, args: &[&str]) -> Output {
        credreport(
            args,
            &[
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
            ],
            self.dir.path(),
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the built `credreport` in `cwd` with `env`, shielded from the machine's AWS
/// configuration: no profile, no config or credentials files, no instance metadata, no
/// proxy for loopback.
pub fn credreport(args: &[&str], env: &[(&str, &str)], cwd: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_credreport"));
    cmd.args(args).current_dir(cwd);
    isolate(&mut cmd, cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null()).output().expect("run credreport")
}

/// Shields `cmd` from the machine's AWS configuration (as [`credreport`] does).
pub fn isolate(cmd: &mut Command, dir: &Path) {
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IAM",
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_ORGANIZATIONS",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_CA_BUNDLE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    let missing: PathBuf = dir.join("no-aws-config");
    cmd.env("AWS_CONFIG_FILE", &missing)
        .env("AWS_SHARED_CREDENTIALS_FILE", &missing)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("NO_COLOR", "1");
}

fn http_client() -> aws_sdk_iam::config::SharedHttpClient {
    // Loopback only: plain HTTP, no TLS.
    aws_smithy_http_client::Builder::new().build_http()
}

/// An IAM client for `endpoint` with a static key, signing for eu-west-1, without retries
/// (every failure in these tests is deterministic).
pub fn iam_client(endpoint: &str, key_id: &str, secret: &str) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(key_id, secret, None, None, "test"))
        .http_client(http_client())
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// An IAM client with the SDK's standard retry (up to `attempts` attempts, with backoff).
pub fn iam_client_retrying(
    endpoint: &str,
    key_id: &str,
    secret: &str,
    attempts: u32,
) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(key_id, secret, None, None, "test"))
        .http_client(http_client())
        .retry_config(
            aws_sdk_iam::config::retry::RetryConfig::standard().with_max_attempts(attempts),
        )
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// An IAM client with a session token (moto's assumed roles).
pub fn iam_session_client(endpoint: &str, creds: Credentials) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(creds)
        .http_client(http_client())
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// An STS client like [`iam_client`].
pub fn sts_client(endpoint: &str, key_id: &str, secret: &str) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(key_id, secret, None, None, "test"))
        .http_client(http_client())
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

/// An Organizations client like [`iam_client`], in us-east-1.
pub fn organizations_client(
    endpoint: &str,
    key_id: &str,
    secret: &str,
) -> aws_sdk_organizations::Client {
    let conf = aws_sdk_organizations::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(key_id, secret, None, None, "test"))
        .http_client(http_client())
        .retry_config(aws_sdk_organizations::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_organizations::Client::from_conf(conf)
}

/// GenerateCredentialReport until COMPLETE (bounded), then GetCredentialReport.
pub async fn wait_for_report(
    iam: &aws_sdk_iam::Client,
) -> aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput {
    use aws_sdk_iam::types::ReportStateType;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = iam
            .generate_credential_report()
            .send()
            .await
            .expect("GenerateCredentialReport")
            .state()
            .cloned();
        if state == Some(ReportStateType::Complete) {
            break;
        }
        assert!(Instant::now() < deadline, "no COMPLETE report within 30 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    iam.get_credential_report()
        .send()
        .await
        .expect("GetCredentialReport")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
