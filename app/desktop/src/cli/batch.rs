//! `cardbase batch` (hidden): adds and edits read from stdin, one per line, each committed on
//! its own and reported as soon as it is, as `add` and `edit` report them. For scripts that
//! make many changes with one passphrase derivation, and for the crash tests, which kill it
//! mid-stream and then look for every record it reported.
//!
//! Lines are tab-separated: `add<TAB>SECTION<TAB>KEY=VALUE…` or `edit<TAB>ID<TAB>KEY=VALUE…`.

use super::records;
use anyhow::{Context, Result, bail};
use cardbase_engine::Vault;
use std::io::BufRead;

pub fn run(vault: &mut Vault) -> Result<()> {
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split('\t');
        let (verb, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        let sets: Vec<String> = parts.map(String::from).collect();
        // `add` and `edit` print once the change is committed (stdout is line-buffered).
        let done = match verb {
            "add" => records::add(vault, target, &sets),
            "edit" => records::edit(vault, target, &sets),
            _ => bail!("stdin line {}: start it with add or edit and a tab", i + 1),
        };
        done.with_context(|| format!("stdin line {}", i + 1))?;
    }
    Ok(())
}
