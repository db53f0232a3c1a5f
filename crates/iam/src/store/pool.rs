//! Idle connections kept for reuse by a store (SQLite's readers, PostgreSQL's connections):
//! opening one costs far more than using it.

use std::sync::{Mutex, PoisonError};

/// At most `max` idle connections; one given back past that is dropped.
#[derive(Debug)]
pub(super) struct Idle<C> {
    conns: Mutex<Vec<C>>,
    max: usize,
}

impl<C> Idle<C> {
    pub(super) fn new(max: usize, first: Vec<C>) -> Idle<C> {
        Idle {
            conns: Mutex::new(first),
            max,
        }
    }

    /// An idle connection, if one is kept.
    pub(super) fn take(&self) -> Option<C> {
        self.conns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    /// Keeps `conn` for reuse, unless enough are kept (then it is dropped here).
    pub(super) fn put(&self, conn: C) {
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        if conns.len() < self.max {
            conns.push(conn);
        }
    }

    /// Every idle connection, taken out.
    pub(super) fn drain(&self) -> Vec<C> {
        std::mem::take(&mut *self.conns.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
