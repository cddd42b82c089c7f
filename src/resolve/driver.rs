//! The fork loop: runs pubgrub once per marker fork on the blocking thread (the fork for
//! the newest Pythons first), carries the versions chosen by earlier forks into later
//! ones, and turns solver failures into [`ResolveError`]s. Building the final
//! [`Resolution`] is `graph.rs`'s job.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;

use pep440_rs::Version;
use pep508_rs::{MarkerTree, PackageName, Requirement, VersionOrUrl};
use pubgrub::PubGrubError;

use crate::index::PackageIndex;
use crate::project::Scope;
use crate::reporter::Reporter;

use super::fetch::{Fetcher, copy_error};
use super::graph::{self, SolvedFork};
use super::markers;
use super::provider::{Pkg, Policy, Provider, ProviderError};
use super::report;
use super::{Resolution, ResolutionStrategy, ResolveError, ResolveInput, ResolveOptions, Upgrade};
use crate::python::{self, requires_python_marker};
use crate::version_range::{self, exact_pins, mentions_prerelease};

/// More solver runs than this means the markers keep splitting: give up.
const MAX_SOLVES: usize = 256;

/// The root requirements with the project's own extras expanded (`myproject[test]` in a
/// dependency group means "the `test` extra's requirements").
fn root_requirements(input: &ResolveInput) -> Vec<(Scope, Requirement)> {
    let mut out = Vec::new();
    for (scope, requirements) in &input.scopes {
        for requirement in requirements {
            expand(input, scope, requirement, &MarkerTree::TRUE, &mut out, 0);
        }
    }
    out
}

fn expand(
    input: &ResolveInput,
    scope: &Scope,
    requirement: &Requirement,
    marker: &MarkerTree,
    out: &mut Vec<(Scope, Requirement)>,
    depth: usize,
) {
    let mut requirement = requirement.clone();
    requirement.marker = markers::and(&requirement.marker, marker);
    if input.project_name.as_ref() != Some(&requirement.name) {
        out.push((scope.clone(), requirement));
        return;
    }
    if depth > 8 {
        return;
    }
    for extra in &requirement.extras {
        if let Some(inner) = input.scopes.get(&Scope::Extra(extra.clone())) {
            for r in inner {
                expand(input, scope, r, &requirement.marker, out, depth + 1);
            }
        }
    }
}

fn policy(input: &ResolveInput, options: &ResolveOptions) -> Policy {
    let root = root_requirements(input);
    let mut prerelease_opt_in = std::collections::HashSet::new();
    let mut pins: HashMap<PackageName, Vec<version_range::Range>> = HashMap::new();
    for (_, requirement) in &root {
        if let Some(VersionOrUrl::VersionSpecifier(specifiers)) = &requirement.version_or_url {
            if mentions_prerelease(Some(specifiers)) {
                prerelease_opt_in.insert(requirement.name.clone());
            }
            let exact = exact_pins(Some(specifiers));
            if !exact.is_empty() {
                pins.entry(requirement.name.clone())
                    .or_default()
                    .extend(exact);
            }
        }
    }
    let lock_preferences = options
        .preferences
        .iter()
        .filter(|(name, _)| match &options.upgrade {
            Upgrade::None => true,
            Upgrade::All => false,
            Upgrade::Packages(names) => !names.contains(*name),
        })
        .map(|(name, versions)| {
            // Oldest first: the provider tries them newest first.
            let mut versions = versions.clone();
            versions.sort();
            versions.dedup();
            (name.clone(), versions)
        })
        .collect();
    let lowest = match options.resolution {
        ResolutionStrategy::Highest => None,
        ResolutionStrategy::Lowest => Some(std::collections::HashSet::new()),
        ResolutionStrategy::LowestDirect => {
            Some(root.iter().map(|(_, r)| r.name.clone()).collect())
        }
    };
    Policy {
        python_known: input.requires_python.is_some(),
        lowest,
        root,
        prerelease_opt_in,
        exact_pins: pins,
        lock_preferences,
    }
}

/// Every release of the packages whose ranges came up empty in a failed solve (already
/// fetched: the solver asked for them).
fn releases_of(
    tree: &pubgrub::DerivationTree<Pkg, version_range::Range, String>,
    fetcher: &Arc<Fetcher>,
) -> report::Releases {
    let mut empty = Vec::new();
    report::empty_ranges(tree, &mut empty);
    let mut releases = report::Releases::new();
    for (pkg, _) in empty {
        let Some(name) = pkg.name() else { continue };
        if releases.contains_key(name) {
            continue;
        }
        if let Ok(versions) = fetcher.versions(name) {
            releases.insert(
                name.clone(),
                versions
                    .versions
                    .iter()
                    .map(|(v, files)| (v.clone(), files.yanked().is_some()))
                    .collect(),
            );
        }
    }
    releases
}

/// Takes the pending fork that holds for the highest Python (the most recently queued
/// among equals). Solving from the newest Python down lets the older-Python forks reuse
/// the newer versions wherever those still install, instead of the newer-Python forks
/// inheriting old versions (uv's order as well).
fn next_fork(pending: &mut Vec<MarkerTree>) -> Option<MarkerTree> {
    let mut best: Option<(usize, Bound<Version>)> = None;
    for (i, fork) in pending.iter().enumerate() {
        let lower = python::python_lower_bound(fork);
        if best
            .as_ref()
            .is_none_or(|(_, b)| python::cmp_lower_bounds(lower.as_ref(), b.as_ref()).is_ge())
        {
            best = Some((i, lower));
        }
    }
    best.map(|(i, _)| pending.remove(i))
}

pub(crate) fn resolve_blocking(
    input: &ResolveInput,
    index: Arc<dyn PackageIndex>,
    options: &ResolveOptions,
    reporter: &Arc<dyn Reporter>,
    runtime: tokio::runtime::Handle,
) -> Result<Resolution, ResolveError> {
    let policy = policy(input, options);
    let fetcher = Fetcher::new(
        index,
        Arc::clone(reporter),
        runtime,
        policy.lock_preferences.clone(),
        options.concurrency,
    );
    let base = requires_python_marker(input.requires_python.as_ref());
    let mut pending = vec![base.clone()];
    let mut solved: Vec<SolvedFork> = Vec::new();
    let mut fork_preferences: HashMap<PackageName, Vec<(Version, MarkerTree)>> = HashMap::new();
    // Packages decided earlier after they kept conflicting, with when (1, 2, ...).
    let mut boosted: HashMap<PackageName, u32> = HashMap::new();
    let mut solves = 0;
    while let Some(fork) = next_fork(&mut pending) {
        solves += 1;
        if solves > MAX_SOLVES {
            return Err(ResolveError::TooManyForks(MAX_SOLVES));
        }
        tracing::debug!(
            "solving the fork `{}`",
            fork.try_to_string().unwrap_or_default()
        );
        let provider = Provider::new(
            &fetcher,
            &policy,
            fork.clone(),
            &fork_preferences,
            true,
            &boosted,
        );
        match pubgrub::resolve(&provider, Pkg::Root, Version::new([0])) {
            Ok(selection) => {
                let solution: HashMap<Pkg, Version> = selection.into_iter().collect();
                let edges = provider.edges.take();
                drop(provider);
                for (pkg, version) in &solution {
                    if let Pkg::Base(name) = pkg {
                        let seen = fork_preferences.entry(name.clone()).or_default();
                        if !seen.iter().any(|(v, _)| v == version) {
                            seen.push((version.clone(), fork.clone()));
                        }
                    }
                }
                solved.push(SolvedFork {
                    marker: fork,
                    solution,
                    edges,
                });
            }
            Err(PubGrubError::NoSolution(tree)) => {
                let not_found = provider.not_found.borrow();
                let skipped = provider.skipped.borrow();
                let releases = releases_of(&tree, &fetcher);
                let root: Vec<_> = policy
                    .root
                    .iter()
                    .filter(|(_, r)| markers::overlaps(&r.marker, &fork))
                    .map(|(scope, r)| (scope.clone(), r))
                    .collect();
                let known = if not_found.is_empty() {
                    Vec::new()
                } else {
                    fetcher.known_names()
                };
                let formatter = report::Formatter {
                    not_found: &not_found,
                    releases: &releases,
                    skipped: &skipped,
                    root: &root,
                    known: &known,
                };
                let mut explanation = report::explain(&tree, &formatter);
                if fork != base {
                    let bounds = python::python_bounds(input.requires_python.as_ref());
                    let shown = markers::simplify(fork.clone(), &bounds);
                    if let Some(text) = shown.try_to_string() {
                        explanation = format!("For environments where `{text}`:\n{explanation}");
                    }
                }
                let hints = report::hints(&tree, &formatter, input.requires_python.as_ref());
                return Err(ResolveError::NoSolution { explanation, hints });
            }
            Err(
                PubGrubError::ErrorChoosingVersion { source, .. }
                | PubGrubError::ErrorRetrievingDependencies { source, .. },
            ) => match source {
                ProviderError::Fork(forks) => {
                    tracing::debug!(
                        "forking into {}",
                        forks
                            .iter()
                            .map(|f| format!("`{}`", f.try_to_string().unwrap_or_default()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    pending.extend(forks.into_iter().rev());
                }
                ProviderError::Restart(name) => {
                    tracing::debug!("`{name}` keeps conflicting; solving again with it first");
                    drop(provider);
                    let rank = u32::try_from(boosted.len()).unwrap_or(u32::MAX - 1) + 1;
                    boosted.insert(name, rank);
                    pending.push(fork);
                }
                ProviderError::Index {
                    package,
                    version,
                    source,
                } => {
                    return Err(ResolveError::Fetch {
                        package,
                        version,
                        source: Box::new(copy_error(&source)),
                    });
                }
            },
            Err(PubGrubError::ErrorInShouldCancel(e)) => {
                return Err(ResolveError::Internal(e.to_string()));
            }
        }
    }
    Ok(graph::build(
        input,
        &policy,
        &fetcher,
        &solved,
        reporter.as_ref(),
    ))
}
