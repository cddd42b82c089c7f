//! From solved forks to the [`Resolution`]: walks each fork's graph from every scope's
//! requirements to compute under which markers each package version is needed (AND
//! along a path, OR over paths, to a fixpoint), merges forks, and simplifies markers
//! against the project's requires-python.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use pep440_rs::Version;
use pep508_rs::{MarkerTree, PackageName};

use crate::project::Scope;
use crate::reporter::Reporter;

use super::fetch::Fetcher;
use super::markers::{and, or, overlaps, simplify};
use super::provider::{Edge, Pkg, Policy};
use super::{Resolution, ResolveInput, ResolvedDependency, ResolvedPackage};
use crate::python::python_bounds;

/// One fork's solver output.
pub(crate) struct SolvedFork {
    pub(crate) marker: MarkerTree,
    pub(crate) solution: HashMap<Pkg, Version>,
    pub(crate) edges: HashMap<(Pkg, Version), Vec<Edge>>,
}

type Node = (Pkg, Version);

/// For each node of one fork, under which marker each scope reaches it.
fn reach(fork: &SolvedFork, policy: &Policy) -> HashMap<Node, BTreeMap<Scope, MarkerTree>> {
    let mut reached: HashMap<Node, BTreeMap<Scope, MarkerTree>> = HashMap::new();
    let mut queue: VecDeque<(Node, Scope)> = VecDeque::new();
    let add = |reached: &mut HashMap<Node, BTreeMap<Scope, MarkerTree>>,
               queue: &mut VecDeque<(Node, Scope)>,
               node: Node,
               scope: &Scope,
               marker: MarkerTree| {
        if marker.is_false() {
            return;
        }
        let entry = reached.entry(node.clone()).or_default();
        let old = entry.get(scope).cloned().unwrap_or(MarkerTree::FALSE);
        let new = or(&old, &marker);
        if new != old {
            entry.insert(scope.clone(), new);
            queue.push_back((node, scope.clone()));
        }
    };
    for (scope, requirement) in &policy.root {
        if !overlaps(&requirement.marker, &fork.marker) {
            continue;
        }
        let marker = and(&requirement.marker, &fork.marker);
        let mut targets = vec![Pkg::Base(requirement.name.clone())];
        targets.extend(
            requirement
                .extras
                .iter()
                .map(|e| Pkg::Extra(requirement.name.clone(), e.clone())),
        );
        for pkg in targets {
            if let Some(version) = fork.solution.get(&pkg) {
                add(
                    &mut reached,
                    &mut queue,
                    (pkg, version.clone()),
                    scope,
                    marker.clone(),
                );
            }
        }
    }
    while let Some((node, scope)) = queue.pop_front() {
        let Some(marker) = reached.get(&node).and_then(|m| m.get(&scope)).cloned() else {
            continue;
        };
        let Some(edges) = fork.edges.get(&node) else {
            continue;
        };
        for edge in edges {
            if let Some(version) = fork.solution.get(&edge.to) {
                let next = and(&marker, &edge.marker);
                add(
                    &mut reached,
                    &mut queue,
                    (edge.to.clone(), version.clone()),
                    &scope,
                    next,
                );
            }
        }
    }
    reached
}

/// Builds the resolution from every solved fork.
pub(crate) fn build(
    input: &ResolveInput,
    policy: &Policy,
    fetcher: &Arc<Fetcher>,
    forks: &[SolvedFork],
    reporter: &dyn Reporter,
) -> Resolution {
    let bounds = python_bounds(input.requires_python.as_ref());
    let mut needed: BTreeMap<(PackageName, Version), BTreeMap<Scope, MarkerTree>> = BTreeMap::new();
    let mut deps: BTreeMap<(PackageName, Version), BTreeMap<(PackageName, Version), MarkerTree>> =
        BTreeMap::new();
    for fork in forks {
        let reached = reach(fork, policy);
        for ((pkg, version), scopes) in &reached {
            let Some(name) = pkg.name() else { continue };
            let key = (name.clone(), version.clone());
            let entry = needed.entry(key.clone()).or_default();
            for (scope, marker) in scopes {
                let old = entry.get(scope).cloned().unwrap_or(MarkerTree::FALSE);
                entry.insert(scope.clone(), or(&old, marker));
            }
            let out = deps.entry(key.clone()).or_default();
            for edge in fork
                .edges
                .get(&(pkg.clone(), version.clone()))
                .into_iter()
                .flatten()
            {
                let Some(to_name) = edge.to.name() else {
                    continue;
                };
                if to_name == name {
                    continue;
                }
                let Some(to_version) = fork.solution.get(&edge.to) else {
                    continue;
                };
                let marker = and(&edge.marker, &fork.marker);
                let slot = out
                    .entry((to_name.clone(), to_version.clone()))
                    .or_insert(MarkerTree::FALSE);
                *slot = or(slot, &marker);
            }
        }
    }

    let mut packages = Vec::new();
    for ((name, version), scopes) in needed {
        let needed_by: BTreeMap<Scope, MarkerTree> = scopes
            .into_iter()
            .map(|(scope, marker)| (scope, simplify(marker, &bounds)))
            .filter(|(_, marker)| !marker.is_false())
            .collect();
        if needed_by.is_empty() {
            continue;
        }
        let dependencies = deps
            .remove(&(name.clone(), version.clone()))
            .unwrap_or_default()
            .into_iter()
            .map(|((dep, dep_version), marker)| ResolvedDependency {
                name: dep,
                version: dep_version,
                marker: simplify(marker, &bounds),
            })
            .filter(|d| !d.marker.is_false())
            .collect();
        let files = fetcher
            .versions(&name)
            .ok()
            .and_then(|versions| versions.versions.get(&version).cloned())
            .unwrap_or_default();
        let requires_python = files.requires_python().cloned().or_else(|| {
            fetcher
                .metadata(&name, &version)
                .ok()
                .and_then(|m| m.requires_python.clone())
        });
        reporter.on_package_resolved(&name, &version);
        packages.push(ResolvedPackage {
            name,
            version,
            needed_by,
            dependencies,
            files,
            requires_python,
        });
    }
    let forks = if forks.len() > 1 {
        forks
            .iter()
            .map(|f| simplify(f.marker.clone(), &bounds))
            .collect()
    } else {
        Vec::new()
    };
    Resolution {
        requires_python: input.requires_python.clone(),
        packages,
        forks,
    }
}
