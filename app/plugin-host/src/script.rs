//! Rhai script plugins.
//!
//! A script is run by a raw Rhai engine (`Engine::new_raw`) with only the core, string,
//! array, map and math packages: no `eval`, no modules to `import`, no clock, no files. Each
//! call has an operation budget, a wall-clock deadline, and limits on call depth, expression
//! depth and the sizes of strings, arrays and maps, so a script can neither spin nor hoard.
//!
//! What a script defines, by kind (records are maps: `#{ id, section, fields: #{ key: value } }`):
//!
//! ```text
//! // importer
//! fn fields() { [#{ key: "first_name", label: "Name", kind: "text" }] }
//! fn sniff(file_name, head) { file_name.ends_with(".phones") }
//! fn parse(text) { [#{ line: 1, fields: #{ first_name: "Ann" } }] }     // the whole file
//! // exporter
//! fn write(section, records) { "one string per batch" }               // plus optional
//! fn header(section) { "" }  fn footer(section) { "" }
//! // reminder rule
//! fn sections() { ["contacts"] }
//! fn reminders(now, utc_offset, records) { [#{ record_id: "1", key: "2026", due: now, title: "Hi" }] }
//! ```
//!
//! Field values: text as strings; numbers as floats; checkboxes as booleans; dates as
//! `#{ year, month, day }` (`year` is `()` when unknown); date-times as seconds since 1970 UTC;
//! tags as arrays of strings; phones, e-mails and URLs as arrays of `#{ kind, value }`;
//! addresses as arrays of `#{ kind, street, city, region, postcode, country }`; money as
//! `#{ cents, currency }`; relations as the related record's title; photos as `#{ mime, size }`.
//! Helpers: `day_number(year, month, day)` (days since 1970-01-01, or `()` for no such day),
//! `date_of(day_number)`, `is_leap_year(year)`, `timestamp(year, month, day, hour, minute)`.

use crate::manifest::{Kind, Limits, Manifest};
use cardbase_engine::plugin::{
    ExportPlugin, ExportSession, FieldInfo, ImportPlugin, ImportSession, PluginEntry, PluginError, PluginRecord,
    PluginReminder, PluginValue, ReminderPlugin, SectionInfo,
};
use cardbase_engine::records::{Address, Item};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicMapPackage, BasicMathPackage, BasicStringPackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{AST, Array, Dynamic, Engine, FuncArgs, ImmutableString, Map, Scope};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// How many records a script gets per call.
const SCRIPT_BATCH: usize = 128;

/// The most a script importer buffers of a file before it is given to `parse`.
const MAX_SCRIPT_INPUT: usize = 64 * 1024 * 1024;

/// A loaded Rhai plugin.
pub struct RhaiPlugin {
    id: Arc<str>,
    secrets: bool,
    limits: Limits,
    ast: AST,
    config: Arc<BTreeMap<String, String>>,
    log: Arc<crate::LogSink>,
}

/// Builds the sandboxed engine for one call, with its deadline.
fn engine(id: &Arc<str>, limits: Limits, config: &Arc<BTreeMap<String, String>>, log: &Arc<crate::LogSink>) -> Engine {
    // The packages are built once per process: building them costs more than many a call.
    static PACKAGES: OnceLock<Vec<rhai::Shared<rhai::Module>>> = OnceLock::new();
    let packages = PACKAGES.get_or_init(|| {
        vec![
            ArithmeticPackage::new().as_shared_module(),
            LogicPackage::new().as_shared_module(),
            BasicStringPackage::new().as_shared_module(),
            MoreStringPackage::new().as_shared_module(),
            BasicArrayPackage::new().as_shared_module(),
            BasicMapPackage::new().as_shared_module(),
            BasicMathPackage::new().as_shared_module(),
        ]
    });
    let mut engine = Engine::new_raw();
    for package in packages {
        engine.register_global_module(package.clone());
    }
    engine.disable_symbol("eval");
    engine.set_max_operations(limits.operations);
    engine.set_max_call_levels(64);
    engine.set_max_expr_depths(64, 32);
    engine.set_max_string_size(limits.output_mb as usize * 1024 * 1024);
    engine.set_max_array_size(1_000_000);
    engine.set_max_map_size(100_000);
    engine.set_max_variables(10_000);
    engine.set_max_functions(1_000);
    let deadline = Instant::now() + Duration::from_millis(limits.time_ms);
    engine.on_progress(move |ops| {
        // Checking the clock every 4096 operations costs nothing measurable.
        (ops % 4096 == 0 && Instant::now() > deadline).then(|| Dynamic::from("deadline"))
    });
    let (who, sink) = (id.clone(), log.clone());
    let logged = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for level in ["error", "warn", "info", "debug"] {
        let (who, sink, logged) = (who.clone(), sink.clone(), logged.clone());
        engine.register_fn(level, move |message: ImmutableString| {
            if logged.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 1000 {
                let message: String = message.chars().take(1000).collect();
                sink(&who, level, &message);
            }
        });
    }
    let settings = crate::with_now(config);
    engine.register_fn("config", move |key: ImmutableString| -> Dynamic {
        settings
            .get(key.as_str())
            .map(|v| Dynamic::from(v.clone()))
            .unwrap_or(Dynamic::UNIT)
    });
    engine.register_fn("day_number", |y: i64, m: i64, d: i64| -> Dynamic {
        ymd(y, m, d)
            .map(|date| Dynamic::from(date.signed_duration_since(epoch()).num_days()))
            .unwrap_or(Dynamic::UNIT)
    });
    engine.register_fn("date_of", |days: i64| -> Dynamic {
        epoch()
            .checked_add_signed(chrono::Duration::days(days))
            .map(|d| date_map(Some(d.year()), d.month(), d.day()).into())
            .unwrap_or(Dynamic::UNIT)
    });
    engine.register_fn("is_leap_year", |y: i64| {
        i32::try_from(y).is_ok_and(|y| NaiveDate::from_ymd_opt(y, 2, 29).is_some())
    });
    engine.register_fn("timestamp", |y: i64, m: i64, d: i64, h: i64, min: i64| -> Dynamic {
        ymd(y, m, d)
            .and_then(|date| date.and_hms_opt(u32::try_from(h).ok()?, u32::try_from(min).ok()?, 0))
            .map(|t| Dynamic::from(t.and_utc().timestamp()))
            .unwrap_or(Dynamic::UNIT)
    });
    engine
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn ymd(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
}

fn date_map(year: Option<i32>, month: u32, day: u32) -> Map {
    let mut m = Map::new();
    m.insert(
        "year".into(),
        year.map(|y| Dynamic::from(y as i64)).unwrap_or(Dynamic::UNIT),
    );
    m.insert("month".into(), Dynamic::from(month as i64));
    m.insert("day".into(), Dynamic::from(day as i64));
    m
}

impl RhaiPlugin {
    /// Compiles a script and checks that it defines the functions of its kinds.
    pub fn load(
        manifest: &Manifest,
        source: &[u8],
        config: BTreeMap<String, String>,
        log: Arc<crate::LogSink>,
    ) -> Result<RhaiPlugin, PluginError> {
        let id: Arc<str> = manifest.id.as_str().into();
        let fail = |m: String| PluginError::new(&*id, m);
        let source = std::str::from_utf8(source).map_err(|_| fail(format!("{} is not UTF-8 text", manifest.entry)))?;
        let limits = manifest.limits.clamped();
        let config = Arc::new(config);
        let ast = engine(&id, limits, &config, &log)
            .compile(source)
            .map_err(|e| fail(format!("{}: {e}", manifest.entry)))?;
        let needs: &[(Kind, &[(&str, usize)])] = &[
            (Kind::Importer, &[("fields", 0), ("sniff", 2), ("parse", 1)]),
            (Kind::Exporter, &[("write", 2)]),
            (Kind::ReminderRule, &[("sections", 0), ("reminders", 3)]),
        ];
        for (kind, fns) in needs.iter().filter(|(k, _)| manifest.is(*k)) {
            for (name, arity) in *fns {
                if !ast
                    .iter_functions()
                    .any(|f| f.name == *name && f.params.len() == *arity)
                {
                    return Err(fail(format!(
                        "{} is an {kind} but does not define fn {name}() with {arity} parameters",
                        manifest.entry
                    )));
                }
            }
        }
        Ok(RhaiPlugin {
            id,
            secrets: false,
            limits,
            ast,
            config,
            log,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.ast.iter_functions().any(|f| f.name == name)
    }

    /// Calls a script function under the limits, with a clear error on any failure.
    fn call(&self, name: &str, args: impl FuncArgs) -> Result<Dynamic, PluginError> {
        let engine = engine(&self.id, self.limits, &self.config, &self.log);
        engine
            .call_fn::<Dynamic>(&mut Scope::new(), &self.ast, name, args)
            .map_err(|e| PluginError::new(&*self.id, self.explain(*e)))
    }

    fn explain(&self, e: rhai::EvalAltResult) -> String {
        use rhai::EvalAltResult as E;
        match e {
            E::ErrorTerminated(..) => format!(
                "was stopped: it ran longer than {} s",
                self.limits.time_ms as f64 / 1000.0
            ),
            E::ErrorTooManyOperations(..) => {
                format!("was stopped: it ran more than {} operations", self.limits.operations)
            }
            E::ErrorStackOverflow(..) => "was stopped: it recursed too deeply".into(),
            E::ErrorDataTooLarge(what, _) => format!("was stopped: {what} grew beyond its limit"),
            E::ErrorModuleNotFound(m, _) => format!("may not import modules (it tried to import {m:?})"),
            E::ErrorInFunctionCall(_, _, inner, _) => self.explain(*inner),
            other => format!("failed: {other}"),
        }
    }

    fn fail(&self, m: impl Into<String>) -> PluginError {
        PluginError::new(&*self.id, m)
    }

    fn output_limit(&self) -> usize {
        self.limits.output_mb as usize * 1024 * 1024
    }
}

fn to_dynamic(v: &PluginValue) -> Dynamic {
    let items = |items: &[Item]| -> Dynamic {
        items
            .iter()
            .map(|i| {
                let mut m = Map::new();
                m.insert("kind".into(), i.kind.clone().into());
                m.insert("value".into(), i.value.clone().into());
                Dynamic::from(m)
            })
            .collect::<Array>()
            .into()
    };
    match v {
        PluginValue::Text(t) | PluginValue::Relation(t) => t.clone().into(),
        PluginValue::Number(n) => Dynamic::from(*n),
        PluginValue::Money { cents, currency } => {
            let mut m = Map::new();
            m.insert("cents".into(), Dynamic::from(*cents));
            m.insert("currency".into(), currency.clone().into());
            m.into()
        }
        PluginValue::Date(d) => date_map(Some(d.year()), d.month(), d.day()).into(),
        PluginValue::PartialDate { year, month, day } => date_map(*year, *month, *day).into(),
        PluginValue::DateTime(t) => Dynamic::from(t.timestamp()),
        PluginValue::Checkbox(b) => Dynamic::from(*b),
        PluginValue::Tags(t) => t.iter().map(|t| Dynamic::from(t.clone())).collect::<Array>().into(),
        PluginValue::Items(i) => items(i),
        PluginValue::Addresses(a) => a
            .iter()
            .map(|a| {
                let mut m = Map::new();
                for (k, v) in [
                    ("kind", &a.kind),
                    ("street", &a.street),
                    ("city", &a.city),
                    ("region", &a.region),
                    ("postcode", &a.postcode),
                    ("country", &a.country),
                ] {
                    m.insert(k.into(), v.clone().into());
                }
                Dynamic::from(m)
            })
            .collect::<Array>()
            .into(),
        PluginValue::Image { mime, data } => {
            let mut m = Map::new();
            m.insert("mime".into(), mime.clone().into());
            m.insert("size".into(), Dynamic::from(data.len() as i64));
            m.into()
        }
    }
}

fn record_map(r: &PluginRecord) -> Dynamic {
    let mut fields = Map::new();
    for (k, v) in &r.fields {
        fields.insert(k.as_str().into(), to_dynamic(v));
    }
    let mut m = Map::new();
    m.insert("id".into(), r.id.clone().into());
    m.insert("section".into(), r.section.clone().into());
    m.insert("fields".into(), fields.into());
    m.into()
}

fn section_map(s: &SectionInfo) -> Dynamic {
    let mut m = Map::new();
    m.insert("key".into(), s.key.clone().into());
    m.insert("label".into(), s.label.clone().into());
    m.insert(
        "fields".into(),
        s.fields
            .iter()
            .map(|f| {
                let mut fm = Map::new();
                fm.insert("key".into(), f.key.clone().into());
                fm.insert("label".into(), f.label.clone().into());
                fm.insert("kind".into(), f.kind.clone().into());
                Dynamic::from(fm)
            })
            .collect::<Array>()
            .into(),
    );
    m.into()
}

fn text(m: &Map, key: &str) -> Option<String> {
    m.get(key).filter(|v| v.is_string()).map(|v| v.to_string())
}

fn int(v: &Dynamic) -> Option<i64> {
    v.as_int().ok().or_else(|| v.as_float().ok().map(|f| f as i64))
}

/// A value a script returned for a field, as the nearest plugin value.
fn from_dynamic(v: Dynamic) -> Result<Option<PluginValue>, String> {
    if v.is_unit() {
        return Ok(None);
    }
    if v.is_string() {
        return Ok(Some(PluginValue::Text(v.to_string())));
    }
    if let Ok(b) = v.as_bool() {
        return Ok(Some(PluginValue::Checkbox(b)));
    }
    if let Some(n) = v.as_float().ok().or_else(|| v.as_int().ok().map(|i| i as f64)) {
        return Ok(Some(PluginValue::Number(n)));
    }
    if v.is_array() {
        let items: Array = v.cast();
        if items.iter().all(|i| i.is_string()) {
            return Ok(Some(PluginValue::Tags(
                items.into_iter().map(|i| i.to_string()).collect(),
            )));
        }
        let maps: Vec<Map> = items
            .into_iter()
            .map(|i| i.try_cast::<Map>().ok_or("a list must hold only texts or only maps"))
            .collect::<Result<_, _>>()?;
        if maps.iter().all(|m| m.contains_key("value")) {
            return Ok(Some(PluginValue::Items(
                maps.iter()
                    .map(|m| Item {
                        kind: text(m, "kind").unwrap_or_default(),
                        value: text(m, "value").unwrap_or_default(),
                    })
                    .collect(),
            )));
        }
        return Ok(Some(PluginValue::Addresses(
            maps.iter()
                .map(|m| Address {
                    kind: text(m, "kind").unwrap_or_default(),
                    street: text(m, "street").unwrap_or_default(),
                    city: text(m, "city").unwrap_or_default(),
                    region: text(m, "region").unwrap_or_default(),
                    postcode: text(m, "postcode").unwrap_or_default(),
                    country: text(m, "country").unwrap_or_default(),
                })
                .collect(),
        )));
    }
    let type_name = v.type_name();
    if let Some(m) = v.try_cast::<Map>() {
        if let (Some(month), Some(day)) = (m.get("month").and_then(int), m.get("day").and_then(int)) {
            let year = m.get("year").and_then(int).map(|y| y as i32);
            let (month, day) = (u32::try_from(month).unwrap_or(0), u32::try_from(day).unwrap_or(0));
            NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)
                .ok_or_else(|| format!("{month}/{day} is not a date"))?;
            return Ok(Some(PluginValue::PartialDate { year, month, day }));
        }
        if let (Some(cents), Some(currency)) = (m.get("cents").and_then(int), text(&m, "currency")) {
            return Ok(Some(PluginValue::Money { cents, currency }));
        }
        return Err("a map value must be a date (#{year, month, day}) or money (#{cents, currency})".into());
    }
    Err(format!("a {type_name} is not a field value"))
}

impl ImportPlugin for RhaiPlugin {
    fn name(&self) -> &str {
        &self.id
    }

    fn fields(&self) -> Result<Vec<FieldInfo>, PluginError> {
        let got = self.call("fields", ())?;
        let list = got
            .try_cast::<Array>()
            .ok_or_else(|| self.fail("fields() must return an array of #{key, label, kind}"))?;
        list.into_iter()
            .map(|f| {
                let m = f
                    .try_cast::<Map>()
                    .ok_or_else(|| self.fail("fields() must return an array of #{key, label, kind}"))?;
                let key = text(&m, "key").ok_or_else(|| self.fail("a field in fields() has no key"))?;
                Ok(FieldInfo {
                    label: text(&m, "label").unwrap_or_else(|| key.clone()),
                    kind: text(&m, "kind").unwrap_or_else(|| "text".into()),
                    key,
                })
            })
            .collect()
    }

    fn sniff(&self, file_name: &str, head: &[u8]) -> Result<bool, PluginError> {
        let head = String::from_utf8_lossy(head).to_string();
        let got = self.call("sniff", (file_name.to_string(), head))?;
        Ok(got.as_bool().unwrap_or(false))
    }

    fn start(&self, _file_name: &str) -> Result<Box<dyn ImportSession>, PluginError> {
        Ok(Box::new(RhaiImport {
            plugin: RhaiPlugin {
                id: self.id.clone(),
                secrets: self.secrets,
                limits: self.limits,
                ast: self.ast.clone(),
                config: self.config.clone(),
                log: self.log.clone(),
            },
            text: Vec::new(),
        }))
    }
}

/// A script importer parses the whole file at the end (scripts are for small formats).
struct RhaiImport {
    plugin: RhaiPlugin,
    text: Vec<u8>,
}

impl ImportSession for RhaiImport {
    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<PluginEntry>, PluginError> {
        if self.text.len() + chunk.len() > MAX_SCRIPT_INPUT {
            return Err(self.plugin.fail(format!(
                "script importers read files of up to {} MiB",
                MAX_SCRIPT_INPUT >> 20
            )));
        }
        self.text.extend_from_slice(chunk);
        Ok(Vec::new())
    }

    fn finish(&mut self) -> Result<Vec<PluginEntry>, PluginError> {
        let file = String::from_utf8_lossy(&std::mem::take(&mut self.text)).to_string();
        let got = self.plugin.call("parse", (file,))?;
        let list = got
            .try_cast::<Array>()
            .ok_or_else(|| self.plugin.fail("parse() must return an array of entries"))?;
        let mut out = Vec::with_capacity(list.len());
        for (i, e) in list.into_iter().enumerate() {
            let m = e
                .try_cast::<Map>()
                .ok_or_else(|| self.plugin.fail("each entry of parse() must be a map #{line, fields}"))?;
            let line = m
                .get("line")
                .and_then(int)
                .unwrap_or(i as i64 + 1)
                .clamp(1, u32::MAX as i64) as u32;
            let mut entry = PluginEntry {
                line,
                fields: Vec::new(),
                error: text(&m, "error"),
            };
            if let Some(fields) = m.get("fields").cloned().and_then(|f| f.try_cast::<Map>()) {
                for (k, v) in fields {
                    match from_dynamic(v) {
                        Ok(Some(v)) => entry.fields.push((k.to_string(), v)),
                        Ok(None) => {}
                        Err(reason) => {
                            entry.error.get_or_insert(format!("field {k}: {reason}"));
                        }
                    }
                }
            }
            out.push(entry);
        }
        Ok(out)
    }
}

impl ExportPlugin for RhaiPlugin {
    fn name(&self) -> &str {
        &self.id
    }

    fn sees_secrets(&self) -> bool {
        self.secrets
    }

    fn start(&self, section: &SectionInfo) -> Result<Box<dyn ExportSession>, PluginError> {
        let session = RhaiExport {
            plugin: RhaiPlugin {
                id: self.id.clone(),
                secrets: self.secrets,
                limits: self.limits,
                ast: self.ast.clone(),
                config: self.config.clone(),
                log: self.log.clone(),
            },
            section: section_map(section),
            started: false,
        };
        Ok(Box::new(session))
    }
}

struct RhaiExport {
    plugin: RhaiPlugin,
    section: Dynamic,
    started: bool,
}

impl RhaiExport {
    fn text(&self, got: Dynamic, what: &str) -> Result<Vec<u8>, PluginError> {
        if got.is_unit() {
            return Ok(Vec::new());
        }
        if !got.is_string() {
            return Err(self.plugin.fail(format!("{what}() must return a string")));
        }
        let s = got.to_string().into_bytes();
        if s.len() > self.plugin.output_limit() {
            return Err(self
                .plugin
                .fail(format!("{what}() returned more than its output limit")));
        }
        Ok(s)
    }

    fn header(&mut self) -> Result<Vec<u8>, PluginError> {
        if self.started || !self.plugin.has("header") {
            self.started = true;
            return Ok(Vec::new());
        }
        self.started = true;
        let got = self.plugin.call("header", (self.section.clone(),))?;
        self.text(got, "header")
    }
}

impl ExportSession for RhaiExport {
    fn write(&mut self, batch: &[PluginRecord]) -> Result<Vec<u8>, PluginError> {
        let mut out = self.header()?;
        for part in batch.chunks(SCRIPT_BATCH) {
            let records: Array = part.iter().map(record_map).collect();
            let got = self.plugin.call("write", (self.section.clone(), records))?;
            out.extend(self.text(got, "write")?);
        }
        Ok(out)
    }

    fn finish(&mut self) -> Result<Vec<u8>, PluginError> {
        let mut out = self.header()?;
        if self.plugin.has("footer") {
            let got = self.plugin.call("footer", (self.section.clone(),))?;
            out.extend(self.text(got, "footer")?);
        }
        Ok(out)
    }
}

impl ReminderPlugin for RhaiPlugin {
    fn name(&self) -> &str {
        &self.id
    }

    fn sees_secrets(&self) -> bool {
        self.secrets
    }

    fn sections(&self) -> Result<Vec<String>, PluginError> {
        let got = self.call("sections", ())?;
        let list = got
            .try_cast::<Array>()
            .ok_or_else(|| self.fail("sections() must return an array of section keys"))?;
        Ok(list
            .into_iter()
            .filter(|s| s.is_string())
            .map(|s| s.to_string())
            .collect())
    }

    fn reminders(
        &self,
        now: DateTime<Utc>,
        utc_offset: i32,
        batch: &[PluginRecord],
    ) -> Result<Vec<PluginReminder>, PluginError> {
        // Small calls: Rhai re-measures an array each time a script pushes to it, so a result
        // built over 1024 records costs far more than eight built over 128.
        let mut list = Vec::new();
        for part in batch.chunks(SCRIPT_BATCH) {
            let records: Array = part.iter().map(record_map).collect();
            let got = self.call("reminders", (now.timestamp(), utc_offset as i64, records))?;
            list.extend(
                got.try_cast::<Array>()
                    .ok_or_else(|| self.fail("reminders() must return an array of reminders"))?,
            );
        }
        list.into_iter()
            .map(|r| {
                let m = r
                    .try_cast::<Map>()
                    .ok_or_else(|| self.fail("a reminder must be a map #{record_id, key, due, title}"))?;
                let due = m
                    .get("due")
                    .and_then(int)
                    .and_then(|t| Utc.timestamp_opt(t, 0).single())
                    .ok_or_else(|| self.fail("a reminder has no valid due time (seconds since 1970)"))?;
                Ok(PluginReminder {
                    record_id: m
                        .get("record_id")
                        .map(|v| v.to_string())
                        .ok_or_else(|| self.fail("a reminder has no record_id"))?,
                    key: m.get("key").map(|v| v.to_string()).unwrap_or_default(),
                    due,
                    title: text(&m, "title").unwrap_or_default(),
                })
            })
            .collect()
    }
}

impl crate::Grants for RhaiPlugin {
    fn grant_secrets(&mut self, yes: bool) {
        self.secrets = yes;
    }
}
