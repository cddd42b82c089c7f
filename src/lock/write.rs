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
    // A symlinked lock (shared between checkouts) is updated where it points, not
    // replaced by a regular file.
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            resolved = std::fs::canonicalize(path).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("`{}` is a symlink to nowhere: {e}", path.display()),
                )
            })?;
            resolved.as_path()
        }
        _ => path,
    };
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
        // tempfile's errors name the temporary file; the user knows the real one.
        let reason = std::io::Error::from(e.kind());
        std::io::Error::new(
            e.kind(),
            format!(
                "cannot write `{}` in `{}`: {reason}",
                file_name(path),
                dir.display()
            ),
        )
    };
    remove_stale_temp_files(dir);
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

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// How old a `.pinctl-*.tmp` file must be to count as left behind by a killed run (a
/// running pinctl keeps its temporary file for milliseconds).
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_mins(10);

/// Removes temporary files a killed pinctl (Ctrl-C mid-write) left in `dir`.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".pinctl-") && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified.elapsed().is_ok_and(|age| age > STALE_TEMP_AGE));
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
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
