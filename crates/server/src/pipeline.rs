//! The one path every request takes, API and console alike: its body read under a limit,
//! a worker permit, then its handler on a blocking thread (the domain is synchronous:
//! store reads and writes, argon2, SigV4).
//!
//! At most [`crate::ServerConfig::workers`] handlers run at once, whatever route they
//! came by; the others wait for a permit without holding a thread. A console sign-in, with
//! its argon2 verification, takes a permit like an API request does, so a flood of either
//! is bounded by `--workers` and queues behind the other in turn (the permits are handed
//! out first come, first served).

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

/// The workers' permits.
#[derive(Debug)]
pub(crate) struct Pipeline {
    workers: Semaphore,
}

impl Pipeline {
    /// A pipeline running at most `workers` handlers at once (at least one).
    pub(crate) fn new(workers: usize) -> Pipeline {
        Pipeline {
            workers: Semaphore::new(workers.max(1)),
        }
    }

    /// Reads `body` (at most `limit` bytes), waits for a worker permit, then runs
    /// `handler` with the body on a blocking thread, holding the permit until it returns.
    pub(crate) async fn run<T, F>(&self, body: Body, limit: usize, handler: F) -> Result<T, Stopped>
    where
        F: FnOnce(Bytes) -> T + Send + 'static,
        T: Send + 'static,
    {
        let body = to_bytes(body, limit).await.map_err(|_| Stopped::TooLarge)?;
        // Never closed, so acquiring only waits; a request that times out meanwhile gives
        // up its place in the queue.
        let Ok(_permit) = self.workers.acquire().await else {
            return Err(Stopped::Failed);
        };
        tokio::task::spawn_blocking(move || handler(body))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "request handler failed");
                Stopped::Failed
            })
    }

    /// Permits free now (for tests).
    #[cfg(test)]
    fn available(&self) -> usize {
        self.workers.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"))
    }

    /// Handlers never run more than the workers at once, however many requests wait.
    #[test]
    fn no_more_handlers_run_than_workers() {
        let pipeline = Arc::new(Pipeline::new(3));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        runtime().block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..24 {
                let (p, running, most) = (
                    Arc::clone(&pipeline),
                    Arc::clone(&running),
                    Arc::clone(&most),
                );
                tasks.push(tokio::spawn(async move {
                    p.run(Body::from("x"), 16, move |_| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                }));
            }
            for t in tasks {
                assert!(matches!(t.await, Ok(Ok(()))));
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 3);
        assert_eq!(pipeline.available(), 3, "every permit is given back");
    }

    /// A body over the limit stops before a permit is taken or the handler runs; a
    /// panicking handler is a failure, and its permit is given back.
    #[test]
    fn too_large_bodies_and_failed_handlers() {
        let pipeline = Pipeline::new(1);
        runtime().block_on(async {
            let r = pipeline
                .run(Body::from(vec![0u8; 17]), 16, |_| -> usize {
                    unreachable!("a body over the limit runs no handler")
                })
                .await;
            assert!(matches!(r, Err(Stopped::TooLarge)));
            let r: Result<(), Stopped> = pipeline
                .run(Body::from("ok"), 16, |_| panic!("a handler's bug"))
                .await;
            assert!(matches!(r, Err(Stopped::Failed)));
            let r = pipeline.run(Body::from("ok"), 16, |b| b.len()).await;
            assert!(matches!(r, Ok(2)));
        });
        assert_eq!(pipeline.available(), 1);
    }
}
