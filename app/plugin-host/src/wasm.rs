//! WASM component plugins under wasmtime.
//!
//! The sandbox: a component may import only the plugin API's `log` and `config` and the
//! parts of WASI that Rust's standard library needs to start (streams, environment, exit,
//! random); a component importing files, sockets or clocks is refused when it is loaded.
//! Even those WASI parts are empty here: no arguments, no environment, no preopened folder,
//! no network; stdout is dropped and stderr is kept for the error message of a crash.
//! Every job (a sniff, one import or export session, one batch of a reminder rule) gets a
//! fresh `Store` from an `InstancePre`, with a memory limit and an epoch deadline set right
//! before each call; a store that trapped is never called again.

use crate::manifest::{Kind, Limits, Manifest};
use cardbase_engine::plugin::{
    ExportPlugin, ExportSession, FieldInfo, ImportPlugin, ImportSession, PluginEntry, PluginError, PluginRecord,
    PluginReminder, PluginValue, ReminderPlugin, SectionInfo,
};
use cardbase_engine::records::{Address, Item};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use wasmtime::component::{Component, HasSelf, Linker, ResourceAny};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{ResourceTable, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

mod importer_world {
    wasmtime::component::bindgen!({
        path: "../../plugin-api/wit/1.0.0",
        world: "importer",
    });
}

mod exporter_world {
    wasmtime::component::bindgen!({
        path: "../../plugin-api/wit/1.0.0",
        world: "exporter",
        with: {
            "cardbase:plugin/types": super::importer_world::cardbase::plugin::types,
            "cardbase:plugin/log": super::importer_world::cardbase::plugin::log,
            "cardbase:plugin/config": super::importer_world::cardbase::plugin::config,
        },
    });
}

mod rule_world {
    wasmtime::component::bindgen!({
        path: "../../plugin-api/wit/1.0.0",
        world: "reminder-rule",
        with: {
            "cardbase:plugin/types": super::importer_world::cardbase::plugin::types,
            "cardbase:plugin/log": super::importer_world::cardbase::plugin::log,
            "cardbase:plugin/config": super::importer_world::cardbase::plugin::config,
        },
    });
}

use importer_world::cardbase::plugin::{config as wit_config, log as wit_log, types as wit};

/// How often the deadline clock ticks.
const TICK: Duration = Duration::from_millis(10);

/// Interfaces a plugin may import: the plugin API's own, and the WASI parts Rust's standard
/// library links even when a plugin never uses them. No files, sockets or clocks.
const ALLOWED_IMPORTS: &[&str] = &[
    "cardbase:plugin/types",
    "cardbase:plugin/log",
    "cardbase:plugin/config",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
];

/// Why an import outside [`ALLOWED_IMPORTS`] is refused, in words.
fn refusal(import: &str) -> &'static str {
    if import.starts_with("wasi:filesystem") {
        "plugins may not read or write files"
    } else if import.starts_with("wasi:sockets") || import.starts_with("wasi:http") {
        "plugins may not use the network"
    } else if import.starts_with("wasi:clocks") {
        "plugins get no clock (use the `now` the host passes in)"
    } else {
        "it is not part of the plugin API"
    }
}

/// The one wasmtime engine of the process, with its deadline clock.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        // Deep recursion traps with a stack overflow long before it could hurt the host.
        config.max_wasm_stack(512 * 1024);
        let engine = Engine::new(&config).expect("the wasmtime configuration is valid");
        let ticking = engine.weak();
        std::thread::Builder::new()
            .name("plugin-deadlines".into())
            .spawn(move || {
                while let Some(engine) = ticking.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(TICK);
                }
            })
            .expect("a thread can be started");
        engine
    })
}

/// A hash of the engine's compilation settings, so a cached compiled plugin is used only by
/// an engine that can run it.
fn engine_hash() -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine().precompile_compatibility_hash().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// What a store holds: the empty WASI context, the limits and the plugin's settings.
struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
    config: Arc<BTreeMap<String, String>>,
    log: Arc<crate::LogSink>,
    plugin: Arc<str>,
    logged: usize,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl wit::Host for State {}

impl wit_log::Host for State {
    fn log(&mut self, level: wit_log::Level, message: String) {
        // A plugin cannot flood the log: a thousand messages per job, each cut short.
        self.logged += 1;
        if self.logged > 1000 {
            return;
        }
        let level = match level {
            wit_log::Level::Error => "error",
            wit_log::Level::Warn => "warn",
            wit_log::Level::Info => "info",
            wit_log::Level::Debug => "debug",
            wit_log::Level::Trace => "trace",
        };
        let message: String = message.chars().take(1000).collect();
        (self.log)(&self.plugin, level, &message);
    }
}

impl wit_config::Host for State {
    fn get(&mut self, key: String) -> Option<String> {
        self.config.get(&key).cloned()
    }
}

/// Memory and table limits that remember being hit, for a clear error.
struct Limiter {
    memory: usize,
    hit: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.memory {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// A loaded WASM plugin: its component checked and linked, ready for fresh stores.
pub struct WasmPlugin {
    id: Arc<str>,
    secrets: bool,
    limits: Limits,
    config: Arc<BTreeMap<String, String>>,
    log: Arc<crate::LogSink>,
    importer: Option<importer_world::ImporterPre<State>>,
    exporter: Option<exporter_world::ExporterPre<State>>,
    rule: Option<rule_world::ReminderRulePre<State>>,
}

/// The imports of a component that the sandbox does not allow, each with the reason.
pub fn refused_imports(component: &Component) -> Vec<String> {
    component
        .component_type()
        .imports(engine())
        .map(|(name, _)| name.to_string())
        .filter(|name| {
            let unversioned = name.split('@').next().unwrap_or(name);
            !ALLOWED_IMPORTS.contains(&unversioned)
        })
        .map(|name| format!("{name} ({})", refusal(&name)))
        .collect()
}

/// Compiles a component, or takes it from the cache of compiled plugins (keyed by the wasm's
/// hash and the engine's settings).
fn compile(id: &str, wasm: &[u8], cache: Option<&Path>) -> Result<Component, PluginError> {
    let fail = |m: String| PluginError::new(id, m);
    let Some(cache) = cache else {
        return Component::new(engine(), wasm).map_err(|e| fail(format!("is not a valid WASM component: {e}")));
    };
    let cached = cache.join(format!("{}-{}.cwasm", crate::sha256_hex(wasm), engine_hash()));
    if cached.exists() {
        // SAFETY: the cache holds only what `precompile_component` wrote for this engine's
        // settings (the file name carries both hashes) in the app's own cache folder.
        if let Ok(c) = unsafe { Component::deserialize_file(engine(), &cached) } {
            return Ok(c);
        }
    }
    let compiled = engine()
        .precompile_component(wasm)
        .map_err(|e| fail(format!("is not a valid WASM component: {e}")))?;
    // A failed cache write only costs a compilation next time.
    if std::fs::create_dir_all(cache).is_ok() {
        let partial = cached.with_extension("partial");
        if std::fs::write(&partial, &compiled).is_ok() {
            let _ = std::fs::rename(&partial, &cached);
        }
    }
    // SAFETY: `compiled` was just made by this engine's `precompile_component`.
    unsafe { Component::deserialize(engine(), &compiled) }.map_err(|e| fail(e.to_string()))
}

impl WasmPlugin {
    /// Checks and links a component for the kinds its manifest names.
    pub fn load(
        manifest: &Manifest,
        wasm: &[u8],
        config: BTreeMap<String, String>,
        log: Arc<crate::LogSink>,
        cache: Option<&Path>,
    ) -> Result<WasmPlugin, PluginError> {
        let id: Arc<str> = manifest.id.as_str().into();
        let fail = |m: String| PluginError::new(&*id, m);
        let component = compile(&id, wasm, cache)?;
        let refused = refused_imports(&component);
        if !refused.is_empty() {
            return Err(fail(format!("is refused: it imports {}", refused.join(", "))));
        }
        let mut linker: Linker<State> = Linker::new(engine());
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| fail(e.to_string()))?;
        importer_world::Importer::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)
            .map_err(|e| fail(e.to_string()))?;
        let pre = linker
            .instantiate_pre(&component)
            .map_err(|e| fail(format!("cannot be linked: {e}")))?;
        let missing = |kind: Kind, e: wasmtime::Error| {
            fail(format!("says it is an {kind} but does not export its interface: {e}"))
        };
        let importer = manifest
            .is(Kind::Importer)
            .then(|| importer_world::ImporterPre::new(pre.clone()).map_err(|e| missing(Kind::Importer, e)))
            .transpose()?;
        let exporter = manifest
            .is(Kind::Exporter)
            .then(|| exporter_world::ExporterPre::new(pre.clone()).map_err(|e| missing(Kind::Exporter, e)))
            .transpose()?;
        let rule = manifest
            .is(Kind::ReminderRule)
            .then(|| rule_world::ReminderRulePre::new(pre.clone()).map_err(|e| missing(Kind::ReminderRule, e)))
            .transpose()?;
        Ok(WasmPlugin {
            id,
            secrets: false,
            limits: manifest.limits.clamped(),
            config: Arc::new(config),
            log,
            importer,
            exporter,
            rule,
        })
    }

    fn store(&self) -> Job {
        let stderr = MemoryOutputPipe::new(16 * 1024);
        let wasi = WasiCtxBuilder::new()
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let mut store = Store::new(
            engine(),
            State {
                wasi,
                table: ResourceTable::new(),
                limiter: Limiter {
                    memory: self.limits.memory_mb as usize * 1024 * 1024,
                    hit: false,
                },
                config: crate::with_now(&self.config),
                log: self.log.clone(),
                plugin: self.id.clone(),
                logged: 0,
            },
        );
        store.limiter(|s| &mut s.limiter);
        store.epoch_deadline_trap();
        Job {
            store,
            stderr,
            id: self.id.clone(),
            limits: self.limits,
            broken: false,
        }
    }

    fn fail(&self, m: impl Into<String>) -> PluginError {
        PluginError::new(&*self.id, m)
    }
}

/// One job's store, and what is needed to explain how a call in it failed.
struct Job {
    store: Store<State>,
    stderr: MemoryOutputPipe,
    id: Arc<str>,
    limits: Limits,
    broken: bool,
}

impl Job {
    /// Runs one call under the deadline; after a failure the store is never used again.
    fn call<R>(&mut self, f: impl FnOnce(&mut Store<State>) -> wasmtime::Result<R>) -> Result<R, PluginError> {
        if self.broken {
            return Err(PluginError::new(&*self.id, "was stopped after an earlier error"));
        }
        let ticks = (self.limits.time_ms / TICK.as_millis() as u64).max(1);
        self.store.set_epoch_deadline(ticks);
        f(&mut self.store).map_err(|e| {
            self.broken = true;
            PluginError::new(&*self.id, self.explain(e))
        })
    }

    fn explain(&self, e: wasmtime::Error) -> String {
        if self.store.data().limiter.hit {
            return format!("was stopped: it used more than {} MiB of memory", self.limits.memory_mb);
        }
        let said = String::from_utf8_lossy(&self.stderr.contents()).trim().to_string();
        // Rust's panic message: "thread '…' panicked at file:line:col:" then the message.
        let lines: Vec<&str> = said.lines().collect();
        let said = lines
            .iter()
            .position(|l| l.contains("panicked at"))
            .map(|i| {
                let place = lines[i].split_once("panicked at ").map_or(lines[i], |(_, p)| p);
                let message = lines.get(i + 1).copied().unwrap_or("");
                format!(": panicked at {place} {message}")
                    .chars()
                    .take(400)
                    .collect::<String>()
            })
            .unwrap_or_default();
        match e.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => format!(
                "was stopped: it ran longer than {} s",
                self.limits.time_ms as f64 / 1000.0
            ),
            Some(Trap::StackOverflow) => "was stopped: it recursed too deeply (stack overflow)".into(),
            Some(Trap::UnreachableCodeReached) => format!("crashed{said}"),
            Some(trap) => format!("crashed ({trap}){said}"),
            None => format!("failed: {e:#}"),
        }
    }

    fn check_size(&mut self, bytes: usize) -> Result<(), PluginError> {
        let max = self.limits.output_mb as usize * 1024 * 1024;
        if bytes > max {
            self.broken = true;
            return Err(PluginError::new(
                &*self.id,
                format!(
                    "was stopped: it returned {} MiB at once, more than its {} MiB",
                    bytes / (1024 * 1024),
                    self.limits.output_mb
                ),
            ));
        }
        Ok(())
    }

    /// A call whose result is the plugin's own `result<_, string>`.
    fn own<R>(&mut self, r: Result<R, String>) -> Result<R, PluginError> {
        r.map_err(|m| {
            self.broken = true;
            PluginError::new(&*self.id, m.chars().take(2000).collect::<String>())
        })
    }
}

impl ImportPlugin for WasmPlugin {
    fn name(&self) -> &str {
        &self.id
    }

    fn fields(&self) -> Result<Vec<FieldInfo>, PluginError> {
        let pre = self.importer.as_ref().ok_or_else(|| self.fail("is not an importer"))?;
        let mut job = self.store();
        let fields = job.call(|s| pre.instantiate(&mut *s)?.cardbase_plugin_importer_api().call_fields(s))?;
        Ok(fields
            .into_iter()
            .map(|f| FieldInfo {
                key: f.key,
                label: f.label,
                kind: f.kind,
            })
            .collect())
    }

    fn sniff(&self, file_name: &str, head: &[u8]) -> Result<bool, PluginError> {
        let pre = self.importer.as_ref().ok_or_else(|| self.fail("is not an importer"))?;
        let mut job = self.store();
        job.call(|s| {
            pre.instantiate(&mut *s)?
                .cardbase_plugin_importer_api()
                .call_sniff(s, file_name, head)
        })
    }

    fn start(&self, file_name: &str) -> Result<Box<dyn ImportSession>, PluginError> {
        let pre = self.importer.as_ref().ok_or_else(|| self.fail("is not an importer"))?;
        let mut job = self.store();
        let (bindings, session) = job.call(|s| {
            let bindings = pre.instantiate(&mut *s)?;
            let session = bindings
                .cardbase_plugin_importer_api()
                .session()
                .call_constructor(&mut *s, file_name)?;
            Ok((bindings, session))
        })?;
        Ok(Box::new(WasmImport { job, bindings, session }))
    }
}

struct WasmImport {
    job: Job,
    bindings: importer_world::Importer,
    session: ResourceAny,
}

impl WasmImport {
    fn entries(&mut self, got: Result<Vec<wit::Entry>, String>) -> Result<Vec<PluginEntry>, PluginError> {
        let got = self.job.own(got)?;
        let size: usize = got.iter().map(entry_size).sum();
        self.job.check_size(size)?;
        got.into_iter()
            .map(|e| {
                Ok(PluginEntry {
                    line: e.line,
                    fields: e
                        .fields
                        .into_iter()
                        .map(|f| {
                            Ok((
                                f.key,
                                from_wit(f.value).map_err(|m| PluginError::new(&*self.job.id, m))?,
                            ))
                        })
                        .collect::<Result<_, PluginError>>()?,
                    error: e.error,
                })
            })
            .collect()
    }
}

impl ImportSession for WasmImport {
    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<PluginEntry>, PluginError> {
        let (bindings, session) = (&self.bindings, self.session);
        let got = self.job.call(|s| {
            bindings
                .cardbase_plugin_importer_api()
                .session()
                .call_feed(s, session, chunk)
        })?;
        self.entries(got)
    }

    fn finish(&mut self) -> Result<Vec<PluginEntry>, PluginError> {
        let (bindings, session) = (&self.bindings, self.session);
        let got = self.job.call(|s| {
            bindings
                .cardbase_plugin_importer_api()
                .session()
                .call_finish(s, session)
        })?;
        self.entries(got)
    }
}

impl ExportPlugin for WasmPlugin {
    fn name(&self) -> &str {
        &self.id
    }

    fn sees_secrets(&self) -> bool {
        self.secrets
    }

    fn start(&self, section: &SectionInfo) -> Result<Box<dyn ExportSession>, PluginError> {
        let pre = self.exporter.as_ref().ok_or_else(|| self.fail("is not an exporter"))?;
        let mut job = self.store();
        let info = wit::SectionInfo {
            key: section.key.clone(),
            label: section.label.clone(),
            fields: section
                .fields
                .iter()
                .map(|f| wit::FieldInfo {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    kind: f.kind.clone(),
                })
                .collect(),
        };
        let (bindings, session) = job.call(|s| {
            let bindings = pre.instantiate(&mut *s)?;
            let session = bindings
                .cardbase_plugin_exporter_api()
                .session()
                .call_constructor(&mut *s, &info)?;
            Ok((bindings, session))
        })?;
        Ok(Box::new(WasmExport { job, bindings, session }))
    }
}

struct WasmExport {
    job: Job,
    bindings: exporter_world::Exporter,
    session: ResourceAny,
}

impl WasmExport {
    fn bytes(&mut self, got: Result<Vec<u8>, String>) -> Result<Vec<u8>, PluginError> {
        let got = self.job.own(got)?;
        self.job.check_size(got.len())?;
        Ok(got)
    }
}

impl ExportSession for WasmExport {
    fn write(&mut self, batch: &[PluginRecord]) -> Result<Vec<u8>, PluginError> {
        let records: Vec<wit::Record> = batch.iter().map(to_wit_record).collect();
        let (bindings, session) = (&self.bindings, self.session);
        let got = self.job.call(|s| {
            bindings
                .cardbase_plugin_exporter_api()
                .session()
                .call_write(s, session, &records)
        })?;
        self.bytes(got)
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        let (bindings, session) = (&self.bindings, self.session);
        let got = self.job.call(|s| {
            bindings
                .cardbase_plugin_exporter_api()
                .session()
                .call_finish(s, session)
        })?;
        self.bytes(got)
    }
}

impl ReminderPlugin for WasmPlugin {
    fn name(&self) -> &str {
        &self.id
    }

    fn sees_secrets(&self) -> bool {
        self.secrets
    }

    fn sections(&self) -> Result<Vec<String>, PluginError> {
        let pre = self.rule.as_ref().ok_or_else(|| self.fail("is not a reminder rule"))?;
        let mut job = self.store();
        job.call(|s| {
            pre.instantiate(&mut *s)?
                .cardbase_plugin_reminder_rule_api()
                .call_sections(s)
        })
    }

    fn reminders(
        &self,
        now: DateTime<Utc>,
        utc_offset: i32,
        batch: &[PluginRecord],
    ) -> Result<Vec<PluginReminder>, PluginError> {
        let pre = self.rule.as_ref().ok_or_else(|| self.fail("is not a reminder rule"))?;
        let records: Vec<wit::Record> = batch.iter().map(to_wit_record).collect();
        let mut job = self.store();
        let got = job.call(|s| {
            pre.instantiate(&mut *s)?
                .cardbase_plugin_reminder_rule_api()
                .call_reminders(s, now.timestamp(), utc_offset, &records)
        })?;
        let got = job.own(got)?;
        job.check_size(
            got.iter()
                .map(|r| r.title.len() + r.key.len() + r.record_id.len())
                .sum(),
        )?;
        got.into_iter()
            .map(|r| {
                Ok(PluginReminder {
                    due: Utc
                        .timestamp_opt(r.due, 0)
                        .single()
                        .ok_or_else(|| self.fail(format!("returned an impossible due time {}", r.due)))?,
                    record_id: r.record_id,
                    key: r.key,
                    title: r.title,
                })
            })
            .collect()
    }
}

fn entry_size(e: &wit::Entry) -> usize {
    e.fields
        .iter()
        .map(|f| f.key.len() + value_size(&f.value))
        .sum::<usize>()
        + e.error.as_ref().map_or(0, String::len)
}

fn value_size(v: &wit::Value) -> usize {
    match v {
        wit::Value::Text(t) | wit::Value::Relation(t) => t.len(),
        wit::Value::Tags(t) => t.iter().map(String::len).sum(),
        wit::Value::Items(i) => i.iter().map(|i| i.kind.len() + i.value.len()).sum(),
        wit::Value::Addresses(a) => a.len() * 64,
        wit::Value::Image(i) => i.data.len(),
        _ => 16,
    }
}

/// A value from a plugin, checked: dates must be real dates.
fn from_wit(v: wit::Value) -> Result<PluginValue, String> {
    let date = |y: i32, m: u8, d: u8| {
        NaiveDate::from_ymd_opt(y, m as u32, d as u32).ok_or_else(|| format!("returned an impossible date {y}-{m}-{d}"))
    };
    Ok(match v {
        wit::Value::Text(t) => PluginValue::Text(t),
        wit::Value::Number(n) => PluginValue::Number(n),
        wit::Value::Money(m) => PluginValue::Money {
            cents: m.cents,
            currency: m.currency,
        },
        wit::Value::Date(d) => PluginValue::Date(date(d.year, d.month, d.day)?),
        wit::Value::PartialDate(d) => {
            date(d.year.unwrap_or(2000), d.month, d.day)?;
            PluginValue::PartialDate {
                year: d.year,
                month: d.month as u32,
                day: d.day as u32,
            }
        }
        wit::Value::DateTime(t) => PluginValue::DateTime(
            Utc.timestamp_opt(t, 0)
                .single()
                .ok_or_else(|| format!("returned an impossible time {t}"))?,
        ),
        wit::Value::Checkbox(b) => PluginValue::Checkbox(b),
        wit::Value::Tags(t) => PluginValue::Tags(t),
        wit::Value::Items(i) => PluginValue::Items(
            i.into_iter()
                .map(|i| Item {
                    kind: i.kind,
                    value: i.value,
                })
                .collect(),
        ),
        wit::Value::Addresses(a) => PluginValue::Addresses(
            a.into_iter()
                .map(|a| Address {
                    kind: a.kind,
                    street: a.street,
                    city: a.city,
                    region: a.region,
                    postcode: a.postcode,
                    country: a.country,
                })
                .collect(),
        ),
        wit::Value::Image(i) => PluginValue::Image {
            mime: i.mime,
            data: i.data,
        },
        wit::Value::Relation(r) => PluginValue::Relation(r),
    })
}

fn to_wit(v: &PluginValue) -> wit::Value {
    use chrono::Datelike;
    match v {
        PluginValue::Text(t) => wit::Value::Text(t.clone()),
        PluginValue::Number(n) => wit::Value::Number(*n),
        PluginValue::Money { cents, currency } => wit::Value::Money(wit::Money {
            cents: *cents,
            currency: currency.clone(),
        }),
        PluginValue::Date(d) => wit::Value::Date(wit::Date {
            year: d.year(),
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        PluginValue::PartialDate { year, month, day } => wit::Value::PartialDate(wit::PartialDate {
            year: *year,
            month: *month as u8,
            day: *day as u8,
        }),
        PluginValue::DateTime(t) => wit::Value::DateTime(t.timestamp()),
        PluginValue::Checkbox(b) => wit::Value::Checkbox(*b),
        PluginValue::Tags(t) => wit::Value::Tags(t.clone()),
        PluginValue::Items(i) => wit::Value::Items(
            i.iter()
                .map(|i| wit::Item {
                    kind: i.kind.clone(),
                    value: i.value.clone(),
                })
                .collect(),
        ),
        PluginValue::Addresses(a) => wit::Value::Addresses(
            a.iter()
                .map(|a| wit::Address {
                    kind: a.kind.clone(),
                    street: a.street.clone(),
                    city: a.city.clone(),
                    region: a.region.clone(),
                    postcode: a.postcode.clone(),
                    country: a.country.clone(),
                })
                .collect(),
        ),
        PluginValue::Image { mime, data } => wit::Value::Image(wit::Image {
            mime: mime.clone(),
            data: data.clone(),
        }),
        PluginValue::Relation(r) => wit::Value::Relation(r.clone()),
    }
}

fn to_wit_record(r: &PluginRecord) -> wit::Record {
    wit::Record {
        id: r.id.clone(),
        section: r.section.clone(),
        fields: r
            .fields
            .iter()
            .map(|(k, v)| wit::FieldValue {
                key: k.clone(),
                value: to_wit(v),
            })
            .collect(),
    }
}

impl crate::Grants for WasmPlugin {
    fn grant_secrets(&mut self, yes: bool) {
        self.secrets = yes;
    }
}
