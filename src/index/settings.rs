//! [`IndexSettings`]: everything the HTTP index client needs, already resolved from
//! flags, environment and `[tool.pinctl]` by the caller.

use std::path::PathBuf;
use std::time::Duration;

/// The default index (the simple API base).
pub const DEFAULT_INDEX_URL: &str = "https://pypi.org/simple";
/// Requests in flight at once, sized for PyPI.
pub const DEFAULT_CONCURRENCY: usize = 50;
/// Connect and read timeout when `PINCTL_HTTP_TIMEOUT` is not set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Retries after the first attempt.
pub const DEFAULT_RETRIES: u32 = 3;

/// How to reach and cache a package index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSettings {
    /// The simple API base, e.g. `https://pypi.org/simple` (may carry credentials).
    pub url: String,
    pub cache_dir: PathBuf,
    /// Use only the cache; a miss is an error.
    pub offline: bool,
    /// Ignore cached project pages (metadata stays cached: files are immutable).
    pub refresh: bool,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Connect timeout and read timeout (between bytes).
    pub timeout: Duration,
    /// Retries after the first attempt for 5xx, 429 and connection failures.
    pub retries: u32,
    /// Hosts allowed over plain http (loopback always is).
    pub allow_insecure_hosts: Vec<String>,
}

impl IndexSettings {
    /// Settings for `url` with the defaults for everything else.
    pub fn new(url: impl Into<String>, cache_dir: PathBuf) -> Self {
        Self {
            url: url.into(),
            cache_dir,
            offline: false,
            refresh: false,
            concurrency: DEFAULT_CONCURRENCY,
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            allow_insecure_hosts: Vec::new(),
        }
    }

    /// `PINCTL_CACHE_DIR`, else the platform's user cache dir + `pinctl`
    /// (else `.pinctl-cache` in the working directory when there is no home).
    pub fn default_cache_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("PINCTL_CACHE_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        dirs::cache_dir().map_or_else(|| PathBuf::from(".pinctl-cache"), |d| d.join("pinctl"))
    }

    /// A timeout as `PINCTL_HTTP_TIMEOUT` gives it: whole seconds, more than 0.
    pub fn parse_timeout(value: &str) -> Result<Duration, String> {
        value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| {
                format!("invalid `PINCTL_HTTP_TIMEOUT` value `{value}`: expected whole seconds > 0")
            })
    }
}
