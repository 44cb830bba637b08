//! Queries over a section: quick search, typed filters, multi-column sort, paging, and
//! aggregates grouped by any field.
//!
//! ```
//! # use cardbase_engine::{Vault, Preset, Passphrase, Query};
//! # let dir = tempfile::tempdir().unwrap();
//! # let mut vault = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::ClientBase).unwrap();
//! vault.create_record_from_text("organizations", &[("name", "Acme"), ("city", "Berlin"), ("debt", "120")]).unwrap();
//! let q = Query::section("organizations").filter("city = berlin AND debt > 100").unwrap().sort("name", false);
//! assert_eq!(vault.list(&q).unwrap().total, 1);
//! ```

pub mod filter_expr;
mod stats;

pub use filter_expr::{Condition, Filter, Op, parse_filter};
pub use stats::{Aggregate, AggregateFn, StatsQuery, StatsRow};

use crate::error::{Error, Result};
use crate::ids::RecordId;
use crate::records::{Record, Value, read_row, select_list};
use crate::schema::{Field, FieldType, Section};
use crate::search::{fold, phone_query, text_query};
use crate::vault::Vault;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A sort key: a field key (or `id`, `created`, `modified`) and a direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortKey {
    pub field: String,
    pub desc: bool,
}

impl FromStr for SortKey {
    type Err = Error;

    /// Reads `key`, `key:asc` or `key:desc`.
    fn from_str(s: &str) -> Result<Self> {
        let (field, dir) = s.split_once(':').unwrap_or((s, "asc"));
        let desc = match dir.to_ascii_lowercase().as_str() {
            "asc" | "" => false,
            "desc" => true,
            other => return Err(Error::Query(format!("sort direction {other:?} must be asc or desc"))),
        };
        Ok(SortKey {
            field: field.trim().to_string(),
            desc,
        })
    }
}

/// What to list: a section, narrowed by quick search and filters, sorted and paged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Query {
    pub section: String,
    pub search: Option<String>,
    /// Conditions that must all hold.
    pub filters: Vec<Filter>,
    pub sort: Vec<SortKey>,
    pub limit: Option<usize>,
    pub offset: usize,
    /// List the records in the bin instead of the live ones.
    pub deleted: bool,
}

impl Query {
    /// All live records of a section.
    pub fn section(section: &str) -> Query {
        Query {
            section: section.to_string(),
            ..Query::default()
        }
    }

    /// Narrows to records matching a quick search.
    pub fn search(mut self, q: &str) -> Query {
        self.search = Some(q.to_string());
        self
    }

    /// Adds a filter expression such as `city = Berlin AND debt > 100`.
    pub fn filter(mut self, expr: &str) -> Result<Query> {
        self.filters.push(parse_filter(expr)?);
        Ok(self)
    }

    /// Adds a sort key.
    pub fn sort(mut self, field: &str, desc: bool) -> Query {
        self.sort.push(SortKey {
            field: field.to_string(),
            desc,
        });
        self
    }

    /// Limits the number of records returned.
    pub fn limit(mut self, n: usize) -> Query {
        self.limit = Some(n);
        self
    }
}

/// A page of records and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryResult {
    pub total: usize,
    pub records: Vec<Record>,
}

/// A WHERE clause under construction, with its parameters.
pub(crate) struct Where {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl Where {
    fn param(&mut self, v: SqlValue) -> String {
        self.params.push(v);
        format!("?{}", self.params.len())
    }
}

/// Builds the WHERE clause shared by lists and aggregates.
pub(crate) fn where_clause(
    conn: &Connection,
    sections: &[Section],
    section: &Section,
    search: Option<&str>,
    filters: &[Filter],
    deleted: bool,
) -> Result<Where> {
    let mut w = Where {
        sql: format!("t.deleted = {}", deleted as i32),
        params: Vec::new(),
    };
    if let Some(q) = search.filter(|q| !q.trim().is_empty()) {
        let mut parts = Vec::new();
        if let Some(tq) = text_query(q) {
            let p = w.param(SqlValue::Text(tq));
            parts.push(format!("SELECT rowid FROM search_text WHERE search_text MATCH {p}"));
        }
        if let Some(pq) = phone_query(q) {
            let p = w.param(SqlValue::Text(pq));
            parts.push(format!("SELECT rowid FROM search_digits WHERE search_digits MATCH {p}"));
        }
        if parts.is_empty() {
            w.sql.push_str(" AND 0");
        } else {
            w.sql.push_str(&format!(" AND t.id IN ({})", parts.join(" UNION ")));
        }
    }
    for f in filters {
        let sql = filter_sql(conn, sections, section, f, &mut w)?;
        w.sql.push_str(&format!(" AND ({sql})"));
    }
    Ok(w)
}

fn filter_sql(conn: &Connection, sections: &[Section], section: &Section, f: &Filter, w: &mut Where) -> Result<String> {
    Ok(match f {
        Filter::And(all) | Filter::Or(all) => {
            let joiner = if matches!(f, Filter::And(_)) { " AND " } else { " OR " };
            let parts = all
                .iter()
                .map(|f| filter_sql(conn, sections, section, f, w).map(|s| format!("({s})")))
                .collect::<Result<Vec<_>>>()?;
            if parts.is_empty() {
                "1".into()
            } else {
                parts.join(joiner)
            }
        }
        // A condition on an empty field is NULL in SQL; NOT must still select that record.
        Filter::Not(inner) => format!("NOT coalesce(({}), 0)", filter_sql(conn, sections, section, inner, w)?),
        Filter::Cond(c) => condition_sql(conn, sections, section, c, w)?,
    })
}

/// How a field's values compare in SQL.
enum Column<'a> {
    System(&'static str),
    Field(&'a Field),
}

fn condition_sql(
    conn: &Connection,
    sections: &[Section],
    section: &Section,
    c: &Condition,
    w: &mut Where,
) -> Result<String> {
    let column = match c.field.as_str() {
        "id" => Column::System("t.id"),
        "created" => Column::System("t.created"),
        "modified" => Column::System("t.modified"),
        key => Column::Field(section.require_field(key)?),
    };
    let f = match column {
        Column::System(col) => {
            // System columns: ids are integers; created/modified take dates.
            let mut vals = Vec::new();
            for v in &c.values {
                vals.push(if col == "t.id" {
                    SqlValue::Integer(
                        v.trim_start_matches('#')
                            .parse()
                            .map_err(|_| Error::Query(format!("{v:?} is not a record id")))?,
                    )
                } else {
                    match Value::parse_as(FieldType::Datetime, &[], None, v).map_err(|m| Error::invalid(&c.field, m))? {
                        Some(Value::DateTime(t)) => SqlValue::Integer(t.timestamp_millis()),
                        _ => SqlValue::Null,
                    }
                });
            }
            return compare(col, c.op, vals, w, &c.field);
        }
        Column::Field(f) => f,
    };
    let col = format!("t.{}", f.column());
    if matches!(c.op, Op::Empty | Op::NotEmpty) {
        return Ok(format!("{col} IS {}NULL", if c.op == Op::Empty { "" } else { "NOT " }));
    }
    let needle = |w: &mut Where, v: &str| w.param(SqlValue::Text(fold(v)));
    if f.kind.is_list() {
        let element = match f.kind {
            FieldType::Tags => "j.value",
            FieldType::Addresses => "j.value",
            _ => "json_extract(j.value, '$.value')",
        };
        return Ok(match c.op {
            Op::Contains => {
                let p = needle(w, first(c)?);
                format!("instr(cb_fold({col}), {p}) > 0")
            }
            Op::StartsWith => {
                let p = needle(w, first(c)?);
                format!("EXISTS (SELECT 1 FROM json_each({col}) j WHERE instr(cb_fold({element}), {p}) = 1)")
            }
            Op::Eq | Op::In | Op::Ne => {
                let ps: Vec<String> = c.values.iter().map(|v| needle(w, v)).collect();
                let any = format!(
                    "EXISTS (SELECT 1 FROM json_each({col}) j WHERE cb_fold({element}) IN ({}))",
                    ps.join(", ")
                );
                if c.op == Op::Ne { format!("NOT {any}") } else { any }
            }
            _ => {
                return Err(Error::Query(format!(
                    "field {:?} holds a list; use =, !=, in, contains or starts-with",
                    f.key
                )));
            }
        });
    }
    match f.kind {
        FieldType::Text | FieldType::LongText | FieldType::Secret | FieldType::DateNoYear
            if c.op != Op::Lt && c.op != Op::Le && c.op != Op::Gt && c.op != Op::Ge =>
        {
            let folded = format!("cb_fold({col})");
            Ok(match c.op {
                Op::Contains => format!("instr({folded}, {}) > 0", needle(w, first(c)?)),
                Op::StartsWith => format!("instr({folded}, {}) = 1", needle(w, first(c)?)),
                Op::Eq => format!("{folded} = {}", needle(w, first(c)?)),
                Op::Ne => format!("({col} IS NULL OR {folded} != {})", needle(w, first(c)?)),
                Op::In => {
                    let ps: Vec<String> = c.values.iter().map(|v| needle(w, v)).collect();
                    format!("{folded} IN ({})", ps.join(", "))
                }
                _ => unreachable!("comparisons are handled below"),
            })
        }
        _ if matches!(c.op, Op::Contains | Op::StartsWith) => {
            let p = needle(w, first(c)?);
            let cmp = if c.op == Op::Contains { "> 0" } else { "= 1" };
            Ok(format!("instr(cb_fold({col}), {p}) {cmp}"))
        }
        FieldType::Checkbox => {
            // Never-ticked records are "no", like unticked ones.
            let is_yes = format!("coalesce({col}, 0) = 1");
            let mut wanted = Vec::new();
            for v in &c.values {
                wanted.push(matches!(typed(conn, sections, f, v)?, SqlValue::Integer(1)));
            }
            let (yes, no) = (wanted.contains(&true), wanted.contains(&false));
            let any = match (yes, no) {
                (true, true) => "1".to_string(),
                (true, false) => is_yes,
                (false, true) => format!("NOT {is_yes}"),
                (false, false) => return Err(Error::Query(format!("{} {} needs a value", c.field, c.op.as_str()))),
            };
            match c.op {
                Op::Eq | Op::In => Ok(any),
                Op::Ne => Ok(format!("NOT ({any})")),
                _ => Err(Error::Query(format!("field {:?} is yes or no; use =, != or in", f.key))),
            }
        }
        _ => {
            let vals = c
                .values
                .iter()
                .map(|v| typed(conn, sections, f, v))
                .collect::<Result<Vec<_>>>()?;
            compare(&col, c.op, vals, w, &f.key)
        }
    }
}

fn first(c: &Condition) -> Result<&str> {
    c.values
        .first()
        .map(String::as_str)
        .ok_or_else(|| Error::Query(format!("{} {} needs a value", c.field, c.op.as_str())))
}

/// A filter value typed like the field's stored values.
fn typed(conn: &Connection, sections: &[Section], f: &Field, v: &str) -> Result<SqlValue> {
    let value = if f.kind == FieldType::Relation {
        crate::records::parse_relation(conn, sections, f, v)?
    } else {
        Value::parse(f, v).map_err(|m| Error::invalid(&f.key, m))?
    };
    Ok(value.map(|v| v.to_sql().0).unwrap_or(SqlValue::Null))
}

fn compare(col: &str, op: Op, vals: Vec<SqlValue>, w: &mut Where, field: &str) -> Result<String> {
    let sym = match op {
        Op::Eq => "=",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::In => {
            let ps: Vec<String> = vals.into_iter().map(|v| w.param(v)).collect();
            return Ok(format!("{col} IN ({})", ps.join(", ")));
        }
        other => {
            return Err(Error::Query(format!(
                "{field} {} is not supported for this field",
                other.as_str()
            )));
        }
    };
    let v = vals
        .into_iter()
        .next()
        .ok_or_else(|| Error::Query(format!("{field} {sym} needs a value")))?;
    let p = w.param(v);
    Ok(if op == Op::Ne {
        format!("({col} IS NULL OR {col} != {p})")
    } else {
        format!("{col} {sym} {p}")
    })
}

/// Whether a field has an index (partial: live records only) a query can read.
fn is_indexed(section: &Section, key: &str) -> bool {
    section
        .field(key)
        .is_some_and(|f| !f.deleted && (f.indexed || f.unique || f.kind == FieldType::Relation))
}

/// Whether some condition every selected record must meet could be looked up in a field's
/// index: a comparison of the stored value (folded text and lists cannot use one).
fn has_indexed_condition(section: &Section, filter: &Filter) -> bool {
    match filter {
        Filter::And(all) => all.iter().any(|f| has_indexed_condition(section, f)),
        Filter::Or(_) | Filter::Not(_) => false,
        Filter::Cond(c) => {
            let Some(f) = section.field(&c.field).filter(|_| is_indexed(section, &c.field)) else {
                return false;
            };
            let folded = matches!(
                f.kind,
                FieldType::Text | FieldType::LongText | FieldType::Secret | FieldType::DateNoYear
            ) && matches!(c.op, Op::Eq | Op::In | Op::Ne);
            !folded
                && !f.kind.is_list()
                && f.kind != FieldType::Checkbox
                && matches!(
                    c.op,
                    Op::Eq | Op::In | Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Empty | Op::NotEmpty
                )
        }
    }
}

/// Whether a query that reads the table anyway should read it straight through, in id order,
/// rather than through a field's index. Every field index is partial (`WHERE deleted = 0`), so
/// without statistics SQLite takes any of them for a cheap way to visit the live records and
/// seeks from it into the table row by row: in the index's order, page after page decrypted
/// again and again (on a million records, a minute where a straight scan takes seconds). No
/// quick search, no condition or sort an index serves: then nothing is lost by leaving the
/// indexes out, and [`table_scan`] does that.
pub(crate) fn prefers_table_scan(
    section: &Section,
    search: Option<&str>,
    filters: &[Filter],
    sort: &[SortKey],
) -> bool {
    search.is_none_or(|q| q.trim().is_empty())
        && !filters.iter().any(|f| has_indexed_condition(section, f))
        && (!filters.is_empty() || sort.iter().any(|k| k.field != "id" && !is_indexed(section, &k.field)))
}

/// A WHERE clause from [`where_clause`] that no partial index matches: `+t.deleted` is the same
/// test, but SQLite only uses an index whose condition the query states as written.
pub(crate) fn table_scan(where_sql: &str) -> String {
    match where_sql.strip_prefix("t.deleted") {
        Some(rest) => format!("+t.deleted{rest}"),
        None => where_sql.to_string(),
    }
}

/// The ORDER BY clause; the record id breaks ties so paging is stable.
pub(crate) fn order_clause(section: &Section, sort: &[SortKey]) -> Result<String> {
    let mut parts = Vec::new();
    for k in sort {
        let col = match k.field.as_str() {
            "id" => "t.id".to_string(),
            "created" => "t.created".into(),
            "modified" => "t.modified".into(),
            key => format!("t.{}", section.require_field(key)?.column()),
        };
        parts.push(format!("{col}{}", if k.desc { " DESC" } else { "" }));
    }
    parts.push("t.id".into());
    Ok(parts.join(", "))
}

impl Vault {
    /// The SQL selecting `columns` of the records a query selects, in its order, with its
    /// limit and offset; and the WHERE clause alone (for counting).
    fn query_sql(&self, q: &Query, columns: &str) -> Result<(String, Where, &Section)> {
        let section = self.schema.require_section(&q.section)?;
        let w = where_clause(
            &self.conn,
            &self.schema.sections,
            section,
            q.search.as_deref(),
            &q.filters,
            q.deleted,
        )?;
        let order = order_clause(section, &q.sort)?;
        let limit = q.limit.map(|l| l as i64).unwrap_or(-1);
        let condition = if prefers_table_scan(section, q.search.as_deref(), &q.filters, &q.sort) {
            table_scan(&w.sql)
        } else {
            w.sql.clone()
        };
        let sql = format!(
            "SELECT {columns} FROM {} t WHERE {condition} ORDER BY {order} LIMIT {limit} OFFSET {}",
            section.table(),
            q.offset
        );
        Ok((sql, w, section))
    }

    /// Lists the records of a section that a query selects, with the total count.
    pub fn list(&self, q: &Query) -> Result<QueryResult> {
        let section = self.schema.require_section(&q.section)?;
        let (cols, fields) = select_list(section);
        let (sql, w, section) = self.query_sql(q, &cols)?;
        let mut stmt = self.conn.prepare(&sql)?;
        let records = stmt
            .query_map(params_from_iter(w.params.iter()), |r| read_row(section, &fields, r))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let total = if q.limit.is_none() && q.offset == 0 {
            records.len()
        } else {
            // Counting live records that only a quick search narrows needs no column but the
            // id: the small index of live ids answers it, without a seek into the table (with
            // its wide rows) per match.
            let live_index = if q.filters.is_empty() && !q.deleted && self.has_live_index(section)? {
                format!(" INDEXED BY {}_live", section.table())
            } else {
                String::new()
            };
            // A count with no filter reads only an index; with filters, the sort does not matter.
            let condition =
                if !q.filters.is_empty() && prefers_table_scan(section, q.search.as_deref(), &q.filters, &[]) {
                    table_scan(&w.sql)
                } else {
                    w.sql.clone()
                };
            let sql = format!(
                "SELECT count(*) FROM {} t{live_index} WHERE {condition}",
                section.table()
            );
            self.conn
                .query_row(&sql, params_from_iter(w.params.iter()), |r| r.get::<_, i64>(0))? as usize
        };
        Ok(QueryResult { total, records })
    }

    /// Whether the section's table has its index of live ids (vaults made before it was
    /// added may not).
    fn has_live_index(&self, section: &Section) -> Result<bool> {
        let name = format!("{}_live", section.table());
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1")?
            .exists([name])?)
    }

    /// The ids of every record a query selects, in order (limit and offset honoured). For
    /// views that page rows in themselves, such as the desktop table.
    pub fn list_ids(&self, q: &Query) -> Result<Vec<RecordId>> {
        let (sql, w, _) = self.query_sql(q, "t.id")?;
        let mut stmt = self.conn.prepare(&sql)?;
        let ids = stmt
            .query_map(params_from_iter(w.params.iter()), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Reads records of one section by id, in the order given; ids not found are left out.
    pub fn records_by_ids(&self, section: &str, ids: &[RecordId]) -> Result<Vec<Record>> {
        let section = self.schema.require_section(section)?;
        let (cols, fields) = select_list(section);
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        // Chunks stay well under SQLite's limit on bound parameters.
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT {cols} FROM {} t WHERE t.id IN ({marks})", section.table());
            let mut stmt = self.conn.prepare_cached(&sql)?;
            for r in stmt.query_map(params_from_iter(chunk.iter()), |r| read_row(section, &fields, r))? {
                let r = r?;
                found.insert(r.id, r);
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// How many live records a section holds.
    pub fn count(&self, section: &str) -> Result<usize> {
        let s = self.schema.require_section(section)?;
        let sql = format!("SELECT count(*) FROM {} WHERE deleted = 0", s.table());
        Ok(self.conn.query_row(&sql, [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// Quick search across every live section; up to `limit` records per section.
    pub fn search_all(&self, q: &str, limit: usize) -> Result<Vec<(String, QueryResult)>> {
        let mut out = Vec::new();
        for s in self.schema.live_sections() {
            let found = self.list(&Query {
                limit: Some(limit),
                ..Query::section(&s.key).search(q)
            })?;
            if found.total > 0 {
                out.push((s.key.clone(), found));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Passphrase, Preset, Query, Vault};

    #[test]
    fn a_search_page_counts_the_live_matches_of_its_section_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = Vault::create(&dir.path().join("v"), &Passphrase::new("p"), Preset::ClientBase).unwrap();
        for last in ["Ivanov", "Ivanova", "Ivanenko"] {
            v.create_record_from_text("contacts", &[("first_name", "Пётр"), ("last_name", last)])
                .unwrap();
        }
        v.create_record_from_text("organizations", &[("name", "Ivanov and Sons")])
            .unwrap();
        let binned = v.list(&Query::section("contacts").search("ivanenko")).unwrap().records[0].id;
        v.delete_record(binned).unwrap();
        let page = v.list(&Query::section("contacts").search("петр").limit(1)).unwrap();
        assert_eq!((page.total, page.records.len()), (2, 1));
        let page = v.list(&Query::section("contacts").search("ivan").limit(1)).unwrap();
        assert_eq!((page.total, page.records.len()), (2, 1));
        let bin = Query {
            deleted: true,
            ..Query::section("contacts").search("ivan").limit(1)
        };
        assert_eq!(
            v.list(&bin).unwrap().total,
            0,
            "binned records are not in the search index"
        );
    }
}
