//! Tests of the in-process test index itself (tests/it/common/server.rs): pages, files,
//! ranges, faults, counters, and that pip installs from it.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::common::python::{run_ok, test_venv};
use crate::common::server::{Fault, PackageSpec, TestIndex, sha256_hex};

const JSON: &str = "application/vnd.pypi.simple.v1+json";

/// A raw HTTP answer.
#[derive(Debug)]
struct Raw {
    /// None when the connection closed without a status line.
    status: Option<u16>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// One request over a fresh connection (`Connection: close`), read to EOF.
fn request(index: &TestIndex, method: &str, path: &str, headers: &[(&str, &str)]) -> Raw {
    let mut s = TcpStream::connect(index.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", index.addr());
    for (n, v) in headers {
        let _ = writeln!(req, "{n}: {v}\r");
    }
    req.push_str("Connection: close\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf); // a reset may end the read with an error
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        assert!(buf.is_empty(), "partial head: {buf:?}");
        return Raw {
            status: None,
            headers: Vec::new(),
            body: Vec::new(),
        };
    };
    let head = String::from_utf8(buf[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect();
    Raw {
        status: Some(status),
        headers,
        body: buf[end + 4..].to_vec(),
    }
}

fn get(index: &TestIndex, path: &str) -> Raw {
    request(index, "GET", path, &[])
}

fn get_json(index: &TestIndex, path: &str) -> Raw {
    request(index, "GET", path, &[("Accept", JSON)])
}

/// The path part of an absolute URL of this index.
fn path_of(index: &TestIndex, url: &str) -> String {
    url.strip_prefix(&index.base()).unwrap().to_string()
}

fn sample() -> TestIndex {
    TestIndex::builder()
        .package(
            "a",
            "1.0.0",
            PackageSpec::new()
                .requires(["b>=1"])
                .extra("fast", ["c ; python_version >= '3'"])
                .requires_python(">=3.8"),
        )
        .package("a", "10.0.0", PackageSpec::new().sdist(false))
        .package(
            "a",
            "2.0.0",
            PackageSpec::new().yanked(Some("broken <b>")).wheel(false),
        )
        .package("b", "1.0.0", PackageSpec::new().yanked(None))
        .package(
            "c",
            "1.0.0",
            PackageSpec::new().wheel_tags(["cp312-cp312-manylinux_2_17_x86_64", "py3-none-any"]),
        )
        .build()
}

#[test]
fn json_page_lists_real_files_with_hashes() {
    let index = sample();
    let r = get_json(&index, "/simple/a/");
    assert_eq!(r.status, Some(200));
    assert_eq!(r.header("content-type"), Some(JSON));
    let doc = r.json();
    assert_eq!(doc["meta"]["api-version"], "1.1");
    assert_eq!(doc["name"], "a");
    assert_eq!(
        doc["versions"],
        serde_json::json!(["1.0.0", "2.0.0", "10.0.0"])
    );
    let files = doc["files"].as_array().unwrap();
    let names: Vec<&str> = files
        .iter()
        .map(|f| f["filename"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "a-1.0.0-py3-none-any.whl",
            "a-1.0.0.tar.gz",
            "a-2.0.0.tar.gz",
            "a-10.0.0-py3-none-any.whl"
        ]
    );
    for f in files {
        let url = f["url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("{}/files/", index.base())),
            "{url}"
        );
        let body = get(&index, &path_of(&index, url));
        assert_eq!(body.status, Some(200));
        assert_eq!(sha256_hex(&body.body), f["hashes"]["sha256"]);
        assert_eq!(body.body.len() as u64, f["size"].as_u64().unwrap());
        assert_eq!(f["upload-time"], "2024-03-24T00:00:00Z");
        let filename = f["filename"].as_str().unwrap();
        if f["core-metadata"].is_object() {
            assert!(filename.to_ascii_lowercase().ends_with(".whl"));
            let meta = get(&index, &format!("{}.metadata", path_of(&index, url)));
            assert_eq!(meta.status, Some(200));
            assert_eq!(sha256_hex(&meta.body), f["core-metadata"]["sha256"]);
            assert_eq!(f["core-metadata"], f["dist-info-metadata"]);
        } else {
            assert_eq!(f["core-metadata"], false);
        }
    }
    assert_eq!(files[0]["requires-python"], ">=3.8");
    assert_eq!(files[0]["yanked"], false);
    assert_eq!(files[2]["yanked"], "broken <b>");
    assert!(files[3]["requires-python"].is_null());

    let b = get_json(&index, "/simple/b/").json();
    assert_eq!(b["files"][0]["yanked"], true);

    let meta = get(&index, "/files/a-1.0.0-py3-none-any.whl.metadata").text();
    assert_eq!(
        meta,
        "Metadata-Version: 2.1\nName: a\nVersion: 1.0.0\nRequires-Python: >=3.8\n\
         Requires-Dist: b>=1\nProvides-Extra: fast\n\
         Requires-Dist: c ; (python_version >= '3') and extra == \"fast\"\n"
    );

    let c = get_json(&index, "/simple/c/").json();
    let c_names: Vec<&str> = c["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["filename"].as_str().unwrap())
        .collect();
    assert_eq!(
        c_names,
        [
            "c-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl",
            "c-1.0.0-py3-none-any.whl",
            "c-1.0.0.tar.gz"
        ]
    );
}

/// `(href, attributes)` of every anchor of a PEP 503 page (enough for our own pages).
fn anchors(html: &str) -> Vec<(String, String)> {
    html.split("<a ")
        .skip(1)
        .map(|rest| {
            let attrs = rest.split_once('>').unwrap().0.to_string();
            let href = attrs
                .split_once("href=\"")
                .unwrap()
                .1
                .split_once('"')
                .unwrap()
                .0
                .to_string();
            (href, attrs)
        })
        .collect()
}

#[test]
fn html_page_lists_the_same_files() {
    let index = sample();
    let r = get(&index, "/simple/a/");
    assert_eq!(r.status, Some(200));
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let json = get_json(&index, "/simple/a/").json();
    let links = anchors(&r.text());
    assert_eq!(links.len(), json["files"].as_array().unwrap().len());
    for ((href, attrs), f) in links.iter().zip(json["files"].as_array().unwrap()) {
        let (url, fragment) = href.split_once('#').unwrap();
        let rel = url.strip_prefix("../../files/").unwrap();
        assert_eq!(
            fragment,
            format!("sha256={}", f["hashes"]["sha256"].as_str().unwrap())
        );
        let body = get(&index, &format!("/files/{rel}"));
        assert_eq!(format!("sha256={}", sha256_hex(&body.body)), fragment);
        let has_meta = f["core-metadata"].is_object();
        assert_eq!(
            attrs.contains("data-dist-info-metadata=\"sha256="),
            has_meta
        );
        assert_eq!(attrs.contains("data-core-metadata=\"sha256="), has_meta);
    }
    assert!(links[0].1.contains("data-requires-python=\"&gt;=3.8\""));
    assert!(links[2].1.contains("data-yanked=\"broken &lt;b&gt;\""));
    assert!(!links[0].1.contains("data-yanked"));
    // JSON is chosen only when asked for, also with quality values.
    let q = request(
        &index,
        "GET",
        "/simple/a/",
        &[(
            "Accept",
            "application/vnd.pypi.simple.v1+json, text/html;q=0.01",
        )],
    );
    assert_eq!(q.header("content-type"), Some(JSON));
}

#[test]
fn root_listing_redirects_and_unknown_projects() {
    let index = TestIndex::builder()
        .package("Foo.Bar", "1.0", PackageSpec::new())
        .package("a", "1.0", PackageSpec::new())
        .empty_project("empty")
        .build();
    let root = get_json(&index, "/simple/").json();
    assert_eq!(
        root["projects"],
        serde_json::json!([{"name": "a"}, {"name": "empty"}, {"name": "Foo.Bar"}])
    );
    assert!(
        get(&index, "/simple/")
            .text()
            .contains("<a href=\"/simple/foo-bar/\">Foo.Bar</a>")
    );
    let r = get(&index, "/simple/Foo.Bar/");
    assert_eq!(r.status, Some(301));
    assert_eq!(
        r.header("location").unwrap(),
        format!("{}/simple/foo-bar/", index.base())
    );
    assert_eq!(get(&index, "/simple/foo-bar").status, Some(301));
    let page = get_json(&index, "/simple/foo-bar/").json();
    assert_eq!(page["name"], "foo-bar");
    assert_eq!(page["files"][0]["filename"], "foo_bar-1.0-py3-none-any.whl");
    assert_eq!(get(&index, "/simple/nope/").status, Some(404));
    assert_eq!(get(&index, "/files/nope-1.0.tar.gz").status, Some(404));
    let empty = get_json(&index, "/simple/empty/").json();
    assert_eq!(empty["files"], serde_json::json!([]));
    assert_eq!(empty["versions"], serde_json::json!([]));
}

#[test]
fn hidden_core_metadata_is_not_advertised_but_served() {
    let index = TestIndex::builder()
        .package("a", "1.0.0", PackageSpec::new())
        .hide_core_metadata("a")
        .build();
    let f = &get_json(&index, "/simple/a/").json()["files"][0];
    assert!(f.get("core-metadata").is_none());
    assert!(f.get("dist-info-metadata").is_none());
    assert!(!get(&index, "/simple/a/").text().contains("metadata"));
    assert_eq!(
        get(&index, "/files/a-1.0.0-py3-none-any.whl.metadata").status,
        Some(200)
    );
}

#[test]
fn files_are_deterministic() {
    let a = sample();
    let b = sample();
    assert_eq!(a.filenames(), b.filenames());
    for f in a.filenames() {
        assert_eq!(a.file(&f), b.file(&f), "{f}");
    }
}

#[test]
fn range_requests() {
    let index = sample();
    let path = "/files/a-1.0.0-py3-none-any.whl";
    let whole = index.file("a-1.0.0-py3-none-any.whl").unwrap();
    let len = whole.len();

    let tail = request(&index, "GET", path, &[("Range", "bytes=-100")]);
    assert_eq!(tail.status, Some(206));
    assert_eq!(tail.body, whole[len - 100..]);
    assert_eq!(
        tail.header("content-range").unwrap(),
        format!("bytes {}-{}/{len}", len - 100, len - 1)
    );
    assert_eq!(tail.header("content-length").unwrap(), "100");

    let mid = request(&index, "GET", path, &[("Range", "bytes=10-19")]);
    assert_eq!(mid.status, Some(206));
    assert_eq!(mid.body, whole[10..20]);
    assert_eq!(
        mid.header("content-range").unwrap(),
        format!("bytes 10-19/{len}")
    );

    let open = request(&index, "GET", path, &[("Range", "bytes=10-")]);
    assert_eq!(open.body, whole[10..]);

    let past = request(&index, "GET", path, &[("Range", "bytes=5-999999")]);
    assert_eq!(past.body, whole[5..]);

    let bad = request(&index, "GET", path, &[("Range", &format!("bytes={len}-"))]);
    assert_eq!(bad.status, Some(416));
    assert_eq!(
        bad.header("content-range").unwrap(),
        format!("bytes */{len}")
    );

    let head = request(&index, "HEAD", path, &[]);
    assert_eq!(head.status, Some(200));
    assert_eq!(head.header("content-length").unwrap(), len.to_string());
    assert_eq!(head.header("accept-ranges"), Some("bytes"));
    assert!(head.body.is_empty());
}

#[test]
fn status_faults() {
    let index = sample();
    index.fault("/simple/a/", Fault::Status(503));
    assert_eq!(get(&index, "/simple/a/").status, Some(503));
    assert_eq!(get(&index, "/simple/a/").status, Some(503));
    assert_eq!(get(&index, "/simple/b/").status, Some(200));
    index.fault("/simple/a/", Fault::StatusTimes(500, 2));
    assert_eq!(get(&index, "/simple/a/").status, Some(500));
    assert_eq!(get(&index, "/simple/a/").status, Some(500));
    assert_eq!(get(&index, "/simple/a/").status, Some(200));
    index.fault(
        "/files/",
        Fault::RateLimited {
            retry_after_secs: 7,
            times: 1,
        },
    );
    let r = get(&index, "/files/b-1.0.0.tar.gz");
    assert_eq!(r.status, Some(429));
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(get(&index, "/files/b-1.0.0.tar.gz").status, Some(200));
    // The longest matching prefix wins.
    index.fault("/files/", Fault::Status(404));
    index.fault("/files/b-", Fault::Status(500));
    assert_eq!(get(&index, "/files/b-1.0.0.tar.gz").status, Some(500));
    assert_eq!(get(&index, "/files/c-1.0.0.tar.gz").status, Some(404));
    index.clear_faults();
    assert_eq!(get(&index, "/files/c-1.0.0.tar.gz").status, Some(200));
}

#[test]
fn connection_reset_and_truncated_body() {
    let index = sample();
    index.fault("/simple/a/", Fault::ConnectionReset { times: 2 });
    assert_eq!(get(&index, "/simple/a/").status, None);
    // A real reset (RST), not just an orderly close.
    let mut s = TcpStream::connect(index.addr()).unwrap();
    s.write_all(b"GET /simple/a/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let err = s.read_to_end(&mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    assert_eq!(get(&index, "/simple/a/").status, Some(200));

    index.fault("/files/", Fault::TruncatedBody);
    let r = get(&index, "/files/a-1.0.0.tar.gz");
    assert_eq!(r.status, Some(200));
    let promised: usize = r.header("content-length").unwrap().parse().unwrap();
    assert_eq!(promised, index.file("a-1.0.0.tar.gz").unwrap().len());
    assert!(r.body.len() < promised);
    assert_eq!(
        index.request_log()[..3],
        [
            "GET /simple/a/ reset",
            "GET /simple/a/ reset",
            "GET /simple/a/ 200"
        ]
    );
}

#[test]
fn delay_fault_still_serves() {
    let index = sample();
    index.fault("/simple/b/", Fault::Delay(Duration::from_millis(50)));
    assert_eq!(get(&index, "/simple/b/").status, Some(200));
}

#[test]
fn wrong_hash_metadata_and_range_faults() {
    let index = sample();
    let wheel = "a-1.0.0-py3-none-any.whl";
    let whole = index.file(wheel).unwrap();

    index.fault("/files/", Fault::WrongHash);
    for name in [wheel, "a-1.0.0.tar.gz", &format!("{wheel}.metadata")] {
        let r = get(&index, &format!("/files/{name}"));
        assert_eq!(r.status, Some(200));
        assert_ne!(
            sha256_hex(&r.body),
            sha256_hex(&index.file(name).unwrap()),
            "{name}"
        );
    }
    assert_eq!(
        get(&index, &format!("/files/{wheel}")).body.len(),
        whole.len()
    );

    index.fault("/files/", Fault::NoMetadata);
    assert_eq!(
        get(&index, &format!("/files/{wheel}.metadata")).status,
        Some(404)
    );
    assert_eq!(get(&index, &format!("/files/{wheel}")).status, Some(200));

    index.fault("/files/", Fault::NoRange);
    let r = request(
        &index,
        "GET",
        &format!("/files/{wheel}"),
        &[("Range", "bytes=-10")],
    );
    assert_eq!(r.status, Some(200));
    assert_eq!(r.body, whole);
    assert_eq!(r.header("accept-ranges"), None);
}

#[test]
fn malformed_pages() {
    let index = sample();
    index.fault("/simple/", Fault::MalformedJson);
    assert!(
        serde_json::from_slice::<serde_json::Value>(&get_json(&index, "/simple/a/").body).is_err()
    );
    assert!(get(&index, "/simple/a/").text().contains("a-1.0.0.tar.gz"));
    index.fault("/simple/", Fault::MalformedHtml);
    let html = get(&index, "/simple/a/").text();
    assert!(!html.contains("a-1.0.0.tar.gz"));
    assert!(!html.contains("</html>"));
    get_json(&index, "/simple/a/").json();
}

#[test]
fn counters_and_log() {
    let index = sample();
    get_json(&index, "/simple/a/");
    get(&index, "/simple/a/");
    request(&index, "HEAD", "/files/a-1.0.0.tar.gz", &[]);
    get(&index, "/files/a-1.0.0-py3-none-any.whl.metadata");
    get(&index, "/simple/zzz/");
    assert_eq!(index.requests("/simple/a/"), 2);
    assert_eq!(index.requests("/simple/"), 3);
    assert_eq!(index.requests("/files/"), 2);
    assert_eq!(
        index.requests("/files/a-1.0.0-py3-none-any.whl.metadata"),
        1
    );
    assert_eq!(index.requests("/"), 5);
    assert_eq!(
        index.request_log(),
        [
            "GET /simple/a/ 200",
            "GET /simple/a/ 200",
            "HEAD /files/a-1.0.0.tar.gz 200",
            "GET /files/a-1.0.0-py3-none-any.whl.metadata 200",
            "GET /simple/zzz/ 404",
        ]
    );
    index.reset_counters();
    assert_eq!(index.requests("/"), 0);
    assert!(index.request_log().is_empty());
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let index = sample();
    let mut s = TcpStream::connect(index.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = "GET /simple/b/ HTTP/1.1\r\nHost: x\r\n\r\n";
    s.write_all(format!("{req}{req}").as_bytes()).unwrap();
    s.write_all(b"GET /simple/c/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    assert_eq!(buf.matches("HTTP/1.1 200 OK").count(), 3);
    assert_eq!(index.requests("/simple/"), 3);
}

#[test]
fn scenario_file_becomes_an_index() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios/extras/all-extras-required.toml");
    let index = TestIndex::from_scenario_file(&path);
    let a = get_json(&index, "/simple/a/").json();
    assert_eq!(a["files"][0]["requires-python"], ">=3.12");
    let meta = get(&index, "/files/a-1.0.0-py3-none-any.whl.metadata").text();
    assert!(meta.contains("Provides-Extra: extra-b\n"), "{meta}");
    assert!(
        meta.contains("Requires-Dist: b ; extra == \"extra-b\"\n"),
        "{meta}"
    );
    assert_eq!(get(&index, "/simple/c/").status, Some(200));
}

#[test]
fn pip_installs_from_the_index() {
    let pip = test_venv().join("bin/pip");
    let index = TestIndex::builder()
        .package(
            "a",
            "1.0.0",
            PackageSpec::new().requires(["b>=1", "c[fast]"]),
        )
        .package("a", "2.0.0", PackageSpec::new())
        .package("b", "1.0.0", PackageSpec::new())
        .package("c", "1.0.0", PackageSpec::new().extra("fast", ["d"]))
        .package("d", "1.0.0", PackageSpec::new())
        .hide_core_metadata("b")
        .build();
    let target = tempfile::tempdir().unwrap();
    let out = Command::new(&pip)
        .args([
            "install",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-input",
            "--index-url",
            &index.url(),
            "--target",
        ])
        .arg(target.path())
        .args(["--no-binary", "d", "a==1.0.0"])
        .env("PIP_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pip failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for module in ["a", "b", "c", "d"] {
        assert!(
            target.path().join(module).join("__init__.py").exists(),
            "{module} not installed"
        );
        assert!(
            target
                .path()
                .join(format!("{module}-1.0.0.dist-info/METADATA"))
                .exists()
        );
    }
    // pip reads advertised metadata from the sidecar and otherwise downloads the wheel.
    let log = index.request_log();
    for line in [
        "GET /files/a-1.0.0-py3-none-any.whl.metadata 200",
        "GET /files/b-1.0.0-py3-none-any.whl 200",
        "GET /files/d-1.0.0.tar.gz 200",
    ] {
        assert!(log.iter().any(|l| l == line), "{line} not in {log:#?}");
    }
    assert!(
        !log.iter()
            .any(|l| l.contains("b-1.0.0-py3-none-any.whl.metadata"))
    );
}

#[test]
fn etags_and_cache_control_are_opt_in() {
    let plain = sample();
    let r = get(&plain, "/simple/a/");
    assert_eq!(r.header("etag"), None);
    assert_eq!(r.header("cache-control"), None);

    let index = TestIndex::builder()
        .package("a", "1.0.0", PackageSpec::new())
        .etags()
        .cache_control("max-age=0")
        .build();
    let first = get_json(&index, "/simple/a/");
    assert_eq!(first.header("cache-control"), Some("max-age=0"));
    let etag = first.header("etag").unwrap().to_string();
    let again = request(
        &index,
        "GET",
        "/simple/a/",
        &[("Accept", JSON), ("If-None-Match", &etag)],
    );
    assert_eq!(again.status, Some(304));
    assert!(again.body.is_empty());
    // The HTML page is a different representation with its own tag.
    let html = request(&index, "GET", "/simple/a/", &[("If-None-Match", &etag)]);
    assert_eq!(html.status, Some(200));
}

#[test]
fn local_versions_and_unnormalised_names() {
    let index = TestIndex::builder()
        .package("My_Pkg", "1.0.0+local.1", PackageSpec::new())
        .package("my-pkg", "0.9", PackageSpec::new().sdist(false))
        .build();
    let doc = get_json(&index, "/simple/my-pkg/").json();
    assert_eq!(doc["versions"], serde_json::json!(["0.9", "1.0.0+local.1"]));
    let f = &doc["files"][1];
    assert_eq!(f["filename"], "my_pkg-1.0.0+local.1-py3-none-any.whl");
    let url = f["url"].as_str().unwrap();
    assert!(
        url.ends_with("/files/my_pkg-1.0.0%2Blocal.1-py3-none-any.whl"),
        "{url}"
    );
    let body = get(&index, &path_of(&index, url));
    assert_eq!(sha256_hex(&body.body), f["hashes"]["sha256"]);
    let meta = get(&index, &format!("{}.metadata", path_of(&index, url))).text();
    assert!(meta.contains("Name: My_Pkg\n"), "{meta}");
}

/// Checks every archive with Python's own readers: wheels are valid zips whose RECORD
/// hashes match, sdists are gzipped tars with static PKG-INFO and pyproject metadata.
#[test]
fn archives_are_valid_for_python() {
    let python = test_venv().join("bin/python");
    let index = sample();
    let dir = tempfile::tempdir().unwrap();
    for name in index.filenames() {
        std::fs::write(dir.path().join(&name), index.file(&name).unwrap()).unwrap();
    }
    let script = r#"
import base64, hashlib, pathlib, sys, tarfile, tomllib, zipfile
from email.parser import HeaderParser
d = pathlib.Path(sys.argv[1])
seen = 0
for whl in sorted(d.glob("*.whl")):
    with zipfile.ZipFile(whl) as z:
        assert z.testzip() is None, whl
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist()), whl
        names = z.namelist()
        record = [n for n in names if n.endswith(".dist-info/RECORD")][0]
        for line in z.read(record).decode().splitlines():
            path, digest, size = line.rsplit(",", 2)
            if path == record:
                continue
            data = z.read(path)
            want = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == want and int(size) == len(data), (whl, path)
        meta = z.read(record.replace("RECORD", "METADATA"))
        assert meta == (d / (whl.name + ".metadata")).read_bytes(), whl
        seen += 1
for sdist in sorted(d.glob("*.tar.gz")):
    with tarfile.open(sdist) as t:
        top = sdist.name[: -len(".tar.gz")]
        pkg = HeaderParser().parsestr(t.extractfile(f"{top}/PKG-INFO").read().decode())
        assert pkg["Metadata-Version"] == "2.2" and pkg["Dynamic"] is None, sdist
        project = tomllib.load(t.extractfile(f"{top}/pyproject.toml"))["project"]
        assert project["version"] == pkg["Version"], sdist
        assert "dynamic" not in project, sdist
        reqs = [r for r in (pkg.get_all("Requires-Dist") or []) if "extra ==" not in r]
        assert project["dependencies"] == reqs, (sdist, project, reqs)
        seen += 1
print(seen)
"#;
    let out = run_ok(Command::new(&python).arg("-c").arg(script).arg(dir.path()));
    let wheels_and_sdists = index
        .filenames()
        .iter()
        .filter(|n| !n.ends_with(".metadata"))
        .count();
    assert_eq!(out.trim(), wheels_and_sdists.to_string());
}

#[tokio::test]
async fn reqwest_client_works_with_the_server() {
    let index = sample();
    let client = reqwest::Client::new();
    let url = format!("{}/a/", index.url());
    // Several requests over the client's pooled keep-alive connection.
    for _ in 0..3 {
        let r = client
            .get(&url)
            .header("Accept", JSON)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let doc: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        assert_eq!(doc["name"], "a");
    }
    let wheel = index.file_url("a-1.0.0-py3-none-any.whl");
    let r = client
        .get(&wheel)
        .header("Range", "bytes=-100")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.bytes().await.unwrap().len(), 100);
    let head = client.head(&wheel).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-length"].to_str().unwrap(),
        index
            .file("a-1.0.0-py3-none-any.whl")
            .unwrap()
            .len()
            .to_string()
    );
    // A non-normalised name is redirected and followed.
    let r = client
        .get(format!("{}/A/", index.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.url().path(), "/simple/a/");

    index.fault("/simple/b/", Fault::ConnectionReset { times: 1 });
    let first = client.get(format!("{}/b/", index.url())).send().await;
    assert!(first.is_err(), "{first:?}");
    let second = client
        .get(format!("{}/b/", index.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(index.requests("/simple/b/"), 2);

    index.fault("/files/", Fault::TruncatedBody);
    let r = client.get(&wheel).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.is_err());
    index.clear_faults();
    let r = client.get(&wheel).send().await.unwrap();
    assert_eq!(
        sha256_hex(&r.bytes().await.unwrap()),
        sha256_hex(&index.file("a-1.0.0-py3-none-any.whl").unwrap())
    );
}

/// Every scenario of the repository becomes an index whose pages list files with the
/// hashes of the bytes served.
#[test]
fn every_repository_scenario_builds() {
    let mut scenarios = 0;
    for path in crate::common::scenario::scenario_files() {
        scenarios += 1;
        let scenario = crate::common::scenario::Scenario::load(&path);
        let index = TestIndex::from_scenario(&scenario);
        for name in scenario.packages.keys() {
            let page = get_json(
                &index,
                &format!("/simple/{}/", crate::common::server::normalize(name)),
            );
            assert_eq!(page.status, Some(200), "{}: {name}", path.display());
            for f in page.json()["files"].as_array().unwrap() {
                let filename = f["filename"].as_str().unwrap();
                let bytes = index.file(filename).unwrap();
                assert_eq!(f["hashes"]["sha256"], sha256_hex(&bytes), "{filename}");
            }
        }
    }
    assert!(scenarios > 100, "only {scenarios} scenarios found");
}

#[test]
fn publishing_while_serving_changes_the_pages() {
    let index = TestIndex::builder()
        .package("a", "1.0.0", PackageSpec::new())
        .etags()
        .build();
    let before = get_json(&index, "/simple/a/");
    assert_eq!(before.json()["versions"], serde_json::json!(["1.0.0"]));
    index.publish("a", "1.1.0", PackageSpec::new().requires(["b"]));
    index.publish("b", "0.1", PackageSpec::new());
    let etag = before.header("etag").unwrap();
    let after = request(
        &index,
        "GET",
        "/simple/a/",
        &[("Accept", JSON), ("If-None-Match", etag)],
    );
    assert_eq!(after.status, Some(200));
    assert_eq!(
        after.json()["versions"],
        serde_json::json!(["1.0.0", "1.1.0"])
    );
    assert_eq!(
        get(&index, "/files/b-0.1-py3-none-any.whl").status,
        Some(200)
    );
    // Replacing a version (e.g. yanking it) keeps its files' bytes.
    let wheel = index.file("a-1.0.0-py3-none-any.whl").unwrap();
    index.publish("a", "1.0.0", PackageSpec::new().yanked(Some("bad")));
    let doc = get_json(&index, "/simple/a/").json();
    assert_eq!(doc["files"][0]["yanked"], "bad");
    assert_eq!(index.file("a-1.0.0-py3-none-any.whl").unwrap(), wheel);
}
