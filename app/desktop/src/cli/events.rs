//! `cardbase event ...`: plan a call or a meeting on a record, record how it went (and plan
//! the follow-up in the same step), and list a record's events.

use super::records::parse_id;
use super::terminal::say;
use super::{Format, moment};
use anyhow::{Context, Result};
use cardbase_engine::Vault;
use cardbase_engine::events::EventPlan;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Plan an event on a record: cardbase event add '#12' --type call --at "2026-12-01 10:00" --remind 15m
    Add {
        /// The record (a contact, an organization...), e.g. '#12'
        record: String,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Record how an event went, and optionally plan the follow-up on the same record
    Done {
        /// The event, e.g. '#40'
        event: String,
        /// One of the section's results: reached, no answer, agreed, refused, postponed...
        #[arg(long)]
        result: String,
        /// What was agreed, in words
        #[arg(long)]
        notes: Option<String>,
        /// Plan the next event at this time, e.g. "2026-12-08 10:00"
        #[arg(long = "follow-up", value_name = "DATETIME")]
        follow_up: Option<String>,
        /// The follow-up's type [default: the same as this event's]
        #[arg(long = "follow-up-type", value_name = "TYPE", requires = "follow_up")]
        follow_up_type: Option<String>,
    },
    /// A record's events, newest first
    List {
        record: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// One of the section's types: call, meeting, letter, visit...
    #[arg(long = "type", value_name = "TYPE")]
    kind: String,
    /// When, e.g. "2026-12-01 10:00" (local time)
    #[arg(long, value_name = "DATETIME")]
    at: String,
    /// How long, in minutes
    #[arg(long, value_name = "MINUTES")]
    duration: Option<f64>,
    /// Remind this long before: 15m, 2h, 1d (or minutes)
    #[arg(long, value_name = "BEFORE")]
    remind: Option<String>,
    #[arg(long)]
    assignee: Option<String>,
    /// [default: the type and the record's title]
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

/// "15m", "2h", "1d" or a number of minutes, as minutes.
fn minutes(text: &str) -> Result<f64> {
    cardbase_engine::agenda::parse_minutes(text).map_err(|e| anyhow::anyhow!("--remind: {e}"))
}

fn plan(args: PlanArgs) -> Result<EventPlan> {
    Ok(EventPlan {
        kind: args.kind,
        at: moment(&args.at)?,
        duration_minutes: args.duration,
        remind_minutes_before: args.remind.as_deref().map(minutes).transpose()?,
        assignee: args.assignee,
        title: args.title,
        notes: args.notes,
    })
}

pub fn run(vault: &mut Vault, command: EventCommand) -> Result<()> {
    match command {
        EventCommand::Add { record, plan: args } => {
            let record = parse_id(&record)?;
            let id = vault.plan_event(record, &plan(args)?)?;
            say!("{id}")?;
            Ok(())
        }
        EventCommand::Done {
            event,
            result,
            notes,
            follow_up,
            follow_up_type,
        } => {
            let event = parse_id(&event)?;
            let next = match follow_up {
                Some(at) => {
                    let kind = match follow_up_type {
                        Some(k) => k,
                        None => vault
                            .record(event)?
                            .get("type")
                            .map(cardbase_engine::Value::display)
                            .context("the event has no type: give --follow-up-type")?,
                    };
                    Some(EventPlan::new(&kind, moment(&at)?))
                }
                None => None,
            };
            match vault.complete_event(event, &result, notes.as_deref(), next.as_ref())? {
                Some(id) => say!("Done; follow-up #{id} planned.")?,
                None => say!("Done.")?,
            }
            Ok(())
        }
        EventCommand::List { record, format } => {
            let record = parse_id(&record)?;
            let events = vault.events_of(record)?;
            let section = vault.schema().require_section("events")?.clone();
            let asked: Vec<String> = ["planned", "type", "title", "status", "result", "assignee", "notes"]
                .into_iter()
                .filter(|k| section.field(k).is_some())
                .map(str::to_string)
                .collect();
            let columns = super::output::Columns::choose(&section, &events, &asked)?;
            super::output::records(vault, &section, &events, &columns, format, false)
        }
    }
}
