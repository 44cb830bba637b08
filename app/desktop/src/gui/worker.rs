//! Where engine work runs. The desktop app hands every engine call to the worker so the UI
//! thread never waits on the disk; results come back to the UI thread through Slint's event
//! loop. Tests use the inline worker, which runs each job at once on the calling thread, so UI
//! tests need no event loop and no timing.

use cardbase_engine::Vault;
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::mpsc;

/// What the worker owns: the vault once it is open.
pub struct Session {
    pub path: PathBuf,
    pub vault: Option<Vault>,
}

type Job = Box<dyn FnOnce(&mut Session) + Send>;

enum Mode {
    Threaded {
        jobs: Option<mpsc::Sender<Job>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
    Inline(RefCell<Session>),
}

/// Runs engine jobs in order, off the UI thread (threaded) or at once (inline, for tests).
pub struct Worker {
    mode: Mode,
}

impl Worker {
    /// A worker thread owning the session.
    pub fn threaded(session: Session) -> Worker {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("cardbase-engine".into())
            .spawn(move || {
                let mut session = session;
                for job in rx {
                    job(&mut session);
                }
            })
            .expect("the engine thread starts");
        Worker {
            mode: Mode::Threaded {
                jobs: Some(tx),
                thread: Some(thread),
            },
        }
    }

    /// A worker that runs each job immediately on the calling thread.
    pub fn inline(session: Session) -> Worker {
        Worker {
            mode: Mode::Inline(RefCell::new(session)),
        }
    }

    /// Runs `work` with the session, then `done` with its result on the UI thread.
    pub fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Session) -> R + Send + 'static,
        done: impl FnOnce(R) + Send + 'static,
    ) {
        match &self.mode {
            Mode::Inline(session) => {
                let r = work(&mut session.borrow_mut());
                done(r);
            }
            Mode::Threaded { jobs, .. } => {
                let job: Job = Box::new(move |s| {
                    let r = work(s);
                    // Fails only when the event loop is gone (the app is closing): nothing to show.
                    let _ = slint::invoke_from_event_loop(move || done(r));
                });
                if let Some(jobs) = jobs {
                    let _ = jobs.send(job);
                }
            }
        }
    }

    /// Whether jobs complete before `run` returns.
    pub fn is_inline(&self) -> bool {
        matches!(self.mode, Mode::Inline(_))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Let queued jobs (such as saving the window size) finish before the vault closes.
        if let Mode::Threaded { jobs, thread } = &mut self.mode {
            jobs.take();
            if let Some(t) = thread.take() {
                let _ = t.join();
            }
        }
    }
}
