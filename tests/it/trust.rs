//! Trust the lock (issue 13): no fault of the index or the cache yields a wrong lock
//! with exit 0. The real binary against the in-process test index, misbehaving on
//! purpose: `.metadata` files that disagree with their wheels or do not parse, answers
//! that are not project pages, gzip bodies, a hung index, corrupted cache entries,
//! Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::cli::pinctl;
use crate::common::server::{Fault, PackageSpec, TestIndex};

const APP_WHEEL: &str = "app-1.0-py3-none-any.whl";

/// `app` 1.0 needs `idna>=1`; the index does not advertise its `.metadata` files (as
/// the reachable PyPI does not) but serves them.
fn index() -> TestIndex {
    TestIndex::builder()
        .package("app", "1.0", PackageSpec::new().requires(["idna>=1"]))
        .package("idna", "1.0", PackageSpec::new())
        .package("idna", "2.0", PackageSpec::new())
        .hide_all_core_metadata()
        .build()
}

/// A project directory depending on `deps`, and a cache directory beside it.
fn project(deps: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("project");
    fs_err::create_dir_all(&dir).unwrap();
    let deps: Vec<String> = deps.iter().map(|d| format!("\"{d}\"")).collect();
    fs_err::write(
        dir.join("pyproject.toml"),
        format!(
            "[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\ndependencies = [{}]\n",
            deps.join(", ")
        ),
    )
    .unwrap();
    let cache = root.path().join("cache");
    (root, dir, cache)
}

fn lock_cmd(dir: &Path, index: &TestIndex, cache: &Path, args: &[&str]) -> Command {
    let mut cmd = pinctl();
    cmd.current_dir(dir)
        .arg("lock")
        .args(["--index-url", &index.url()])
        .args(args)
        .env("PINCTL_CACHE_DIR", cache);
    cmd
}

fn lock(dir: &Path, index: &TestIndex, cache: &Path, args: &[&str]) -> Output {
    lock_cmd(dir, index, cache, args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `name version` pairs of pylock.toml, sorted.
fn locked(dir: &Path) -> Vec<String> {
    let text = fs_err::read_to_string(dir.join("pylock.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let mut out: Vec<String> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

/// The real `.metadata` of `wheel`, with `edit` applied.
fn edited_sidecar(index: &TestIndex, wheel: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let real = index.file(&format!("{wheel}.metadata")).unwrap();
    edit(&String::from_utf8(real).unwrap()).into_bytes()
}

#[test]
fn an_unadvertised_metadata_file_that_differs_from_its_wheel_is_caught_before_the_lock_is_written()
{
    let index = index();
    // The sidecar forgets `idna`; the wheel's own METADATA has it.
    let forgetful = edited_sidecar(&index, APP_WHEEL, |m| {
        m.replace("Requires-Dist: idna>=1\n", "")
    });
    index.override_file(&format!("{APP_WHEEL}.metadata"), &forgetful);
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("{}/files/{APP_WHEEL}.metadata", index.base()))
            && err.contains("does not match the wheel's own METADATA")
            && err.contains("it lacks `idna>=1`"),
        "{err}"
    );
    assert_eq!(locked(&dir), ["app 1.0", "idna 2.0"]);
    // The correction is cached: an offline lock from scratch has idna and says nothing.
    fs_err::remove_file(dir.join("pylock.toml")).unwrap();
    index.reset_counters();
    let out = lock(&dir, &index, &cache, &["--offline"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("METADATA"), "{err}");
    assert_eq!(locked(&dir), ["app 1.0", "idna 2.0"]);
    assert!(index.request_log().is_empty(), "{:?}", index.request_log());
}

#[test]
fn confirming_unadvertised_metadata_costs_range_reads_once_then_nothing() {
    let index = index();
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("METADATA"), "{}", stderr(&out));
    // Each locked wheel was read (range requests) to confirm its sidecar.
    for wheel in [APP_WHEEL, "idna-2.0-py3-none-any.whl"] {
        assert!(
            index
                .request_log()
                .iter()
                .any(|r| r.contains(&format!("/files/{wheel} "))),
            "{wheel}: {:?}",
            index.request_log()
        );
    }
    // Confirmed once, for good: locking again from scratch reads no file.
    fs_err::remove_file(dir.join("pylock.toml")).unwrap();
    index.reset_counters();
    let out = lock(&dir, &index, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(index.requests("/files/"), 0, "{:?}", index.request_log());
}

#[test]
fn a_metadata_file_with_a_line_that_does_not_parse_is_not_used_line_by_line() {
    let index = index();
    let garbled = edited_sidecar(&index, APP_WHEEL, |m| {
        m.replace("Requires-Dist: idna>=1", "Requires-Dist: idna >=< 1")
    });
    index.override_file(&format!("{APP_WHEEL}.metadata"), &garbled);
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Not the sidecar minus its bad line: the wheel's own METADATA.
    assert_eq!(locked(&dir), ["app 1.0", "idna 2.0"]);

    // A junk sidecar (an HTML error page served with 200) falls back the same way.
    let index = self::index();
    index.override_file(
        &format!("{APP_WHEEL}.metadata"),
        b"<html><body>Service temporarily unavailable</body></html>",
    );
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(locked(&dir), ["app 1.0", "idna 2.0"]);
}

#[test]
fn metadata_that_does_not_parse_anywhere_fails_naming_package_version_url_and_line() {
    let index = TestIndex::builder()
        .package(
            "broken",
            "1.0",
            PackageSpec::new().requires(["idna>=1", "oops ==="]),
        )
        .package("idna", "1.0", PackageSpec::new())
        .hide_all_core_metadata()
        .build();
    let (_root, dir, cache) = project(&["broken>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("invalid metadata for `broken` 1.0")
            && err.contains("/files/broken-1.0-py3-none-any.whl")
            && err.contains("line 5")
            && err.contains("`oops ===`"),
        "{err}"
    );
    assert!(!dir.join("pylock.toml").exists());
}

#[test]
fn an_advertised_metadata_file_with_a_wrong_hash_is_fetched_again_then_refused() {
    let index = TestIndex::builder()
        .package("app", "1.0", PackageSpec::new().requires(["idna>=1"]))
        .package("idna", "1.0", PackageSpec::new())
        .build();
    let sidecar = format!("/files/{APP_WHEEL}.metadata");
    // Once: a proxy hiccup, healed by asking again.
    index.fault(&sidecar, Fault::WrongHashTimes(1));
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(locked(&dir), ["app 1.0", "idna 1.0"]);
    assert_eq!(index.requests(&sidecar), 2);
    // Always: refused, naming the URL and both hashes.
    let index = TestIndex::builder()
        .package("app", "1.0", PackageSpec::new().requires(["idna>=1"]))
        .package("idna", "1.0", PackageSpec::new())
        .build();
    index.fault(&sidecar, Fault::WrongHash);
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("hash mismatch") && err.contains(&format!("{}{sidecar}", index.base())),
        "{err}"
    );
    assert!(!dir.join("pylock.toml").exists());
}

#[test]
fn answers_that_are_not_project_pages_are_retried_reported_and_never_cached() {
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "text/html; charset=utf-8",
            b"<!DOCTYPE html><html><head><title>Hotel Wi-Fi</title></head><body>Please log in to continue.</body></html>",
            "Hotel Wi-Fi",
        ),
        ("application/vnd.pypi.simple.v1+json", b"", "the body is empty"),
        (
            "application/vnd.pypi.simple.v1+json",
            br#"{"message": "rate limited"}"#,
            "rate limited",
        ),
        ("text/plain", b"app 1.0\n", "neither HTML nor JSON"),
    ];
    for (content_type, body, says) in cases {
        let index = index();
        let fault = |times| Fault::Body {
            content_type: content_type.to_string(),
            body: body.to_vec(),
            times,
        };
        // Twice, then the real page: the lock is made, from the real page.
        index.fault("/simple/app/", fault(2));
        let (_root, dir, cache) = project(&["app>=1,<2"]);
        let out = lock(&dir, &index, &cache, &[]);
        assert!(out.status.success(), "{content_type}: {}", stderr(&out));
        assert_eq!(locked(&dir), ["app 1.0", "idna 2.0"]);
        assert_eq!(index.requests("/simple/app/"), 3);

        // Every time: an error naming the URL and what came back; nothing cached.
        let index = self::index();
        index.fault("/simple/app/", fault(usize::MAX));
        let (_root, dir, cache) = project(&["app>=1,<2"]);
        let out = lock(&dir, &index, &cache, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{content_type}: {err}");
        assert!(
            err.contains(&format!("{}/app/", index.url()))
                && err.contains(content_type)
                && err.contains(says),
            "{content_type}: {err}"
        );
        assert!(!dir.join("pylock.toml").exists());
        // The index fixed, the next run succeeds at once.
        index.clear_faults();
        let out = lock(&dir, &index, &cache, &[]);
        assert!(out.status.success(), "{content_type}: {}", stderr(&out));
        assert_eq!(locked(&dir), ["app 1.0", "idna 2.0"]);
    }
}

#[test]
fn gzip_encoded_answers_are_decoded() {
    let plain = index();
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &plain, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = fs_err::read_to_string(dir.join("pylock.toml")).unwrap();

    let gzip = index();
    gzip.fault("/", Fault::Gzip);
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &gzip, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = fs_err::read_to_string(dir.join("pylock.toml")).unwrap();
    // Same lock but for the index's address (and so the fingerprint).
    let normal = |text: &str, index: &TestIndex| -> String {
        text.lines()
            .filter(|l| !l.starts_with("fingerprint = ") && !l.starts_with("content-digest = "))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(&index.base(), "INDEX")
    };
    assert_eq!(normal(&text, &gzip), normal(&expected, &plain));
    assert!(
        gzip.request_log().iter().any(|r| r.contains("/files/")),
        "{:?}",
        gzip.request_log()
    );
}

#[test]
fn a_hung_index_fails_in_about_one_timeout_whatever_the_number_of_packages() {
    let index = TestIndex::builder()
        .package("p1", "1.0", PackageSpec::new())
        .package("p2", "1.0", PackageSpec::new())
        .package("p3", "1.0", PackageSpec::new())
        .package("p4", "1.0", PackageSpec::new())
        .package("p5", "1.0", PackageSpec::new())
        .package("p6", "1.0", PackageSpec::new())
        .build();
    index.fault("/simple/", Fault::Delay(Duration::from_mins(2)));
    let (_root, dir, cache) = project(&["p1>=1", "p2>=1", "p3>=1", "p4>=1", "p5>=1", "p6>=1"]);
    let started = Instant::now();
    let out = lock(&dir, &index, &cache, &["--timeout", "1"]);
    let elapsed = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("timed out") && err.contains("/simple/p"),
        "{err}"
    );
    assert!(err.contains("--timeout"), "the hint names the flag: {err}");
    // In flight together: two timeouts of one request (and a backoff), where one after
    // another the six would take 6 x 2 x 1 s at least.
    assert!(elapsed < Duration::from_secs(9), "{elapsed:?}: {err}");
}

#[test]
fn the_timeout_flag_is_a_setting_with_its_origin() {
    let index = index();
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(
        &dir,
        &index,
        &cache,
        &["--timeout", "7", "-vv", "--dry-run"],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("timeout 7s (from `--timeout`)"), "{err}");
    let out = lock(&dir, &index, &cache, &["--timeout", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs_err::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Copies the tree at `from` to `to`.
fn copy_tree(from: &Path, to: &Path) {
    for file in files_under(from) {
        let target = to.join(file.strip_prefix(from).unwrap());
        fs_err::create_dir_all(target.parent().unwrap()).unwrap();
        fs_err::copy(&file, &target).unwrap();
    }
}

#[test]
fn corrupt_cache_entries_never_change_the_lock() {
    let index = TestIndex::builder()
        .package(
            "app",
            "1.0",
            PackageSpec::new().requires(["idna>=1", "six"]),
        )
        .package("idna", "1.0", PackageSpec::new())
        .package("idna", "2.0", PackageSpec::new())
        .package("idna", "3.0", PackageSpec::new().requires_python(">=3.12"))
        .package("six", "1.16", PackageSpec::new())
        .package("six", "1.17", PackageSpec::new().yanked(Some("broken")))
        .build();
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let out = lock(&dir, &index, &cache, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = fs_err::read_to_string(dir.join("pylock.toml")).unwrap();
    let entries = files_under(&cache);
    assert!(entries.len() >= 6, "{entries:?}");
    let mut rng = fastrand::Rng::with_seed(13);
    let work = cache.with_file_name("corrupted");
    for round in 0..80 {
        let _ = fs_err::remove_dir_all(&work);
        copy_tree(&cache, &work);
        let victim = work.join(
            entries[rng.usize(..entries.len())]
                .strip_prefix(&cache)
                .unwrap(),
        );
        let original = fs_err::read(&victim).unwrap();
        let mut bytes = original.clone();
        let how = match round % 4 {
            0 => {
                let at = rng.usize(..bytes.len());
                bytes[at] ^= 1 << rng.u8(..8);
                "a flipped bit"
            }
            1 => {
                bytes.truncate(rng.usize(..bytes.len()));
                "cut short"
            }
            2 => {
                bytes.extend_from_slice(b"\0garbage");
                "garbage appended"
            }
            _ => {
                let at = rng.usize(..bytes.len());
                let len = (bytes.len() - at).min(16);
                bytes[at..at + len].fill(0);
                if bytes == original {
                    bytes[at] = 0xff;
                }
                "zeroed bytes"
            }
        };
        fs_err::write(&victim, &bytes).unwrap();
        fs_err::remove_file(dir.join("pylock.toml")).unwrap();
        let out = lock(&dir, &index, &work, &["-v"]);
        let what = format!("round {round}: {} {how}", victim.display());
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        let text = fs_err::read_to_string(dir.join("pylock.toml")).unwrap();
        assert_eq!(text, expected, "{what}");
        assert!(
            stderr(&out).contains("discarding corrupt cache entry"),
            "{what}: {}",
            stderr(&out)
        );
    }
    // Offline, a corrupt entry cannot be fetched again: an error naming the package.
    let _ = fs_err::remove_dir_all(&work);
    copy_tree(&cache, &work);
    let page = files_under(&work)
        .into_iter()
        .find(|p| p.ends_with("idna.bin"))
        .unwrap();
    let mut bytes = fs_err::read(&page).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    fs_err::write(&page, &bytes).unwrap();
    fs_err::remove_file(dir.join("pylock.toml")).unwrap();
    let out = lock(&dir, &index, &work, &["--offline"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`idna` is not in the cache"), "{err}");
    assert!(!page.exists(), "the corrupt entry is removed");
}

#[cfg(unix)]
#[test]
fn ctrl_c_cancels_the_work_leaves_nothing_behind_and_exits_130() {
    let index = index();
    index.fault("/simple/", Fault::Delay(Duration::from_mins(1)));
    let (_root, dir, cache) = project(&["app>=1,<2"]);
    let child = lock_cmd(&dir, &index, &cache, &[])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Let it start its requests.
    std::thread::sleep(Duration::from_millis(700));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(!dir.join("pylock.toml").exists());
    let left: Vec<PathBuf> = files_under(&dir)
        .into_iter()
        .chain(files_under(&cache))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(".tmp"))
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
