//! Runs the real `pinctl` binary and captures the whole run (exit code, stdout,
//! stderr) in one string for an insta snapshot, with machine-specific text filtered.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A `pinctl` command with a deterministic environment: no colour, a fixed terminal
/// width, and no `PINCTL_*` settings inherited from the developer's shell.
pub fn pinctl() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pinctl"));
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PINCTL_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Runs `cmd` and renders the run as
///
/// ```text
/// success: false
/// exit_code: 1
/// ----- stdout -----
/// ...
/// ----- stderr -----
/// ...
/// ```
///
/// The command's working directory (and its canonical form) become `[TEMP]`, as does
/// any other path under the system temp directory.
pub fn run(cmd: &mut Command) -> String {
    let output = cmd.output().expect("failed to run pinctl");
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(dir) = cmd.get_current_dir() {
        roots.push(dir.to_path_buf());
        if let Ok(canonical) = dir.canonicalize() {
            roots.push(canonical);
        }
    }
    let text = format!(
        "success: {}\nexit_code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
        output.status.success(),
        output
            .status
            .code()
            .map_or("none".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    filter(&text, &roots)
}

/// One finished run of a command, its output as (lossy) UTF-8.
pub struct Output {
    /// The exit code, -1 when a signal ended the process.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Runs `cmd` to the end, with `roots` and temp paths in its output replaced as
    /// [`filter`] does.
    pub fn of(cmd: &mut Command, roots: &[PathBuf]) -> Self {
        let out = cmd.output().expect("failed to run the command");
        let clean = |b: &[u8]| filter(&String::from_utf8_lossy(b), roots);
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
        }
    }

    /// The run as a snapshot: exit code, stdout, stderr.
    pub fn render(&self) -> String {
        format!(
            "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Replaces `roots` and any `<temp dir>/<name>` path with `[TEMP]`.
pub fn filter(text: &str, roots: &[PathBuf]) -> String {
    let mut text = text.to_string();
    let mut roots = roots.to_vec();
    roots.sort_by_key(|root| std::cmp::Reverse(root.as_os_str().len()));
    for root in &roots {
        text = text.replace(&root.display().to_string(), "[TEMP]");
    }
    let temp = std::env::temp_dir();
    for temp in [temp.canonicalize().unwrap_or_else(|_| temp.clone()), temp] {
        text = replace_under(&text, &temp);
    }
    text
}

/// Replaces `<dir>/<one component>` with `[TEMP]`.
fn replace_under(text: &str, dir: &Path) -> String {
    let prefix = format!(
        "{}{}",
        dir.display().to_string().trim_end_matches(['/', '\\']),
        std::path::MAIN_SEPARATOR
    );
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&prefix) {
        out.push_str(&rest[..at]);
        out.push_str("[TEMP]");
        let after = &rest[at + prefix.len()..];
        let end = after
            .find(|c: char| {
                c == '/' || c == '\\' || c.is_whitespace() || matches!(c, '`' | '\'' | '"' | ':')
            })
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
