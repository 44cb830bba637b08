//! What is due: the engine's reminders (birthdays, dates marked "remind N days before",
//! events, open tasks) with those of the enabled plugin reminder rules. A rule that cannot be
//! loaded or fails is reported beside the reminders, so one bad plugin never hides the
//! birthdays.

use crate::{Plugins, Result};
use cardbase_engine::Vault;
use cardbase_engine::reminders::Reminder;
use cardbase_plugin_host::manifest::Kind;
use chrono::{DateTime, TimeZone, Utc};

/// A reminder rule that failed: which plugin, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    /// The plugin (its id), or the host when no rule could be loaded at all.
    pub plugin: String,
    /// What went wrong, as a sentence.
    pub message: String,
}

/// The reminders due at `now` and up to `days` ahead, for `profile` (`None`: everyone),
/// soonest first by the date of the thing itself, and the rules that failed.
pub fn due<Tz: TimeZone>(
    vault: &Vault,
    plugins: &mut Plugins,
    now: DateTime<Utc>,
    days: i64,
    profile: Option<&str>,
    tz: &Tz,
) -> Result<(Vec<Reminder>, Vec<RuleProblem>)> {
    let (rules, mut problems) = match plugins.host() {
        Ok(host) => {
            let (rules, failed) = host.load_enabled(Kind::ReminderRule);
            let problems: Vec<RuleProblem> = failed
                .iter()
                .map(|e| RuleProblem {
                    plugin: e.to_string(),
                    message: e.to_string(),
                })
                .collect();
            (rules, problems)
        }
        Err(crate::Error::Invalid(_)) => (Vec::new(), Vec::new()),
        Err(e) => (
            Vec::new(),
            vec![RuleProblem {
                plugin: "plugins".into(),
                message: e.to_string(),
            }],
        ),
    };
    let rules: Vec<_> = rules.iter().filter_map(|p| p.reminder_rule()).collect();
    let (mut due, failed) = vault.reminders_with(now, days, profile, tz, &rules)?;
    problems.extend(failed.iter().map(|e| RuleProblem {
        plugin: e.plugin.clone(),
        message: e.to_string(),
    }));
    // People read the list by the date of the thing (the birthday, the task), soonest first.
    due.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    Ok((due, problems))
}
