//! Settings: flags, then `PINCTL_*` environment variables, then `[tool.pinctl]` in
//! pyproject.toml, merged into validated values. clap already folds each variable into
//! its flag (`#[arg(env = ...)]`), so this module adds the pyproject layer and the
//! defaults. No I/O besides reading the environment.

use anyhow::Context as _;

use crate::cli::IndexArgs;
use crate::commands::cache::cache_dir;
use crate::index::IndexSettings;
use crate::index::settings::{DEFAULT_CONCURRENCY, DEFAULT_INDEX_URL, DEFAULT_RETRIES};
use crate::printer::HintedError;
use crate::project::Project;

/// The `[tool.pinctl]` keys pinctl reads; anything else there is an error (a typo would
/// otherwise be ignored silently).
const KNOWN_KEYS: &[&str] = &["index-url", "allow-insecure-host", "concurrency", "lint"];

/// Index settings for a command acting on `project` (if it has one).
pub fn index_settings(
    args: &IndexArgs,
    project: Option<&Project>,
) -> anyhow::Result<IndexSettings> {
    let IndexArgs {
        index_url,
        allow_insecure_host,
        offline,
        refresh,
        concurrency,
        cache,
    } = args;
    let tool = project.and_then(|p| p.tool_pinctl.as_ref().map(|t| (p, t)));
    if let Some((project, table)) = tool
        && let Some(unknown) = table.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str()))
    {
        return Err(HintedError::new(
            format!(
                "unknown key `{unknown}` in `[tool.pinctl]` of `{}`",
                project.file.path.display()
            ),
            format!("the keys pinctl reads are: {}", KNOWN_KEYS.join(", ")),
        )
        .into());
    }
    let tool_str = |key: &str| -> anyhow::Result<Option<String>> {
        match tool.and_then(|(_, t)| t.get(key)) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(anyhow::anyhow!(
                "`[tool.pinctl] {key}` must be a string, found {}",
                other.type_str()
            )),
        }
    };
    let url = match index_url {
        Some(url) => url.clone(),
        None => tool_str("index-url")?.unwrap_or_else(|| DEFAULT_INDEX_URL.to_owned()),
    };
    let mut insecure = allow_insecure_host.clone();
    match tool.and_then(|(_, t)| t.get("allow-insecure-host")) {
        None => {}
        Some(toml::Value::String(s)) => insecure.push(s.clone()),
        Some(toml::Value::Array(items)) => {
            for item in items {
                let host = item.as_str().context(
                    "`[tool.pinctl] allow-insecure-host` must list host names as strings",
                )?;
                insecure.push(host.to_owned());
            }
        }
        Some(other) => anyhow::bail!(
            "`[tool.pinctl] allow-insecure-host` must be a string or an array of strings, found {}",
            other.type_str()
        ),
    }
    let concurrency = match concurrency {
        Some(n) => usize::from(*n),
        None => match tool.and_then(|(_, t)| t.get("concurrency")) {
            None => DEFAULT_CONCURRENCY,
            Some(toml::Value::Integer(n)) if (1..=1024).contains(n) => {
                usize::try_from(*n).unwrap_or(DEFAULT_CONCURRENCY)
            }
            Some(toml::Value::Integer(n)) => {
                anyhow::bail!("`[tool.pinctl] concurrency` must be from 1 to 1024, found `{n}`")
            }
            Some(other) => anyhow::bail!(
                "`[tool.pinctl] concurrency` must be a whole number, found {}",
                other.type_str()
            ),
        },
    };
    let timeout = IndexSettings::timeout_from_env().map_err(anyhow::Error::msg)?;
    Ok(IndexSettings {
        url,
        cache_dir: cache_dir(cache),
        offline: *offline,
        refresh: *refresh,
        concurrency,
        timeout,
        retries: DEFAULT_RETRIES,
        allow_insecure_hosts: insecure,
    })
}
