//! The pubgrub [`DependencyProvider`] for one fork of a universal resolution.
//!
//! Owns the version-selection policy (preferences, pre-releases, yanked files,
//! Requires-Python against the fork's Python range) and the translation of Requires-Dist
//! into solver terms (`package[extra]` virtual packages, markers filtered against the
//! fork), with metadata fetched ahead through the prefetcher (`fetch.rs`). When a fork
//! is needed it stops the solver with [`ProviderError::Fork`], and when a package keeps
//! contradicting an earlier choice with [`ProviderError::Restart`]; the driver
//! (`driver.rs`) re-runs the solver per branch or with that package decided first.
//! Never prints.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use pep440_rs::{Version, VersionSpecifier, VersionSpecifiers};
use pep508_rs::{ExtraName, MarkerTree, PackageName, Requirement, VersionOrUrl};
use pubgrub::{
    Dependencies, DependencyConstraints, DependencyProvider, PackageResolutionStatistics,
};

use crate::index::{IndexError, PackageVersions, VersionFiles};
use crate::project::Scope;

use super::fetch::Fetcher;
use super::markers::{and, overlaps, restrict_extras};
use crate::python::requires_python_fit_marker;
use crate::version_range::{Range, specifiers_range};

/// A node of the solver's graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Pkg {
    /// The project itself (all scopes at once).
    Root,
    /// A real package.
    Base(PackageName),
    /// `name[extra]`: pinned to the base's version, adds the extra's requirements.
    Extra(PackageName, ExtraName),
}

impl Pkg {
    pub(crate) fn name(&self) -> Option<&PackageName> {
        match self {
            Pkg::Root => None,
            Pkg::Base(name) | Pkg::Extra(name, _) => Some(name),
        }
    }
}

impl fmt::Display for Pkg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pkg::Root => f.write_str("your project"),
            Pkg::Base(name) => write!(f, "{name}"),
            Pkg::Extra(name, extra) => write!(f, "{name}[{extra}]"),
        }
    }
}

/// Why the solver had to stop.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProviderError {
    /// The resolution must split into these markers (already intersected with the fork).
    #[error("the resolution forks")]
    Fork(Vec<MarkerTree>),
    /// A package keeps conflicting: solve the fork again with it decided earlier.
    #[error("`{0}` keeps conflicting")]
    Restart(PackageName),
    /// The index failed for a reason other than "no such package".
    #[error("fetching `{package}` failed")]
    Index {
        package: PackageName,
        version: Option<Version>,
        source: Arc<IndexError>,
    },
}

/// Why a version was passed over; kept for hints in error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Skip {
    Prerelease,
    Yanked,
    /// Its Requires-Python excludes (part of) the project's Python range.
    RequiresPython(VersionSpecifiers),
    /// No sdist, and no wheel for a Python older than this one.
    WheelsFrom(Version),
    /// No file at all.
    NoFiles,
}

/// A dependency edge as read from metadata, with its marker (extras decided).
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) to: Pkg,
    pub(crate) marker: MarkerTree,
}

/// Facts shared by every fork: the root requirements and the version policy inputs.
pub(crate) struct Policy {
    pub(crate) root: Vec<(Scope, Requirement)>,
    /// Packages whose first-party specifiers name a pre-release.
    pub(crate) prerelease_opt_in: HashSet<PackageName>,
    /// First-party `==` pins (they allow yanked versions).
    pub(crate) exact_pins: HashMap<PackageName, Vec<Range>>,
    /// The lock's versions (already filtered by `--upgrade`).
    pub(crate) lock_preferences: HashMap<PackageName, Vec<Version>>,
    /// Try the lowest version first: `Some(empty)` for every package, `Some(names)` for
    /// these (the direct dependencies), `None` for the newest first.
    pub(crate) lowest: Option<HashSet<PackageName>>,
    /// Whether the project declares requires-python. Without it there is no range to
    /// check Requires-Python against (every bound would split the lock), so it is ignored.
    pub(crate) python_known: bool,
}

/// One solver run: a fork marker and what earlier forks chose.
pub(crate) struct Provider<'a> {
    pub(crate) fetcher: &'a Arc<Fetcher>,
    pub(crate) policy: &'a Policy,
    pub(crate) fork: MarkerTree,
    /// Versions chosen by forks solved earlier, with the fork that chose each (preferred,
    /// to keep versions few).
    pub(crate) fork_preferences: &'a HashMap<PackageName, Vec<(Version, MarkerTree)>>,
    /// Whether Requires-Python forks are still allowed (guard against runaway splits).
    pub(crate) allow_forks: bool,
    /// Packages that conflicted repeatedly in an earlier run, decided before the others;
    /// the later one was boosted, the earlier it is decided (the later one is the
    /// package held back by the earlier one: dagster-webserver first pins dagster, then
    /// dagster-dbt keeps failing against that pin and must go first).
    pub(crate) boosted: &'a HashMap<PackageName, u32>,
    pub(crate) conflicts: RefCell<HashMap<PackageName, u32>>,
    /// Versions of a package rejected at once because a dependency contradicts a version
    /// already chosen (pubgrub does not count these as conflicts).
    pub(crate) rejected: RefCell<HashMap<PackageName, u32>>,
    /// How many versions of each package the solver has chosen so far.
    pub(crate) tried: RefCell<HashMap<PackageName, u32>>,
    pub(crate) discovery: RefCell<HashMap<PackageName, usize>>,
    pub(crate) chosen: RefCell<HashMap<PackageName, Version>>,
    pub(crate) edges: RefCell<HashMap<(Pkg, Version), Vec<Edge>>>,
    pub(crate) skipped: RefCell<BTreeMap<PackageName, BTreeMap<Version, Skip>>>,
    pub(crate) not_found: RefCell<HashMap<PackageName, Option<String>>>,
}

impl<'a> Provider<'a> {
    pub(crate) fn new(
        fetcher: &'a Arc<Fetcher>,
        policy: &'a Policy,
        fork: MarkerTree,
        fork_preferences: &'a HashMap<PackageName, Vec<(Version, MarkerTree)>>,
        allow_forks: bool,
        boosted: &'a HashMap<PackageName, u32>,
    ) -> Self {
        let provider = Self {
            fetcher,
            policy,
            fork,
            fork_preferences,
            allow_forks,
            boosted,
            conflicts: RefCell::default(),
            rejected: RefCell::default(),
            tried: RefCell::default(),
            discovery: RefCell::default(),
            chosen: RefCell::default(),
            edges: RefCell::default(),
            skipped: RefCell::default(),
            not_found: RefCell::default(),
        };
        for (_, requirement) in &policy.root {
            provider.discover(&requirement.name);
            provider
                .fetcher
                .request_in_range(&requirement.name, super::fetch::specifiers(requirement));
        }
        provider
    }

    fn discover(&self, name: &PackageName) {
        let mut discovery = self.discovery.borrow_mut();
        let next = discovery.len();
        discovery.entry(name.clone()).or_insert(next);
        self.fetcher.request_versions(name);
    }

    fn skip(&self, name: &PackageName, version: &Version, why: Skip) {
        self.skipped
            .borrow_mut()
            .entry(name.clone())
            .or_default()
            .insert(version.clone(), why);
    }

    fn versions(&self, name: &PackageName) -> Result<Option<Arc<PackageVersions>>, ProviderError> {
        match self.fetcher.versions(name) {
            Ok(versions) => Ok(Some(versions)),
            Err(error) => {
                if let IndexError::NotFound { url, .. } = &*error {
                    self.not_found
                        .borrow_mut()
                        .insert(name.clone(), url.clone());
                    Ok(None)
                } else {
                    Err(ProviderError::Index {
                        package: name.clone(),
                        version: None,
                        source: error,
                    })
                }
            }
        }
    }

    fn is_exact_pin(&self, name: &PackageName, version: &Version) -> bool {
        self.policy
            .exact_pins
            .get(name)
            .is_some_and(|pins| pins.iter().any(|pin| pin.contains(version)))
    }

    /// Once the solver has tried a few versions of `name`, it is backtracking through
    /// them: ask for the metadata of the next older ones in `range` together, rather
    /// than one round trip per version (as uv's batch prefetch does).
    fn prefetch_older(&self, name: &PackageName, range: &Range, chosen: &Version) {
        let tried = {
            let mut tried = self.tried.borrow_mut();
            let count = tried.entry(name.clone()).or_default();
            *count += 1;
            *count
        };
        if tried < PREFETCH_AFTER_TRIES || tried % PREFETCH_AFTER_TRIES != 0 {
            return;
        }
        let Ok(versions) = self.fetcher.versions(name) else {
            return;
        };
        let older = versions
            .versions
            .range(..chosen)
            .rev()
            .filter(|(v, files)| {
                range.contains(v) && files.any_usable() && files.yanked().is_none()
            })
            .map(|(v, _)| v)
            .take(PREFETCH_BATCH);
        for version in older {
            self.fetcher.request_metadata(name, version);
        }
    }

    /// Counts a version of `name` whose dependencies exclude a version already chosen
    /// (dagster-dbt 0.29.27 pins dagster==1.13.27 while dagster-webserver chose
    /// 1.13.28). pubgrub then just tries the next older version, and would walk hundreds
    /// of them down to one without the pin; after a few, `name` is decided earlier in a
    /// fresh run instead, as with repeated conflicts.
    fn note_rejection(
        &self,
        name: &PackageName,
        constraints: &Constraints,
    ) -> Result<(), ProviderError> {
        let chosen = self.chosen.borrow();
        let contradicts = constraints.iter().any(|(dep, range)| {
            matches!(dep, Pkg::Base(_))
                && dep
                    .name()
                    .and_then(|n| chosen.get(n))
                    .is_some_and(|v| !range.contains(v))
        });
        drop(chosen);
        if !contradicts {
            return Ok(());
        }
        let mut rejected = self.rejected.borrow_mut();
        let count = rejected.entry(name.clone()).or_default();
        *count += 1;
        if *count >= RESTART_AFTER_CONFLICTS && !self.boosted.contains_key(name) {
            return Err(ProviderError::Restart(name.clone()));
        }
        Ok(())
    }

    /// How the Pythons a version can be installed on relate to the fork, and why it
    /// cannot serve them: its Requires-Python decides, except that a version without an
    /// sdist whose wheels are all for newer Pythons than the fork's is no candidate
    /// there (onnxruntime 1.24.3 says >=3.10 but has wheels from cp311 up). As uv does,
    /// wheels that cover part of the fork do not split it: the lock then holds the
    /// version for the Pythons its wheels serve.
    fn version_fit(&self, files: &VersionFiles) -> (PythonFit, Option<Skip>) {
        self.version_fit_in(&self.fork, files)
    }

    /// [`Self::version_fit`] for the Pythons of `fork`.
    fn version_fit_in(&self, fork: &MarkerTree, files: &VersionFiles) -> (PythonFit, Option<Skip>) {
        let declared = self.python_fit_in(fork, files.requires_python());
        let declared_skip = files.requires_python().cloned().map(Skip::RequiresPython);
        if matches!(declared, PythonFit::None) || !self.policy.python_known {
            return (declared, declared_skip);
        }
        let Some(floor) = files.oldest_wheel_python() else {
            return (declared, declared_skip);
        };
        let wheels = VersionSpecifier::greater_than_equal_version(floor.clone());
        match self.python_fit_in(fork, Some(&VersionSpecifiers::from_iter([wheels]))) {
            PythonFit::None => (PythonFit::None, Some(Skip::WheelsFrom(floor))),
            PythonFit::All | PythonFit::Part(_) => (declared, declared_skip),
        }
    }

    /// How a Requires-Python relates to the fork: fully compatible, compatible with part
    /// of it (the marker of that part), or not at all.
    fn python_fit_in(
        &self,
        fork: &MarkerTree,
        requires_python: Option<&VersionSpecifiers>,
    ) -> PythonFit {
        if !self.policy.python_known {
            return PythonFit::All;
        }
        let Some(fit) = requires_python_fit_marker(requires_python) else {
            return PythonFit::All;
        };
        if !overlaps(fork, &fit) {
            return PythonFit::None;
        }
        if !overlaps(fork, &fit.negate()) {
            return PythonFit::All;
        }
        PythonFit::Part(fit)
    }

    fn choose(
        &self,
        name: &PackageName,
        range: &Range,
        extra: bool,
    ) -> Result<Option<Version>, ProviderError> {
        let Some(versions) = self.versions(name)? else {
            return Ok(None);
        };
        let mut in_range: Vec<_> = versions
            .versions
            .iter()
            .filter(|(v, _)| range.contains(*v))
            .collect();
        if !self
            .policy
            .lowest
            .as_ref()
            .is_some_and(|names| names.is_empty() || names.contains(name))
        {
            in_range.reverse();
        }
        let available = || in_range.iter().copied();
        let prerelease_ok = self.policy.prerelease_opt_in.contains(name)
            || !available().any(|(v, files)| {
                !v.any_prerelease()
                    && files.any_usable()
                    && (files.yanked().is_none() || self.is_exact_pin(name, v))
            });

        // Preferred versions first: the base's choice (for `name[extra]`), earlier forks,
        // then the lock. One that fits only part of the fork's Pythons splits it as a
        // fresh pick would (so a re-lock finds the forks of the lock it starts from).
        let mut preferred: Vec<&Version> = Vec::new();
        let chosen = self.chosen.borrow().get(name).cloned();
        if extra && let Some(v) = &chosen {
            preferred.push(v);
        }
        if let Some(vs) = self.fork_preferences.get(name) {
            // Not a version another fork settled for only because its Pythons could not
            // have a newer one that serves all of this fork's: newest per Python first.
            preferred.extend(vs.iter().rev().filter_map(|(v, origin)| {
                let newer_here = available().any(|(w, files)| {
                    w > v
                        && files.any_usable()
                        && (prerelease_ok || !w.any_prerelease())
                        && (files.yanked().is_none() || self.is_exact_pin(name, w))
                        // The origin's Requires-Python check usually settles it, without
                        // reading the files.
                        && !matches!(self.version_fit_in(origin, files).0, PythonFit::All)
                        && matches!(self.version_fit(files).0, PythonFit::All)
                });
                (!newer_here).then_some(v)
            }));
        }
        if let Some(vs) = self.policy.lock_preferences.get(name) {
            preferred.extend(vs.iter().rev());
        }
        for v in preferred {
            let Some(files) = versions.versions.get(v) else {
                continue;
            };
            if !range.contains(v) || !files.any_usable() {
                continue;
            }
            if files.yanked().is_some() && !self.is_exact_pin(name, v) {
                continue;
            }
            match self.version_fit(files).0 {
                PythonFit::All => return Ok(Some(v.clone())),
                PythonFit::Part(fit) if self.allow_forks => {
                    let fits = and(&self.fork, &fit);
                    let rest = and(&self.fork, &fit.negate());
                    return Err(ProviderError::Fork(vec![fits, rest]));
                }
                PythonFit::Part(_) | PythonFit::None => {}
            }
        }

        // Stable versions first; pre-releases only when the user asked for them or no
        // stable version is in range.
        let stable = available().filter(|(v, _)| !v.any_prerelease());
        let pre = available().filter(|(v, _)| v.any_prerelease());
        for (v, files) in stable.chain(pre) {
            if !files.any_usable() {
                self.skip(name, v, Skip::NoFiles);
                continue;
            }
            if v.any_prerelease() && !prerelease_ok {
                self.skip(name, v, Skip::Prerelease);
                continue;
            }
            if files.yanked().is_some() && !self.is_exact_pin(name, v) {
                self.skip(name, v, Skip::Yanked);
                continue;
            }
            let (fit, why) = self.version_fit(files);
            match fit {
                PythonFit::All => return Ok(Some(v.clone())),
                PythonFit::Part(fit) if self.allow_forks => {
                    let fits = and(&self.fork, &fit);
                    let rest = and(&self.fork, &fit.negate());
                    return Err(ProviderError::Fork(vec![fits, rest]));
                }
                PythonFit::Part(_) | PythonFit::None => {
                    if let Some(why) = why {
                        self.skip(name, v, why);
                    }
                }
            }
        }
        Ok(None)
    }

    /// Turns requirements (already filtered to this fork) into solver constraints, or asks
    /// for a fork when marker-disjoint requirements on one package disagree.
    fn constraints(
        &self,
        from: &Pkg,
        version: &Version,
        requirements: Vec<(MarkerTree, &Requirement)>,
    ) -> Result<Constraints, ProviderError> {
        // Group by package to find conflicting, marker-disjoint requirements.
        let mut by_name: BTreeMap<&PackageName, Vec<(MarkerTree, Range)>> = BTreeMap::new();
        for (marker, requirement) in &requirements {
            by_name
                .entry(&requirement.name)
                .or_default()
                .push((marker.clone(), requirement_range(requirement)));
        }
        for entries in by_name.values() {
            if entries.len() < 2 {
                continue;
            }
            let mut fork_needed = false;
            for (i, (m1, r1)) in entries.iter().enumerate() {
                for (m2, r2) in &entries[i + 1..] {
                    if r1 != r2 && !overlaps(&and(m1, &self.fork), m2) {
                        fork_needed = true;
                    }
                }
            }
            if fork_needed {
                // Branches whose requirement has an upper bound are solved first: their
                // choices are then preferred by the others, which keeps versions few (the
                // order uv uses too).
                let mut ordered: Vec<&(MarkerTree, Range)> = entries.iter().collect();
                ordered.sort_by_key(|(_, range)| !has_upper_bound(range));
                let mut forks = vec![self.fork.clone()];
                let mut seen: Vec<&MarkerTree> = Vec::new();
                for (marker, _) in ordered {
                    if seen.contains(&marker) {
                        continue;
                    }
                    seen.push(marker);
                    forks = forks
                        .into_iter()
                        .flat_map(|f| [and(&f, marker), and(&f, &marker.negate())])
                        .filter(|f| !f.is_false())
                        .collect();
                }
                if forks.len() > 1 {
                    return Err(ProviderError::Fork(forks));
                }
            }
        }

        let mut constraints = Constraints::new();
        let mut edges = Vec::new();
        let self_name = from.name();
        for (marker, requirement) in requirements {
            let range = requirement_range(requirement);
            let base = Pkg::Base(requirement.name.clone());
            self.discover(&requirement.name);
            if self_name == Some(&requirement.name) {
                // A package naming itself (usually `pkg[a]` asking for `pkg[b]`): only
                // its extras matter, pinned to this very version.
                for extra in &requirement.extras {
                    let pkg = Pkg::Extra(requirement.name.clone(), extra.clone());
                    if Some(&pkg) != Some(from) {
                        add_constraint(
                            &mut constraints,
                            pkg.clone(),
                            &Range::singleton(version.clone()),
                        );
                        edges.push(Edge {
                            to: pkg,
                            marker: marker.clone(),
                        });
                    }
                }
                continue;
            }
            add_constraint(&mut constraints, base.clone(), &range);
            edges.push(Edge {
                to: base,
                marker: marker.clone(),
            });
            for extra in &requirement.extras {
                let pkg = Pkg::Extra(requirement.name.clone(), extra.clone());
                add_constraint(&mut constraints, pkg.clone(), &range);
                edges.push(Edge {
                    to: pkg,
                    marker: marker.clone(),
                });
            }
        }
        self.edges
            .borrow_mut()
            .insert((from.clone(), version.clone()), edges);
        Ok(constraints)
    }
}

enum PythonFit {
    All,
    Part(MarkerTree),
    None,
}

type Constraints = BTreeMap<Pkg, Range>;

fn has_upper_bound(range: &Range) -> bool {
    range
        .bounding_range()
        .is_some_and(|(_, upper)| !matches!(upper, std::ops::Bound::Unbounded))
}

fn add_constraint(constraints: &mut Constraints, pkg: Pkg, range: &Range) {
    let entry = constraints.entry(pkg).or_insert_with(Range::full);
    *entry = entry.intersection(range);
}

/// The version range a requirement allows (URL requirements: any version).
pub(crate) fn requirement_range(requirement: &Requirement) -> Range {
    match &requirement.version_or_url {
        Some(VersionOrUrl::VersionSpecifier(specifiers)) => specifiers_range(Some(specifiers)),
        _ => Range::full(),
    }
}

/// After this many versions of one package were chosen (and every this many again), the
/// metadata of the next [`PREFETCH_BATCH`] older candidates is requested at once.
const PREFETCH_AFTER_TRIES: u32 = 3;
const PREFETCH_BATCH: usize = 20;

/// A package that conflicted this often is decided earlier in a fresh run (pubgrub 0.4
/// cannot reorder decisions already made), as uv does.
const RESTART_AFTER_CONFLICTS: u32 = 5;

/// Priority: root, then exact pins, then packages that keep conflicting (the latest
/// boosted first), then discovery order.
type Priority = (u8, u32, u32, Reverse<usize>);

impl DependencyProvider for Provider<'_> {
    type P = Pkg;
    type V = Version;
    type VS = Range;
    type M = String;
    type Err = ProviderError;
    type Priority = Priority;

    fn prioritize(
        &self,
        package: &Pkg,
        range: &Range,
        stats: &PackageResolutionStatistics,
    ) -> Priority {
        let Some(name) = package.name() else {
            return (u8::MAX, u32::MAX, u32::MAX, Reverse(0));
        };
        let exact = match range.bounding_range() {
            Some((std::ops::Bound::Included(lower), std::ops::Bound::Excluded(upper))) => {
                *upper == lower.clone().with_post(Some(0)).with_dev(Some(0))
            }
            Some((std::ops::Bound::Included(lower), std::ops::Bound::Included(upper))) => {
                lower == upper
            }
            _ => false,
        };
        let conflicts = stats.conflict_count();
        self.conflicts.borrow_mut().insert(name.clone(), conflicts);
        // A package and its `name[extra]` nodes share the discovery order, as in uv: an
        // extra's dependencies are discovered when the extra is, not after every base.
        let class = match exact {
            true => 4,
            false if self.boosted.contains_key(name) => 3,
            false => 2,
        };
        let order = self
            .discovery
            .borrow()
            .get(name)
            .copied()
            .unwrap_or(usize::MAX);
        let boost = self.boosted.get(name).copied().unwrap_or(0);
        (class, boost, conflicts, Reverse(order))
    }

    fn choose_version(
        &self,
        package: &Pkg,
        range: &Range,
    ) -> Result<Option<Version>, ProviderError> {
        let (name, extra) = match package {
            Pkg::Root => return Ok(Some(Version::new([0]))),
            Pkg::Base(name) => (name, false),
            Pkg::Extra(name, _) => (name, true),
        };
        let conflicts = self.conflicts.borrow().get(name).copied().unwrap_or(0);
        if conflicts >= RESTART_AFTER_CONFLICTS && !self.boosted.contains_key(name) {
            return Err(ProviderError::Restart(name.clone()));
        }
        // pubgrub panics on a version outside the range; `choose` only returns versions
        // it checked against `range`, and this keeps that promise explicit.
        let chosen = self
            .choose(name, range, extra)?
            .filter(|v| range.contains(v));
        if let Some(v) = &chosen
            && !extra
        {
            self.chosen.borrow_mut().insert(name.clone(), v.clone());
            self.fetcher.request_metadata(name, v);
            self.prefetch_older(name, range, v);
        }
        Ok(chosen)
    }

    fn get_dependencies(
        &self,
        package: &Pkg,
        version: &Version,
    ) -> Result<Dependencies<Pkg, Range, String>, ProviderError> {
        match package {
            Pkg::Root => {
                let requirements = self
                    .policy
                    .root
                    .iter()
                    .filter(|(_, r)| overlaps(&r.marker, &self.fork))
                    .map(|(_, r)| (r.marker.clone(), r))
                    .collect();
                Ok(Dependencies::Available(
                    self.constraints(package, version, requirements)?
                        .into_iter()
                        .collect(),
                ))
            }
            Pkg::Base(name) | Pkg::Extra(name, _) => {
                let metadata = self.fetcher.metadata(name, version).map_err(|source| {
                    ProviderError::Index {
                        package: name.clone(),
                        version: Some(version.clone()),
                        source,
                    }
                })?;
                let active: Vec<ExtraName> = match package {
                    Pkg::Extra(_, extra) => vec![extra.clone()],
                    _ => Vec::new(),
                };
                let mut requirements = Vec::new();
                for requirement in &metadata.requires_dist {
                    let marker = restrict_extras(&requirement.marker, &active);
                    if marker.is_false() || !overlaps(&marker, &self.fork) {
                        continue;
                    }
                    if !active.is_empty() && !restrict_extras(&requirement.marker, &[]).is_false() {
                        // Already a dependency of the base package.
                        continue;
                    }
                    requirements.push((marker, requirement));
                }
                let mut constraints = self.constraints(package, version, requirements)?;
                self.note_rejection(name, &constraints)?;
                if let Pkg::Extra(..) = package {
                    let base = Pkg::Base(name.clone());
                    add_constraint(
                        &mut constraints,
                        base.clone(),
                        &Range::singleton(version.clone()),
                    );
                    self.edges
                        .borrow_mut()
                        .entry((package.clone(), version.clone()))
                        .or_default()
                        .push(Edge {
                            to: base,
                            marker: MarkerTree::TRUE,
                        });
                }
                Ok(Dependencies::Available(
                    constraints
                        .into_iter()
                        .collect::<DependencyConstraints<_, _>>(),
                ))
            }
        }
    }
}
