//! Reliability of the real `cardbase` binary: killed at any moment it loses no committed change
//! and leaves no half-done import (`crash`); damaged, foreign and unreachable files get one
//! clear line and stay as they were (`bad_files`); backups are made before risky steps and
//! restored safely (`backups`); a full disk fails a change with a plain word and costs nothing
//! (`full_disk`); a second process is turned away while the first carries on
//! (`concurrency`); and no record text or passphrase shows up anywhere outside the encrypted
//! file (`secrecy`).

#[path = "support/cli.rs"]
mod support;

#[path = "reliability/backups.rs"]
mod backups;
#[path = "reliability/bad_files.rs"]
mod bad_files;
#[path = "reliability/concurrency.rs"]
mod concurrency;
#[path = "reliability/crash.rs"]
mod crash;
#[path = "reliability/exports.rs"]
mod exports;
#[path = "reliability/full_disk.rs"]
mod full_disk;
#[path = "reliability/secrecy.rs"]
mod secrecy;

use cardbase_engine::{Passphrase, Query, Vault};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use support::PASS;

/// A small deterministic generator (SplitMix64): the same seed gives the same kill moments,
/// flipped bytes and data on every run.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The SHA-256 of a file's bytes.
pub fn hash(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))).to_vec()
}

/// Opens the vault in this process (after the `cardbase` processes are gone) with the tests'
/// passphrase.
pub fn open(vault: &Path) -> Vault {
    Vault::open(vault, &Passphrase::new(PASS)).unwrap_or_else(|e| panic!("opening {}: {e}", vault.display()))
}

/// Fails unless the vault passes its check.
#[track_caller]
pub fn assert_sound(vault: &Vault, when: &str) {
    let report = vault.check().unwrap_or_else(|e| panic!("{when}: the check fails: {e}"));
    assert!(report.problems.is_empty(), "{when}: {:?}", report.problems);
}

/// Live records of a section.
pub fn count(vault: &Vault, section: &str) -> usize {
    vault.list(&Query::section(section).limit(0)).unwrap().total
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut todo = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(path) = todo.pop() {
        if path.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    files
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The byte patterns a file could hold a text in: UTF-8 and UTF-16 (both byte orders).
pub fn patterns(text: &str) -> [Vec<u8>; 3] {
    [
        text.as_bytes().to_vec(),
        text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
    ]
}
