//! The usage windows: IAM records a password's use only for the first use in a 5-minute
//! span, and an access key's only for the first use in a 15-minute span (at minute
//! precision). This is the hot path of a real IAM, so a use inside a window is answered
//! from memory and costs no store write.
//!
//! Windows are measured between recorded values, which is what the store can check too:
//! a use at `t` is recorded iff nothing is recorded yet or `t >= recorded + window`. The
//! memory only ever holds values the store has durably recorded (or has been seen to
//! hold), so forgetting it (a restart) loses nothing; the store's conditional update keeps
//! the rule across processes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

use credreport_report::Timestamp;

/// The password window, in seconds.
pub const PASSWORD_WINDOW_SECS: i64 = 5 * 60;
/// The access key window, in seconds.
pub const KEY_WINDOW_SECS: i64 = 15 * 60;

const SHARDS: usize = 16;

/// FNV-1a: key ids are short, random, and not attacker-chosen in a way that matters here
/// (an unknown key never reaches the windows), so a fast non-keyed hash is fine.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Map = HashMap<String, i64, BuildHasherDefault<Fnv>>;

/// Recorded-use times by credential, sharded to keep threads apart.
#[derive(Debug)]
pub struct Windows {
    window_secs: i64,
    shards: Vec<Mutex<Map>>,
}

impl std::fmt::Debug for Fnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fnv")
    }
}

impl Windows {
    /// Windows of `window_secs` seconds.
    pub fn new(window_secs: i64) -> Windows {
        Windows {
            window_secs,
            shards: (0..SHARDS).map(|_| Mutex::new(Map::default())).collect(),
        }
    }

    fn shard(&self, id: &str) -> &Mutex<Map> {
        let mut h = Fnv::default();
        h.write(id.as_bytes());
        // The modulo keeps the index below SHARDS.
        #[allow(clippy::cast_possible_truncation)]
        let i = (h.finish() % SHARDS as u64) as usize;
        &self.shards[i]
    }

    /// Whether a use at `at` falls inside the window of the last recorded use.
    pub fn covers(&self, id: &str, at: Timestamp) -> bool {
        let Ok(map) = self.shard(id).lock() else {
            return false;
        };
        map.get(id)
            .is_some_and(|&last| at.unix() - last < self.window_secs && at.unix() >= last)
    }

    /// Remembers a use the store holds.
    pub fn remember(&self, id: &str, at: Timestamp) {
        if let Ok(mut map) = self.shard(id).lock() {
            let slot = map.entry(id.to_owned()).or_insert(i64::MIN);
            *slot = (*slot).max(at.unix());
        }
    }

    /// Forgets a credential (deleted).
    pub fn forget(&self, id: &str) {
        if let Ok(mut map) = self.shard(id).lock() {
            map.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_edges() {
        let w = Windows::new(KEY_WINDOW_SECS);
        let t0 = Timestamp::from_unix(1_700_000_000).unwrap();
        assert!(!w.covers("AKIA", t0));
        w.remember("AKIA", t0);
        assert!(w.covers("AKIA", t0));
        assert!(w.covers("AKIA", t0.checked_add_secs(KEY_WINDOW_SECS - 1).unwrap()));
        assert!(!w.covers("AKIA", t0.checked_add_secs(KEY_WINDOW_SECS).unwrap()));
        // A use before the recorded one (a client with a slow clock) is not covered: the
        // store decides, and it keeps the later value.
        assert!(!w.covers("AKIA", t0.checked_add_secs(-60).unwrap()));
        w.forget("AKIA");
        assert!(!w.covers("AKIA", t0));
    }
}
