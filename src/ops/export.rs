//! `export`: the lock's selected scopes as requirements.txt or a single-use pylock.toml,
//! after [`lock::verify_project`] (with `--frozen`, [`lock::verify_integrity`]) trusts it.

use std::path::{Path, PathBuf};

use pep508_rs::{ExtraName, PackageName};

use super::{Observer, Warning};
use crate::diagnostic::{Report, Result};
use crate::export::{self, RequirementsTxtOptions, SelectionRequest};
use crate::lock::{self, Lock};
use crate::project::{self, GroupName, Scope};

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

/// Exports the lock of `options.dir` as `options` say; warnings (an empty production
/// set) go to `reporter`.
pub fn export(options: &ExportOptions, reporter: &dyn Observer) -> Result<ExportOutcome> {
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
        // Not compared with pyproject.toml, but still the lock `pinctl lock` wrote.
        lock::verify_integrity(&lock)?;
        project::read_project(&dir_or_cwd(dir)).ok()
    } else {
        let project = project::read_project(&dir_or_cwd(dir))?;
        lock::verify_project(&lock, &project).map_err(|stale| {
            let hint = format!(
                "{}, or pass `--frozen` to export the lock as it is",
                stale.hint()
            );
            stale.with_hint(hint)
        })?;
        Some(project)
    };
    let project_name = project.and_then(|p| p.name);

    let scopes = export::select_scopes(&lock, request)?;
    warn_if_production_is_empty(&lock, &scopes, project_name.as_ref(), reporter);
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

/// `--prod` (the default) when production needs nothing, though the lock holds packages
/// for groups or extras: an empty file is then almost surely not what was meant.
fn warn_if_production_is_empty(
    lock: &Lock,
    scopes: &[Scope],
    project: Option<&PackageName>,
    reporter: &dyn Observer,
) {
    if scopes != [Scope::Production] {
        return;
    }
    let mut installed = lock
        .select(scopes)
        .filter(|(p, _)| Some(&p.name) != project);
    if installed.next().is_some() {
        return;
    }
    let mut groups: Vec<&GroupName> = Vec::new();
    let mut extras: Vec<&ExtraName> = Vec::new();
    for package in lock.packages.iter().filter(|p| Some(&p.name) != project) {
        for scope in package.needed_by.keys() {
            match scope {
                Scope::Group(g) if !groups.contains(&g) => groups.push(g),
                Scope::Extra(e) if !extras.contains(&e) => extras.push(e),
                Scope::Production | Scope::Group(_) | Scope::Extra(_) => {}
            }
        }
    }
    groups.sort();
    extras.sort();
    if groups.is_empty() && extras.is_empty() {
        return;
    }
    let named = |kind: &str, names: Vec<String>| {
        let plural = if names.len() == 1 { "" } else { "s" };
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        format!("the {kind}{plural} {}", names.join(", "))
    };
    let mut where_ = Vec::new();
    let mut flags = Vec::new();
    if let Some(first) = groups.first() {
        where_.push(named(
            "group",
            groups.iter().map(ToString::to_string).collect(),
        ));
        flags.push(format!("`--group {first}`"));
        flags.push("`--all-groups`".to_owned());
    }
    if let Some(first) = extras.first() {
        where_.push(named(
            "extra",
            extras.iter().map(ToString::to_string).collect(),
        ));
        flags.push(format!("`--extra {first}`"));
    }
    reporter.on_warning(Warning::Message(&format!(
        "the production set is empty: every locked package is in {}; pass {} to export them",
        or_list(&where_),
        or_list(&flags)
    )));
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
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
