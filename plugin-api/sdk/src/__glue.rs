//! Connects the author-facing traits to the generated bindings. Used by [`crate::export_plugin!`].

use crate::__bindings::exports::cardbase::plugin::{exporter_api, importer_api, reminder_rule_api};
use crate::{Entry, Exporter, FieldInfo, Importer, Record, Reminder, ReminderRule, SectionInfo};
use std::cell::RefCell;
use std::marker::PhantomData;

/// The component's exports for an importer `I`, an exporter `E` and a reminder rule `R`.
pub struct Glue<I, E, R>(PhantomData<(I, E, R)>);

/// One import or export session; the host calls it through shared references.
pub struct Session<T>(RefCell<T>);

impl<I: Importer, E: 'static, R: 'static> importer_api::Guest for Glue<I, E, R> {
    type Session = Session<I>;

    fn fields() -> Vec<FieldInfo> {
        I::fields()
    }

    fn sniff(file_name: String, head: Vec<u8>) -> bool {
        I::sniff(&file_name, &head)
    }
}

impl<I: Importer> importer_api::GuestSession for Session<I> {
    fn new(file_name: String) -> Self {
        Session(RefCell::new(I::start(&file_name)))
    }

    fn feed(&self, chunk: Vec<u8>) -> Result<Vec<Entry>, String> {
        self.0.borrow_mut().feed(&chunk)
    }

    fn finish(&self) -> Result<Vec<Entry>, String> {
        self.0.borrow_mut().finish()
    }
}

impl<I: 'static, E: Exporter, R: 'static> exporter_api::Guest for Glue<I, E, R> {
    type Session = Session<E>;
}

impl<E: Exporter> exporter_api::GuestSession for Session<E> {
    fn new(section: SectionInfo) -> Self {
        Session(RefCell::new(E::start(section)))
    }

    fn write(&self, batch: Vec<Record>) -> Result<Vec<u8>, String> {
        self.0.borrow_mut().write(batch)
    }

    fn finish(&self) -> Result<Vec<u8>, String> {
        self.0.borrow_mut().finish()
    }
}

impl<I: 'static, E: 'static, R: ReminderRule> reminder_rule_api::Guest for Glue<I, E, R> {
    fn sections() -> Vec<String> {
        R::sections()
    }

    fn reminders(now: i64, utc_offset: i32, batch: Vec<Record>) -> Result<Vec<Reminder>, String> {
        R::reminders(now, utc_offset, batch)
    }
}
