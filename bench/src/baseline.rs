//! The baseline: the `sqlite3` shell doing the same work on a plain database, timed as a child
//! process, and raw FTS5 queries on that database in this process.

use crate::figures::{ChildRun, run_child};
use crate::generate::CSV_HEADERS;
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The text columns both sides index for search (everything but dates and the amount).
pub const TEXT_COLUMNS: [&str; 8] = [
    "First name",
    "Last name",
    "Company",
    "Job title",
    "City",
    "Phone",
    "E-mail",
    "Notes",
];

/// The sqlite3 shell's version line, or `None` when it is not installed.
pub fn sqlite3_version() -> Option<String> {
    let out = Command::new("sqlite3").arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

fn quoted(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One timed sqlite3 shell session.
fn shell(db: &Path, script: &str) -> Result<ChildRun> {
    let run = run_child(
        Command::new("sqlite3")
            .args(["-batch", "-bail"])
            .arg(db)
            .stdout(Stdio::null()),
        Some(script.as_bytes()),
    )?;
    if !run.ok {
        bail!("sqlite3 failed on {} running:\n{script}", db.display());
    }
    Ok(run)
}

/// The baseline import's two sessions.
pub struct BaselineImport {
    pub import: Duration,
    pub index: Duration,
    /// CPU time of both sessions.
    pub cpu: Duration,
    /// The larger peak of the two, in kB.
    pub peak_kb: u64,
}

/// The shell's `.import` of the CSV into a new plain table `clients` (columns named by the
/// header row), then, in a second session, an FTS5 index over the same text columns.
pub fn import(csv: &Path, db: &Path) -> Result<BaselineImport> {
    remove_db(db);
    let import = shell(db, &format!(".mode csv\n.import '{}' clients\n", csv.display()))?;
    let fts = format!(
        "CREATE VIRTUAL TABLE fts USING fts5({cols});\n\
         INSERT INTO fts(rowid, {cols}) SELECT rowid, {cols} FROM clients;\n",
        cols = quoted(&TEXT_COLUMNS)
    );
    let index = shell(db, &fts)?;
    Ok(BaselineImport {
        import: import.wall,
        index: index.wall,
        cpu: import.cpu + index.cpu,
        peak_kb: import.peak_kb.max(index.peak_kb),
    })
}

/// The shell's CSV export of the whole plain table, with a header row.
pub fn export_csv(db: &Path, out: &Path) -> Result<ChildRun> {
    let _ = std::fs::remove_file(out);
    shell(
        db,
        &format!(
            ".headers on\n.mode csv\n.once '{}'\nSELECT {} FROM clients;\n",
            out.display(),
            quoted(&CSV_HEADERS)
        ),
    )
}

/// Removes a database and its journals.
pub fn remove_db(db: &Path) {
    for ext in ["", "-journal", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(p);
    }
}

/// The baseline database opened in this process, read-only, for raw FTS5 queries.
pub struct Fts(Connection);

impl Fts {
    pub fn open(db: &Path) -> Result<Fts> {
        let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening {}", db.display()))?;
        Ok(Fts(conn))
    }

    /// `SELECT * FROM fts WHERE fts MATCH ? LIMIT 100`, every column of every row read.
    /// Returns the number of rows.
    pub fn search(&self, fts_query: &str) -> Result<usize> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT * FROM fts WHERE fts MATCH ?1 LIMIT 100")?;
        let n = stmt.column_count();
        let mut rows = stmt.query([fts_query])?;
        let mut count = 0;
        while let Some(r) = rows.next()? {
            for i in 0..n {
                std::hint::black_box(r.get_ref(i)?);
            }
            count += 1;
        }
        Ok(count)
    }
}
