//! The first vaults a process opens, opened from several threads at once. This file holds a
//! single test so that it runs in a fresh process, before anything else has touched SQLite.

use cardbase_engine::{Passphrase, Preset, Vault};
use std::sync::Barrier;

#[test]
fn the_first_vaults_of_a_process_open_at_once_from_many_threads() {
    const THREADS: usize = 16;
    let dir = tempfile::tempdir().unwrap();
    let start = Barrier::new(THREADS);
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let path = dir.path().join(format!("v{i}.cardbase"));
                let start = &start;
                s.spawn(move || {
                    start.wait();
                    Vault::create(&path, &Passphrase::new("p"), Preset::Personal)
                        .err()
                        .map(|e| format!("thread {i}: {e}"))
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
}
