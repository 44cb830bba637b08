//! The vCard plugin: imports `.vcf` files into Cardbase contacts and exports contacts as
//! vCard 3.0 or 4.0.
//!
//! It reads vCard 2.1, 3.0 and 4.0 as Outlook (2003 to 2016), Google Contacts, Apple
//! Contacts (iPhone and macOS), Android, Evolution and Thunderbird write them: folded lines
//! (CRLF or LF), 2.1 quoted-printable with soft line breaks, `CHARSET=` (windows-1251,
//! koi8-r, ...), UTF-16 files with a BOM, 8-bit files that name no charset (read as
//! windows-1252, or windows-1251 when the bytes look Cyrillic), every spelling of `TYPE`, and
//! Apple/Google labels (`item1.TEL` with `item1.X-ABLabel`).
//!
//! # What goes where
//!
//! | vCard | field key | value |
//! | --- | --- | --- |
//! | `N` | `last_name`, `first_name`, `middle_name`, `prefix`, `suffix` | text |
//! | `FN` | `full_name` (and first/last when `N` is empty) | text |
//! | `NICKNAME` (and Android's `X-ANDROID-CUSTOM` nickname) | `nickname` | text |
//! | `ORG` | `organization` (first part), `department` (the rest) | relation, text |
//! | `TITLE` | `job_title` | text |
//! | `TEL` | `phones`: mobile, home, work, fax, pager, other, or the label | items |
//! | `EMAIL` | `emails`: home, work, other, or the label | items |
//! | `URL`, and `PHOTO` given as a link (kind `photo`) | `urls` | items |
//! | `ADR` | `addresses`: street = PO box, extended and street | addresses |
//! | `BDAY` | `birthday` (`--0314` and Apple's year 1604 mean no year) | partial date |
//! | `ANNIVERSARY`, `X-ANNIVERSARY`, Apple's `X-ABDATE` | `anniversary` | partial date |
//! | `NOTE` | `notes` | long text |
//! | `CATEGORIES` | `groups` | tags |
//! | `PHOTO` (base64 or `data:` URI) | `photo` | image |
//! | `UID` | `uid` (the record id when exporting a record without one) | text |
//!
//! Other properties are skipped, with a debug message in the plugin's log. Kinds vCard has
//! no type for are exported Apple-style, as `item1.TEL` plus `item1.X-ABLabel`, so that a
//! file exported and imported again gives back the same records.
//!
//! ```
//! use cardbase_plugin_sdk::{Importer, Value};
//! use cardbase_plugin_vcard::VcardImporter;
//!
//! let mut file = VcardImporter::start("team.vcf");
//! let entries = file
//!     .feed(b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;;\r\nFN:Ann Lee\r\nTEL;TYPE=CELL:+1 555 0100\r\nEND:VCARD\r\n")
//!     .unwrap();
//! assert_eq!(entries[0].text("first_name"), Some("Ann"));
//! assert!(matches!(entries[0].get("phones"), Some(Value::Items(items)) if items[0].kind == "mobile"));
//! ```

mod card;
mod content;
mod decode;
mod fields;
mod read;
mod write;

use cardbase_plugin_sdk::{Entry, Exporter, FieldInfo, Importer, Record, SectionInfo, config};

pub use write::Version;

/// One `.vcf` file being imported.
pub struct VcardImporter {
    reader: read::Reader,
}

impl Importer for VcardImporter {
    fn fields() -> Vec<FieldInfo> {
        fields::infos()
    }

    /// A `.vcf` or `.vcard` file, or one whose text starts with `BEGIN:VCARD` (after a BOM
    /// or blank space, in UTF-8, an 8-bit charset or UTF-16).
    fn sniff(file_name: &str, head: &[u8]) -> bool {
        let name = file_name.to_lowercase();
        if name.ends_with(".vcf") || name.ends_with(".vcard") {
            return true;
        }
        let text = decode::head_text(head);
        let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        start.get(..11).is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
    }

    fn start(_file_name: &str) -> Self {
        VcardImporter {
            reader: read::Reader::new(),
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Entry>, String> {
        Ok(self.reader.feed(chunk))
    }

    fn finish(&mut self) -> Result<Vec<Entry>, String> {
        Ok(self.reader.finish())
    }
}

/// One `.vcf` file being exported. The `version` setting chooses "3.0" (the default) or "4.0".
pub struct VcardExporter {
    version: Result<Version, String>,
}

impl Exporter for VcardExporter {
    fn start(_section: SectionInfo) -> Self {
        VcardExporter {
            version: Version::from_setting(config::get("version").as_deref()),
        }
    }

    fn write(&mut self, batch: Vec<Record>) -> Result<Vec<u8>, String> {
        let version = self.version.clone()?;
        Ok(batch
            .iter()
            .map(|record| write::card(record, version))
            .collect::<String>()
            .into_bytes())
    }

    fn finish(&mut self) -> Result<Vec<u8>, String> {
        self.version.clone().map(|_| Vec::new())
    }
}

cardbase_plugin_sdk::export_plugin!(importer: VcardImporter, exporter: VcardExporter);
