//! Aggregates (count, sum, avg, min, max, product, stdev, variance) over a filtered section,
//! grouped by any field. A tags field groups by each tag, so a record in two groups counts in
//! both.

use super::{Filter, where_clause};
use crate::error::{Error, Result};
use crate::records::Value;
use crate::schema::FieldType;
use crate::vault::Vault;
use rusqlite::params_from_iter;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AggregateFn {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Product,
    /// Sample standard deviation.
    Stdev,
    /// Sample variance.
    Variance,
}

impl AggregateFn {
    fn sql(self, col: &str) -> String {
        match self {
            AggregateFn::Count => format!("count({col})"),
            AggregateFn::Sum => format!("sum({col})"),
            AggregateFn::Avg => format!("avg({col})"),
            AggregateFn::Min => format!("min({col})"),
            AggregateFn::Max => format!("max({col})"),
            AggregateFn::Product => format!("cb_product({col})"),
            AggregateFn::Stdev => format!("cb_stdev({col})"),
            AggregateFn::Variance => format!("cb_variance({col})"),
        }
    }

    /// The function's name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AggregateFn::Count => "count",
            AggregateFn::Sum => "sum",
            AggregateFn::Avg => "avg",
            AggregateFn::Min => "min",
            AggregateFn::Max => "max",
            AggregateFn::Product => "product",
            AggregateFn::Stdev => "stdev",
            AggregateFn::Variance => "variance",
        }
    }
}

/// One aggregate to compute: a function over a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    pub func: AggregateFn,
    pub field: String,
}

impl FromStr for Aggregate {
    type Err = Error;

    /// Reads `func:field`, e.g. `sum:deal_amount`.
    fn from_str(s: &str) -> Result<Self> {
        let (func, field) = s
            .split_once(':')
            .ok_or_else(|| Error::Query(format!("aggregate {s:?} should look like sum:amount")))?;
        let func = match func.trim().to_ascii_lowercase().as_str() {
            "count" => AggregateFn::Count,
            "sum" => AggregateFn::Sum,
            "avg" | "average" | "mean" => AggregateFn::Avg,
            "min" => AggregateFn::Min,
            "max" => AggregateFn::Max,
            "product" => AggregateFn::Product,
            "stdev" | "stddev" => AggregateFn::Stdev,
            "variance" | "var" => AggregateFn::Variance,
            other => {
                return Err(Error::Query(format!(
                    "unknown aggregate {other:?}; use count, sum, avg, min, max, product, stdev or variance"
                )));
            }
        };
        Ok(Aggregate {
            func,
            field: field.trim().to_string(),
        })
    }
}

/// Aggregates over a section, optionally narrowed and grouped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StatsQuery {
    pub section: String,
    pub search: Option<String>,
    pub filters: Vec<Filter>,
    pub group_by: Option<String>,
    pub aggregates: Vec<Aggregate>,
}

/// One group's results. `group` is `None` for records with the field empty (and when not
/// grouping); `values` follow the order of the query's aggregates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsRow {
    pub group: Option<String>,
    pub count: i64,
    pub values: Vec<Option<Value>>,
}

impl Vault {
    /// Computes aggregates, one row per group (empty group last).
    pub fn stats(&self, q: &StatsQuery) -> Result<Vec<StatsRow>> {
        let section = self.schema.require_section(&q.section)?;
        let w = where_clause(
            &self.conn,
            &self.schema.sections,
            section,
            q.search.as_deref(),
            &q.filters,
            false,
        )?;
        let mut from = format!("{} t", section.table());
        let (group_sql, group_field) = match &q.group_by {
            Some(key) => {
                let f = section.require_field(key)?;
                if f.kind == FieldType::Tags {
                    from.push_str(&format!(" LEFT JOIN json_each(t.{}) g", f.column()));
                    ("g.value".to_string(), Some(f))
                } else if f.kind.is_list() {
                    return Err(Error::Query(format!("cannot group by {key:?}: it holds a list")));
                } else {
                    (format!("t.{}", f.column()), Some(f))
                }
            }
            None => ("NULL".to_string(), None),
        };
        // Amounts in different currencies are different groups.
        let group_currency = match group_field {
            Some(f) if f.kind == FieldType::Money => format!("t.{}", f.currency_column()),
            _ => "NULL".to_string(),
        };
        let mut select = vec![group_sql.clone(), group_currency.clone(), "count(*)".to_string()];
        let mut kinds = Vec::new();
        for a in &q.aggregates {
            let f = section.require_field(&a.field)?;
            let orderable = matches!(f.kind, FieldType::Date | FieldType::Datetime);
            let allowed = f.kind.is_numeric()
                || a.func == AggregateFn::Count
                || (orderable && matches!(a.func, AggregateFn::Min | AggregateFn::Max));
            if !allowed {
                return Err(Error::Query(format!(
                    "{} of {:?} needs a number, money or percent field (it is {})",
                    a.func.name(),
                    f.key,
                    f.kind
                )));
            }
            let in_units = f.kind == FieldType::Money
                && matches!(
                    a.func,
                    AggregateFn::Product | AggregateFn::Stdev | AggregateFn::Variance
                );
            let col = if in_units {
                format!("t.{} / 100.0", f.column())
            } else {
                format!("t.{}", f.column())
            };
            select.push(a.func.sql(&col));
            if f.kind == FieldType::Money {
                let cur = format!("t.{}", f.currency_column());
                select.push(format!(
                    "CASE WHEN count(DISTINCT {cur}) > 1 THEN '(mixed)' ELSE max({cur}) END"
                ));
            } else {
                select.push("NULL".into());
            }
            kinds.push((a.func, f.kind));
        }
        let group_clause = if group_field.is_some() {
            format!(
                " GROUP BY {group_sql}, {group_currency} ORDER BY {group_sql} IS NULL, {group_sql}, {group_currency}"
            )
        } else {
            String::new()
        };
        // Aggregates read every selected row: straight through the table, unless a quick search
        // or an indexed condition narrows them (see `prefers_table_scan`).
        let narrowed = q.search.as_deref().is_some_and(|s| !s.trim().is_empty())
            || q.filters.iter().any(|f| super::has_indexed_condition(section, f));
        let condition = if narrowed {
            w.sql.clone()
        } else {
            super::table_scan(&w.sql)
        };
        let sql = format!(
            "SELECT {} FROM {from} WHERE {condition}{group_clause}",
            select.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(w.params.iter()), |r| {
            let group = match group_field {
                Some(f) if f.kind == FieldType::Tags => r.get::<_, Option<String>>(0)?,
                Some(f) => Value::from_sql(f.kind, r.get_ref(0)?, Some(r.get_ref(1)?)).map(|v| v.display()),
                None => None,
            };
            let mut values = Vec::new();
            for (i, (func, kind)) in kinds.iter().enumerate() {
                let raw = r.get_ref(3 + 2 * i)?;
                let cur: Option<String> = r.get(4 + 2 * i)?;
                values.push(aggregate_value(*func, *kind, raw, cur));
            }
            Ok(StatsRow {
                group,
                count: r.get(2)?,
                values,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn aggregate_value(
    func: AggregateFn,
    kind: FieldType,
    raw: rusqlite::types::ValueRef<'_>,
    cur: Option<String>,
) -> Option<Value> {
    use rusqlite::types::ValueRef as R;
    let n = match raw {
        R::Integer(i) => i as f64,
        R::Real(f) => f,
        _ => return None,
    };
    if func == AggregateFn::Count {
        return Some(Value::Number(n));
    }
    match kind {
        // Money is stored in cents; product and variance are not amounts of money.
        FieldType::Money if matches!(func, AggregateFn::Variance | AggregateFn::Product) => Some(Value::Number(n)),
        FieldType::Money if func == AggregateFn::Stdev => Some(Value::Money {
            cents: (n * 100.0).round() as i64,
            currency: cur.unwrap_or_default(),
        }),
        FieldType::Money => Some(Value::Money {
            cents: n.round() as i64,
            currency: cur.unwrap_or_default(),
        }),
        FieldType::Date | FieldType::Datetime => Value::from_sql(kind, raw, None),
        _ => Some(Value::Number(n)),
    }
}
