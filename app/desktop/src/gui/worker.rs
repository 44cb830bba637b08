//! Where engine work runs. The desktop app hands every engine call to the worker so the UI
//! thread never waits on the disk; results come back to the UI thread through Slint's event
//! loop. Tests use the inline worker, which runs each job at once on the calling thread, so UI
//! tests need no event loop and no timing.

use cardbase_engine::Vault;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

/// What the worker owns: the vault once it is open, and the user's plugins (their host
/// starts the first time something needs it).
pub struct Session {
    pub path: PathBuf,
    pub vault: Option<Vault>,
    pub plugins: cardbase_workflows::Plugins,
}

impl Session {
    /// A session for the vault at `path`, nothing open yet.
    pub fn new(path: PathBuf) -> Session {
        Session {
            path,
            vault: None,
            // Without a home folder there are no plugins; the built-in formats still work.
            plugins: cardbase_workflows::Plugins::user().unwrap_or_else(|_| cardbase_workflows::Plugins::none()),
        }
    }
}

type Job = Box<dyn FnOnce(&mut Session) + Send>;

thread_local! {
    /// What the window does when a job panicked (on the UI thread).
    static ON_PANIC: std::cell::RefCell<Option<Box<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

/// Tells the window when an engine job panicked: that job's result never comes, and the user
/// should hear that the step did nothing. Set on the UI thread.
pub fn on_job_panic(f: impl Fn() + 'static) {
    ON_PANIC.with(|p| *p.borrow_mut() = Some(Box::new(f)));
}

fn job_panicked() {
    ON_PANIC.with(|p| {
        if let Some(f) = p.borrow().as_ref() {
            f();
        }
    });
}

/// Jobs waiting for the engine thread; urgent ones (rows on screen, the card) go first.
#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

type Shared = Arc<(Mutex<Queue>, Condvar)>;

enum Mode {
    Threaded {
        queue: Shared,
        thread: Option<std::thread::JoinHandle<()>>,
    },
    // Boxed: a session (vault and plugin host) is far bigger than the threaded variant.
    Inline(Box<RefCell<Session>>),
}

/// Runs engine jobs in order, off the UI thread (threaded) or at once (inline, for tests).
pub struct Worker {
    mode: Mode,
}

impl Worker {
    /// A worker thread owning the session.
    pub fn threaded(session: Session) -> Worker {
        let queue: Shared = Arc::default();
        let shared = queue.clone();
        let thread = std::thread::Builder::new()
            .name("cardbase-engine".into())
            .spawn(move || {
                let mut session = session;
                // CARDBASE_LOG_TIMING prints how long each engine job took (for profiling).
                let log = std::env::var_os("CARDBASE_LOG_TIMING").is_some();
                let (lock, ready) = &*shared;
                loop {
                    let job = {
                        let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            if let Some(job) = q.jobs.pop_front() {
                                break Some(job);
                            }
                            if q.closed {
                                break None;
                            }
                            q = ready.wait(q).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    let Some(job) = job else { break };
                    let start = std::time::Instant::now();
                    // A panic in one job must not take the engine thread (and every later job)
                    // with it: the job's result never comes, so tell the window.
                    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut session)));
                    if ran.is_err() {
                        let _ = slint::invoke_from_event_loop(job_panicked);
                    }
                    if log {
                        eprintln!("cardbase: engine job took {} ms", start.elapsed().as_millis());
                    }
                }
            })
            .expect("the engine thread starts");
        Worker {
            mode: Mode::Threaded {
                queue,
                thread: Some(thread),
            },
        }
    }

    /// Another worker of the same kind (a thread, or inline in tests) with its own session:
    /// the reader that keeps the table and the card live during a long import.
    pub fn sibling(&self, session: Session) -> Worker {
        match self.mode {
            Mode::Threaded { .. } => Worker::threaded(session),
            Mode::Inline(_) => Worker::inline(session),
        }
    }

    /// A worker that runs each job immediately on the calling thread.
    pub fn inline(session: Session) -> Worker {
        Worker {
            mode: Mode::Inline(Box::new(RefCell::new(session))),
        }
    }

    /// Runs `work` with the session after the jobs already queued, then `done` with its result
    /// on the UI thread.
    pub fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Session) -> R + Send + 'static,
        done: impl FnOnce(R) + Send + 'static,
    ) {
        self.submit(false, work, done);
    }

    /// Like [`Worker::run`], but ahead of queued background work: for what the user is
    /// looking at right now (rows on screen, the card).
    pub fn run_urgent<R: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Session) -> R + Send + 'static,
        done: impl FnOnce(R) + Send + 'static,
    ) {
        self.submit(true, work, done);
    }

    fn submit<R: Send + 'static>(
        &self,
        urgent: bool,
        work: impl FnOnce(&mut Session) -> R + Send + 'static,
        done: impl FnOnce(R) + Send + 'static,
    ) {
        match &self.mode {
            Mode::Inline(session) => {
                let r = work(&mut session.borrow_mut());
                done(r);
            }
            Mode::Threaded { queue, .. } => {
                let job: Job = Box::new(move |s| {
                    let r = work(s);
                    // Fails only when the event loop is gone (the app is closing): nothing to show.
                    let _ = slint::invoke_from_event_loop(move || done(r));
                });
                let (lock, ready) = &**queue;
                let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
                if urgent {
                    q.jobs.push_front(job);
                } else {
                    q.jobs.push_back(job);
                }
                ready.notify_one();
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Let queued jobs (such as saving the window size) finish before the vault closes.
        if let Mode::Threaded { queue, thread } = &mut self.mode {
            {
                let (lock, ready) = &**queue;
                lock.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
                ready.notify_one();
            }
            if let Some(t) = thread.take() {
                let _ = t.join();
            }
        }
    }
}
