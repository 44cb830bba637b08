//! SQL functions the engine's queries use: `cb_fold` (search folding, for case- and
//! script-insensitive `contains`), and the aggregates SQLite lacks: `cb_stdev`, `cb_variance`
//! (sample statistics, Welford's algorithm) and `cb_product`.

use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::{Connection, Result};

pub(crate) fn register(conn: &Connection) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("cb_fold", 1, flags, |ctx| {
        use rusqlite::types::ValueRef;
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => None,
            ValueRef::Text(t) | ValueRef::Blob(t) => Some(crate::search::fold(&String::from_utf8_lossy(t))),
            ValueRef::Integer(i) => Some(i.to_string()),
            ValueRef::Real(f) => Some(crate::records::format_number(f)),
        })
    })?;
    conn.create_aggregate_function("cb_variance", 1, flags, Moments { stdev: false })?;
    conn.create_aggregate_function("cb_stdev", 1, flags, Moments { stdev: true })?;
    conn.create_aggregate_function("cb_product", 1, flags, Product)?;
    Ok(())
}

#[derive(Default)]
struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

struct Moments {
    stdev: bool,
}

impl Aggregate<Welford, Option<f64>> for Moments {
    fn init(&self, _: &mut Context<'_>) -> Result<Welford> {
        Ok(Welford::default())
    }

    fn step(&self, ctx: &mut Context<'_>, acc: &mut Welford) -> Result<()> {
        if let Some(x) = ctx.get::<Option<f64>>(0)? {
            acc.n += 1;
            let delta = x - acc.mean;
            acc.mean += delta / acc.n as f64;
            acc.m2 += delta * (x - acc.mean);
        }
        Ok(())
    }

    fn finalize(&self, _: &mut Context<'_>, acc: Option<Welford>) -> Result<Option<f64>> {
        Ok(acc.filter(|a| a.n >= 2).map(|a| {
            let var = a.m2 / (a.n - 1) as f64;
            if self.stdev { var.sqrt() } else { var }
        }))
    }
}

struct Product;

impl Aggregate<Option<f64>, Option<f64>> for Product {
    fn init(&self, _: &mut Context<'_>) -> Result<Option<f64>> {
        Ok(None)
    }

    fn step(&self, ctx: &mut Context<'_>, acc: &mut Option<f64>) -> Result<()> {
        if let Some(x) = ctx.get::<Option<f64>>(0)? {
            *acc = Some(acc.unwrap_or(1.0) * x);
        }
        Ok(())
    }

    fn finalize(&self, _: &mut Context<'_>, acc: Option<Option<f64>>) -> Result<Option<f64>> {
        Ok(acc.flatten())
    }
}
