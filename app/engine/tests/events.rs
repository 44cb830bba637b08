//! Events on a record: plan, record the result, follow up, history, undo.

use cardbase_engine::events::EventPlan;
use cardbase_engine::{Passphrase, Preset, Value, Vault};
use chrono::{TimeZone, Timelike, Utc};

fn vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let v = Vault::create(
        &dir.path().join("v.cardbase"),
        &Passphrase::new("pw"),
        Preset::ClientBase,
    )
    .unwrap();
    (dir, v)
}

fn text(v: Option<&Value>) -> String {
    v.map(Value::display).unwrap_or_default()
}

#[test]
fn a_planned_call_gets_its_type_time_status_title_and_record() {
    let (_d, mut v) = vault();
    let ann = v
        .create_record_from_text("contacts", &[("first_name", "Ann"), ("last_name", "Lee")])
        .unwrap();
    // A day from now, so the reminder's time comes after the record was made (reminders due
    // before a record existed start when it was made).
    let planned = (Utc::now() + chrono::Duration::days(1)).with_nanosecond(0).unwrap();
    let mut plan = EventPlan::new("call", planned);
    plan.remind_minutes_before = Some(15.0);
    plan.assignee = Some("maria".into());
    let id = v.plan_event(ann, &plan).unwrap();
    let e = v.record(id).unwrap();
    assert_eq!(text(e.get("type")), "Call");
    assert_eq!(text(e.get("status")), "Planned");
    assert_eq!(text(e.get("title")), "Ann Lee");
    assert_eq!(e.get("record"), Some(&Value::Relation(ann)));
    assert_eq!(e.get("remind_minutes_before"), Some(&Value::Number(15.0)));
    assert_eq!(text(e.get("assignee")), "maria");
    // It reminds 15 minutes before, for its assignee.
    let now = planned - chrono::Duration::minutes(10);
    let due = v.reminders_in(now, 0, Some("maria"), &Utc).unwrap();
    assert!(
        due.iter()
            .any(|r| r.record == id && r.due == planned - chrono::Duration::minutes(15))
    );
}

#[test]
fn completing_records_the_result_and_plans_the_follow_up_in_one_undoable_step() {
    let (_d, mut v) = vault();
    let ann = v.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap();
    let first = v
        .plan_event(
            ann,
            &EventPlan::new("Call", Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()),
        )
        .unwrap();
    let next = EventPlan::new("meeting", Utc.with_ymd_and_hms(2026, 12, 8, 15, 0, 0).unwrap());
    let follow = v
        .complete_event(first, "agreed", Some("Sends the contract"), Some(&next))
        .unwrap()
        .unwrap();
    let done = v.record(first).unwrap();
    assert_eq!(text(done.get("status")), "Done");
    assert_eq!(text(done.get("result")), "Agreed");
    assert_eq!(text(done.get("notes")), "Sends the contract");
    let history = v.events_of(ann).unwrap();
    assert_eq!(
        history.iter().map(|e| e.id).collect::<Vec<_>>(),
        [follow, first],
        "newest first"
    );
    assert_eq!(text(history[0].get("status")), "Planned");
    assert_eq!(text(history[0].get("type")), "Meeting");
    // One undo takes back the result and the follow-up together.
    v.undo().unwrap();
    assert_eq!(v.events_of(ann).unwrap().len(), 1);
    assert_eq!(text(v.record(first).unwrap().get("status")), "Planned");
}

#[test]
fn bad_input_is_named_and_changes_nothing() {
    let (_d, mut v) = vault();
    let ann = v.create_record_from_text("contacts", &[("first_name", "Ann")]).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
    let e = v.plan_event(ann, &EventPlan::new("dance", at)).unwrap_err().to_string();
    assert!(e.contains("type"), "{e}");
    let id = v.plan_event(ann, &EventPlan::new("call", at)).unwrap();
    let e = v.complete_event(id, "maybe", None, None).unwrap_err().to_string();
    assert!(e.contains("result"), "{e}");
    assert_eq!(text(v.record(id).unwrap().get("status")), "Planned");
    let e = v.complete_event(ann, "agreed", None, None).unwrap_err().to_string();
    assert!(e.contains("is not an event"), "{e}");
    assert!(
        v.plan_event(cardbase_engine::RecordId(9999), &EventPlan::new("call", at))
            .is_err()
    );
    assert_eq!(v.events_of(ann).unwrap().len(), 1);
}
