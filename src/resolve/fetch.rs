//! The bridge between the synchronous solver and the asynchronous index.
//!
//! pubgrub runs on a blocking thread and asks for version lists and metadata; each
//! question becomes a task on the tokio runtime, deduplicated in a shared map, and the
//! solver waits on a condition variable until the answer is there. The fetcher also
//! prefetches: a version list triggers the metadata of its likely candidate (and of the
//! newest release for older Pythons, when the candidate raised the floor), and
//! metadata triggers the version lists of its dependencies, so the network stays busy
//! while the solver thinks. It makes no resolution decisions.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use pep440_rs::{Operator, Version, VersionSpecifiers};
use pep508_rs::PackageName;
use tokio::sync::Semaphore;

use crate::index::{IndexError, Metadata, PackageIndex, PackageVersions};
use crate::reporter::Reporter;

use super::markers::restrict_extras;

/// A finished request: the answer or the (shared) error.
pub(crate) type Answer<T> = Result<Arc<T>, Arc<IndexError>>;

enum Slot<T> {
    Pending,
    Ready(Answer<T>),
}

#[derive(Default)]
struct State {
    versions: HashMap<PackageName, Slot<PackageVersions>>,
    metadata: HashMap<(PackageName, Version), Slot<Metadata>>,
    /// The specifiers something requires of each package, for prefetching the newest
    /// release in each range (an upper bound makes the solver skip the newest release).
    ranges: HashMap<PackageName, Vec<VersionSpecifiers>>,
}

/// Shared, deduplicating access to the index for the solver thread.
pub(crate) struct Fetcher {
    index: Arc<dyn PackageIndex>,
    reporter: Arc<dyn Reporter>,
    runtime: tokio::runtime::Handle,
    limit: Arc<Semaphore>,
    state: Mutex<State>,
    ready: Condvar,
    /// Versions to prefetch first (the lock's), by package.
    preferences: HashMap<PackageName, Vec<Version>>,
}

impl Fetcher {
    pub(crate) fn new(
        index: Arc<dyn PackageIndex>,
        reporter: Arc<dyn Reporter>,
        runtime: tokio::runtime::Handle,
        preferences: HashMap<PackageName, Vec<Version>>,
        concurrency: usize,
    ) -> Arc<Self> {
        Arc::new(Self {
            index,
            reporter,
            runtime,
            limit: Arc::new(Semaphore::new(concurrency.max(1))),
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
            preferences,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Names known to exist: the packages fetched so far and the index's own list.
    pub(crate) fn known_names(&self) -> Vec<PackageName> {
        let mut names = self.index.known_names();
        names.extend(
            self.lock()
                .versions
                .iter()
                .filter(|(_, slot)| matches!(slot, Slot::Ready(Ok(_))))
                .map(|(name, _)| name.clone()),
        );
        names.sort();
        names.dedup();
        names
    }

    /// Starts fetching the version list of `name` unless it is known or in flight.
    pub(crate) fn request_versions(self: &Arc<Self>, name: &PackageName) {
        {
            let mut state = self.lock();
            if state.versions.contains_key(name) {
                return;
            }
            state.versions.insert(name.clone(), Slot::Pending);
        }
        let this = Arc::clone(self);
        let name = name.clone();
        let failed = name.clone();
        let fail = move |state: &mut State, error| {
            state.versions.insert(failed, Slot::Ready(Err(error)));
        };
        self.spawn_guarded(fail, async move {
            this.reporter.on_package_discovered(&name);
            let answer = {
                let _permit = this.limit.acquire().await;
                this.index.versions(&name).await
            };
            let answer = answer.map_err(Arc::new);
            // Publish the list and read the ranges under one lock, so a range recorded
            // concurrently is prefetched by exactly one side.
            let ranges = {
                let mut state = this.lock();
                state
                    .versions
                    .insert(name.clone(), Slot::Ready(answer.clone()));
                state.ranges.get(&name).cloned().unwrap_or_default()
            };
            this.ready.notify_all();
            if let Ok(versions) = &answer {
                this.prefetch_candidate(versions);
                for specifiers in &ranges {
                    this.prefetch_in_range(versions, specifiers);
                }
            }
        });
    }

    /// Records that something requires `name` within `specifiers`: the version list is
    /// fetched, and the metadata of the newest release in that range is prefetched as
    /// soon as the list is known.
    pub(crate) fn request_in_range(
        self: &Arc<Self>,
        name: &PackageName,
        specifiers: Option<&VersionSpecifiers>,
    ) {
        let Some(specifiers) = specifiers.filter(|s| !s.is_empty()) else {
            self.request_versions(name);
            return;
        };
        let known = {
            let mut state = self.lock();
            let ranges = state.ranges.entry(name.clone()).or_default();
            if ranges.contains(specifiers) {
                return;
            }
            ranges.push(specifiers.clone());
            match state.versions.get(name) {
                Some(Slot::Ready(Ok(versions))) => Some(Arc::clone(versions)),
                _ => None,
            }
        };
        match known {
            Some(versions) => self.prefetch_in_range(&versions, specifiers),
            None => self.request_versions(name),
        }
    }

    /// Prefetches the newest usable release of `versions` within `specifiers`.
    fn prefetch_in_range(
        self: &Arc<Self>,
        versions: &PackageVersions,
        specifiers: &VersionSpecifiers,
    ) {
        let newest = versions.versions.iter().rev().find(|(v, files)| {
            !v.any_prerelease()
                && !files.is_empty()
                && files.yanked().is_none()
                && specifiers.contains(v)
        });
        if let Some((version, _)) = newest {
            self.request_metadata(&versions.name, version);
        }
    }

    /// Starts fetching the metadata of `name` `version` unless known or in flight.
    pub(crate) fn request_metadata(self: &Arc<Self>, name: &PackageName, version: &Version) {
        let key = (name.clone(), version.clone());
        {
            let mut state = self.lock();
            if state.metadata.contains_key(&key) {
                return;
            }
            state.metadata.insert(key.clone(), Slot::Pending);
        }
        let this = Arc::clone(self);
        let failed = key.clone();
        let fail = move |state: &mut State, error| {
            state.metadata.insert(failed, Slot::Ready(Err(error)));
        };
        self.spawn_guarded(fail, async move {
            let answer = {
                let _permit = this.limit.acquire().await;
                this.index.metadata(&key.0, &key.1).await
            };
            let answer = answer.map_err(Arc::new);
            if let Ok(metadata) = &answer {
                // Dependencies that apply without extras will almost surely be needed.
                for requirement in &metadata.requires_dist {
                    if !restrict_extras(&requirement.marker, &[]).is_false() {
                        this.request_in_range(&requirement.name, specifiers(requirement));
                    }
                }
            }
            this.lock().metadata.insert(key, Slot::Ready(answer));
            this.ready.notify_all();
        });
    }

    /// Runs `task` on the runtime; if it panics (a bug in an index implementation), `fail`
    /// records an error so the solver thread does not wait forever.
    fn spawn_guarded<F>(
        self: &Arc<Self>,
        fail: impl FnOnce(&mut State, Arc<IndexError>) + Send + 'static,
        task: F,
    ) where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = self.runtime.spawn(task);
        let this = Arc::clone(self);
        self.runtime.spawn(async move {
            if let Err(error) = handle.await {
                let error = Arc::new(IndexError::Internal(format!(
                    "an index request failed: {error}"
                )));
                fail(&mut this.lock(), error);
                this.ready.notify_all();
            }
        });
    }

    /// Prefetches the metadata of the version the solver will most likely try first.
    fn prefetch_candidate(self: &Arc<Self>, versions: &PackageVersions) {
        let preferred = self.preferences.get(&versions.name).and_then(|preferred| {
            preferred
                .iter()
                .rev()
                .find(|v| versions.versions.contains_key(*v))
        });
        let candidate = preferred.or_else(|| {
            versions
                .versions
                .iter()
                .rev()
                .find(|(v, files)| {
                    !v.any_prerelease() && !files.is_empty() && files.yanked().is_none()
                })
                .map(|(v, _)| v)
        });
        let Some(candidate) = candidate else {
            return;
        };
        self.request_metadata(&versions.name, candidate);
        // When the candidate needs a newer Python than older releases did, a project that
        // supports older Pythons forks and tries the newest release for them next: fetch
        // it now rather than in a later round trip.
        let Some(floor) = versions
            .versions
            .get(candidate)
            .and_then(|files| python_floor(files.requires_python()))
        else {
            return;
        };
        let older = versions
            .versions
            .range(..candidate)
            .rev()
            .find(|(v, files)| {
                !v.any_prerelease()
                    && !files.is_empty()
                    && files.yanked().is_none()
                    && python_floor(files.requires_python()).is_none_or(|f| f < floor)
            });
        if let Some((older, _)) = older {
            self.request_metadata(&versions.name, older);
        }
    }

    /// The version list of `name`, waiting for it if needed.
    pub(crate) fn versions(self: &Arc<Self>, name: &PackageName) -> Answer<PackageVersions> {
        self.request_versions(name);
        let mut state = self.lock();
        loop {
            if let Some(Slot::Ready(answer)) = state.versions.get(name) {
                return answer.clone();
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The metadata of `name` `version`, waiting for it if needed.
    pub(crate) fn metadata(
        self: &Arc<Self>,
        name: &PackageName,
        version: &Version,
    ) -> Answer<Metadata> {
        self.request_metadata(name, version);
        let key = (name.clone(), version.clone());
        let mut state = self.lock();
        loop {
            if let Some(Slot::Ready(answer)) = state.metadata.get(&key) {
                return answer.clone();
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The lowest Python a requires-python admits, when it sets one (`>=3.9`, `>3.8`, `~=3.9`).
fn python_floor(requires_python: Option<&VersionSpecifiers>) -> Option<&Version> {
    requires_python?
        .iter()
        .filter(|s| {
            matches!(
                s.operator(),
                Operator::GreaterThanEqual | Operator::GreaterThan | Operator::TildeEqual
            )
        })
        .map(pep440_rs::VersionSpecifier::version)
        .max()
}

/// The version specifiers of a requirement (none for a URL requirement).
pub(crate) fn specifiers(requirement: &pep508_rs::Requirement) -> Option<&VersionSpecifiers> {
    match &requirement.version_or_url {
        Some(pep508_rs::VersionOrUrl::VersionSpecifier(specifiers)) => Some(specifiers),
        _ => None,
    }
}

/// A copy of an index error (the shared original stays in the cache).
pub(crate) fn copy_error(error: &IndexError) -> IndexError {
    error.clone()
}
