//! Plugin figures: the WASM vCard importer against the same parser compiled natively, on the
//! same file in the same process, and a Rhai reminder rule over many records.

use crate::figures::{Spread, time};
use crate::generate;
use anyhow::{Context, Result};
use cardbase_engine::Value;
use cardbase_engine::plugin::{PluginRecord, PluginValue};
use cardbase_plugin_host::Plugin;
use cardbase_plugin_sdk::Importer;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const CHUNK: usize = 256 * 1024;

fn quiet() -> Arc<cardbase_plugin_host::LogSink> {
    Arc::new(|_: &str, _: &str, _: &str| {})
}

fn bundled(id: &str) -> Result<Plugin> {
    let b = cardbase_bundled_plugins::PLUGINS
        .iter()
        .find(|p| p.manifest.contains(&format!("id = \"{id}\"")))
        .with_context(|| format!("no bundled plugin {id}"))?;
    let mut manifest = cardbase_plugin_host::manifest::Manifest::parse(b.manifest, id)?;
    // Figures, not safety: a generous budget so the limits never cut a run short.
    manifest.limits.time_ms = 60_000;
    manifest.limits.memory_mb = 512;
    Ok(Plugin::from_parts(manifest, b.entry, BTreeMap::new(), quiet(), None)?)
}

fn record(i: u64, values: Vec<(String, Value)>) -> PluginRecord {
    let fields = values
        .into_iter()
        .filter_map(|(k, v)| {
            let v = match v {
                Value::Text(t) => PluginValue::Text(t),
                Value::Items(i) => PluginValue::Items(i),
                Value::PartialDate { year, month, day } => PluginValue::PartialDate { year, month, day },
                _ => return None,
            };
            Some((k, v))
        })
        .collect();
    PluginRecord {
        id: (i + 1).to_string(),
        section: "contacts".into(),
        fields,
    }
}

/// The plugin figures of one measurement: run times of each step.
pub struct PluginFigures {
    /// The size of the vCard file the steps read, in bytes.
    pub file_bytes: usize,
    pub export: Vec<Duration>,
    pub native: Vec<Duration>,
    pub wasm: Vec<Duration>,
    pub rhai: Vec<Duration>,
    /// Reminders the Rhai rule found (a check that it did the work).
    pub reminders: usize,
}

/// Measures the vCard importer (WASM against native) and the birthdays rule over `cards`
/// generated contacts.
pub fn measure(cards: u64, runs: usize, seed: u64) -> Result<PluginFigures> {
    let mut rng = generate::Rng::new(seed);
    let records: Vec<PluginRecord> = (0..cards).map(|i| record(i, generate::contact(&mut rng, i))).collect();
    let vcard = bundled("vcard")?;
    let section = cardbase_engine::plugin::SectionInfo {
        key: "contacts".into(),
        label: "Contacts".into(),
        fields: Vec::new(),
    };
    // The file: the WASM exporter writes it (timed too).
    let (export_times, file) = time(runs, || {
        let mut session = vcard.exporter().context("vcard exports")?.start(&section)?;
        let mut out = Vec::new();
        for batch in records.chunks(1024) {
            out.extend(session.write(batch)?);
        }
        out.extend(session.finish()?);
        Ok(out)
    })?;
    let (native_times, native_n) = time(runs, || {
        let mut session = cardbase_plugin_vcard::VcardImporter::start("bench.vcf");
        let mut n = 0;
        for chunk in file.chunks(CHUNK) {
            n += session.feed(chunk).map_err(anyhow::Error::msg)?.len();
        }
        n += session.finish().map_err(anyhow::Error::msg)?.len();
        Ok(n)
    })?;
    let (wasm_times, wasm_n) = time(runs, || {
        let mut session = vcard.importer().context("vcard imports")?.start("bench.vcf")?;
        let mut n = 0;
        for chunk in file.chunks(CHUNK) {
            n += session.feed(chunk)?.len();
        }
        n += session.finish()?.len();
        Ok(n)
    })?;
    anyhow::ensure!(
        native_n == wasm_n && wasm_n as u64 == cards,
        "entries: native {native_n}, wasm {wasm_n}"
    );
    let birthdays = bundled("birthdays")?;
    let rule = birthdays.reminder_rule().context("birthdays is a rule")?;
    let now = chrono::Utc::now();
    let (rule_times, reminders) = time(runs, || {
        let mut n = 0;
        for batch in records.chunks(1024) {
            n += rule.reminders(now, 0, batch)?.len();
        }
        Ok(n)
    })?;

    Ok(PluginFigures {
        file_bytes: file.len(),
        export: export_times,
        native: native_times,
        wasm: wasm_times,
        rhai: rule_times,
        reminders,
    })
}

/// `cardbase-bench plugins`: the plugin figures alone.
pub fn run(cards: u64, runs: usize, seed: u64) -> Result<()> {
    let f = measure(cards, runs, seed)?;
    let mb = f.file_bytes as f64 / 1e6;
    println!("plugin figures: {cards} contacts, {mb:.1} MB of vCard 3.0, {runs} runs each (median, min–max)");
    let row = |name: &str, t: &[Duration], unit: f64| {
        let s = Spread::of_times(t);
        println!(
            "  {name:<34} {:>7.3} s  ({:.3}–{:.3})  {:>9.0} records/s",
            s.median,
            s.min,
            s.max,
            unit / s.median
        );
        s.median
    };
    row("vCard export, WASM", &f.export, cards as f64);
    let native = row("vCard import, native parse", &f.native, cards as f64);
    let wasm = row("vCard import, WASM component", &f.wasm, cards as f64);
    let rhai = row("birthdays rule, Rhai", &f.rhai, cards as f64);
    println!(
        "  WASM import speed / native: {:.2} (budget: at least 0.5)",
        native / wasm
    );
    println!(
        "  Rhai rule over {cards} records: {rhai:.3} s, {} reminders (budget: under 1 s per 100k)",
        f.reminders
    );
    println!("  peak resident memory: {}", crate::peak_memory());
    Ok(())
}
