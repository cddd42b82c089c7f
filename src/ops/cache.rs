//! `cache clean`: remove the entries pinctl writes under the cache directory, and the
//! probe `lock` uses to say once that the cache cannot be written.
//!
//! `clean` removes only pinctl's own entries (`simple-v4/`, `metadata-v3/`, and the
//! older `simple-v1/` to `simple-v3/`, `metadata-v1/` and `metadata-v2/`), then the
//! directory itself if that left it empty, so a mistyped `--cache-dir` cannot wipe an
//! unrelated directory.

use std::path::Path;

use crate::diagnostic::{Context as _, Result};
use crate::index::cache::dir_size;

/// The directories pinctl creates inside the cache dir.
const ENTRIES: &[&str] = &[
    "simple-v1",
    "simple-v2",
    "simple-v3",
    "simple-v4",
    "metadata-v1",
    "metadata-v2",
    "metadata-v3",
];

/// What [`cache_clean`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheClean {
    pub existed: bool,
    pub bytes: u64,
}

/// Removes pinctl's entries under `dir` (and `dir` itself when left empty).
pub fn cache_clean(dir: &Path) -> Result<CacheClean> {
    if !dir.exists() {
        return Ok(CacheClean {
            existed: false,
            bytes: 0,
        });
    }
    let mut bytes = 0;
    for entry in ENTRIES {
        let path = dir.join(entry);
        if path.exists() {
            bytes += dir_size(&path);
            fs_err::remove_dir_all(&path).context("cannot clean the cache")?;
        }
    }
    let empty = fs_err::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
    if empty {
        fs_err::remove_dir(dir).context("cannot remove the cache directory")?;
    }
    Ok(CacheClean {
        existed: true,
        bytes,
    })
}

/// Whether a file can be created in `dir` (made if missing): the cache is best effort,
/// so each failed entry is otherwise only a `-v` line.
pub(super) fn probe_writable(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    tempfile::Builder::new()
        .prefix(".probe-")
        .tempfile_in(dir)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_only_pinctl_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        fs_err::create_dir_all(cache.join("simple-v1/abc")).unwrap();
        fs_err::write(cache.join("simple-v1/abc/django.json"), b"{}").unwrap();
        fs_err::create_dir_all(cache.join("simple-v2/abc")).unwrap();
        fs_err::write(cache.join("simple-v2/abc/django.bin"), b"pin").unwrap();
        fs_err::create_dir_all(cache.join("simple-v3/abc")).unwrap();
        fs_err::write(cache.join("simple-v3/abc/django.bin"), b"pinctl").unwrap();
        fs_err::create_dir_all(cache.join("metadata-v1")).unwrap();
        fs_err::create_dir_all(cache.join("metadata-v2/abc/django")).unwrap();
        fs_err::write(cache.join("metadata-v2/abc/django/5.0.json"), b"{}").unwrap();
        let removed = cache_clean(&cache).unwrap();
        assert_eq!(
            removed,
            CacheClean {
                existed: true,
                bytes: 13
            }
        );
        assert!(!cache.exists());

        fs_err::create_dir_all(cache.join("metadata-v1")).unwrap();
        fs_err::write(cache.join("precious.txt"), b"keep").unwrap();
        cache_clean(&cache).unwrap();
        assert!(cache.join("precious.txt").exists());
        assert!(!cache.join("metadata-v1").exists());

        assert!(!cache_clean(&dir.path().join("missing")).unwrap().existed);
    }
}
