//! A check of OLE compound files (`.xls`, and password-protected `.xlsx`, which calamine
//! looks into whatever the extension) before calamine reads them.
//!
//! A compound file is a chain of sectors: a table (the FAT) gives each sector the next one of
//! its stream. Calamine follows these chains without checking for loops, so a damaged file
//! whose chain comes back on itself made it allocate until memory ran out (found by fuzzing
//! `tests/fuzz`, target `sheet`). A file listing more FAT sectors than it has sectors grows
//! the table calamine builds past the file's size the same way. Both are refused here.

const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Sector ids from here up are markers (DIFAT, FAT, end of chain, free), not sectors.
const FIRST_MARKER: u32 = 0xFFFF_FFFA;
/// Sector ids the header lists directly; the rest of the FAT's sectors are in a DIFAT chain.
const HEADER_FAT_IDS: usize = 109;

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .map_or(u32::MAX, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Why a compound file can't be read safely, or `None` for one whose chains all end (and
/// for bytes that aren't a compound file: calamine reports those itself).
pub(crate) fn damage(bytes: &[u8]) -> Option<&'static str> {
    let sector_size = sector_size(bytes)?;
    let sectors = bytes.len() / sector_size + 1;
    let fat_sectors = match fat_sector_ids(bytes, sector_size) {
        Ok(ids) => ids,
        Err(why) => return Some(why),
    };
    if fat_sectors.len() > sectors {
        return Some("its sector table is longer than the file");
    }
    let fat = fat_entries(bytes, sector_size, &fat_sectors);
    // Sectors past the end of the file can't be read, so chains through them end there.
    loops(&fat[..fat.len().min(sectors)]).then_some("a chain of its sectors loops")
}

/// The sector size of a compound file, or `None` for bytes that are not one (calamine reports
/// those itself).
fn sector_size(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(SIGNATURE) || bytes.len() < 512 {
        return None;
    }
    match bytes[30..32] {
        [9, 0] => Some(512),
        [12, 0] => Some(4096),
        _ => None,
    }
}

/// The FAT's own sectors: listed in the header, then in the DIFAT chain, whose last entry in
/// each sector is the next DIFAT sector.
fn fat_sector_ids(bytes: &[u8], sector_size: usize) -> Result<Vec<u32>, &'static str> {
    let sectors = bytes.len() / sector_size + 1;
    let mut ids: Vec<u32> = (0..HEADER_FAT_IDS).map(|i| u32_at(bytes, 76 + 4 * i)).collect();
    let mut next = u32_at(bytes, 68);
    let mut hops = 0;
    while next < FIRST_MARKER {
        hops += 1;
        if hops > sectors {
            return Err("its list of table sectors loops");
        }
        let Some(sector) = sector_bytes(bytes, sector_size, next) else {
            break;
        };
        let mut more: Vec<u32> = (0..sector.len() / 4).map(|i| u32_at(sector, 4 * i)).collect();
        next = more.pop().unwrap_or(FIRST_MARKER);
        ids.extend(more);
    }
    ids.retain(|id| *id < FIRST_MARKER);
    Ok(ids)
}

/// The FAT: the entries of its sectors, in order.
fn fat_entries(bytes: &[u8], sector_size: usize, fat_sectors: &[u32]) -> Vec<u32> {
    fat_sectors
        .iter()
        .filter_map(|id| sector_bytes(bytes, sector_size, *id))
        .flat_map(|s| (0..s.len() / 4).map(move |i| u32_at(s, 4 * i)))
        .collect()
}

/// The compound file's sector size and its sector table (FAT), or `None` for bytes that are
/// not a compound file or whose table [`damage`] would refuse.
fn sector_table(bytes: &[u8]) -> Option<(usize, Vec<u32>)> {
    let sector_size = sector_size(bytes)?;
    let fat_sectors = fat_sector_ids(bytes, sector_size).ok()?;
    if fat_sectors.len() > bytes.len() / sector_size + 1 {
        return None;
    }
    Some((sector_size, fat_entries(bytes, sector_size, &fat_sectors)))
}

fn sector_bytes(bytes: &[u8], sector_size: usize, id: u32) -> Option<&[u8]> {
    let start = (id as usize).checked_add(1)?.checked_mul(sector_size)?;
    bytes.get(start..bytes.len().min(start + sector_size))
}

/// The bytes of a chain of `unit`-sized pieces starting at `start`; `piece` gives a piece's
/// bytes. At most `next.len()` steps, so even a looping chain ends.
fn follow<'a>(start: u32, next: &[u32], piece: impl Fn(u32) -> Option<&'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = start;
    for _ in 0..=next.len() {
        if at >= FIRST_MARKER {
            break;
        }
        let Some(bytes) = piece(at) else { break };
        out.extend_from_slice(bytes);
        at = next.get(at as usize).copied().unwrap_or(FIRST_MARKER);
    }
    out
}

/// The bytes of the first stream named one of `names` (ignoring case), as calamine would read
/// them; `None` when the bytes are not a compound file or have no such stream.
pub(crate) fn stream(bytes: &[u8], names: &[&str]) -> Option<Vec<u8>> {
    let (sector_size, fat) = sector_table(bytes)?;
    let sector = |id| sector_bytes(bytes, sector_size, id);
    let directory = follow(u32_at(bytes, 48), &fat, sector);
    let mut root = None;
    let mut found = None;
    for entry in directory.chunks_exact(128) {
        let name_bytes = (u16::from_le_bytes([entry[64], entry[65]]) as usize).min(64);
        let units: Vec<u16> = entry[..name_bytes]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|u| *u != 0)
            .collect();
        let name = String::from_utf16_lossy(&units);
        let start_size = (u32_at(entry, 116), u32_at(entry, 120) as usize);
        match entry[66] {
            5 => root = Some(start_size),
            2 if found.is_none() && names.iter().any(|n| n.eq_ignore_ascii_case(&name)) => found = Some(start_size),
            _ => {}
        }
    }
    let (start, size) = found?;
    let mut data = if size < u32_at(bytes, 56) as usize {
        // A small stream lives in the mini stream (the root's chain), in 64-byte pieces chained
        // by the mini sector table.
        let mini_size = 1usize << u16::from_le_bytes([bytes[32], bytes[33]]).min(12);
        let container = follow(root?.0, &fat, sector);
        let table = follow(u32_at(bytes, 60), &fat, sector);
        let mini_fat: Vec<u32> = (0..table.len() / 4).map(|i| u32_at(&table, 4 * i)).collect();
        follow(start, &mini_fat, |id| {
            let from = (id as usize).checked_mul(mini_size)?;
            container.get(from..container.len().min(from + mini_size))
        })
    } else {
        follow(start, &fat, sector)
    };
    data.truncate(size);
    Some(data)
}

/// How many cells calamine would set aside for an `.xls` workbook stream while opening it: for
/// every sheet, the cells its DIMENSIONS record claims (computed as calamine does, with its
/// wrap-around; calamine reserves them) plus the span of its cells' positions (calamine lays
/// that out as one range). A damaged or crafted file can claim 65,536 × 65,536 cells, and
/// calamine's allocation for them aborts the process (found by fuzzing, target `sheet`).
pub(crate) fn xls_cells_laid_out(workbook: &[u8]) -> u64 {
    let records = |from: usize| {
        let mut at = from;
        std::iter::from_fn(move || {
            let header = workbook.get(at..at.checked_add(4)?)?;
            let kind = u16::from_le_bytes([header[0], header[1]]);
            let len = u16::from_le_bytes([header[2], header[3]]) as usize;
            let data = workbook.get(at + 4..at + 4 + len)?;
            at += 4 + len;
            Some((kind, data))
        })
    };
    let u16_at = |d: &[u8], i: usize| d.get(i..i + 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as u32);
    // Where the sheets start: the BOUNDSHEET records of the workbook globals.
    let sheets: Vec<usize> = records(0)
        .filter(|(kind, data)| *kind == 0x0085 && data.len() >= 4)
        .map(|(_, data)| u32_at(data, 0) as usize)
        .collect();
    let mut total = 0u64;
    for start in sheets {
        let mut claimed = 0u64;
        let (mut rows, mut cols) = ((u32::MAX, 0u32), (u32::MAX, 0u32));
        for (kind, data) in records(start) {
            let mut cell = |row: u32, col: u32| {
                rows = (rows.0.min(row), rows.1.max(row));
                cols = (cols.0.min(col), cols.1.max(col));
            };
            match kind {
                0x000A => break,
                0x0200 => {
                    let (rf, rl, cf, cl) = match data.len() {
                        10 => (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4), u16_at(data, 6)),
                        14 | 16 => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 8), u16_at(data, 10)),
                        _ => continue,
                    };
                    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                    let (end_r, end_c) = if rl >= 1 && cl >= 1 { (rl - 1, cl - 1) } else { (rf, cf) };
                    let r = end_r.wrapping_sub(rf).wrapping_add(1) as u64;
                    let c = end_c.wrapping_sub(cf).wrapping_add(1) as u64;
                    claimed = claimed.saturating_add(r.saturating_mul(c));
                }
                0x0006 | 0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if data.len() >= 4 => {
                    cell(u16_at(data, 0), u16_at(data, 2));
                }
                0x00BD if data.len() >= 6 => {
                    let row = u16_at(data, 0);
                    cell(row, u16_at(data, 2));
                    cell(row, u16_at(data, data.len() - 2));
                }
                _ => {}
            }
        }
        if rows.0 <= rows.1 && cols.0 <= cols.1 {
            let span = u64::from(rows.1 - rows.0 + 1) * u64::from(cols.1 - cols.0 + 1);
            claimed = claimed.saturating_add(span);
        }
        total = total.saturating_add(claimed);
    }
    total
}

/// Whether following `next` from some index comes back to an index already on the way. An
/// entry that is no index of `next` (a marker, or past the table) ends its chain.
fn loops(next: &[u32]) -> bool {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const ENDS: u8 = 2;
    let mut state = vec![NEW; next.len()];
    let mut path = Vec::new();
    for start in 0..next.len() {
        let mut at = start;
        while at < next.len() {
            match state[at] {
                ENDS => break,
                ON_PATH => return true,
                _ => {}
            }
            state[at] = ON_PATH;
            path.push(at);
            at = next[at] as usize;
        }
        for visited in path.drain(..) {
            state[visited] = ENDS;
        }
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    const FAT_SECTOR: u32 = 0xFFFF_FFFD;

    /// A compound file of 512-byte sectors: sector 0 is the FAT (`fat` then free entries),
    /// the directory starts at sector 1, and `sectors` sectors follow the header.
    pub(crate) fn compound_file(fat: &[u32], sectors: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; 512 * (1 + sectors)];
        bytes[..8].copy_from_slice(SIGNATURE);
        let mut put = |at: usize, v: u32| bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
        put(24, 0x0003_003E); // minor version, major version 3
        put(28, 0x0009_FFFE); // byte order, sector shift 9 (512 bytes)
        put(32, 6); // mini sector shift
        put(44, 1); // one FAT sector
        put(48, 1); // the directory's first sector
        put(56, 4096); // mini stream cutoff
        put(60, END); // no mini FAT
        put(68, END); // no DIFAT sectors
        put(76, 0); // the FAT is sector 0
        for i in 1..HEADER_FAT_IDS {
            put(76 + 4 * i, FREE);
        }
        for i in 0..128 {
            put(512 + 4 * i, fat.get(i).copied().unwrap_or(FREE));
        }
        bytes
    }

    #[test]
    fn chains_that_end_pass() {
        let ok = compound_file(&[FAT_SECTOR, 2, 3, END], 4);
        assert_eq!(damage(&ok), None);
        assert_eq!(damage(b"PK\x03\x04 not a compound file"), None);
    }

    #[test]
    fn a_chain_that_loops_is_damage() {
        let looping = compound_file(&[FAT_SECTOR, 2, 3, 1], 4);
        assert_eq!(damage(&looping), Some("a chain of its sectors loops"));
        let onto_itself = compound_file(&[FAT_SECTOR, 1], 2);
        assert_eq!(damage(&onto_itself), Some("a chain of its sectors loops"));
    }

    /// A BIFF record.
    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    /// A workbook stream with one sheet holding `sheet` records (BOF and EOF added).
    fn workbook(sheet: &[Vec<u8>]) -> Vec<u8> {
        let mut globals = record(0x0809, &[0; 16]);
        let boundsheet_at = globals.len();
        globals.extend(record(0x0085, &[0; 8]));
        globals.extend(record(0x000A, &[]));
        let start = globals.len() as u32;
        globals[boundsheet_at + 4..boundsheet_at + 8].copy_from_slice(&start.to_le_bytes());
        globals.extend(record(0x0809, &[0; 16]));
        for r in sheet {
            globals.extend_from_slice(r);
        }
        globals.extend(record(0x000A, &[]));
        globals
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0; 10]);
        record(0x0203, &d)
    }

    fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut d = rf.to_le_bytes().to_vec();
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        record(0x0200, &d)
    }

    #[test]
    fn an_xls_sheet_is_measured_by_its_dimensions_and_its_cells() {
        let small = workbook(&[dimensions(0, 3, 0, 2), number(0, 0), number(2, 1)]);
        // 3 × 2 claimed, and cells spanning rows 0–2 and columns 0–1.
        assert_eq!(xls_cells_laid_out(&small), 6 + 6);
        // Cells 65,535 columns apart: what calamine would lay out as one range.
        let far = workbook(&[dimensions(0, 1, 0, 1), number(0, 0), number(65_535, 65_535)]);
        assert_eq!(xls_cells_laid_out(&far), 1 + 65_536 * 65_536);
        // A first row past the last: calamine's row count wraps around to four billion.
        let wraps = workbook(&[dimensions(10, 5, 0, 1)]);
        assert!(xls_cells_laid_out(&wraps) > 1 << 31);
        assert_eq!(xls_cells_laid_out(b"not a workbook"), 0);
    }

    #[test]
    fn a_stream_is_read_from_the_sector_chain_or_the_mini_stream() {
        let file = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/import/damaged-xls-far-cells.xls"
        ))
        .unwrap();
        let book = stream(&file, &["Workbook", "Book"]).expect("the fuzzer's workbook stream");
        assert!(xls_cells_laid_out(&book) > 1 << 30, "{}", xls_cells_laid_out(&book));
        assert_eq!(stream(&file, &["NoSuchStream"]), None);
        assert_eq!(stream(b"PK\x03\x04", &["Workbook"]), None);
    }

    #[test]
    fn a_table_longer_than_the_file_is_damage() {
        let mut bytes = compound_file(&[FAT_SECTOR, END], 2);
        // The header lists sector 0 as every one of its 109 FAT sectors.
        for i in 0..HEADER_FAT_IDS {
            bytes[76 + 4 * i..80 + 4 * i].copy_from_slice(&0u32.to_le_bytes());
        }
        assert_eq!(damage(&bytes), Some("its sector table is longer than the file"));
    }
}
