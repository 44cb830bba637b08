//! `cardbase schema ...`: edit sections and fields. Every edit is a migration in the vault;
//! renaming never touches data, and deleting moves to the bin.

use super::terminal::{DataOut, say};
use anyhow::{Context, Result, bail};
use cardbase_engine::schema::edit::FieldChange;
use cardbase_engine::schema::{FieldSpec, SchemaFile};
use cardbase_engine::{FieldType, Vault};
use clap::{Args, Subcommand};
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Add a section (then add fields to it)
    AddSection { key: String, label: String },
    /// Rename a section (its key and records stay)
    RenameSection { section: String, label: String },
    /// Hide a section from lists and the sidebar
    HideSection { section: String },
    /// Show a hidden section again
    UnhideSection { section: String },
    /// Move a section to a position (1 = first)
    MoveSection { section: String, position: usize },
    /// Move a section with its records to the bin
    DeleteSection { section: String },
    /// Bring a section back from the bin
    RestoreSection { section: String },
    /// Add a field to a section
    AddField {
        section: String,
        key: String,
        /// text, long_text, number, money, percent, date, date_no_year, datetime, checkbox,
        /// choice, tags, phones, emails, urls, addresses, photo, relation, secret
        #[arg(long = "type", value_name = "TYPE")]
        kind: String,
        /// The label people see [default: the key]
        #[arg(long)]
        label: Option<String>,
        #[command(flatten)]
        options: OptionArgs,
    },
    /// Rename a field (its key and values stay)
    RenameField {
        section: String,
        field: String,
        label: String,
    },
    /// Hide a field
    HideField { section: String, field: String },
    /// Show a hidden field again
    UnhideField { section: String, field: String },
    /// Move a field to a position (1 = first)
    MoveField {
        section: String,
        field: String,
        position: usize,
    },
    /// Move a field to the bin (its values are kept)
    DeleteField { section: String, field: String },
    /// Bring a field back from the bin with its values
    RestoreField { section: String, field: String },
    /// Change a field's options
    SetField {
        section: String,
        field: String,
        #[command(flatten)]
        options: OptionArgs,
    },
    /// Change a field's type; values that don't convert are reported and kept
    ChangeType {
        section: String,
        field: String,
        #[arg(value_name = "TYPE")]
        kind: String,
        #[command(flatten)]
        options: OptionArgs,
    },
    /// Show what is in the bin
    Bin,
    /// Delete for good what is in the bin
    EmptyBin {
        /// Really delete: binned sections lose their records, binned fields their values
        #[arg(long)]
        yes: bool,
    },
    /// Write the vault's schema as TOML
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Make the vault's schema match a TOML file (what the file leaves out goes to the bin)
    Import { file: PathBuf },
}

/// Field options shared by add-field, set-field and change-type.
#[derive(Debug, Args)]
pub struct OptionArgs {
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    required: Option<bool>,
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    unique: Option<bool>,
    /// Keep an index for fast sorting and filtering on large vaults
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    indexed: Option<bool>,
    /// Help text shown beside the field
    #[arg(long, value_name = "TEXT")]
    help_text: Option<String>,
    /// The value new records get
    #[arg(long)]
    default: Option<String>,
    /// Choices of a choice or tags field, comma-separated
    #[arg(long, value_delimiter = ',')]
    choices: Option<Vec<String>>,
    /// The section a relation points to
    #[arg(long)]
    target: Option<String>,
    /// The currency of a money field (ISO 4217, e.g. EUR)
    #[arg(long)]
    currency: Option<String>,
    /// For date fields: remind this many days before
    #[arg(long, value_name = "DAYS")]
    remind_days_before: Option<u32>,
}

impl OptionArgs {
    fn change(&self) -> FieldChange {
        let opt = |s: &Option<String>| s.as_ref().map(|s| (!s.is_empty()).then(|| s.clone()));
        FieldChange {
            required: self.required,
            unique: self.unique,
            indexed: self.indexed,
            help: opt(&self.help_text),
            default: opt(&self.default),
            choices: self.choices.as_ref().map(|c| {
                c.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            target: opt(&self.target),
            currency: opt(&self.currency.as_ref().map(|c| c.to_ascii_uppercase())),
            remind_days_before: self.remind_days_before.map(Some),
        }
    }
}

fn say_backup(backup: &Option<PathBuf>) -> std::io::Result<()> {
    if let Some(b) = backup {
        say!("Backed up the vault to {} first.", b.display())?;
    }
    Ok(())
}

fn kind(s: &str) -> Result<FieldType> {
    s.parse::<FieldType>().map_err(anyhow::Error::msg)
}

pub fn run(vault: &mut Vault, cmd: SchemaCommand) -> Result<()> {
    use SchemaCommand as C;
    match cmd {
        C::AddSection { key, label } => {
            vault.add_section(&key, &label)?;
            say!("Added section {key} ({label}).")?;
        }
        C::RenameSection { section, label } => {
            vault.rename_section(&section, &label)?;
            say!("Section {section} is now labelled {label:?}.")?;
        }
        C::HideSection { section } => vault.set_section_hidden(&section, true)?,
        C::UnhideSection { section } => vault.set_section_hidden(&section, false)?,
        C::MoveSection { section, position } => vault.move_section(&section, position)?,
        C::DeleteSection { section } => {
            vault.delete_section(&section)?;
            say!(
                "Section {section} moved to the bin with its records; `cardbase schema restore-section {section}` brings it back."
            )?;
        }
        C::RestoreSection { section } => vault.restore_section(&section)?,
        C::AddField {
            section,
            key,
            kind: k,
            label,
            options,
        } => {
            let c = options.change();
            let mut spec = FieldSpec::new(&key, label.as_deref().unwrap_or(&key), kind(&k)?);
            spec.required = c.required.unwrap_or(false);
            spec.unique = c.unique.unwrap_or(false);
            spec.indexed = c.indexed.unwrap_or(false);
            spec.help = c.help.flatten();
            spec.default = c.default.flatten();
            spec.choices = c.choices.unwrap_or_default();
            spec.target = c.target.flatten();
            spec.currency = c.currency.flatten();
            spec.remind_days_before = c.remind_days_before.flatten();
            vault.add_field(&section, &spec)?;
            say!("Added field {key} ({}) to {section}.", spec.kind)?;
        }
        C::RenameField { section, field, label } => {
            vault.rename_field(&section, &field, &label)?;
            say!("Field {section}.{field} is now labelled {label:?}.")?;
        }
        C::HideField { section, field } => vault.set_field_hidden(&section, &field, true)?,
        C::UnhideField { section, field } => vault.set_field_hidden(&section, &field, false)?,
        C::MoveField {
            section,
            field,
            position,
        } => vault.move_field(&section, &field, position)?,
        C::DeleteField { section, field } => {
            vault.delete_field(&section, &field)?;
            say!(
                "Field {section}.{field} moved to the bin with its values; `cardbase schema restore-field {section} {field}` brings it back."
            )?;
        }
        C::RestoreField { section, field } => {
            vault.restore_field(&section, &field)?;
            say!("Field {section}.{field} restored with its values.")?;
        }
        C::SetField {
            section,
            field,
            options,
        } => {
            vault.set_field_options(&section, &field, &options.change())?;
            say!("Saved options of {section}.{field}.")?;
        }
        C::ChangeType {
            section,
            field,
            kind: k,
            options,
        } => {
            let changed =
                cardbase_workflows::schema::change_type(vault, &section, &field, kind(&k)?, &options.change())?;
            say_backup(&changed.backup)?;
            let report = changed.done;
            say!("Changed {section}.{field} to {k}: {}.", report.summary())?;
            for u in &report.unconverted {
                say!(
                    "  record {}: {:?} did not convert (kept; it returns if you change the type back)",
                    u.record,
                    u.value
                )?;
            }
        }
        C::Bin => {
            let bin = vault.bin();
            if bin.sections.is_empty() && bin.fields.is_empty() {
                say!("The bin is empty.")?;
            }
            for s in bin.sections {
                say!("section {s}")?;
            }
            for (s, f) in bin.fields {
                say!("field {s}.{f}")?;
            }
        }
        C::EmptyBin { yes } => {
            if !yes {
                bail!(
                    "emptying the bin deletes its sections' records and its fields' values for good; add --yes to do it"
                );
            }
            let emptied = cardbase_workflows::schema::empty_bin(vault)?;
            say_backup(&emptied.backup)?;
            let bin = emptied.done;
            say!(
                "Deleted {} sections and {} fields for good.",
                bin.sections.len(),
                bin.fields.len()
            )?;
        }
        C::Export { out } => {
            let text = cardbase_workflows::schema::export_text(vault);
            match out {
                Some(path) => cardbase_workflows::atomic::write_file(&path, |f| {
                    f.write_all(text.as_bytes())
                        .map_err(|source| cardbase_workflows::Error::Io {
                            path: path.clone(),
                            source,
                        })
                })?,
                None => {
                    let mut out = DataOut::stdout();
                    out.write_all(text.as_bytes())?;
                    out.flush()?;
                }
            }
        }
        C::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let schema = SchemaFile::parse(&file.display().to_string(), &text)?;
            let changed = cardbase_workflows::schema::import(vault, &schema)?;
            say_backup(&changed.backup)?;
            let log = changed.done;
            if log.is_empty() {
                say!("The schema already matches {}.", file.display())?;
            }
            for line in log {
                say!("{line}")?;
            }
        }
    }
    Ok(())
}
