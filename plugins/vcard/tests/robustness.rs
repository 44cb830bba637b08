//! Bad input never panics, never depends on how the file is cut into chunks, and costs time in
//! proportion to its size.

mod common;

use cardbase_plugin_sdk::{Item, Record, Value};
use common::*;
use std::time::{Duration, Instant};

/// A fixed-seed xorshift, so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len())]
    }
}

/// Pieces of vCard syntax, so random files get past the first line.
const PIECES: &[&[u8]] = &[
    b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n",
    b"VERSION:2.1\r\n",
    b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=",
    b"=\r\n",
    b"PHOTO;ENCODING=BASE64;JPEG:",
    b"PHOTO:data:image/png;base64,",
    b"/9j/4AAQ",
    b"item1.TEL;TYPE=\"cell",
    b"item1.X-ABLabel:_$!<",
    b"BDAY:--03",
    b"ADR;;;;;;;;",
    b"\\",
    b"\\n",
    b"\r\n ",
    b"\n\t",
    b":",
    b";",
    b"\"",
    b"=",
    b",",
    b"\xFF\xFE",
    b"\xD0",
    b"\xE2\x80",
    b"CHARSET=koi8-r:",
    b"\r\n\r\n",
];

fn random_file(rng: &mut Rng) -> Vec<u8> {
    let mut file = Vec::new();
    for _ in 0..rng.below(60) {
        if rng.below(4) == 0 {
            file.push(rng.next() as u8);
        } else {
            let piece = *rng.pick(PIECES);
            file.extend_from_slice(piece);
        }
    }
    file
}

fn mutate(rng: &mut Rng, mut file: Vec<u8>) -> Vec<u8> {
    for _ in 0..1 + rng.below(8) {
        if file.is_empty() {
            break;
        }
        let at = rng.below(file.len());
        match rng.below(4) {
            0 => file[at] = rng.next() as u8,
            1 => file.truncate(at),
            2 => file.insert(at, *rng.pick(b":;=\\\r\n \"\xD0")),
            _ => {
                file.remove(at);
            }
        }
    }
    file
}

/// Reads a file whole and in random chunks: no panic, and the same entries either way.
fn check(rng: &mut Rng, file: &[u8]) {
    let whole = import(file);
    let mut session = <cardbase_plugin_vcard::VcardImporter as cardbase_plugin_sdk::Importer>::start("x.vcf");
    let mut chunked = Vec::new();
    let mut rest = file;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at(1 + rng.below(rest.len().min(64)));
        chunked.extend(cardbase_plugin_sdk::Importer::feed(&mut session, piece).unwrap());
        rest = tail;
    }
    chunked.extend(cardbase_plugin_sdk::Importer::finish(&mut session).unwrap());
    assert_eq!(chunked, whole, "{:?}", String::from_utf8_lossy(file));
    for entry in &whole {
        assert!(entry.line >= 1);
    }
}

#[test]
fn random_and_damaged_files_never_panic_and_ignore_chunking() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let fixtures: Vec<Vec<u8>> = FIXTURES.iter().map(|name| fixture(name)).collect();
    for _ in 0..3000 {
        let file = match rng.below(3) {
            0 => random_file(&mut rng),
            1 => (0..rng.below(200)).map(|_| rng.next() as u8).collect(),
            _ => {
                let base = rng.pick(&fixtures).clone();
                mutate(&mut rng, base)
            }
        };
        check(&mut rng, &file);
    }
    for fixture in &fixtures {
        for cut in 0..fixture.len() {
            let _ = import(&fixture[..cut]);
        }
    }
}

#[test]
fn random_text_survives_export_and_import() {
    let mut rng = Rng(42);
    let alphabet: Vec<char> = "aZ09 ,;:\\\"'\n\t=.-_+()ёЖشم€😀\u{301}".chars().collect();
    for _ in 0..500 {
        let mut random = || -> String { (0..rng.below(120)).map(|_| *rng.pick(&alphabet)).collect::<String>() };
        let (first, notes, phone, label) = (random(), random(), random(), random());
        // A last name keeps N from being empty, which would make the reader split FN instead.
        let record = Record::new("contacts")
            .with("last_name", Value::Text("Test".into()))
            .with("first_name", Value::Text(first.clone()))
            .with("notes", Value::Text(notes.clone()))
            .with("phones", Value::Items(vec![Item::new(label.trim(), &phone)]));
        let entry = Entry {
            line: 1,
            fields: record.fields.clone(),
            error: None,
        };
        for version in ["3.0", "4.0"] {
            let again = import(&export(std::slice::from_ref(&entry), version));
            assert_eq!(again.len(), 1);
            assert_eq!(again[0].error, None);
            let expect = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
            assert_eq!(
                again[0].get("first_name").and_then(as_text),
                expect(&first),
                "{version}"
            );
            assert_eq!(again[0].get("notes").and_then(as_text), expect(&notes), "{version}");
            if let Some(phone) = expect(&phone) {
                let kinds = items(&again[0], "phones");
                assert_eq!(kinds.len(), 1);
                assert_eq!(kinds[0].1, phone);
            }
        }
    }
}

use cardbase_plugin_sdk::Entry;

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(t) => Some(t.clone()),
        _ => None,
    }
}

#[test]
fn large_pathological_inputs_take_linear_time() {
    let cases: Vec<Vec<u8>> = vec![
        // One logical line made of a million quoted-printable soft breaks.
        [
            b"BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:".as_slice(),
            &b"=41=\r\n".repeat(500_000),
        ]
        .concat(),
        // A 4 MB line with no end.
        [b"BEGIN:VCARD\r\nNOTE:".as_slice(), &vec![b'a'; 4_000_000]].concat(),
        // 200 000 categories in one card, and as many folded pieces.
        [
            b"BEGIN:VCARD\r\nCATEGORIES:".as_slice(),
            &b"x,\r\n y,".repeat(200_000),
            b"\r\nEND:VCARD\r\n",
        ]
        .concat(),
        // A base64 photo of 3 MB in 2.1 lines.
        [
            b"BEGIN:VCARD\r\nPHOTO;ENCODING=BASE64;JPEG:\r\n".as_slice(),
            &b"QUJD\r\n".repeat(500_000),
            b"\r\nEND:VCARD\r\n",
        ]
        .concat(),
        // Cards that never end, one after another.
        b"BEGIN:VCARD\r\n".repeat(200_000),
    ];
    for file in cases {
        let started = Instant::now();
        let _ = import_chunked(&file, 65_536);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{} bytes took {:?}",
            file.len(),
            started.elapsed()
        );
    }
}
