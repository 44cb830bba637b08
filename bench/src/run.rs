//! The main run: a generated client base imported, searched, sorted, filtered, aggregated,
//! opened and exported through the engine's public API, beside the same work done by the
//! sqlite3 shell and raw FTS5; a table of figures with the ratios to each baseline and the
//! targets of DESIGN.md's performance budget, also written as JSON.

use crate::baseline::{self, Fts};
use crate::figures::{Spread, cpu_self, peak_kb, percentile, reset_peak, time};
use crate::{desktop, generate, plugins};
use anyhow::{Context, Result, ensure};
use cardbase_engine::export::formulas::Formulas;
use cardbase_engine::export::writers::{self, CsvProfile};
use cardbase_engine::import::{self, ImportOptions, OpenOptions};
use cardbase_engine::schema::SchemaFile;
use cardbase_engine::search::text_query;
use cardbase_engine::{Aggregate, AggregateFn, Passphrase, Query, RecordId, StatsQuery, Vault};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The bench vaults' passphrase: fixed, these vaults hold generated data only.
const PASSPHRASE: &str = "cardbase bench passphrase";
const SECTION: &str = "clients";
/// Rows of a first page, as the desktop table shows them.
const PAGE: usize = 50;
/// Each search query runs this many times per run, for the percentiles.
const SEARCH_REPEATS: usize = 5;
/// Records the Rhai rule goes over (its budget is per 100k records).
const PLUGIN_RECORDS: u64 = 100_000;

/// The fixed quick-search queries: Latin, Cyrillic and Persian prefixes, names of two words,
/// phone fragments, an e-mail and companies.
pub const QUERIES: &[&str] = &[
    "ma",
    "smi",
    "oli",
    "gar",
    "sophie dub",
    "rossi42",
    "иван",
    "пётр",
    "смирн",
    "ольга поп",
    "моро",
    "علی",
    "رضایی",
    "زهرا",
    "محمد حسینی",
    "تهران",
    "555",
    "(905)",
    "123-45",
    "+44 (12",
    "user12345",
    "acme",
    "ромашка",
    "helios gmbh",
];

/// What to run.
pub struct Options {
    pub contacts: u64,
    pub runs: usize,
    pub seed: u64,
    /// Where the CSV, the vaults and the exports go.
    pub dir: PathBuf,
    pub keep: bool,
    pub desktop: bool,
    /// Reuse the CSV, vault and baseline database a `--keep` run left in `dir`: no import.
    pub reuse: bool,
    /// Only these steps (letters a–j; empty: all). The import and the baseline still run once,
    /// untimed, when a later step needs their files.
    pub only: String,
}

impl Options {
    fn wants(&self, step: char) -> bool {
        self.only.is_empty() || self.only.contains(step)
    }
}

/// One line of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The letter for the figure (a–j).
    pub step: &'static str,
    pub name: String,
    /// The unit of median/min/max/p95/p99: "s", "ms", "MB" or "x" (a ratio).
    pub unit: &'static str,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99: Option<f64>,
    /// CPU time per run (user + system, in `unit`): on a shared machine the wall time includes
    /// waiting for a core, the CPU time does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<f64>,
    /// The process's (or the child's) peak resident memory during the step, in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_mb: Option<f64>,
    /// This figure divided by the baseline's (for search: p95 by p95). Below 1 is faster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub met: Option<bool>,
    pub runs: usize,
}

impl Row {
    fn new(step: &'static str, name: &str, unit: &'static str, s: Spread, runs: usize) -> Row {
        Row {
            step,
            name: name.to_string(),
            unit,
            median: s.median,
            min: s.min,
            max: s.max,
            p95: None,
            p99: None,
            cpu: None,
            peak_mb: None,
            ratio: None,
            baseline: None,
            target: None,
            met: None,
            runs,
        }
    }

    fn secs(step: &'static str, name: &str, times: &[Duration]) -> Row {
        Row::new(step, name, "s", Spread::of_times(times), times.len())
    }

    fn millis(step: &'static str, name: &str, times: &[Duration]) -> Row {
        let ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1e3).collect();
        Row::new(step, name, "ms", Spread::of(&ms), times.len())
    }

    fn peak(mut self, kb: Option<u64>) -> Row {
        self.peak_mb = kb.map(|kb| kb as f64 / 1024.0);
        self
    }

    fn scale(&self) -> f64 {
        if self.unit == "ms" { 1e3 } else { 1.0 }
    }

    /// The step's peak memory, and its CPU time shared out among the runs.
    fn usage(mut self, u: &Usage) -> Row {
        self.cpu = Some(u.cpu.as_secs_f64() / self.runs.max(1) as f64 * self.scale());
        self.peak(u.peak_kb)
    }

    /// The median of per-run CPU times.
    fn cpu(mut self, times: &[Duration]) -> Row {
        if !times.is_empty() {
            self.cpu = Some(Spread::of_times(times).median * self.scale());
        }
        self
    }

    fn versus(mut self, baseline: &Row, mine: f64, theirs: f64) -> Row {
        self.ratio = Some(mine / theirs);
        self.baseline = Some(baseline.name.clone());
        self
    }

    fn target(mut self, text: &str, met: bool) -> Row {
        self.target = Some(text.to_string());
        self.met = Some(met);
        self
    }
}

/// One search query's median time on each side, for the JSON (which query is slow, and why).
#[derive(Debug, Clone, Serialize)]
pub struct QueryFigure {
    pub query: String,
    pub engine_ms: f64,
    pub engine_total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fts_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fts_rows: Option<usize>,
}

/// The whole run, as written to JSON.
#[derive(Debug, Serialize)]
pub struct Report {
    pub date: String,
    pub contacts: u64,
    pub runs: usize,
    pub seed: u64,
    pub cores: usize,
    pub cpu: String,
    pub sqlite3: Option<String>,
    pub rows: Vec<Row>,
    pub queries: Vec<QueryFigure>,
    pub notes: Vec<String>,
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// A step's work with a fresh peak-memory window; its peak in kB.
fn measured<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, Usage)> {
    let reset = reset_peak();
    let cpu = cpu_self();
    let out = f()?;
    Ok((
        out,
        Usage {
            peak_kb: if reset { peak_kb() } else { None },
            cpu: cpu_self().saturating_sub(cpu),
        },
    ))
}

/// What a step used: its peak memory and CPU time (all runs together).
struct Usage {
    peak_kb: Option<u64>,
    cpu: Duration,
}

fn remove_vault(path: &Path) {
    baseline::remove_db(path);
}

fn progress(what: &str) {
    eprintln!("[{}] {what}", chrono::Local::now().format("%H:%M:%S"));
}

fn import_csv(vault: &mut Vault, csv: &Path) -> Result<usize> {
    let mut reader = import::open(csv, &OpenOptions::default())?;
    let headers = reader.headers().to_vec();
    let mapping = vault.suggest_mapping(SECTION, &headers)?;
    ensure!(
        mapping.iter().all(Option::is_some),
        "the CSV's columns did not all map to fields: {headers:?} → {mapping:?}"
    );
    let options = ImportOptions {
        section: SECTION.into(),
        mapping,
        ..ImportOptions::default()
    };
    let report = vault.import(reader.as_mut(), &csv.display().to_string(), &options, &mut |_, _| true)?;
    ensure!(report.bad_rows.is_empty(), "bad rows: {:?}", &report.bad_rows[..1]);
    Ok(report.created)
}

/// The first page of a query, and the total, as the command line and the desktop footer
/// show them.
fn first_page(vault: &Vault, q: Query) -> Result<usize> {
    let r = vault.list(&q.limit(PAGE))?;
    ensure!(!r.records.is_empty(), "{:?} found nothing", r);
    Ok(r.total)
}

/// Runs `f` `runs` times, collecting what each run returns (a time it took itself, when only
/// part of the run is the figure).
fn repeat<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<Vec<T>> {
    (0..runs).map(|_| f()).collect()
}

pub fn run(o: &Options) -> Result<Report> {
    std::fs::create_dir_all(&o.dir).with_context(|| format!("creating {}", o.dir.display()))?;
    let n = o.contacts;
    let runs = o.runs;
    let pass = Passphrase::new(PASSPHRASE);
    let schema = SchemaFile::parse("bench schema", generate::SCHEMA)?;
    let csv = o.dir.join("clients.csv");
    let vault_path = o.dir.join("clients.cardbase");
    let base_db = o.dir.join("baseline.sqlite");
    let kdf_path = o.dir.join("empty.cardbase");
    let xlsx = o.dir.join("export.xlsx");
    let out_csv = o.dir.join("export.csv");
    let mut rows: Vec<Row> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let sqlite3 = baseline::sqlite3_version();
    if sqlite3.is_none() {
        let note = "sqlite3 not found: the baseline rows are skipped (install the Debian package sqlite3, \
                    or run .ci/setup)";
        eprintln!("{note}");
        notes.push(note.into());
    }

    let mut fts = None;
    let reuse = o.reuse && csv.exists() && vault_path.exists();
    if reuse {
        notes.push(format!(
            "reused the CSV, vault and baseline in {} (no import figures)",
            o.dir.display()
        ));
        if sqlite3.is_some() && base_db.exists() {
            fts = Some(Fts::open(&base_db)?);
        }
    } else {
        progress(&format!("generating {n} clients as CSV"));
        let (t, u) = measured(|| {
            let start = Instant::now();
            generate::write_csv(std::fs::File::create(&csv)?, n, o.seed)?;
            Ok(start.elapsed())
        })?;
        rows.push(Row::secs("-", "CSV generated (no target)", &[t]).usage(&u));
        let csv_mb = std::fs::metadata(&csv)?.len() as f64 / 1e6;
        notes.push(format!("CSV: {n} rows, {csv_mb:.1} MB"));

        // (a) CSV import through the engine: typed conversion, FTS and indexes, one transaction.
        progress("(a) CSV import into an encrypted vault, through the engine");
        let (times, u) = measured(|| {
            repeat(if o.wants('a') { runs } else { 1 }, || {
                remove_vault(&vault_path);
                // Creating the vault (and its KDF) is not part of the import.
                let mut v = Vault::create_with_schema(&vault_path, &pass, &schema)?;
                let (start, cpu) = (Instant::now(), cpu_self());
                let created = import_csv(&mut v, &csv)?;
                let t = (start.elapsed(), cpu_self().saturating_sub(cpu));
                ensure!(created as u64 == n, "imported {created} of {n}");
                Ok(t)
            })
        })?;
        let walls: Vec<Duration> = times.iter().map(|t| t.0).collect();
        let cpus: Vec<Duration> = times.iter().map(|t| t.1).collect();
        let mut import_row = Row::secs("a", "import CSV → vault (engine)", &walls)
            .peak(u.peak_kb)
            .cpu(&cpus);
        let vault_mb = std::fs::metadata(&vault_path)?.len() as f64 / 1e6;
        notes.push(format!("vault after import: {vault_mb:.1} MB"));

        // (b) The baseline: sqlite3's .import into a plain table, then an FTS5 build.
        if sqlite3.is_some() {
            progress("(b) sqlite3 shell: .import, then an FTS5 index");
            let parts = repeat(if o.wants('b') { runs } else { 1 }, || baseline::import(&csv, &base_db))?;
            let totals: Vec<Duration> = parts.iter().map(|p| p.import + p.index).collect();
            let cpus: Vec<Duration> = parts.iter().map(|p| p.cpu).collect();
            let kb = parts.iter().map(|p| p.peak_kb).max();
            let b = Row::secs("b", "sqlite3 .import + FTS5 build", &totals)
                .peak(kb)
                .cpu(&cpus);
            let imp: Vec<Duration> = parts.iter().map(|p| p.import).collect();
            let idx: Vec<Duration> = parts.iter().map(|p| p.index).collect();
            import_row = import_row
                .clone()
                .versus(&b, import_row.median, b.median)
                .target("≤ 1x baseline", import_row.median <= b.median);
            if o.wants('a') {
                rows.push(import_row.clone());
            }
            if o.wants('b') {
                rows.push(b);
                rows.push(Row::secs("b", "  of which .import", &imp));
                rows.push(Row::secs("b", "  of which FTS5 build", &idx));
            }
            notes.push(format!(
                "baseline database: {:.1} MB",
                std::fs::metadata(&base_db)?.len() as f64 / 1e6
            ));
            fts = Some(Fts::open(&base_db)?);
        } else if o.wants('a') {
            rows.push(import_row.clone());
        }
    }

    let vault = Vault::open(&vault_path, &pass)?;
    let mut queries = Vec::new();

    if o.wants('c') {
        // (c) Quick search through the engine (first 100 and the total), and raw FTS5 MATCH.
        progress("(c) quick search: engine and raw FTS5");
        let mut engine_samples: Vec<Vec<f64>> = vec![Vec::new(); QUERIES.len()];
        let mut fts_samples: Vec<Vec<f64>> = vec![Vec::new(); QUERIES.len()];
        let mut engine_totals = vec![0; QUERIES.len()];
        let mut fts_rows = vec![0; QUERIES.len()];
        let mut engine_p95 = Vec::new();
        let mut fts_p95 = Vec::new();
        let search = |q: &str| {
            vault
                .list(&Query::section(SECTION).search(q).limit(100))
                .map(|r| r.total)
        };
        // One untimed pass warms both caches the same way.
        for q in QUERIES {
            search(q)?;
            if let (Some(f), Some(tq)) = (&fts, text_query(q)) {
                f.search(&tq)?;
            }
        }
        let ((), u) = measured(|| {
            for _ in 0..runs {
                let (mut e_run, mut f_run) = (Vec::new(), Vec::new());
                for _ in 0..SEARCH_REPEATS {
                    for (i, q) in QUERIES.iter().enumerate() {
                        let start = Instant::now();
                        engine_totals[i] = search(q)?;
                        let ms = start.elapsed().as_secs_f64() * 1e3;
                        engine_samples[i].push(ms);
                        e_run.push(ms);
                        if let (Some(f), Some(tq)) = (&fts, text_query(q)) {
                            let start = Instant::now();
                            fts_rows[i] = f.search(&tq)?;
                            let ms = start.elapsed().as_secs_f64() * 1e3;
                            fts_samples[i].push(ms);
                            f_run.push(ms);
                        }
                    }
                }
                engine_p95.push(percentile(&e_run, 95.0));
                if !f_run.is_empty() {
                    fts_p95.push(percentile(&f_run, 95.0));
                }
            }
            Ok(())
        })?;
        let search_row = |name: &str, samples: &[Vec<f64>], p95s: &[f64]| {
            let all: Vec<f64> = samples.iter().flatten().copied().collect();
            let spread = Spread::of(p95s);
            let mut r = Row::new(
                "c",
                name,
                "ms",
                Spread {
                    median: percentile(&all, 50.0),
                    min: spread.min,
                    max: spread.max,
                },
                all.len(),
            );
            r.p95 = Some(percentile(&all, 95.0));
            r.p99 = Some(percentile(&all, 99.0));
            r
        };
        let mut engine_search = search_row(
            "quick search, engine: p50 (spread: per-run p95)",
            &engine_samples,
            &engine_p95,
        )
        .peak(u.peak_kb);
        let e95 = engine_search.p95.unwrap_or(f64::NAN);
        if fts.is_some() {
            let f = search_row(
                "raw FTS5 MATCH … LIMIT 100: p50 (spread: per-run p95)",
                &fts_samples,
                &fts_p95,
            );
            let f95 = f.p95.unwrap_or(f64::NAN);
            engine_search = engine_search
                .clone()
                .versus(&f, e95, f95)
                .target("p95 < 20 ms, ≤ 1.5x FTS5", e95 < 20.0 && e95 <= 1.5 * f95);
            rows.push(engine_search);
            rows.push(f);
        } else {
            rows.push(engine_search.target("p95 < 20 ms", e95 < 20.0));
        }
        queries = QUERIES
            .iter()
            .enumerate()
            .map(|(i, q)| QueryFigure {
                query: q.to_string(),
                engine_ms: percentile(&engine_samples[i], 50.0),
                engine_total: engine_totals[i],
                fts_ms: (!fts_samples[i].is_empty()).then(|| percentile(&fts_samples[i], 50.0)),
                fts_rows: fts.as_ref().map(|_| fts_rows[i]),
            })
            .collect();
    }

    if o.wants('d') || o.wants('e') || o.wants('f') {
        // (d) Sorts, first page (with the total, as every list shows it).
        progress("(d, e, f) sorts, filters, aggregates");
        let page_row = |step: &'static str, name: &str, q: Query, target: Option<f64>| -> Result<Row> {
            first_page(&vault, q.clone())?;
            let ((times, _), u) = measured(|| time(runs.max(3), || first_page(&vault, q.clone())))?;
            let r = Row::millis(step, name, &times).usage(&u);
            Ok(match target {
                Some(ms) => {
                    let met = r.median < ms;
                    r.target(&format!("< {ms} ms"), met)
                }
                None => r,
            })
        };
        rows.push(page_row(
            "d",
            "sort by last name (indexed), first page",
            Query::section(SECTION).sort("last_name", false),
            Some(50.0),
        )?);
        rows.push(page_row(
            "d",
            "sort by company (not indexed), first page",
            Query::section(SECTION).sort("company", false),
            None,
        )?);
        // (e) Filters with two conditions.
        rows.push(page_row(
            "e",
            "filter contract end in H1 2020 (indexed), sorted by it",
            Query::section(SECTION)
                .filter("contract_end >= 2020-01-01 AND contract_end < 2020-07-01")?
                .sort("contract_end", false),
            Some(50.0),
        )?);
        rows.push(page_row(
            "e",
            "filter city = berlin AND amount > 50000",
            Query::section(SECTION).filter("city = berlin AND amount > 50000")?,
            Some(50.0),
        )?);
        // (f) Aggregates grouped by city.
        let stats = StatsQuery {
            section: SECTION.into(),
            group_by: Some("city".into()),
            aggregates: vec![
                Aggregate {
                    func: AggregateFn::Sum,
                    field: "amount".into(),
                },
                Aggregate {
                    func: AggregateFn::Avg,
                    field: "amount".into(),
                },
                Aggregate {
                    func: AggregateFn::Max,
                    field: "contract_end".into(),
                },
            ],
            ..StatsQuery::default()
        };
        let ((times, groups), u) = measured(|| time(runs, || Ok(vault.stats(&stats)?.len())))?;
        ensure!(groups >= 10, "{groups} city groups");
        let r = Row::millis("f", "count, sum, avg, max grouped by city", &times).usage(&u);
        let met = r.median < 1000.0;
        rows.push(r.target("< 1000 ms", met));
    }
    drop(vault);

    if o.wants('g') {
        // (g) Opening the vault to its first page: the key (KDF), the schema, the ordered ids of
        // the section (what the desktop table holds) and the first page of records.
        progress("(g) open to the first page");
        remove_vault(&kdf_path);
        drop(Vault::create_with_schema(&kdf_path, &pass, &schema)?);
        // The KDF is measured beside each open (opening an empty vault is the KDF and little
        // else), so a noisy moment on a shared machine shows in both.
        let (pairs, u) = measured(|| {
            repeat(runs.max(3), || {
                let start = Instant::now();
                Vault::open(&kdf_path, &pass)?;
                let kdf = start.elapsed();
                let start = Instant::now();
                let v = Vault::open(&vault_path, &pass)?;
                let ids = v.list_ids(&Query::section(SECTION))?;
                let page: Vec<RecordId> = ids.iter().take(PAGE).copied().collect();
                let records = v.records_by_ids(SECTION, &page)?;
                ensure!(records.len() == PAGE.min(n as usize), "first page of {}", records.len());
                Ok((start.elapsed(), kdf))
            })
        })?;
        let open: Vec<Duration> = pairs.iter().map(|p| p.0).collect();
        let kdf: Vec<Duration> = pairs.iter().map(|p| p.1).collect();
        let beyond: Vec<Duration> = pairs.iter().map(|(o, k)| o.saturating_sub(*k)).collect();
        let beyond = Row::millis("g", "  of which beyond the KDF", &beyond);
        let met = beyond.median < 500.0;
        rows.push(Row::millis("g", "open vault → first page (KDF included)", &open).peak(u.peak_kb));
        rows.push(Row::millis("g", "  KDF (opening an empty vault)", &kdf));
        rows.push(beyond.target("< 500 ms + KDF", met));
    }

    if o.wants('h') {
        // (h) Exports of the whole section.
        progress("(h) export to XLSX and CSV");
        let vault = Vault::open(&vault_path, &pass)?;
        let ((times, _), u) = measured(|| {
            time(runs, || {
                let (sheet, _) = vault.export_sheet(&Query::section(SECTION), &[], false)?;
                Ok(writers::write_xlsx(vec![sheet], &xlsx)?.rows)
            })
        })?;
        rows.push(Row::secs("h", "export XLSX (engine)", &times).usage(&u));
        let ((times, _), u) = measured(|| {
            time(runs, || {
                let (sheet, _) = vault.export_sheet(&Query::section(SECTION), &[], false)?;
                let mut out = std::io::BufWriter::new(std::fs::File::create(&out_csv)?);
                Ok(writers::write_csv(
                    sheet,
                    &CsvProfile::Utf8Bom,
                    Formulas::Defuse,
                    writers::Unrepresentable::Refuse,
                    &mut out,
                )?
                .rows)
            })
        })?;
        let mut csv_row = Row::secs("h", "export CSV (engine)", &times).usage(&u);
        drop(vault);
        if sqlite3.is_some() {
            let base_csv = o.dir.join("baseline-export.csv");
            let parts = repeat(runs, || baseline::export_csv(&base_db, &base_csv))?;
            let times: Vec<Duration> = parts.iter().map(|p| p.wall).collect();
            let cpus: Vec<Duration> = parts.iter().map(|p| p.cpu).collect();
            let b = Row::secs("h", "sqlite3 .mode csv export", &times)
                .peak(parts.iter().map(|p| p.peak_kb).max())
                .cpu(&cpus);
            csv_row = csv_row.clone().versus(&b, csv_row.median, b.median);
            rows.push(csv_row);
            rows.push(b);
        } else {
            rows.push(csv_row);
        }
    }
    drop(fts);

    if o.wants('i') {
        // (i) Plugins: the WASM vCard importer against the native parser; a Rhai rule.
        let cards = PLUGIN_RECORDS.min(n);
        progress(&format!("(i) plugins over {cards} records"));
        let (p, u) = measured(|| plugins::measure(cards, runs, o.seed))?;
        let native = Row::secs("i", "vCard import, native parse", &p.native);
        let wasm = Row::secs("i", "vCard import, WASM component", &p.wasm).peak(u.peak_kb);
        let speed = native.median / wasm.median;
        let wasm = wasm
            .clone()
            .versus(&native, wasm.median, native.median)
            .target("≤ 2x native", speed >= 0.5);
        rows.push(wasm);
        rows.push(native);
        let rhai = Row::secs("i", &format!("birthdays rule (Rhai) over {cards} records"), &p.rhai);
        let met = rhai.median * (100_000.0 / cards as f64) < 1.0;
        rows.push(rhai.target("< 1 s per 100k", met));
    }

    // (j) The desktop app's memory with the vault open.
    if o.desktop && o.wants('j') {
        match desktop::unavailable() {
            Some(why) => {
                eprintln!("desktop memory skipped: {why}");
                notes.push(format!("desktop memory skipped: {why}"));
            }
            None => {
                progress("(j) desktop app memory with the vault open (Xvfb)");
                match desktop::measure(&vault_path, &o.dir, PASSPHRASE) {
                    Ok(d) => {
                        let mb = d.peak_kb as f64 / 1024.0;
                        let mut r = Row::new(
                            "j",
                            "desktop app peak resident memory, vault open",
                            "MB",
                            Spread {
                                median: mb,
                                min: mb,
                                max: mb,
                            },
                            1,
                        );
                        r.peak_mb = Some(mb);
                        rows.push(r.target("< 200 MB", mb < 200.0));
                        notes.push(format!(
                            "desktop app: first page {:.0} ms after the passphrase; resident {:.0} MB \
                             {} s later, peak {mb:.0} MB",
                            d.first_page_ms,
                            d.rss_kb as f64 / 1024.0,
                            5
                        ));
                    }
                    Err(e) => {
                        eprintln!("desktop memory failed: {e:#}");
                        notes.push(format!("desktop memory failed: {e:#}"));
                    }
                }
            }
        }
    }

    if !o.keep && !reuse {
        remove_vault(&vault_path);
        remove_vault(&kdf_path);
        baseline::remove_db(&base_db);
        for f in [&csv, &xlsx, &out_csv, &o.dir.join("baseline-export.csv")] {
            let _ = std::fs::remove_file(f);
        }
        let _ = std::fs::remove_dir_all(o.dir.join("backups"));
        let _ = std::fs::remove_dir_all(o.dir.join("desktop-home"));
    }
    Ok(Report {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        contacts: n,
        runs,
        seed: o.seed,
        cores: std::thread::available_parallelism().map_or(0, |c| c.get()),
        cpu: cpu_model(),
        sqlite3,
        rows,
        queries,
        notes,
    })
}

fn fmt(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The report as a table for people (Markdown, so it can go into BENCHMARKS.md as it is).
pub fn table(r: &Report) -> String {
    let mut out = format!(
        "Cardbase bench, {} — {} contacts, {} runs, {} cores ({}), sqlite3 {}\n\n",
        r.date,
        r.contacts,
        r.runs,
        r.cores,
        r.cpu,
        r.sqlite3.as_deref().unwrap_or("not found")
    );
    out.push_str(
        "| | figure | median | spread (min–max) | p95 | p99 | CPU | peak MB | ratio to baseline | target | met |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for row in &r.rows {
        let opt = |v: Option<f64>| v.map(fmt).unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} {} | {}–{} | {} | {} | {} | {} | {} | {} | {} |\n",
            row.step,
            row.name,
            fmt(row.median),
            row.unit,
            fmt(row.min),
            fmt(row.max),
            opt(row.p95),
            opt(row.p99),
            opt(row.cpu),
            row.peak_mb.map(|m| format!("{m:.0}")).unwrap_or_default(),
            row.ratio.map(|x| format!("{x:.2}x")).unwrap_or_default(),
            row.target.as_deref().unwrap_or(""),
            match row.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            }
        ));
    }
    out.push('\n');
    for note in &r.notes {
        out.push_str(&format!("- {note}\n"));
    }
    out
}
