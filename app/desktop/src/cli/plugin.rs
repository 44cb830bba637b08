//! `cardbase plugin ...`: install and manage plugins, and the harness plugin authors use to
//! check and run a plugin under the real limits without the app.

use super::Ctx;
use super::terminal::{DataOut, say, say_err};
use anyhow::{Context, Result, bail};
use cardbase_engine::Query;
use cardbase_engine::plugin::{PluginEntry, PluginValue};
use cardbase_plugin_host::manifest::CAPABILITIES;
use cardbase_plugin_host::{Plugin, stderr_log};
use cardbase_workflows::plugins::kinds;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value as Json, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// List the installed plugins
    List,
    /// Install (or update) a plugin from its folder or its plugin.toml
    Install {
        path: PathBuf,
        /// Grant a capability the plugin asks for (repeatable), e.g. --grant secrets
        #[arg(long = "grant", value_name = "CAPABILITY")]
        grant: Vec<String>,
    },
    /// Remove an installed plugin
    Remove { id: String },
    /// Enable an installed plugin
    Enable { id: String },
    /// Disable an installed plugin (it stays installed)
    Disable { id: String },
    /// Grant a capability a plugin asks for, e.g. `cardbase plugin grant pw-export secrets`
    Grant { id: String, capability: String },
    /// Take back a capability
    Revoke { id: String, capability: String },
    /// Change a plugin's setting, e.g. `cardbase plugin set vcard version 4.0`
    Set { id: String, key: String, value: String },
    /// Check a plugin without installing it: manifest, API version, imports, exports
    Check { path: PathBuf },
    /// Run a plugin under the real limits and print what it returns, its time and memory
    Run(RunArgs),
    /// Start a new plugin from a template that builds and passes its own test
    New {
        /// The plugin's id and folder name: lower-case letters, digits and dashes
        name: String,
        #[arg(long, value_enum)]
        kind: NewKind,
        #[arg(long, value_enum, default_value_t = NewRuntime::Wasm)]
        runtime: NewRuntime,
        /// Where to create the folder [default: the current folder]
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Importer,
    Exporter,
    ReminderRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewRuntime {
    Wasm,
    Rhai,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The plugin's folder or plugin.toml (installed plugins: their id)
    pub path: PathBuf,
    /// Import a file (no vault needed): prints each entry as a JSON line
    #[arg(long, value_name = "FILE", required_unless_present_any = ["export", "rules"], conflicts_with_all = ["export", "rules"])]
    pub import: Option<PathBuf>,
    /// Export a section of the vault: writes the plugin's output to --out or stdout
    #[arg(long, value_name = "SECTION", conflicts_with = "rules")]
    pub export: Option<String>,
    /// Run a reminder rule over the vault: prints each reminder as a JSON line
    #[arg(long)]
    pub rules: bool,
    /// The moment a rule runs at [default: now], e.g. "2026-12-31 09:00"
    #[arg(long, value_name = "DATETIME", requires = "rules")]
    pub now: Option<String>,
    /// Where an export goes [default: stdout]
    #[arg(long, value_name = "FILE", requires = "export")]
    pub out: Option<PathBuf>,
    /// A setting for this run, KEY=VALUE (repeatable)
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
}

pub fn run(ctx: &Ctx, command: PluginCommand) -> Result<()> {
    match command {
        PluginCommand::List => list(),
        PluginCommand::Install { path, grant } => {
            let mut plugins = super::plugin_host()?;
            let host = super::started(&mut plugins)?;
            let i = host.install(&path, &grant)?;
            say!(
                "Installed {} {} ({}, {}).",
                i.manifest.id,
                i.manifest.version,
                kinds(&i.manifest.kinds),
                i.manifest.runtime
            )?;
            for c in cardbase_workflows::plugins::withheld(&i) {
                say!("It asks for capability {c:?}, not granted (install again with --grant {c}).")?;
            }
            Ok(())
        }
        PluginCommand::Remove { id } => {
            super::started(&mut super::plugin_host()?)?.remove(&id)?;
            say!("Removed {id}.")?;
            Ok(())
        }
        PluginCommand::Enable { id } => {
            super::started(&mut super::plugin_host()?)?.set_enabled(&id, true)?;
            say!("Enabled {id}.")?;
            Ok(())
        }
        PluginCommand::Disable { id } => {
            super::started(&mut super::plugin_host()?)?.set_enabled(&id, false)?;
            say!("Disabled {id}.")?;
            Ok(())
        }
        PluginCommand::Grant { id, capability } => {
            super::started(&mut super::plugin_host()?)?.set_granted(&id, &capability, true)?;
            say!("Granted {id} {capability}.")?;
            Ok(())
        }
        PluginCommand::Revoke { id, capability } => {
            super::started(&mut super::plugin_host()?)?.set_granted(&id, &capability, false)?;
            say!("Took back {capability} from {id}.")?;
            Ok(())
        }
        PluginCommand::Set { id, key, value } => {
            super::started(&mut super::plugin_host()?)?.set_config(&id, &key, &value)?;
            say!("Set {id} {key} = {value:?}.")?;
            Ok(())
        }
        PluginCommand::Check { path } => check(&path),
        PluginCommand::Run(args) => run_plugin(ctx, args),
        PluginCommand::New {
            name,
            kind,
            runtime,
            dir,
        } => new(&name, kind, runtime, dir.as_deref()),
    }
}

fn list() -> Result<()> {
    let mut plugins = super::plugin_host()?;
    let host = super::started(&mut plugins)?;
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header(["id", "name", "version", "kind", "runtime", "enabled", "capabilities"]);
    for i in host.list()? {
        let caps: Vec<String> = i
            .manifest
            .capabilities
            .iter()
            .map(|c| {
                if i.state.granted.contains(c) {
                    c.clone()
                } else {
                    format!("{c} (not granted)")
                }
            })
            .collect();
        table.add_row([
            i.manifest.id.clone(),
            i.manifest.name.clone(),
            i.manifest.version.clone(),
            kinds(&i.manifest.kinds),
            i.manifest.runtime.to_string(),
            if i.state.enabled { "yes" } else { "no" }.to_string(),
            caps.join(", "),
        ]);
    }
    say!("{table}")?;
    Ok(())
}

/// Loads a plugin from a path, or an installed one by id.
fn open(path: &Path, config: &[String]) -> Result<Plugin> {
    let mut settings = std::collections::BTreeMap::new();
    for c in config {
        let (k, v) = c
            .split_once('=')
            .with_context(|| format!("--config {c:?}: write it as KEY=VALUE"))?;
        settings.insert(k.trim().to_string(), v.to_string());
    }
    let source = if path.exists() {
        path.to_path_buf()
    } else {
        let mut plugins = super::plugin_host()?;
        let host = super::started(&mut plugins)?;
        host.get(&path.to_string_lossy())?.dir
    };
    let (mut manifest, entry) = cardbase_plugin_host::read_plugin(&source)?;
    settings = manifest.config.clone().into_iter().chain(settings).collect();
    manifest.config.clear();
    Ok(Plugin::from_parts(manifest, &entry, settings, stderr_log(), None)?)
}

fn check(path: &Path) -> Result<()> {
    let started = Instant::now();
    let plugin = open(path, &[])?;
    let m = &plugin.manifest;
    say!(
        "{} {}: {} ({}), plugin API {}: OK, loaded in {} ms.",
        m.id,
        m.version,
        kinds(&m.kinds),
        m.runtime,
        m.api,
        started.elapsed().as_millis()
    )?;
    if let Some(i) = plugin.importer() {
        let fields = i.fields()?;
        let list: Vec<String> = fields.iter().map(|f| format!("{} ({})", f.key, f.kind)).collect();
        say!("Importer fields: {}.", list.join(", "))?;
    }
    if let Some(r) = plugin.reminder_rule() {
        say!("Reminder rule over: {}.", r.sections()?.join(", "))?;
    }
    for c in &m.capabilities {
        let what = CAPABILITIES.iter().find(|(k, _)| k == c).map_or("", |(_, w)| *w);
        say!("Asks for capability {c}: {what}.")?;
    }
    Ok(())
}

/// The process's peak resident memory, in MB (Linux), for the author's figures.
fn peak_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(|| "unknown".into(), |kb| format!("{} MB", kb / 1024))
}

fn run_plugin(ctx: &Ctx, args: RunArgs) -> Result<()> {
    let plugin = open(&args.path, &args.config)?;
    let id = plugin.manifest.id.clone();
    let started = Instant::now();
    let summary = if let Some(file) = &args.import {
        let importer = plugin
            .importer()
            .with_context(|| format!("plugin {id} is not an importer"))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut source = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
        let mut session = importer.start(&name)?;
        let (mut good, mut bad) = (0usize, 0usize);
        let mut chunk = vec![0; cardbase_engine::import::plugin_reader::CHUNK_BYTES];
        loop {
            let n =
                std::io::Read::read(&mut source, &mut chunk).with_context(|| format!("reading {}", file.display()))?;
            let entries = if n == 0 {
                session.finish()?
            } else {
                session.feed(&chunk[..n])?
            };
            for e in &entries {
                if e.error.is_some() {
                    bad += 1;
                } else {
                    good += 1;
                }
                // A plugin's output, shown as JSON: escaped as everything else is.
                say!("{}", entry_json(e))?;
            }
            if n == 0 {
                break;
            }
        }
        format!("{good} entries, {bad} bad")
    } else if let Some(section) = &args.export {
        let exporter = plugin
            .exporter()
            .with_context(|| format!("plugin {id} is not an exporter"))?;
        let vault = ctx.open()?;
        let mut out: Box<dyn Write> = match &args.out {
            Some(p) => Box::new(std::io::BufWriter::new(cardbase_workflows::atomic::create_private(p)?)),
            None => Box::new(DataOut::stdout()),
        };
        let stats = vault.export_with_plugin(&Query::section(section), exporter, &mut out, &mut |_, _| true)?;
        format!("{} records, {} bytes", stats.records, stats.bytes)
    } else {
        let rule = plugin
            .reminder_rule()
            .with_context(|| format!("plugin {id} is not a reminder rule"))?;
        let now = match &args.now {
            Some(t) => super::moment(t)?,
            None => chrono::Utc::now(),
        };
        let vault = ctx.open()?;
        let (found, failed) = vault.reminders_with(now, 366, None, &chrono::Local, &[rule])?;
        if let Some(e) = failed.into_iter().next() {
            bail!(e);
        }
        let found: Vec<_> = found.into_iter().filter(|r| r.id.starts_with("plugin:")).collect();
        for r in &found {
            say!("{}", serde_json::to_string(r)?)?;
        }
        format!("{} reminders", found.len())
    };
    say_err!(
        "{id}: {summary} in {} ms; peak memory {}.",
        started.elapsed().as_millis(),
        peak_mb()
    );
    Ok(())
}

fn value_json(v: &PluginValue) -> Json {
    match v {
        PluginValue::Text(t) => json!(t),
        PluginValue::Number(n) => json!(n),
        PluginValue::Money { cents, currency } => json!({"cents": cents, "currency": currency}),
        PluginValue::Checkbox(b) => json!(b),
        PluginValue::Tags(t) => json!(t),
        PluginValue::Items(items) => json!(items),
        PluginValue::Addresses(a) => json!(a),
        PluginValue::Image { mime, data } => json!({"mime": mime, "bytes": data.len()}),
        PluginValue::Relation(r) => json!({"relation": r}),
        PluginValue::Date(_) | PluginValue::PartialDate { .. } | PluginValue::DateTime(_) => json!(v.display()),
    }
}

fn entry_json(e: &PluginEntry) -> Json {
    let fields: serde_json::Map<String, Json> = e.fields.iter().map(|(k, v)| (k.clone(), value_json(v))).collect();
    let mut j = json!({"line": e.line, "fields": fields});
    if let Some(err) = &e.error {
        j["error"] = json!(err);
    }
    j
}

/// Where the SDK is, for a new plugin's Cargo.toml: beside this source tree.
fn sdk_path() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugin-api/sdk");
    here.canonicalize().unwrap_or(here)
}

fn new(name: &str, kind: NewKind, runtime: NewRuntime, dir: Option<&Path>) -> Result<()> {
    let folder = dir.unwrap_or(Path::new(".")).join(name);
    if folder.exists() {
        bail!("{} already exists; choose another name or --dir", folder.display());
    }
    let (kind_name, ext) = match kind {
        NewKind::Importer => ("importer", "phones"),
        NewKind::Exporter => ("exporter", "txt"),
        NewKind::ReminderRule => ("reminder-rule", "rule"),
    };
    let title: String = name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let crate_name = format!("{name}-plugin");
    let fill = |t: &str| {
        t.replace("{{id}}", name)
            .replace("{{title}}", &title)
            .replace("{{kind}}", kind_name)
            .replace("{{ext}}", ext)
            .replace("{{crate}}", &crate_name)
            .replace("{{crate_file}}", &crate_name.replace('-', "_"))
            .replace("{{sdk}}", &sdk_path().display().to_string())
    };
    // Check the id the way the host will, before writing anything.
    cardbase_plugin_host::manifest::Manifest::parse(
        &fill(include_str!("../../../../plugin-api/templates/rhai-plugin.toml")),
        "plugin.toml",
    )?;
    let write = |rel: &str, text: String| -> Result<()> {
        let p = folder.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))
    };
    match runtime {
        NewRuntime::Wasm => {
            write(
                "Cargo.toml",
                fill(include_str!("../../../../plugin-api/templates/wasm-Cargo.toml")),
            )?;
            write(
                "plugin.toml",
                fill(include_str!("../../../../plugin-api/templates/wasm-plugin.toml")),
            )?;
            let lib = match kind {
                NewKind::Importer => include_str!("../../../../plugin-api/templates/wasm-importer.rs"),
                NewKind::Exporter => include_str!("../../../../plugin-api/templates/wasm-exporter.rs"),
                NewKind::ReminderRule => include_str!("../../../../plugin-api/templates/wasm-reminder-rule.rs"),
            };
            write("src/lib.rs", fill(lib))?;
        }
        NewRuntime::Rhai => {
            write(
                "plugin.toml",
                fill(include_str!("../../../../plugin-api/templates/rhai-plugin.toml")),
            )?;
            let script = match kind {
                NewKind::Importer => include_str!("../../../../plugin-api/templates/rhai-importer.rhai"),
                NewKind::Exporter => include_str!("../../../../plugin-api/templates/rhai-exporter.rhai"),
                NewKind::ReminderRule => include_str!("../../../../plugin-api/templates/rhai-reminder-rule.rhai"),
            };
            write(&format!("{name}.rhai"), fill(script))?;
        }
    }
    if kind == NewKind::Importer {
        write(
            &format!("sample.{ext}"),
            include_str!("../../../../plugin-api/templates/sample.txt").to_string(),
        )?;
    }
    let shown = folder.display();
    say!(
        "Created {title} ({kind_name}, {}) in {shown}.",
        match runtime {
            NewRuntime::Wasm => "wasm",
            NewRuntime::Rhai => "rhai",
        }
    )?;
    let job = match kind {
        NewKind::Importer => format!("--import {shown}/sample.{ext}"),
        NewKind::Exporter => "--export contacts".to_string(),
        NewKind::ReminderRule => "--rules".to_string(),
    };
    if runtime == NewRuntime::Wasm {
        say!("Test and build it:")?;
        say!("  cd {shown} && cargo test && cargo build --release --target wasm32-wasip2 --target-dir target")?;
    }
    say!("Then check and run it:")?;
    say!("  cardbase plugin check {shown}")?;
    say!("  cardbase plugin run {shown} {job}")?;
    say!("And install it: cardbase plugin install {shown}")?;
    Ok(())
}
