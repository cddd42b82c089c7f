//! [`HttpIndex`]: the [`PackageIndex`] that talks to a PEP 503/691 index over HTTP.
//!
//! Owns the network policy (one shared client, a semaphore bounding requests in flight,
//! retries with backoff, credentials only for the index host), the metadata strategy
//! (PEP 658 sidecar, then range requests into the wheel, then the whole wheel; static
//! sdist metadata), hash verification, and the use of the disk cache and the
//! in-process memo. Never runs package code; never logs credentials.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures::future::BoxFuture;
use pep440_rs::Version;
use pep508_rs::PackageName;
use reqwest::header::{self, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

use super::auth::{self, Credentials, redact};
use super::cache::{CachedPage, DiskCache, now_secs, parse_max_age};
use super::core_metadata::{CachedMetadata, MetadataSource};
use super::retry::{backoff, is_retryable_status, parse_retry_after};
use super::settings::IndexSettings;
use super::simple::{self, SimplePage};
use super::{ConfirmError, IndexError, Metadata, MetadataMismatch, PackageIndex, PackageVersions};
use crate::reporter::Reporter;
use dist::pick_wheel;

mod dist;

/// Largest project page accepted.
pub const MAX_PAGE: u64 = 64 * 1024 * 1024;
/// Largest `.metadata` file accepted.
pub const MAX_METADATA: u64 = 16 * 1024 * 1024;
/// Largest wheel or sdist downloaded to read its metadata.
pub const MAX_DOWNLOAD: u64 = 500 * 1024 * 1024;
/// How long a request waits for the first request to its origin to be answered (so that
/// it can share that connection) before it opens its own.
const GATE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// Unadvertised `.metadata` sidecars that must 404 (with none found) before pinctl stops
/// trying them on an index.
const SIDECAR_GIVE_UP: u64 = 3;

/// Counters of what the client did (for `-v` summaries and benchmarks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// HTTP requests sent (every attempt counts).
    pub requests: u64,
    /// Response body bytes received.
    pub bytes: u64,
    /// Answers served from the disk cache.
    pub cache_hits: u64,
}

/// The cache entry for a freshly fetched page.
fn cache_entry(
    name: &PackageName,
    page: SimplePage,
    max_age: Option<u64>,
    etag: Option<String>,
) -> CachedPage {
    CachedPage {
        fetched_at: now_secs(),
        max_age,
        etag,
        versions: simple::into_versions(name, page),
    }
}

type Memo<K, V> = Mutex<HashMap<K, Arc<OnceCell<Arc<V>>>>>;

struct Inner {
    settings: IndexSettings,
    /// The index base without credentials, ending in `/`.
    base: Url,
    credentials: Option<Credentials>,
    /// Built on first use: loading the TLS roots takes milliseconds an offline run or a
    /// run served from the cache does not need to spend.
    client: std::sync::OnceLock<Result<reqwest::Client, String>>,
    permits: Semaphore,
    reporter: Arc<dyn Reporter>,
    cache: DiskCache,
    pages: Memo<PackageName, PackageVersions>,
    metadata: Memo<(PackageName, Version), Metadata>,
    /// Where each version's metadata in `metadata` came from.
    sources: Mutex<HashMap<(PackageName, Version), MetadataSource>>,
    requests: AtomicU64,
    bytes: AtomicU64,
    cache_hits: AtomicU64,
    /// Unadvertised `.metadata` sidecars that answered 200 / 404: once several have
    /// failed and none worked, unadvertised sidecars are no longer tried.
    sidecar_hits: AtomicU64,
    sidecar_misses: AtomicU64,
    /// Per origin: whether a connection has answered yet (see [`HttpIndex::attempt`]).
    origins: Mutex<HashMap<String, Arc<tokio::sync::Mutex<bool>>>>,
}

/// A package index reached over HTTP, with a disk cache. Cheap to clone.
#[derive(Clone)]
pub struct HttpIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpIndex")
            .field("url", &self.inner.base.as_str())
            .finish_non_exhaustive()
    }
}

/// Where a response body goes.
enum Sink {
    Memory(Vec<u8>),
    File(File),
}

/// A response whose body was read (or skipped, for statuses the caller does not read).
struct Fetched {
    status: u16,
    headers: HeaderMap,
    final_url: Url,
    body: Vec<u8>,
    /// For downloads to a file: the file and its sha256.
    file: Option<(File, String)>,
    len: u64,
}

/// One request to make (and possibly retry).
struct Request<'a> {
    url: &'a Url,
    what: &'a str,
    headers: HeaderMap,
    limit: u64,
    /// A range request: a plain 200 is returned without reading its body.
    range: bool,
    to_file: bool,
}

enum AttemptError {
    /// Worth retrying: a connection reset, a truncated body.
    Transient(String),
    /// Worth retrying: no answer in time.
    Timeout(String),
    /// Worth retrying: a 429 or 5xx status.
    Status(u16),
    /// Worth retrying: a 200 whose body is not what was asked for (a hash mismatch, a
    /// page that is not a project page); after the last attempt, this error.
    Invalid(IndexError),
    /// Not worth retrying.
    Fatal(IndexError),
}

impl std::fmt::Display for AttemptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttemptError::Transient(reason) | AttemptError::Timeout(reason) => f.write_str(reason),
            AttemptError::Status(code) => f.write_str(&status_text(*code)),
            AttemptError::Invalid(error) | AttemptError::Fatal(error) => error.fmt(f),
        }
    }
}

/// A response pinctl will not read (too large), not worth retrying.
fn fatal(req: &Request<'_>, fetched: &Fetched, reason: &str) -> AttemptError {
    let url = redact(req.url.as_str());
    AttemptError::Fatal(IndexError::BadBody {
        message: format!("failed to fetch {url}: {reason}"),
        url,
        content_type: fetched
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        first_bytes: String::new(),
    })
}

/// A failure on this machine while fetching (a temporary file), not worth retrying.
fn local_failure(req: &Request<'_>, reason: &str) -> AttemptError {
    AttemptError::Fatal(IndexError::Internal(format!(
        "failed to fetch {}: {reason}",
        redact(req.url.as_str())
    )))
}

/// A transport failure of `err`, told apart by kind.
fn transient(err: &reqwest::Error) -> AttemptError {
    if err.is_timeout() {
        AttemptError::Timeout(describe(err))
    } else {
        AttemptError::Transient(describe(err))
    }
}

fn status_text(status: u16) -> String {
    reqwest::StatusCode::from_u16(status).map_or_else(
        |_| status.to_string(),
        |s| {
            format!("{} {}", s.as_u16(), s.canonical_reason().unwrap_or(""))
                .trim()
                .to_owned()
        },
    )
}

/// Describes a reqwest error without its URL (we add the redacted one ourselves).
fn describe(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut msg = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "connection failed".to_owned()
    } else if err.is_body() || err.is_decode() {
        "connection broken while reading the body".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn verify_sha256(url: &Url, expected: Option<&str>, actual: &str) -> Result<(), IndexError> {
    match expected {
        Some(expected) if !expected.eq_ignore_ascii_case(actual) => Err(IndexError::HashMismatch {
            url: redact(url.as_str()),
            expected: expected.to_owned(),
            actual: actual.to_owned(),
        }),
        _ => Ok(()),
    }
}

impl HttpIndex {
    /// A client for `settings.url`. Fails on an invalid URL or a refused plain-http host.
    pub fn new(settings: IndexSettings, reporter: Arc<dyn Reporter>) -> Result<Self, IndexError> {
        let mut url = Url::parse(&settings.url).map_err(|e| IndexError::InvalidUrl {
            what: "index URL",
            url: redact(&settings.url),
            reason: e.to_string(),
        })?;
        auth::check_transport(&url, &settings.allow_insecure_hosts)?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_fragment(None);
        url.set_query(None);
        let (base, mut credentials) = auth::split_credentials(&url);
        if credentials.is_none()
            && let (Some(path), Some(host)) = (auth::netrc_path(), base.host_str())
        {
            credentials = auth::netrc_credentials(&path, host);
        }
        let cache = DiskCache::new(settings.cache_dir.clone(), base.as_str());
        let permits = Semaphore::new(settings.concurrency.max(1));
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                base,
                credentials,
                client: std::sync::OnceLock::new(),
                permits,
                reporter,
                cache,
                pages: Mutex::default(),
                metadata: Mutex::default(),
                sources: Mutex::default(),
                requests: AtomicU64::new(0),
                bytes: AtomicU64::new(0),
                cache_hits: AtomicU64::new(0),
                sidecar_hits: AtomicU64::new(0),
                sidecar_misses: AtomicU64::new(0),
                origins: Mutex::default(),
            }),
        })
    }

    /// The HTTP client, built on first use.
    fn client(&self) -> Result<&reqwest::Client, String> {
        let timeout = self.inner.settings.timeout;
        self.inner
            .client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .user_agent(concat!("pinctl/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(timeout)
                    .read_timeout(timeout)
                    // Many project pages (megabytes each) share one HTTP/2 connection: the
                    // default flow-control windows would cap its throughput.
                    .http2_initial_stream_window_size(16 * 1024 * 1024)
                    .http2_initial_connection_window_size(64 * 1024 * 1024)
                    .build()
                    .map_err(|e| format!("cannot set up the HTTP client: {}", describe(&e)))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// What the client has done so far.
    pub fn stats(&self) -> RequestStats {
        RequestStats {
            requests: self.inner.requests.load(Ordering::Relaxed),
            bytes: self.inner.bytes.load(Ordering::Relaxed),
            cache_hits: self.inner.cache_hits.load(Ordering::Relaxed),
        }
    }

    fn cell<K: std::hash::Hash + Eq + Clone, V>(
        memo: &Memo<K, V>,
        key: &K,
    ) -> Arc<OnceCell<Arc<V>>> {
        let mut map = memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(key.clone()).or_default().clone()
    }

    /// Credentials go only to the index's own scheme, host and port.
    fn credentials_for(&self, url: &Url) -> Option<&Credentials> {
        let base = &self.inner.base;
        let same = url.scheme() == base.scheme()
            && url.host_str().map(str::to_ascii_lowercase)
                == base.host_str().map(str::to_ascii_lowercase)
            && url.port_or_known_default() == base.port_or_known_default();
        if same {
            self.inner.credentials.as_ref()
        } else {
            None
        }
    }

    /// Sends `req`, retrying transient failures; returns the last response otherwise.
    async fn fetch(&self, req: &Request<'_>) -> Result<Fetched, IndexError> {
        self.fetch_checked(req, &|_| Ok(())).await
    }

    /// [`Self::fetch`], where a response that `check` refuses is retried like a transient
    /// failure (with backoff), and after the last attempt is that error.
    async fn fetch_checked(
        &self,
        req: &Request<'_>,
        check: &(dyn Fn(&Fetched) -> Result<(), IndexError> + Sync),
    ) -> Result<Fetched, IndexError> {
        let inner = &self.inner;
        auth::check_transport(req.url, &inner.settings.allow_insecure_hosts)?;
        let started = Instant::now();
        let retries = inner.settings.retries;
        let mut attempt = 0;
        let mut timeouts: u32 = 0;
        loop {
            let outcome = {
                let _permit = inner
                    .permits
                    .acquire()
                    .await
                    .map_err(|e| IndexError::Internal(format!("request pool closed: {e}")))?;
                inner.requests.fetch_add(1, Ordering::Relaxed);
                // Done when dropped: a request given up half-way (the loser of a race
                // between a metadata file and a range read) is no longer in flight.
                let _in_flight = InFlight::start(inner.reporter.as_ref(), req.what);
                self.attempt(req).await
            };
            let url = || redact(req.url.as_str());
            let (failure, retry_after) = match outcome {
                Ok(f) if is_retryable_status(f.status) => {
                    let after = f
                        .headers
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after);
                    (AttemptError::Status(f.status), after)
                }
                Ok(f) => match check(&f) {
                    Ok(()) => return Ok(f),
                    Err(invalid) => (AttemptError::Invalid(invalid), None),
                },
                Err(AttemptError::Fatal(error)) => return Err(error),
                Err(transient) => (transient, None),
            };
            // A second timeout in a row is final: an index that does not answer at all
            // would otherwise cost `retries + 1` timeouts per request.
            let timed_out = matches!(failure, AttemptError::Timeout(_));
            if attempt >= retries || (timed_out && timeouts >= 1) {
                let seconds = started.elapsed().as_secs_f64();
                return Err(match failure {
                    AttemptError::Status(code) => IndexError::HttpStatus {
                        url: url(),
                        code,
                        status: status_text(code),
                        retries: attempt,
                        seconds,
                    },
                    AttemptError::Timeout(reason) => IndexError::Timeout {
                        url: url(),
                        reason,
                        retries: attempt,
                        seconds,
                    },
                    AttemptError::Transient(reason) => IndexError::Connection {
                        url: url(),
                        reason,
                        retries: attempt,
                        seconds,
                    },
                    AttemptError::Invalid(error) | AttemptError::Fatal(error) => error,
                });
            }
            let reason = failure.to_string();
            let wait = backoff(attempt, retry_after, fastrand::f64());
            tracing::debug!(
                "retrying {} in {:.2}s after: {reason}",
                redact(req.url.as_str()),
                wait.as_secs_f64()
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
            timeouts += u32::from(timed_out);
        }
    }

    /// One attempt: send, then read the body for statuses the caller uses.
    async fn attempt(&self, req: &Request<'_>) -> Result<Fetched, AttemptError> {
        let mut builder = self
            .client()
            .map_err(|reason| local_failure(req, &reason))?
            .get(req.url.clone())
            .headers(req.headers.clone());
        if let Some(c) = self.credentials_for(req.url) {
            builder = builder.basic_auth(&c.username, c.password.as_deref());
        }
        // Until a first request to an origin has been answered, later ones wait: the
        // client cannot know before the handshake that the server speaks HTTP/2, and
        // would otherwise open (and resolve DNS for) one connection per request.
        let started = Instant::now();
        let gate = {
            let mut origins = self
                .inner
                .origins
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            origins
                .entry(req.url.origin().ascii_serialization())
                .or_default()
                .clone()
        };
        // Waiting is bounded: behind a first request that hangs, the others go ahead
        // (each with its own timeout) instead of queueing one timeout after another.
        let guard = tokio::time::timeout(GATE_WAIT, gate.lock()).await.ok();
        // Hold the gate across `send` only while no answer has come back yet.
        let mut first = guard.filter(|answered| !**answered);
        let sent = builder.send().await;
        // Any outcome opens the gate: after a failure, waiting gains nothing.
        if let Some(answered) = first.as_mut() {
            **answered = true;
        }
        drop(first);
        let mut response = sent.map_err(|e| transient(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let final_url = response.url().clone();
        let read_body = matches!(status, 200 | 206) && !(req.range && status == 200);
        let mut fetched = Fetched {
            status,
            headers,
            final_url,
            body: Vec::new(),
            file: None,
            len: 0,
        };
        if !read_body {
            tracing::debug!(
                "GET {} -> {status} in {:.0?}",
                redact(req.url.as_str()),
                started.elapsed()
            );
            return Ok(fetched);
        }
        if let Some(len) = response.content_length().filter(|&l| l > req.limit) {
            return Err(fatal(
                req,
                &fetched,
                &format!(
                    "the response is {len} bytes, more than the limit of {}",
                    req.limit
                ),
            ));
        }
        let mut sink =
            if req.to_file {
                Sink::File(tempfile::tempfile().map_err(|e| {
                    local_failure(req, &format!("cannot create a temporary file: {e}"))
                })?)
            } else {
                Sink::Memory(Vec::new())
            };
        let mut hasher = Sha256::new();
        let mut len: u64 = 0;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => {
                    self.inner.bytes.fetch_add(len, Ordering::Relaxed);
                    return Err(transient(&e));
                }
            };
            len += chunk.len() as u64;
            if len > req.limit {
                self.inner.bytes.fetch_add(len, Ordering::Relaxed);
                return Err(fatal(
                    req,
                    &fetched,
                    &format!(
                        "the response is larger than the limit of {} bytes",
                        req.limit
                    ),
                ));
            }
            match &mut sink {
                Sink::Memory(buf) => buf.extend_from_slice(&chunk),
                Sink::File(file) => {
                    hasher.update(&chunk);
                    file.write_all(&chunk).map_err(|e| {
                        local_failure(req, &format!("cannot write a temporary file: {e}"))
                    })?;
                }
            }
        }
        self.inner.bytes.fetch_add(len, Ordering::Relaxed);
        tracing::debug!(
            "GET {} -> {status}, {len} bytes in {:.0?}",
            redact(req.url.as_str()),
            started.elapsed()
        );
        fetched.len = len;
        match sink {
            Sink::Memory(buf) => fetched.body = buf,
            Sink::File(mut file) => {
                file.seek(SeekFrom::Start(0)).map_err(|e| {
                    local_failure(req, &format!("cannot rewind a temporary file: {e}"))
                })?;
                fetched.file = Some((file, format!("{:x}", hasher.finalize())));
            }
        }
        Ok(fetched)
    }

    fn status_error(url: &Url, status: u16) -> IndexError {
        IndexError::HttpStatus {
            url: redact(url.as_str()),
            code: status,
            status: status_text(status),
            retries: 0,
            seconds: 0.0,
        }
    }

    async fn page(&self, name: &PackageName) -> Result<Arc<PackageVersions>, IndexError> {
        let cell = Self::cell(&self.inner.pages, name);
        cell.get_or_try_init(|| self.load_page(name)).await.cloned()
    }

    fn page_from_cache(&self, cached: CachedPage) -> Arc<PackageVersions> {
        self.inner.cache_hits.fetch_add(1, Ordering::Relaxed);
        Arc::new(cached.versions)
    }

    async fn load_page(&self, name: &PackageName) -> Result<Arc<PackageVersions>, IndexError> {
        let inner = &self.inner;
        let key = name.to_string();
        let cached = {
            let (cache, name) = (inner.cache.clone(), name.clone());
            blocking(move || Ok(cache.read_page(&name))).await?
        };
        if inner.settings.offline {
            return match cached {
                Some(c) => Ok(self.page_from_cache(c)),
                None => Err(IndexError::Offline {
                    what: name.to_string(),
                }),
            };
        }
        let cached = match cached.filter(|_| !inner.settings.refresh) {
            Some(c) if c.is_fresh(now_secs()) => return Ok(self.page_from_cache(c)),
            other => other,
        };
        let url = inner
            .base
            .join(&format!("{name}/"))
            .map_err(|e| IndexError::InvalidUrl {
                what: "project URL",
                url: format!("{}{name}/", redact(inner.base.as_str())),
                reason: e.to_string(),
            })?;
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(simple::ACCEPT));
        if let Some(etag) = cached.as_ref().and_then(|c| c.etag.as_deref())
            && let Ok(v) = HeaderValue::from_str(etag)
        {
            headers.insert(header::IF_NONE_MATCH, v);
        }
        // A 200 that is not a project page (a captive portal, an error object, a body
        // cut short) is asked for again, like a 5xx, and never cached.
        let retries = inner.settings.retries;
        let mut attempt = 0;
        let (fetched, page) = loop {
            let mut fetched = self
                .fetch(&Request {
                    url: &url,
                    what: &key,
                    headers: headers.clone(),
                    limit: MAX_PAGE,
                    range: false,
                    to_file: false,
                })
                .await?;
            if fetched.status != 200 {
                break (fetched, None);
            }
            let (body, final_url) = (std::mem::take(&mut fetched.body), fetched.final_url.clone());
            let content_type = fetched
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match blocking(move || parse_page(&body, &final_url, content_type.as_deref())).await {
                Ok(page) => break (fetched, Some(page)),
                Err(e) if attempt < retries => {
                    let wait = backoff(attempt, None, fastrand::f64());
                    tracing::debug!("retrying in {:.2}s after: {e}", wait.as_secs_f64());
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        };
        let header_str = |h: header::HeaderName| {
            fetched
                .headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let max_age = header_str(header::CACHE_CONTROL).and_then(|c| parse_max_age(&c));
        let etag = header_str(header::ETAG);
        let revalidated = match fetched.status {
            304 => match cached {
                Some(c) => Some(c),
                None => return Err(Self::status_error(&url, 304)),
            },
            404 => {
                return Err(IndexError::NotFound {
                    name: name.clone(),
                    url: Some(redact(url.as_str())),
                });
            }
            200 => None,
            other => return Err(Self::status_error(&url, other)),
        };
        // Building and writing the cache entry is CPU and disk work: keep it off the
        // async workers.
        let (cache, name) = (inner.cache.clone(), name.clone());
        blocking(move || {
            let entry = match (revalidated, page) {
                (Some(mut entry), _) => {
                    entry.fetched_at = now_secs();
                    entry.max_age = max_age;
                    entry.etag = etag.or(entry.etag);
                    entry
                }
                (None, Some(page)) => cache_entry(&name, page, max_age, etag),
                (None, None) => {
                    return Err(IndexError::Internal(format!("no page parsed for `{name}`")));
                }
            };
            cache.write_page(&entry);
            Ok(Arc::new(entry.versions))
        })
        .await
    }

    async fn load_metadata(
        &self,
        name: &PackageName,
        version: &Version,
    ) -> Result<Arc<Metadata>, IndexError> {
        let inner = &self.inner;
        let (key_name, key_version) = (name.to_string(), version.to_string());
        if let Some(cached) = inner.cache.read_metadata(&key_name, &key_version) {
            match cached.to_metadata() {
                Ok(m) => {
                    inner.cache_hits.fetch_add(1, Ordering::Relaxed);
                    self.note_source(name, version, cached.source);
                    return Ok(Arc::new(m));
                }
                Err(e) => {
                    tracing::warn!("{e}");
                    DiskCache::discard(&inner.cache.metadata_path(&key_name, &key_version));
                }
            }
        }
        if inner.settings.offline {
            return Err(IndexError::Offline {
                what: format!("{name} {version}"),
            });
        }
        let page = self.page(name).await?;
        let files = page
            .versions
            .get(version)
            .ok_or_else(|| IndexError::NoSuchVersion {
                name: name.clone(),
                version: version.clone(),
                index: redact(inner.base.as_str()),
            })?;
        let (mut metadata, source) = if let Some(wheel) = pick_wheel(files.files()) {
            self.wheel_metadata(name, version, wheel).await?
        } else {
            let sdist = files
                .files()
                .iter()
                .find(|f| f.filename.to_ascii_lowercase().ends_with(".tar.gz"))
                .or_else(|| files.files().first())
                .ok_or_else(|| IndexError::NoFiles {
                    name: name.clone(),
                    version: version.clone(),
                })?;
            (
                self.sdist_metadata(name, version, sdist).await?,
                MetadataSource::Sdist,
            )
        };
        if metadata.name != *name || metadata.version != *version {
            tracing::warn!(
                "the metadata of `{name}` {version} names `{}` {}; using the requested name and version",
                metadata.name,
                metadata.version
            );
            metadata.name = name.clone();
            metadata.version = version.clone();
        }
        self.note_source(name, version, source);
        inner.cache.write_metadata(
            &key_name,
            &key_version,
            &CachedMetadata::new(&metadata, source),
        );
        Ok(Arc::new(metadata))
    }

    /// Remembers where the metadata of `name` `version` came from, for
    /// [`PackageIndex::confirm_metadata`].
    fn note_source(&self, name: &PackageName, version: &Version, source: MetadataSource) {
        self.inner
            .sources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((name.clone(), version.clone()), source);
    }

    /// Compares the unconfirmed `.metadata` hint of `name` `version` with the wheel's
    /// own METADATA; `Some` when they differ (the wheel's then replaces the hint).
    async fn confirm_one(
        &self,
        name: &PackageName,
        version: &Version,
    ) -> Result<Option<MetadataMismatch>, IndexError> {
        let inner = &self.inner;
        if inner.settings.offline {
            return Err(IndexError::Offline {
                what: format!(
                    "the METADATA inside the wheel of {name} {version} (to confirm the `.metadata` file the index did not advertise)"
                ),
            });
        }
        let hinted = self.metadata(name, version).await?;
        let page = self.page(name).await?;
        let wheel = page
            .versions
            .get(version)
            .and_then(|files| pick_wheel(files.files()).cloned())
            .ok_or_else(|| IndexError::NoSuchVersion {
                name: name.clone(),
                version: version.clone(),
                index: redact(inner.base.as_str()),
            })?;
        let wheel_url = dist::file_url(&wheel)?;
        let mut own = self
            .wheel_own_metadata(name, version, &wheel, &wheel_url, None)
            .await?;
        own.name = name.clone();
        own.version = version.clone();
        let (key_name, key_version) = (name.to_string(), version.to_string());
        let difference = metadata_difference(&hinted, &own);
        let Some(difference) = difference else {
            self.note_source(name, version, MetadataSource::ConfirmedSidecar);
            inner.cache.write_metadata(
                &key_name,
                &key_version,
                &CachedMetadata::new(&hinted, MetadataSource::ConfirmedSidecar),
            );
            return Ok(None);
        };
        self.note_source(name, version, MetadataSource::Wheel);
        inner.cache.write_metadata(
            &key_name,
            &key_version,
            &CachedMetadata::new(&own, MetadataSource::Wheel),
        );
        let cell = Arc::new(OnceCell::new_with(Some(Arc::new(own))));
        inner
            .metadata
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((name.clone(), version.clone()), cell);
        Ok(Some(MetadataMismatch {
            name: name.clone(),
            version: version.clone(),
            url: format!("{}.metadata", redact(wheel_url.as_str())),
            difference,
        }))
    }
}

/// What differs between a `.metadata` hint and the wheel's own METADATA, in one line;
/// `None` when they agree on everything the resolver reads.
fn metadata_difference(hint: &Metadata, own: &Metadata) -> Option<String> {
    use std::collections::BTreeSet;
    let reqs = |m: &Metadata| -> BTreeSet<String> {
        m.requires_dist.iter().map(ToString::to_string).collect()
    };
    let (hint_reqs, own_reqs) = (reqs(hint), reqs(own));
    let mut parts = Vec::new();
    let missing: Vec<&str> = own_reqs
        .difference(&hint_reqs)
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        parts.push(format!("it lacks `{}`", missing.join("`, `")));
    }
    let extra: Vec<&str> = hint_reqs
        .difference(&own_reqs)
        .map(String::as_str)
        .collect();
    if !extra.is_empty() {
        parts.push(format!("it adds `{}`", extra.join("`, `")));
    }
    let python = |m: &Metadata| m.requires_python.as_ref().map(ToString::to_string);
    if python(hint) != python(own) {
        parts.push(format!(
            "it says Requires-Python `{}` where the wheel says `{}`",
            python(hint).unwrap_or_default(),
            python(own).unwrap_or_default()
        ));
    }
    let extras = |m: &Metadata| -> BTreeSet<String> {
        m.provides_extra.iter().map(ToString::to_string).collect()
    };
    if extras(hint) != extras(own) {
        parts.push("its extras differ".to_owned());
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

impl PackageIndex for HttpIndex {
    fn versions<'a>(
        &'a self,
        name: &'a PackageName,
    ) -> BoxFuture<'a, Result<Arc<PackageVersions>, IndexError>> {
        Box::pin(self.page(name))
    }

    fn metadata<'a>(
        &'a self,
        name: &'a PackageName,
        version: &'a Version,
    ) -> BoxFuture<'a, Result<Arc<Metadata>, IndexError>> {
        Box::pin(async move {
            let key = (name.clone(), version.clone());
            let cell = Self::cell(&self.inner.metadata, &key);
            cell.get_or_try_init(|| self.load_metadata(name, version))
                .await
                .cloned()
        })
    }

    fn known_names(&self) -> Vec<PackageName> {
        self.inner.cache.page_names()
    }

    fn confirm_metadata<'a>(
        &'a self,
        packages: &'a [(PackageName, Version)],
    ) -> BoxFuture<'a, Result<Vec<MetadataMismatch>, ConfirmError>> {
        Box::pin(async move {
            let pending: Vec<&(PackageName, Version)> = {
                let sources = self
                    .inner
                    .sources
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                packages
                    .iter()
                    .filter(|key| sources.get(*key).is_some_and(|s| s.needs_confirmation()))
                    .collect()
            };
            if !pending.is_empty() {
                tracing::debug!(
                    "confirming {} unadvertised `.metadata` files against their wheels",
                    pending.len()
                );
            }
            // All at once: the request pool bounds what is in flight.
            let outcomes = futures::future::join_all(
                pending
                    .iter()
                    .map(|(name, version)| self.confirm_one(name, version)),
            )
            .await;
            let mut mismatches = Vec::new();
            for ((name, version), outcome) in pending.into_iter().zip(outcomes) {
                match outcome {
                    Ok(mismatch) => mismatches.extend(mismatch),
                    Err(source) => {
                        return Err(ConfirmError {
                            name: name.clone(),
                            version: version.clone(),
                            source,
                        });
                    }
                }
            }
            Ok(mismatches)
        })
    }
}

/// A request reported to the [`Reporter`] as started, and as done when dropped.
struct InFlight<'a> {
    reporter: &'a dyn Reporter,
    what: &'a str,
}

impl<'a> InFlight<'a> {
    fn start(reporter: &'a dyn Reporter, what: &'a str) -> Self {
        reporter.on_request_start(what);
        Self { reporter, what }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.reporter.on_request_done(self.what);
    }
}

/// Parses a 200 answer for a project page; anything that is not one (an empty body, a
/// content type of neither form, an HTML page with no links that does not say it is a
/// simple index: a captive portal, a login page) is an error naming what came back.
fn parse_page(
    body: &[u8],
    url: &Url,
    content_type: Option<&str>,
) -> Result<SimplePage, IndexError> {
    let bad = |reason: &str| {
        let url = redact(url.as_str());
        IndexError::BadBody {
            message: format!("invalid project page `{url}`: {reason}"),
            url,
            content_type: content_type.map(str::to_owned),
            first_bytes: super::first_bytes(body),
        }
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("the body is empty"));
    }
    let kind = content_type.map(str::to_ascii_lowercase);
    let page = match kind.as_deref() {
        Some(t) if t.contains("json") => simple::parse_json(body, url),
        None => simple::parse_html(body, url),
        Some(t) if t.contains("html") => simple::parse_html(body, url),
        Some(_) => return Err(bad("the content type is neither HTML nor JSON")),
    }
    .map_err(|e| bad(&e.reason))?;
    let is_json = kind.as_deref().is_some_and(|t| t.contains("json"));
    if !is_json && page.files.is_empty() {
        let lower = String::from_utf8_lossy(body).to_ascii_lowercase();
        if !lower.contains("pypi:repository-version") && !lower.contains("links for") {
            return Err(bad(
                "an HTML page with no links that does not say it is a simple index (no `pypi:repository-version`)",
            ));
        }
    }
    Ok(page)
}

/// Runs CPU or disk work on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IndexError> + Send + 'static,
) -> Result<T, IndexError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| IndexError::Internal(format!("a background task failed: {e}")))?
}

/// Parses a package name for callers holding strings (benchmarks, commands).
pub fn package_name(s: &str) -> Result<PackageName, IndexError> {
    PackageName::from_str(s).map_err(|e| IndexError::InvalidName {
        name: s.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_mismatch_names_url_and_both_hashes() {
        let url = Url::parse("https://files.example/foo.whl").unwrap();
        assert!(verify_sha256(&url, None, "ab").is_ok());
        assert!(verify_sha256(&url, Some("AB"), "ab").is_ok());
        let err = verify_sha256(&url, Some("cd"), "ab")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("https://files.example/foo.whl")
                && err.contains("`cd`")
                && err.contains("`ab`"),
            "{err}"
        );
    }

    #[test]
    fn refuses_plain_http_and_keeps_credentials_out_of_debug() {
        let dir = tempfile::tempdir().unwrap();
        let settings =
            IndexSettings::new("http://user:pw@intranet/simple", dir.path().to_path_buf());
        let err = HttpIndex::new(settings, Arc::new(crate::reporter::NoReporter)).unwrap_err();
        let IndexError::Refused { message, hint } = err else {
            panic!("plain http was not refused: {err}");
        };
        assert!(
            hint.contains("--allow-insecure-host")
                && !message.contains("pw")
                && !hint.contains("pw"),
            "{message} / {hint}"
        );
        let settings = IndexSettings::new(
            "https://user:pw@example.com/simple",
            dir.path().to_path_buf(),
        );
        let index = HttpIndex::new(settings, Arc::new(crate::reporter::NoReporter)).unwrap();
        assert!(!format!("{index:?}").contains("pw"));
        let creds = index.credentials_for(&Url::parse("https://example.com/files/x.whl").unwrap());
        assert_eq!(creds.map(|c| c.username.as_str()), Some("user"));
        assert!(
            index
                .credentials_for(&Url::parse("https://files.example.org/x.whl").unwrap())
                .is_none()
        );
        assert!(
            index
                .credentials_for(&Url::parse("https://example.com:8443/x.whl").unwrap())
                .is_none()
        );
    }

    #[tokio::test]
    async fn offline_miss_names_the_package() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings =
            IndexSettings::new("https://example.com/simple", dir.path().to_path_buf());
        settings.offline = true;
        let index = HttpIndex::new(settings, Arc::new(crate::reporter::NoReporter)).unwrap();
        let name = package_name("Django").unwrap();
        let err = index.versions(&name).await.unwrap_err();
        assert!(matches!(err, IndexError::Offline { .. }));
        assert!(err.to_string().contains("django"), "{err}");
        let err = index
            .metadata(&name, &Version::from_str("5.0").unwrap())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("`django 5.0`"), "{err}");
        assert_eq!(index.stats(), RequestStats::default());
    }
}
