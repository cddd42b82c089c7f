//! The project's inputs: pyproject.toml (PEP 621, PEP 735, Poetry) and requirements files.
//!
//! This module owns reading and validating what the user wrote and turning it into
//! PEP 508 requirements that remember where they came from (file + span), so `check`
//! and `lock` can point at the exact line. It never touches the network and never
//! edits the user's files.
//!
//! Entry points: [`read_project`] (a directory), [`read_pyproject`] (a file),
//! [`parse_pyproject`] (text); [`requirements_txt::read`] for requirements files;
//! [`poetry::translate_constraint`] for Poetry constraints; [`parse_requirement`] for one
//! PEP 508 string. Every positional problem is an [`InputError`] with the exact span of
//! the offending text (inside the string literal when the literal has no escapes).

pub mod poetry;
pub mod requirements_txt;

mod dependency_groups;
mod pep508;
mod poetry_reader;
mod pyproject;
mod toml_input;
pub mod tool_pinctl;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pep508_rs::{ExtraName, PackageName, Requirement};

use crate::source::{InputError, SourceFile, Span};

pub use crate::requirement::parse_untrusted;
pub use pep508::parse_requirement;
pub use pyproject::parse_pyproject;
pub use requirements_txt::RequirementsFile;

/// A PEP 735 dependency-group name, normalised like a package name (PEP 503).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupName(String);

impl GroupName {
    /// Normalises `name` (lower case, runs of `-`, `_`, `.` become `-`).
    pub fn new(name: &str) -> Self {
        let mut out = String::with_capacity(name.len());
        let mut last_sep = false;
        for c in name.trim().chars() {
            if matches!(c, '-' | '_' | '.') {
                if !last_sep {
                    out.push('-');
                }
                last_sep = true;
            } else {
                out.push(c.to_ascii_lowercase());
                last_sep = false;
            }
        }
        Self(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which layout a pyproject.toml's dependencies were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// PEP 621 `[project]` (+ PEP 735 `[dependency-groups]`).
    Pep621,
    /// Poetry's `[tool.poetry.*]` tables.
    Poetry,
    /// A requirements file (`check FILE` only).
    Requirements,
}

/// Where a dependency is declared: the production set, a dependency group or an extra.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `[project] dependencies` / `[tool.poetry.dependencies]` (non-optional).
    Production,
    /// `[dependency-groups]` / `[tool.poetry.group.<g>]` / legacy poetry dev-dependencies (`dev`).
    Group(GroupName),
    /// `[project.optional-dependencies]` / `[tool.poetry.extras]`.
    Extra(ExtraName),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Production => f.write_str("prod"),
            Scope::Group(g) => write!(f, "{g}"),
            Scope::Extra(e) => write!(f, "extra:{e}"),
        }
    }
}

/// How the version constraint was written, for lint rules and fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A PEP 508 string; the whole requirement text as written.
    Pep508(String),
    /// A Poetry constraint (`^1.2`, `~1.2`, `*`, `1.2.*`, `>=1,<2`, `1.0 || 2.0`), before translation.
    /// Empty when a Poetry table gives no `version` (`foo = { extras = ["x"] }`).
    Poetry(String),
}

/// One declared dependency, translated to PEP 508, with where it was written.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// The requirement as pinctl resolves it (Poetry constraints already translated).
    pub requirement: Requirement,
    /// What the user wrote.
    pub written: Written,
    /// The file it was read from.
    pub file: Arc<SourceFile>,
    /// The whole entry: a PEP 508 string literal (with quotes), a Poetry `key = value`, a requirements line.
    pub span: Span,
    /// Just the version constraint, when there is one (for pointing at `>=2.31`); for
    /// `name @ URL` the URL; for Poetry the constraint's string literal (with quotes).
    pub specifier_span: Option<Span>,
    /// The scope this entry belongs to (for requirements files: [`Scope::Production`]).
    pub scope: Scope,
    /// `--hash=sha256:...` values written after a requirements-file line (`sha256:<hex>`,
    /// as written); empty for pyproject entries.
    pub hashes: Vec<String>,
}

/// A warning about the input that is not an error (shown by `check` and `lock`).
#[derive(Debug, Clone)]
pub struct InputWarning {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
}

/// A project read from a pyproject.toml.
#[derive(Debug, Clone)]
pub struct Project {
    /// The directory holding pyproject.toml.
    pub root: std::path::PathBuf,
    /// pyproject.toml itself.
    pub file: Arc<SourceFile>,
    pub layout: Layout,
    /// `[project] name` / `[tool.poetry] name`.
    pub name: Option<PackageName>,
    /// `[project] requires-python` or Poetry's `python` dependency, translated to PEP 440.
    pub requires_python: Option<pep440_rs::VersionSpecifiers>,
    /// Span of the requires-python value, for messages.
    pub requires_python_span: Option<Span>,
    /// The production set.
    pub dependencies: Vec<Dependency>,
    /// Extras (PEP 621 optional-dependencies / Poetry extras), by name.
    pub extras: BTreeMap<ExtraName, Vec<Dependency>>,
    /// Dependency groups with `include-group` already expanded, by name.
    pub groups: BTreeMap<GroupName, Vec<Dependency>>,
    /// Non-fatal remarks (e.g. `[tool.poetry.dependencies]` ignored because `[project]` wins).
    pub warnings: Vec<InputWarning>,
}

impl Project {
    /// Every dependency of every scope, production first, then groups, then extras.
    pub fn all_dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies
            .iter()
            .chain(self.groups.values().flatten())
            .chain(self.extras.values().flatten())
    }
}

/// Why a project's inputs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// A file could not be read (the source names the path, via fs-err).
    #[error("failed to read `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `read_project` found no pyproject.toml in the directory.
    #[error("no `pyproject.toml` found in `{}`", dir.display())]
    NoPyproject { dir: PathBuf },
    /// Something in an input file is wrong; the error points at it.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Valid input pinctl does not handle (git, path or URL Poetry dependencies).
    #[error(transparent)]
    Unsupported(InputError),
}

impl crate::diagnostic::Diagnostic for ProjectError {
    fn wrapped(&self) -> Option<&dyn crate::diagnostic::Diagnostic> {
        self.input_error()
            .map(|e| e as &dyn crate::diagnostic::Diagnostic)
    }
}

impl ProjectError {
    /// The positional error to render with its snippet and hint, if this is one.
    pub fn input_error(&self) -> Option<&InputError> {
        match self {
            ProjectError::Input(e) | ProjectError::Unsupported(e) => Some(e),
            ProjectError::Io { .. } | ProjectError::NoPyproject { .. } => None,
        }
    }
}

/// Reads `dir/pyproject.toml`.
pub fn read_project(dir: &Path) -> Result<Project, ProjectError> {
    let path = dir.join("pyproject.toml");
    if !path.exists() {
        // An empty `dir` is the current directory: name it.
        let dir = if dir.as_os_str().is_empty() {
            std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
        } else {
            dir.to_path_buf()
        };
        return Err(ProjectError::NoPyproject { dir });
    }
    read_pyproject(&path)
}

/// Reads the given pyproject file; `Project.file.path` is `path` as given.
pub fn read_pyproject(path: &Path) -> Result<Project, ProjectError> {
    let file = SourceFile::read(path).map_err(|source| ProjectError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_pyproject(file)
}
