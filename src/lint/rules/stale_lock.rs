//! `stale-lock`: pylock.toml next to pyproject.toml no longer matches it.
//!
//! Runs [`lock::verify_project`], the check `pinctl lock --check`, `export` and
//! `outdated` share (inputs changed, a requirement not locked or not allowed, a missing
//! dependency, content changed by hand), so it needs no network and says what they say.
//! A project without a lock has nothing to compare and gives no finding.

use std::sync::Arc;

use crate::lint::{Level, LintContext, Rule, Violation};
use crate::lock::{self, LOCK_FILE_NAME, Lock};
use crate::project::{Layout, Project};
use crate::source::{SourceFile, Span};

/// pyproject.toml changed since `pinctl lock`.
pub struct StaleLock;

impl Rule for StaleLock {
    fn name(&self) -> &'static str {
        "stale-lock"
    }

    fn default_level(&self, _layout: Layout) -> Level {
        Level::Error
    }

    fn summary(&self) -> &'static str {
        "`pylock.toml` no longer matches pyproject.toml."
    }

    fn fix(&self) -> &'static str {
        "Run `pinctl lock` and commit `pylock.toml`."
    }

    fn doc(&self) -> &'static str {
        "Reports a `pylock.toml` next to pyproject.toml that cannot be trusted, as \
         `pinctl lock --check` does, without the network: its recorded inputs (the \
         requirements of every scope and `requires-python`) differ from the project's, a \
         requirement is not locked or locked at a version it does not allow, a locked \
         package's dependency is missing, or its content was changed since `pinctl lock` \
         wrote it (a hand edit, a bad merge); the message says what is wrong. \
         An error by default: installing from a stale lock deploys something other than \
         what pyproject.toml says. A project without a lock gives no finding. Fix: run \
         `pinctl lock` and commit `pylock.toml`."
    }

    fn check_project(&self, project: &Project, _ctx: &LintContext) -> Vec<Violation> {
        let path = project.root.join(LOCK_FILE_NAME);
        let display = project.file.path.with_file_name(LOCK_FILE_NAME);
        let Ok(text) = fs_err::read_to_string(&path) else {
            return Vec::new();
        };
        let file = SourceFile::new(display, text);
        let mut help = Some(lock::RELOCK_HINT.to_owned());
        let (message, span) = match Lock::from_toml(&file.text, &file.path) {
            Err(err) => {
                let span = err.input_error().map_or_else(Span::default, |e| e.span);
                (format!("`{LOCK_FILE_NAME}` cannot be read: {err}"), span)
            }
            Ok(lock) => match lock::verify_project(&lock, project) {
                Ok(()) => return Vec::new(),
                Err(stale) => {
                    help = Some(stale.hint().to_owned());
                    (stale.to_string(), fingerprint_span(&file))
                }
            },
        };
        vec![Violation {
            message,
            file: Arc::clone(&file),
            span,
            package: None,
            help,
            fix: None,
        }]
    }
}

/// The `fingerprint = "..."` line, else the start of the file.
fn fingerprint_span(file: &SourceFile) -> Span {
    file.text
        .match_indices("fingerprint")
        .find(|(i, _)| *i == 0 || file.text.as_bytes()[i - 1] == b'\n')
        .map_or_else(Span::default, |(i, _)| {
            let end = file.text[i..].find('\n').map_or(file.text.len(), |n| i + n);
            Span::new(i, end)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{LintLevels, check_project};
    use crate::project::parse_pyproject;

    const LOCK: &str = r#"lock-version = "1.0"
requires-python = ">=3.10"
created-by = "pinctl"
packages = []

[tool.pinctl]
fingerprint = "0000"
index-url = "https://pypi.org/simple"
dependencies = ["rich>=13"]
"#;

    fn project_in(dir: &std::path::Path, deps: &str) -> Project {
        let text = format!(
            "[project]\nname = \"x\"\nversion = \"0\"\nrequires-python = \">=3.10\"\ndependencies = [{deps}]\n"
        );
        fs_err::write(dir.join("pyproject.toml"), &text).unwrap();
        let mut project =
            parse_pyproject(SourceFile::new(dir.join("pyproject.toml"), text)).unwrap();
        project.root = dir.to_path_buf();
        project
    }

    #[test]
    fn a_changed_requirement_is_reported_at_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(dir.path().join(LOCK_FILE_NAME), LOCK).unwrap();
        let project = project_in(dir.path(), "\"rich>=14\"");
        let findings = check_project(&project, &LintLevels::default());
        let stale: Vec<_> = findings.iter().filter(|f| f.rule == "stale-lock").collect();
        assert_eq!(stale.len(), 1, "{findings:?}");
        assert_eq!(stale[0].level, Level::Error);
        assert!(stale[0].message.contains("rich"), "{}", stale[0].message);
        assert_eq!(stale[0].start().line, 7);
    }

    #[test]
    fn no_lock_no_finding() {
        let dir = tempfile::tempdir().unwrap();
        let project = project_in(dir.path(), "\"rich>=14\"");
        let findings = check_project(&project, &LintLevels::default());
        assert!(findings.iter().all(|f| f.rule != "stale-lock"));
    }

    #[test]
    fn a_damaged_lock_is_a_finding_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(dir.path().join(LOCK_FILE_NAME), "lock-version = [").unwrap();
        let project = project_in(dir.path(), "\"rich>=14\"");
        let findings = check_project(&project, &LintLevels::default());
        assert!(
            findings
                .iter()
                .any(|f| f.rule == "stale-lock" && f.message.contains("cannot be read"))
        );
    }
}
