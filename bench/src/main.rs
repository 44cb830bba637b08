//! `cardbase-bench`: generates deterministic vaults for measuring Cardbase at scale.

mod generate;
mod plugins;

use anyhow::{Context, Result};
use cardbase_engine::{Passphrase, Preset, Vault};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "cardbase-bench", about = "Cardbase benchmarks and data generators")]
struct Cli {
    #[command(subcommand)]
    command: Command,
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

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Plugins { contacts, runs, seed } => plugins::run(contacts, runs.max(1), seed),
        Command::Generate { vault, contacts, seed } => {
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
