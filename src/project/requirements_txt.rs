//! Requirements files (`pinctl check FILE`): pip's line format with comments, `\`
//! continuations, options, `--hash`, `-r` includes and `-c` constraints.
//!
//! What a pip-tools user expects, and what this reader does:
//!
//! - `#` starts a comment at the start of a line or after whitespace (`pkg#egg` is not
//!   a comment); a line ending in `\` continues on the next one, and spans still point
//!   into the physical file (a requirement spread over lines starts where it is written).
//! - `-r FILE` / `--requirement FILE` includes FILE (relative to the including file);
//!   its requirements are merged into [`RequirementsFile::dependencies`], each keeping
//!   its own file. `-c FILE` / `--constraint FILE` files are read and validated the same
//!   way but land in [`RequirementsFile::constraints`] (includes inside a constraints file
//!   are constraints too). A file that includes itself, directly or not, is an error at
//!   the `-r` that closes the cycle; a missing include is an error at its `-r` line. A
//!   file reached twice without a cycle is read once.
//! - `--hash=sha256:...` after a requirement is recorded in [`Dependency::hashes`];
//!   other per-requirement options (`--config-settings`, ...) are accepted and ignored.
//! - Option lines (`--index-url`, `-i`, `--extra-index-url`, `--find-links`, `--pre`,
//!   `--no-binary`, `--only-binary`, `--trusted-host`, `--no-index`,
//!   `--prefer-binary`, `--require-hashes`, `--use-feature`) are recorded in
//!   [`RequirementsFile::options`]; an unknown option is an error, as in pip.
//! - `name @ URL` is a normal (named) requirement. Lines that name no package - `-e .`,
//!   `./pkg`, `/abs/pkg.whl`, a bare `https://...` URL - are valid for pip, so they are
//!   recorded in [`RequirementsFile::unnamed`] rather than rejected (pip-tools resolves
//!   them by building the package, which pinctl never does); `check` can report them.
//!   In a constraints file they are an error, since pip requires constraints to be named.
//! - `${VAR}` environment variables are not expanded.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Dependency, ProjectError, Scope, Written, pep508};
use crate::source::{InputError, SourceFile, Span};

/// An option line such as `--index-url URL` or `--pre`.
#[derive(Debug, Clone)]
pub struct RequirementsOption {
    /// The option, long form (`--index-url` for `-i`, `--pre`).
    pub name: String,
    /// Its value, if it takes one.
    pub value: Option<String>,
    pub file: Arc<SourceFile>,
    /// The option and its value as written.
    pub span: Span,
}

/// A requirement line without a package name (`-e .`, `./pkg`, a bare URL).
#[derive(Debug, Clone)]
pub struct UnnamedRequirement {
    /// The path or URL as written (without `-e`).
    pub text: String,
    /// Written with `-e` / `--editable`.
    pub editable: bool,
    pub file: Arc<SourceFile>,
    /// The path or URL.
    pub span: Span,
}

/// A requirements file with its includes read.
#[derive(Debug, Clone, Default)]
pub struct RequirementsFile {
    /// Requirements of the file and of every `-r` include, in file order (an include's
    /// entries where its `-r` line is).
    pub dependencies: Vec<Dependency>,
    /// Entries of `-c` constraints files: they restrict versions, they add no packages.
    pub constraints: Vec<Dependency>,
    /// Lines naming no package (`-e .`, a path, a bare URL): recorded, not resolved.
    pub unnamed: Vec<UnnamedRequirement>,
    /// Every file read: the given one first, then includes in the order met.
    pub files: Vec<Arc<SourceFile>>,
    /// Option lines (`--index-url`, `--pre`, `--no-binary`, ...), in order.
    pub options: Vec<RequirementsOption>,
}

/// Reads a requirements file and its `-r` / `-c` includes.
pub fn read(path: &Path) -> Result<RequirementsFile, ProjectError> {
    let file = SourceFile::read(path).map_err(|source| ProjectError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = Reader::default();
    reader.read_file(&file, false, &mut Vec::new())?;
    Ok(reader.out)
}

/// Parses one requirements file from its text; `-r`/`-c` includes are read from disk
/// relative to `file.path`.
pub fn parse(file: &Arc<SourceFile>) -> Result<RequirementsFile, ProjectError> {
    let mut reader = Reader::default();
    reader.read_file(file, false, &mut Vec::new())?;
    Ok(reader.out)
}

/// Options that take a value, long form first.
const VALUE_OPTIONS: &[(&str, &[&str])] = &[
    ("--index-url", &["-i"]),
    ("--extra-index-url", &[]),
    ("--find-links", &["-f"]),
    ("--no-binary", &[]),
    ("--only-binary", &[]),
    ("--trusted-host", &[]),
    ("--use-feature", &[]),
];

/// Options that are flags.
const FLAG_OPTIONS: &[&str] = &["--pre", "--no-index", "--prefer-binary", "--require-hashes"];

/// One logical line: continuations joined, with each byte's offset in the file.
struct Logical {
    text: String,
    /// `offsets[i]` is the file offset of `text`'s byte `i`; one extra entry for the end.
    offsets: Vec<usize>,
}

impl Logical {
    fn span(&self, range: Range<usize>) -> Span {
        let start = self.offsets.get(range.start).copied().unwrap_or_default();
        let end = if range.end > range.start {
            self.offsets
                .get(range.end - 1)
                .map_or(start, |&last| last + 1)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }
}

/// Splits a file into logical lines (pip's `join_lines`): a line ending in `\` continues,
/// except a comment line.
fn logical_lines(text: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut current: Option<Logical> = None;
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let is_comment = line.trim_start().starts_with('#');
        let continues = !is_comment && line.ends_with('\\');
        let content = if continues {
            &line[..line.len() - 1]
        } else {
            line
        };
        let logical = current.get_or_insert_with(|| Logical {
            text: String::new(),
            offsets: Vec::new(),
        });
        if is_comment && !logical.text.is_empty() {
            // A comment ends a continued line (pip treats it as a line of its own).
            if let Some(done) = current.take() {
                out.push(finish(done, line_start));
            }
            continue;
        }
        logical.text.push_str(content);
        logical
            .offsets
            .extend((0..content.len()).map(|i| line_start + i));
        if !continues && let Some(done) = current.take() {
            out.push(finish(done, line_start + line.len()));
        }
    }
    if let Some(done) = current.take() {
        out.push(finish(done, text.len()));
    }
    out
}

fn finish(mut logical: Logical, end: usize) -> Logical {
    logical.offsets.push(end);
    logical
}

/// Cuts a `#` comment (at the start or after whitespace).
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &text[..i];
        }
    }
    text
}

/// Whitespace-separated tokens with their byte ranges.
fn tokens(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s..i, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), &text[s..]));
    }
    out
}

/// Whether a requirement names no package: a path or a bare URL.
fn is_unnamed(text: &str) -> bool {
    let scheme_end = text.find("://").filter(|&i| {
        i > 0
            && text[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let drive = text.len() >= 3
        && text.as_bytes()[0].is_ascii_alphabetic()
        && text.as_bytes()[1] == b':'
        && matches!(text.as_bytes()[2], b'\\' | b'/');
    text.starts_with(['.', '/', '\\', '~'])
        || text.starts_with("file:")
        || scheme_end.is_some()
        || drive
}

#[derive(Default)]
struct Reader {
    out: RequirementsFile,
    /// Files already read, by canonical path and whether read as constraints.
    seen: Vec<(PathBuf, bool)>,
}

/// A value of an option (`-r X`, `--requirement=X`, `-rX`) with its range in the line.
struct OptionValue<'a> {
    text: &'a str,
    range: Range<usize>,
}

impl Reader {
    fn read_file(
        &mut self,
        file: &Arc<SourceFile>,
        constraint: bool,
        stack: &mut Vec<PathBuf>,
    ) -> Result<(), ProjectError> {
        let key = canonical(&file.path);
        self.seen.push((key.clone(), constraint));
        self.out.files.push(Arc::clone(file));
        stack.push(key);
        for line in logical_lines(&file.text) {
            self.read_line(file, &line, constraint, stack)?;
        }
        stack.pop();
        Ok(())
    }

    fn read_line(
        &mut self,
        file: &Arc<SourceFile>,
        line: &Logical,
        constraint: bool,
        stack: &mut Vec<PathBuf>,
    ) -> Result<(), ProjectError> {
        let text = strip_comment(&line.text);
        let toks = tokens(text);
        let Some((first_range, first)) = toks.first().cloned() else {
            return Ok(());
        };
        if !first.starts_with('-') {
            return self.read_requirement(file, line, text, &toks, constraint);
        }
        let (name, inline) = match first.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (first, None),
        };
        // The option's value: `--opt=V`, `-rV`, or the next token.
        let value = |short: bool| -> Option<OptionValue<'_>> {
            if let Some(v) = inline {
                let start = first_range.start + name.len() + 1;
                return Some(OptionValue {
                    text: v,
                    range: start..first_range.end,
                });
            }
            if short && name.len() > 2 {
                return Some(OptionValue {
                    text: &first[2..],
                    range: first_range.start + 2..first_range.end,
                });
            }
            toks.get(1).map(|(r, t)| OptionValue {
                text: t,
                range: r.clone(),
            })
        };
        let short_name = if name.starts_with("--") {
            name
        } else {
            name.get(..2).unwrap_or(name)
        };
        let missing_value = |what: &str| {
            InputError::new(
                file,
                line.span(first_range.clone()),
                format!("`{name}` needs a value ({what})"),
            )
        };
        match short_name {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                let is_constraint = constraint || matches!(short_name, "-c" | "--constraint");
                let v = value(short_name.len() == 2).ok_or_else(|| missing_value("a file path"))?;
                self.include(file, line.span(v.range), v.text, is_constraint, stack)
            }
            "-e" | "--editable" => {
                let v =
                    value(short_name.len() == 2).ok_or_else(|| missing_value("a path or URL"))?;
                self.out.unnamed.push(UnnamedRequirement {
                    text: v.text.to_string(),
                    editable: true,
                    file: Arc::clone(file),
                    span: line.span(v.range),
                });
                Ok(())
            }
            _ => {
                let long = VALUE_OPTIONS
                    .iter()
                    .find(|(long, short)| *long == short_name || short.contains(&short_name))
                    .map(|(long, _)| *long);
                if let Some(long) = long {
                    let v = value(short_name.len() == 2)
                        .ok_or_else(|| missing_value("see `pip help install`"))?;
                    self.out.options.push(RequirementsOption {
                        name: long.to_string(),
                        value: Some(v.text.to_string()),
                        file: Arc::clone(file),
                        span: line.span(first_range.start..v.range.end),
                    });
                    return Ok(());
                }
                if FLAG_OPTIONS.contains(&name) && inline.is_none() {
                    self.out.options.push(RequirementsOption {
                        name: name.to_string(),
                        value: None,
                        file: Arc::clone(file),
                        span: line.span(first_range),
                    });
                    return Ok(());
                }
                Err(InputError::new(
                    file,
                    line.span(first_range),
                    format!("unknown option `{name}` in a requirements file"),
                )
                .with_hint(
                    "pinctl reads `-r`, `-c`, `-e`, `--index-url`, `--extra-index-url`, `--find-links`, \
                     `--no-index`, `--pre`, `--prefer-binary`, `--no-binary`, `--only-binary`, \
                     `--trusted-host`, `--require-hashes`, `--use-feature` and `--hash`",
                )
                .into())
            }
        }
    }

    fn include(
        &mut self,
        file: &Arc<SourceFile>,
        at: Span,
        written: &str,
        constraint: bool,
        stack: &mut Vec<PathBuf>,
    ) -> Result<(), ProjectError> {
        let base = file.path.parent().unwrap_or_else(|| Path::new(""));
        let path = base.join(written);
        let key = canonical(&path);
        if let Some(pos) = stack.iter().position(|p| *p == key) {
            let mut cycle: Vec<String> = stack[pos..].iter().map(|p| display_name(p)).collect();
            cycle.push(display_name(&key));
            return Err(InputError::new(
                file,
                at,
                format!(
                    "requirements files include each other: {}",
                    cycle.join(" -> ")
                ),
            )
            .with_hint("remove one of these `-r` lines")
            .into());
        }
        if self.seen.contains(&(key, constraint)) {
            return Ok(());
        }
        let included = SourceFile::read(&path).map_err(|e| {
            let what = if constraint {
                "constraints"
            } else {
                "requirements"
            };
            InputError::new(
                file,
                at,
                format!("cannot read the {what} file `{}`: {e}", path.display()),
            )
            .with_hint(format!(
                "`{written}` is resolved relative to the directory of `{}`",
                file.path.display()
            ))
        })?;
        self.read_file(&included, constraint, stack)
    }

    fn read_requirement(
        &mut self,
        file: &Arc<SourceFile>,
        line: &Logical,
        text: &str,
        toks: &[(Range<usize>, &str)],
        constraint: bool,
    ) -> Result<(), ProjectError> {
        // The requirement runs up to the first option token (pip's `break_args_options`).
        let options_at = toks.iter().position(|(_, t)| t.starts_with('-'));
        let req_end = options_at.map_or(text.len(), |i| toks[i].0.start);
        let req_start = toks.first().map_or(0, |(r, _)| r.start);
        let req_text = text[req_start..req_end.max(req_start)].trim_end();
        let req_range = req_start..req_start + req_text.len();
        let mut hashes = Vec::new();
        if let Some(start) = options_at {
            let mut i = start;
            while i < toks.len() {
                let (range, tok) = &toks[i];
                let (opt, inline) = match tok.split_once('=') {
                    Some((o, v)) => (o, Some((v, range.start + o.len() + 1..range.end))),
                    None => (*tok, None),
                };
                let value = if let Some(v) = inline {
                    Some(v)
                } else {
                    i += 1;
                    toks.get(i).map(|(r, t)| (*t, r.clone()))
                };
                match opt {
                    "--hash" => {
                        let Some((v, vr)) = value else {
                            return Err(InputError::new(
                                file,
                                line.span(range.clone()),
                                "`--hash` needs a value (`sha256:<hex digest>`)",
                            )
                            .into());
                        };
                        let valid = v.split_once(':').is_some_and(|(algo, digest)| {
                            !algo.is_empty()
                                && algo.chars().all(|c| c.is_ascii_alphanumeric())
                                && !digest.is_empty()
                                && digest.chars().all(|c| c.is_ascii_hexdigit())
                        });
                        if !valid {
                            return Err(InputError::new(
                                file,
                                line.span(vr),
                                format!("invalid hash `{v}`"),
                            )
                            .with_hint("write `--hash=sha256:<hex digest>`")
                            .into());
                        }
                        hashes.push(v.to_string());
                    }
                    "--config-settings" | "--global-option" | "--install-option" => {}
                    other => {
                        return Err(InputError::new(
                            file,
                            line.span(range.clone()),
                            format!("unknown option `{other}` after a requirement"),
                        )
                        .with_hint("only `--hash` and `--config-settings` may follow a requirement")
                        .into());
                    }
                }
                i += 1;
            }
        }
        let span = line.span(req_range.clone());
        if is_unnamed(req_text) {
            if constraint {
                return Err(InputError::new(
                    file,
                    span,
                    format!("`{req_text}` in a constraints file names no package"),
                )
                .with_hint("constraints must be named: write `name @ URL` or `name==version`")
                .into());
            }
            self.out.unnamed.push(UnnamedRequirement {
                text: req_text.to_string(),
                editable: false,
                file: Arc::clone(file),
                span,
            });
            return Ok(());
        }
        let map = |r: Range<usize>| line.span(r.start + req_start..r.end + req_start);
        let requirement = pep508::parse_with(req_text, file, &map)?;
        let specifier_span = pep508::scan(req_text).specifier.map(map);
        let dependency = Dependency {
            requirement,
            written: Written::Pep508(req_text.to_string()),
            file: Arc::clone(file),
            span,
            specifier_span,
            scope: Scope::Production,
            hashes,
        };
        if constraint {
            self.out.constraints.push(dependency);
        } else {
            self.out.dependencies.push(dependency);
        }
        Ok(())
    }
}

/// The canonical form of a path for cycle detection (the path itself when it does not exist).
fn canonical(path: &Path) -> PathBuf {
    fs_err::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
