//! The one path every request takes, API and console alike: its body read under a limit,
//! a worker permit, then its handler on a blocking thread (the domain is synchronous:
//! store reads and writes, argon2, SigV4).
//!
//! At most [`crate::ServerConfig::workers`] handlers run at once, whatever route they
//! came by; the others wait for a permit without holding a thread (permits are handed out
//! first come, first served). The console's sign-in steps, each an argon2 verification or an
//! MFA code to check, first wait in a lane of their own, half the workers wide
//! ([`Lane::SignIn`]): however many of them come at once, from however many sources, they
//! hold at most half the permits, and other requests queue behind at most that many.

use axum::body::{to_bytes, Body, Bytes};
use tokio::sync::Semaphore;

/// Why a request stopped before its handler answered.
#[derive(Debug)]
pub(crate) enum Stopped {
    /// Its body is larger than the route accepts.
    TooLarge,
    /// The handler failed (a panic); logged here, a 5xx for the caller.
    Failed,
}

/// Where a request waits before its worker permit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lane {
    /// Every request but the console's sign-in steps: straight to the workers' queue.
    General,
    /// The console's sign-in steps (sign-in, MFA code, password change): at most half the
    /// workers at once.
    SignIn,
}

/// The workers' permits, and the sign-in lane's.
#[derive(Debug)]
pub(crate) struct Pipeline {
    workers: Semaphore,
    sign_ins: Semaphore,
}

impl Pipeline {
    /// A pipeline running at most `workers` handlers at once (at least one), of which at
    /// most half (at least one) are sign-in steps.
    pub(crate) fn new(workers: usize) -> Pipeline {
        let workers = workers.max(1);
        Pipeline {
            workers: Semaphore::new(workers),
            sign_ins: Semaphore::new((workers / 2).max(1)),
        }
    }

    /// Reads `body` (at most `limit` bytes), waits in `lane`, then for a worker permit,
    /// then runs `handler` with the body on a blocking thread, holding the permits until
    /// it returns.
    pub(crate) async fn run<T, F>(
        &self,
        body: Body,
        limit: usize,
        lane: Lane,
        handler: F,
    ) -> Result<T, Stopped>
    where
        F: FnOnce(Bytes) -> T + Send + 'static,
        T: Send + 'static,
    {
        let body = to_bytes(body, limit).await.map_err(|_| Stopped::TooLarge)?;
        // Never closed, so acquiring only waits; a request that times out meanwhile gives
        // up its place in the queue.
        let _lane = match lane {
            Lane::General => None,
            Lane::SignIn => Some(self.sign_ins.acquire().await.map_err(|_| Stopped::Failed)?),
        };
        let _permit = self.workers.acquire().await.map_err(|_| Stopped::Failed)?;
        tokio::task::spawn_blocking(move || handler(body))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "request handler failed");
                Stopped::Failed
            })
    }

    /// Permits free now, the workers' and the sign-in lane's (for tests).
    #[cfg(test)]
    fn available(&self) -> (usize, usize) {
        (
            self.workers.available_permits(),
            self.sign_ins.available_permits(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Condvar, Mutex};

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"))
    }

    /// Counts the handlers running at once and the most there ever were.
    #[derive(Clone, Default)]
    struct Running {
        now: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
    }

    impl Running {
        fn enter(&self) {
            let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
        }

        fn leave(&self) {
            self.now.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Handlers never run more than the workers at once, however many requests wait.
    #[test]
    fn no_more_handlers_run_than_workers() {
        let pipeline = Arc::new(Pipeline::new(3));
        let running = Running::default();
        runtime().block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..24 {
                let (p, running) = (Arc::clone(&pipeline), running.clone());
                tasks.push(tokio::spawn(async move {
                    p.run(Body::from("x"), 16, Lane::General, move |_| {
                        running.enter();
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        running.leave();
                    })
                    .await
                }));
            }
            for t in tasks {
                assert!(matches!(t.await, Ok(Ok(()))));
            }
        });
        assert_eq!(running.most.load(Ordering::SeqCst), 3);
        assert_eq!(pipeline.available(), (3, 1), "every permit is given back");
    }

    /// Sign-in steps hold at most half the workers, however many wait: while they are all
    /// busy, another request still finds a worker and is answered.
    #[test]
    fn sign_ins_leave_half_the_workers_to_everyone_else() {
        let pipeline = Arc::new(Pipeline::new(4));
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let running = Running::default();
        runtime().block_on(async {
            let mut sign_ins = Vec::new();
            for _ in 0..10 {
                let (p, gate, running) =
                    (Arc::clone(&pipeline), Arc::clone(&gate), running.clone());
                sign_ins.push(tokio::spawn(async move {
                    p.run(Body::empty(), 16, Lane::SignIn, move |_| {
                        running.enter();
                        // Held until the other request has been answered.
                        let (open, cv) = &*gate;
                        let mut open = open.lock().unwrap_or_else(|e| e.into_inner());
                        while !*open {
                            open = cv.wait(open).unwrap_or_else(|e| e.into_inner());
                        }
                        running.leave();
                    })
                    .await
                }));
            }
            while running.now.load(Ordering::SeqCst) < 2 {
                tokio::task::yield_now().await;
            }
            let other = pipeline.run(Body::empty(), 16, Lane::General, |_| "answered");
            // A guard against a hang, not a timing: the answer needs no sign-in to finish
            // (without the lane, the sign-ins would hold every worker until released).
            let answered = tokio::time::timeout(std::time::Duration::from_secs(30), other).await;
            {
                let (open, cv) = &*gate;
                *open.lock().unwrap_or_else(|e| e.into_inner()) = true;
                cv.notify_all();
            }
            for t in sign_ins {
                assert!(matches!(t.await, Ok(Ok(()))));
            }
            assert!(matches!(answered, Ok(Ok("answered"))), "{answered:?}");
        });
        assert_eq!(running.most.load(Ordering::SeqCst), 2, "half of 4 workers");
        assert_eq!(pipeline.available(), (4, 2));
    }

    /// A body over the limit stops before a permit is taken or the handler runs; a
    /// panicking handler is a failure, and its permits are given back.
    #[test]
    fn too_large_bodies_and_failed_handlers() {
        let pipeline = Pipeline::new(1);
        runtime().block_on(async {
            let r = pipeline
                .run(Body::from(vec![0u8; 17]), 16, Lane::SignIn, |_| -> usize {
                    unreachable!("a body over the limit runs no handler")
                })
                .await;
            assert!(matches!(r, Err(Stopped::TooLarge)));
            let r: Result<(), Stopped> = pipeline
                .run(Body::from("ok"), 16, Lane::SignIn, |_| {
                    panic!("a handler's bug")
                })
                .await;
            assert!(matches!(r, Err(Stopped::Failed)));
            let r = pipeline
                .run(Body::from("ok"), 16, Lane::General, |b| b.len())
                .await;
            assert!(matches!(r, Ok(2)));
        });
        assert_eq!(pipeline.available(), (1, 1));
    }
}
