//! Running the real `cardbase` binary on a vault in a temporary directory, as a user would.

#![allow(dead_code)]

use serde_json::Value as Json;
use std::path::PathBuf;
use std::process::{Command, Output};

pub const PASS: &str = "correct horse battery staple";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub vault: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let vault = dir.path().join("test.cardbase");
        Env { dir, vault }
    }

    /// A new vault made with `cardbase init`.
    pub fn init(preset: &str) -> Env {
        let env = Env::new();
        env.ok(&["init", "--preset", preset]);
        env
    }

    /// The `cardbase` command on this vault, not started yet (to spawn, pipe or kill it).
    pub fn command(&self, args: &[&str], passphrase: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cardbase"));
        command
            .args(args)
            .env("CARDBASE_VAULT", &self.vault)
            .env("CARDBASE_PASSPHRASE", passphrase)
            // Keep the user's real data dir out of tests.
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .env("TZ", "UTC");
        command
    }

    pub fn run_with(&self, args: &[&str], passphrase: &str) -> Output {
        self.command(args, passphrase).output().expect("cardbase runs")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, PASS)
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "cardbase {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs a command that must fail with one line on stderr; returns that line.
    pub fn fails(&self, args: &[&str], passphrase: &str) -> String {
        let out = self.run_with(args, passphrase);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "cardbase {args:?} should fail");
        assert_eq!(err.trim_end().lines().count(), 1, "one line of error, got: {err}");
        assert!(!err.contains("panicked"), "{err}");
        err.trim_end().to_string()
    }

    pub fn add(&self, section: &str, sets: &[&str]) -> i64 {
        let mut args = vec!["add", section];
        for s in sets {
            args.push("--set");
            args.push(s);
        }
        self.ok(&args).trim().parse().expect("add prints the new id")
    }

    /// `list --format json` as parsed records.
    pub fn list_json(&self, extra: &[&str]) -> Vec<Json> {
        let mut args = vec!["list"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json"]);
        self.ok(&args)
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect()
    }

    pub fn ids(&self, extra: &[&str]) -> Vec<i64> {
        self.list_json(extra)
            .iter()
            .map(|r| r["id"].as_i64().expect("id"))
            .collect()
    }
}
