//! Where a credential report build runs: a thread of its own, at a lower priority than the
//! requests (nice +5). On two cores a build took one core and the STARTED answer of the
//! request that started it waited for the other: in a third of the generate + get runs
//! (BENCHMARKS.md), the runtime thread that writes that answer ran nothing for the build's
//! whole duration. At nice +5 a request's thread that wakes takes the core from the build,
//! which still has about a quarter of a busy core's time against each request thread and
//! all of an idle one.

use std::thread;

/// How much the build thread's nice value is above the requests'.
const BUILD_NICE: i32 = 5;

/// Runs `build` on a thread of its own, [`BUILD_NICE`] below the caller. Where the priority cannot be
/// lowered the build runs as it is; where no thread can be started it does not run (and
/// is logged): its report stays in progress until its lease ends, as after a crash.
pub(crate) fn spawn(build: impl FnOnce() + Send + 'static) {
    let started = thread::Builder::new()
        .name("report-build".into())
        .spawn(move || {
            lower_priority();
            build();
        });
    if let Err(e) = started {
        tracing::error!(error = %e, "no thread for a credential report build");
    }
}

/// Lowers the calling thread's priority by [`BUILD_NICE`] (on Linux a nice value is a
/// thread's own; a new thread starts with its creator's).
fn lower_priority() {
    let me = Some(rustix::thread::gettid());
    let lowered = rustix::process::getpriority_process(me)
        .and_then(|nice| rustix::process::setpriority_process(me, (nice + BUILD_NICE).min(19)));
    if let Err(e) = lowered {
        tracing::debug!(error = %e, "a report build runs at the requests' priority");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use std::sync::mpsc::channel;
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_build_runs_on_a_thread_of_its_own_below_the_requests_priority() {
        let (tx, rx) = channel();
        spawn(move || {
            let me = rustix::thread::gettid();
            let nice = rustix::process::getpriority_process(Some(me)).unwrap();
            tx.send((thread::current().name().map(str::to_owned), nice))
                .unwrap();
        });
        let (name, nice) = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(name.as_deref(), Some("report-build"));
        let mine = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap();
        assert_eq!(nice, (mine + BUILD_NICE).min(19), "the build's nice value");
    }
}
