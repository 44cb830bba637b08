//! A due reminder reaches a real notification service: the test starts its own session bus
//! (`dbus-daemon --session`) with a small freedesktop notification server on it, and the
//! app's notifier sends the reminder there. Without a bus, the notifier says why instead of
//! hanging or panicking.

use cardbase_desktop::gui::reminders::notification_text;
use cardbase_desktop::gui::{DesktopNotifier, Notifier};
use chrono::{Local, NaiveDate, TimeZone, Utc};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use zbus::zvariant::OwnedValue;

/// Generous: a timeout here means the message never came, not that it was slow.
const WAIT: Duration = Duration::from_secs(30);

/// What the server was asked to show.
#[derive(Debug, PartialEq)]
struct Shown {
    app_name: String,
    summary: String,
    body: String,
}

/// The part of `org.freedesktop.Notifications` that notify-rust calls; every `Notify` goes
/// to the test through the channel.
struct NotificationServer {
    shown: mpsc::Sender<Shown>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl NotificationServer {
    #[allow(clippy::too_many_arguments)] // the D-Bus method's signature
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        // The test may have given up already; then there is nobody to tell.
        let _ = self.shown.send(Shown {
            app_name,
            summary,
            body,
        });
        1
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".to_string()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("cardbase-test".into(), "cardbase".into(), "0".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

/// A private session bus; the daemon is killed when this is dropped, also when the test fails.
struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    /// `dbus-daemon --session` from `PATH`, listening in `dir`; or `None` after printing that
    /// `test` is skipped.
    fn start_or_skip(test: &str, dir: &Path) -> Option<SessionBus> {
        let program = std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join("dbus-daemon"))
                .find(|p| p.is_file())
        });
        let Some(program) = program else {
            eprintln!("{test}: skipped, dbus-daemon (Debian's dbus) is not on PATH; .ci/setup installs it");
            return None;
        };
        let mut daemon = Command::new(program)
            .arg("--session")
            .arg("--nofork")
            .arg("--print-address")
            .arg(format!("--address=unix:path={}", dir.join("bus").display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon starts");
        let stdout = daemon.stdout.take().expect("stdout is piped");
        let mut bus = SessionBus {
            daemon,
            address: String::new(),
        };
        // The daemon prints its address once it listens; end of output means it stopped.
        BufReader::new(stdout)
            .read_line(&mut bus.address)
            .expect("the bus address is read");
        bus.address = bus.address.trim().to_string();
        assert!(
            !bus.address.is_empty(),
            "dbus-daemon printed no address (see its error above)"
        );
        Some(bus)
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// Points this process's session-bus address (read by zbus when it connects) at `address`.
fn use_session_bus(address: &str) {
    // SAFETY: this binary has one test, and no other thread reads the environment meanwhile:
    // zbus reads the address only while it connects, and no connection is being made now.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address) };
}

/// Calls the app's notifier on a thread of its own, so a hang fails the test instead of
/// stopping it.
fn notify(summary: &str, body: &str) -> Result<(), String> {
    let (done, result) = mpsc::channel();
    let (summary, body) = (summary.to_string(), body.to_string());
    std::thread::spawn(move || {
        let _ = done.send(DesktopNotifier.notify(&summary, &body));
    });
    result
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("notify did not return within {WAIT:?}"))
}

#[test]
fn a_due_birthday_reaches_the_notification_service_and_no_bus_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let Some(bus) = SessionBus::start_or_skip("notify_dbus", dir.path()) else {
        return;
    };

    // A birthday today, checked at noon: due, as the app's check finds it.
    let today = NaiveDate::from_ymd_opt(2026, 6, 15).expect("a valid date");
    let now = Local
        .from_local_datetime(&today.and_hms_opt(12, 0, 0).expect("a valid time"))
        .earliest()
        .expect("noon exists in every time zone")
        .with_timezone(&Utc);
    let mut vault = cardbase_engine::Vault::create(
        &dir.path().join("v.cardbase"),
        &cardbase_engine::Passphrase::new("p"),
        cardbase_engine::Preset::Personal,
    )
    .unwrap();
    vault
        .create_record_from_text("contacts", &[("first_name", "Ada"), ("birthday", "--06-15")])
        .unwrap();
    let due = vault.reminders(now, 0, None).unwrap();
    assert_eq!(due.len(), 1, "Ada's birthday is due: {due:?}");
    let (summary, body) = notification_text(&due[0]);
    assert_eq!((summary.as_str(), body.as_str()), ("Birthday: Ada", "2026-06-15 09:00"));

    // The notification server on the bus. The name is ours once `build` returns, and
    // zbus serves it from its own thread while the connection lives.
    use_session_bus(&bus.address);
    let (shown, seen) = mpsc::channel();
    let _server = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .and_then(|b| b.name("org.freedesktop.Notifications"))
        .and_then(|b| b.serve_at("/org/freedesktop/Notifications", NotificationServer { shown }))
        .and_then(|b| b.build())
        .expect("the notification server is on the bus");

    notify(&summary, &body).expect("the notification is sent");
    let got = seen
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("the server got no notification within {WAIT:?}"));
    assert_eq!(
        got,
        Shown {
            app_name: "Cardbase".into(),
            summary: "Birthday: Ada".into(),
            body: "2026-06-15 09:00".into(),
        }
    );

    // No bus: nothing listens at the address. The app then says once why notifications are off.
    use_session_bus(&format!("unix:path={}", dir.path().join("nobody").display()));
    let e = notify(&summary, &body).expect_err("with no bus, notify fails");
    assert!(!e.is_empty(), "the error says why");
    println!("with no bus, notify says: {e}");
}
