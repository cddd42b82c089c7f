//! The on-disk cache: JSON entries written atomically, corrupt entries discarded.
//!
//! Layout under the cache dir: `simple-v1/<index>/<name>.json` (parsed project pages
//! with their freshness data) and `metadata-v1/<index>/<name>/<version>.json` (parsed
//! core metadata, kept forever). `<index>` is a short hash of the index URL without
//! credentials, so two indexes never mix. Wheels and sdists are not cached.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::core_metadata::CachedMetadata;
use super::simple::SimplePage;

/// How long a project page without cache headers stays fresh.
pub const DEFAULT_TTL: Duration = Duration::from_mins(10);

/// A cached project page with what is needed to decide whether it is fresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedPage {
    /// Seconds since the Unix epoch when the page was fetched or revalidated.
    pub fetched_at: u64,
    /// `Cache-Control: max-age`, when sent (0 for `no-cache`/`no-store`).
    pub max_age: Option<u64>,
    pub etag: Option<String>,
    pub page: SimplePage,
}

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
    let digest = Sha256::digest(index_url.as_bytes());
    digest[..8].iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
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
            .join("simple-v1")
            .join(&self.index)
            .join(format!("{name}.json"))
    }

    /// Where the metadata of `name` `version` is cached.
    pub fn metadata_path(&self, name: &str, version: &str) -> PathBuf {
        self.root
            .join("metadata-v1")
            .join(&self.index)
            .join(name)
            .join(format!("{version}.json"))
    }

    /// The cached page of `name`, if any (a corrupt entry is deleted).
    pub fn read_page(&self, name: &str) -> Option<CachedPage> {
        read_json(&self.page_path(name))
    }

    /// Stores the page of `name` atomically.
    pub fn write_page(&self, name: &str, page: &CachedPage) {
        write_json(&self.page_path(name), page);
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

/// Reads a JSON entry; a missing file gives `None`, a corrupt one is deleted.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = match fs_err::read(path) {
        Ok(b) => b,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::debug!("cannot read cache entry: {e}");
            }
            return None;
        }
    };
    match serde_json::from_slice(&bytes) {
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
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("cache path has no parent"))?;
    fs_err::create_dir_all(dir)?;
    // Serialise first: writing through serde to an unbuffered file is a syscall a token.
    let bytes = serde_json::to_vec(value)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
    use crate::index::simple::PageFile;

    fn page() -> CachedPage {
        CachedPage {
            fetched_at: 1000,
            max_age: None,
            etag: Some("\"abc\"".into()),
            page: SimplePage {
                files: vec![PageFile {
                    filename: "foo-1.0.tar.gz".into(),
                    url: "https://example.com/foo-1.0.tar.gz".into(),
                    hashes: [("sha256".to_owned(), "ab".to_owned())].into(),
                    size: Some(3),
                    upload_time: None,
                    requires_python: Some(">=3.8".into()),
                    yanked: false,
                    yanked_reason: None,
                    core_metadata: false,
                    core_metadata_sha256: None,
                }],
            },
        }
    }

    #[test]
    fn round_trip_and_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().to_path_buf(), "https://example.com/simple/");
        assert!(cache.read_page("foo").is_none());
        cache.write_page("foo", &page());
        assert_eq!(cache.read_page("foo"), Some(page()));
        // No temp files left beside the entry.
        let siblings = fs_err::read_dir(cache.page_path("foo").parent().unwrap())
            .unwrap()
            .count();
        assert_eq!(siblings, 1);
        // A corrupt entry is reported as a miss and deleted.
        fs_err::write(cache.page_path("foo"), b"{\"fetched_at\": 1, \"pag").unwrap();
        assert!(cache.read_page("foo").is_none());
        assert!(!cache.page_path("foo").exists());
        // Another index does not see the entry.
        cache.write_page("foo", &page());
        let other = DiskCache::new(dir.path().to_path_buf(), "https://other.example/simple/");
        assert!(other.read_page("foo").is_none());
        assert!(dir_size(dir.path()) > 0);
    }

    #[test]
    fn freshness() {
        let mut p = page();
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
