//! A hostile plugin for the host's tests. Its `behaviour` setting picks the misdeed, done
//! when it is fed a chunk (importer), given records (exporter) or asked for reminders (rule):
//! `loop`, `memory`, `recursion`, `giant-output`, `panic`, `bad-record`, or `none` (a
//! well-behaved echo: one entry per line, one line per record, one reminder per record).

use cardbase_plugin_sdk::{
    Entry, Exporter, FieldInfo, Importer, Record, Reminder, ReminderRule, SectionInfo, Value, config, export_plugin,
};

fn misbehave() -> Option<Vec<u8>> {
    match config::get_or("behaviour", "none").as_str() {
        "loop" => {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        "memory" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        "recursion" => Some(vec![deep(std::hint::black_box(0))]),
        "giant-output" => Some(vec![b'x'; 40 << 20]),
        "panic" => panic!("the hostile plugin panics on purpose"),
        _ => None,
    }
}

#[allow(unconditional_recursion)]
fn deep(n: u64) -> u8 {
    let pad = std::hint::black_box([n as u8; 64]);
    deep(n + 1).wrapping_add(pad[0])
}

pub struct Hostile {
    line: u32,
}

impl Importer for Hostile {
    fn fields() -> Vec<FieldInfo> {
        vec![FieldInfo::new("first_name", "Name", "text")]
    }
    fn sniff(file_name: &str, _head: &[u8]) -> bool {
        file_name.ends_with(".hostile")
    }
    fn start(_file_name: &str) -> Self {
        Hostile { line: 0 }
    }
    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Entry>, String> {
        if let Some(big) = misbehave() {
            return Ok(vec![
                Entry::at(1).with("first_name", Value::Text(String::from_utf8_lossy(&big).into())),
            ]);
        }
        Ok(String::from_utf8_lossy(chunk)
            .lines()
            .map(|l| {
                self.line += 1;
                Entry::at(self.line).with("first_name", Value::Text(l.to_string()))
            })
            .collect())
    }
    fn finish(&mut self) -> Result<Vec<Entry>, String> {
        Ok(Vec::new())
    }
}

impl Exporter for Hostile {
    fn start(_section: SectionInfo) -> Self {
        Hostile { line: 0 }
    }
    fn write(&mut self, batch: Vec<Record>) -> Result<Vec<u8>, String> {
        if let Some(big) = misbehave() {
            return Ok(big);
        }
        Ok(batch
            .iter()
            .map(|r| format!("{}\n", r.id))
            .collect::<String>()
            .into_bytes())
    }
    fn finish(&mut self) -> Result<Vec<u8>, String> {
        Ok(Vec::new())
    }
}

impl ReminderRule for Hostile {
    fn sections() -> Vec<String> {
        vec!["contacts".into()]
    }
    fn reminders(now: i64, _utc_offset: i32, batch: Vec<Record>) -> Result<Vec<Reminder>, String> {
        misbehave();
        let bad = config::get_or("behaviour", "none") == "bad-record";
        Ok(batch
            .into_iter()
            .map(|r| Reminder {
                record_id: if bad { "not-a-record".into() } else { r.id },
                key: "hostile".into(),
                due: now,
                title: "Hostile".into(),
            })
            .collect())
    }
}

export_plugin!(importer: Hostile, exporter: Hostile, reminder_rule: Hostile);
