//! `pinctl cache dir` and `pinctl cache clean`: show or clear the index cache.
//!
//! `clean` removes only the entries pinctl writes (`simple-v3/`, `metadata-v2/`, and the
//! older `simple-v1/`, `simple-v2/` and `metadata-v1/`), then the directory itself if
//! that left it empty, so a mistyped `--cache-dir` cannot wipe an unrelated directory.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::cli::{CacheArgs, CacheCommand, CacheCommandArgs};
use crate::commands::ExitStatus;
use crate::index::IndexSettings;
use crate::index::cache::dir_size;
use crate::printer::Printer;

/// The directories pinctl creates inside the cache dir.
const ENTRIES: &[&str] = &[
    "simple-v1",
    "simple-v2",
    "simple-v3",
    "metadata-v1",
    "metadata-v2",
];

/// The cache directory `args` select (flag or `PINCTL_CACHE_DIR`, else the default).
pub fn cache_dir(args: &CacheArgs) -> PathBuf {
    let CacheArgs { cache_dir } = args;
    cache_dir
        .clone()
        .unwrap_or_else(IndexSettings::default_cache_dir)
}

/// Runs `pinctl cache dir` or `pinctl cache clean`.
pub fn run(args: &CacheCommandArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let CacheCommandArgs { command } = args;
    match command {
        CacheCommand::Dir(cache) => {
            printer.data(&format!("{}\n", cache_dir(cache).display()))?;
        }
        CacheCommand::Clean(cache) => {
            let dir = cache_dir(cache);
            let removed = clean(&dir)?;
            if removed.existed {
                printer.info(&format!(
                    "Removed {} from {}",
                    human_bytes(removed.bytes),
                    dir.display()
                ));
            } else {
                printer.info(&format!(
                    "Nothing to clean: {} does not exist",
                    dir.display()
                ));
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// What [`clean`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cleaned {
    pub existed: bool,
    pub bytes: u64,
}

/// Removes pinctl's entries under `dir` (and `dir` itself when left empty).
pub fn clean(dir: &Path) -> anyhow::Result<Cleaned> {
    if !dir.exists() {
        return Ok(Cleaned {
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
    Ok(Cleaned {
        existed: true,
        bytes,
    })
}

/// `1.2 MiB` style sizes.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
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
        let removed = clean(&cache).unwrap();
        assert_eq!(
            removed,
            Cleaned {
                existed: true,
                bytes: 13
            }
        );
        assert!(!cache.exists());

        fs_err::create_dir_all(cache.join("metadata-v1")).unwrap();
        fs_err::write(cache.join("precious.txt"), b"keep").unwrap();
        clean(&cache).unwrap();
        assert!(cache.join("precious.txt").exists());
        assert!(!cache.join("metadata-v1").exists());

        assert!(!clean(&dir.path().join("missing")).unwrap().existed);
    }

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
