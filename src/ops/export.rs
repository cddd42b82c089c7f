//! `export`: the lock's selected scopes as requirements.txt or a single-use pylock.toml,
//! after checking the lock is fresh.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Report, Result};
use crate::export::{self, RequirementsTxtOptions, SelectionRequest};
use crate::lock::{self, Freshness, Lock};
use crate::project::{self, Project};

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    RequirementsTxt,
    Pylock,
}

/// The settings of one `export`.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The project directory (empty: the current one).
    pub dir: PathBuf,
    pub request: SelectionRequest,
    pub format: ExportFormat,
    /// `--hash` lines (requirements.txt only).
    pub hashes: bool,
    /// `# via` comments (requirements.txt only).
    pub annotate: bool,
    /// The command line for the header comment; `None` for no header.
    pub header: Option<String>,
    /// Write to this file instead of returning the text.
    pub output: Option<PathBuf>,
    /// Export the lock as it is, without reading pyproject.toml to check it is fresh.
    pub frozen: bool,
}

/// What `export` made.
#[derive(Debug, Clone)]
pub enum ExportOutcome {
    /// The text, for stdout.
    Text(String),
    /// Written to `path` (`written` false: it held this text already).
    File {
        path: PathBuf,
        written: bool,
        packages: usize,
    },
}

/// Exports the lock of `options.dir` as `options` say.
pub fn export(options: &ExportOptions) -> Result<ExportOutcome> {
    let ExportOptions {
        dir,
        request,
        format,
        hashes,
        annotate,
        header,
        output,
        frozen,
    } = options;
    if *format == ExportFormat::Pylock && (!hashes || *annotate) {
        let flag = if *hashes { "--annotate" } else { "--no-hashes" };
        return Err(Report::hinted(
            format!("`{flag}` applies to `--format requirements-txt` only"),
            format!("drop `{flag}`: a pylock.toml always records hashes and has no comments"),
        ));
    }
    let lock_path = dir.join(lock::LOCK_FILE_NAME);
    if let Some(path) = output {
        refuse_project_file(path, &dir_or_cwd(dir))?;
    }
    let lock = super::read_lock(&lock_path)?;
    let project = if *frozen {
        project::read_project(&dir_or_cwd(dir)).ok()
    } else {
        let project = project::read_project(&dir_or_cwd(dir))?;
        check_fresh(&lock, &project, &lock_path)?;
        Some(project)
    };
    let project_name = project.and_then(|p| p.name);

    let scopes = export::select_scopes(&lock, request)?;
    let text = match format {
        ExportFormat::RequirementsTxt => export::requirements_txt(
            &lock,
            &scopes,
            &RequirementsTxtOptions {
                hashes: *hashes,
                annotate: *annotate,
                header: header.clone(),
                project_name,
            },
        ),
        ExportFormat::Pylock => {
            export::single_use_pylock(&lock, &scopes, header.as_deref(), project_name.as_ref())
        }
    };
    Ok(match output {
        Some(path) => ExportOutcome::File {
            written: lock::write_if_changed(path, &text)?,
            path: path.clone(),
            packages: lock.select(&scopes).count(),
        },
        None => ExportOutcome::Text(text),
    })
}

fn dir_or_cwd(dir: &Path) -> PathBuf {
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    }
}

/// The lock must match the project's requirements and requires-python.
fn check_fresh(lock: &Lock, project: &Project, lock_path: &Path) -> Result<()> {
    match lock::check_project_fresh(lock, project) {
        Freshness::Fresh => Ok(()),
        Freshness::Stale(reasons) => Err(Report::hinted(
            format!(
                "`{}` is out of date with pyproject.toml: {}",
                lock_path.display(),
                reasons.join("; ")
            ),
            "run `pinctl lock` to update it, or pass `--frozen` to export the lock as it is",
        )),
    }
}

/// `-o` must not overwrite the inputs the export comes from: the project's
/// pyproject.toml or its pylock.toml (multi-use, with every group) would be replaced.
fn refuse_project_file(output: &Path, project_dir: &Path) -> Result<()> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    for name in ["pyproject.toml", lock::LOCK_FILE_NAME] {
        if same(output, &project_dir.join(name)) {
            return Err(Report::hinted(
                format!(
                    "`-o {}` is the project's own `{name}`, which the export reads",
                    output.display()
                ),
                "write the export to another file, e.g. `-o requirements.txt` or `-o pylock.prod.toml`",
            ));
        }
    }
    Ok(())
}
