//! Thirty days of daily reviews against the IAM endpoint on a simulated clock, with a
//! local webhook receiver: one report stored per day, a key left unused crosses 45 days
//! and is new exactly once, and the webhook hears about it exactly once (its first
//! delivery of the month is refused with a 503 and retried). At the end the key is
//! planned, deactivated, and the next review sees it go.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;

use super::{at, World, DAY};
use credreport_audit::CheckId;
use credreport_review::fetch::wait::Backoff;
use credreport_review::history::changes::ChangeKind;
use credreport_review::history::ingest::Ingested;
use credreport_review::history::History;
use credreport_review::history::Source;
use credreport_review::remediate::action::Outcome;
use credreport_review::remediate::allowlist::Allowlist;
use credreport_review::remediate::apply::{apply, ApplyOptions};
use credreport_review::remediate::make_plan;
use credreport_review::remediate::plan::PlanThresholds;
use credreport_review::review::config::ReviewConfig;
use credreport_review::review::run::{run_once, AccountDone, Review, ReviewRun, Reviewed};

/// A webhook on 127.0.0.1 that keeps every JSON body; it answers 503 to the first
/// request it gets, 200 to the others.
struct Receiver {
    url: String,
    bodies: Arc<Mutex<Vec<Value>>>,
    requests: Arc<Mutex<u32>>,
}

fn receiver(w: &World) -> Receiver {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(Mutex::new(0u32));
    let (b, r) = (Arc::clone(&bodies), Arc::clone(&requests));
    let addr: SocketAddr = w.runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (b, r) = (Arc::clone(&b), Arc::clone(&r));
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (b, r) = (Arc::clone(&b), Arc::clone(&r));
                        async move {
                            let body = req.into_body().collect().await.map(|c| c.to_bytes());
                            let n = {
                                let mut n = r.lock().expect("lock");
                                *n += 1;
                                *n
                            };
                            let status = if n == 1 { 503 } else { 200 };
                            if status == 200 {
                                if let Ok(bytes) = body {
                                    let v: Value =
                                        serde_json::from_slice(&bytes).expect("JSON body");
                                    b.lock().expect("lock").push(v);
                                }
                            }
                            Ok::<_, Infallible>(
                                hyper::Response::builder()
                                    .status(status)
                                    .body(Full::new(Bytes::from_static(b"ok")))
                                    .expect("response"),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        addr
    });
    Receiver {
        url: format!("http://{addr}/hooks/credreport"),
        bodies,
        requests,
    }
}

fn config(w: &World, hook: &str) -> ReviewConfig {
    let text = format!(
        r#"
[notify]
webhook = "{hook}"
min_severity = "medium"
retries = 3
timeout = "5s"

[[target]]
name = "sim"
endpoint_url = "{}"
region = "us-east-1"
"#,
        w.endpoint
    );
    ReviewConfig::parse(Path::new("review.toml"), &text).expect("review.toml")
}

fn review(w: &World, config: &ReviewConfig, history: &mut History) -> ReviewRun {
    let audit = credreport_audit::Config::default();
    let r = Review {
        env: &w.env,
        config,
        audit: &audit,
        notify_backoff: Backoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(50),
        },
        import_backoff: Backoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(50),
        },
    };
    let run = w.runtime.block_on(run_once(&r, history, &|_| {}));
    assert_eq!(run.failures(), 0, "{run:?}");
    run
}

fn done(run: &ReviewRun) -> &AccountDone {
    match &run.accounts[..] {
        [one] => match &one.outcome {
            Reviewed::Done(d) => d,
            other => panic!("not reviewed: {other:?}"),
        },
        other => panic!("one account expected: {other:?}"),
    }
}

#[test]
fn thirty_daily_reviews_store_thirty_reports_and_notify_an_unused_key_once() {
    let day0 = at("2026-04-01T09:00:00Z");
    let w = World::start(day0.checked_add_secs(-90 * DAY).expect("time"));
    let daily = w.user_with_key("daily");
    let forgotten = w.user_with_key("forgotten");
    // The forgotten key's last use: 20 days and 3 hours before the first review.
    let last_use = day0.checked_add_secs(-20 * DAY + 3 * 3600).expect("time");
    w.set(last_use);
    w.use_key(&forgotten);
    // The first day whose review is 45 days or more after that use.
    let crossing = (0..30)
        .find(|d| (day0.unix() + d * DAY) - last_use.truncate_to_minute().unix() >= 45 * DAY)
        .expect("it crosses within the month");
    assert_eq!(crossing, 26);

    let hook = receiver(&w);
    let config = config(&w, &hook.url);
    let hdir = tempfile::tempdir().expect("history dir");
    let mut history = History::open(hdir.path()).expect("history");
    let fingerprint_end = "user/forgotten#access_key_1";
    let mut new_on = Vec::new();
    for d in 0..30 {
        w.set(day0.checked_add_secs(d * DAY).expect("time"));
        w.use_key(&daily);
        let run = review(&w, &config, &mut history);
        let today = done(&run);
        assert!(today.new_report, "day {d}: a new report every day");
        assert_eq!(today.generated, w.now());
        if today.new_findings.iter().any(|f| {
            f.check == CheckId::AccessKeyUnused && f.fingerprint.ends_with(fingerprint_end)
        }) {
            new_on.push(d);
        }
        assert!(
            today
                .new_findings
                .iter()
                .all(|f| !(f.arn.ends_with("user/daily")
                    && matches!(f.check, CheckId::AccessKeyUnused | CheckId::UserInactive))),
            "a key used every day is never unused"
        );
        if d == 10 {
            // A second review an hour later gets the same report (4-hour rule): stored
            // once, nothing new, nobody notified.
            w.set(w.now().checked_add_secs(3600).expect("time"));
            let again = review(&w, &config, &mut history);
            let again = done(&again);
            assert!(!again.new_report);
            assert!(again.new_findings.is_empty());
            assert!(again.notified.is_none());
        }
    }
    assert_eq!(
        new_on,
        [crossing],
        "new exactly once, on the day it crossed 45 days"
    );
    let reports = history.reports(None).expect("reports");
    assert_eq!(reports.len(), 30, "one report per day");

    let bodies = hook.bodies.lock().expect("lock").clone();
    let about_key: Vec<&Value> = bodies
        .iter()
        .filter(|b| {
            b["new_findings"]
                .as_array()
                .expect("new_findings")
                .iter()
                .any(|f| {
                    f["fingerprint"].as_str().is_some_and(|s| {
                        s.ends_with(fingerprint_end) && s.starts_with("access-key-unused:")
                    })
                })
        })
        .collect();
    assert_eq!(about_key.len(), 1, "exactly one notification for the key");
    let n = about_key[0];
    assert_eq!(n["schema"], "credreport.review.notification/v1");
    assert_eq!(n["account"], w.account.as_str());
    assert_eq!(n["target"], "sim");
    assert_eq!(
        n["report"]["generated"],
        reports[crossing as usize].generated.to_zulu()
    );
    assert_eq!(
        n["previous_report"]["history_id"],
        reports[crossing as usize - 1].id
    );
    // The first review's notification (the account's open findings) was refused once
    // with a 503 and delivered on the retry.
    let first = history.notifications(reports[0].id).expect("notifications");
    assert_eq!(first.len(), 1);
    assert!(first[0].delivered);
    assert_eq!(first[0].attempts, 2);
    assert!(
        !first[0].destination.contains("hooks"),
        "the webhook's path is not stored"
    );
    let posted = *hook.requests.lock().expect("lock");
    assert_eq!(
        posted as usize,
        bodies.len() + 1,
        "one refused request, then one each"
    );

    // Remediate: the plan holds exactly the forgotten key; the next review sees it go.
    let last = reports.last().expect("a report");
    let c = w.connect();
    let stored = Ingested {
        meta: last.clone(),
        new: false,
        findings: history.findings(last.id).expect("findings"),
    };
    let bytes = history.content(last).expect("bytes");
    let plan = w
        .runtime
        .block_on(make_plan(
            &c.api(),
            &c.account,
            &stored,
            &bytes,
            PlanThresholds::of(&credreport_audit::Config::default()),
            &Allowlist::default(),
            &std::collections::BTreeMap::new(),
            w.now(),
        ))
        .expect("plan");
    let keys: Vec<Option<&str>> = plan
        .actions
        .iter()
        .map(|a| a.access_key_id.as_deref())
        .collect();
    assert_eq!(keys, [Some(forgotten.as_str())]);
    let result = w
        .runtime
        .block_on(apply(
            &c.session(&c.api(), w.env.clock.as_ref()),
            &history,
            &plan,
            "sha",
            ApplyOptions::default(),
        ))
        .expect("apply");
    assert_eq!(result.count(Outcome::Done), 1);
    assert!(!w.key_active("forgotten", &forgotten));
    assert!(w.key_active("daily", &daily));
    w.set(day0.checked_add_secs(30 * DAY).expect("time"));
    let run = review(&w, &config, &mut history);
    let today = done(&run);
    assert!(today.new_findings.is_empty());
    let previous = history
        .report(today.previous.expect("previous"))
        .expect("report");
    let now = history.report(today.report_id).expect("report");
    let changes = credreport_review::history::changes::changes(
        &history.content(&previous).expect("bytes"),
        &history.content(&now).expect("bytes"),
    )
    .expect("changes");
    assert!(changes
        .iter()
        .any(|c| c.change == ChangeKind::KeyDeactivated && c.user == "forgotten"));
}

#[test]
fn a_notification_that_failed_is_sent_with_the_next_review() {
    let day0 = at("2026-06-01T09:00:00Z");
    let w = World::start(day0.checked_add_secs(-100 * DAY).expect("time"));
    w.user_with_key("unused");
    w.set(day0);
    let hdir = tempfile::tempdir().expect("history dir");
    let mut history = History::open(hdir.path()).expect("history");
    // Day 0: nobody listens at the webhook.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("address").port()
    };
    let down = config(&w, &format!("http://127.0.0.1:{closed}/hook"));
    let audit = credreport_audit::Config::default();
    let r = Review {
        env: &w.env,
        config: &down,
        audit: &audit,
        notify_backoff: Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(10),
        },
        import_backoff: Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(10),
        },
    };
    let run = w.runtime.block_on(run_once(&r, &mut history, &|_| {}));
    assert_eq!(
        run.failures(),
        1,
        "an undelivered notification is a failure"
    );
    let first = done(&run);
    let notified = first.notified.as_ref().expect("a notification was due");
    assert!(!notified.delivered);
    assert_eq!(notified.attempts, 4, "the first attempt and 3 retries");
    // A report kept by fetch in between is no review: it hides nothing.
    w.set(day0.checked_add_secs(DAY / 2).expect("time"));
    let c = w.connect();
    let fetched = w
        .runtime
        .block_on(credreport_review::fetch::fetch_report(
            &c.iam,
            &c.place,
            &w.env.fetch,
            &|_| {},
        ))
        .expect("fetch");
    credreport_review::history::ingest::ingest(
        &mut history,
        &c.account,
        fetched.generated,
        &fetched.content,
        &audit,
        Source::Fetch,
        None,
        w.now(),
    )
    .expect("ingest");
    // Day 1: the webhook is back; what was not delivered is new again, and sent.
    w.set(day0.checked_add_secs(DAY).expect("time"));
    let hook = receiver(&w);
    let up = config(&w, &hook.url);
    let run = review(&w, &up, &mut history);
    let second = done(&run);
    assert_eq!(second.previous, None, "no delivered review to compare with");
    assert!(second.notified.as_ref().is_some_and(|n| n.delivered));
    let sent: Vec<String> = hook.bodies.lock().expect("lock")[0]["new_findings"]
        .as_array()
        .expect("new_findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_owned())
        .collect();
    assert!(sent.iter().any(|f| f.starts_with("access-key-unused:") && f.ends_with("user/unused#access_key_1")), "{sent:?}");
    // Day 2: compared with day 1's delivered review; nothing new, nothing sent.
    w.set(day0.checked_add_secs(2 * DAY).expect("time"));
    let run = review(&w, &up, &mut history);
    let third = done(&run);
    assert_eq!(third.previous, Some(second.report_id));
    assert!(third.notified.is_none());
}
