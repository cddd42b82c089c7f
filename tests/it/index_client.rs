//! Integration tests of the HTTP index client (`pinctl::index::HttpIndex`) against the
//! in-process test index: every metadata path, every fault, retries counted exactly,
//! the disk cache (TTL, ETag, refresh, offline, corruption), and no partial entries.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use crate::common::server::{Fault, PackageSpec, TestIndex, sha256_hex};
use pep440_rs::Version;
use pep508_rs::PackageName;
use pinctl::index::{HttpIndex, IndexError, IndexSettings, PackageIndex, simple};
use pinctl::reporter::NoReporter;

const WHEEL: &str = "/files/a-1.0-py3-none-any.whl";
const SIDECAR: &str = "/files/a-1.0-py3-none-any.whl.metadata";
const SDIST: &str = "/files/a-1.0.tar.gz";

fn name(s: &str) -> PackageName {
    PackageName::from_str(s).unwrap()
}

fn version(s: &str) -> Version {
    Version::from_str(s).unwrap()
}

fn settings(index: &TestIndex, cache: &Path) -> IndexSettings {
    let mut s = IndexSettings::new(index.url(), cache.to_path_buf());
    s.timeout = Duration::from_secs(10);
    s
}

fn client(settings: IndexSettings) -> HttpIndex {
    HttpIndex::new(settings, Arc::new(NoReporter)).unwrap()
}

/// `a` 1.0 (wheel + sdist) requiring `b`, with an extra; `b` 1.0 and 2.0 (yanked).
fn basic_index() -> TestIndex {
    TestIndex::builder()
        .package(
            "a",
            "1.0",
            PackageSpec::new()
                .requires(["b>=1"])
                .extra("fast", ["c; python_version >= '3.12'"])
                .requires_python(">=3.9"),
        )
        .package("b", "1.0", PackageSpec::new())
        .package(
            "b",
            "2.0",
            PackageSpec::new().yanked(Some("broken <build> & more")),
        )
        .build()
}

/// Every file under `dir` is a complete cache entry (no temp files, no halves): a
/// binary project page or a JSON metadata entry.
fn assert_cache_clean(dir: &Path) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_cache_clean(&path);
        } else {
            let sealed = fs_err::read(&path).unwrap();
            let bytes = pinctl::index::cache::unseal(&sealed)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .to_vec();
            match path.extension().and_then(|e| e.to_str()) {
                Some("json") => {
                    serde_json::from_slice::<serde_json::Value>(&bytes)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                }
                Some("bin") => {
                    let stem = path.file_stem().unwrap().to_str().unwrap();
                    let page = pinctl::index::page_codec::decode(bytes, &name(stem))
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    for (version, files) in &page.versions.versions {
                        assert_eq!(
                            files.files().len(),
                            files.len(),
                            "{}: files of {version}",
                            path.display()
                        );
                    }
                }
                _ => panic!("unexpected cache file {}", path.display()),
            }
        }
    }
}

fn cache_files(dir: &Path, sub: &str) -> usize {
    fn walk(p: &Path) -> usize {
        fs_err::read_dir(p).map_or(0, |d| {
            d.map(|e| {
                let p = e.unwrap().path();
                if p.is_dir() { walk(&p) } else { 1 }
            })
            .sum()
        })
    }
    walk(&dir.join(sub))
}

fn check_metadata_of_a(m: &pinctl::index::Metadata) {
    assert_eq!(m.name, name("a"));
    assert_eq!(m.version, version("1.0"));
    let reqs: Vec<String> = m.requires_dist.iter().map(ToString::to_string).collect();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0], "b>=1");
    assert!(
        reqs[1].starts_with('c') && reqs[1].contains("extra == 'fast'"),
        "{reqs:?}"
    );
    assert_eq!(m.requires_python.as_ref().unwrap().to_string(), ">=3.9");
    assert_eq!(m.provides_extra.len(), 1);
}

#[tokio::test]
async fn versions_from_the_json_api() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let b = client.versions(&name("B")).await.unwrap();
    assert_eq!(b.name, name("b"));
    let versions: Vec<String> = b.versions.keys().map(ToString::to_string).collect();
    assert_eq!(versions, ["1.0", "2.0"]);
    let v1 = &b.versions[&version("1.0")];
    assert!(v1.yanked().is_none());
    assert_eq!(v1.files().len(), 2);
    for f in v1.files() {
        let served = index.file(&f.filename).unwrap();
        assert_eq!(f.sha256(), Some(sha256_hex(&served).as_str()));
        assert_eq!(f.url, index.file_url(&f.filename));
        assert_eq!(f.size, Some(served.len() as u64));
        assert!(f.upload_time.is_some());
    }
    let v2 = &b.versions[&version("2.0")];
    assert_eq!(
        v2.yanked().unwrap().reason.as_deref(),
        Some("broken <build> & more")
    );
    assert_eq!(index.requests("/simple/b/"), 1);
    assert_eq!(client.stats().requests, 1);
    assert_cache_clean(cache.path());
}

#[tokio::test]
async fn html_pages_parse_to_the_same_versions() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    for project in ["a", "b"] {
        let from_json = client.versions(&name(project)).await.unwrap();
        let page_url = url::Url::parse(&format!("{}/{project}/", index.url())).unwrap();
        let html = reqwest::Client::new()
            .get(page_url.clone())
            .header("Accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(
            html.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("html")
        );
        let body = html.bytes().await.unwrap();
        let page = simple::parse_html(&body, &page_url).unwrap();
        let from_html = simple::to_versions(&name(project), &page);
        assert_eq!(from_html.versions.len(), from_json.versions.len());
        for (v, files) in &from_json.versions {
            let html_files = &from_html.versions[v];
            assert_eq!(html_files.yanked(), files.yanked(), "{project} {v}");
            assert_eq!(html_files.requires_python(), files.requires_python());
            for (h, j) in html_files.files().iter().zip(files.files()) {
                assert_eq!(
                    (&h.filename, &h.url, h.sha256()),
                    (&j.filename, &j.url, j.sha256())
                );
                assert_eq!(h.kind, j.kind);
            }
        }
    }
}

#[tokio::test]
async fn unknown_project_is_not_found() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let err = client.versions(&name("nope")).await.unwrap_err();
    assert!(
        matches!(err, IndexError::NotFound { ref name, ref url }
            if *name == self::name("nope") && url.as_deref().is_some_and(|u| u.ends_with("/simple/nope/"))),
        "{err}"
    );
    assert!(err.to_string().contains("/simple/nope/"), "{err}");
    assert_eq!(index.requests("/simple/nope/"), 1);
    assert_eq!(cache_files(cache.path(), "simple-v4"), 0);
}

#[tokio::test]
async fn metadata_from_the_pep658_sidecar() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let m = client.metadata(&name("a"), &version("1.0")).await.unwrap();
    check_metadata_of_a(&m);
    assert_eq!(index.requests(SIDECAR), 1);
    assert_eq!(
        index.requests(WHEEL),
        1,
        "only the sidecar: {:?}",
        index.request_log()
    );
    assert_eq!(index.requests(SDIST), 0);
    assert_eq!(cache_files(cache.path(), "metadata-v3"), 1);
    assert_cache_clean(cache.path());
}

#[tokio::test]
async fn metadata_from_the_sidecar_even_when_not_advertised() {
    let index = TestIndex::builder()
        .package(
            "a",
            "1.0",
            PackageSpec::new()
                .requires(["b>=1"])
                .extra("fast", ["c; python_version >= '3.12'"])
                .requires_python(">=3.9"),
        )
        .hide_all_core_metadata()
        .build();
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    check_metadata_of_a(&client.metadata(&name("a"), &version("1.0")).await.unwrap());
    assert_eq!(
        index
            .request_log()
            .iter()
            .filter(|l| l.contains(".metadata 200"))
            .count(),
        1
    );
}

#[tokio::test]
async fn metadata_by_range_requests_when_there_is_no_sidecar() {
    let index = basic_index();
    index.fault("/files/", Fault::NoMetadata);
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    check_metadata_of_a(&client.metadata(&name("a"), &version("1.0")).await.unwrap());
    let log = index.request_log();
    assert!(log.contains(&format!("GET {SIDECAR} 404")), "{log:?}");
    let wheel: Vec<&String> = log
        .iter()
        .filter(|l| l.starts_with(&format!("GET {WHEEL} ")))
        .collect();
    assert!(
        !wheel.is_empty() && wheel.iter().all(|l| l.ends_with(" 206")),
        "{log:?}"
    );
    assert_eq!(index.requests(SDIST), 0);
}

#[tokio::test]
async fn metadata_from_the_whole_wheel_when_ranges_are_ignored() {
    let index = basic_index();
    index.fault(SIDECAR, Fault::NoMetadata);
    index.fault(WHEEL, Fault::NoRange);
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    check_metadata_of_a(&client.metadata(&name("a"), &version("1.0")).await.unwrap());
    let log = index.request_log();
    // One range attempt answered 200 (not read), then one full download.
    assert_eq!(
        log.iter()
            .filter(|l| *l == &format!("GET {WHEEL} 200"))
            .count(),
        2,
        "{log:?}"
    );
    assert_eq!(index.requests(WHEEL), 3, "{log:?}");
}

/// Range reads fetch only parts of a wheel, so its sha256 cannot be checked on that path
/// (as in uv); the full-download path verifies it (see the sdist test: same code).
#[tokio::test]
async fn range_reads_of_a_tampered_wheel_still_read_metadata() {
    let index = basic_index();
    index.fault(SIDECAR, Fault::NoMetadata);
    index.fault(WHEEL, Fault::WrongHash);
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    check_metadata_of_a(&client.metadata(&name("a"), &version("1.0")).await.unwrap());
    let log = index.request_log();
    assert!(
        log.iter()
            .filter(|l| l.starts_with(&format!("GET {WHEEL} ")))
            .all(|l| l.ends_with(" 206")),
        "{log:?}"
    );
}

#[tokio::test]
async fn sidecar_with_a_wrong_hash_is_refused() {
    let index = basic_index();
    index.fault(SIDECAR, Fault::WrongHash);
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let err = client
        .metadata(&name("a"), &version("1.0"))
        .await
        .unwrap_err()
        .to_string();
    let expected = sha256_hex(&index.file("a-1.0-py3-none-any.whl.metadata").unwrap());
    assert!(
        err.contains("hash mismatch") && err.contains(&expected),
        "{err}"
    );
    assert!(
        err.contains(&index.file_url("a-1.0-py3-none-any.whl.metadata")),
        "{err}"
    );
    assert_eq!(cache_files(cache.path(), "metadata-v3"), 0);
}

#[tokio::test]
async fn sdist_only_versions_use_static_pkg_info() {
    let index = TestIndex::builder()
        .package(
            "s",
            "2.0",
            PackageSpec::new()
                .wheel(false)
                .requires(["a<2"])
                .requires_python(">=3.8"),
        )
        .build();
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let m = client.metadata(&name("s"), &version("2.0")).await.unwrap();
    assert_eq!(m.requires_dist.len(), 1);
    assert_eq!(m.requires_dist[0].name, name("a"));
    assert_eq!(m.requires_python.as_ref().unwrap().to_string(), ">=3.8");
    assert_eq!(
        index.request_log(),
        ["GET /simple/s/ 200", "GET /files/s-2.0.tar.gz 200"]
    );
}

#[tokio::test]
async fn sdist_with_a_wrong_hash_is_refused() {
    let index = TestIndex::builder()
        .package("s", "2.0", PackageSpec::new().wheel(false))
        .build();
    index.fault("/files/", Fault::WrongHash);
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let err = client
        .metadata(&name("s"), &version("2.0"))
        .await
        .unwrap_err();
    let url = index.file_url("s-2.0.tar.gz");
    let expected = sha256_hex(&index.file("s-2.0.tar.gz").unwrap());
    match &err {
        IndexError::HashMismatch {
            url: at,
            expected: want,
            actual,
        } => {
            assert_eq!(at, &url);
            assert_eq!(want, &expected);
            assert_ne!(actual, &expected);
        }
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
    assert!(pinctl::diagnostic::Diagnostic::hint(&err).is_some());
    let err = err.to_string();
    assert!(
        err.contains(&url) && err.contains(&expected) && err.contains("hash mismatch"),
        "{err}"
    );
    assert_eq!(
        index.requests("/files/s-2.0.tar.gz"),
        1,
        "a hash mismatch is not retried"
    );
}

#[tokio::test]
async fn missing_version_and_missing_file_are_errors() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    let mut s = settings(&index, cache.path());
    s.retries = 0;
    let client = client(s);
    let err = client
        .metadata(&name("a"), &version("9"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("`a` has no version `9`"), "{err}");
    index.fault(SIDECAR, Fault::NoMetadata);
    index.fault(WHEEL, Fault::Status(404));
    let err = client
        .metadata(&name("a"), &version("1.0"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("404") && err.contains(&index.file_url("a-1.0-py3-none-any.whl")),
        "{err}"
    );
}

#[tokio::test]
async fn transient_503_is_retried_until_it_succeeds() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::StatusTimes(503, 2));
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    client.versions(&name("a")).await.unwrap();
    assert_eq!(index.requests("/simple/a/"), 3);
    assert_eq!(client.stats().requests, 3);
}

#[tokio::test]
async fn persistent_500_fails_after_the_retries_naming_url_and_attempts() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::Status(500));
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let err = client.versions(&name("a")).await.unwrap_err().to_string();
    let url = format!("{}/a/", index.url());
    assert!(
        err.starts_with(&format!("failed to fetch {url} after 3 retries in ")),
        "{err}"
    );
    assert!(err.ends_with(": 500 Internal Server Error"), "{err}");
    assert_eq!(index.requests("/simple/a/"), 4);
    assert_eq!(cache_files(cache.path(), "simple-v4"), 0);
}

#[tokio::test]
async fn rate_limits_honour_retry_after() {
    let index = basic_index();
    index.fault(
        SIDECAR,
        Fault::RateLimited {
            retry_after_secs: 1,
            times: 1,
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    check_metadata_of_a(&client.metadata(&name("a"), &version("1.0")).await.unwrap());
    assert_eq!(index.requests(SIDECAR), 2);
    assert!(index.request_log().contains(&format!("GET {SIDECAR} 429")));
}

#[tokio::test]
async fn connection_resets_are_retried() {
    let index = basic_index();
    index.fault("/simple/b/", Fault::ConnectionReset { times: 2 });
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    assert_eq!(client.versions(&name("b")).await.unwrap().versions.len(), 2);
    assert_eq!(index.requests("/simple/b/"), 3);
}

#[tokio::test]
async fn connection_resets_beyond_the_retries_fail() {
    let index = basic_index();
    index.fault("/simple/b/", Fault::ConnectionReset { times: 10 });
    let cache = tempfile::tempdir().unwrap();
    let mut s = settings(&index, cache.path());
    s.retries = 1;
    let client = client(s);
    let err = client.versions(&name("b")).await.unwrap_err().to_string();
    assert!(
        err.contains(&format!("{}/b/ after 1 retry", index.url())),
        "{err}"
    );
    assert_eq!(index.requests("/simple/b/"), 2);
}

#[tokio::test]
async fn truncated_bodies_are_retried_then_reported() {
    let index = basic_index();
    index.fault(SIDECAR, Fault::TruncatedBody);
    let cache = tempfile::tempdir().unwrap();
    let mut s = settings(&index, cache.path());
    s.retries = 2;
    let client = client(s);
    let err = client
        .metadata(&name("a"), &version("1.0"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "{} after 2 retries",
            index.file_url("a-1.0-py3-none-any.whl.metadata")
        )),
        "{err}"
    );
    assert_eq!(index.requests(SIDECAR), 3);
    assert_eq!(cache_files(cache.path(), "metadata-v3"), 0);
    assert_cache_clean(cache.path());
}

#[tokio::test]
async fn slow_servers_time_out() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::Delay(Duration::from_secs(5)));
    let cache = tempfile::tempdir().unwrap();
    let mut s = settings(&index, cache.path());
    s.timeout = Duration::from_millis(300);
    s.retries = 0;
    let client = client(s);
    let err = client.versions(&name("a")).await.unwrap_err().to_string();
    assert!(
        err.contains("timed out") && err.contains("/simple/a/"),
        "{err}"
    );
    // The server logs a delayed request only when it answers, so count on our side.
    assert_eq!(client.stats().requests, 1);
}

#[tokio::test]
async fn malformed_pages_are_errors_and_not_cached() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::MalformedJson);
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let err = client.versions(&name("a")).await.unwrap_err().to_string();
    assert!(
        err.contains(&format!("invalid project page `{}/a/`", index.url())),
        "{err}"
    );
    // Asked for again like a 5xx (a proxy may have cut it short), then reported.
    assert_eq!(
        index.requests("/simple/a/"),
        1 + pinctl::index::settings::DEFAULT_RETRIES as usize
    );
    assert_eq!(cache_files(cache.path(), "simple-v4"), 0);
    // Nothing invalid was kept: once the index is fixed, the next run succeeds at once.
    index.clear_faults();
    index.reset_counters();
    let fixed = self::client(settings(&index, cache.path()));
    assert!(
        !fixed
            .versions(&name("a"))
            .await
            .unwrap()
            .versions
            .is_empty()
    );
    assert_eq!(index.requests("/simple/a/"), 1);
}

#[tokio::test]
async fn malformed_html_does_not_panic() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::MalformedHtml);
    let page_url = url::Url::parse(&format!("{}/a/", index.url())).unwrap();
    let body = reqwest::Client::new()
        .get(page_url.clone())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let page = simple::parse_html(&body, &page_url).unwrap();
    assert!(page.files.len() < 2, "a page cut mid-tag lists fewer files");
}

#[tokio::test]
async fn concurrent_requests_are_deduplicated() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let (a, v) = (name("a"), version("1.0"));
    let calls = (0..20).map(|_| async {
        let versions = client.versions(&a).await.unwrap();
        let metadata = client.metadata(&a, &v).await.unwrap();
        (versions, metadata)
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.windows(2).all(|w| Arc::ptr_eq(&w[0].1, &w[1].1)));
    assert_eq!(index.requests("/simple/a/"), 1);
    assert_eq!(index.requests(SIDECAR), 1);
}

#[tokio::test]
async fn a_warm_cache_makes_no_requests_and_works_offline() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    let cold = client(settings(&index, cache.path()));
    check_metadata_of_a(&cold.metadata(&name("a"), &version("1.0")).await.unwrap());
    cold.versions(&name("b")).await.unwrap();
    index.reset_counters();

    let warm = client(settings(&index, cache.path()));
    check_metadata_of_a(&warm.metadata(&name("a"), &version("1.0")).await.unwrap());
    assert_eq!(warm.versions(&name("b")).await.unwrap().versions.len(), 2);
    assert_eq!(index.request_log(), Vec::<String>::new());
    assert_eq!(warm.stats().requests, 0);
    assert_eq!(warm.stats().cache_hits, 2);

    let mut s = settings(&index, cache.path());
    s.offline = true;
    let offline = client(s);
    check_metadata_of_a(&offline.metadata(&name("a"), &version("1.0")).await.unwrap());
    offline.versions(&name("a")).await.unwrap();
    let err = offline.versions(&name("c")).await.unwrap_err();
    assert!(matches!(err, IndexError::Offline { .. }), "{err}");
    assert!(
        err.to_string().contains("`c` is not in the cache")
            && err.to_string().contains("--offline"),
        "{err}"
    );
    assert_eq!(index.request_log(), Vec::<String>::new());
}

#[tokio::test]
async fn refresh_refetches_pages_but_not_metadata() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    client(settings(&index, cache.path()))
        .metadata(&name("a"), &version("1.0"))
        .await
        .unwrap();
    index.reset_counters();
    let mut s = settings(&index, cache.path());
    s.refresh = true;
    let refreshed = client(s);
    refreshed.versions(&name("a")).await.unwrap();
    refreshed
        .metadata(&name("a"), &version("1.0"))
        .await
        .unwrap();
    assert_eq!(index.request_log(), ["GET /simple/a/ 200"]);
}

#[tokio::test]
async fn stale_pages_are_revalidated_with_etags() {
    let index = TestIndex::builder()
        .package("a", "1.0", PackageSpec::new())
        .etags()
        .cache_control("max-age=0")
        .build();
    let cache = tempfile::tempdir().unwrap();
    client(settings(&index, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap();
    let second = client(settings(&index, cache.path()));
    assert_eq!(second.versions(&name("a")).await.unwrap().versions.len(), 1);
    assert_eq!(
        index.request_log(),
        ["GET /simple/a/ 200", "GET /simple/a/ 304"]
    );
    assert_cache_clean(cache.path());
}

#[tokio::test]
async fn max_age_keeps_pages_fresh() {
    let index = TestIndex::builder()
        .package("a", "1.0", PackageSpec::new())
        .cache_control("max-age=3600")
        .build();
    let cache = tempfile::tempdir().unwrap();
    client(settings(&index, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap();
    client(settings(&index, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap();
    assert_eq!(index.requests("/simple/a/"), 1);
}

#[tokio::test]
async fn corrupt_cache_entries_are_discarded_and_refetched() {
    let index = basic_index();
    let cache = tempfile::tempdir().unwrap();
    client(settings(&index, cache.path()))
        .metadata(&name("a"), &version("1.0"))
        .await
        .unwrap();
    // Corrupt every entry: one truncated, one that parses as JSON but not as an entry.
    let mut corrupted = 0;
    for sub in ["simple-v4", "metadata-v3"] {
        for entry in walkdir(&cache.path().join(sub)) {
            let junk: &[u8] = if corrupted == 0 {
                b"{\"fetched_at\": 1, \"pa"
            } else {
                b"{\"name\": \"a\", \"version\": \"1.0\", \"requires_dist\": [\"???\"], \"requires_python\": null, \"provides_extra\": []}"
            };
            fs_err::write(&entry, junk).unwrap();
            corrupted += 1;
        }
    }
    assert_eq!(corrupted, 2);
    index.reset_counters();
    let again = client(settings(&index, cache.path()));
    check_metadata_of_a(&again.metadata(&name("a"), &version("1.0")).await.unwrap());
    assert_eq!(index.requests("/simple/a/"), 1);
    assert_eq!(index.requests(SIDECAR), 1);
    assert_cache_clean(cache.path());
    // The rewritten entries serve the next client.
    index.reset_counters();
    client(settings(&index, cache.path()))
        .metadata(&name("a"), &version("1.0"))
        .await
        .unwrap();
    assert_eq!(index.request_log(), Vec::<String>::new());
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs_err::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn two_indexes_do_not_share_cache_entries() {
    let first = basic_index();
    let second = basic_index();
    let cache = tempfile::tempdir().unwrap();
    client(settings(&first, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap();
    client(settings(&second, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap();
    assert_eq!(second.requests("/simple/a/"), 1);
    assert_eq!(cache_files(cache.path(), "simple-v4"), 2);
}

#[tokio::test]
async fn credentials_never_appear_in_errors() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::Status(403));
    let cache = tempfile::tempdir().unwrap();
    let url = index.url().replace("http://", "http://alice:s3cret@");
    let client = client(IndexSettings::new(url, cache.path().to_path_buf()));
    let err = client.versions(&name("a")).await.unwrap_err().to_string();
    assert!(
        err.contains("403 Forbidden") && !err.contains("s3cret") && !err.contains("alice"),
        "{err}"
    );
    assert_eq!(index.requests("/simple/a/"), 1, "403 is not retried");
}

#[tokio::test]
async fn range_reads_fetch_an_entry_outside_the_tail() {
    // Enough incompressible requirements that METADATA does not fit in the 256 KiB tail.
    let reqs: Vec<String> = (0..40_000u64)
        .map(|i| {
            format!(
                "p{:08x}>={}",
                i.wrapping_mul(2_654_435_761) % (1 << 32),
                i % 97
            )
        })
        .collect();
    let index = TestIndex::builder()
        .package("big", "1.0", PackageSpec::new().requires(reqs.clone()))
        .build();
    index.fault("/files/", Fault::NoMetadata);
    let cache = tempfile::tempdir().unwrap();
    let client = client(settings(&index, cache.path()));
    let m = client
        .metadata(&name("big"), &version("1.0"))
        .await
        .unwrap();
    assert_eq!(m.requires_dist.len(), reqs.len());
    let wheel = "/files/big-1.0-py3-none-any.whl";
    let log = index.request_log();
    let ranges: Vec<&String> = log
        .iter()
        .filter(|l| l.starts_with(&format!("GET {wheel} ")))
        .collect();
    assert_eq!(ranges.len(), 2, "tail, then the entry: {log:?}");
    assert!(ranges.iter().all(|l| l.ends_with(" 206")), "{log:?}");
}

#[derive(Default)]
struct Counting {
    started: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
}

impl pinctl::reporter::Reporter for Counting {
    fn on_request_start(&self, _what: &str) {
        self.started
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    fn on_request_done(&self, _what: &str) {
        self.done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn every_request_is_reported() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::StatusTimes(502, 1));
    let cache = tempfile::tempdir().unwrap();
    let reporter = Arc::new(Counting::default());
    let client = HttpIndex::new(settings(&index, cache.path()), reporter.clone()).unwrap();
    client.metadata(&name("a"), &version("1.0")).await.unwrap();
    let stats = client.stats();
    assert_eq!(
        stats.requests,
        3,
        "502, 200, sidecar: {:?}",
        index.request_log()
    );
    assert_eq!(
        reporter.started.load(std::sync::atomic::Ordering::SeqCst),
        3
    );
    assert_eq!(reporter.done.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert!(stats.bytes > 0);
}

#[tokio::test]
async fn a_request_given_up_is_no_longer_in_flight() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::Delay(Duration::from_secs(5)));
    let cache = tempfile::tempdir().unwrap();
    let reporter = Arc::new(Counting::default());
    let client = HttpIndex::new(settings(&index, cache.path()), reporter.clone()).unwrap();
    let given_up =
        tokio::time::timeout(Duration::from_millis(200), client.versions(&name("a"))).await;
    assert!(given_up.is_err(), "the page answers after 5 s");
    assert_eq!(
        reporter.started.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    assert_eq!(reporter.done.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn new_uploads_appear_after_refresh_or_revalidation() {
    let index = TestIndex::builder()
        .package("a", "1.0", PackageSpec::new())
        .build();
    let cache = tempfile::tempdir().unwrap();
    client(settings(&index, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap();
    index.publish("a", "2.0", PackageSpec::new());
    index.reset_counters();

    // Within the 10-minute TTL the cached page is used as is.
    let cached = client(settings(&index, cache.path()));
    assert_eq!(cached.versions(&name("a")).await.unwrap().versions.len(), 1);
    assert_eq!(index.request_log(), Vec::<String>::new());

    // `refresh` sees the upload and updates the cache for the next run.
    let mut s = settings(&index, cache.path());
    s.refresh = true;
    assert_eq!(
        client(s).versions(&name("a")).await.unwrap().versions.len(),
        2
    );
    assert_eq!(
        client(settings(&index, cache.path()))
            .versions(&name("a"))
            .await
            .unwrap()
            .versions
            .len(),
        2
    );
    assert_eq!(index.request_log(), ["GET /simple/a/ 200"]);
}

#[tokio::test]
async fn a_changed_etag_replaces_the_cached_page() {
    let index = TestIndex::builder()
        .package("a", "1.0", PackageSpec::new())
        .etags()
        .cache_control("max-age=0")
        .build();
    let cache = tempfile::tempdir().unwrap();
    client(settings(&index, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap();
    index.publish("a", "2.0", PackageSpec::new());
    let second = client(settings(&index, cache.path()));
    assert_eq!(second.versions(&name("a")).await.unwrap().versions.len(), 2);
    assert_eq!(
        index.request_log(),
        ["GET /simple/a/ 200", "GET /simple/a/ 200"]
    );
}

/// Each failure of the index comes back as its own variant, naming the URL, with a hint.
#[tokio::test]
async fn index_failures_are_typed_and_carry_a_hint() {
    use pinctl::diagnostic::Diagnostic as _;
    let url = |index: &TestIndex| format!("{}/a/", index.url());

    let index = basic_index();
    index.fault("/simple/a/", Fault::Status(403));
    let cache = tempfile::tempdir().unwrap();
    let err = client(settings(&index, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            IndexError::HttpStatus {
                code: 403,
                retries: 0,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.url(), Some(url(&index).as_str()));
    assert_eq!(
        err.to_string(),
        format!("failed to fetch {}: 403 Forbidden", url(&index))
    );
    assert!(
        err.hint().unwrap().contains("credentials"),
        "{:?}",
        err.hint()
    );

    let index = basic_index();
    index.fault("/simple/a/", Fault::Status(503));
    let mut s = settings(&index, cache.path());
    s.retries = 1;
    let err = client(s).versions(&name("a")).await.unwrap_err();
    assert!(
        matches!(
            &err,
            IndexError::HttpStatus {
                code: 503,
                retries: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(" after 1 retry in "), "{err}");
    assert!(
        err.hint().unwrap().contains("unavailable"),
        "{:?}",
        err.hint()
    );

    let index = basic_index();
    index.fault("/simple/a/", Fault::Delay(Duration::from_secs(5)));
    let mut s = settings(&index, cache.path());
    s.timeout = Duration::from_millis(300);
    s.retries = 0;
    let err = client(s).versions(&name("a")).await.unwrap_err();
    assert!(matches!(&err, IndexError::Timeout { .. }), "{err:?}");
    assert_eq!(err.url(), Some(url(&index).as_str()));
    assert!(err.hint().unwrap().contains("PINCTL_HTTP_TIMEOUT"));

    let index = basic_index();
    index.fault("/simple/a/", Fault::ConnectionReset { times: 10 });
    let mut s = settings(&index, cache.path());
    s.retries = 0;
    let err = client(s).versions(&name("a")).await.unwrap_err();
    assert!(matches!(&err, IndexError::Connection { .. }), "{err:?}");
    assert_eq!(err.url(), Some(url(&index).as_str()));

    let index = basic_index();
    index.fault("/simple/a/", Fault::MalformedJson);
    let err = client(settings(&index, cache.path()))
        .versions(&name("a"))
        .await
        .unwrap_err();
    match &err {
        IndexError::BadBody {
            url: at,
            content_type,
            first_bytes,
            ..
        } => {
            assert_eq!(at, &url(&index));
            assert!(
                content_type.as_deref().is_some_and(|t| t.contains("json")),
                "{content_type:?}"
            );
            assert!(first_bytes.starts_with('{'), "{first_bytes}");
        }
        other => panic!("expected a bad body, got {other:?}"),
    }
    assert!(err.to_string().contains("(content type `"), "{err}");
    assert!(err.hint().unwrap().contains("simple index"));
}

/// Credentials in the index URL never reach a message.
#[tokio::test]
async fn failure_messages_redact_credentials() {
    let index = basic_index();
    index.fault("/simple/a/", Fault::Status(500));
    let cache = tempfile::tempdir().unwrap();
    let mut s = settings(&index, cache.path());
    s.url = s.url.replace("http://", "http://user:s3cret@");
    s.retries = 0;
    let err = client(s).versions(&name("a")).await.unwrap_err();
    assert!(
        matches!(&err, IndexError::HttpStatus { code: 500, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("s3cret"), "{err}");
    assert!(!err.url().unwrap().contains("s3cret"), "{err:?}");
}
