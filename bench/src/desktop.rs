//! The desktop app's resident memory with the bench vault open: the real `cardbase` binary,
//! started in a virtual display (Xvfb, software renderer) straight into the vault, measured
//! once it reports its first page.

use crate::figures::status_kb;
use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the app may take from start to its first page before the step gives up.
const FIRST_PAGE_TIMEOUT: Duration = Duration::from_secs(300);
/// How long the app runs after its first page before it is measured: the footer's aggregates,
/// the reminders check and the page cache settle in this time.
const SETTLE: Duration = Duration::from_secs(5);

/// What the desktop step measured.
pub struct DesktopFigure {
    /// From the passphrase to the first page of rows on screen, as the app logs it.
    pub first_page_ms: f64,
    /// Peak and current resident memory of the app, in kB.
    pub peak_kb: u64,
    pub rss_kb: u64,
}

/// Kills a child we started when dropped (also on errors), and reaps it.
struct Owned(Child);

impl Drop for Owned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Why the step cannot run here, if it cannot: the binary or Xvfb is missing.
pub fn unavailable() -> Option<String> {
    let exe = desktop_binary();
    if !exe.exists() {
        return Some(format!(
            "{} not found: build it first with `cargo build --release -p cardbase-desktop`",
            exe.display()
        ));
    }
    if !on_path("Xvfb") {
        return Some("Xvfb not found (Debian package xvfb)".into());
    }
    None
}

/// `cardbase` beside this benchmark's binary (the same target directory and profile).
fn desktop_binary() -> PathBuf {
    std::env::current_exe()
        .map(|p| p.with_file_name("cardbase"))
        .unwrap_or_else(|_| PathBuf::from("cardbase"))
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

/// A display number no X server uses.
fn free_display() -> Option<u32> {
    (90..200).find(|n| {
        !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
    })
}

/// Starts the app on `vault` in a fresh virtual display, waits for its first page, lets it
/// settle, and reads its memory. Its plugin and settings folders go to `work`.
pub fn measure(vault: &Path, work: &Path, passphrase: &str) -> Result<DesktopFigure> {
    let display = free_display().context("no free X display number")?;
    let xvfb = Owned(
        Command::new("Xvfb")
            .args([
                &format!(":{display}"),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb")?,
    );
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{display}"));
    let start = Instant::now();
    while !socket.exists() {
        if start.elapsed() > Duration::from_secs(10) {
            bail!("Xvfb did not start on display :{display}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let home = work.join("desktop-home");
    std::fs::create_dir_all(&home)?;
    let mut app = Owned(
        Command::new(desktop_binary())
            .env("DISPLAY", format!(":{display}"))
            .env("SLINT_BACKEND", "winit-software")
            .env("CARDBASE_VAULT", vault)
            .env("CARDBASE_PASSPHRASE", passphrase)
            .env("CARDBASE_LOG_TIMING", "1")
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting the desktop app")?,
    );
    let stderr = app.0.stderr.take().context("the app's stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(std::result::Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let first_page_ms = loop {
        let left = FIRST_PAGE_TIMEOUT.saturating_sub(start.elapsed());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(ms) = line
                    .strip_prefix("cardbase: first page shown ")
                    .and_then(|r| r.split_whitespace().next())
                    .and_then(|ms| ms.parse::<f64>().ok())
                {
                    break ms;
                }
            }
            Err(_) => match app.0.try_wait()? {
                Some(status) => bail!("the desktop app exited ({status}) before its first page"),
                None => bail!("no first page after {} s", FIRST_PAGE_TIMEOUT.as_secs()),
            },
        }
    };
    std::thread::sleep(SETTLE);
    let status = std::fs::read_to_string(format!("/proc/{}/status", app.0.id()))
        .context("reading the app's memory (has it exited?)")?;
    let figure = DesktopFigure {
        first_page_ms,
        peak_kb: status_kb(&status, "VmHWM:").context("no VmHWM")?,
        rss_kb: status_kb(&status, "VmRSS:").context("no VmRSS")?,
    };
    drop(app);
    drop(xvfb);
    Ok(figure)
}
