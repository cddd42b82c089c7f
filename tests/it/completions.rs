//! The committed completion scripts in completions/ must match what the binary prints.
//! Regenerate with `PINCTL_UPDATE_COMPLETIONS=1 cargo test --test it completions`.

use std::path::Path;

use crate::common::cli::pinctl;

/// Each shell's name for `pinctl completions <shell>`, and its file in completions/.
const SHELLS: [(&str, &str); 5] = [
    ("bash", "pinctl.bash"),
    ("zsh", "_pinctl"),
    ("fish", "pinctl.fish"),
    ("elvish", "pinctl.elv"),
    ("powershell", "_pinctl.ps1"),
];

/// The script `pinctl completions <shell>` prints.
fn script(shell: &str) -> String {
    let out = pinctl().args(["completions", shell]).output().unwrap();
    assert!(
        out.status.success(),
        "pinctl completions {shell} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("PINCTL_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let expected = script(shell);
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
        "completions {stale:?} are stale: run `PINCTL_UPDATE_COMPLETIONS=1 cargo test --test it completions` and commit completions/"
    );
}
