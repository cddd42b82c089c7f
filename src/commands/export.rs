//! `pinctl export`: read pylock.toml, check it is fresh, write the selection as
//! requirements.txt or a single-use pylock.toml to stdout or a file.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context as _;
use pep508_rs::ExtraName;

use crate::cli::{ExportArgs, ExportFormat, GlobalArgs};
use crate::commands::ExitStatus;
use crate::export::{self, RequirementsTxtOptions, SelectionRequest};
use crate::lock::{self, Freshness, Lock};
use crate::printer::{HintedError, Printer};
use crate::project::{self, GroupName};

pub fn run(global: &GlobalArgs, args: ExportArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let ExportArgs {
        prod: _,
        group,
        extra,
        only_group,
        all_groups,
        all_extras,
        format,
        output,
        no_hashes,
        no_header,
        annotate,
        frozen,
    } = args;
    if format == ExportFormat::Pylock && (no_hashes || annotate) {
        let flag = if no_hashes {
            "--no-hashes"
        } else {
            "--annotate"
        };
        return Err(HintedError::new(
            format!("`{flag}` applies to `--format requirements-txt` only"),
            format!("drop `{flag}`: a pylock.toml always records hashes and has no comments"),
        )
        .into());
    }
    let request = SelectionRequest {
        groups: group.iter().map(|g| GroupName::new(g)).collect(),
        extras: extra
            .iter()
            .map(|e| ExtraName::from_str(e).with_context(|| format!("invalid extra name `{e}`")))
            .collect::<anyhow::Result<_>>()?,
        only_groups: only_group.iter().map(|g| GroupName::new(g)).collect(),
        all_groups,
        all_extras,
    };

    let dir = global.directory.clone().unwrap_or_default();
    let lock_path = dir.join(lock::LOCK_FILE_NAME);
    if let Some(path) = &output {
        refuse_project_file(path, &dir_or_cwd(&dir))?;
    }
    let lock = super::read_lock(&lock_path)?;
    let project = if frozen {
        project::read_project(&dir_or_cwd(&dir)).ok()
    } else {
        let project = project::read_project(&dir_or_cwd(&dir))?;
        check_fresh(&lock, &project, &lock_path)?;
        Some(project)
    };
    let project_name = project.and_then(|p| p.name);

    let scopes = export::select_scopes(&lock, &request)?;
    let command = command_line(&request, format, no_hashes, annotate, output.as_deref());
    let header = (!no_header).then_some(command);
    let text = match format {
        ExportFormat::RequirementsTxt => export::requirements_txt(
            &lock,
            &scopes,
            &RequirementsTxtOptions {
                hashes: !no_hashes,
                annotate,
                header,
                project_name,
            },
        ),
        ExportFormat::Pylock => {
            export::single_use_pylock(&lock, &scopes, header.as_deref(), project_name.as_ref())
        }
    };
    match output {
        Some(path) => {
            let written = lock::write_if_changed(&path, &text)?;
            let count = lock.select(&scopes).count();
            if written {
                printer.info(&format!("Wrote {} ({count} packages)", path.display()));
            } else {
                printer.info(&format!(
                    "{} is up to date ({count} packages)",
                    path.display()
                ));
            }
        }
        None => printer.data(&text)?,
    }
    Ok(ExitStatus::Success)
}

fn dir_or_cwd(dir: &Path) -> PathBuf {
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    }
}

/// The lock must match the project's requirements and requires-python.
fn check_fresh(lock: &Lock, project: &project::Project, lock_path: &Path) -> anyhow::Result<()> {
    match lock::check_project_fresh(lock, project) {
        Freshness::Fresh => Ok(()),
        Freshness::Stale(reasons) => Err(HintedError::new(
            format!(
                "`{}` is out of date with pyproject.toml: {}",
                lock_path.display(),
                reasons.join("; ")
            ),
            "run `pinctl lock` to update it, or pass `--frozen` to export the lock as it is",
        )
        .into()),
    }
}

/// The command that regenerates the export, flags in canonical order.
fn command_line(
    request: &SelectionRequest,
    format: ExportFormat,
    no_hashes: bool,
    annotate: bool,
    output: Option<&Path>,
) -> String {
    let mut parts = vec!["pinctl export".to_owned()];
    parts.extend(request.to_args());
    if format == ExportFormat::Pylock {
        parts.push("--format pylock".to_owned());
    }
    if no_hashes {
        parts.push("--no-hashes".to_owned());
    }
    if annotate {
        parts.push("--annotate".to_owned());
    }
    if let Some(path) = output {
        parts.push(format!("-o {}", path.display()));
    }
    parts.join(" ")
}

/// `-o` must not overwrite the inputs the export comes from: the project's
/// pyproject.toml or its pylock.toml (multi-use, with every group) would be replaced.
fn refuse_project_file(output: &Path, project_dir: &Path) -> anyhow::Result<()> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    for name in ["pyproject.toml", lock::LOCK_FILE_NAME] {
        if same(output, &project_dir.join(name)) {
            return Err(HintedError::new(
                format!(
                    "`-o {}` is the project's own `{name}`, which the export reads",
                    output.display()
                ),
                "write the export to another file, e.g. `-o requirements.txt` or `-o pylock.prod.toml`",
            )
            .into());
        }
    }
    Ok(())
}
