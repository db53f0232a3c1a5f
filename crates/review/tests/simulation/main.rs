//! Simulated time, end to end (tests only): the IAM endpoint `credreport serve` runs (the
//! server crate's router over an `Iam` on a SQLite store), on a loopback port, with a
//! `ManualClock` that the test moves; the review and remediation talk to it through the
//! AWS SDK exactly as they talk to AWS, signing with the same clock. A month of daily
//! reviews takes seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed step is a failed test

mod moto;
mod remediation;
mod review;
mod security_hub;
mod user_actions;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_iam::config::{Credentials, SharedCredentialsProvider};
use credreport_iam::model::Owner;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::{MasterKey, Secret};
use credreport_iam::{AccountId, Iam, IamConfig, ManualClock, SqliteStore, Store};
use credreport_report::Timestamp;
use credreport_server::{app, ServerConfig};

use credreport_review::env::{connect, Clock, Connected, Env};
use credreport_review::fetch::wait::Backoff;
use credreport_review::fetch::FetchOptions;

pub const DAY: i64 = 86_400;

/// An IAM endpoint on a simulated clock.
pub(crate) struct World {
    pub iam: Iam,
    pub clock: ManualClock,
    pub account: AccountId,
    pub endpoint: String,
    pub env: Env,
    pub runtime: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

pub fn at(text: &str) -> Timestamp {
    Timestamp::parse(text.as_bytes()).expect("time").0
}

impl World {
    /// A store with one account, served on 127.0.0.1, the clock at `start`.
    pub fn start(start: Timestamp) -> World {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&dir.path().join("iam.db")).expect("store"));
        let clock = ManualClock::new(start);
        let iam = Iam::new(
            store,
            Arc::new(clock.clone()),
            MasterKey::generate().expect("master key"),
            PasswordHasher::fast_insecure_for_tests(),
            IamConfig::standard(),
        );
        let created = iam.create_account(None, false).expect("account");
        let root = created.root_key.expect("root key");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = app(
            iam.clone(),
            ServerConfig {
                ..ServerConfig::standard()
            },
        );
        let addr: SocketAddr = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("address");
            tokio::spawn(async move {
                let _ = axum::serve(
                    listener,
                    router.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            });
            addr
        });
        let env = Env {
            clock: Arc::new(Simulated(clock.clone())),
            credentials: Some(SharedCredentialsProvider::new(Credentials::new(
                root.key.id.clone(),
                root.secret.expose_str().expect("secret").to_owned(),
                None,
                None,
                "simulation",
            ))),
            fetch: FetchOptions {
                max_age: None,
                timeout: Duration::from_secs(30),
                backoff: Backoff {
                    initial: Duration::from_millis(20),
                    max: Duration::from_millis(200),
                },
                access: false,
            },
        };
        World {
            account: created.account.id,
            iam,
            clock,
            endpoint: format!("http://{addr}"),
            env,
            runtime,
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now_ts()
    }

    /// Sets the clock.
    pub fn set(&self, t: Timestamp) {
        self.clock.set(t);
    }

    /// The account, reached as the review and remediation reach it.
    pub fn connect(&self) -> Connected {
        let aws = self.env.aws(None, Some("us-east-1"), Some(&self.endpoint));
        self.runtime
            .block_on(connect(&aws, None, None))
            .expect("connect")
    }

    /// A user with an access key created now; the key's id.
    pub fn user_with_key(&self, name: &str) -> String {
        let user = self
            .iam
            .create_user(&self.account, name, None)
            .expect("user");
        self.iam
            .create_access_key(&self.account, &Owner::User(user.id))
            .expect("key")
            .key
            .id
    }

    /// A user with a console password set now.
    pub fn user_with_password(&self, name: &str) -> Owner {
        let user = self
            .iam
            .create_user(&self.account, name, None)
            .expect("user");
        self.iam
            .create_login_profile(&self.account, name, &password(name), false)
            .expect("password");
        Owner::User(user.id)
    }

    /// The key is used now.
    pub fn use_key(&self, key: &str) {
        self.iam
            .record_key_use(key, self.now(), "us-east-1", "s3")
            .expect("key use");
    }

    /// The user signs in to the console now.
    pub fn sign_in(&self, owner: &Owner, name: &str) {
        self.iam
            .sign_in(&self.account, owner, &password(name), None)
            .expect("sign-in");
    }

    /// Whether the user's key is Active.
    pub fn key_active(&self, name: &str, key: &str) -> bool {
        let user = self.iam.user(&self.account, name).expect("user");
        self.iam
            .list_access_keys(&self.account, &Owner::User(user.id))
            .expect("keys")
            .into_iter()
            .find(|k| k.id == key)
            .map(|k| k.active)
            .expect("the key exists")
    }
}

fn password(name: &str) -> Secret {
    Secret::from_string(format!("{name}-Simulated-1!Aa"))
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The IAM endpoint's clock, as the review reads it.
#[derive(Debug)]
struct Simulated(ManualClock);

impl Clock for Simulated {
    fn now(&self) -> Timestamp {
        credreport_iam::Clock::now(&self.0)
    }
}

/// `ManualClock::now` through the `Clock` trait.
trait NowTs {
    fn now_ts(&self) -> Timestamp;
}

impl NowTs for ManualClock {
    fn now_ts(&self) -> Timestamp {
        credreport_iam::Clock::now(self)
    }
}
