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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::str::FromStr;

    use pep440_rs::Version;
    use pep508_rs::{MarkerTree, PackageName};

    use crate::lock::Lock;
    use crate::project::{GroupName, Scope, parse_pyproject};
    use crate::source::SourceFile;

    const PYPROJECT: &str = r#"[project]
name = "app"
version = "1.0"
requires-python = ">=3.9"
dependencies = ["requests>=2", "numpy<2; python_version < '3.10'"]

[dependency-groups]
dev = ["requests<3", "pytest"]
"#;

    fn lock_entry(name: &str, version: &str, tool: &str) -> String {
        format!(
            "[[packages]]\nname = \"{name}\"\nversion = \"{version}\"\nindex = \"https://example.invalid/simple\"\n\
             wheels = [{{ url = \"https://example.invalid/{name}-{version}-py3-none-any.whl\", hashes = {{ sha256 = \"{}\" }} }}]\n\
             [packages.tool.pinctl]\n{tool}\n\n",
            "0".repeat(64)
        )
    }

    #[test]
    fn scopes_markers_and_specifiers_come_from_lock_and_project() {
        let project = parse_pyproject(SourceFile::new("pyproject.toml", PYPROJECT)).unwrap();
        let mut text = String::from(
            "lock-version = \"1.0\"\nrequires-python = \">=3.8\"\ndependency-groups = [\"dev\"]\n\n",
        );
        text.push_str(&lock_entry("app", "1.0", "prod = true"));
        text.push_str(&lock_entry(
            "numpy",
            "1.26.4",
            "prod = \"python_full_version < '3.10'\"",
        ));
        text.push_str(&lock_entry("pytest", "8.0.0", "groups = { dev = true }"));
        text.push_str(&lock_entry(
            "requests",
            "2.31.0",
            "prod = true\ngroups = { dev = true }",
        ));
        text.push_str("[tool.pinctl]\nfingerprint = \"0\"\n");
        let lock = Lock::from_toml(&text, Path::new("pylock.toml")).unwrap();

        let input = super::from_project_and_lock(&project, &lock);
        // The project's requires-python wins over the lock's; the project itself is skipped.
        assert_eq!(input.requires_python.unwrap().to_string(), ">=3.9");
        let names: Vec<String> = input.packages.iter().map(|p| p.name.to_string()).collect();
        assert_eq!(names, ["numpy", "pytest", "requests"]);

        let numpy = &input.packages[0];
        assert!(numpy.direct);
        assert_eq!(numpy.version, Version::from_str("1.26.4").unwrap());
        assert_eq!(
            numpy.marker,
            MarkerTree::from_str("python_full_version < '3.10'").unwrap()
        );
        let requests = &input.packages[2];
        assert_eq!(
            requests.scopes.iter().cloned().collect::<Vec<_>>(),
            [Scope::Production, Scope::Group(GroupName::new("dev"))]
        );
        assert!(requests.marker.is_true());

        let specs = &input.specifiers[&PackageName::from_str("requests").unwrap()];
        let written: Vec<String> = specs.iter().map(|s| s.location().requirement).collect();
        assert_eq!(written, ["requests>=2", "requests<3"]);
        assert_eq!(specs[1].location().line, 8);
    }
}
