//! The record card: every visible field laid out by type, clickable e-mails, phones and web
//! addresses, related records both ways, the photo, and its history; and its Events block: a
//! record's calls and meetings newest first, planning the next one, and recording how a
//! planned one went (with its follow-up in the same step).

use super::events::{EventsData, REMIND_MINUTES, moment};
use super::links::LinkOpener;
use super::shell::{self, Shell};
use super::table::{TableController, cell_text};
use super::text;
use super::ui::{Card, CardLine, Date, EventLine, MainWindow, PersonRow, Time};
use super::worker::Session;
use cardbase_engine::agenda;
use cardbase_engine::events::EventPlan;
use cardbase_engine::{FieldType, RecordId, Value, Vault};
use slint::{ComponentHandle, Image, Model, ModelRc, Rgba8Pixel, SharedPixelBuffer, VecModel};
use std::rc::Rc;

/// A card as the worker prepares it (plain data, sent to the UI thread).
#[derive(Default)]
pub(super) struct CardData {
    title: String,
    subtitle: String,
    lines: Vec<Line>,
    related: Vec<Line>,
    /// An organization's people: name, role, first phone, first e-mail, their record.
    people: Vec<Person>,
    history: Vec<String>,
    photo: Option<SharedPixelBuffer<Rgba8Pixel>>,
    events: Option<super::events::EventsData>,
}

/// One line of the card: a label, the value as shown, what clicking it opens, and what kind
/// of thing it is (its actions follow: call, write, visit, open, copy).
#[derive(Default)]
pub(super) struct Line {
    label: String,
    value: String,
    link: String,
    kind: &'static str,
}

impl Line {
    fn new(label: String, value: String, link: String, kind: &'static str) -> Line {
        Line {
            label,
            value,
            link,
            kind,
        }
    }
}

/// Someone who works at the organization on the card.
pub(super) struct Person {
    id: i64,
    name: String,
    role: String,
    phone: String,
    email: String,
}

/// What to tell the user when the system has no program for a link, in plain words.
fn no_handler(link: &str) -> String {
    let what = if link.starts_with("tel:") {
        "No program on this computer makes phone calls"
    } else if link.starts_with("mailto:") {
        "No e-mail program is set up on this computer"
    } else {
        "No web browser opened this address"
    };
    format!("{what}. Use Copy beside it to take it elsewhere.")
}

/// The kind of a line, by its field's type.
fn kind_of(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Phones => "phone",
        FieldType::Emails => "email",
        FieldType::Urls => "url",
        FieldType::Relation => "record",
        _ => "",
    }
}

/// The first item of a list field (a phone, an e-mail), as written.
fn first_item(record: &cardbase_engine::Record, key: &str) -> String {
    match record.get(key) {
        Some(Value::Items(items)) => items.first().map(|i| i.value.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn link_for(kind: FieldType, value: &str) -> String {
    match kind {
        FieldType::Emails => format!("mailto:{value}"),
        FieldType::Phones => {
            let dial: String = cardbase_engine::search::fold(value)
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            format!("tel:{dial}")
        }
        FieldType::Urls if value.contains("://") => value.to_string(),
        FieldType::Urls => format!("https://{value}"),
        _ => String::new(),
    }
}

fn decode_photo(bytes: &[u8]) -> Option<SharedPixelBuffer<Rgba8Pixel>> {
    let img = image::load_from_memory(bytes).ok()?.thumbnail(480, 480).into_rgba8();
    Some(SharedPixelBuffer::clone_from_slice(
        img.as_raw(),
        img.width(),
        img.height(),
    ))
}

fn card_data(v: &Vault, id: i64) -> Option<CardData> {
    let record = v.record(RecordId(id)).ok()?;
    let section = v.section_of(record.id).ok()?.clone();
    let mut card = CardData {
        title: v.title(&record),
        subtitle: format!(
            "{} #{}{}",
            section.label,
            id,
            if record.deleted { " — in the bin" } else { "" }
        ),
        ..CardData::default()
    };
    let kept = v.kept_as_typed(record.id).unwrap_or_default();
    for f in section.visible_fields() {
        // What an import could not read as the field's type, marked, right where it belongs.
        if let Some(k) = kept.iter().find(|k| k.field == f.key) {
            card.lines
                .push(Line::new(f.label.clone(), k.text.clone(), String::new(), "kept"));
        }
        let Some(value) = record.get(&f.key) else { continue };
        match (f.kind, value) {
            (FieldType::Photo, Value::Photo(pid)) => {
                card.photo = v.photo(*pid).ok().and_then(|(_, bytes)| decode_photo(&bytes));
            }
            (FieldType::Phones | FieldType::Emails | FieldType::Urls, Value::Items(items)) => {
                for item in items {
                    let label = if item.kind == "other" {
                        f.label.clone()
                    } else {
                        format!("{} ({})", f.label, item.kind)
                    };
                    card.lines.push(Line::new(
                        label,
                        item.value.clone(),
                        link_for(f.kind, &item.value),
                        kind_of(f.kind),
                    ));
                }
            }
            (FieldType::Relation, Value::Relation(target)) => {
                card.lines.push(Line::new(
                    f.label.clone(),
                    v.record_title(*target),
                    format!("#{target}"),
                    "record",
                ));
            }
            _ => card
                .lines
                .push(Line::new(f.label.clone(), cell_text(v, f, value).0, String::new(), "")),
        }
    }
    card.events = super::events::events_data(v, record.id, &section.key);
    if let Ok((incoming, _)) = v.related(record.id) {
        for r in incoming {
            // Events planned on the record are listed (and open) in its Events block instead.
            if card.events.is_some() && r.section == "events" && r.field == "record" {
                continue;
            }
            // An organization's contacts: a small table with their role, phone and e-mail.
            if r.section == "contacts" && r.field == "organization" && card.people.len() < 200 {
                if let Ok(person) = v.record(r.id) {
                    card.people.push(Person {
                        id: r.id.0,
                        name: r.title.clone(),
                        role: person.get("job_title").map(|t| t.display()).unwrap_or_default(),
                        phone: first_item(&person, "phones"),
                        email: first_item(&person, "emails"),
                    });
                }
                continue;
            }
            let label = v
                .schema()
                .section(&r.section)
                .map(|s| s.label.clone())
                .unwrap_or(r.section);
            card.related
                .push(Line::new(label, r.title, format!("#{}", r.id), "record"));
        }
    }
    if let Ok(history) = v.history(record.id) {
        for c in history.iter().rev().take(20) {
            let at = c.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
            let what = match (&c.field, c.action.as_str()) {
                (Some(key), _) => {
                    let label = section.fields.iter().find(|f| &f.key == key).map(|f| f.label.clone());
                    format!("{} changed", label.unwrap_or_else(|| key.clone()))
                }
                (None, "create") => "created".to_string(),
                (None, "delete") => "moved to the bin".to_string(),
                (None, "restore") => "restored".to_string(),
                (None, other) => other.to_string(),
            };
            card.history.push(format!("{at}  {what}"));
        }
    }
    Some(card)
}

/// The start of the next hour, as the Plan row's "when" starts out: `2026-12-01 11:00`.
fn next_full_hour() -> String {
    let now = chrono::Local::now() + chrono::Duration::hours(1);
    now.format("%Y-%m-%d %H:00").to_string()
}

/// The date and the time of day of a typed moment (`2026-12-01 10:00`), now's when it has none.
fn moment_parts(text: &str) -> chrono::NaiveDateTime {
    match moment(text) {
        Ok(t) => t.with_timezone(&chrono::Local).naive_local(),
        Err(_) => chrono::Local::now().naive_local(),
    }
}

fn time_of(text: &str) -> Time {
    use chrono::Timelike;
    let t = moment_parts(text);
    Time {
        hour: t.hour() as i32,
        minute: t.minute() as i32,
        second: 0,
    }
}

/// A typed moment moved to another day, its time of day kept.
fn with_date(text: &str, d: Date) -> String {
    let t = moment_parts(text);
    format!("{:04}-{:02}-{:02} {}", d.year, d.month, d.day, t.format("%H:%M"))
}

/// A typed moment at another time of day, its day kept.
fn with_time(text: &str, time: Time) -> String {
    let t = moment_parts(text);
    format!("{} {:02}:{:02}", t.format("%Y-%m-%d"), time.hour, time.minute)
}

/// The card of the current record, and its Events block.
pub(super) struct CardController {
    shell: Rc<Shell>,
    table: Rc<TableController>,
    links: Box<dyn LinkOpener>,
}

impl CardController {
    /// Creates the card; it follows the table's current record.
    pub(super) fn install(
        table: &Rc<TableController>,
        ui: &MainWindow,
        links: Box<dyn LinkOpener>,
    ) -> Rc<CardController> {
        let c = Rc::new(CardController {
            shell: table.shell.clone(),
            table: table.clone(),
            links,
        });
        shell::register(c.clone());
        table.on_current(|id| shell::with(|c: &Rc<CardController>| c.load_card(id)));
        let card = ui.global::<Card>();
        card.on_open_link(|l| shell::with(|c: &Rc<CardController>| c.open_link(&l)));
        card.on_event_plan(|| shell::with(|c: &Rc<CardController>| c.event_plan()));
        card.on_event_done(|e| shell::with(|c: &Rc<CardController>| c.event_done(e as i64)));
        card.on_time_of(|t| time_of(&t));
        card.on_with_date(|t, d| with_date(&t, d).into());
        card.on_with_time(|t, time| with_time(&t, time).into());
        c
    }

    /// A link on the card: a record (`#12`) opens in the table; anything else goes to the
    /// system.
    fn open_link(self: &Rc<Self>, link: &str) {
        if let Some(id) = link.strip_prefix('#').and_then(|i| i.parse::<i64>().ok()) {
            self.table.open_record(id);
        } else if let Err(e) = self.links.open(link) {
            eprintln!("cardbase: {e}");
            self.shell.say(no_handler(link), true);
        }
    }
    /// Shows the card of a record (or clears it).
    pub(super) fn load_card(self: &Rc<Self>, id: Option<i64>) {
        let Some(id) = id else {
            self.show_card(CardData::default());
            return;
        };
        self.shell.read_worker().run_urgent(
            move |s: &mut Session| s.vault.as_ref().and_then(|v| card_data(v, id)),
            move |card| {
                shell::with(|c: &Rc<CardController>| {
                    // A newer selection may have replaced this one while it loaded.
                    let still = c.table.current_id() == Some(id);
                    if let (Some(card), true) = (card, still) {
                        c.show_card(card);
                    }
                })
            },
        );
    }

    fn show_card(&self, card: CardData) {
        let line = |l: Line| CardLine {
            label: text::bidi_display(&l.label).into(),
            rtl: text::is_rtl(&l.value),
            value: text::bidi_display(&l.value).into(),
            link: l.link.into(),
            kind: l.kind.into(),
        };
        let people: Vec<PersonRow> = card
            .people
            .iter()
            .map(|p| PersonRow {
                id: p.id as i32,
                name: text::bidi_display(&p.name).into(),
                role: text::bidi_display(&p.role).into(),
                phone: p.phone.as_str().into(),
                email: p.email.as_str().into(),
            })
            .collect();
        self.show_events(card.events);
        self.shell.app(|a| {
            a.global::<Card>().set_title_rtl(text::is_rtl(&card.title));
            a.global::<Card>().set_title(text::bidi_display(&card.title).into());
            a.global::<Card>().set_subtitle(card.subtitle.into());
            a.global::<Card>().set_has_photo(card.photo.is_some());
            a.global::<Card>()
                .set_photo(card.photo.map(Image::from_rgba8).unwrap_or_default());
            a.global::<Card>().set_lines(ModelRc::new(VecModel::from(
                card.lines.into_iter().map(line).collect::<Vec<_>>(),
            )));
            a.global::<Card>().set_people(ModelRc::new(VecModel::from(people)));
            a.global::<Card>().set_related(ModelRc::new(VecModel::from(
                card.related.into_iter().map(line).collect::<Vec<_>>(),
            )));
            a.global::<Card>().set_history(ModelRc::new(VecModel::from(
                card.history
                    .into_iter()
                    .map(slint::SharedString::from)
                    .collect::<Vec<_>>(),
            )));
        });
    }

    /// Fills the card's Events block (or hides it); clears what the Plan and Done rows held.
    pub(super) fn show_events(&self, events: Option<EventsData>) {
        self.shell.app(|a| {
            a.global::<Card>().set_event_error("".into());
            a.global::<Card>().set_event_completing(-1);
            // Real values, not hints that look like them: the next full hour, half an hour.
            a.global::<Card>().set_event_plan_at(next_full_hour().into());
            a.global::<Card>().set_event_plan_duration("30m".into());
            a.global::<Card>().set_event_plan_assignee("".into());
            a.global::<Card>().set_event_done_notes("".into());
            a.global::<Card>().set_event_done_follow_up("".into());
            a.global::<Card>().set_has_events(events.is_some());
            let Some(data) = events else {
                a.global::<Card>().set_events(ModelRc::default());
                return;
            };
            let lines: Vec<EventLine> = data
                .events
                .into_iter()
                .map(|e| EventLine {
                    id: e.id as i32,
                    text: e.text.into(),
                    overdue: e.overdue,
                    planned: e.planned,
                })
                .collect();
            a.global::<Card>().set_events(ModelRc::new(VecModel::from(lines)));
            a.global::<Card>().set_event_types(super::models::strings(data.types));
            a.global::<Card>()
                .set_event_results(super::models::strings(data.results));
        });
    }

    /// The record whose card is shown.
    fn card_record(&self) -> Option<i64> {
        self.table.current_id()
    }

    /// After planning or completing: the card and the sidebar counts again.
    fn events_changed(self: &Rc<Self>, record: i64, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.load_card(Some(record));
                self.table.refresh_sections();
            }
            Err(e) => {
                self.shell.app(|a| a.global::<Card>().set_event_error(e.into()));
            }
        }
    }

    /// The Plan row's Plan button: plans an event of the chosen type on the card's record.
    pub(super) fn event_plan(self: &Rc<Self>) {
        let Some(record) = self.card_record() else { return };
        let Some((kind, at, remind, duration, assignee)) = self.shell.app(|a| {
            let kind = a
                .global::<Card>()
                .get_event_types()
                .row_data(a.global::<Card>().get_event_plan_type().max(0) as usize);
            let remind = REMIND_MINUTES
                .get(a.global::<Card>().get_event_plan_remind().max(0) as usize)
                .copied()
                .flatten();
            (
                kind,
                a.global::<Card>().get_event_plan_at().to_string(),
                remind,
                a.global::<Card>().get_event_plan_duration().trim().to_string(),
                a.global::<Card>().get_event_plan_assignee().trim().to_string(),
            )
        }) else {
            return;
        };
        let Some(kind) = kind else {
            self.shell.app(|a| {
                a.global::<Card>()
                    .set_event_error("The events section has no types to choose from.".into())
            });
            return;
        };
        let at = match moment(&at) {
            Ok(at) => at,
            Err(e) => {
                self.shell.app(|a| a.global::<Card>().set_event_error(e.into()));
                return;
            }
        };
        let duration = match duration.as_str() {
            "" => None,
            text => match agenda::parse_minutes(text) {
                Ok(m) => Some(m),
                Err(e) => {
                    self.shell
                        .app(|a| a.global::<Card>().set_event_error(format!("Duration: {e}").into()));
                    return;
                }
            },
        };
        let mut plan = EventPlan::new(&kind, at);
        plan.remind_minutes_before = remind;
        plan.duration_minutes = duration;
        plan.assignee = Some(assignee).filter(|a| !a.is_empty());
        self.shell.worker.run(
            move |s: &mut Session| -> Result<(), String> {
                let v = s.vault.as_mut().ok_or("No vault is open.")?;
                v.plan_event(RecordId(record), &plan)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
            move |r| shell::with(|c: &Rc<CardController>| c.events_changed(record, r)),
        );
    }

    /// A planned event's Save: its result and notes, and the follow-up of the same type when a
    /// date is given.
    pub(super) fn event_done(self: &Rc<Self>, event: i64) {
        let Some(record) = self.card_record() else { return };
        let Some((result, notes, follow_up)) = self.shell.app(|a| {
            let result = a
                .global::<Card>()
                .get_event_results()
                .row_data(a.global::<Card>().get_event_done_result().max(0) as usize);
            (
                result.map(|r| r.to_string()).unwrap_or_default(),
                a.global::<Card>().get_event_done_notes().to_string(),
                a.global::<Card>().get_event_done_follow_up().trim().to_string(),
            )
        }) else {
            return;
        };
        let follow_up = if follow_up.is_empty() {
            None
        } else {
            match moment(&follow_up) {
                Ok(at) => Some(at),
                Err(e) => {
                    self.shell
                        .app(|a| a.global::<Card>().set_event_error(format!("Follow-up: {e}").into()));
                    return;
                }
            }
        };
        self.shell.worker.run(
            move |s: &mut Session| -> Result<(), String> {
                let v = s.vault.as_mut().ok_or("No vault is open.")?;
                let next = match follow_up {
                    Some(at) => {
                        let kind = v
                            .record(RecordId(event))
                            .map_err(|e| e.to_string())?
                            .get("type")
                            .map(Value::display)
                            .ok_or("The event has no type to plan the follow-up with.")?;
                        Some(EventPlan::new(&kind, at))
                    }
                    None => None,
                };
                let notes = Some(notes.as_str()).filter(|n| !n.trim().is_empty());
                v.complete_event(RecordId(event), &result, notes, next.as_ref())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
            move |r| shell::with(|c: &Rc<CardController>| c.events_changed(record, r)),
        );
    }
}
