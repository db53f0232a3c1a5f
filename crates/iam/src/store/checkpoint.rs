//! Moving the SQLite WAL back into the database file off the writers' path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so one
//! write in a few (a report build of megabytes, say) paid for copying every page of the
//! writes before it, and an fsync of the database file. Here the writer only wakes a
//! thread; that thread runs a PASSIVE checkpoint on its own connection (it waits for no
//! reader and no writer), at most once per [`MIN_INTERVAL`], so a stream of small durable
//! writes (key uses) does not double their fsyncs. Durability is the commit's, unchanged:
//! a checkpoint only moves committed pages.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rusqlite::Connection;

/// The shortest time between two checkpoints.
pub(super) const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// A checkpoint thread for one database file; it ends when this is dropped.
#[derive(Debug)]
pub(super) struct Checkpointer {
    wake: SyncSender<()>,
    /// How many checkpoints the thread has run (for tests).
    #[cfg(test)]
    runs: Arc<AtomicU64>,
}

impl Checkpointer {
    /// Starts the thread, with `conn` (a connection of its own to the file).
    pub(super) fn start(conn: Connection) -> std::io::Result<Checkpointer> {
        let (wake, woken) = sync_channel::<()>(1);
        let runs = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&runs);
        #[cfg(not(test))]
        drop(runs);
        thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                // Ends when the store (the sender) is gone.
                while woken.recv().is_ok() {
                    // A failed or partial checkpoint (a reader still on old pages) is
                    // retried on the next wake; the WAL keeps every page meanwhile.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    counted.fetch_add(1, Ordering::Relaxed);
                    thread::sleep(MIN_INTERVAL);
                }
            })?;
        Ok(Checkpointer {
            wake,
            #[cfg(test)]
            runs,
        })
    }

    /// How many checkpoints have run.
    #[cfg(test)]
    pub(super) fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// After a commit: a checkpoint soon. Never blocks (wakes already pending are merged).
    pub(super) fn committed(&self) {
        match self.wake.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }
}
