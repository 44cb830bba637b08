//! Small helpers shared by the engine's integration tests: a vault in a temporary directory,
//! records built from `key = text` pairs, and what a user would see of them.

#![allow(dead_code)]

use cardbase_engine::{Passphrase, Preset, Query, RecordId, Vault};
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use tempfile::TempDir;

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn passphrase() -> Passphrase {
    Passphrase::new(PASSPHRASE)
}

/// A vault in its own temporary directory; the vault is closed before the directory goes.
pub struct TestVault {
    pub vault: Vault,
    pub dir: TempDir,
}

impl TestVault {
    pub fn path(&self) -> PathBuf {
        self.vault.path().to_path_buf()
    }
}

impl Deref for TestVault {
    type Target = Vault;
    fn deref(&self) -> &Vault {
        &self.vault
    }
}

impl DerefMut for TestVault {
    fn deref_mut(&mut self) -> &mut Vault {
        &mut self.vault
    }
}

/// A fresh vault made from a preset.
pub fn vault(preset: Preset) -> TestVault {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::create(&dir.path().join("test.cardbase"), &passphrase(), preset).unwrap();
    TestVault { vault, dir }
}

pub fn personal() -> TestVault {
    vault(Preset::Personal)
}

pub fn client_base() -> TestVault {
    vault(Preset::ClientBase)
}

/// Creates a record from `key = text` pairs, as a user types them.
pub fn add(vault: &mut Vault, section: &str, input: &[(&str, &str)]) -> RecordId {
    vault
        .create_record_from_text(section, input)
        .unwrap_or_else(|e| panic!("creating {section} {input:?}: {e}"))
}

/// Changes fields of a record from `key = text` pairs; empty text clears.
pub fn set(vault: &mut Vault, id: RecordId, input: &[(&str, &str)]) {
    vault
        .update_record_from_text(id, input)
        .unwrap_or_else(|e| panic!("updating #{id} {input:?}: {e}"))
}

/// What a user sees in a field of a record: its displayed value, or "" when empty.
pub fn shown(vault: &Vault, id: RecordId, key: &str) -> String {
    vault
        .record(id)
        .unwrap()
        .get(key)
        .map(|v| v.display())
        .unwrap_or_default()
}

/// The ids a query lists, in order.
pub fn ids(vault: &Vault, q: &Query) -> Vec<RecordId> {
    vault.list(q).unwrap().records.iter().map(|r| r.id).collect()
}

/// The ids a quick search finds in a section, in id order.
pub fn found(vault: &Vault, section: &str, search: &str) -> Vec<RecordId> {
    ids(vault, &Query::section(section).search(search))
}

/// Keys of a section's fields as the user sees them, in order.
pub fn visible_fields(vault: &Vault, section: &str) -> Vec<String> {
    vault
        .schema()
        .require_section(section)
        .unwrap()
        .visible_fields()
        .map(|f| f.key.clone())
        .collect()
}

/// Keys of the live sections, in order.
pub fn section_keys(vault: &Vault) -> Vec<String> {
    vault.schema().live_sections().map(|s| s.key.clone()).collect()
}
