//! {{title}}: writes one "name;phone" line per record. Change `write` to write your format.

use cardbase_plugin_sdk::{Exporter, Record, SectionInfo, Value, export_plugin};

pub struct Plugin;

fn line(record: &Record) -> String {
    let name = [record.text("first_name"), record.text("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let phone = match record.get("phones") {
        Some(Value::Items(items)) => items.first().map(|i| i.value.clone()).unwrap_or_default(),
        _ => String::new(),
    };
    format!("{name};{phone}\n")
}

impl Exporter for Plugin {
    fn start(_section: SectionInfo) -> Self {
        Plugin
    }

    fn write(&mut self, batch: Vec<Record>) -> Result<Vec<u8>, String> {
        Ok(batch.iter().map(line).collect::<String>().into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, String> {
        Ok(Vec::new())
    }
}

export_plugin!(exporter: Plugin);

#[cfg(test)]
mod tests {
    use super::*;
    use cardbase_plugin_sdk::Item;

    #[test]
    fn writes_a_line_per_record() {
        let ann = Record::new("contacts")
            .with("first_name", Value::Text("Ann".into()))
            .with("phones", Value::Items(vec![Item::new("mobile", "+1 555 0100")]));
        let section = SectionInfo { key: "contacts".into(), label: "Contacts".into(), fields: vec![] };
        let mut p = Plugin::start(section);
        assert_eq!(p.write(vec![ann]).unwrap(), b"Ann;+1 555 0100\n");
    }
}
