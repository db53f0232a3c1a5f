//! moto's server (its Security Hub) on a loopback port, started for a test and stopped
//! when dropped, and boto3 reading back what it holds (`tests/e2e/securityhub_findings.py`,
//! an independent client). `MOTO_PYTHON` names another interpreter than `python3`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct Moto {
    child: Child,
    pub endpoint: String,
    dir: tempfile::TempDir,
}

fn python() -> String {
    std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

impl Moto {
    /// Starts `python3 -m moto.server` and waits (60 s at most) until it accepts
    /// connections; a port taken meanwhile is retried with another, three times.
    pub fn start() -> Moto {
        let dir = tempfile::tempdir().expect("temporary directory");
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let log = std::fs::File::create(dir.path().join("moto.log")).expect("log");
            let mut child = Command::new(python())
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
                .expect("python3 -m moto.server (python3 -m pip install 'moto[server]==5.2.1')");
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    let log =
                        std::fs::read_to_string(dir.path().join("moto.log")).unwrap_or_default();
                    assert!(
                        log.contains("Address already in use"),
                        "moto.server exited ({status}):\n{log}"
                    );
                    break;
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
                    panic!("moto.server did not listen on {addr} within 60 s");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("moto.server could not get a free port in 3 tries");
    }

    /// Every finding moto's Security Hub holds in `region`, read with boto3's GetFindings.
    pub fn findings(&self, region: &str) -> Vec<Value> {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/securityhub_findings.py");
        let out = Command::new(python())
            .arg(&script)
            .args(["--endpoint-url", &self.endpoint, "--region", region])
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .current_dir(self.dir.path())
            .output()
            .expect("run securityhub_findings.py");
        assert!(
            out.status.success(),
            "securityhub_findings.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        match serde_json::from_slice(&out.stdout).expect("JSON") {
            Value::Array(findings) => findings,
            other => panic!("not an array: {other}"),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
