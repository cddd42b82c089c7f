//! The Python tools venv made by `scripts/test-env` (pip, uv, packaging) and the
//! helpers that run them: install into a target directory, list what was installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// The venv with pip >= 26, packaging >= 25.1 and uv (made by `scripts/test-env`).
pub fn test_venv() -> PathBuf {
    let venv = std::env::var_os("PINCTL_TEST_VENV").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-venv"),
        PathBuf::from,
    );
    assert!(
        venv.join("bin/python").exists() && venv.join("bin/uv").exists(),
        "the Python tools venv is missing at {}: run ./scripts/test-env first",
        venv.display()
    );
    venv
}

/// Runs `cmd`, asserts that it succeeded and returns its stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The top-level importable packages installed in a `--target` directory.
pub fn installed(target: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(target)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            (!name.ends_with(".dist-info") && !name.starts_with('.') && name != "bin")
                .then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// The `name-version` of each distribution installed in a `--target` directory (from
/// its `.dist-info`).
pub fn installed_dists(target: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(target)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".dist-info").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// Installs with `tool` (`pip` or `uv` from the test venv) into a fresh target directory,
/// running in `cwd` with `args` (e.g. `-r pylock.toml`); returns the target directory.
/// Without the network when `offline` (`--no-index`, and `--offline` for uv). No cache,
/// and no pip/uv configuration or index from the developer's environment.
pub fn install_into(tool: &str, cwd: &Path, args: &[&str], offline: bool) -> TempDir {
    let venv = test_venv();
    let target = tempfile::tempdir().unwrap();
    let mut cmd = if tool == "pip" {
        let mut c = Command::new(venv.join("bin/pip"));
        c.args(["install", "--no-cache-dir", "--disable-pip-version-check"]);
        if offline {
            c.arg("--no-index");
        }
        c
    } else {
        let mut c = Command::new(venv.join("bin/uv"));
        c.args(["pip", "install", "--no-cache"]);
        if offline {
            c.args(["--offline", "--no-index"]);
        }
        c.arg("--python").arg(venv.join("bin/python"));
        c
    };
    cmd.arg("--target")
        .arg(target.path())
        .args(args)
        .current_dir(cwd)
        .env("PIP_CONFIG_FILE", "/dev/null")
        .env_remove("PIP_REQUIRE_VIRTUALENV")
        .env_remove("PIP_INDEX_URL")
        .env_remove("UV_INDEX_URL");
    run_ok(&mut cmd);
    target
}

/// [`install_into`], then the top-level packages it installed ([`installed`]).
pub fn install(tool: &str, cwd: &Path, args: &[&str], offline: bool) -> Vec<String> {
    installed(install_into(tool, cwd, args, offline).path())
}
