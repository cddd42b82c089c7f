//! `pinctl cache dir` and `pinctl cache clean`, run as a process.

use crate::common::cli::pinctl;

#[test]
fn cache_dir_follows_the_flag_then_the_environment() {
    let out = pinctl()
        .args(["cache", "dir", "--cache-dir", "/some/where"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "/some/where\n");

    let out = pinctl()
        .args(["cache", "dir"])
        .env("PINCTL_CACHE_DIR", "/from/env")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "/from/env\n");

    let out = pinctl().args(["cache", "dir"]).output().unwrap();
    let default = String::from_utf8(out.stdout).unwrap();
    assert!(default.trim_end().ends_with("pinctl"), "{default}");
}

#[test]
fn cache_clean_says_what_it_removed() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c");
    fs_err::create_dir_all(cache.join("metadata-v2/x/a")).unwrap();
    fs_err::write(cache.join("metadata-v2/x/a/1.0.json"), vec![b' '; 2048]).unwrap();
    let out = pinctl()
        .args(["cache", "clean", "--cache-dir"])
        .arg(&cache)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!("Removed 2.0 KiB from {}\n", cache.display())
    );
    assert!(!cache.exists());

    let out = pinctl()
        .args(["cache", "clean", "--cache-dir"])
        .arg(&cache)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("Nothing to clean"), "{stderr}");
}
