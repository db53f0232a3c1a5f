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
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Mutex;

use credreport_report::Timestamp;

/// The password window, in seconds.
pub const PASSWORD_WINDOW_SECS: i64 = 5 * 60;
/// The access key window, in seconds.
pub const KEY_WINDOW_SECS: i64 = 15 * 60;

const SHARDS: usize = 64;

/// A word-at-a-time hash (a folded multiply per 8 bytes, as in foldhash and wyhash): key
/// ids are short, random, and not attacker-chosen in a way that matters here (an unknown
/// key never reaches the windows), so a fast non-keyed hash is fine. A 20-byte key id
/// costs four multiplies, where byte-wise FNV-1a cost twenty dependent ones.
#[derive(Clone, Copy, Default)]
struct IdHasher(u64);

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    // Both halves of the product, folded: the truncation is the point.
    #[allow(clippy::cast_possible_truncation)]
    let (lo, hi) = (p as u64, (p >> 64) as u64);
    lo ^ hi
}

/// The last 1 to 7 bytes as one word, with fixed-size loads (overlapping when they must):
/// a variable-length copy would cost a `memcpy` call.
#[inline]
fn tail(rest: &[u8]) -> u64 {
    let n = rest.len();
    if n >= 4 {
        let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
        a.copy_from_slice(&rest[..4]);
        b.copy_from_slice(&rest[n - 4..]);
        u64::from(u32::from_le_bytes(a)) << 32 | u64::from(u32::from_le_bytes(b))
    } else {
        u64::from(rest[0]) << 16 | u64::from(rest[n / 2]) << 8 | u64::from(rest[n - 1])
    }
}

impl Hasher for IdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ SEED;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = fold_mul(h ^ u64::from_le_bytes(word), MUL);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            h = fold_mul(h ^ tail(rest), MUL);
        }
        self.0 = h;
    }

    // `str`'s `Hash` ends with `write_u8(0xff)`: one multiply, not another `write`.
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = fold_mul(self.0 ^ SEED ^ u64::from(i), MUL);
    }
}

impl std::fmt::Debug for IdHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdHasher")
    }
}

type Map = HashMap<String, i64, BuildHasherDefault<IdHasher>>;

/// One shard, alone on its cache lines (128 bytes: adjacent-line prefetch pairs them), so
/// that threads on different shards do not invalidate each other's lines.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<Map>);

/// Recorded-use times by credential, sharded to keep threads apart.
#[derive(Debug)]
pub struct Windows {
    window_secs: i64,
    shards: Box<[Shard]>,
}

impl Windows {
    /// Windows of `window_secs` seconds.
    pub fn new(window_secs: i64) -> Windows {
        Windows {
            window_secs,
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
        }
    }

    fn shard(&self, id: &str) -> &Mutex<Map> {
        let mut h = IdHasher::default();
        id.hash(&mut h);
        // The map's buckets come from the hash's low bits and its tags from the top seven;
        // the shard from bits 32 and up, so that neither is constant within a shard. The
        // modulo keeps the index below SHARDS.
        #[allow(clippy::cast_possible_truncation)]
        let i = ((h.finish() >> 32) % SHARDS as u64) as usize;
        &self.shards[i].0
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

    #[test]
    fn ids_of_every_length_are_kept_apart() {
        // The hash reads whole words and then a tail of 1 to 7 bytes in overlapping loads:
        // ids of every length, and ids that differ in one byte anywhere, stay distinct.
        let w = Windows::new(KEY_WINDOW_SECS);
        let t0 = Timestamp::from_unix(1_700_000_000).unwrap();
        let ids: Vec<String> = (0..=40)
            .map(|n| "é".repeat(n / 2) + &"A".repeat(n % 2))
            .collect();
        for (i, id) in ids.iter().enumerate() {
            let at = t0
                .checked_add_secs(i64::try_from(i).unwrap() * KEY_WINDOW_SECS)
                .unwrap();
            assert!(!w.covers(id, at), "{id:?}");
            w.remember(id, at);
        }
        for (i, id) in ids.iter().enumerate() {
            let at = t0
                .checked_add_secs(i64::try_from(i).unwrap() * KEY_WINDOW_SECS)
                .unwrap();
            assert!(w.covers(id, at), "{id:?}");
            assert!(!w.covers(id, at.checked_add_secs(KEY_WINDOW_SECS).unwrap()));
        }
        let base = "AKIAIOSFODNN7EXAMPLE";
        w.remember(base, t0);
        for i in 0..base.len() {
            let mut other = base.as_bytes().to_vec();
            other[i] = b'Z' - (other[i] == b'Z') as u8;
            let other = String::from_utf8(other).unwrap();
            assert!(!w.covers(&other, t0), "{other}");
        }
        assert!(w.covers(base, t0));
    }
}
