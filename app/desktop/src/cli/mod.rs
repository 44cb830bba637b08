//! The `cardbase` command line: every engine operation, scriptable, with `--help` everywhere.

mod backup;
mod batch;
mod events;
mod output;
mod passphrase;
mod plugin;
mod records;
mod schema;
pub mod terminal;
mod transfer;

use anyhow::{Context, Result, bail};
use cardbase_engine::{Preset, Vault, private_files, schema::SchemaFile};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use terminal::{say, say_err};

/// Cardbase: your contacts, clients, tasks, notes, links and events in one encrypted file.
///
/// The passphrase comes from CARDBASE_PASSPHRASE, --passphrase-file, or a prompt.
#[derive(Debug, Parser)]
#[command(name = "cardbase", version, about, long_about = None)]
pub struct Cli {
    /// The vault file [default: default.cardbase in the user's data directory]
    #[arg(long, global = true, env = "CARDBASE_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,

    /// Read the passphrase from the first line of this file
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How records and tables are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned columns for people
    #[default]
    Table,
    /// One JSON object per line
    Json,
    /// Comma-separated values with a header row of field keys
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault
    Init {
        /// The schema preset to start from
        #[arg(long, default_value = "personal", value_parser = ["personal", "client-base"])]
        preset: String,
        /// Start from a schema file instead of a preset
        #[arg(long, value_name = "FILE", conflicts_with = "preset")]
        schema: Option<PathBuf>,
    },
    /// List the sections with their record counts
    Sections,
    /// List the fields of a section
    Fields {
        section: String,
        /// Include hidden fields
        #[arg(long)]
        all: bool,
    },
    /// Edit the schema: sections and fields
    #[command(subcommand)]
    Schema(schema::SchemaCommand),
    /// Add a record: cardbase add contacts --set first_name=Ada --set phones="mobile: +44 20 7946 0018"
    Add {
        section: String,
        /// A field value as KEY=VALUE (repeatable); photos as photo=@file.jpg
        #[arg(long = "set", value_name = "KEY=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Show a record with its related records
    Get {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Show secret fields instead of masking them
        #[arg(long)]
        show_secrets: bool,
    },
    /// Change fields of a record; an empty value clears a field
    Edit {
        id: String,
        #[arg(long = "set", value_name = "KEY=VALUE", required = true)]
        set: Vec<String>,
    },
    /// Move a record to the bin (restorable)
    Delete { id: String },
    /// Bring a deleted record back (an ID), or put a backup in the vault's place (a FILE; its
    /// passphrase from CARDBASE_BACKUP_PASSPHRASE or a prompt; the vault as it was is kept
    /// under backups/)
    Restore {
        #[arg(value_name = "ID|FILE")]
        target: String,
    },
    /// Show a record's history of changes
    History { id: String },
    /// Undo the last change to records (a create, an edit, a delete or a restore)
    Undo,
    /// List the records of a section
    List(records::ListArgs),
    /// Quick search across all sections
    Search {
        query: String,
        /// Records per section at most
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Aggregates over a section, grouped by a field
    Stats(records::StatsArgs),
    /// What is due: birthdays, contract ends and other dates, events, tasks
    Reminders {
        /// The moment to check at [default: now], e.g. "2026-12-31 09:00"
        #[arg(long, value_name = "DATETIME")]
        at: Option<String>,
        /// Also what comes due this many days ahead
        #[arg(long, default_value_t = 0)]
        days: i64,
        /// Only reminders for this assignee (and those for everyone)
        #[arg(long)]
        profile: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Events on a record: plan one, record how it went, list them
    #[command(subcommand)]
    Event(events::EventCommand),
    /// Move a reminder to a later time
    Snooze {
        reminder: String,
        /// Until when, e.g. "2026-12-31 09:00"
        #[arg(long, value_name = "DATETIME")]
        until: String,
    },
    /// Remove a reminder for good
    Dismiss { reminder: String },
    /// Import records from a CSV, XLSX/XLS/ODS or JSON-lines file
    Import(transfer::ImportArgs),
    /// Export records to XLSX, CSV, HTML, plain text or JSON lines
    Export(transfer::ExportArgs),
    /// Change the vault's passphrase (the new one from CARDBASE_NEW_PASSPHRASE,
    /// --new-passphrase-file, or a prompt)
    Passwd {
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Write an encrypted copy of the vault
    Backup {
        /// Where to write it [default: backups/<vault>-<time>.cardbase beside the vault]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check the vault's encryption and integrity
    Check,
    /// Adds and edits from stdin, one per tab-separated line, each committed on its own
    #[command(hide = true)]
    Batch,
    /// Plugins: list, install, remove, enable, disable, and check, run or start one
    #[command(subcommand)]
    Plugin(plugin::PluginCommand),
}

/// The default vault: `default.cardbase` in the user's data directory (XDG on Linux).
pub fn default_vault_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("org", "Cardbase", "cardbase")
        .context("cannot find the user's home directory; give the vault with --vault")?;
    Ok(dirs.data_dir().join("default.cardbase"))
}

struct Ctx {
    path: PathBuf,
    passphrase_file: Option<PathBuf>,
}

impl Ctx {
    fn open(&self) -> Result<Vault> {
        let pass = passphrase::existing(self.passphrase_file.as_deref())?;
        Ok(Vault::open(&self.path, &pass)?)
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let vault = cli.vault.clone();
    run_command(cli).map_err(|e| about_vault(e, vault))
}

/// Whether printing failed because stdout's reader closed the pipe.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io = c
            .downcast_ref::<std::io::Error>()
            .or_else(|| match c.downcast_ref::<csv::Error>()?.kind() {
                csv::ErrorKind::Io(io) => Some(io),
                _ => None,
            });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A database error from inside a command names the vault, and says what to do when the
/// disk is full or the file turns out to be damaged.
fn about_vault(e: anyhow::Error, vault: Option<PathBuf>) -> anyhow::Error {
    use cardbase_engine::Error as E;
    let Some(engine @ E::Sql(_)) = e.chain().find_map(|c| c.downcast_ref::<E>()) else {
        return e;
    };
    let path = vault.or_else(|| default_vault_path().ok()).unwrap_or_default();
    let what = if engine.is_disk_full() {
        E::DiskFull(path).to_string()
    } else if engine.is_damage() {
        format!(
            "vault {} is damaged ({engine}); `cardbase check` lists the problems, `cardbase restore FILE` puts a backup in its place",
            path.display()
        )
    } else {
        format!("vault {}: {engine}", path.display())
    };
    // The database error's own causes only repeat it ("…: Error code 13: …"): stop there.
    let mut parts: Vec<String> = e
        .chain()
        .take_while(|c| c.downcast_ref::<E>().is_none())
        .map(|c| c.to_string())
        .collect();
    parts.push(what);
    anyhow::anyhow!(parts.join(": "))
}

fn run_command(cli: Cli) -> Result<()> {
    let path = match cli.vault {
        Some(p) => p,
        None => default_vault_path()?,
    };
    let ctx = Ctx {
        path,
        passphrase_file: cli.passphrase_file,
    };
    let Some(command) = cli.command else {
        return desktop(&ctx);
    };
    match command {
        Command::Init { preset, schema } => {
            let file = match schema {
                Some(f) => load_schema_file(&f)?,
                None => Preset::from_key(&preset)
                    .expect("clap checked the preset")
                    .schema_file(),
            };
            let pass = passphrase::new(passphrase::ENV, ctx.passphrase_file.as_deref())?;
            let vault = Vault::create_with_schema(&ctx.path, &pass, &file)?;
            say!("Created vault {} ({}).", vault.path().display(), file.name)?;
            Ok(())
        }
        Command::Sections => output::sections(&ctx.open()?),
        Command::Fields { section, all } => output::fields(&ctx.open()?, &section, all),
        Command::Schema(cmd) => {
            let mut vault = ctx.open()?;
            schema::run(&mut vault, cmd)
        }
        Command::Add { section, set } => records::add(&mut ctx.open()?, &section, &set),
        Command::Get {
            id,
            format,
            show_secrets,
        } => records::get(&ctx.open()?, &id, format, show_secrets),
        Command::Edit { id, set } => records::edit(&mut ctx.open()?, &id, &set),
        Command::Delete { id } => records::delete(&mut ctx.open()?, &id, true),
        // Record ids are numbers (`12`, `#12`); anything else is a backup file.
        Command::Restore { target } => match records::parse_id(&target) {
            Ok(_) => records::delete(&mut ctx.open()?, &target, false),
            Err(_) => backup::restore(&ctx.path, Path::new(&target)),
        },
        Command::History { id } => records::history(&ctx.open()?, &id),
        Command::Undo => match ctx.open()?.undo()? {
            // The records of that change may all be gone since (their section in the bin).
            Some(ids) if ids.is_empty() => {
                say!("Undone; the records it changed are no longer in the vault.")?;
                Ok(())
            }
            Some(ids) => {
                let ids: Vec<String> = ids.iter().map(|i| format!("#{i}")).collect();
                say!("Undone: {}.", ids.join(", "))?;
                Ok(())
            }
            None => bail!("there is nothing to undo"),
        },
        Command::List(args) => records::list(&ctx.open()?, args),
        Command::Search { query, limit, format } => records::search(&ctx.open()?, &query, limit, format),
        Command::Stats(args) => records::stats(&ctx.open()?, args),
        Command::Reminders {
            at,
            days,
            profile,
            format,
        } => {
            let now = match at {
                Some(t) => moment(&t)?,
                None => chrono::Utc::now(),
            };
            let vault = ctx.open()?;
            // Enabled plugin rules add theirs; a failing one is named, the rest still show.
            let mut plugins = plugin_host()?;
            let (due, failed) = cardbase_workflows::reminders::due(
                &vault,
                &mut plugins,
                now,
                days,
                profile.as_deref(),
                &chrono::Local,
            )?;
            warn_plugin_problems(&mut plugins);
            for e in &failed {
                say_err!("warning: {}", e.message);
            }
            for r in &due {
                match format {
                    Format::Json => say!("{}", serde_json::to_string(r)?)?,
                    _ => say!(
                        "{}  {}  (#{}, {})",
                        r.due.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
                        r.title,
                        r.record,
                        r.id
                    )?,
                }
            }
            if due.is_empty() && format == Format::Table {
                say!("Nothing is due.")?;
            }
            Ok(())
        }
        Command::Snooze { reminder, until } => {
            let until = moment(&until)?;
            ctx.open()?.snooze_reminder(&reminder, until)?;
            say!(
                "Snoozed until {}.",
                until.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
            )?;
            Ok(())
        }
        Command::Dismiss { reminder } => {
            ctx.open()?.dismiss_reminder(&reminder)?;
            say!("Dismissed.")?;
            Ok(())
        }
        Command::Import(args) => transfer::import(&mut ctx.open()?, args),
        Command::Export(args) => transfer::export(&ctx.open()?, args),
        Command::Passwd { new_passphrase_file } => {
            let mut vault = ctx.open()?;
            let new = passphrase::new(passphrase::NEW_ENV, new_passphrase_file.as_deref())?;
            vault.change_passphrase(&new)?;
            say!("Passphrase changed.")?;
            Ok(())
        }
        Command::Backup { out } => {
            let vault = ctx.open()?;
            // The backups folder beside the vault is the app's own: private even if it exists.
            let (out, ours) = match out {
                Some(o) => (o, false),
                None => (default_backup_path(vault.path()), true),
            };
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                let made = if ours {
                    private_files::own_dir(dir)
                } else {
                    private_files::create_dir_all(dir)
                };
                made.with_context(|| format!("creating {}", dir.display()))?;
            }
            vault.backup_to(&out)?;
            say!(
                "Backed up to {} (encrypted with the vault's passphrase).",
                out.display()
            )?;
            Ok(())
        }
        Command::Plugin(cmd) => plugin::run(&ctx, cmd),
        Command::Batch => batch::run(&mut ctx.open()?),
        Command::Event(cmd) => events::run(&mut ctx.open()?, cmd),
        Command::Check => {
            let vault = ctx.open()?;
            let report = vault.check()?;
            for (section, n) in &report.records {
                say!("{section}: {n} records")?;
            }
            if report.problems.is_empty() {
                say!("ok")?;
                Ok(())
            } else {
                for p in &report.problems {
                    say!("problem: {p}")?;
                }
                bail!(
                    "vault {} is damaged: {} problems (listed above); `cardbase restore FILE` puts a backup in its place",
                    vault.path().display(),
                    report.problems.len()
                )
            }
        }
    }
}

/// The user's plugins; the host starts (installing the bundled ones) when first needed.
fn plugin_host() -> Result<cardbase_workflows::Plugins> {
    Ok(cardbase_workflows::Plugins::user()?)
}

/// Bundled plugins that failed to install: a warning on stderr each, not an error (the
/// others still work).
fn warn_plugin_problems(plugins: &mut cardbase_workflows::Plugins) {
    for e in plugins.take_problems() {
        say_err!("warning: {e}");
    }
}

/// The started plugin host, its install problems warned about.
fn started(plugins: &mut cardbase_workflows::Plugins) -> Result<&cardbase_plugin_host::PluginHost> {
    plugins.host()?;
    warn_plugin_problems(plugins);
    Ok(plugins.host()?)
}

/// A local date and time ("2026-12-31 09:00") or a time from now ("2h", "1d").
fn moment(text: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    cardbase_engine::agenda::parse_moment(text, chrono::Utc::now()).map_err(anyhow::Error::msg)
}

fn default_backup_path(vault: &Path) -> PathBuf {
    // Milliseconds, so two backups in the same second do not collide.
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f");
    let name = vault
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vault".into());
    vault.with_file_name("backups").join(format!("{name}-{stamp}.cardbase"))
}

fn load_schema_file(path: &Path) -> Result<SchemaFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(SchemaFile::parse(&path.display().to_string(), &text)?)
}

/// No subcommand: the desktop app. A passphrase from the environment or a file unlocks the
/// vault at once (scripted runs, tests); otherwise the window asks for it.
fn desktop(ctx: &Ctx) -> Result<()> {
    let passphrase = passphrase::given(ctx.passphrase_file.as_deref())?;
    crate::gui::run(crate::gui::Options::new(ctx.path.clone(), passphrase))
}
