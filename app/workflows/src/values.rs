//! The values a field holds across a section, with how many records hold each: the sidebar's
//! groups, the assignees of the quick filters, and the choices of an autofilter.

use crate::Result;
use cardbase_engine::Vault;
use cardbase_engine::query::StatsQuery;

/// The distinct values of `field` in `section` (empty ones left out), each with its count of
/// live records, in the order the engine groups them.
pub fn distinct(vault: &Vault, section: &str, field: &str) -> Result<Vec<(String, u64)>> {
    let q = StatsQuery {
        section: section.to_string(),
        group_by: Some(field.to_string()),
        ..StatsQuery::default()
    };
    Ok(vault
        .stats(&q)?
        .into_iter()
        .filter_map(|r| Some((r.group?, r.count.max(0) as u64)))
        .collect())
}
