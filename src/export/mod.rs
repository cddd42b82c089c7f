//! `pinctl export`: the locked set of a selection of scopes, as a pip requirements file
//! with hashes or as a single-use PEP 751 lock.
//!
//! Works from a [`Lock`] alone (never the network, never pyproject.toml): the caller
//! checks staleness first. Output is a pure function of the lock and the options, so the
//! same lock gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::str::FromStr;

use pep508_rs::{ExtraName, MarkerTree, PackageName, Requirement};

use crate::lock::{Lock, LockedPackage};
use crate::project::{GroupName, Scope};

/// The index pip uses without `--index-url`; a lock against it needs no index line.
pub const DEFAULT_INDEX: &str = "https://pypi.org/simple";

/// Which scopes to export, as the command line asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectionRequest {
    /// `--group G`: production plus these groups.
    pub groups: Vec<GroupName>,
    /// `--extra E`: production plus these extras.
    pub extras: Vec<ExtraName>,
    /// `--only-group G`: these groups without production.
    pub only_groups: Vec<GroupName>,
    /// `--all-groups`
    pub all_groups: bool,
    /// `--all-extras`
    pub all_extras: bool,
}

impl SelectionRequest {
    /// The selection flags in canonical order, as they regenerate the same export
    /// (`--prod` when nothing else is selected).
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if !self.only_groups.is_empty() {
            for g in sorted(&self.only_groups) {
                args.push(format!("--only-group {g}"));
            }
            return args;
        }
        if self.all_groups {
            args.push("--all-groups".to_owned());
        } else {
            for g in sorted(&self.groups) {
                args.push(format!("--group {g}"));
            }
        }
        if self.all_extras {
            args.push("--all-extras".to_owned());
        } else {
            for e in sorted(&self.extras) {
                args.push(format!("--extra {e}"));
            }
        }
        if args.is_empty() {
            args.push("--prod".to_owned());
        }
        args
    }
}

fn sorted<T: Ord + Clone>(items: &[T]) -> BTreeSet<T> {
    items.iter().cloned().collect()
}

/// Why an export cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// `--group` / `--only-group` names a group the lock does not have.
    #[error("dependency group `{name}` is not in pylock.toml (it has: {known})")]
    UnknownGroup { name: GroupName, known: String },
    /// `--extra` names an extra the lock does not have.
    #[error("extra `{name}` is not in pylock.toml (it has: {known})")]
    UnknownExtra { name: ExtraName, known: String },
}

impl crate::diagnostic::Diagnostic for ExportError {}

fn known<T: ToString>(items: &[T]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items
            .iter()
            .map(|i| format!("`{}`", i.to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The scopes a request selects from `lock`, checking that every named group and extra
/// exists. Production comes first unless `--only-group` was given.
pub fn select_scopes(lock: &Lock, request: &SelectionRequest) -> Result<Vec<Scope>, ExportError> {
    for name in request.groups.iter().chain(&request.only_groups) {
        if !lock.groups.contains(name) {
            return Err(ExportError::UnknownGroup {
                name: name.clone(),
                known: known(&lock.groups),
            });
        }
    }
    for name in &request.extras {
        if !lock.extras.contains(name) {
            return Err(ExportError::UnknownExtra {
                name: name.clone(),
                known: known(&lock.extras),
            });
        }
    }
    let mut scopes = BTreeSet::new();
    if request.only_groups.is_empty() {
        scopes.insert(Scope::Production);
        let groups = if request.all_groups {
            &lock.groups
        } else {
            &request.groups
        };
        scopes.extend(groups.iter().cloned().map(Scope::Group));
        let extras = if request.all_extras {
            &lock.extras
        } else {
            &request.extras
        };
        scopes.extend(extras.iter().cloned().map(Scope::Extra));
    } else {
        scopes.extend(request.only_groups.iter().cloned().map(Scope::Group));
    }
    Ok(scopes.into_iter().collect())
}

/// Options of the requirements.txt format.
#[derive(Debug, Clone, Default)]
pub struct RequirementsTxtOptions {
    /// `--hash=sha256:` lines (off with `--no-hashes`).
    pub hashes: bool,
    /// `# via` lines (`--annotate`).
    pub annotate: bool,
    /// The command that regenerates the file, for the header (`None` with `--no-header`).
    pub header: Option<String>,
    /// The project's own name: never exported (pip cannot hash `-e .`).
    pub project_name: Option<PackageName>,
}

/// The selected packages with the environment marker under which the selection needs
/// each, sorted by name then version, without the project itself.
fn selected<'a>(
    lock: &'a Lock,
    scopes: &'a [Scope],
    project: Option<&'a PackageName>,
) -> Vec<(&'a LockedPackage, MarkerTree)> {
    lock.select(scopes)
        .filter(|(p, _)| Some(&p.name) != project)
        .collect()
}

/// Who needs each package of the selection: its dependents in the selection, and the
/// project file for direct requirements (`pyproject.toml`, `pyproject.toml:dev`,
/// `pyproject.toml[socks]`, the way pip names them).
fn via(
    lock: &Lock,
    scopes: &[Scope],
    chosen: &[(&LockedPackage, MarkerTree)],
) -> BTreeMap<PackageName, BTreeSet<String>> {
    let mut via: BTreeMap<PackageName, BTreeSet<String>> = BTreeMap::new();
    for (package, _) in chosen {
        for dep in &package.dependencies {
            via.entry(dep.name.clone())
                .or_default()
                .insert(package.name.to_string());
        }
    }
    for scope in scopes {
        let label = match scope {
            Scope::Production => "pyproject.toml".to_owned(),
            Scope::Group(g) => format!("pyproject.toml:{g}"),
            Scope::Extra(e) => format!("pyproject.toml[{e}]"),
        };
        for req in lock.tool.requirements.get(scope).into_iter().flatten() {
            if let Ok(req) = Requirement::<pep508_rs::VerbatimUrl>::from_str(req) {
                via.entry(req.name).or_default().insert(label.clone());
            }
        }
    }
    via
}

/// A pip requirements file of the selection: `name==version ; marker`, every file's
/// sha256 on continuation lines, sorted, deterministic.
pub fn requirements_txt(lock: &Lock, scopes: &[Scope], options: &RequirementsTxtOptions) -> String {
    let chosen = selected(lock, scopes, options.project_name.as_ref());
    let via = options.annotate.then(|| via(lock, scopes, &chosen));
    let mut out = String::new();
    if let Some(command) = &options.header {
        let _ = writeln!(out, "# This file was generated by pinctl: {command}");
    }
    let index = lock.tool.index_url.trim_end_matches('/');
    if !index.is_empty() && index != DEFAULT_INDEX {
        let _ = writeln!(out, "--index-url {index}");
    }
    for (package, marker) in &chosen {
        let _ = write!(out, "{}=={}", package.name, package.version);
        if let Some(marker) = marker.try_to_string() {
            let _ = write!(out, " ; {marker}");
        }
        if options.hashes {
            let hashes: BTreeSet<&str> = package.files().map(|f| f.sha256.as_str()).collect();
            for hash in hashes {
                let _ = write!(out, " \\\n    --hash=sha256:{hash}");
            }
        }
        out.push('\n');
        if let Some(via) = &via {
            let parents: Vec<&String> = via
                .get(&package.name)
                .into_iter()
                .flatten()
                .filter(|p| **p != package.name.to_string())
                .collect();
            match parents.as_slice() {
                [] => {}
                [one] => {
                    let _ = writeln!(out, "    # via {one}");
                }
                many => {
                    out.push_str("    # via\n");
                    for p in many {
                        let _ = writeln!(out, "    #   {p}");
                    }
                }
            }
        }
    }
    out
}

/// A single-use PEP 751 lock of the selection: no groups or extras, each package's
/// marker reduced to the environment marker under which the selection needs it.
pub fn single_use_pylock(
    lock: &Lock,
    scopes: &[Scope],
    header: Option<&str>,
    project: Option<&PackageName>,
) -> String {
    let packages = selected(lock, scopes, project)
        .into_iter()
        .map(|(p, marker)| {
            let mut p = p.clone();
            p.needed_by = BTreeMap::from([(Scope::Production, marker)]);
            p
        })
        .collect();
    let single = Lock {
        requires_python: lock.requires_python.clone(),
        extras: Vec::new(),
        groups: Vec::new(),
        created_by: lock.created_by.clone(),
        packages,
        tool: lock.tool.clone(),
        integrity: lock.integrity,
    };
    let mut out = String::new();
    if let Some(command) = header {
        let _ = writeln!(out, "# This file was generated by pinctl: {command}");
    }
    out.push_str(&single.to_toml_single_use());
    out
}
