//! The on-disk cache: project pages in a binary form and core metadata as JSON, each
//! written atomically and sealed with a checksum; an entry whose checksum, format or
//! contents do not check out is discarded (with a warning) and fetched again.
//!
//! Layout under the cache dir: `simple-v4/<index>/<name>.bin` (parsed project pages
//! with their freshness data, in the binary form of [`super::page_codec`]) and
//! `metadata-v3/<index>/<name>/<version>.json` (parsed core metadata with where it came
//! from, kept forever). Every entry ends in a 16-byte trailer: `pck1`, the CRC-32 of
//! the bytes before the trailer, and their length. Older directories (`simple-v1/` to
//! `simple-v3/`, `metadata-v1/`, `metadata-v2/`: entries without a checksum, or
//! metadata whose source was not recorded) are no longer read.
//! `<index>` is a short hash of the index URL without credentials, so two indexes never
//! mix. Wheels and sdists are not cached.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use pep508_rs::PackageName;

use super::core_metadata::CachedMetadata;
use super::page_codec;

/// The directory (under the cache root) of cached core metadata.
pub const METADATA_DIR: &str = "metadata-v3";

/// The directory (under the cache root) of cached project pages.
pub const PAGES_DIR: &str = "simple-v4";

/// How long a project page without cache headers stays fresh.
pub const DEFAULT_TTL: Duration = Duration::from_mins(10);

pub use super::page_codec::CachedPage;

impl CachedPage {
    /// Whether the entry can be used without asking the server.
    pub fn is_fresh(&self, now: u64) -> bool {
        let ttl = self.max_age.unwrap_or(DEFAULT_TTL.as_secs());
        now.saturating_sub(self.fetched_at) < ttl && now >= self.fetched_at
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Parses `max-age` from a Cache-Control header (`no-cache`/`no-store` mean 0).
pub fn parse_max_age(cache_control: &str) -> Option<u64> {
    let mut max_age = None;
    for directive in cache_control.split(',') {
        let directive = directive.trim().to_ascii_lowercase();
        if directive == "no-cache" || directive == "no-store" {
            return Some(0);
        }
        if let Some(v) = directive.strip_prefix("max-age=") {
            max_age = v.trim_matches('"').parse().ok();
        }
    }
    max_age
}

/// Short hex digest naming an index in cache paths.
pub fn index_key(index_url: &str) -> String {
    let mut key = format!("{:x}", Sha256::digest(index_url.as_bytes()));
    key.truncate(16);
    key
}

/// The cache directory for one index.
#[derive(Debug, Clone)]
pub struct DiskCache {
    root: PathBuf,
    index: String,
}

impl DiskCache {
    /// The cache under `root` for the index at `index_url` (without credentials).
    pub fn new(root: PathBuf, index_url: &str) -> Self {
        Self {
            root,
            index: index_key(index_url),
        }
    }

    /// Where the project page of `name` (normalised) is cached.
    pub fn page_path(&self, name: &str) -> PathBuf {
        self.root
            .join(PAGES_DIR)
            .join(&self.index)
            .join(format!("{name}.bin"))
    }

    /// The names of the projects whose pages are cached for this index.
    pub fn page_names(&self) -> Vec<PackageName> {
        let dir = self.root.join(PAGES_DIR).join(&self.index);
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| {
                let name = entry.ok()?.file_name();
                let stem = name.to_str()?.strip_suffix(".bin")?;
                PackageName::from_str(stem).ok()
            })
            .collect()
    }

    /// Where the metadata of `name` `version` is cached.
    pub fn metadata_path(&self, name: &str, version: &str) -> PathBuf {
        self.root
            .join(METADATA_DIR)
            .join(&self.index)
            .join(name)
            .join(format!("{version}.json"))
    }

    /// The cached page of `name`, if any (a corrupt entry is deleted). Only the page's
    /// version summaries are read now; a version's files when first asked for.
    pub fn read_page(&self, name: &PackageName) -> Option<CachedPage> {
        let path = self.page_path(name.as_ref());
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) => {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::debug!("cannot read cache entry {}: {e}", path.display());
                }
                return None;
            }
        };
        let len = match verify_file(&mut file) {
            Ok(len) => len,
            Err(e) => {
                tracing::warn!("discarding corrupt cache entry {}: {e}", path.display());
                let _ = fs_err::remove_file(&path);
                return None;
            }
        };
        match page_codec::read(file, len, name) {
            Ok(page) => Some(page),
            Err(e) => {
                tracing::warn!("discarding corrupt cache entry {}: {e}", path.display());
                let _ = fs_err::remove_file(&path);
                None
            }
        }
    }

    /// Stores the page of `page.versions.name` atomically.
    pub fn write_page(&self, page: &CachedPage) {
        let path = self.page_path(page.versions.name.as_ref());
        if let Err(e) = write_bytes(&path, page_codec::encode(page)) {
            tracing::warn!("cannot write cache entry {}: {e}", path.display());
        }
    }

    /// The cached metadata of `name` `version`, if any (a corrupt entry is deleted).
    pub fn read_metadata(&self, name: &str, version: &str) -> Option<CachedMetadata> {
        read_json(&self.metadata_path(name, version))
    }

    /// Stores the metadata of `name` `version` atomically.
    pub fn write_metadata(&self, name: &str, version: &str, metadata: &CachedMetadata) {
        write_json(&self.metadata_path(name, version), metadata);
    }

    /// Deletes an entry found to be unusable after deserialising.
    pub fn discard(path: &Path) {
        tracing::warn!("discarding corrupt cache entry {}", path.display());
        let _ = fs_err::remove_file(path);
    }
}

/// The bytes of an entry; `None` if it is missing or unreadable.
fn read_entry(path: &Path) -> Option<Vec<u8>> {
    match fs_err::read(path) {
        Ok(b) => Some(b),
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::debug!("cannot read cache entry: {e}");
            }
            None
        }
    }
}

/// Reads a JSON entry; a missing file gives `None`, a corrupt one is deleted.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = read_entry(path)?;
    let payload = match unseal(&bytes) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::warn!("discarding corrupt cache entry {}: {e}", path.display());
            let _ = fs_err::remove_file(path);
            return None;
        }
    };
    match serde_json::from_slice(payload) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!("discarding corrupt cache entry {}: {e}", path.display());
            let _ = fs_err::remove_file(path);
            None
        }
    }
}

/// Writes a JSON entry through a temp file in the same directory and a rename, so a
/// reader never sees half an entry. Failures are logged: the cache is an optimisation.
pub fn write_json<T: Serialize>(path: &Path, value: &T) {
    if let Err(e) = try_write_json(path, value) {
        tracing::warn!("cannot write cache entry {}: {e}", path.display());
    }
}

fn try_write_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    // Serialise first: writing through serde to an unbuffered file is a syscall a token.
    write_bytes(path, serde_json::to_vec(value)?)
}

/// The first bytes of an entry's trailer (the trailer's format version).
const TRAILER_MAGIC: &[u8; 4] = b"pck1";
/// The trailer: magic, CRC-32 of the payload, payload length.
const TRAILER_LEN: usize = 16;

/// Appends the trailer to `payload`.
fn seal(mut payload: Vec<u8>) -> Vec<u8> {
    let crc = crc32fast::hash(&payload);
    let len = payload.len() as u64;
    payload.extend_from_slice(TRAILER_MAGIC);
    payload.extend_from_slice(&crc.to_le_bytes());
    payload.extend_from_slice(&len.to_le_bytes());
    payload
}

/// Splits a trailer into its CRC and payload length.
fn parse_trailer(trailer: &[u8]) -> Result<(u32, u64), String> {
    let (magic, rest) = trailer.split_at(4);
    if magic != TRAILER_MAGIC {
        return Err("no checksum trailer (an entry of another format, or cut short)".into());
    }
    let (crc, len) = rest.split_at(4);
    let crc = u32::from_le_bytes(crc.try_into().map_err(|_| "bad trailer")?);
    let len = u64::from_le_bytes(len.try_into().map_err(|_| "bad trailer")?);
    Ok((crc, len))
}

/// The payload of a sealed entry, once its length and checksum check out.
pub fn unseal(bytes: &[u8]) -> Result<&[u8], String> {
    let split = bytes
        .len()
        .checked_sub(TRAILER_LEN)
        .ok_or_else(|| format!("{} bytes, too short for an entry", bytes.len()))?;
    let (payload, trailer) = bytes.split_at(split);
    let (crc, len) = parse_trailer(trailer)?;
    if len != payload.len() as u64 {
        return Err(format!(
            "the entry holds {} bytes, its trailer says {len}",
            payload.len()
        ));
    }
    let actual = crc32fast::hash(payload);
    if actual != crc {
        return Err(format!(
            "checksum mismatch (recorded {crc:08x}, computed {actual:08x})"
        ));
    }
    Ok(payload)
}

/// Checks the trailer of the sealed entry in `file` without keeping its bytes; returns
/// the payload length, with the file rewound to its start.
fn verify_file(file: &mut std::fs::File) -> Result<u64, String> {
    use std::io::{Read, Seek, SeekFrom};
    let total = file.metadata().map_err(|e| e.to_string())?.len();
    let payload_len = total
        .checked_sub(TRAILER_LEN as u64)
        .ok_or_else(|| format!("{total} bytes, too short for an entry"))?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0_u8; 256 * 1024];
    let mut left = payload_len;
    while left > 0 {
        let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        file.read_exact(&mut buf[..want])
            .map_err(|e| format!("cannot read the entry: {e}"))?;
        hasher.update(&buf[..want]);
        left -= want as u64;
    }
    let mut trailer = [0_u8; TRAILER_LEN];
    file.read_exact(&mut trailer)
        .map_err(|e| format!("cannot read the entry: {e}"))?;
    let (crc, len) = parse_trailer(&trailer)?;
    if len != payload_len {
        return Err(format!(
            "the entry holds {payload_len} bytes, its trailer says {len}"
        ));
    }
    let actual = hasher.finalize();
    if actual != crc {
        return Err(format!(
            "checksum mismatch (recorded {crc:08x}, computed {actual:08x})"
        ));
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| format!("cannot read the entry: {e}"))?;
    Ok(payload_len)
}

/// Temporary files of cache writes in progress: what [`remove_unfinished_writes`] deletes
/// when the process is interrupted before their writers finish.
static UNFINISHED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Deletes the temporary files of cache writes still in progress (for an interrupted
/// run about to exit: their threads will not get to finish or clean up).
pub fn remove_unfinished_writes() {
    for path in unfinished().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Seals `payload` and writes it through a temp file in the same directory and a rename.
fn write_bytes(path: &Path, payload: Vec<u8>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("cache path has no parent"))?;
    fs_err::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".pinctl-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let temp_path = tmp.path().to_path_buf();
    unfinished().push(temp_path.clone());
    let written = std::io::Write::write_all(&mut tmp, &seal(payload))
        .and_then(|()| tmp.persist(path).map(drop).map_err(|e| e.error));
    unfinished().retain(|p| *p != temp_path);
    written
}

/// Total size in bytes of the files under `dir` (0 if it does not exist).
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn page() -> CachedPage {
        page_codec::tests::sample()
    }

    #[test]
    fn round_trip_and_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().to_path_buf(), "https://example.com/simple/");
        let foo = PackageName::from_str("foo").unwrap();
        assert!(cache.read_page(&foo).is_none());
        cache.write_page(&page());
        assert!(
            cache
                .page_path("foo")
                .starts_with(dir.path().join("simple-v4"))
        );
        assert_eq!(cache.read_page(&foo), Some(page()));
        // No temp files left beside the entry.
        let siblings = fs_err::read_dir(cache.page_path("foo").parent().unwrap())
            .unwrap()
            .count();
        assert_eq!(siblings, 1);
        // A corrupt entry is reported as a miss and deleted.
        let bytes = fs_err::read(cache.page_path("foo")).unwrap();
        fs_err::write(cache.page_path("foo"), &bytes[..bytes.len() / 2]).unwrap();
        assert!(cache.read_page(&foo).is_none());
        assert!(!cache.page_path("foo").exists());
        // So is an entry in another format.
        fs_err::write(cache.page_path("foo"), b"{\"fetched_at\": 1, \"page\": {}}").unwrap();
        assert!(cache.read_page(&foo).is_none());
        assert!(!cache.page_path("foo").exists());
        // Another index does not see the entry.
        cache.write_page(&page());
        let other = DiskCache::new(dir.path().to_path_buf(), "https://other.example/simple/");
        assert!(other.read_page(&foo).is_none());
        // The cached names, for "did you mean", are this index's only.
        assert_eq!(cache.page_names(), std::slice::from_ref(&foo));
        assert!(other.page_names().is_empty());
        assert!(dir_size(dir.path()) > 0);
    }

    #[test]
    fn old_format_entries_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().to_path_buf(), "https://example.com/simple/");
        let index_dir = cache
            .page_path("foo")
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_owned();
        let old = dir
            .path()
            .join("simple-v1")
            .join(index_dir)
            .join("foo.json");
        fs_err::create_dir_all(old.parent().unwrap()).unwrap();
        fs_err::write(
            &old,
            b"{\"fetched_at\": 1, \"max_age\": null, \"etag\": null, \"page\": {\"files\": []}}",
        )
        .unwrap();
        assert!(
            cache
                .read_page(&PackageName::from_str("foo").unwrap())
                .is_none()
        );
        assert!(
            old.exists(),
            "the old entry is left for `pinctl cache clean`"
        );
    }

    #[test]
    fn freshness() {
        let mut p = page();
        p.max_age = None;
        assert!(p.is_fresh(1000 + 599));
        assert!(!p.is_fresh(1000 + 600));
        assert!(!p.is_fresh(10), "clock went backwards");
        p.max_age = Some(0);
        assert!(!p.is_fresh(1000));
        assert_eq!(parse_max_age("public, max-age=300"), Some(300));
        assert_eq!(parse_max_age("max-age=300, no-cache"), Some(0));
        assert_eq!(parse_max_age("public"), None);
    }
}
