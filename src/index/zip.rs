//! Just enough of the zip format to read one small file out of a wheel or sdist.
//!
//! Works on byte windows so the same code serves HTTP range requests (tail, then one
//! entry) and whole files on disk. Every size and offset read from the archive is
//! checked against the archive size and a limit before anything is allocated: a hostile
//! archive gets an error, never a huge buffer. zip64 aware.

use std::io::{Read, Seek, SeekFrom};

/// Largest central directory read.
pub const MAX_CENTRAL_DIRECTORY: u64 = 64 * 1024 * 1024;
/// Largest entry (compressed or not) extracted.
pub const MAX_ENTRY: u64 = 16 * 1024 * 1024;
/// The tail to fetch first: the EOCD record (22 bytes + up to 64 KiB comment) and, for
/// most wheels, the whole central directory and the `.dist-info` files written just
/// before it (a 64 KiB tail left large wheels such as mypy or ruff needing two or three
/// more round trips).
pub const TAIL_SIZE: u64 = 256 * 1024;

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
/// Size of a local file header without its name and extra field.
pub const LOCAL_HEADER_LEN: u64 = 30;

/// A malformed or hostile archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("no end-of-central-directory record (not a zip file?)")]
    NoEocd,
    #[error("{0}")]
    Corrupt(String),
    #[error("{what} is {size} bytes, more than the limit of {limit}")]
    TooLarge { what: String, size: u64, limit: u64 },
    #[error("unsupported compression method {0}")]
    UnsupportedMethod(u16),
    #[error("no `{0}` in the archive")]
    EntryNotFound(String),
}

fn corrupt(msg: impl Into<String>) -> ZipError {
    ZipError::Corrupt(msg.into())
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Where the central directory lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CentralDirectory {
    pub offset: u64,
    pub size: u64,
    pub entries: u64,
}

/// Finds the central directory from the last bytes of an archive: `tail` holds the
/// bytes from `tail_start` to the end, `total` bytes in all.
pub fn locate_central_directory(
    tail: &[u8],
    tail_start: u64,
    total: u64,
) -> Result<CentralDirectory, ZipError> {
    if tail_start.checked_add(tail.len() as u64) != Some(total) {
        return Err(corrupt("tail does not end at the end of the archive"));
    }
    if tail.len() < 22 {
        return Err(ZipError::NoEocd);
    }
    // Scan backwards: the EOCD is followed only by its comment.
    let eocd = (0..=tail.len() - 22)
        .rev()
        .find(|&i| {
            u32_at(tail, i) == Some(EOCD_SIG)
                && u16_at(tail, i + 20).map(usize::from) == Some(tail.len() - i - 22)
        })
        .or_else(|| {
            (0..=tail.len() - 22)
                .rev()
                .find(|&i| u32_at(tail, i) == Some(EOCD_SIG))
        })
        .ok_or(ZipError::NoEocd)?;
    let read = |at: usize| u32_at(tail, eocd + at).ok_or(ZipError::NoEocd);
    let mut entries = u64::from(u16_at(tail, eocd + 10).ok_or(ZipError::NoEocd)?);
    let mut size = u64::from(read(12)?);
    let mut offset = u64::from(read(16)?);
    if entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        // zip64: a locator sits right before the EOCD and points at the zip64 record.
        let loc = eocd
            .checked_sub(20)
            .filter(|&l| u32_at(tail, l) == Some(ZIP64_LOCATOR_SIG))
            .ok_or_else(|| corrupt("zip64 sizes without a zip64 locator"))?;
        let record_abs = u64_at(tail, loc + 8).ok_or_else(|| corrupt("truncated zip64 locator"))?;
        let record = record_abs
            .checked_sub(tail_start)
            .and_then(|r| usize::try_from(r).ok())
            .filter(|&r| r + 56 <= tail.len())
            .ok_or_else(|| corrupt("zip64 end record outside the fetched tail"))?;
        if u32_at(tail, record) != Some(ZIP64_EOCD_SIG) {
            return Err(corrupt("bad zip64 end record signature"));
        }
        let field =
            |at| u64_at(tail, record + at).ok_or_else(|| corrupt("truncated zip64 end record"));
        entries = field(32)?;
        size = field(40)?;
        offset = field(48)?;
    }
    if size > MAX_CENTRAL_DIRECTORY {
        return Err(ZipError::TooLarge {
            what: "the central directory".into(),
            size,
            limit: MAX_CENTRAL_DIRECTORY,
        });
    }
    if offset.checked_add(size).is_none_or(|end| end > total) {
        return Err(corrupt(format!(
            "central directory at {offset}+{size} lies beyond the archive's {total} bytes"
        )));
    }
    // Each entry takes at least 46 bytes.
    if entries.saturating_mul(46) > size {
        return Err(corrupt(format!(
            "{entries} entries cannot fit in {size} bytes"
        )));
    }
    Ok(CentralDirectory {
        offset,
        size,
        entries,
    })
}

/// One file in the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub local_header_offset: u64,
}

/// Parses the central directory bytes (`cd.size` long) of an archive of `total` bytes.
pub fn parse_central_directory(bytes: &[u8], total: u64) -> Result<Vec<Entry>, ZipError> {
    let mut entries = Vec::new();
    let mut at = 0usize;
    while at + 46 <= bytes.len() {
        if u32_at(bytes, at) != Some(CENTRAL_SIG) {
            break;
        }
        let h = |o| u32_at(bytes, at + o).ok_or_else(|| corrupt("truncated central directory"));
        let s = |o| u16_at(bytes, at + o).ok_or_else(|| corrupt("truncated central directory"));
        let method = s(10)?;
        let crc32 = h(16)?;
        let mut compressed_size = u64::from(h(20)?);
        let mut uncompressed_size = u64::from(h(24)?);
        let name_len = usize::from(s(28)?);
        let extra_len = usize::from(s(30)?);
        let comment_len = usize::from(s(32)?);
        let mut local_header_offset = u64::from(h(42)?);
        let name_start = at + 46;
        let extra_start = name_start + name_len;
        let next = extra_start + extra_len + comment_len;
        if next > bytes.len() {
            return Err(corrupt("central directory entry runs past its end"));
        }
        let name = String::from_utf8_lossy(&bytes[name_start..extra_start]).into_owned();
        // zip64 extended information: present fields follow in a fixed order.
        let extra = &bytes[extra_start..extra_start + extra_len];
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e).unwrap_or(0);
            let len = usize::from(u16_at(extra, e + 2).unwrap_or(0));
            let data = extra.get(e + 4..e + 4 + len).unwrap_or(&[]);
            if id == 0x0001 {
                let mut p = 0;
                let mut take = |field: &mut u64| {
                    if *field == 0xFFFF_FFFF
                        && let Some(v) = u64_at(data, p)
                    {
                        *field = v;
                        p += 8;
                    }
                };
                take(&mut uncompressed_size);
                take(&mut compressed_size);
                take(&mut local_header_offset);
            }
            e += 4 + len;
        }
        if local_header_offset
            .checked_add(LOCAL_HEADER_LEN + compressed_size)
            .is_none_or(|end| end > total)
        {
            return Err(corrupt(format!(
                "entry `{name}` lies beyond the end of the archive"
            )));
        }
        entries.push(Entry {
            name,
            method,
            crc32,
            compressed_size,
            uncompressed_size,
            local_header_offset,
        });
        at = next;
    }
    Ok(entries)
}

/// The `*.dist-info/METADATA` entry of a wheel (at the top level), preferring the
/// `.dist-info` directory named after `project`.
pub fn find_wheel_metadata<'a>(entries: &'a [Entry], project: &str) -> Option<&'a Entry> {
    let candidates: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            let mut parts = e.name.split('/');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(dir), Some("METADATA"), None) if dir.ends_with(".dist-info")
            )
        })
        .collect();
    let normalise = |s: &str| s.to_ascii_lowercase().replace(['-', '.'], "_");
    let wanted = normalise(project);
    candidates
        .iter()
        .find(|e| e.name.split('-').next().map(normalise).as_deref() == Some(wanted.as_str()))
        .or_else(|| candidates.first())
        .copied()
}

/// The offset of an entry's data, from the first bytes of its local header.
pub fn local_data_offset(local_header: &[u8], entry: &Entry) -> Result<u64, ZipError> {
    if u32_at(local_header, 0) != Some(LOCAL_SIG) {
        return Err(corrupt(format!(
            "bad local header signature for `{}`",
            entry.name
        )));
    }
    let name_len =
        u64::from(u16_at(local_header, 26).ok_or_else(|| corrupt("truncated local header"))?);
    let extra_len =
        u64::from(u16_at(local_header, 28).ok_or_else(|| corrupt("truncated local header"))?);
    Ok(entry.local_header_offset + LOCAL_HEADER_LEN + name_len + extra_len)
}

/// Decompresses an entry's data (stored or deflate), bounded and CRC-checked.
pub fn extract(entry: &Entry, data: &[u8]) -> Result<Vec<u8>, ZipError> {
    for (what, size) in [
        ("compressed", entry.compressed_size),
        ("uncompressed", entry.uncompressed_size),
    ] {
        if size > MAX_ENTRY {
            return Err(ZipError::TooLarge {
                what: format!("`{}` ({what})", entry.name),
                size,
                limit: MAX_ENTRY,
            });
        }
    }
    let compressed =
        usize::try_from(entry.compressed_size).map_err(|_| corrupt("size overflow"))?;
    let data = data
        .get(..compressed)
        .ok_or_else(|| corrupt(format!("`{}` is truncated", entry.name)))?;
    let out = match entry.method {
        0 => data.to_vec(),
        8 => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(data)
                .take(MAX_ENTRY + 1)
                .read_to_end(&mut out)
                .map_err(|e| corrupt(format!("cannot inflate `{}`: {e}", entry.name)))?;
            out
        }
        m => return Err(ZipError::UnsupportedMethod(m)),
    };
    if out.len() as u64 != entry.uncompressed_size {
        return Err(corrupt(format!(
            "`{}` inflated to {} bytes, the directory says {}",
            entry.name,
            out.len(),
            entry.uncompressed_size
        )));
    }
    let mut crc = flate2::Crc::new();
    crc.update(&out);
    if crc.sum() != entry.crc32 {
        return Err(corrupt(format!("CRC mismatch in `{}`", entry.name)));
    }
    Ok(out)
}

fn read_exact_at<R: Read + Seek>(r: &mut R, offset: u64, len: u64) -> Result<Vec<u8>, ZipError> {
    let io = |e: std::io::Error| corrupt(format!("read error: {e}"));
    r.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut buf = Vec::new();
    r.take(len).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 != len {
        return Err(corrupt("unexpected end of archive"));
    }
    Ok(buf)
}

/// Reads the central directory of a seekable archive of `total` bytes.
pub fn read_entries<R: Read + Seek>(r: &mut R, total: u64) -> Result<Vec<Entry>, ZipError> {
    let tail_start = total.saturating_sub(TAIL_SIZE);
    let tail = read_exact_at(r, tail_start, total - tail_start)?;
    let cd = locate_central_directory(&tail, tail_start, total)?;
    let bytes = read_exact_at(r, cd.offset, cd.size)?;
    parse_central_directory(&bytes, total)
}

/// Reads and decompresses one entry of a seekable archive.
pub fn read_entry<R: Read + Seek>(r: &mut R, entry: &Entry) -> Result<Vec<u8>, ZipError> {
    let header = read_exact_at(r, entry.local_header_offset, LOCAL_HEADER_LEN)?;
    let data_offset = local_data_offset(&header, entry)?;
    if entry.compressed_size > MAX_ENTRY {
        return Err(ZipError::TooLarge {
            what: format!("`{}`", entry.name),
            size: entry.compressed_size,
            limit: MAX_ENTRY,
        });
    }
    let data = read_exact_at(r, data_offset, entry.compressed_size)?;
    extract(entry, &data)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    /// Builds a zip archive (deflate or stored) for tests.
    pub(crate) fn build_zip(files: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in files {
            let mut crc = flate2::Crc::new();
            crc.update(data);
            let body = if deflate {
                let mut enc =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                enc.write_all(data).unwrap();
                enc.finish().unwrap()
            } else {
                data.to_vec()
            };
            let offset = u32::try_from(out.len()).unwrap();
            let method: u16 = if deflate { 8 } else { 0 };
            let name_len = u16::try_from(name.len()).unwrap();
            out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0]);
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0; 4]);
            out.extend_from_slice(&crc.sum().to_le_bytes());
            out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
            out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&body);
            central.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0]);
            central.extend_from_slice(&method.to_le_bytes());
            central.extend_from_slice(&[0; 4]);
            central.extend_from_slice(&crc.sum().to_le_bytes());
            central.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
            central.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            central.extend_from_slice(&name_len.to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = u32::try_from(out.len()).unwrap();
        let n = u16::try_from(files.len()).unwrap();
        out.extend_from_slice(&central);
        out.extend_from_slice(&EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&u32::try_from(central.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn wheel() -> Vec<u8> {
        build_zip(
            &[
                ("foo/__init__.py", b"print('hi')\n"),
                ("other-1.0.dist-info/METADATA", b"Name: other\n"),
                (
                    "Foo.Bar-1.0.dist-info/METADATA",
                    b"Metadata-Version: 2.1\nName: foo.bar\nVersion: 1.0\n",
                ),
                ("Foo.Bar-1.0.dist-info/RECORD", b""),
            ],
            true,
        )
    }

    #[test]
    fn reads_metadata_from_a_seekable_wheel() {
        let zip = wheel();
        let total = zip.len() as u64;
        let mut cursor = Cursor::new(zip);
        let entries = read_entries(&mut cursor, total).unwrap();
        assert_eq!(entries.len(), 4);
        let entry = find_wheel_metadata(&entries, "foo-bar").unwrap();
        assert_eq!(entry.name, "Foo.Bar-1.0.dist-info/METADATA");
        let data = read_entry(&mut cursor, entry).unwrap();
        assert!(data.starts_with(b"Metadata-Version: 2.1\nName: foo.bar"));
    }

    #[test]
    fn range_style_reading_with_a_short_tail() {
        let zip = build_zip(
            &[("a-1.dist-info/METADATA", b"Name: a\nVersion: 1\n")],
            false,
        );
        let total = zip.len() as u64;
        let tail_start = total - 80;
        let cd = locate_central_directory(&zip[80.min(zip.len())..], tail_start, total);
        // The tail is not aligned with the end: rejected rather than misread.
        assert!(cd.is_err() || tail_start == 80);
        let cd = locate_central_directory(
            &zip[usize::try_from(tail_start).unwrap()..],
            tail_start,
            total,
        )
        .unwrap();
        let start = usize::try_from(cd.offset).unwrap();
        let entries = parse_central_directory(
            &zip[start..start + usize::try_from(cd.size).unwrap()],
            total,
        )
        .unwrap();
        let entry = &entries[0];
        let data_at = local_data_offset(
            &zip[usize::try_from(entry.local_header_offset).unwrap()..],
            entry,
        )
        .unwrap();
        let data = extract(entry, &zip[usize::try_from(data_at).unwrap()..]).unwrap();
        assert_eq!(data, b"Name: a\nVersion: 1\n");
    }

    #[test]
    fn hostile_archives_error_out() {
        let total = 1000u64;
        // Not a zip.
        assert_eq!(
            locate_central_directory(&[0; 100], 900, total),
            Err(ZipError::NoEocd)
        );
        // EOCD claiming a huge central directory.
        let mut eocd = EOCD_SIG.to_le_bytes().to_vec();
        eocd.extend_from_slice(&[0; 4]);
        eocd.extend_from_slice(&[1, 0, 1, 0]);
        eocd.extend_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        eocd.extend_from_slice(&0u32.to_le_bytes());
        eocd.extend_from_slice(&[0, 0]);
        let start = total - eocd.len() as u64;
        assert!(matches!(
            locate_central_directory(&eocd, start, total),
            Err(ZipError::TooLarge { .. })
        ));
        // Central directory beyond the end of the archive.
        eocd[12..16].copy_from_slice(&100u32.to_le_bytes());
        eocd[16..20].copy_from_slice(&950u32.to_le_bytes());
        assert!(matches!(
            locate_central_directory(&eocd, start, total),
            Err(ZipError::Corrupt(_))
        ));
        // Too many entries for the directory size.
        eocd[10..12].copy_from_slice(&60_000u16.to_le_bytes());
        eocd[16..20].copy_from_slice(&10u32.to_le_bytes());
        assert!(matches!(
            locate_central_directory(&eocd, start, total),
            Err(ZipError::Corrupt(_))
        ));
        // zip64 markers without a locator.
        eocd[10..12].copy_from_slice(&0xFFFFu16.to_le_bytes());
        assert!(matches!(
            locate_central_directory(&eocd, start, total),
            Err(ZipError::Corrupt(_))
        ));

        // An entry whose sizes are absurd.
        let zip = build_zip(&[("a-1.dist-info/METADATA", b"x")], false);
        let mut cursor = Cursor::new(zip.clone());
        let mut entries = read_entries(&mut cursor, zip.len() as u64).unwrap();
        entries[0].uncompressed_size = u64::MAX;
        assert!(matches!(
            extract(&entries[0], b"x"),
            Err(ZipError::TooLarge { .. })
        ));
        entries[0].uncompressed_size = 1;
        entries[0].crc32 ^= 1;
        assert!(matches!(
            extract(&entries[0], b"x"),
            Err(ZipError::Corrupt(_))
        ));
        entries[0].method = 12;
        assert_eq!(
            extract(&entries[0], b"x"),
            Err(ZipError::UnsupportedMethod(12))
        );
        // A local header offset past the end.
        let cd_start = zip.len() - 22 - (46 + 23);
        let mut bad = zip.clone();
        bad[cd_start + 42..cd_start + 46].copy_from_slice(&0xFFFF_0000u32.to_le_bytes());
        let mut cursor = Cursor::new(bad.clone());
        assert!(matches!(
            read_entries(&mut cursor, bad.len() as u64),
            Err(ZipError::Corrupt(_))
        ));
        // Truncated compressed data.
        let zip = build_zip(&[("a", b"hello hello hello")], true);
        let mut cursor = Cursor::new(zip.clone());
        let entries = read_entries(&mut cursor, zip.len() as u64).unwrap();
        assert!(extract(&entries[0], &[1, 2]).is_err());
    }

    #[test]
    fn zip64_end_record() {
        let zip = build_zip(&[("a-1.dist-info/METADATA", b"Name: a\n")], false);
        let eocd_at = zip.len() - 22;
        let cd_size = u64::from(u32_at(&zip, eocd_at + 12).unwrap());
        let cd_offset = u64::from(u32_at(&zip, eocd_at + 16).unwrap());
        let mut out = zip[..eocd_at].to_vec();
        let record_at = out.len() as u64;
        out.extend_from_slice(&ZIP64_EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&1u64.to_le_bytes());
        out.extend_from_slice(&1u64.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&ZIP64_LOCATOR_SIG.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&record_at.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&[0xFF; 4]);
        out.extend_from_slice(&[0xFF; 8]);
        out.extend_from_slice(&[0; 2]);
        let total = out.len() as u64;
        let cd = locate_central_directory(&out, 0, total).unwrap();
        assert_eq!((cd.offset, cd.size, cd.entries), (cd_offset, cd_size, 1));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_tails_never_panic(tail in proptest::collection::vec(proptest::num::u8::ANY, 0..300), extra in 0u64..1_000_000) {
            let total = tail.len() as u64 + extra;
            if let Ok(cd) = locate_central_directory(&tail, extra, total) {
                proptest::prop_assert!(cd.offset + cd.size <= total);
                proptest::prop_assert!(cd.size <= MAX_CENTRAL_DIRECTORY);
            }
        }

        #[test]
        fn arbitrary_directories_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400), total in 0u64..u64::MAX) {
            let mut cd = CENTRAL_SIG.to_le_bytes().to_vec();
            cd.extend_from_slice(&bytes);
            if let Ok(entries) = parse_central_directory(&cd, total) {
                for e in &entries {
                    let _ = extract(e, &bytes);
                    let _ = local_data_offset(&bytes, e);
                }
            }
        }
    }
}
