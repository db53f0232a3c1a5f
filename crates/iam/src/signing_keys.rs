//! What signature verification needs about a key, kept in memory between requests.
//!
//! Every signed request needs its key's secret, status and owner: a store read and an AEAD
//! open each time, for a record that almost never changes. Entries are dropped by the
//! operations that change what they hold (UpdateAccessKey, DeleteAccessKey), so within one
//! process a deactivated or deleted key is refused from the next request on. An entry also
//! lives at most [`TTL`], which bounds how long a change made by another process on the
//! same store goes unseen (IAM itself documents that such changes take time to apply).
//! Where the store announces changes (PostgreSQL, for a fleet: [`Iam::watch_store`]),
//! another instance's change drops the entry as soon as it commits.
//!
//! [`Iam::watch_store`]: crate::Iam::watch_store

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::keys::SigningKey;

/// The longest an entry is used.
pub(crate) const TTL: Duration = Duration::from_secs(5);
/// At most this many entries; past it the map starts again empty.
const CAPACITY: usize = 100_000;

#[derive(Debug, Default)]
pub(crate) struct SigningKeys {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    by_id: HashMap<String, (Instant, Arc<SigningKey>)>,
    /// Bumped by every [`SigningKeys::forget`]: a lookup that read the store before a
    /// change must not keep what it read after it.
    generation: u64,
}

impl SigningKeys {
    /// The entry for `key_id`, if one is kept and young enough.
    pub(crate) fn get(&self, key_id: &str) -> Option<Arc<SigningKey>> {
        let kept = self.kept.lock().ok()?;
        let (at, key) = kept.by_id.get(key_id)?;
        (at.elapsed() < TTL).then(|| Arc::clone(key))
    }

    /// The generation to hand back to [`SigningKeys::keep`] after reading the store.
    pub(crate) fn generation(&self) -> u64 {
        self.kept.lock().map_or(u64::MAX, |kept| kept.generation)
    }

    /// Keeps `key` as read from the store when the generation was `generation`; nothing if
    /// a key was forgotten since.
    pub(crate) fn keep(&self, key_id: &str, key: &Arc<SigningKey>, generation: u64) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if kept.generation != generation {
            return;
        }
        if kept.by_id.len() >= CAPACITY {
            kept.by_id.clear();
        }
        kept.by_id
            .insert(key_id.to_owned(), (Instant::now(), Arc::clone(key)));
    }

    /// Drops the entry of a key that changed.
    pub(crate) fn forget(&self, key_id: &str) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.generation += 1;
            kept.by_id.remove(key_id);
        }
    }

    /// Drops every entry (changes may have been missed).
    pub(crate) fn forget_all(&self) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.generation += 1;
            kept.by_id.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use super::*;
    use crate::ids::AccountId;
    use crate::model::Owner;
    use crate::secret::Secret;

    fn key() -> Arc<SigningKey> {
        Arc::new(SigningKey {
            account: AccountId::parse("123456789012").unwrap(),
            owner: Owner::Root,
            active: true,
            secret: Secret::from_string("s".repeat(40)),
            user: None,
        })
    }

    #[test]
    fn a_read_from_before_a_change_is_not_kept_after_it() {
        let kept = SigningKeys::default();
        let before = kept.generation();
        // UpdateAccessKey commits and forgets while another request was reading the store.
        kept.forget("AKIAEXAMPLE");
        kept.keep("AKIAEXAMPLE", &key(), before);
        assert!(kept.get("AKIAEXAMPLE").is_none());
        // A read that started after the change is kept.
        kept.keep("AKIAEXAMPLE", &key(), kept.generation());
        assert!(kept.get("AKIAEXAMPLE").is_some());
        kept.forget("AKIAEXAMPLE");
        assert!(kept.get("AKIAEXAMPLE").is_none());
    }
}
