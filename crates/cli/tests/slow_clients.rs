//! Slow clients (issue 15): a client that sends a request's headers too slowly (a
//! slow-loris) is cut off after `--header-timeout`, and a body over the cap is an AWS
//! error, while other clients are served meanwhile.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_loris_is_cut_off_and_others_are_served() {
    let server = Server::start_with(&["--header-timeout", "1"]);
    let addr = server.endpoint.trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&addr).expect("connect");
    slow.write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .expect("write");
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // Meanwhile, a well-behaved client is answered.
    let users = server.root_iam().list_users().send().await;
    assert!(users.is_ok(), "{users:?}");
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "cut off after the header timeout, not {waited:?}"
    );
    let text = String::from_utf8_lossy(&rest);
    assert!(
        rest.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );

    // A body over the cap: an AWS error, not a dropped connection.
    let mut big = TcpStream::connect(&addr).expect("connect");
    let body = vec![b'a'; (1 << 20) + 10];
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    big.write_all(head.as_bytes()).expect("head");
    let _ = big.write_all(&body);
    let mut answer = Vec::new();
    big.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let _ = big.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("<Code>RequestEntityTooLarge</Code>"),
        "{answer}"
    );
}
