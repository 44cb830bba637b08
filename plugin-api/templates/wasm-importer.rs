//! {{title}}: reads "name;phone" lines into contacts. Change `feed` to read your format.

use cardbase_plugin_sdk::{Entry, FieldInfo, Importer, Item, Value, export_plugin, log};

/// One file being read: the unfinished last line and the line count.
#[derive(Default)]
pub struct Plugin {
    pending: Vec<u8>,
    line: u32,
}

impl Plugin {
    fn entry(&mut self, raw: &[u8]) -> Option<Entry> {
        self.line += 1;
        let text = String::from_utf8_lossy(raw);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let entry = Entry::at(self.line);
        Some(match text.split_once(';') {
            Some((name, phone)) => entry
                .with("first_name", Value::Text(name.trim().to_string()))
                .with("phones", Value::Items(vec![Item::new("mobile", phone.trim())])),
            None => {
                log::warn(format!("line {}: no ';'", self.line));
                entry.failed("expected \"name;phone\"")
            }
        })
    }
}

impl Importer for Plugin {
    fn fields() -> Vec<FieldInfo> {
        vec![FieldInfo::new("first_name", "Name", "text"), FieldInfo::new("phones", "Phone", "phones")]
    }

    fn sniff(file_name: &str, _head: &[u8]) -> bool {
        file_name.to_lowercase().ends_with(".{{ext}}")
    }

    fn start(_file_name: &str) -> Self {
        Plugin::default()
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Entry>, String> {
        self.pending.extend_from_slice(chunk);
        let mut entries = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            entries.extend(self.entry(&line));
        }
        Ok(entries)
    }

    fn finish(&mut self) -> Result<Vec<Entry>, String> {
        let rest = std::mem::take(&mut self.pending);
        Ok(self.entry(&rest).into_iter().collect())
    }
}

export_plugin!(importer: Plugin);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_split_across_chunks() {
        let mut p = Plugin::start("team.{{ext}}");
        let mut entries = p.feed(b"Ann;+1 555 0100\nBo").unwrap();
        entries.extend(p.feed(b"b\n").unwrap());
        entries.extend(p.finish().unwrap());
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].text("first_name"), Some("Ann"));
        assert_eq!(entries[1].error.as_deref(), Some("expected \"name;phone\""));
    }
}
