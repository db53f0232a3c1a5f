//! The console's forms: arbitrary POST bodies, cookies and paths through the whole
//! application (one store for the run); nothing may answer 5xx.
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::body::{to_bytes, Body};
use axum::http::Request;
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::{Iam, IamConfig, ManualClock, SqliteStore, Store};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct World {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&dir.path().join("iam.db")).expect("store"));
        let clock =
            ManualClock::new(credreport_report::Timestamp::from_unix(1_800_000_000).expect("time"));
        let iam = Iam::new(
            store,
            Arc::new(clock),
            MasterKey::generate().expect("key"),
            PasswordHasher::fast_insecure_for_tests(),
            IamConfig::standard(),
        );
        iam.create_account(None, false).expect("account");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        World {
            rt,
            app: credreport_server::app(iam, credreport_server::ServerConfig::standard()),
            _dir: dir,
        }
    })
}

const PATHS: [&str; 6] = [
    "/console/signin",
    "/console/mfa",
    "/console/change-password",
    "/console/users",
    "/console/credential-report/download",
    "/console/users/a/key-create",
];

fuzz_target!(|data: &[u8]| {
    let w = world();
    let path = PATHS[usize::from(data.first().copied().unwrap_or(0)) % PATHS.len()];
    let split = data
        .iter()
        .skip(1)
        .position(|&b| b == 0)
        .map_or(data.len(), |i| i + 1);
    let cookie = String::from_utf8_lossy(data.get(1..split).unwrap_or(&[])).into_owned();
    let body = data.get(split + 1..).unwrap_or(&[]).to_vec();
    let mut builder =
        Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        builder = builder.header("cookie", v);
    }
    let Ok(req) = builder.body(Body::from(body)) else {
        return;
    };
    let status = w.rt.block_on(async {
        let r = w.app.clone().oneshot(req).await.expect("infallible");
        let s = r.status();
        let _ = to_bytes(r.into_body(), usize::MAX).await;
        s
    });
    assert!(status.as_u16() < 500, "{path}: {status}");
});
