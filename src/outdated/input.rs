//! Builds an [`OutdatedInput`] from the project (pyproject.toml) and the lock.
//!
//! The project gives the specifiers and their positions; the lock gives the locked
//! versions and, through its markers, the scopes each version belongs to. This module
//! only translates; it never reads the network.

use std::collections::BTreeMap;

use pep508_rs::PackageName;

use super::{DirectSpec, OutdatedInput};
use crate::project::Project;

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
