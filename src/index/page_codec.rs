//! The binary form of a cached project page (`simple-v4/<index>/<name>.bin`; the cache
//! seals it with a checksum trailer, see [`super::cache`]).
//!
//! An entry has three parts:
//! - the header: a magic string with the format version, the freshness data, and the
//!   lengths of the two other parts;
//! - the index: the page's requires-python and wheel-tag tables (each distinct string
//!   stored and parsed once), then per version its number, its file count, the summary
//!   the resolver reads ([`FilesSummary`]) and where its files are in the body;
//! - the body: each version's files, one block per version. A URL that ends in its
//!   file's name stores only its prefix.
//!
//! A warm lock reads the header and the index of each page it needs (kilobytes, where
//! the files of a large page take megabytes) and the files of a version only when they
//! are first asked for, which the lock writer does for the few versions it chose.
//! Reading the whole of every page was most of a warm lock's time. A malformed header or
//! index is an error, a malformed file block a warning when it is read: never a panic.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::PackageName;

use super::{
    DistFile, FileKind, FilesSummary, MetadataFile, PackageVersions, VersionFiles, Yanked,
};

/// The first bytes of an entry: a name and the format version.
const MAGIC: &[u8; 8] = b"pinctlP3";

/// How much of an entry is read at first: the header and, for most pages, the index.
const FIRST_READ: usize = 64 * 1024;

/// A cached project page: freshness data and the version map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedPage {
    /// Seconds since the Unix epoch when the page was fetched or revalidated.
    pub fetched_at: u64,
    /// `Cache-Control: max-age`, when sent (0 for `no-cache`/`no-store`).
    pub max_age: Option<u64>,
    pub etag: Option<String>,
    pub versions: PackageVersions,
}

/// Why an entry could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("invalid cache entry: {0}")]
pub struct DecodeError(String);

impl From<std::io::Error> for DecodeError {
    fn from(e: std::io::Error) -> Self {
        Self(e.to_string())
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    // Entries hold far fewer than 4 billion items or bytes per field.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn put_yanked(out: &mut Vec<u8>, yanked: Option<&Yanked>) {
    match yanked {
        None => out.push(0),
        Some(Yanked { reason: None }) => out.push(1),
        Some(Yanked {
            reason: Some(reason),
        }) => {
            out.push(2);
            put_str(out, reason);
        }
    }
}

/// Interns values into a table, giving each distinct one an index (in first-seen order).
struct Table<K> {
    order: Vec<K>,
    index: std::collections::HashMap<K, usize>,
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    fn new() -> Self {
        Self {
            order: Vec::new(),
            index: std::collections::HashMap::new(),
        }
    }

    fn intern(&mut self, key: &K) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.order.len();
        self.order.push(key.clone());
        self.index.insert(key.clone(), i);
        i
    }

    fn put(&self, out: &mut Vec<u8>, show: impl Fn(&K) -> &str) {
        put_u32(out, self.order.len());
        for key in &self.order {
            put_str(out, show(key));
        }
    }
}

fn put_tags<'a>(out: &mut Vec<u8>, tags: &mut Table<&'a str>, list: &'a [String]) {
    put_u32(out, list.len());
    for tag in list {
        put_u32(out, tags.intern(&tag.as_str()));
    }
}

/// Index 0 of the requires-python table is "none"; a spelling is interned by its text,
/// not its parsed value: `>=3.7` and `>=3.7.0` compare equal but the lock records each
/// as the index wrote it.
fn intern_requires_python(
    table: &mut Table<String>,
    requires_python: Option<&VersionSpecifiers>,
) -> usize {
    requires_python.map_or(0, |rp| table.intern(&rp.to_string()) + 1)
}

fn put_file<'a>(
    body: &mut Vec<u8>,
    file: &'a DistFile,
    requires_python: &mut Table<String>,
    tags: &mut Table<&'a str>,
) {
    put_str(body, &file.filename);
    if let Some(prefix) = file.url.strip_suffix(file.filename.as_str()) {
        body.push(1);
        put_str(body, prefix);
    } else {
        body.push(0);
        put_str(body, &file.url);
    }
    body.push(u8::try_from(file.hashes.len()).unwrap_or(u8::MAX));
    for (algorithm, digest) in file.hashes.iter().take(usize::from(u8::MAX)) {
        put_str(body, algorithm);
        put_str(body, digest);
    }
    match file.size {
        Some(size) => {
            body.push(1);
            put_u64(body, size);
        }
        None => body.push(0),
    }
    put_opt_str(body, file.upload_time.as_deref());
    put_u32(
        body,
        intern_requires_python(requires_python, file.requires_python.as_ref()),
    );
    put_yanked(body, file.yanked.as_ref());
    match &file.kind {
        FileKind::Sdist => body.push(0),
        FileKind::Wheel {
            python_tags,
            abi_tags,
            platform_tags,
        } => {
            body.push(1);
            put_tags(body, tags, python_tags);
            put_tags(body, tags, abi_tags);
            put_tags(body, tags, platform_tags);
        }
    }
    match &file.metadata_file {
        None => body.push(0),
        Some(MetadataFile { sha256 }) => {
            body.push(1);
            put_opt_str(body, sha256.as_deref());
        }
    }
}

/// Encodes `page`. A page read from the cache has its files read back for this.
pub fn encode(page: &CachedPage) -> Vec<u8> {
    let mut requires_python: Table<String> = Table::new();
    let mut tags: Table<&str> = Table::new();
    let mut body = Vec::with_capacity(page.versions.versions.len() * 512);
    let mut entries = Vec::with_capacity(page.versions.versions.len() * 32);
    put_u32(&mut entries, page.versions.versions.len());
    for (version, files) in &page.versions.versions {
        let start = body.len();
        let list = files.files();
        for file in list {
            put_file(&mut body, file, &mut requires_python, &mut tags);
        }
        put_str(&mut entries, &version.to_string());
        put_u32(&mut entries, list.len());
        put_yanked(&mut entries, files.yanked());
        put_u32(
            &mut entries,
            intern_requires_python(&mut requires_python, files.requires_python()),
        );
        entries.push(u8::from(files.any_usable()));
        put_u64(&mut entries, start as u64);
        put_u64(&mut entries, (body.len() - start) as u64);
    }
    let mut index = Vec::with_capacity(entries.len() + 4096);
    requires_python.put(&mut index, String::as_str);
    tags.put(&mut index, |tag| tag);
    index.extend_from_slice(&entries);

    let mut out = Vec::with_capacity(64 + index.len() + body.len());
    out.extend_from_slice(MAGIC);
    put_u64(&mut out, page.fetched_at);
    match page.max_age {
        Some(age) => {
            out.push(1);
            put_u64(&mut out, age);
        }
        None => out.push(0),
    }
    put_opt_str(&mut out, page.etag.as_deref());
    put_u64(&mut out, index.len() as u64);
    put_u64(&mut out, body.len() as u64);
    out.extend_from_slice(&index);
    out.extend_from_slice(&body);
    out
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.buf.len() {
            return Err(DecodeError("truncated".to_owned()));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<usize, DecodeError> {
        let bytes: [u8; 4] = self
            .take(4)?
            .try_into()
            .map_err(|_| DecodeError("truncated".to_owned()))?;
        usize::try_from(u32::from_le_bytes(bytes)).map_err(|e| DecodeError(e.to_string()))
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        let bytes: [u8; 8] = self
            .take(8)?
            .try_into()
            .map_err(|_| DecodeError("truncated".to_owned()))?;
        Ok(u64::from_le_bytes(bytes))
    }

    /// A count of items that each take at least one byte (bounds preallocation).
    fn count(&mut self) -> Result<usize, DecodeError> {
        let n = self.u32()?;
        if n > self.buf.len() {
            return Err(DecodeError(format!("count {n} exceeds the entry")));
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&'a str, DecodeError> {
        let len = self.u32()?;
        std::str::from_utf8(self.take(len)?).map_err(|e| DecodeError(e.to_string()))
    }

    /// A string read from a file block: invalid UTF-8 is replaced, never an error.
    fn text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let len = self.u32()?;
        Ok(String::from_utf8_lossy(self.take(len)?))
    }

    fn opt_text(&mut self) -> Result<Option<String>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.text()?.into_owned())),
            other => Err(DecodeError(format!("bad option tag {other}"))),
        }
    }

    fn opt_u64(&mut self) -> Result<Option<u64>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.u64()?)),
            other => Err(DecodeError(format!("bad option tag {other}"))),
        }
    }

    fn yanked(&mut self) -> Result<Option<Yanked>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(Yanked { reason: None })),
            2 => Ok(Some(Yanked {
                reason: Some(self.text()?.into_owned()),
            })),
            other => Err(DecodeError(format!("bad yanked tag {other}"))),
        }
    }

    fn index<'t, T>(&mut self, table: &'t [T]) -> Result<&'t T, DecodeError> {
        let i = self.u32()?;
        table
            .get(i)
            .ok_or_else(|| DecodeError(format!("table index {i} out of range")))
    }

    fn tags(&mut self, table: &[String]) -> Result<Vec<String>, DecodeError> {
        let n = self.count()?;
        let mut tags = Vec::with_capacity(n);
        for _ in 0..n {
            tags.push(self.index(table)?.clone());
        }
        Ok(tags)
    }
}

/// The per-page tables a version's files refer to.
#[derive(Debug)]
struct Tables {
    /// Index 0 is "no requires-python".
    requires_python: Vec<Option<VersionSpecifiers>>,
    tags: Vec<String>,
}

/// Where the file blocks of a decoded entry are.
enum Body {
    /// In memory: the whole entry.
    Bytes(Vec<u8>),
    /// In the cache file, read when asked for. The open file keeps its contents when the
    /// entry is replaced (entries are renamed into place), so it always matches the
    /// index that was read from it.
    File(OpenEntry),
}

/// How many entries may be kept open at once. Beyond it an entry is read whole: a
/// project with hundreds of large pages must not run out of file descriptors (macOS
/// allows 256 by default).
const MAX_OPEN: usize = 64;

/// The entries this process keeps open.
static OPEN: OpenLimit = OpenLimit::new(MAX_OPEN);

/// A count of open entries with a limit.
struct OpenLimit {
    open: AtomicUsize,
    max: usize,
}

impl OpenLimit {
    const fn new(max: usize) -> Self {
        Self {
            open: AtomicUsize::new(0),
            max,
        }
    }
}

/// An open cache entry, counted against its [`OpenLimit`].
struct OpenEntry {
    file: Mutex<File>,
    limit: &'static OpenLimit,
}

impl OpenEntry {
    /// Keeps `file` open if `limit` allows one more; gives it back if not.
    fn new(file: File, limit: &'static OpenLimit) -> Result<Self, File> {
        let claimed = limit
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit.max).then_some(n + 1)
            });
        match claimed {
            Ok(_) => Ok(Self {
                file: Mutex::new(file),
                limit,
            }),
            Err(_) => Err(file),
        }
    }
}

impl Drop for OpenEntry {
    fn drop(&mut self) {
        self.limit.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Body {
    /// The bytes at `offset..offset + len` of the entry.
    fn read(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, DecodeError> {
        let out_of_range = || DecodeError(format!("file block {offset}+{len} out of range"));
        match self {
            Body::Bytes(bytes) => {
                let start = usize::try_from(offset).map_err(|_| out_of_range())?;
                let end = offset
                    .checked_add(len)
                    .and_then(|end| usize::try_from(end).ok())
                    .ok_or_else(out_of_range)?;
                bytes
                    .get(start..end)
                    .map(Cow::Borrowed)
                    .ok_or_else(out_of_range)
            }
            Body::File(OpenEntry { file, .. }) => {
                let mut file = file
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                file.seek(SeekFrom::Start(offset))?;
                let mut buf = Vec::new();
                (&mut *file).take(len).read_to_end(&mut buf)?;
                if buf.len() as u64 == len {
                    Ok(Cow::Owned(buf))
                } else {
                    Err(out_of_range())
                }
            }
        }
    }
}

/// The files of one version, not read yet: where they are in the entry.
#[derive(Clone)]
pub(crate) struct LazyFiles {
    body: Arc<Body>,
    offset: u64,
    len: u64,
    count: usize,
    tables: Arc<Tables>,
}

impl std::fmt::Debug for LazyFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyFiles")
            .field("offset", &self.offset)
            .field("len", &self.len)
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

impl LazyFiles {
    /// Reads and decodes the files. A block that cannot be read or decoded (the entry
    /// was damaged after its index was read) leaves the version without files and logs
    /// a warning, never a panic.
    pub(crate) fn decode(&self) -> Vec<DistFile> {
        let files = self
            .body
            .read(self.offset, self.len)
            .and_then(|block| decode_files(&block, self.count, &self.tables));
        match files {
            Ok(files) => files,
            Err(e) => {
                tracing::warn!("{e} (run with `--refresh` to fetch the page again)");
                Vec::new()
            }
        }
    }
}

fn decode_files(block: &[u8], count: usize, tables: &Tables) -> Result<Vec<DistFile>, DecodeError> {
    let mut r = Reader { buf: block };
    let mut files = Vec::with_capacity(count.min(block.len()));
    for _ in 0..count {
        let filename = r.text()?;
        let url = match r.u8()? {
            0 => r.text()?.into_owned(),
            1 => {
                let prefix = r.text()?;
                let mut url = String::with_capacity(prefix.len() + filename.len());
                url.push_str(&prefix);
                url.push_str(&filename);
                url
            }
            other => return Err(DecodeError(format!("bad URL tag {other}"))),
        };
        let n = r.u8()?;
        let mut hashes = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            let algorithm = r.text()?.into_owned();
            hashes.push((algorithm, r.text()?.into_owned()));
        }
        let size = r.opt_u64()?;
        let upload_time = r.opt_text()?;
        let requires_python = r.index(&tables.requires_python)?.clone();
        let yanked = r.yanked()?;
        let kind = match r.u8()? {
            0 => FileKind::Sdist,
            1 => FileKind::Wheel {
                python_tags: r.tags(&tables.tags)?,
                abi_tags: r.tags(&tables.tags)?,
                platform_tags: r.tags(&tables.tags)?,
            },
            other => return Err(DecodeError(format!("bad kind tag {other}"))),
        };
        let metadata_file = match r.u8()? {
            0 => None,
            1 => Some(MetadataFile {
                sha256: r.opt_text()?,
            }),
            other => return Err(DecodeError(format!("bad metadata tag {other}"))),
        };
        files.push(DistFile {
            filename: filename.into_owned(),
            url,
            hashes,
            size,
            upload_time,
            requires_python,
            yanked,
            kind,
            metadata_file,
        });
    }
    if !r.buf.is_empty() {
        return Err(DecodeError(format!(
            "{} trailing bytes in a file block",
            r.buf.len()
        )));
    }
    Ok(files)
}

/// The header of an entry.
struct Header {
    fetched_at: u64,
    max_age: Option<u64>,
    etag: Option<String>,
    /// Where the index starts.
    index_start: u64,
    /// Where the body starts (the index ends).
    body_start: u64,
    /// The length of the whole entry.
    total: u64,
}

fn header(buf: &[u8]) -> Result<Header, DecodeError> {
    let mut r = Reader { buf };
    if r.take(MAGIC.len())? != MAGIC {
        return Err(DecodeError("not a pinctl page entry".to_owned()));
    }
    let fetched_at = r.u64()?;
    let max_age = r.opt_u64()?;
    let etag = r.opt_text()?;
    let index_len = r.u64()?;
    let body_len = r.u64()?;
    let index_start = (buf.len() - r.buf.len()) as u64;
    let too_long = || DecodeError("section lengths overflow".to_owned());
    let body_start = index_start.checked_add(index_len).ok_or_else(too_long)?;
    let total = body_start.checked_add(body_len).ok_or_else(too_long)?;
    Ok(Header {
        fetched_at,
        max_age,
        etag,
        index_start,
        body_start,
        total,
    })
}

/// One version as the index section describes it.
struct Entry {
    version: Version,
    summary: FilesSummary,
    /// Relative to the start of the body.
    offset: u64,
    len: u64,
}

/// Parses the index section; `body_len` bounds the file blocks it points to.
fn parse_index(buf: &[u8], body_len: u64) -> Result<(Tables, Vec<Entry>), DecodeError> {
    let mut r = Reader { buf };
    let n = r.count()?;
    let mut requires_python = Vec::with_capacity(n + 1);
    requires_python.push(None);
    for _ in 0..n {
        let s = r.str()?;
        let parsed = VersionSpecifiers::from_str(s)
            .map_err(|e| DecodeError(format!("requires-python `{s}`: {e}")))?;
        requires_python.push(Some(parsed));
    }
    let n = r.count()?;
    let mut tags = Vec::with_capacity(n);
    for _ in 0..n {
        tags.push(r.str()?.to_owned());
    }
    let n = r.count()?;
    let mut entries = Vec::with_capacity(n);
    // The blocks follow each other in version order and fill the body exactly.
    let mut end = 0u64;
    for _ in 0..n {
        let v = r.str()?;
        let version =
            Version::from_str(v).map_err(|e| DecodeError(format!("version `{v}`: {e}")))?;
        let count = r.u32()?;
        let yanked = r.yanked()?;
        let rp = r.index(&requires_python)?.clone();
        let usable = match r.u8()? {
            0 => false,
            1 => true,
            other => return Err(DecodeError(format!("bad usable tag {other}"))),
        };
        let offset = r.u64()?;
        let len = r.u64()?;
        if offset != end || count as u64 > len {
            return Err(DecodeError(format!("bad file block for version `{v}`")));
        }
        end = offset
            .checked_add(len)
            .filter(|&e| e <= body_len)
            .ok_or_else(|| DecodeError(format!("file block of `{v}` past the body")))?;
        entries.push(Entry {
            version,
            summary: FilesSummary {
                count,
                yanked,
                requires_python: rp,
                usable,
            },
            offset,
            len,
        });
    }
    if !r.buf.is_empty() {
        return Err(DecodeError(format!(
            "{} trailing bytes in the index",
            r.buf.len()
        )));
    }
    if end != body_len {
        return Err(DecodeError(format!(
            "the file blocks cover {end} of {body_len} body bytes"
        )));
    }
    let tables = Tables {
        requires_python,
        tags,
    };
    Ok((tables, entries))
}

fn assemble(
    name: &PackageName,
    header: Header,
    (tables, entries): (Tables, Vec<Entry>),
    body: Body,
) -> CachedPage {
    let (body, tables) = (Arc::new(body), Arc::new(tables));
    let versions: BTreeMap<Version, VersionFiles> = entries
        .into_iter()
        .map(|entry| {
            let count = entry.summary.count;
            let lazy = LazyFiles {
                body: Arc::clone(&body),
                offset: header.body_start + entry.offset,
                len: entry.len,
                count,
                tables: Arc::clone(&tables),
            };
            (entry.version, VersionFiles::lazy(entry.summary, lazy))
        })
        .collect();
    CachedPage {
        fetched_at: header.fetched_at,
        max_age: header.max_age,
        etag: header.etag,
        versions: PackageVersions {
            name: name.clone(),
            versions,
        },
    }
}

/// `start..end` of `buf` as a slice, or a truncation error.
fn section(buf: &[u8], start: u64, end: u64) -> Result<&[u8], DecodeError> {
    usize::try_from(start)
        .ok()
        .zip(usize::try_from(end).ok())
        .and_then(|(start, end)| buf.get(start..end))
        .ok_or_else(|| DecodeError("truncated".to_owned()))
}

/// Decodes a whole entry written by [`encode`] for project `name`. Its files are decoded
/// from `bytes` when first asked for ([`VersionFiles::files`]).
pub fn decode(bytes: Vec<u8>, name: &PackageName) -> Result<CachedPage, DecodeError> {
    let header = header(&bytes)?;
    if header.total != bytes.len() as u64 {
        return Err(DecodeError(format!(
            "the entry has {} bytes, its header says {}",
            bytes.len(),
            header.total
        )));
    }
    let index = parse_index(
        section(&bytes, header.index_start, header.body_start)?,
        header.total - header.body_start,
    )?;
    Ok(assemble(name, header, index, Body::Bytes(bytes)))
}

/// Reads the entry held in the first `total` bytes of `file` (what follows is the cache's
/// trailer) for project `name`: its header and index now, its files when first asked for
/// (from the open file).
pub fn read(file: File, total: u64, name: &PackageName) -> Result<CachedPage, DecodeError> {
    read_with(file, total, name, FIRST_READ, &OPEN)
}

fn read_with(
    mut file: File,
    total: u64,
    name: &PackageName,
    first: usize,
    limit: &'static OpenLimit,
) -> Result<CachedPage, DecodeError> {
    // Reads up to `total` bytes of the entry (never the trailer after it) into `buf`.
    let fill = |file: &mut File, buf: &mut Vec<u8>, upto: u64| -> Result<(), DecodeError> {
        let want = upto.min(total).saturating_sub(buf.len() as u64);
        file.take(want).read_to_end(buf)?;
        Ok(())
    };
    let mut buf = Vec::with_capacity(first);
    fill(&mut file, &mut buf, first as u64)?;
    let header = match header(&buf) {
        Ok(header) => header,
        // A long ETag can push the header past the first read.
        Err(_) if (buf.len() as u64) < total => {
            fill(&mut file, &mut buf, total)?;
            header(&buf)?
        }
        Err(e) => return Err(e),
    };
    if header.total != total {
        return Err(DecodeError(format!(
            "the entry has {total} bytes, its header says {}",
            header.total
        )));
    }
    if (buf.len() as u64) < header.body_start {
        fill(&mut file, &mut buf, header.body_start)?;
    }
    let index = parse_index(
        section(&buf, header.index_start, header.body_start)?,
        total - header.body_start,
    )?;
    let body = if buf.len() as u64 == total {
        Body::Bytes(buf)
    } else {
        match OpenEntry::new(file, limit) {
            Ok(open) => Body::File(open),
            Err(mut file) => {
                fill(&mut file, &mut buf, total)?;
                if buf.len() as u64 != total {
                    return Err(DecodeError(format!(
                        "the entry has {} bytes, its header says {total}",
                        buf.len()
                    )));
                }
                Body::Bytes(buf)
            }
        }
    };
    Ok(assemble(name, header, index, body))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn entry_len(path: &std::path::Path) -> u64 {
        fs_err::metadata(path).unwrap().len()
    }

    fn file(filename: &str, url: &str, kind: FileKind) -> DistFile {
        DistFile {
            filename: filename.to_owned(),
            url: url.to_owned(),
            hashes: vec![("sha256".to_owned(), "ab".repeat(32))],
            size: Some(1234),
            upload_time: Some("2024-01-02T03:04:05Z".to_owned()),
            requires_python: Some(VersionSpecifiers::from_str(">=3.8").unwrap()),
            yanked: None,
            kind,
            metadata_file: None,
        }
    }

    pub(crate) fn sample() -> CachedPage {
        let wheel = FileKind::Wheel {
            python_tags: vec!["py3".to_owned()],
            abi_tags: vec!["none".to_owned()],
            platform_tags: vec!["any".to_owned()],
        };
        let mut v1 = file(
            "foo-1.0-py3-none-any.whl",
            "https://files.example/p/foo-1.0-py3-none-any.whl",
            wheel.clone(),
        );
        v1.yanked = Some(Yanked {
            reason: Some("broken".to_owned()),
        });
        v1.metadata_file = Some(MetadataFile { sha256: None });
        let mut sdist = file(
            "foo-1.0.tar.gz",
            "https://files.example/other-name.tar.gz",
            FileKind::Sdist,
        );
        sdist.requires_python = None;
        sdist.size = None;
        sdist.upload_time = None;
        sdist.hashes.clear();
        let mut v2 = file(
            "foo-2.0-py3-none-any.whl",
            "https://files.example/p/foo-2.0-py3-none-any.whl",
            wheel,
        );
        v2.yanked = Some(Yanked { reason: None });
        v2.metadata_file = Some(MetadataFile {
            sha256: Some("cd".repeat(32)),
        });
        let name = PackageName::from_str("foo").unwrap();
        CachedPage {
            fetched_at: 1000,
            max_age: Some(600),
            etag: Some("\"abc\"".to_owned()),
            versions: PackageVersions {
                name,
                versions: [
                    (
                        Version::from_str("1.0").unwrap(),
                        VersionFiles::new(vec![v1, sdist]),
                    ),
                    (
                        Version::from_str("2.0").unwrap(),
                        VersionFiles::new(vec![v2]),
                    ),
                ]
                .into(),
            },
        }
    }

    fn foo() -> PackageName {
        PackageName::from_str("foo").unwrap()
    }

    #[test]
    fn round_trip() {
        let page = sample();
        let bytes = encode(&page);
        let back = decode(bytes.clone(), &foo()).unwrap();
        assert_eq!(back, page);
        // Encoding a decoded page reads its files back: the same bytes.
        assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn the_summary_is_read_without_the_files() {
        let page = sample();
        let back = decode(encode(&page), &foo()).unwrap();
        for (version, files) in &back.versions.versions {
            let original = &page.versions.versions[version];
            assert_eq!(files.len(), original.len());
            assert_eq!(files.yanked(), original.yanked());
            assert_eq!(files.requires_python(), original.requires_python());
            assert_eq!(files.any_usable(), original.any_usable());
        }
    }

    #[test]
    fn equal_requires_python_keeps_its_spelling() {
        // `>=3.7` and `>=3.7.0` compare equal; the lock must record what each file says.
        let mut page = sample();
        let spellings = [">=3.7.0", ">=3.7"];
        for (files, spelling) in page.versions.versions.values_mut().zip(spellings) {
            let mut list = std::mem::take(files).into_files();
            for f in &mut list {
                f.requires_python = Some(VersionSpecifiers::from_str(spelling).unwrap());
            }
            *files = VersionFiles::new(list);
        }
        let back = decode(encode(&page), &foo()).unwrap();
        let written: Vec<String> = back
            .versions
            .versions
            .values()
            .flat_map(VersionFiles::files)
            .filter_map(|f| f.requires_python.as_ref().map(ToString::to_string))
            .collect();
        assert!(written.contains(&">=3.7.0".to_owned()), "{written:?}");
        assert!(written.contains(&">=3.7".to_owned()), "{written:?}");
        let summaries: Vec<String> = back
            .versions
            .versions
            .values()
            .filter_map(|f| f.requires_python().map(ToString::to_string))
            .collect();
        assert_eq!(summaries, [">=3.7.0", ">=3.7"]);
    }

    #[test]
    fn every_truncation_and_other_formats_are_errors() {
        let bytes = encode(&sample());
        for len in 0..bytes.len() {
            assert!(
                decode(bytes[..len].to_vec(), &foo()).is_err(),
                "prefix {len}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(longer, &foo()).is_err());
        let mut older = bytes;
        older[..8].copy_from_slice(b"pinctlP2");
        assert!(decode(older, &foo()).is_err());
        assert!(decode(b"{\"fetched_at\": 1, \"page\": {}}".to_vec(), &foo()).is_err());
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let bytes = encode(&sample());
        for i in 0..bytes.len() {
            for value in [0, 1, 2, 0x7f, 0xff] {
                let mut corrupt = bytes.clone();
                corrupt[i] = value;
                // What decodes must also decode its files (or leave them out) without
                // panicking.
                if let Ok(page) = decode(corrupt, &foo()) {
                    for files in page.versions.versions.values() {
                        let n = files.files().len();
                        assert!(n == files.len() || n == 0, "byte {i} = {value}");
                    }
                }
            }
        }
    }

    /// A first read that takes the header and the index and stops before the files.
    fn index_only(bytes: &[u8]) -> usize {
        let body_start = header(bytes).unwrap().body_start;
        assert!(body_start < bytes.len() as u64, "the sample has files");
        usize::try_from(body_start).unwrap()
    }

    fn write_entry(dir: &std::path::Path, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join("foo.bin");
        fs_err::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn reading_a_file_in_pieces_gives_the_same_page() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = encode(&sample());
        let path = write_entry(dir.path(), &bytes);
        // First reads that end inside the header, inside the index, at its end, inside
        // the body, and past the end.
        let index_end = index_only(&bytes);
        for first in [
            0,
            10,
            30,
            60,
            200,
            index_end,
            bytes.len() - 1,
            bytes.len(),
            FIRST_READ,
        ] {
            let page = read_with(
                File::open(&path).unwrap(),
                entry_len(&path),
                &foo(),
                first,
                &OPEN,
            )
            .unwrap();
            assert_eq!(page, sample(), "first read of {first} bytes");
        }
        let mut truncated = bytes.clone();
        truncated.pop();
        let path = write_entry(dir.path(), &truncated);
        assert!(
            read_with(
                File::open(&path).unwrap(),
                entry_len(&path),
                &foo(),
                10,
                &OPEN
            )
            .is_err()
        );
    }

    #[test]
    fn files_come_from_the_entry_that_was_opened() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = encode(&sample());
        let path = write_entry(dir.path(), &bytes);
        let page = read_with(
            File::open(&path).unwrap(),
            entry_len(&path),
            &foo(),
            index_only(&bytes),
            &OPEN,
        )
        .unwrap();
        // Another process replaces the entry (rename into place) before the files are read.
        let mut other = sample();
        other
            .versions
            .versions
            .remove(&Version::from_str("1.0").unwrap());
        let tmp = dir.path().join("tmp");
        fs_err::write(&tmp, encode(&other)).unwrap();
        fs_err::rename(&tmp, &path).unwrap();
        assert_eq!(page, sample());
    }

    #[test]
    fn a_block_damaged_after_the_index_was_read_leaves_the_version_without_files() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = encode(&sample());
        let path = write_entry(dir.path(), &bytes);
        let page = read_with(
            File::open(&path).unwrap(),
            entry_len(&path),
            &foo(),
            index_only(&bytes),
            &OPEN,
        )
        .unwrap();
        // Damaged in place: the URL tag of the first file of the first version.
        let mut damaged = bytes.clone();
        let filename = b"foo-1.0-py3-none-any.whl";
        let at = damaged
            .windows(filename.len())
            .position(|w| w == filename)
            .unwrap();
        damaged[at + filename.len()] = 9;
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, &damaged))
            .unwrap();
        let v1 = &page.versions.versions[&Version::from_str("1.0").unwrap()];
        assert!(v1.files().is_empty());
        assert_eq!(v1.len(), 2, "the summary was read before the damage");
        let v2 = &page.versions.versions[&Version::from_str("2.0").unwrap()];
        assert_eq!(v2.files().len(), 1);
    }

    #[test]
    fn past_the_open_limit_entries_are_read_whole() {
        static LIMIT: OpenLimit = OpenLimit::new(2);
        let dir = tempfile::tempdir().unwrap();
        let bytes = encode(&sample());
        let paths: Vec<_> = (0..4)
            .map(|i| {
                let path = dir.path().join(format!("{i}.bin"));
                fs_err::write(&path, &bytes).unwrap();
                path
            })
            .collect();
        let pages: Vec<_> = paths
            .iter()
            .map(|path| {
                let first = index_only(&bytes);
                read_with(
                    File::open(path).unwrap(),
                    entry_len(path),
                    &foo(),
                    first,
                    &LIMIT,
                )
                .unwrap()
            })
            .collect();
        assert_eq!(LIMIT.open.load(Ordering::Acquire), 2);
        // Emptied on disk: the two entries held open lose their files, the two read
        // whole keep them.
        for path in &paths {
            fs_err::write(path, b"").unwrap();
        }
        for page in &pages[..2] {
            assert!(
                page.versions
                    .versions
                    .values()
                    .all(|v| v.files().is_empty())
            );
        }
        for page in &pages[2..] {
            assert_eq!(*page, sample());
        }
        drop(pages);
        assert_eq!(LIMIT.open.load(Ordering::Acquire), 0);
    }
}
