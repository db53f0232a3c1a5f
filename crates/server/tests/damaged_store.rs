//! A stored value that does not decode reaches the caller as 500 ServiceFailure with the
//! generic message, and the log as an error naming its table, row and column. (The store's
//! own tests, `crates/iam/tests/damaged_data.rs`, damage every column on both backends.)

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{code, fixture, send, signed};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every event logged, as `LEVEL field=value …` lines.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(event.metadata().level().to_string());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn a_damaged_password_history_is_a_service_failure_with_its_place_in_the_log() {
    let log = Capture::default();
    tracing::subscriber::set_global_default(log.clone()).unwrap();
    let f = fixture();
    let call = |body: &str| signed(&f.key_id, &f.secret, body, 0);
    for body in [
        "Action=CreateUser&UserName=alice&Version=2010-05-08",
        "Action=CreateLoginProfile&UserName=alice&Password=Correct-Horse-9&Version=2010-05-08",
    ] {
        let (status, answer, _) = send(&f.iam, call(body)).await;
        assert_eq!(status, StatusCode::OK, "{body}: {answer}");
    }
    let conn = rusqlite::Connection::open(f._dir.path().join("iam.db")).unwrap();
    let damaged = conn
        .execute("UPDATE login_profiles SET previous = 'not a list'", [])
        .unwrap();
    assert_eq!(damaged, 1);

    let (status, answer, _) = send(
        &f.iam,
        call("Action=GetLoginProfile&UserName=alice&Version=2010-05-08"),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{answer}");
    assert_eq!(code(&answer), "ServiceFailure", "{answer}");
    assert!(
        !answer.contains("login_profiles"),
        "no detail for the caller: {answer}"
    );
    let logged = log.0.lock().unwrap().clone();
    let place = "table login_profiles, row user_id=";
    let line = logged.iter().find(|line| line.contains(place));
    let line = line.unwrap_or_else(|| panic!("no error naming {place} in the log: {logged:#?}"));
    assert!(line.starts_with("ERROR"), "{line}");
    assert!(
        line.contains("column previous: not the JSON expected"),
        "{line}"
    );
    assert!(
        !line.contains("not a list"),
        "the value stays out of the log: {line}"
    );
}
