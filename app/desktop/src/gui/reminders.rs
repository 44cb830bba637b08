//! Reminders on the desktop: a timer asks the engine what is due, new ones become desktop
//! notifications, and all of them wait in the in-app panel for Open, Snooze or Dismiss. If no
//! notification service answers, the panel still works and the app says once why. Enabled
//! plugin reminder rules add theirs; a rule that fails is reported once and the built-in
//! reminders come all the same.

use super::shell::{self, Shell};
use super::table::TableController;
use super::ui::{
    Bulk, ExportDialog, Form, ImportWizard, MainWindow, PluginManager, Reminders, SchemaEditor, Shell as ShellGlobal,
};
use super::ui::{ReminderGroup, ReminderItem};
use super::worker::Session;
use cardbase_engine::reminders::{Reminder, ReminderKind};
use chrono::{DateTime, Duration, Local, NaiveDate, TimeZone, Utc};
use slint::ComponentHandle;
use slint::{Model, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

/// A plugin rule that failed: what it is known by (its plugin id), and the message.
type RuleProblem = (String, String);

/// A group the panel shows: its key, the section all its records are in (if one), and its
/// reminders as (reminder id, record id).
type ShownGroup = (String, Option<String>, Vec<(String, i64)>);

/// What a check found: the due reminders and the plugin rules that failed.
type Checked = (Vec<Reminder>, Vec<RuleProblem>);

/// How often the app looks for reminders that came due.
pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Shows desktop notifications; a trait so tests (and machines without a session bus) need
/// no notification service.
pub trait Notifier {
    fn notify(&self, summary: &str, body: &str) -> Result<(), String>;
}

/// Freedesktop notifications over D-Bus (notify-rust).
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    fn notify(&self, summary: &str, body: &str) -> Result<(), String> {
        notify_rust::Notification::new()
            .appname("Cardbase")
            .summary(summary)
            .body(body)
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Why desktop notifications do not work, and where to fix it, in plain words.
pub fn notifications_off(error: &str) -> String {
    let cause = if error.contains("bus") || error.contains("DBus") || error.contains("D-Bus") {
        "no notification service is running in this desktop session"
    } else {
        "the desktop's notification service did not answer"
    };
    format!(
        "Reminders show here, in the Reminders panel: {cause}. To get them as desktop notifications too, turn notifications on in your desktop's settings."
    )
}

/// How many reminders of a group the panel lists; the rest are counted ("… and 40 more").
pub const SHOWN_PER_GROUP: usize = 5;

/// More reminders than this coming due at once get one notification between them.
pub const NOTIFY_ONE_BY_ONE: usize = 3;

/// When a reminder's thing is, as the panel groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum When {
    /// Its time has passed (a missed birthday, an overdue task).
    Overdue,
    Today,
    /// Later: reminded ahead (a birthday in three days).
    Coming,
}

/// Reminders of one kind and time, as indices into the due list (in its order).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub when: When,
    pub kind: ReminderKind,
    pub members: Vec<usize>,
    /// The section of all its records, when they share one (so they open as a list).
    pub section: Option<String>,
}

impl Group {
    /// Stable while the same kinds are due, so the panel's buttons can name a group.
    pub fn key(&self) -> String {
        format!("{:?}:{:?}", self.when, self.kind)
    }

    /// "Overdue: tasks", "Today: birthdays".
    pub fn title(&self) -> String {
        let when = match self.when {
            When::Overdue => "Overdue",
            When::Today => "Today",
            When::Coming => "Coming up",
        };
        let kind = match self.kind {
            ReminderKind::Birthday => "birthdays",
            ReminderKind::Date => "dates",
            ReminderKind::Event => "calls, meetings and other events",
            ReminderKind::Task => "tasks",
            ReminderKind::Plugin => "from plugins",
        };
        format!("{when}: {kind}")
    }
}

fn kind_order(kind: &ReminderKind) -> u8 {
    match kind {
        ReminderKind::Task => 0,
        ReminderKind::Event => 1,
        ReminderKind::Birthday => 2,
        ReminderKind::Date => 3,
        ReminderKind::Plugin => 4,
    }
}

/// Groups due reminders by when their thing is (overdue, today, coming) and by kind, so a
/// first start with hundreds of birthdays reads as a few lines rather than a wall.
pub fn groups<Tz: TimeZone>(due: &[Reminder], now: DateTime<Utc>, tz: &Tz) -> Vec<Group> {
    let today: NaiveDate = now.with_timezone(tz).date_naive();
    let mut out: Vec<Group> = Vec::new();
    for (i, r) in due.iter().enumerate() {
        let day = r.at.with_timezone(tz).date_naive();
        let when = if day == today {
            When::Today
        } else if r.at < now {
            When::Overdue
        } else {
            When::Coming
        };
        match out.iter_mut().find(|g| g.when == when && g.kind == r.kind) {
            Some(g) => {
                if g.section.as_deref() != Some(r.section.as_str()) {
                    g.section = None;
                }
                g.members.push(i);
            }
            None => out.push(Group {
                when,
                kind: r.kind.clone(),
                members: vec![i],
                section: Some(r.section.clone()),
            }),
        }
    }
    out.sort_by_key(|g| (g.when, kind_order(&g.kind)));
    out
}

/// What the desktop notification of a due reminder says: its title as the summary, and when
/// the thing is (local time) as the body.
pub fn notification_text(r: &Reminder) -> (String, String) {
    let when = r.at.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string();
    (r.title.clone(), when)
}

/// The reminders: the minute check, desktop notifications, the panel.
pub(super) struct RemindersController {
    shell: Rc<Shell>,
    table: Rc<TableController>,
    notifier: Box<dyn Notifier>,
    /// Reminders already notified in this session (a snooze takes one out again).
    notified: RefCell<HashSet<String>>,
    /// Set once notifications failed, so the app says why only once.
    notifications_off: Cell<bool>,
    /// Plugin reminder rules whose failure was already reported in this session.
    rule_problems: RefCell<HashSet<String>>,
    /// The groups the panel shows: their keys, sections and reminder ids.
    shown_groups: RefCell<Vec<ShownGroup>>,
    /// Keeps the check running while the app is open.
    timer: slint::Timer,
}

impl RemindersController {
    pub(super) fn install(
        table: &Rc<TableController>,
        ui: &MainWindow,
        notifier: Box<dyn Notifier>,
    ) -> Rc<RemindersController> {
        let c = Rc::new(RemindersController {
            shell: table.shell.clone(),
            table: table.clone(),
            notifier,
            notified: RefCell::new(HashSet::new()),
            notifications_off: Cell::new(false),
            rule_problems: RefCell::new(HashSet::new()),
            shown_groups: RefCell::new(Vec::new()),
            timer: slint::Timer::default(),
        });
        shell::register(c.clone());
        macro_rules! on {
            ($setter:ident, |$c:ident $(, $arg:ident)*| $body:expr) => {{
                ui.global::<Reminders>().$setter(move |$($arg),*| shell::with(|$c: &Rc<RemindersController>| { $body; }));
            }};
        }
        on!(on_check, |c| c.check_reminders());
        on!(on_open, |c, i| c.reminder_open(i as usize));
        on!(on_snooze, |c, i, m| c.reminder_snooze(i as usize, m));
        on!(on_snooze_until, |c, i, t| c.reminder_snooze_until(i as usize, &t));
        on!(on_dismiss, |c, i| c.reminder_dismiss(i as usize));
        on!(on_dismiss_group, |c, key| c.group_dismiss(&key));
        on!(on_open_group, |c, key| c.group_open(&key));
        c
    }

    /// Due reminders now (missed ones included), then every minute.
    pub(super) fn start(self: &Rc<Self>) {
        self.check_reminders();
        self.timer.start(slint::TimerMode::Repeated, CHECK_EVERY, || {
            shell::with(|c: &Rc<RemindersController>| c.check_reminders());
        });
    }

    /// Asks the engine what is due now (with the enabled plugin rules); notifies about the
    /// ones not shown before.
    pub(super) fn check_reminders(self: &Rc<Self>) {
        let now = Utc::now();
        self.shell.worker.run(
            move |s: &mut Session| -> Result<Option<Checked>, String> {
                let Some(v) = s.vault.as_ref() else { return Ok(None) };
                let (due, problems) = cardbase_workflows::reminders::due(v, &mut s.plugins, now, 0, None, &Local)
                    .map_err(|e| e.to_string())?;
                for e in s.plugins.take_problems() {
                    eprintln!("cardbase: a bundled plugin could not be installed: {e}");
                }
                let problems = problems.into_iter().map(|p| (p.plugin, p.message)).collect();
                Ok(Some((due, problems)))
            },
            |r| {
                shell::with(|c: &Rc<RemindersController>| match r {
                    Ok(Some((due, problems))) => {
                        c.show_rule_problems(problems);
                        c.show_reminders(due);
                    }
                    Ok(None) => {}
                    Err(e) => c.shell.say(e, true),
                })
            },
        );
    }

    /// Says what went wrong with a plugin rule, once per rule and session: the check runs
    /// every minute, and a broken rule would otherwise cover the window with the same error.
    fn show_rule_problems(&self, problems: Vec<RuleProblem>) {
        let fresh: Vec<String> = problems
            .into_iter()
            .filter(|(key, _)| self.rule_problems.borrow_mut().insert(key.clone()))
            .map(|(_, message)| message)
            .collect();
        for m in &fresh {
            eprintln!("cardbase: reminder rule failed: {m}");
        }
        if let Some(first) = fresh.first() {
            self.shell.say(
                format!("A plugin reminder rule failed ({first}); the other reminders still show."),
                true,
            );
        }
    }

    fn show_reminders(&self, due: Vec<Reminder>) {
        let items: Vec<ReminderItem> = due
            .iter()
            .enumerate()
            .map(|(index, r)| ReminderItem {
                id: r.id.as_str().into(),
                when: r.at.with_timezone(&Local).format("%a %d %b %H:%M").to_string().into(),
                title: super::text::bidi_display(&r.title).into(),
                record: r.record.0 as i32,
                index: index as i32,
            })
            .collect();
        let grouped = groups(&due, Utc::now(), &Local);
        let group_items: Vec<ReminderGroup> = grouped
            .iter()
            .map(|g| ReminderGroup {
                key: g.key().into(),
                title: g.title().into(),
                count: g.members.len() as i32,
                shown: ModelRc::new(VecModel::from(
                    g.members
                        .iter()
                        .take(SHOWN_PER_GROUP)
                        .map(|&i| items[i].clone())
                        .collect::<Vec<_>>(),
                )),
                more: g.members.len().saturating_sub(SHOWN_PER_GROUP) as i32,
                listable: g.section.is_some(),
            })
            .collect();
        *self.shown_groups.borrow_mut() = grouped
            .iter()
            .map(|g| {
                let members = g
                    .members
                    .iter()
                    .map(|&i| (due[i].id.clone(), due[i].record.0))
                    .collect();
                (g.key(), g.section.clone(), members)
            })
            .collect();
        let fresh: Vec<&Reminder> = due
            .iter()
            .filter(|r| self.notified.borrow_mut().insert(r.id.clone()))
            .collect();
        // Many at once (a first start, a day away) make one notification, not a flood.
        let notes: Vec<(String, String)> = if fresh.len() > NOTIFY_ONE_BY_ONE {
            let titles: Vec<&str> = fresh.iter().take(NOTIFY_ONE_BY_ONE).map(|r| r.title.as_str()).collect();
            vec![(
                format!("{} reminders are due", fresh.len()),
                format!("{}, …", titles.join(", ")),
            )]
        } else {
            fresh.iter().map(|r| notification_text(r)).collect()
        };
        for (summary, body) in notes {
            if let Err(e) = self.notifier.notify(&summary, &body)
                && !self.notifications_off.replace(true)
            {
                // Said once, in plain words; the system's own message goes to the log.
                eprintln!("cardbase: desktop notifications failed: {e}");
                self.shell.say(notifications_off(&e), false);
            }
        }
        let fresh = !fresh.is_empty();
        self.shell.app(|a| {
            a.global::<Reminders>().set_list(ModelRc::new(VecModel::from(items)));
            a.global::<Reminders>()
                .set_groups(ModelRc::new(VecModel::from(group_items)));
            // Something newly due pops the panel up, unless the user is busy in a dialog.
            let busy = a.global::<Form>().get_shown()
                || a.global::<ImportWizard>().get_shown()
                || a.global::<ExportDialog>().get_shown()
                || a.global::<SchemaEditor>().get_shown()
                || a.global::<PluginManager>().get_shown()
                || a.global::<Bulk>().get_shown();
            if fresh && !busy && a.global::<ShellGlobal>().get_screen() == "main" {
                a.global::<Reminders>().set_shown(true);
            }
        });
    }

    fn group(&self, key: &str) -> Option<ShownGroup> {
        self.shown_groups.borrow().iter().find(|(k, ..)| k == key).cloned()
    }

    /// "Dismiss all": every reminder of the group, in one write.
    pub(super) fn group_dismiss(self: &Rc<Self>, key: &str) {
        let Some((_, _, members)) = self.group(key) else { return };
        let ids: Vec<String> = members.into_iter().map(|(id, _)| id).collect();
        self.reminder_change(move |v| v.dismiss_reminders(&ids.iter().map(String::as_str).collect::<Vec<_>>()));
    }

    /// "Open all as a list": the group's records in the table, as a filter the user sees
    /// (and clears with ×).
    pub(super) fn group_open(self: &Rc<Self>, key: &str) {
        let Some((_, Some(section), members)) = self.group(key) else {
            return;
        };
        let mut records: Vec<i64> = members.into_iter().map(|(_, record)| record).collect();
        records.sort_unstable();
        records.dedup();
        self.shell.app(|a| a.global::<Reminders>().set_shown(false));
        self.shell.focus_main();
        self.table.show_records(&section, &records);
    }

    fn reminder_at(&self, index: usize) -> Option<ReminderItem> {
        self.shell
            .app(|a| a.global::<Reminders>().get_list().row_data(index))
            .flatten()
    }

    pub(super) fn reminder_open(self: &Rc<Self>, index: usize) {
        let Some(r) = self.reminder_at(index) else { return };
        self.shell.app(|a| a.global::<Reminders>().set_shown(false));
        self.shell.focus_main();
        self.table.open_record(r.record as i64);
    }

    /// Snoozes for `minutes`, or until 09:00 tomorrow when `minutes` is negative.
    pub(super) fn reminder_snooze(self: &Rc<Self>, index: usize, minutes: i32) {
        let Some(r) = self.reminder_at(index) else { return };
        let until = if minutes < 0 {
            let tomorrow = Local::now().date_naive() + Duration::days(1);
            tomorrow
                .and_hms_opt(9, 0, 0)
                .and_then(|t| t.and_local_timezone(Local).earliest())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc::now() + Duration::days(1))
        } else {
            Utc::now() + Duration::minutes(minutes as i64)
        };
        let id = r.id.to_string();
        self.notified.borrow_mut().remove(&id);
        self.reminder_change(move |v| v.snooze_reminder(&id, until));
    }

    /// "Until…": snoozes to a typed date and time, or for a typed length of time ("3h").
    pub(super) fn reminder_snooze_until(self: &Rc<Self>, index: usize, text: &str) {
        let Some(r) = self.reminder_at(index) else { return };
        let until = match cardbase_engine::agenda::parse_moment(text, Utc::now()) {
            Ok(t) if t > Utc::now() => t,
            Ok(_) => {
                self.shell.app(|a| {
                    a.global::<Reminders>()
                        .set_error("That time has passed; give a later one.".into())
                });
                return;
            }
            Err(e) => {
                self.shell.app(|a| a.global::<Reminders>().set_error(e.into()));
                return;
            }
        };
        self.shell.app(|a| {
            a.global::<Reminders>().set_error("".into());
            a.global::<Reminders>().set_custom(-1);
        });
        let id = r.id.to_string();
        self.notified.borrow_mut().remove(&id);
        self.reminder_change(move |v| v.snooze_reminder(&id, until));
    }

    pub(super) fn reminder_dismiss(self: &Rc<Self>, index: usize) {
        let Some(r) = self.reminder_at(index) else { return };
        let id = r.id.to_string();
        self.reminder_change(move |v| v.dismiss_reminder(&id));
    }

    fn reminder_change(
        self: &Rc<Self>,
        change: impl FnOnce(&mut cardbase_engine::Vault) -> cardbase_engine::Result<()> + Send + 'static,
    ) {
        self.shell.worker.run(
            move |s: &mut Session| -> Result<(), String> {
                change(s.vault.as_mut().ok_or("the vault is not open")?).map_err(|e| e.to_string())
            },
            |r| {
                shell::with(|c: &Rc<RemindersController>| match r {
                    Ok(()) => c.check_reminders(),
                    Err(e) => c.shell.say(e, true),
                })
            },
        );
    }
}
