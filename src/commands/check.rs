//! `pinctl check`: lint the project's (or the given files') version specifiers.
//!
//! Thin: reads the inputs through `project::`, decides levels (rule defaults, then
//! `[tool.pinctl.lint]`, then `--deny/--warn/--allow`), runs `lint::` and prints one
//! of the `lint::render` formats. Human output goes to stderr; `--format json` and
//! `--format github` are data and go to stdout.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;

use crate::cli::{CheckArgs, CheckFormat, GlobalArgs};
use crate::commands::ExitStatus;
use crate::lint::{self, Finding, Level, LintContext, LintLevels, Summary, render};
use crate::printer::{HintedError, Printer, Verbosity};
use crate::project::{self, InputWarning, Layout};
use crate::source::SourceFile;

/// What one `FILE` argument (or the default project) is linted as.
enum Target {
    /// A pyproject.toml: its own `[tool.pinctl.lint]` applies.
    Pyproject(PathBuf),
    /// A requirements file: the `--directory` project's `[tool.pinctl.lint]` applies.
    Requirements(PathBuf),
}

pub fn run(global: &GlobalArgs, args: CheckArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let CheckArgs {
        files,
        format,
        deny,
        warn,
        allow,
    } = args;
    let default_pyproject = global.directory.as_ref().map_or_else(
        || PathBuf::from("pyproject.toml"),
        |dir| dir.join("pyproject.toml"),
    );
    let targets: Vec<Target> = if files.is_empty() {
        if !default_pyproject.is_file() {
            let dir = global.directory.as_deref().unwrap_or(Path::new("."));
            return Err(HintedError::new(
                format!("no `pyproject.toml` found in `{}`", dir.display()),
                "run in a project directory, or pass `--directory DIR` or the files to check (`pinctl check requirements.txt`)",
            )
            .into());
        }
        vec![Target::Pyproject(default_pyproject.clone())]
    } else {
        files
            .into_iter()
            .map(|path| {
                if path.extension().is_some_and(|ext| ext == "toml") {
                    Target::Pyproject(path)
                } else {
                    Target::Requirements(path)
                }
            })
            .collect()
    };
    let overrides = |levels: LintLevels| {
        levels
            .with_overrides(
                deny.iter().map(String::as_str),
                warn.iter().map(String::as_str),
                allow.iter().map(String::as_str),
            )
            .map_err(|err| anyhow::Error::new(HintedError::new(err.to_string(), err.hint())))
    };
    // Requirements files take the levels of the `--directory` project, if there is one.
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
                let levels = overrides(
                    LintLevels::from_pyproject(&project.file).map_err(anyhow::Error::new)?,
                )?;
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

    if printer.verbosity() >= Verbosity::Normal {
        for warning in &warnings {
            printer.input_warning(warning);
        }
    }
    match format {
        CheckFormat::Human => {
            if printer.verbosity() >= Verbosity::Normal {
                printer.diagnostic(&render::human(&findings));
                printer.diagnostic(&render::human_summary(&summary));
            } else {
                let errors: Vec<Finding> = findings
                    .iter()
                    .filter(|f| f.level == Level::Error)
                    .cloned()
                    .collect();
                printer.diagnostic(&render::human(&errors));
            }
        }
        CheckFormat::Json => printer.data(&render::json(&findings, &summary))?,
        CheckFormat::Github => printer.data(&render::github(&findings))?,
    }
    Ok(if summary.failed() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// `[tool.pinctl.lint]` of the pyproject at `path`, or the defaults when there is none.
fn project_levels(path: &Path) -> anyhow::Result<LintLevels> {
    if !path.is_file() {
        return Ok(LintLevels::default());
    }
    let file: Arc<SourceFile> =
        SourceFile::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    LintLevels::from_pyproject(&file).map_err(anyhow::Error::new)
}
