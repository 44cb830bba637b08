//! How far a long workflow has come, and whether the user asked it to stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A stop button a workflow checks while it runs; clones share it, so another thread (the
/// window's) can press it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Asks the workflow to stop; it stops at its next step and changes nothing.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether stopping was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Progress reports (done, total, in the workflow's own unit) and the stop button.
///
/// ```
/// use cardbase_workflows::{Cancel, Progress};
/// let cancel = Cancel::default();
/// let mut seen = Vec::new();
/// let mut progress = Progress::new(cancel.clone(), |done, total| seen.push((done, total)));
/// assert!(progress.step(1, 10));
/// cancel.cancel();
/// assert!(!progress.step(2, 10));
/// drop(progress);
/// assert_eq!(seen, [(1, 10), (2, 10)]);
/// ```
pub struct Progress<'a> {
    report: Box<dyn FnMut(u64, u64) + 'a>,
    cancel: Cancel,
}

impl<'a> Progress<'a> {
    /// Reports to `report`; stops when `cancel` is pressed.
    pub fn new(cancel: Cancel, report: impl FnMut(u64, u64) + 'a) -> Progress<'a> {
        Progress {
            report: Box::new(report),
            cancel,
        }
    }

    /// No reports, no stop button.
    pub fn none() -> Progress<'static> {
        Progress::new(Cancel::default(), |_, _| {})
    }

    /// Reports a step; `false` when the workflow should stop.
    pub fn step(&mut self, done: u64, total: u64) -> bool {
        (self.report)(done, total);
        !self.cancel.is_cancelled()
    }
}
