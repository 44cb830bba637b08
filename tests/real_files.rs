//! Real exports from real programs (tests/fixtures/real, files none of us wrote): each is
//! imported with `cardbase import FILE --section contacts` into a new personal vault, as a
//! new user would, and every fact read off it by hand (its `.facts.toml` sidecar) is looked
//! for in the vault. The test prints, per file, the people it describes, the records made and
//! the facts that held.
//!
//! What does not hold yet is listed in `tests/fixtures/real/not-yet.txt`, one `file: fact`
//! per line: the test fails when a fact outside that list is lost (a regression), and when a
//! listed one holds (the list must shrink as imports get better, never hide a fixed gap).
//! `--nocapture` shows the table.

#[path = "support/cli.rs"]
mod support;

use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use support::{Env, PASS};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/real");

/// One fact of a person as the sidecar gives it: its kind (`emails`) and value.
struct Fact {
    kind: String,
    value: String,
}

struct Person {
    facts: Vec<Fact>,
}

struct Sidecar {
    people: usize,
    persons: Vec<Person>,
}

fn sidecar(path: &Path) -> Sidecar {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let people = doc.get("people").and_then(|p| p.as_integer()).unwrap_or(0) as usize;
    let persons = doc
        .get("person")
        .and_then(|p| p.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|p| p.as_table())
                .map(|t| Person {
                    facts: t
                        .iter()
                        .flat_map(|(kind, v)| {
                            let values: Vec<String> = match v {
                                toml::Value::Array(items) => {
                                    items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect()
                                }
                                toml::Value::String(s) => vec![s.clone()],
                                other => vec![other.to_string()],
                            };
                            values.into_iter().map(move |value| Fact {
                                kind: kind.clone(),
                                value,
                            })
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    Sidecar { people, persons }
}

/// Lower-case letters and digits only: how two spellings of the same text are compared
/// (punctuation, spaces and line breaks in addresses and notes differ between programs).
fn plain(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Every text and number in a record's JSON, with relation ids replaced by the names of the
/// records they point to.
fn leaves(v: &Json, names: &HashMap<i64, String>, key: &str, out: &mut Vec<String>) {
    match v {
        Json::String(s) => out.push(s.clone()),
        Json::Number(n) if key == "organization" => {
            if let Some(name) = n.as_i64().and_then(|id| names.get(&id)) {
                out.push(name.clone());
            }
        }
        Json::Number(n) => out.push(n.to_string()),
        Json::Bool(b) => out.push(b.to_string()),
        Json::Array(items) => items.iter().for_each(|i| leaves(i, names, key, out)),
        Json::Object(map) => map
            .iter()
            .for_each(|(k, i)| leaves(i, names, if key.is_empty() { k } else { key }, out)),
        Json::Null => {}
    }
}

/// Whether a record (its texts) holds a fact.
fn holds(fact: &Fact, texts: &[String]) -> bool {
    let value = fact.value.trim();
    if value.is_empty() {
        return true;
    }
    let plains: Vec<String> = texts.iter().map(|t| plain(t)).collect();
    match fact.kind.as_str() {
        "phones" if digits(value).len() >= 3 => texts.iter().any(|t| digits(t) == digits(value)),
        // Address parts and the words of a full name may be stored apart or in another order.
        "addresses" => value
            .split(", ")
            .map(plain)
            .filter(|p| !p.is_empty())
            .all(|part| plains.iter().any(|t| t.contains(&part))),
        "full_name" => value
            .split_whitespace()
            .map(plain)
            .filter(|p| !p.is_empty())
            .all(|word| plains.iter().any(|t| t.contains(&word))),
        _ => {
            let want = plain(value);
            plains
                .iter()
                .any(|t| *t == want || (want.len() > 12 && t.contains(&want)))
        }
    }
}

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::from(CORPUS)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .with_file_name(format!("{}.facts.toml", path.file_name().unwrap().to_string_lossy()))
                .exists()
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What one file gave: records made, and the facts that did not hold (`file: kind value`).
fn import_one(file: &Path) -> (usize, usize, usize, Vec<String>) {
    let name = file.strip_prefix(CORPUS).unwrap().display().to_string();
    let facts = sidecar(&file.with_file_name(format!("{}.facts.toml", file.file_name().unwrap().to_string_lossy())));
    let env = Env::init("personal");
    let out = env.run_with(&["import", file.to_str().unwrap(), "--section", "contacts"], PASS);
    let (records, orgs) = if out.status.success() {
        (env.list_json(&["contacts"]), env.list_json(&["organizations"]))
    } else {
        eprintln!("{name}: import failed: {}", String::from_utf8_lossy(&out.stderr).trim());
        (Vec::new(), Vec::new())
    };
    let names: HashMap<i64, String> = orgs
        .iter()
        .filter_map(|o| Some((o["id"].as_i64()?, o["fields"]["name"].as_str()?.to_string())))
        .collect();
    let texts: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            // What the import kept as typed counts: it is in the vault, on the record.
            let mut out = Vec::new();
            leaves(&r["fields"], &names, "", &mut out);
            if let Some(kept) = r.get("kept_as_typed") {
                leaves(kept, &names, "", &mut out);
            }
            out
        })
        .collect();
    let mut lost = Vec::new();
    let mut total = 0;
    for person in &facts.persons {
        // The record this person became: the one holding most of their facts.
        let best = texts
            .iter()
            .max_by_key(|t| person.facts.iter().filter(|f| holds(f, t)).count());
        for fact in &person.facts {
            total += 1;
            if !best.is_some_and(|t| holds(fact, t)) {
                lost.push(format!(
                    "{name}: {} {}",
                    fact.kind,
                    fact.value.trim().replace('\n', "\\n")
                ));
            }
        }
    }
    if records.len() != facts.people {
        lost.push(format!(
            "{name}: people {} (records made: {})",
            facts.people,
            records.len()
        ));
    }
    (facts.people, records.len(), total, lost)
}

#[test]
fn every_fact_read_off_a_real_export_reaches_the_vault() {
    let known: BTreeSet<String> = std::fs::read_to_string(Path::new(CORPUS).join("not-yet.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let mut all_lost = BTreeSet::new();
    let (mut facts, mut held) = (0, 0);
    for file in files() {
        let (people, records, total, lost) = import_one(&file);
        let lost_facts = lost.iter().filter(|l| !l.contains(": people ")).count();
        facts += total;
        held += total - lost_facts;
        println!(
            "{:<60} people {people:>3}  records {records:>3}  facts {:>3}/{total}",
            file.strip_prefix(CORPUS).unwrap().display(),
            total - lost_facts
        );
        all_lost.extend(lost);
    }
    println!(
        "held {held} of {facts} facts ({:.0}%)",
        100.0 * held as f64 / facts.max(1) as f64
    );
    // After an improvement, `CARDBASE_WRITE_NOT_YET=1` rewrites the list from this run (check
    // the diff: lines may only go).
    if std::env::var_os("CARDBASE_WRITE_NOT_YET").is_some() {
        let mut text =
            String::from("# Facts of tests/fixtures/real that do not reach the vault yet (tests/real_files.rs).\n");
        all_lost.iter().for_each(|l| text.push_str(&format!("{l}\n")));
        std::fs::write(Path::new(CORPUS).join("not-yet.txt"), text).unwrap();
        return;
    }
    let regressions: Vec<&String> = all_lost.difference(&known).collect();
    let fixed: Vec<&String> = known.difference(&all_lost).collect();
    assert!(
        regressions.is_empty() && fixed.is_empty(),
        "lost now (not in not-yet.txt):\n{}\n\nheld now (remove from not-yet.txt):\n{}",
        regressions.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        fixed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
    );
}
