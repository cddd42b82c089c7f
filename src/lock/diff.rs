//! What a re-lock changes, for `lock --dry-run` and the lock summary.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use pep440_rs::Version;
use pep508_rs::PackageName;

use super::Lock;
use crate::project::Scope;

/// One package-level difference between two locks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `Add rich 13.9.4`
    Add { name: PackageName, version: Version },
    /// `Update django 5.1.3 -> 5.1.4`
    Update {
        name: PackageName,
        from: Version,
        to: Version,
    },
    /// `Remove foo 1.0`
    Remove { name: PackageName, version: Version },
    /// `Move pygments 2.21.0 into production` (or `out of production`): the version
    /// stays, but `pinctl export --prod` and a default install gain or lose it.
    Production {
        name: PackageName,
        version: Version,
        now: bool,
    },
}

impl Change {
    /// The package the change is about.
    pub fn name(&self) -> &PackageName {
        match self {
            Change::Add { name, .. }
            | Change::Update { name, .. }
            | Change::Remove { name, .. }
            | Change::Production { name, .. } => name,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Add { name, version } => write!(f, "Add {name} {version}"),
            Change::Update { name, from, to } => write!(f, "Update {name} {from} -> {to}"),
            Change::Remove { name, version } => write!(f, "Remove {name} {version}"),
            Change::Production { name, version, now } => {
                let way = if *now { "into" } else { "out of" };
                write!(f, "Move {name} {version} {way} production")
            }
        }
    }
}

fn versions(lock: &Lock) -> BTreeMap<&PackageName, BTreeSet<&Version>> {
    let mut map: BTreeMap<&PackageName, BTreeSet<&Version>> = BTreeMap::new();
    for p in &lock.packages {
        map.entry(&p.name).or_default().insert(&p.version);
    }
    map
}

/// The locked versions the production set installs (somewhere).
fn production(lock: &Lock) -> BTreeSet<(&PackageName, &Version)> {
    lock.packages
        .iter()
        .filter(|p| {
            p.needed_by
                .get(&Scope::Production)
                .is_some_and(|marker| !marker.is_false())
        })
        .map(|p| (&p.name, &p.version))
        .collect()
}

/// The changes from `old` to `new`, sorted by package name. A package locked at one
/// version in each is an update; when a fork adds or drops versions, the versions that
/// left are paired with the versions that came, oldest first, and the rest are added or
/// removed.
pub fn diff(old: &Lock, new: &Lock) -> Vec<Change> {
    let old_versions = versions(old);
    let new_versions = versions(new);
    let names: BTreeSet<&PackageName> = old_versions
        .keys()
        .chain(new_versions.keys())
        .copied()
        .collect();
    let empty = BTreeSet::new();
    let (old_production, new_production) = (production(old), production(new));
    let mut changes = Vec::new();
    for name in names {
        let before = old_versions.get(name).unwrap_or(&empty);
        let after = new_versions.get(name).unwrap_or(&empty);
        let gone: Vec<&Version> = before.difference(after).copied().collect();
        let came: Vec<&Version> = after.difference(before).copied().collect();
        let paired = gone.len().min(came.len());
        for (from, to) in gone.iter().zip(&came) {
            changes.push(Change::Update {
                name: name.clone(),
                from: (*from).clone(),
                to: (*to).clone(),
            });
        }
        for version in &came[paired..] {
            changes.push(Change::Add {
                name: name.clone(),
                version: (*version).clone(),
            });
        }
        for version in &gone[paired..] {
            changes.push(Change::Remove {
                name: name.clone(),
                version: (*version).clone(),
            });
        }
        for version in before.intersection(after) {
            let was = old_production.contains(&(name, *version));
            let now = new_production.contains(&(name, *version));
            if was != now {
                changes.push(Change::Production {
                    name: name.clone(),
                    version: (*version).clone(),
                    now,
                });
            }
        }
    }
    changes
}
