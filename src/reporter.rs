//! Progress from library code, which never prints: the CLI implements [`Reporter`]
//! (indicatif on a terminal, nothing otherwise). Warnings for the user travel through
//! [`crate::ops::Observer`], a layer up.

use pep440_rs::Version;
use pep508_rs::PackageName;

/// Receives progress events. Every method has an empty default.
pub trait Reporter: Send + Sync {
    /// An HTTP request started (`what` is a short label such as `django` or a file name).
    fn on_request_start(&self, _what: &str) {}
    /// An HTTP request finished (successfully or not).
    fn on_request_done(&self, _what: &str) {}
    /// The resolver asked for the version list of a package (once per package).
    fn on_package_discovered(&self, _name: &PackageName) {}
    /// The resolver settled on a version of a package.
    fn on_package_resolved(&self, _name: &PackageName, _version: &Version) {}
}

/// A reporter that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoReporter;

impl Reporter for NoReporter {}
