//! `check`: lint the version specifiers of the project's pyproject.toml or of the given
//! files. Levels: rule defaults, then `[tool.pinctl.lint]`, then the overrides given.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Context as _, Report, Result};
use crate::lint::{self, Finding, LintContext, LintLevels, Summary};
use crate::project::{self, InputWarning, Layout};
use crate::source::SourceFile;

/// The settings of one `check`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The project directory (`None`: the current one).
    pub dir: Option<PathBuf>,
    /// The files to lint; none: the project's pyproject.toml.
    pub files: Vec<PathBuf>,
    /// Rules raised to errors, lowered to warnings, and turned off.
    pub deny: Vec<String>,
    pub warn: Vec<String>,
    pub allow: Vec<String>,
}

/// What `check` found.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    /// Sorted, without duplicates.
    pub findings: Vec<Finding>,
    /// Remarks about the pyproject files read (ignored tables, ...).
    pub warnings: Vec<InputWarning>,
    pub summary: Summary,
}

/// What one file (or the default project) is linted as.
enum Target {
    /// A pyproject.toml: its own `[tool.pinctl.lint]` applies.
    Pyproject(PathBuf),
    /// A requirements file: the directory's project's `[tool.pinctl.lint]` applies.
    Requirements(PathBuf),
}

/// Lints what `options` name.
pub fn check(options: &CheckOptions) -> Result<CheckOutcome> {
    let default_pyproject = options.dir.as_ref().map_or_else(
        || PathBuf::from("pyproject.toml"),
        |dir| dir.join("pyproject.toml"),
    );
    let targets: Vec<Target> = if options.files.is_empty() {
        if !default_pyproject.is_file() {
            let dir = options.dir.as_deref().unwrap_or(Path::new("."));
            return Err(Report::hinted(
                format!("no `pyproject.toml` found in `{}`", dir.display()),
                "run in a project directory, or pass `--directory DIR` or the files to check (`pinctl check requirements.txt`)",
            ));
        }
        vec![Target::Pyproject(default_pyproject.clone())]
    } else {
        options
            .files
            .iter()
            .map(|path| {
                if path.extension().is_some_and(|ext| ext == "toml") {
                    Target::Pyproject(path.clone())
                } else {
                    Target::Requirements(path.clone())
                }
            })
            .collect()
    };
    let overrides = |levels: LintLevels| -> Result<LintLevels> {
        Ok(levels.with_overrides(
            options.deny.iter().map(String::as_str),
            options.warn.iter().map(String::as_str),
            options.allow.iter().map(String::as_str),
        )?)
    };
    // Requirements files take the levels of the directory's project, if there is one.
    let directory_levels = if targets.iter().any(|t| matches!(t, Target::Requirements(_))) {
        overrides(project_levels(&default_pyproject)?)?
    } else {
        LintLevels::default()
    };

    let mut findings: Vec<Finding> = Vec::new();
    let mut warnings: Vec<InputWarning> = Vec::new();
    let mut files_checked: BTreeSet<PathBuf> = BTreeSet::new();
    for target in targets {
        match target {
            Target::Pyproject(path) => {
                let project = project::read_pyproject(&path)?;
                let levels = overrides(LintLevels::from_pyproject(&project.file)?)?;
                findings.extend(lint::check_project(&project, &levels));
                warnings.extend(project.warnings);
                files_checked.insert(project.file.path.clone());
            }
            Target::Requirements(path) => {
                let requirements = project::requirements_txt::read(&path)?;
                let ctx = LintContext::new(Layout::Requirements);
                findings.extend(lint::check_dependencies(
                    &requirements.dependencies,
                    &ctx,
                    &directory_levels,
                ));
                if requirements.files.is_empty() {
                    files_checked.insert(path);
                }
                files_checked.extend(requirements.files.iter().map(|file| file.path.clone()));
            }
        }
    }
    // The same file may be named twice (or included by two requirements files).
    let findings = lint::sort_findings(findings);
    let summary = Summary::new(&findings, files_checked.len());
    Ok(CheckOutcome {
        findings,
        warnings,
        summary,
    })
}

/// `[tool.pinctl.lint]` of the pyproject at `path`, or the defaults when there is none.
fn project_levels(path: &Path) -> Result<LintLevels> {
    if !path.is_file() {
        return Ok(LintLevels::default());
    }
    let file: Arc<SourceFile> =
        SourceFile::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    Ok(LintLevels::from_pyproject(&file)?)
}
