//! Atomic, change-aware writes: a lock or export file is replaced by renaming a fully
//! written temporary file from the same directory, so a crash or Ctrl-C leaves either the
//! old file or the new one, never half of one.

use std::io::Write as _;
use std::path::Path;

/// Writes `text` to `path` unless it already holds exactly that text.
///
/// Returns whether the file was written. The new content goes to a temporary file in the
/// same directory, is flushed to disk and then renamed over `path`; an existing file's
/// permissions are kept.
pub fn write_if_changed(path: &Path, text: &str) -> std::io::Result<bool> {
    match fs_err::read(path) {
        Ok(existing) if existing == text.as_bytes() => return Ok(false),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let context = |e: std::io::Error| {
        std::io::Error::new(
            e.kind(),
            format!("failed to write `{}`: {e}", path.display()),
        )
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".pinctl-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(context)?;
    temp.write_all(text.as_bytes()).map_err(context)?;
    temp.as_file().sync_all().map_err(context)?;
    let permissions = match fs_err::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(permissions) = permissions {
        temp.as_file()
            .set_permissions(permissions)
            .map_err(context)?;
    }
    temp.persist(path).map_err(|e| context(e.error))?;
    Ok(true)
}

#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}
