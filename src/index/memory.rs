//! An in-memory [`PackageIndex`] for unit tests and for tests of the layers above the index.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures::future::BoxFuture;
use pep440_rs::Version;
use pep508_rs::PackageName;

use super::{IndexError, Metadata, PackageIndex, PackageVersions, VersionFiles};

/// A fixed set of packages, versions, files and metadata held in memory.
#[derive(Debug, Default, Clone)]
pub struct MemoryIndex {
    packages: HashMap<PackageName, Arc<PackageVersions>>,
    metadata: HashMap<(PackageName, Version), Arc<Metadata>>,
}

impl MemoryIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a version with its files and metadata.
    pub fn add(&mut self, metadata: Metadata, files: VersionFiles) {
        let name = metadata.name.clone();
        let version = metadata.version.clone();
        let entry = self.packages.entry(name.clone()).or_insert_with(|| {
            Arc::new(PackageVersions {
                name: name.clone(),
                versions: BTreeMap::new(),
            })
        });
        Arc::make_mut(entry).versions.insert(version.clone(), files);
        self.metadata.insert((name, version), Arc::new(metadata));
    }
}

impl PackageIndex for MemoryIndex {
    fn versions<'a>(
        &'a self,
        name: &'a PackageName,
    ) -> BoxFuture<'a, Result<Arc<PackageVersions>, IndexError>> {
        let result = self
            .packages
            .get(name)
            .cloned()
            .ok_or_else(|| IndexError::NotFound {
                name: name.clone(),
                url: None,
            });
        Box::pin(async move { result })
    }

    fn known_names(&self) -> Vec<PackageName> {
        self.packages.keys().cloned().collect()
    }

    fn metadata<'a>(
        &'a self,
        name: &'a PackageName,
        version: &'a Version,
    ) -> BoxFuture<'a, Result<Arc<Metadata>, IndexError>> {
        let result = self
            .metadata
            .get(&(name.clone(), version.clone()))
            .cloned()
            .ok_or_else(|| IndexError::MissingMetadata {
                name: name.clone(),
                version: version.clone(),
            });
        Box::pin(async move { result })
    }
}
