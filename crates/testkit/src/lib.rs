//! What the tests and benchmarks of several crates share, so that it is written once: the
//! golden-file check, a bounded wait for what a background thread does, a fixed-seed
//! generator for benchmark data, a generated account's authorization details ([`account`]),
//! the peak memory of this process, and a fresh PostgreSQL database per test ([`postgres`]). A dev-dependency only; nothing here ships.

pub mod account;
pub mod postgres;

use std::error::Error;
use std::path::Path;

/// Compares `got` with the file at `path` (or rewrites the file when `UPDATE_GOLDEN` is
/// set, for review). `case` names the case in the failure message.
///
/// # Panics
///
/// When the file cannot be read or written, or differs from `got`: this is a test check.
pub fn check_golden(path: &Path, case: &str, got: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, got).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        got == want,
        "{case}: output differs from {}\n---- expected\n{want}\n---- got\n{got}\n----",
        path.display()
    );
}

/// Whether `done` becomes true within 5 s, asked every 25 ms: for what a background thread
/// does soon, but not at once.
pub fn eventually(mut done: impl FnMut() -> bool) -> bool {
    (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(25));
        done()
    })
}

/// SplitMix64: a fixed seed gives the same sequence on every run, so a benchmark measures
/// the same data each time.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// A value in `0..n` (`n` above 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The peak resident memory of this process so far (`VmHWM`), in KiB. Linux only.
///
/// # Errors
///
/// When `/proc/self/status` cannot be read or has no parsable `VmHWM` line.
pub fn peak_rss_kib() -> Result<u64, Box<dyn Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(line.trim().trim_end_matches("kB").trim().parse()?)
}

#[cfg(test)]
mod tests {
    use super::Rng;

    /// The first values of SplitMix64 from seed 0, as its reference implementation gives
    /// them: the benchmarks' data does not change with this move.
    #[test]
    fn splitmix64_reference_values() {
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }
}
