//! `cardbase-bench`: measures Cardbase on a generated client base against the sqlite3 shell and
//! raw FTS5 (the main run), and generates deterministic vaults for measuring at scale.
//!
//! ```sh
//! cargo run --release -p cardbase-bench -- --quick      # 100k records, a few minutes
//! cargo run --release -p cardbase-bench                 # 1M records
//! ```

mod baseline;
mod desktop;
mod figures;
mod generate;
mod plugins;
mod run;

use anyhow::{Context, Result};
use cardbase_engine::{Passphrase, Preset, Vault};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "cardbase-bench",
    about = "Cardbase benchmarks and data generators",
    long_about = "Without a subcommand: generates a client base as CSV, imports it through the engine, \
                  searches, sorts, filters, aggregates, opens and exports it, does the same work with \
                  the sqlite3 shell and raw FTS5 as the baseline, and prints the figures with their \
                  ratios and targets (also written as JSON)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args)]
struct RunArgs {
    /// Number of contacts [default: 1000000, or 100000 with --quick]
    #[arg(long)]
    contacts: Option<u64>,
    /// 100k contacts: the whole run in a few minutes
    #[arg(long)]
    quick: bool,
    /// Runs of each step (median and spread are over these)
    #[arg(long, default_value_t = 3)]
    runs: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where the CSV, vaults and exports go [default: target/cardbase-bench/work]
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Where the figures go as JSON [default: target/cardbase-bench/<date>-<contacts>.json]
    #[arg(long)]
    json: Option<PathBuf>,
    /// Keep the CSV, vaults and exports afterwards
    #[arg(long)]
    keep: bool,
    /// Reuse the files a --keep run left in --dir (no import, no baseline build), and keep them
    #[arg(long)]
    reuse: bool,
    /// Skip the desktop app's memory (it needs target/release/cardbase and Xvfb)
    #[arg(long)]
    no_desktop: bool,
    /// Only these steps, e.g. `--only ac` (letters as in BENCHMARKS.md; for profiling one figure)
    #[arg(long, default_value = "")]
    only: String,
}

#[derive(Subcommand)]
enum Command {
    /// Create a vault (personal preset) holding N generated contacts
    Generate {
        #[arg(long)]
        vault: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        contacts: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// The WASM vCard importer against a native parse of the same file, and a Rhai reminder
    /// rule over N records
    Plugins {
        #[arg(long, default_value_t = 100_000)]
        contacts: u64,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

/// The process's peak resident memory (Linux), for the figures.
fn peak_memory() -> String {
    figures::peak_kb().map_or_else(|| "unknown".into(), |kb| format!("{} MB", kb / 1024))
}

/// `target/cardbase-bench` of this workspace.
fn out_dir() -> PathBuf {
    let bench = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    bench.parent().unwrap_or(&bench).join("target/cardbase-bench")
}

fn main_run(args: RunArgs) -> Result<()> {
    let contacts = args.contacts.unwrap_or(if args.quick { 100_000 } else { 1_000_000 });
    let dir = args.dir.unwrap_or_else(|| out_dir().join("work"));
    let json = args.json.unwrap_or_else(|| {
        out_dir().join(format!(
            "{}-{contacts}.json",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        ))
    });
    let options = run::Options {
        contacts,
        runs: args.runs.max(1),
        seed: args.seed,
        dir,
        keep: args.keep,
        reuse: args.reuse,
        desktop: !args.no_desktop,
        only: args.only,
    };
    let report = run::run(&options)?;
    println!("{}", run::table(&report));
    if let Some(parent) = json.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&json, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", json.display()))?;
    println!("Figures written to {}", json.display());
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        None => main_run(cli.run),
        Some(Command::Plugins { contacts, runs, seed }) => plugins::run(contacts, runs.max(1), seed),
        Some(Command::Generate { vault, contacts, seed }) => {
            // From the environment only: never a command-line argument others can read.
            let passphrase = std::env::var("CARDBASE_PASSPHRASE").context("set CARDBASE_PASSPHRASE")?;
            let start = Instant::now();
            let mut v = Vault::create(&vault, &Passphrase::new(passphrase), Preset::Personal)
                .with_context(|| format!("creating {}", vault.display()))?;
            let mut rng = generate::Rng::new(seed);
            // Batches keep memory flat; each is one transaction.
            let batch = 50_000;
            let mut done = 0;
            while done < contacts {
                let n = batch.min(contacts - done);
                let rows: Vec<_> = (done..done + n).map(|i| generate::contact(&mut rng, i)).collect();
                v.create_records("contacts", rows)?;
                done += n;
                eprint!("\r{done} contacts");
            }
            let secs = start.elapsed().as_secs_f64();
            eprintln!(
                "\r{contacts} contacts in {secs:.1} s ({:.0} records/s)",
                contacts as f64 / secs
            );
            Ok(())
        }
    }
}
