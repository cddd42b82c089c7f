//! The committed completion scripts in completions/ must match the CLI.
//! Regenerate with `PINCTL_UPDATE_COMPLETIONS=1 cargo test --test completions`.

use std::path::Path;

use clap_complete::Shell;

const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "pinctl.bash"),
    (Shell::Zsh, "_pinctl"),
    (Shell::Fish, "pinctl.fish"),
    (Shell::Elvish, "pinctl.elv"),
    (Shell::PowerShell, "_pinctl.ps1"),
];

#[test]
fn completions_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("PINCTL_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let expected = pinctl::commands::completions::script(shell);
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &expected).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions {stale:?} are stale: run `PINCTL_UPDATE_COMPLETIONS=1 cargo test --test completions` and commit completions/"
    );
}

#[test]
fn binary_prints_the_same_script() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pinctl"))
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        pinctl::commands::completions::script(Shell::Bash)
    );
}
