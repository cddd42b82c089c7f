//! From a [`Resolution`] to a [`Lock`]: choose the files to record and keep the scope
//! conditions.

use super::files::{file_compatible, file_compatible_lower_bound, python_range};
use super::{Lock, LockInputs, LockedDependency, LockedFile, LockedPackage};
use crate::index::DistFile;
use crate::project::Scope;
use crate::resolve::{Resolution, ResolvedPackage};

/// Builds the lock of `resolution`, made from `inputs`.
///
/// Each package records every file of its version that can be installed on some Python
/// in the project's range (see [`python_tag_compatible`](super::python_tag_compatible));
/// the result is canonical: packages sorted by name then version, files by name.
pub fn build_lock(resolution: &Resolution, inputs: &LockInputs) -> Lock {
    let project = python_range(
        inputs
            .requires_python
            .as_ref()
            .or(resolution.requires_python.as_ref()),
    );
    let index = inputs.index();
    // A package no scope needs would get no marker, and an installer would then install
    // it everywhere: leave it out.
    let mut packages: Vec<LockedPackage> = resolution
        .packages
        .iter()
        .filter(|p| p.needed_by.values().any(|m| !m.is_false()))
        .map(|p| locked_package(p, &project, &index))
        .collect();
    packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    Lock {
        requires_python: inputs
            .requires_python
            .clone()
            .or_else(|| resolution.requires_python.clone()),
        extras: inputs
            .scopes
            .keys()
            .filter_map(|s| match s {
                Scope::Extra(e) => Some(e.clone()),
                _ => None,
            })
            .collect(),
        groups: inputs
            .scopes
            .keys()
            .filter_map(|s| match s {
                Scope::Group(g) => Some(g.clone()),
                _ => None,
            })
            .collect(),
        created_by: "pinctl".to_owned(),
        packages,
        tool: inputs.tool(),
        integrity: super::Integrity::Intact,
    }
}

fn locked_package(
    package: &ResolvedPackage,
    project: &pubgrub::Ranges<pep440_rs::Version>,
    index: &str,
) -> LockedPackage {
    let mut compatible: Vec<&DistFile> = package
        .files
        .files()
        .iter()
        .filter(|f| file_compatible(f, project))
        .collect();
    if compatible.is_empty() {
        // The resolver ignores Requires-Python upper bounds at Python 4 and above (and
        // files may disagree on Requires-Python); a lock entry with no file would not be
        // valid PEP 751.
        compatible = package
            .files
            .files()
            .iter()
            .filter(|f| file_compatible_lower_bound(f, project))
            .collect();
    }
    compatible.sort_by(|a, b| a.filename.cmp(&b.filename));
    let mut sdists: Vec<&DistFile> = compatible
        .iter()
        .copied()
        .filter(|f| !f.is_wheel())
        .collect();
    // PEP 751 allows one sdist: prefer `.tar.gz` (PEP 625), then the first by name.
    sdists.sort_by_key(|f| (!f.filename.ends_with(".tar.gz"), f.filename.clone()));
    let mut wheels: Vec<LockedFile> = compatible
        .iter()
        .filter(|f| f.is_wheel())
        .filter_map(|f| locked_file(f))
        .collect();
    wheels.sort_by(|a, b| a.name.cmp(&b.name));
    wheels.dedup_by(|a, b| a.name == b.name);
    let mut dependencies: Vec<LockedDependency> = package
        .dependencies
        .iter()
        .map(|d| LockedDependency {
            name: d.name.clone(),
            version: d.version.clone(),
        })
        .collect();
    dependencies.sort();
    dependencies.dedup();
    LockedPackage {
        name: package.name.clone(),
        version: package.version.clone(),
        needed_by: package.needed_by.clone(),
        requires_python: package
            .requires_python
            .clone()
            .or_else(|| compatible.iter().find_map(|f| f.requires_python.clone())),
        index: (!index.is_empty()).then(|| index.to_owned()),
        sdist: sdists.first().and_then(|f| locked_file(f)),
        wheels,
        dependencies,
    }
}

fn locked_file(file: &DistFile) -> Option<LockedFile> {
    Some(LockedFile {
        name: file.filename.clone(),
        // A private index may put credentials in its file links; the lock never holds
        // them (installers take them from netrc or a keyring, as for the index).
        url: crate::index::auth::without_userinfo(&file.url),
        size: file.size,
        upload_time: file.upload_time.clone(),
        sha256: file.sha256()?.to_ascii_lowercase(),
    })
}
