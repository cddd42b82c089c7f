//! The binary form of a cached project page (`simple-v2/<index>/<name>.bin`).
//!
//! Owns encoding a parsed page (its version map and PEP 658 hints, already filtered and
//! with filenames parsed) into a compact byte string, and decoding it straight back into
//! [`PackageVersions`] without an intermediate form: requires-python strings and wheel
//! tags are stored once per page and parsed once, versions once per version, and a URL
//! that ends in its file's name stores only its prefix. Warm locks read dozens of these
//! pages (tens of megabytes as JSON), so decoding is on the critical path. Any malformed
//! input decodes to an error, never a panic.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::Arc;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::PackageName;

use super::{
    DistFile, FileKind, FilesSummary, PackageVersions, VersionFiles, Yanked, usable_abi_tag,
    usable_python_tag,
};

/// The first bytes of an entry: a name and the format version.
const MAGIC: &[u8; 8] = b"pinctlP2";

/// A cached project page: freshness data, the version map and the PEP 658 hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedPage {
    /// Seconds since the Unix epoch when the page was fetched or revalidated.
    pub fetched_at: u64,
    /// `Cache-Control: max-age`, when sent (0 for `no-cache`/`no-store`).
    pub max_age: Option<u64>,
    pub etag: Option<String>,
    pub versions: PackageVersions,
    /// Files advertising a PEP 658 `.metadata` file: filename to its sha256, if given.
    /// Empty when the entry was decoded without hints.
    pub hints: HashMap<String, Option<String>>,
}

/// Why an entry could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("invalid cache entry: {0}")]
pub struct DecodeError(String);

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

/// Interns values into a table, giving each distinct one an index (in first-seen order).
struct Table<K> {
    order: Vec<K>,
    index: HashMap<K, usize>,
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    fn new() -> Self {
        Self {
            order: Vec::new(),
            index: HashMap::new(),
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

    fn put(&self, out: &mut Vec<u8>, show: impl Fn(&K) -> String) {
        put_u32(out, self.order.len());
        for key in &self.order {
            put_str(out, &show(key));
        }
    }
}

fn put_tags<'a>(out: &mut Vec<u8>, tags: &mut Table<&'a str>, list: &'a [String]) {
    put_u32(out, list.len());
    for tag in list {
        put_u32(out, tags.intern(&tag.as_str()));
    }
}

/// Encodes `page` (the `hints` included).
pub fn encode(page: &CachedPage) -> Vec<u8> {
    // Keyed by the text, not the parsed value: `>=3.7` and `>=3.7.0` compare equal but
    // are written as the index wrote them (the lock records them).
    let mut requires_python: Table<String> = Table::new();
    let mut tags: Table<&str> = Table::new();
    let mut body = Vec::with_capacity(page.versions.versions.len() * 512);
    put_u32(&mut body, page.versions.versions.len());
    for (version, files) in &page.versions.versions {
        put_str(&mut body, &version.to_string());
        put_u32(&mut body, files.len());
        for file in files.files() {
            put_str(&mut body, &file.filename);
            if let Some(prefix) = file.url.strip_suffix(file.filename.as_str()) {
                body.push(1);
                put_str(&mut body, prefix);
            } else {
                body.push(0);
                put_str(&mut body, &file.url);
            }
            body.push(u8::try_from(file.hashes.len()).unwrap_or(u8::MAX));
            for (algorithm, digest) in file.hashes.iter().take(usize::from(u8::MAX)) {
                put_str(&mut body, algorithm);
                put_str(&mut body, digest);
            }
            match file.size {
                Some(size) => {
                    body.push(1);
                    put_u64(&mut body, size);
                }
                None => body.push(0),
            }
            put_opt_str(&mut body, file.upload_time.as_deref());
            let rp = file
                .requires_python
                .as_ref()
                .map_or(0, |rp| requires_python.intern(&rp.to_string()) + 1);
            put_u32(&mut body, rp);
            match &file.yanked {
                None => body.push(0),
                Some(Yanked { reason: None }) => body.push(1),
                Some(Yanked {
                    reason: Some(reason),
                }) => {
                    body.push(2);
                    put_str(&mut body, reason);
                }
            }
            match &file.kind {
                FileKind::Sdist => body.push(0),
                FileKind::Wheel {
                    python_tags,
                    abi_tags,
                    platform_tags,
                } => {
                    body.push(1);
                    put_tags(&mut body, &mut tags, python_tags);
                    put_tags(&mut body, &mut tags, abi_tags);
                    put_tags(&mut body, &mut tags, platform_tags);
                }
            }
            match page.hints.get(&file.filename) {
                None => body.push(0),
                Some(sha256) => {
                    body.push(1);
                    put_opt_str(&mut body, sha256.as_deref());
                }
            }
        }
    }
    let mut out = Vec::with_capacity(body.len() + 4096);
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
    requires_python.put(&mut out, String::clone);
    tags.put(&mut out, |tag| (*tag).to_owned());
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

    /// A string that was not validated when the entry was read: invalid UTF-8 is
    /// replaced, never an error.
    fn text(&mut self) -> Result<std::borrow::Cow<'a, str>, DecodeError> {
        let len = self.u32()?;
        Ok(String::from_utf8_lossy(self.take(len)?))
    }

    fn skip_str(&mut self) -> Result<(), DecodeError> {
        let len = self.u32()?;
        self.take(len).map(drop)
    }

    fn skip_opt_str(&mut self) -> Result<(), DecodeError> {
        match self.u8()? {
            0 => Ok(()),
            1 => self.skip_str(),
            other => Err(DecodeError(format!("bad option tag {other}"))),
        }
    }

    fn opt_str(&mut self) -> Result<Option<&'a str>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.str()?)),
            other => Err(DecodeError(format!("bad option tag {other}"))),
        }
    }

    fn index<'t, T>(&mut self, table: &'t [T]) -> Result<&'t T, DecodeError> {
        let i = self.u32()?;
        table
            .get(i)
            .ok_or_else(|| DecodeError(format!("table index {i} out of range")))
    }

    /// Reads a tag list and tells whether any of its tags is marked in `table`.
    fn any_tag(&mut self, table: &[bool]) -> Result<bool, DecodeError> {
        let mut any = false;
        for _ in 0..self.count()? {
            any |= *self.index(table)?;
        }
        Ok(any)
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
    /// Per tag: whether it is a usable python tag / ABI tag.
    python_ok: Vec<bool>,
    abi_ok: Vec<bool>,
}

/// The undecoded files of one version: a handle into the cached page's bytes, which
/// [`decode`] validated as a whole.
#[derive(Clone)]
pub(crate) struct LazyFiles {
    bytes: Arc<Vec<u8>>,
    offset: usize,
    count: usize,
    tables: Arc<Tables>,
}

impl std::fmt::Debug for LazyFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyFiles")
            .field("offset", &self.offset)
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

impl LazyFiles {
    /// Decodes the files. The entry was validated when read, so this cannot fail; were
    /// it to, the version is left without files (and a warning), never a panic.
    pub(crate) fn decode(&self) -> Vec<DistFile> {
        let Some(buf) = self.bytes.get(self.offset..) else {
            tracing::warn!("invalid cache entry: file offset out of range");
            return Vec::new();
        };
        let mut r = Reader { buf };
        match decode_files(&mut r, self.count, &self.tables) {
            Ok(files) => files,
            Err(e) => {
                tracing::warn!("{e}");
                Vec::new()
            }
        }
    }
}

fn decode_files(
    r: &mut Reader<'_>,
    count: usize,
    tables: &Tables,
) -> Result<Vec<DistFile>, DecodeError> {
    let mut files = Vec::with_capacity(count);
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
        let size = match r.u8()? {
            0 => None,
            1 => Some(r.u64()?),
            other => return Err(DecodeError(format!("bad option tag {other}"))),
        };
        let upload_time = match r.u8()? {
            0 => None,
            1 => Some(r.text()?.into_owned()),
            other => return Err(DecodeError(format!("bad option tag {other}"))),
        };
        let requires_python = r.index(&tables.requires_python)?.clone();
        let yanked = match r.u8()? {
            0 => None,
            1 => Some(Yanked { reason: None }),
            2 => Some(Yanked {
                reason: Some(r.text()?.into_owned()),
            }),
            other => return Err(DecodeError(format!("bad yanked tag {other}"))),
        };
        let kind = match r.u8()? {
            0 => FileKind::Sdist,
            1 => FileKind::Wheel {
                python_tags: r.tags(&tables.tags)?,
                abi_tags: r.tags(&tables.tags)?,
                platform_tags: r.tags(&tables.tags)?,
            },
            other => return Err(DecodeError(format!("bad kind tag {other}"))),
        };
        match r.u8()? {
            0 => {}
            1 => r.skip_opt_str()?,
            other => return Err(DecodeError(format!("bad hint tag {other}"))),
        }
        files.push(DistFile {
            filename: filename.into_owned(),
            url,
            hashes,
            size,
            upload_time,
            requires_python,
            yanked,
            kind,
        });
    }
    Ok(files)
}

/// Walks `count` files, validating them, and summarises them; collects their PEP 658
/// hints into `hints` when given.
fn scan_files(
    r: &mut Reader<'_>,
    count: usize,
    tables: &Tables,
    mut hints: Option<&mut HashMap<String, Option<String>>>,
) -> Result<FilesSummary, DecodeError> {
    let mut summary = FilesSummary::default();
    for _ in 0..count {
        // Only the hints need the filename; strings the summary does not read are
        // skipped unchecked (decoding them later replaces invalid UTF-8).
        let filename = if hints.is_some() {
            Some(r.str()?)
        } else {
            r.skip_str()?;
            None
        };
        match r.u8()? {
            0 | 1 => r.skip_str()?,
            other => return Err(DecodeError(format!("bad URL tag {other}"))),
        }
        for _ in 0..r.u8()? {
            r.skip_str()?;
            r.skip_str()?;
        }
        match r.u8()? {
            0 => {}
            1 => {
                r.u64()?;
            }
            other => return Err(DecodeError(format!("bad option tag {other}"))),
        }
        r.skip_opt_str()?;
        let requires_python = r.index(&tables.requires_python)?.as_ref();
        let yanked = match r.u8()? {
            0 => None,
            1 => Some(Yanked { reason: None }),
            2 => Some(Yanked {
                reason: Some(r.str()?.to_owned()),
            }),
            other => return Err(DecodeError(format!("bad yanked tag {other}"))),
        };
        let usable = match r.u8()? {
            0 => true,
            1 => {
                let python = r.any_tag(&tables.python_ok)?;
                let abi = r.any_tag(&tables.abi_ok)?;
                r.any_tag(&tables.abi_ok)?;
                python && abi
            }
            other => return Err(DecodeError(format!("bad kind tag {other}"))),
        };
        match r.u8()? {
            0 => {}
            1 => match (hints.as_deref_mut(), filename) {
                (Some(hints), Some(filename)) => {
                    let sha256 = r.opt_str()?.map(str::to_owned);
                    hints.insert(filename.to_owned(), sha256);
                }
                _ => r.skip_opt_str()?,
            },
            other => return Err(DecodeError(format!("bad hint tag {other}"))),
        }
        summary.add(yanked.as_ref(), requires_python, usable);
    }
    Ok(summary)
}

/// Decodes an entry written by [`encode`] for project `name`. `with_hints: false` skips
/// collecting the PEP 658 hints (an offline run never fetches metadata files).
///
/// The whole entry is validated, but each version's files are only summarised: they
/// are decoded from `bytes` when first asked for ([`VersionFiles::files`]).
pub fn decode(
    bytes: Vec<u8>,
    name: &PackageName,
    with_hints: bool,
) -> Result<CachedPage, DecodeError> {
    let bytes = Arc::new(bytes);
    let mut r = Reader { buf: &bytes };
    if r.take(MAGIC.len())? != MAGIC {
        return Err(DecodeError("not a pinctl page entry".to_owned()));
    }
    let fetched_at = r.u64()?;
    let max_age = match r.u8()? {
        0 => None,
        1 => Some(r.u64()?),
        other => return Err(DecodeError(format!("bad option tag {other}"))),
    };
    let etag = r.opt_str()?.map(str::to_owned);
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
    let tables = Arc::new(Tables {
        requires_python,
        python_ok: tags.iter().map(|t| usable_python_tag(t)).collect(),
        abi_ok: tags.iter().map(|t| usable_abi_tag(t)).collect(),
        tags,
    });
    let mut versions = BTreeMap::new();
    let mut hints = HashMap::new();
    for _ in 0..r.count()? {
        let v = r.str()?;
        let version =
            Version::from_str(v).map_err(|e| DecodeError(format!("version `{v}`: {e}")))?;
        let count = r.count()?;
        let offset = bytes.len() - r.buf.len();
        let summary = scan_files(&mut r, count, &tables, with_hints.then_some(&mut hints))?;
        let lazy = LazyFiles {
            bytes: Arc::clone(&bytes),
            offset,
            count,
            tables: Arc::clone(&tables),
        };
        versions.insert(version, VersionFiles::lazy(summary, lazy));
    }
    if !r.buf.is_empty() {
        return Err(DecodeError(format!("{} trailing bytes", r.buf.len())));
    }
    Ok(CachedPage {
        fetched_at,
        max_age,
        etag,
        versions: PackageVersions {
            name: name.clone(),
            versions,
        },
        hints,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
            hints: [
                ("foo-1.0-py3-none-any.whl".to_owned(), None),
                ("foo-2.0-py3-none-any.whl".to_owned(), Some("cd".repeat(32))),
            ]
            .into(),
        }
    }

    #[test]
    fn round_trip() {
        let page = sample();
        let bytes = encode(&page);
        let name = page.versions.name.clone();
        assert_eq!(decode(bytes.clone(), &name, true).unwrap(), page);
        let without = decode(bytes, &name, false).unwrap();
        assert!(without.hints.is_empty());
        assert_eq!(without.versions, page.versions);
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
        let name = page.versions.name.clone();
        let back = decode(encode(&page), &name, false).unwrap();
        let written: Vec<String> = back
            .versions
            .versions
            .values()
            .flat_map(VersionFiles::files)
            .filter_map(|f| f.requires_python.as_ref().map(ToString::to_string))
            .collect();
        assert!(written.contains(&">=3.7.0".to_owned()), "{written:?}");
        assert!(written.contains(&">=3.7".to_owned()), "{written:?}");
    }

    #[test]
    fn every_truncation_and_the_old_format_are_errors() {
        let page = sample();
        let bytes = encode(&page);
        let name = page.versions.name.clone();
        for len in 0..bytes.len() {
            assert!(
                decode(bytes[..len].to_vec(), &name, true).is_err(),
                "prefix {len}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(longer, &name, true).is_err());
        assert!(decode(b"{\"fetched_at\": 1, \"page\": {}}".to_vec(), &name, true).is_err());
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let page = sample();
        let bytes = encode(&page);
        let name = page.versions.name.clone();
        for i in 0..bytes.len() {
            for value in [0, 1, 2, 0x7f, 0xff] {
                let mut corrupt = bytes.clone();
                corrupt[i] = value;
                // What decodes must also decode its files without panicking.
                if let Ok(page) = decode(corrupt, &name, true) {
                    for files in page.versions.versions.values() {
                        assert_eq!(files.files().len(), files.len());
                    }
                }
            }
        }
    }
}
