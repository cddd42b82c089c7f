//! Builds an [`OutdatedInput`] from the project (pyproject.toml) and the lock.
//!
//! The project gives the specifiers and their positions; the lock gives the locked
//! versions and, through its markers, the scopes each version belongs to. This module
//! only translates; it never reads the network.

use std::collections::BTreeMap;

use pep508_rs::{MarkerTree, PackageName};

use super::{DirectSpec, LockedPackage, OutdatedInput};
use crate::lock::Lock;
use crate::project::Project;

/// The comparison input for `project` and its `lock`.
///
/// Every `[[packages]]` entry that came from an index is compared (a forked lock yields
/// one entry per version); its scopes are the keys of its per-scope conditions, its
/// marker the disjunction of their environment markers. `requires-python` is the
/// project's, else the lock's.
pub fn from_project_and_lock(project: &Project, lock: &Lock) -> OutdatedInput {
    let specifiers = project_specifiers(project);
    let packages = lock
        .packages
        .iter()
        .filter(|p| p.index.is_some() && project.name.as_ref() != Some(&p.name))
        .map(|p| {
            let mut marker = MarkerTree::FALSE;
            for condition in p.needed_by.values() {
                marker.or(condition.clone());
            }
            if p.needed_by.is_empty() {
                marker = MarkerTree::TRUE;
            }
            LockedPackage {
                name: p.name.clone(),
                version: p.version.clone(),
                scopes: p.needed_by.keys().cloned().collect(),
                direct: specifiers.contains_key(&p.name),
                marker,
            }
        })
        .collect();
    OutdatedInput {
        packages,
        requires_python: project
            .requires_python
            .clone()
            .or_else(|| lock.requires_python.clone()),
        specifiers,
    }
}

/// The project's own requirements by package, production first, then groups, then
/// extras (the order of [`Project::all_dependencies`]).
pub fn project_specifiers(project: &Project) -> BTreeMap<PackageName, Vec<DirectSpec>> {
    let mut specs: BTreeMap<PackageName, Vec<DirectSpec>> = BTreeMap::new();
    for dep in project.all_dependencies() {
        specs
            .entry(dep.requirement.name.clone())
            .or_default()
            .push(DirectSpec {
                requirement: dep.requirement.clone(),
                file: dep.file.clone(),
                span: dep.span,
                scope: dep.scope.clone(),
            });
    }
    // The project itself is never a dependency worth reporting.
    if let Some(name) = &project.name {
        specs.remove(name);
    }
    specs
}

impl OutdatedInput {
    /// Whether the project declares `name` itself.
    pub fn is_direct(&self, name: &PackageName) -> bool {
        self.specifiers.contains_key(name)
    }
}
