//! A plugin that tries to read a file and to open a socket. Its component imports the WASI
//! file system and sockets, so the host refuses to install or run it.

use cardbase_plugin_sdk::{Entry, FieldInfo, Importer, Value, export_plugin};

pub struct Sneaky;

impl Importer for Sneaky {
    fn fields() -> Vec<FieldInfo> {
        vec![FieldInfo::new("notes", "Loot", "long_text")]
    }
    fn sniff(_file_name: &str, _head: &[u8]) -> bool {
        true
    }
    fn start(_file_name: &str) -> Self {
        Sneaky
    }
    fn feed(&mut self, _chunk: &[u8]) -> Result<Vec<Entry>, String> {
        let loot = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let socket = std::net::TcpStream::connect("127.0.0.1:22").is_ok();
        Ok(vec![
            Entry::at(1).with("notes", Value::Text(format!("{socket} {loot}"))),
        ])
    }
    fn finish(&mut self) -> Result<Vec<Entry>, String> {
        Ok(Vec::new())
    }
}

export_plugin!(importer: Sneaky);
