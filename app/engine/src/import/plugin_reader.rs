//! A plugin importer as a [`TableReader`]: its fields are the columns, its entries the rows,
//! so a plugin import goes through the same mapping, conversion and report as a CSV file.

use super::table::{Cell, ReadError, Row, TableReader};
use crate::plugin::{ImportPlugin, ImportSession, PluginEntry, PluginError};
use std::collections::VecDeque;
use std::io::Read;

/// How much of the file the plugin gets per call: big enough to keep calls few, small enough
/// that neither side holds the whole file.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// Reads a file through an import plugin.
///
/// ```no_run
/// # fn demo(plugin: &dyn cardbase_engine::plugin::ImportPlugin, vault: &mut cardbase_engine::Vault) -> Result<(), Box<dyn std::error::Error>> {
/// use cardbase_engine::import::{ImportOptions, plugin_reader::PluginReader};
/// let file = std::fs::File::open("contacts.vcf")?;
/// let len = file.metadata()?.len();
/// let mut reader = PluginReader::new(plugin, "contacts.vcf", Box::new(file), len)?;
/// let mapping = vault.suggest_mapping("contacts", &reader.keys())?;
/// let options = ImportOptions { section: "contacts".into(), mapping, ..Default::default() };
/// vault.import(&mut reader, "contacts.vcf", &options, &mut |_, _| true)?;
/// # Ok(()) }
/// ```
pub struct PluginReader {
    file: String,
    plugin: String,
    keys: Vec<String>,
    headers: Vec<String>,
    session: Box<dyn ImportSession>,
    source: Box<dyn Read>,
    ready: VecDeque<PluginEntry>,
    done: u64,
    total: u64,
    finished: bool,
    failed: bool,
}

impl PluginReader {
    /// Starts reading `source` (of `total` bytes, for progress) named `file` with `plugin`.
    pub fn new(
        plugin: &dyn ImportPlugin,
        file: &str,
        source: Box<dyn Read>,
        total: u64,
    ) -> Result<PluginReader, PluginError> {
        let fields = plugin.fields()?;
        let session = plugin.start(file)?;
        Ok(PluginReader {
            file: file.to_string(),
            plugin: plugin.name().to_string(),
            keys: fields.iter().map(|f| f.key.clone()).collect(),
            headers: fields.iter().map(|f| f.label.clone()).collect(),
            session,
            source,
            ready: VecDeque::new(),
            done: 0,
            total,
            finished: false,
            failed: false,
        })
    }

    /// The field keys the plugin fills, one per column: match these to a section's fields.
    pub fn keys(&self) -> Vec<String> {
        self.keys.clone()
    }

    fn fatal(&mut self, message: String) -> Option<Result<Row, ReadError>> {
        self.failed = true;
        Some(Err(ReadError {
            file: self.file.clone(),
            row: 0,
            message,
        }))
    }

    fn row(&self, entry: PluginEntry) -> Result<Row, ReadError> {
        let number = entry.line as usize;
        if let Some(message) = entry.error {
            return Err(ReadError {
                file: self.file.clone(),
                row: number.max(1),
                message,
            });
        }
        let mut cells = vec![Cell::Empty; self.keys.len()];
        for (key, value) in entry.fields {
            match self.keys.iter().position(|k| *k == key) {
                Some(i) => cells[i] = Cell::Typed(value),
                None => {
                    return Err(ReadError {
                        file: self.file.clone(),
                        row: number.max(1),
                        message: format!(
                            "plugin {} returned field {key:?}, which it did not declare",
                            self.plugin
                        ),
                    });
                }
            }
        }
        Ok(Row { number, cells })
    }
}

impl TableReader for PluginReader {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self) -> Option<Result<Row, ReadError>> {
        if self.failed {
            return None;
        }
        loop {
            if let Some(entry) = self.ready.pop_front() {
                return Some(self.row(entry));
            }
            if self.finished {
                return None;
            }
            let mut chunk = vec![0; CHUNK_BYTES];
            let n = match read_full(&mut self.source, &mut chunk) {
                Ok(n) => n,
                Err(e) => return self.fatal(format!("cannot read: {e}")),
            };
            self.done += n as u64;
            let entries = if n == 0 {
                self.finished = true;
                self.session.finish()
            } else {
                self.session.feed(&chunk[..n])
            };
            match entries {
                Ok(e) => self.ready.extend(e),
                Err(e) => return self.fatal(e.to_string()),
            }
        }
    }

    fn progress(&self) -> (u64, u64) {
        (self.done, self.total.max(self.done))
    }

    fn describe(&self) -> String {
        format!("read by plugin {}", self.plugin)
    }

    fn field_keys(&self) -> Option<Vec<String>> {
        Some(self.keys.clone())
    }
}

/// Fills `buf` as far as the source allows (a pipe may return short reads).
fn read_full(source: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match source.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
