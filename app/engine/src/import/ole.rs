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
    if !bytes.starts_with(SIGNATURE) || bytes.len() < 512 {
        return None;
    }
    let sector_size: usize = match bytes[30..32] {
        [9, 0] => 512,
        [12, 0] => 4096,
        _ => return None,
    };
    // What calamine reads for a sector: its bytes, or the part of it before the end of file.
    let sector = |id: u32| {
        let start = (id as usize).checked_add(1)?.checked_mul(sector_size)?;
        bytes.get(start..bytes.len().min(start + sector_size))
    };
    let sectors = bytes.len() / sector_size + 1;

    // The FAT's own sectors: listed in the header, then in the DIFAT chain, whose last entry
    // in each sector is the next DIFAT sector.
    let mut fat_sectors: Vec<u32> = (0..HEADER_FAT_IDS).map(|i| u32_at(bytes, 76 + 4 * i)).collect();
    let mut next = u32_at(bytes, 68);
    let mut hops = 0;
    while next < FIRST_MARKER {
        hops += 1;
        if hops > sectors {
            return Some("its list of table sectors loops");
        }
        let Some(ids) = sector(next) else { break };
        let mut ids: Vec<u32> = (0..ids.len() / 4).map(|i| u32_at(ids, 4 * i)).collect();
        next = ids.pop().unwrap_or(FIRST_MARKER);
        fat_sectors.extend(ids);
    }
    fat_sectors.retain(|id| *id < FIRST_MARKER);
    if fat_sectors.len() > sectors {
        return Some("its sector table is longer than the file");
    }
    let fat: Vec<u32> = fat_sectors
        .iter()
        .filter_map(|id| sector(*id))
        .flat_map(|s| (0..s.len() / 4).map(move |i| u32_at(s, 4 * i)))
        .collect();
    // Sectors past the end of the file can't be read, so chains through them end there.
    loops(&fat[..fat.len().min(sectors)]).then_some("a chain of its sectors loops")
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
