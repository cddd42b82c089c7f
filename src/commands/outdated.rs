//! `pinctl outdated`: read the project and its lock, ask the index what it offers now,
//! print the drift. Never writes a file and never re-locks.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context as _;
use pep508_rs::PackageName;

use crate::cli::{FailOn, GlobalArgs, OutdatedArgs, OutdatedFormat};
use crate::commands::ExitStatus;
use crate::index::HttpIndex;
use crate::lock::{LOCK_FILE_NAME, Lock};
use crate::outdated::render::{self, Format};
use crate::outdated::{Filter, OutdatedReport, Severity, find_outdated, input};
use crate::printer::{HintedError, Printer};
use crate::progress::ProgressReporter;
use crate::project::{GroupName, Project, read_project};
use crate::reporter::Reporter;
use crate::settings;

/// Runs `pinctl outdated`: exit 1 only with `--exit-code`/`--fail-on` and a finding at
/// that level; errors (no lock, bad input, index failures) are returned.
pub fn run(
    global: &GlobalArgs,
    args: OutdatedArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let OutdatedArgs {
        format,
        prod,
        groups,
        direct,
        packages,
        all,
        exit_code,
        fail_on,
        index,
    } = args;
    let dir = global
        .directory
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let project = read_project(&dir)?;
    let lock = super::read_lock(&dir.join(LOCK_FILE_NAME))?;
    let filter = filter(&project, &lock, prod, &groups, direct, &packages)?;
    let input = input::from_project_and_lock(&project, &lock).filtered(&filter);

    let settings = settings::index_settings(&index, Some(&project))?;
    let url = settings.url.clone();
    let concurrency = settings.concurrency;

    let progress = Arc::new(ProgressReporter::new(printer, "Checking"));
    let reporter: Arc<dyn Reporter> = progress.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    let mut report = runtime.block_on(async {
        let index = HttpIndex::new(settings, reporter)?;
        find_outdated(&input, &index, concurrency).await
    })?;
    progress.finish();
    relativize_paths(&mut report);
    // An index that knows none of the locked packages is the wrong index, not news:
    // a scheduled check must not pass on it.
    if report.entries.is_empty() && report.not_found.len() > 1 {
        return Err(HintedError::new(
            format!(
                "none of the {} locked packages is on the index `{}`",
                report.not_found.len(),
                crate::index::redact(&url)
            ),
            "check the index URL (`--index-url`, `PINCTL_INDEX_URL` or `[tool.pinctl] index-url`)",
        )
        .into());
    }

    for name in &report.not_found {
        printer.warn(&format!(
            "`{name}` is not on the index `{}`; skipped",
            crate::index::redact(&url)
        ));
    }
    let format = match format {
        OutdatedFormat::Table => Format::Table,
        OutdatedFormat::Json => Format::Json,
        OutdatedFormat::Markdown => Format::Markdown,
        OutdatedFormat::Github => Format::Github,
    };
    printer.data(&render::render(&report, format, all))?;
    printer.info(&render::summary(&report));

    let level = match fail_on {
        Some(FailOn::Yanked) => Some(Severity::Yanked),
        Some(FailOn::Major) => Some(Severity::Major),
        Some(FailOn::Minor) => Some(Severity::Minor),
        Some(FailOn::Patch) => Some(Severity::Patch),
        None => exit_code.then_some(Severity::Patch),
    };
    Ok(match level {
        Some(level) if report.fails(level) => ExitStatus::Failure,
        _ => ExitStatus::Success,
    })
}

/// Checks the filter flags against the lock so a typo is an error, not an empty report.
fn filter(
    project: &Project,
    lock: &Lock,
    prod: bool,
    groups: &[String],
    direct: bool,
    packages: &[String],
) -> anyhow::Result<Filter> {
    let mut filter = Filter {
        prod,
        direct,
        ..Filter::default()
    };
    for group in groups {
        let name = GroupName::new(group);
        if !lock.groups.contains(&name) && !project.groups.contains_key(&name) {
            let known: Vec<String> = lock.groups.iter().map(|g| format!("`{g}`")).collect();
            let hint = if known.is_empty() {
                "the lock has no dependency groups".to_string()
            } else {
                format!("the lock has the groups {}", known.join(", "))
            };
            return Err(HintedError::new(
                format!("dependency group `{group}` is not in `{LOCK_FILE_NAME}`"),
                hint,
            )
            .into());
        }
        filter.groups.push(name);
    }
    for package in packages {
        let name = PackageName::from_str(package)
            .with_context(|| format!("invalid package name `{package}`"))?;
        if !lock.packages.iter().any(|p| p.name == name) {
            return Err(HintedError::new(
                format!("package `{package}` is not in `{LOCK_FILE_NAME}`"),
                "run `pinctl lock` if it was added to pyproject.toml since",
            )
            .into());
        }
        filter.packages.push(name);
    }
    Ok(filter)
}

/// Shows specifier files relative to the working directory (`pyproject.toml`, not
/// `./pyproject.toml` or an absolute path), as GitHub annotations need.
fn relativize_paths(report: &mut OutdatedReport) {
    let cwd = std::env::current_dir().ok();
    let relative = |path: &mut PathBuf| {
        if let Ok(stripped) = path.strip_prefix(".") {
            *path = stripped.to_path_buf();
        } else if let Some(stripped) = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
            *path = stripped.to_path_buf();
        }
    };
    for entry in &mut report.entries {
        for spec in entry
            .specifiers
            .iter_mut()
            .chain(entry.blocked_by.iter_mut())
        {
            relative(&mut spec.file);
        }
    }
}
