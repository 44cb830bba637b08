//! Figures: timing runs, medians with their spread, percentiles, and per-step peak memory.

use anyhow::{Context, Result};
use std::time::{Duration, Instant};

/// Runs `f` `runs` times; the time of each run and the last run's result.
pub fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(Vec<Duration>, T)> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f()?);
        times.push(start.elapsed());
    }
    Ok((times, last.context("no runs")?))
}

/// The `p`-th percentile (0–100) of some samples, by the nearest-rank method: the smallest
/// sample with at least `p` percent of the samples at or below it.
pub fn percentile(samples: &[f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * s.len() as f64).ceil().max(1.0) as usize;
    s[rank.min(s.len()) - 1]
}

/// Median and spread (min–max) of some figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(samples: &[f64]) -> Spread {
        Spread {
            median: percentile(samples, 50.0),
            min: samples.iter().copied().fold(f64::INFINITY, f64::min),
            max: samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// Of run times, in seconds.
    pub fn of_times(times: &[Duration]) -> Spread {
        Spread::of(&times.iter().map(Duration::as_secs_f64).collect::<Vec<_>>())
    }
}

/// The peak resident memory of this process since the last [`reset_peak`], in kB (Linux).
pub fn peak_kb() -> Option<u64> {
    status_kb(&std::fs::read_to_string("/proc/self/status").ok()?, "VmHWM:")
}

/// A `kB` line of a `/proc/<pid>/status` file.
pub fn status_kb(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse().ok())
}

/// Starts a new peak-memory window: on Linux, writing 5 to `/proc/self/clear_refs` sets the
/// peak (VmHWM) back to the current resident size. Returns whether it could.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// This process's CPU time so far (user and system, all threads).
pub fn cpu_self() -> Duration {
    // SAFETY: an all-zero rusage is a valid value for getrusage to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer to a rusage.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    cpu_of(&usage)
}

fn cpu_of(u: &libc::rusage) -> Duration {
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// How a child process ran.
pub struct ChildRun {
    pub ok: bool,
    pub wall: Duration,
    /// Its CPU time, user and system.
    pub cpu: Duration,
    pub peak_kb: u64,
}

/// Runs a child process to its end: exit status, wall and CPU time, peak resident memory.
///
/// The peak is the child's `VmHWM`, read from `/proc` every few milliseconds while it runs:
/// `wait4`'s `ru_maxrss` cannot be used, because Linux carries the high-water mark of the
/// memory a child had before `exec` (this process's, shared through `vfork`) into it. Its CPU
/// times are right, and come from `wait4`.
pub fn run_child(cmd: &mut std::process::Command, stdin: Option<&[u8]>) -> Result<ChildRun> {
    use std::io::Write;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let start = Instant::now();
    let mut child = cmd
        .stdin(if stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        })
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let pid = child.id() as libc::pid_t;
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            let path = format!("/proc/{pid}/status");
            while !done.load(Ordering::Relaxed) {
                if let Some(kb) = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|s| status_kb(&s, "VmHWM:"))
                {
                    peak.fetch_max(kb, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().context("the child's stdin")?;
        pipe.write_all(input)?;
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid std has not reaped (we never call wait on it).
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    anyhow::ensure!(r == pid, "waiting for {cmd:?}: {}", std::io::Error::last_os_error());
    Ok(ChildRun {
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        wall,
        cpu: cpu_of(&usage),
        peak_kb: peak.load(Ordering::Relaxed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&s, 50.0), 50.0);
        assert_eq!(percentile(&s, 95.0), 95.0);
        assert_eq!(percentile(&s, 99.0), 99.0);
        assert_eq!(percentile(&s, 100.0), 100.0);
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 50.0), 2.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn a_spread_is_the_median_and_the_extremes() {
        let s = Spread::of(&[5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!((s.median, s.min, s.max), (3.0, 1.0, 5.0));
    }

    #[test]
    fn status_lines_are_read_in_kilobytes() {
        let status = "Name:\tx\nVmHWM:\t  12345 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(status_kb(status, "VmHWM:"), Some(12345));
        assert_eq!(status_kb(status, "VmRSS:"), Some(100));
        assert_eq!(status_kb(status, "VmPeak:"), None);
    }

    #[test]
    fn a_child_reports_its_exit_and_memory() {
        let run = run_child(std::process::Command::new("sleep").arg("0.2"), None).unwrap();
        assert!(run.ok && run.peak_kb > 0 && run.wall >= Duration::from_millis(200));
        assert!(!run_child(&mut std::process::Command::new("false"), None).unwrap().ok);
    }
}
