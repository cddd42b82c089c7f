//! A resolution whose metadata hints were checked: versions locked on the word of a
//! `.metadata` file the index did not advertise are compared with their wheels, and the
//! resolution is made again while any of them turns out to differ.

use std::sync::Arc;

use crate::index::{MetadataMismatch, PackageIndex};
use crate::reporter::Reporter;

use super::{Resolution, ResolveError, ResolveInput, ResolveOptions, resolve};

/// Rounds after which a resolution whose hints keep turning out wrong is given up on.
/// Each round confirms every version it locked for good, so this is only a backstop.
const MAX_ROUNDS: usize = 16;

/// [`resolve`], then [`PackageIndex::confirm_metadata`] on every locked version, again
/// until the hints it used agree with the wheels. Returns the resolution and the
/// `.metadata` files found wrong (each replaced by its wheel's METADATA).
pub async fn resolve_confirmed(
    input: &ResolveInput,
    index: Arc<dyn PackageIndex>,
    options: &ResolveOptions,
    reporter: Arc<dyn Reporter>,
) -> Result<(Resolution, Vec<MetadataMismatch>), ResolveError> {
    let mut corrected = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let resolution = resolve(input, Arc::clone(&index), options, Arc::clone(&reporter)).await?;
        let locked: Vec<_> = resolution
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect();
        let mismatches =
            index
                .confirm_metadata(&locked)
                .await
                .map_err(|e| ResolveError::Fetch {
                    package: e.name,
                    version: Some(e.version),
                    source: Box::new(e.source),
                })?;
        if mismatches.is_empty() {
            return Ok((resolution, corrected));
        }
        tracing::debug!(
            "{} `.metadata` files differ from their wheels; resolving again",
            mismatches.len()
        );
        corrected.extend(mismatches);
    }
    Err(ResolveError::Internal(format!(
        "the metadata of the locked versions kept changing after {MAX_ROUNDS} resolutions"
    )))
}
