//! The exporter as the host drives it: `start`, `write` per batch, `finish`; asserting on the
//! `.ics` text a calendar app would read.

use cardbase_plugin_icalendar::CalendarExport;
use cardbase_plugin_sdk::{Date, Exporter, FieldInfo, PartialDate, Record, SectionInfo, Value, config};

/// 2025-03-14T09:30:00Z.
const MARCH_14_0930: i64 = 1_741_944_600;
/// 2025-03-20T17:00:00Z.
const MARCH_20_1700: i64 = 1_742_490_000;
/// 2025-06-01T12:00:00Z, the `now` of most tests.
const NOW: i64 = 1_748_779_200;

const HEADER: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cardbase//Cardbase 1.0//EN\r\nCALSCALE:GREGORIAN\r\n";

// --- sections as the presets define them --------------------------------------------------

fn section(key: &str, label: &str, fields: &[(&str, &str, &str)]) -> SectionInfo {
    SectionInfo {
        key: key.into(),
        label: label.into(),
        fields: fields
            .iter()
            .map(|(key, label, kind)| FieldInfo::new(key, label, kind))
            .collect(),
    }
}

fn events() -> SectionInfo {
    section(
        "events",
        "Events",
        &[
            ("title", "Subject", "text"),
            ("type", "Type", "choice"),
            ("planned", "Planned", "datetime"),
            ("duration_minutes", "Duration, min", "number"),
            ("remind_minutes_before", "Remind, min before", "number"),
            ("status", "Status", "choice"),
            ("result", "Result", "choice"),
            ("assignee", "Assignee", "text"),
            ("record", "Related to", "relation"),
            ("notes", "Notes", "long_text"),
        ],
    )
}

fn tasks() -> SectionInfo {
    section(
        "tasks",
        "Tasks",
        &[
            ("title", "Title", "text"),
            ("due", "Due", "datetime"),
            ("priority", "Priority", "choice"),
            ("status", "Status", "choice"),
            ("assignee", "Assignee", "text"),
            ("record", "Related to", "relation"),
            ("notes", "Notes", "long_text"),
        ],
    )
}

fn contacts() -> SectionInfo {
    section(
        "contacts",
        "Contacts",
        &[
            ("first_name", "First name", "text"),
            ("last_name", "Last name", "text"),
            ("phones", "Phones", "phones"),
            ("birthday", "Birthday", "date_no_year"),
            ("notes", "Notes", "long_text"),
        ],
    )
}

fn organizations() -> SectionInfo {
    section(
        "organizations",
        "Clients",
        &[
            ("name", "Name", "text"),
            ("contract_start", "Contract start", "date"),
            ("contract_end", "Contract end", "date"),
        ],
    )
}

// --- records and the export --------------------------------------------------------------

fn record(id: &str, section: &str, fields: Vec<(&str, Value)>) -> Record {
    let mut record = fields
        .into_iter()
        .fold(Record::new(section), |r, (key, value)| r.with(key, value));
    record.id = id.into();
    record
}

fn text(t: &str) -> Value {
    Value::Text(t.into())
}

fn birthday(year: Option<i32>, month: u8, day: u8) -> Value {
    Value::PartialDate(PartialDate { year, month, day })
}

/// Settings for this test: `now` and `remind_days_before`, "" for unset. Set in every test, as
/// the settings of native tests live on the thread and a thread may run several tests.
fn settings(now: &str, remind_days_before: &str) {
    config::set_for_tests("now", now);
    config::set_for_tests("remind_days_before", remind_days_before);
    config::set_for_tests("field", "");
}

/// The whole file for `batches` of records, checked to be well formed.
fn export(section: SectionInfo, batches: Vec<Vec<Record>>) -> String {
    let mut session = CalendarExport::start(section);
    let mut bytes = Vec::new();
    for batch in batches {
        bytes.extend(session.write(batch).expect("a dated section exports"));
    }
    bytes.extend(session.finish().expect("a dated section exports"));
    let ics = String::from_utf8(bytes).expect("the file is UTF-8");
    parse(&ics);
    ics
}

/// The one component between `BEGIN:{kind}` and its `END`, both lines included.
fn component<'a>(ics: &'a str, kind: &str) -> &'a str {
    let begin = format!("BEGIN:{kind}\r\n");
    let end = format!("END:{kind}\r\n");
    let start = ics.find(&begin).unwrap_or_else(|| panic!("no {kind} in:\n{ics}"));
    let stop = start + ics[start..].find(&end).expect("the component ends") + end.len();
    &ics[start..stop]
}

// --- a tiny reader: unfold, split into (name with parameters, value), check nesting --------

/// The content lines of `ics`, after checking what RFC 5545 asks of the text: CRLF endings,
/// physical lines of at most 75 octets, `NAME:value` lines, and BEGIN/END pairs that nest and
/// close, with one VCALENDAR around everything.
fn parse(ics: &str) -> Vec<(String, String)> {
    assert!(ics.ends_with("\r\n"), "the file ends with CRLF");
    let physical: Vec<&str> = ics[..ics.len() - 2].split("\r\n").collect();
    for line in &physical {
        assert!(line.len() <= 75, "a physical line is longer than 75 octets: {line:?}");
        assert!(!line.contains(['\r', '\n']), "a bare CR or LF in {line:?}");
    }
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let mut lines = Vec::new();
    let mut open: Vec<String> = Vec::new();
    for line in unfolded[..unfolded.len() - 2].split("\r\n") {
        let (name, value) = split_content_line(line);
        match name.as_str() {
            "BEGIN" => open.push(value.clone()),
            "END" => assert_eq!(
                open.pop().as_deref(),
                Some(value.as_str()),
                "END:{value} closes nothing open"
            ),
            _ => assert!(!open.is_empty(), "{name} outside any component"),
        }
        if open.is_empty() {
            assert_eq!(
                (name.as_str(), value.as_str()),
                ("END", "VCALENDAR"),
                "only VCALENDAR is top-level"
            );
        }
        lines.push((name, value));
    }
    assert!(open.is_empty(), "unclosed components: {open:?}");
    assert_eq!(
        lines.first().map(|(n, v)| (n.as_str(), v.as_str())),
        Some(("BEGIN", "VCALENDAR"))
    );
    assert_eq!(
        lines.iter().filter(|(n, v)| n == "BEGIN" && v == "VCALENDAR").count(),
        1
    );
    lines
}

/// Splits at the first colon outside a quoted parameter value.
fn split_content_line(line: &str) -> (String, String) {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return (line[..i].to_string(), line[i + 1..].to_string()),
            _ => {}
        }
    }
    panic!("not a content line: {line:?}");
}

fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => panic!("a lone backslash ends {value:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The unescaped value of the first `name` property in the first `component`.
fn property(ics: &str, kind: &str, name: &str) -> Option<String> {
    parse(ics)
        .into_iter()
        .skip_while(|(n, v)| !(n == "BEGIN" && v == kind))
        .find(|(n, _)| n == name)
        .map(|(_, v)| unescape(&v))
}

// --- events ------------------------------------------------------------------------------

#[test]
fn an_event_becomes_a_timed_vevent_with_its_reminder() {
    settings(&NOW.to_string(), "");
    let call = record(
        "ev-1",
        "events",
        vec![
            ("title", text("Call about the renewal")),
            ("type", text("Call")),
            ("planned", Value::DateTime(MARCH_14_0930)),
            ("duration_minutes", Value::Number(45.0)),
            ("remind_minutes_before", Value::Number(15.0)),
            ("status", text("Planned")),
            ("result", text("Agreed")),
            ("assignee", text("Maria")),
            ("record", Value::Relation("Acme Ltd".into())),
            ("notes", text("Ask about the price")),
        ],
    );
    let ics = export(events(), vec![vec![call]]);
    assert_eq!(
        component(&ics, "VEVENT"),
        "BEGIN:VEVENT\r\n\
         UID:ev-1@cardbase\r\n\
         DTSTAMP:20250601T120000Z\r\n\
         DTSTART:20250314T093000Z\r\n\
         DTEND:20250314T101500Z\r\n\
         SUMMARY:Call about the renewal\r\n\
         DESCRIPTION:Result: Agreed\\nAssignee: Maria\\nRelated to: Acme Ltd\\n\\nAsk ab\r\n out the price\r\n\
         STATUS:CONFIRMED\r\n\
         BEGIN:VALARM\r\n\
         ACTION:DISPLAY\r\n\
         DESCRIPTION:Call about the renewal\r\n\
         TRIGGER:-PT15M\r\n\
         END:VALARM\r\n\
         END:VEVENT\r\n"
    );
    assert!(ics.starts_with(HEADER), "{ics}");
    assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
}

#[test]
fn an_event_without_a_duration_lasts_thirty_minutes() {
    settings(&NOW.to_string(), "");
    let call = record(
        "ev-2",
        "events",
        vec![("title", text("Call")), ("planned", Value::DateTime(MARCH_14_0930))],
    );
    let ics = export(events(), vec![vec![call]]);
    assert_eq!(property(&ics, "VEVENT", "DTEND").as_deref(), Some("20250314T100000Z"));
    assert!(!ics.contains("VALARM"), "no reminder asked, no alarm");
    assert!(!ics.contains("STATUS"), "no status, no STATUS");
}

#[test]
fn an_untitled_event_is_summed_up_by_its_type_and_related_record() {
    settings(&NOW.to_string(), "");
    let meeting = record(
        "ev-3",
        "events",
        vec![
            ("type", text("Meeting")),
            ("record", Value::Relation("Acme Ltd".into())),
            ("planned", Value::DateTime(MARCH_14_0930)),
        ],
    );
    let ics = export(events(), vec![vec![meeting]]);
    assert_eq!(
        property(&ics, "VEVENT", "SUMMARY").as_deref(),
        Some("Meeting: Acme Ltd")
    );
}

#[test]
fn a_cancelled_event_is_cancelled_and_a_done_one_confirmed() {
    settings(&NOW.to_string(), "");
    let status_of = |status: &str| {
        let event = record(
            "ev",
            "events",
            vec![("planned", Value::DateTime(MARCH_14_0930)), ("status", text(status))],
        );
        property(&export(events(), vec![vec![event]]), "VEVENT", "STATUS")
    };
    assert_eq!(status_of("Cancelled").as_deref(), Some("CANCELLED"));
    assert_eq!(status_of("done").as_deref(), Some("CONFIRMED"));
    assert_eq!(status_of("something else"), None);
}

// --- tasks -------------------------------------------------------------------------------

#[test]
fn a_task_becomes_a_vtodo_with_its_priority_and_due_time() {
    settings(&NOW.to_string(), "");
    let task = record(
        "task-7",
        "tasks",
        vec![
            ("title", text("Send the offer")),
            ("due", Value::DateTime(MARCH_20_1700)),
            ("priority", text("High")),
            ("status", text("In progress")),
            ("record", Value::Relation("Acme Ltd".into())),
        ],
    );
    let ics = export(tasks(), vec![vec![task]]);
    assert_eq!(
        component(&ics, "VTODO"),
        "BEGIN:VTODO\r\n\
         UID:task-7@cardbase\r\n\
         DTSTAMP:20250601T120000Z\r\n\
         DUE:20250320T170000Z\r\n\
         SUMMARY:Send the offer\r\n\
         DESCRIPTION:Related to: Acme Ltd\r\n\
         STATUS:IN-PROCESS\r\n\
         PRIORITY:1\r\n\
         END:VTODO\r\n"
    );
    assert!(!ics.contains("VEVENT"));
}

#[test]
fn task_priorities_and_statuses_map_to_rfc_5545() {
    settings(&NOW.to_string(), "");
    let task = |priority: &str, status: &str| {
        let task = record(
            "t",
            "tasks",
            vec![
                ("due", Value::DateTime(MARCH_20_1700)),
                ("priority", text(priority)),
                ("status", text(status)),
            ],
        );
        let ics = export(tasks(), vec![vec![task]]);
        (property(&ics, "VTODO", "PRIORITY"), property(&ics, "VTODO", "STATUS"))
    };
    assert_eq!(task("Normal", "Open"), (Some("5".into()), Some("NEEDS-ACTION".into())));
    assert_eq!(task("low", "Done"), (Some("9".into()), Some("COMPLETED".into())));
    assert_eq!(task("High", "Cancelled"), (Some("1".into()), Some("CANCELLED".into())));
    assert_eq!(task("", ""), (None, None));
}

#[test]
fn a_task_reminder_is_tied_to_its_due_time() {
    settings(&NOW.to_string(), "");
    let mut fields = tasks();
    fields
        .fields
        .push(FieldInfo::new("remind_minutes_before", "Remind", "number"));
    let task = record(
        "t",
        "tasks",
        vec![
            ("title", text("Pay")),
            ("due", Value::DateTime(MARCH_20_1700)),
            ("remind_minutes_before", Value::Number(60.0)),
        ],
    );
    let ics = export(fields.clone(), vec![vec![task.clone()]]);
    assert!(
        component(&ics, "VALARM").contains("TRIGGER;RELATED=END:-PT60M\r\n"),
        "{ics}"
    );

    let done = task.with("status", text("Done"));
    assert!(
        !export(fields, vec![vec![done]]).contains("VALARM"),
        "a done task needs no reminder"
    );
}

#[test]
fn a_cancelled_event_has_no_alarm() {
    settings(&NOW.to_string(), "");
    let call = record(
        "ev",
        "events",
        vec![
            ("planned", Value::DateTime(MARCH_14_0930)),
            ("remind_minutes_before", Value::Number(15.0)),
            ("status", text("Cancelled")),
        ],
    );
    assert!(!export(events(), vec![vec![call]]).contains("VALARM"));
}

// --- birthdays ---------------------------------------------------------------------------

#[test]
fn a_birthday_with_a_year_repeats_every_year_from_the_birth_date() {
    settings(&NOW.to_string(), "");
    let ann = record(
        "c-1",
        "contacts",
        vec![
            ("first_name", text("Ann")),
            ("last_name", text("Lee")),
            ("birthday", birthday(Some(1985), 3, 14)),
        ],
    );
    let ics = export(contacts(), vec![vec![ann]]);
    assert_eq!(
        component(&ics, "VEVENT"),
        "BEGIN:VEVENT\r\n\
         UID:c-1@cardbase\r\n\
         DTSTAMP:20250601T120000Z\r\n\
         DTSTART;VALUE=DATE:19850314\r\n\
         DTEND;VALUE=DATE:19850315\r\n\
         RRULE:FREQ=YEARLY\r\n\
         SUMMARY:Birthday: Ann Lee\r\n\
         TRANSP:TRANSPARENT\r\n\
         BEGIN:VALARM\r\n\
         ACTION:DISPLAY\r\n\
         DESCRIPTION:Birthday: Ann Lee\r\n\
         TRIGGER:-P1D\r\n\
         END:VALARM\r\n\
         END:VEVENT\r\n"
    );
}

#[test]
fn a_birthday_without_a_year_starts_in_2000() {
    settings(&NOW.to_string(), "");
    let bob = record(
        "c-2",
        "contacts",
        vec![("first_name", text("Bob")), ("birthday", birthday(None, 12, 31))],
    );
    let ics = export(contacts(), vec![vec![bob]]);
    let event = component(&ics, "VEVENT");
    assert!(
        event.contains("DTSTART;VALUE=DATE:20001231\r\nDTEND;VALUE=DATE:20010101\r\nRRULE:FREQ=YEARLY\r\n"),
        "{event}"
    );
    assert!(event.contains("SUMMARY:Birthday: Bob\r\n"));
}

#[test]
fn a_birthday_on_29_february_falls_on_the_last_day_of_february() {
    settings(&NOW.to_string(), "");
    let leap = |id: &str, year| {
        record(
            id,
            "contacts",
            vec![("first_name", text("Leo")), ("birthday", birthday(year, 2, 29))],
        )
    };
    let ics = export(contacts(), vec![vec![leap("c-3", None), leap("c-4", Some(1996))]]);
    let lines = parse(&ics);
    let starts: Vec<&str> = lines
        .iter()
        .filter(|(n, _)| n == "DTSTART;VALUE=DATE")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(starts, ["20000229", "19960229"]);
    let rules: Vec<&str> = lines
        .iter()
        .filter(|(n, _)| n == "RRULE")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(rules, ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"; 2]);
    assert_eq!(
        property(&ics, "VEVENT", "DTEND;VALUE=DATE").as_deref(),
        Some("20000301")
    );
}

#[test]
fn a_birthday_reminder_follows_the_remind_days_before_setting() {
    settings(&NOW.to_string(), "7");
    let ann = record(
        "c-1",
        "contacts",
        vec![("first_name", text("Ann")), ("birthday", birthday(None, 3, 14))],
    );
    let ics = export(contacts(), vec![vec![ann]]);
    assert_eq!(property(&ics, "VALARM", "TRIGGER").as_deref(), Some("-P7D"));
}

#[test]
fn a_date_that_does_not_exist_is_skipped() {
    settings(&NOW.to_string(), "");
    let bad = vec![
        record("c-5", "contacts", vec![("birthday", birthday(Some(1999), 2, 29))]),
        record("c-6", "contacts", vec![("birthday", birthday(None, 2, 30))]),
        record("c-7", "contacts", vec![("birthday", birthday(None, 13, 1))]),
        record("c-8", "contacts", vec![("birthday", birthday(Some(-44), 3, 15))]),
    ];
    let ics = export(contacts(), vec![bad]);
    assert!(!ics.contains("VEVENT"), "{ics}");
}

// --- one-off dates -----------------------------------------------------------------------

#[test]
fn a_contract_end_is_an_all_day_event_with_the_configured_reminder() {
    settings(&NOW.to_string(), "30");
    let acme = record(
        "org-1",
        "organizations",
        vec![
            ("name", text("Acme Ltd")),
            (
                "contract_start",
                Value::Date(Date {
                    year: 2024,
                    month: 1,
                    day: 1,
                }),
            ),
            (
                "contract_end",
                Value::Date(Date {
                    year: 2025,
                    month: 12,
                    day: 31,
                }),
            ),
        ],
    );
    let ics = export(organizations(), vec![vec![acme]]);
    assert_eq!(
        component(&ics, "VEVENT"),
        "BEGIN:VEVENT\r\n\
         UID:org-1@cardbase\r\n\
         DTSTAMP:20250601T120000Z\r\n\
         DTSTART;VALUE=DATE:20251231\r\n\
         DTEND;VALUE=DATE:20260101\r\n\
         SUMMARY:Contract end: Acme Ltd\r\n\
         TRANSP:TRANSPARENT\r\n\
         BEGIN:VALARM\r\n\
         ACTION:DISPLAY\r\n\
         DESCRIPTION:Contract end: Acme Ltd\r\n\
         TRIGGER:-P30D\r\n\
         END:VALARM\r\n\
         END:VEVENT\r\n"
    );
}

#[test]
fn a_contract_end_has_no_alarm_unless_one_is_configured() {
    settings(&NOW.to_string(), "");
    let acme = record(
        "org-1",
        "organizations",
        vec![(
            "contract_end",
            Value::Date(Date {
                year: 2025,
                month: 12,
                day: 31,
            }),
        )],
    );
    let ics = export(organizations(), vec![vec![acme]]);
    assert!(!ics.contains("VALARM"), "{ics}");
}

#[test]
fn the_field_setting_exports_another_date() {
    settings(&NOW.to_string(), "");
    config::set_for_tests("field", "contract_start");
    let acme = record(
        "org-1",
        "organizations",
        vec![
            (
                "contract_start",
                Value::Date(Date {
                    year: 2024,
                    month: 1,
                    day: 1,
                }),
            ),
            (
                "contract_end",
                Value::Date(Date {
                    year: 2025,
                    month: 12,
                    day: 31,
                }),
            ),
        ],
    );
    let mut session = CalendarExport::start(organizations());
    let ics = String::from_utf8(session.write(vec![acme]).unwrap()).unwrap();
    assert!(ics.contains("DTSTART;VALUE=DATE:20240101\r\n"), "{ics}");
}

// --- text: folding and escaping ----------------------------------------------------------

#[test]
fn long_cyrillic_and_persian_notes_fold_at_75_octets_and_unfold_to_the_original() {
    settings(&NOW.to_string(), "");
    let notes = "Позвонить Марии Ивановне по поводу продления договора, уточнить сроки оплаты и \
                 скидку для постоянных клиентов. تماس با خانم احمدی درباره تمدید قرارداد و زمان‌بندی \
                 پرداخت؛ ارسال پیشنهاد قیمت تا پایان هفته. 😀 ✓";
    let call = record(
        "ev-9",
        "events",
        vec![("planned", Value::DateTime(MARCH_14_0930)), ("notes", text(notes))],
    );
    let ics = export(events(), vec![vec![call]]);

    // `export` checked that every physical line has at most 75 octets and the file is UTF-8.
    let description_lines = ics
        .split("\r\n")
        .skip_while(|l| !l.starts_with("DESCRIPTION:"))
        .take_while(|l| !l.starts_with("STATUS") && !l.starts_with("END:"));
    assert!(
        description_lines.count() > 5,
        "the description is folded over several lines"
    );
    assert_eq!(property(&ics, "VEVENT", "DESCRIPTION").as_deref(), Some(notes));
}

#[test]
fn reserved_characters_are_escaped_and_read_back() {
    settings(&NOW.to_string(), "");
    let title = r"Q1; prices, terms \ next steps";
    let notes = "line one\nline two\r\nline three";
    let call = record(
        "id;with,odd\\chars",
        "events",
        vec![
            ("title", text(title)),
            ("planned", Value::DateTime(MARCH_14_0930)),
            ("notes", text(notes)),
        ],
    );
    let ics = export(events(), vec![vec![call]]);
    assert!(
        ics.contains("SUMMARY:Q1\\; prices\\, terms \\\\ next steps\r\n"),
        "{ics}"
    );
    assert!(
        ics.contains("DESCRIPTION:line one\\nline two\\nline three\r\n"),
        "{ics}"
    );
    assert!(ics.contains("UID:id\\;with\\,odd\\\\chars@cardbase\r\n"), "{ics}");
    assert_eq!(property(&ics, "VEVENT", "SUMMARY").as_deref(), Some(title));
    assert_eq!(
        property(&ics, "VEVENT", "DESCRIPTION").as_deref(),
        Some("line one\nline two\nline three")
    );
}

// --- the file as a whole ----------------------------------------------------------------

#[test]
fn an_empty_export_is_still_a_valid_calendar() {
    settings(&NOW.to_string(), "");
    let ics = export(events(), vec![]);
    assert_eq!(ics, format!("{HEADER}X-WR-CALNAME:Events\r\nEND:VCALENDAR\r\n"));
    let ics = export(events(), vec![vec![], vec![]]);
    assert_eq!(ics, format!("{HEADER}X-WR-CALNAME:Events\r\nEND:VCALENDAR\r\n"));
}

#[test]
fn the_header_is_written_once_across_batches() {
    settings(&NOW.to_string(), "");
    let event = |id: &str| {
        record(
            id,
            "events",
            vec![("title", text(id)), ("planned", Value::DateTime(MARCH_14_0930))],
        )
    };
    let ics = export(events(), vec![vec![event("a"), event("b")], vec![event("c")]]);
    assert_eq!(ics.matches("BEGIN:VCALENDAR").count(), 1);
    let uids: Vec<String> = parse(&ics)
        .into_iter()
        .filter(|(n, _)| n == "UID")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(uids, ["a@cardbase", "b@cardbase", "c@cardbase"]);
}

#[test]
fn records_without_the_date_are_skipped_and_the_rest_exported() {
    settings(&NOW.to_string(), "");
    let batch = vec![
        record("no-date", "events", vec![("title", text("Someday"))]),
        record("wrong-kind", "events", vec![("planned", text("tomorrow"))]),
        record("", "events", vec![("planned", Value::DateTime(MARCH_14_0930))]),
        record(
            "ok",
            "events",
            vec![("title", text("Call")), ("planned", Value::DateTime(MARCH_14_0930))],
        ),
    ];
    let ics = export(events(), vec![batch]);
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    assert_eq!(property(&ics, "VEVENT", "UID").as_deref(), Some("ok@cardbase"));
}

#[test]
fn without_now_the_stamp_is_the_record_own_date() {
    settings("", "");
    let call = record("ev", "events", vec![("planned", Value::DateTime(MARCH_14_0930))]);
    let ann = record("c", "contacts", vec![("birthday", birthday(None, 3, 14))]);
    assert_eq!(
        property(&export(events(), vec![vec![call]]), "VEVENT", "DTSTAMP").as_deref(),
        Some("20250314T093000Z")
    );
    assert_eq!(
        property(&export(contacts(), vec![vec![ann]]), "VEVENT", "DTSTAMP").as_deref(),
        Some("20000314T000000Z")
    );
    settings("not a number", "");
    let call = record("ev", "events", vec![("planned", Value::DateTime(MARCH_14_0930))]);
    assert_eq!(
        property(&export(events(), vec![vec![call]]), "VEVENT", "DTSTAMP").as_deref(),
        Some("20250314T093000Z")
    );
}

#[test]
fn a_renamed_section_is_exported_by_its_field_kinds() {
    settings(&NOW.to_string(), "");
    let visits = section(
        "visits",
        "Визиты",
        &[("subject", "Тема", "text"), ("when", "Когда", "datetime")],
    );
    let visit = record(
        "v-1",
        "visits",
        vec![("subject", text("Склад")), ("when", Value::DateTime(MARCH_14_0930))],
    );
    let ics = export(visits, vec![vec![visit]]);
    assert!(ics.contains("X-WR-CALNAME:Визиты\r\n"));
    assert_eq!(property(&ics, "VEVENT", "DTSTART").as_deref(), Some("20250314T093000Z"));
    assert_eq!(property(&ics, "VEVENT", "SUMMARY").as_deref(), Some("Склад"));

    let pets = section(
        "pets",
        "Pets",
        &[("nickname", "Nickname", "text"), ("born", "Born", "date_no_year")],
    );
    let rex = record(
        "p-1",
        "pets",
        vec![("nickname", text("Rex")), ("born", birthday(None, 5, 2))],
    );
    let ics = export(pets, vec![vec![rex]]);
    assert_eq!(property(&ics, "VEVENT", "SUMMARY").as_deref(), Some("Born: Rex"));
    assert_eq!(property(&ics, "VEVENT", "RRULE").as_deref(), Some("FREQ=YEARLY"));
}

#[test]
fn a_section_without_dates_is_refused_with_a_sentence() {
    settings(&NOW.to_string(), "");
    let notes = section(
        "notes",
        "Notes",
        &[("title", "Title", "text"), ("text", "Text", "long_text")],
    );
    let mut session = CalendarExport::start(notes);
    let err = session.write(vec![]).unwrap_err();
    assert!(
        err.starts_with("The section \"Notes\" has no date, date-time or date-without-year field"),
        "{err}"
    );
    assert_eq!(session.finish().unwrap_err(), err);
}

#[test]
fn hostile_values_do_not_break_the_file() {
    settings("99999999999999999999", "-3");
    let batch = vec![
        record("min", "events", vec![("planned", Value::DateTime(i64::MIN))]),
        record("max", "events", vec![("planned", Value::DateTime(i64::MAX))]),
        record(
            "huge-duration",
            "events",
            vec![
                ("planned", Value::DateTime(MARCH_14_0930)),
                ("duration_minutes", Value::Number(f64::MAX)),
                ("remind_minutes_before", Value::Number(f64::INFINITY)),
            ],
        ),
        record(
            "nan",
            "events",
            vec![
                ("planned", Value::DateTime(MARCH_14_0930)),
                ("duration_minutes", Value::Number(f64::NAN)),
                ("remind_minutes_before", Value::Number(-5.0)),
            ],
        ),
        record(
            "controls",
            "events",
            vec![
                ("planned", Value::DateTime(0)),
                ("title", text("\0\u{1b}[31m\u{7f}red\rend")),
                ("notes", text(&"\u{200f}ل".repeat(500))),
            ],
        ),
        record("late", "events", vec![("planned", Value::DateTime(253_402_300_000))]),
    ];
    let ics = export(events(), vec![batch]);
    let uids: Vec<String> = parse(&ics)
        .into_iter()
        .filter(|(n, _)| n == "UID")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        uids,
        [
            "huge-duration@cardbase",
            "nan@cardbase",
            "controls@cardbase",
            "late@cardbase"
        ]
    );
    assert!(
        ics.contains("SUMMARY:[31mred\\nend\r\n"),
        "control characters dropped: {ics}"
    );
    assert!(!ics.contains("VALARM"), "no alarm from infinite or negative reminders");
    let late = ics.split("BEGIN:VEVENT").last().expect("the last event");
    assert!(!late.contains("DTEND"), "an end past 9999 is left out: {late}");
}
