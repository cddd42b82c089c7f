//! Settings of one command, resolved once: flags, then `PINCTL_*` environment variables,
//! then `[tool.pinctl]` in pyproject.toml, then the defaults. Each value remembers where
//! it came from ([`Origin`]), so a message can say "`concurrency` from
//! pyproject.toml:12". clap folds each variable into its flag (`#[arg(env = ...)]`); its
//! matches tell the two apart. No I/O besides reading the environment.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use pep508_rs::PackageName;
use pinctl::diagnostic::{Context as _, Report, Result};
use pinctl::index::IndexSettings;
use pinctl::index::settings::{
    DEFAULT_CONCURRENCY, DEFAULT_INDEX_URL, DEFAULT_RETRIES, DEFAULT_TIMEOUT,
};
use pinctl::ops::LockMode;
use pinctl::project::Project;
use pinctl::project::tool_pinctl::{self, ToolPinctl};
use pinctl::resolve::Upgrade;

use crate::cli::args::{CacheArgs, IndexArgs, LockArgs};

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// pinctl's default.
    Default,
    /// A command-line flag (`--concurrency`).
    Flag(&'static str),
    /// An environment variable (`PINCTL_CONCURRENCY`).
    Env(&'static str),
    /// A key of `[tool.pinctl]`, as `path:line`.
    Pyproject(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("the default"),
            Origin::Flag(flag) => write!(f, "`{flag}`"),
            Origin::Env(var) => write!(f, "`{var}`"),
            Origin::Pyproject(at) => f.write_str(at),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

impl<T: fmt::Display> fmt::Display for Setting<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {})", self.value, self.origin)
    }
}

/// Tells flags from environment variables, through the command's clap matches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    matches: Option<&'a ArgMatches>,
}

impl<'a> Sources<'a> {
    /// The sources of the arguments in `matches` (the subcommand's own matches).
    pub fn new(matches: Option<&'a ArgMatches>) -> Self {
        Self { matches }
    }

    /// The sources of the subcommand's arguments (`cache dir` of `cache`).
    pub fn subcommand(self) -> Self {
        Self {
            matches: self
                .matches
                .and_then(|m| m.subcommand().map(|(_, sub)| sub)),
        }
    }

    /// Where the argument `id` (given as `flag`, or the variable `env`) came from, if it
    /// was given at all.
    fn origin(self, id: &str, flag: &'static str, env: Option<&'static str>) -> Origin {
        let source = self
            .matches
            .and_then(|m| m.try_get_raw(id).ok().flatten().and(m.value_source(id)));
        match (source, env) {
            (Some(ValueSource::EnvVariable), Some(env)) => Origin::Env(env),
            _ => Origin::Flag(flag),
        }
    }
}

/// How a command reaches the index: the indexes to read (one today), the hosts allowed
/// over plain http, the cache, and the limits.
#[derive(Debug, Clone)]
pub struct NetworkSettings {
    /// The indexes, in priority order; the first is where every package comes from.
    pub indexes: Vec<Setting<String>>,
    pub allow_insecure_hosts: Vec<Setting<String>>,
    /// Requests in flight at once, 1 to 1024.
    pub concurrency: Setting<usize>,
    pub offline: bool,
    pub refresh: bool,
    pub cache_dir: Setting<PathBuf>,
    /// Connect and read timeout of each request.
    pub timeout: Setting<Duration>,
}

impl NetworkSettings {
    /// Merges the flags `args` (their sources in `sources`) over `[tool.pinctl]` of
    /// `project` and the defaults.
    pub fn resolve(
        args: &IndexArgs,
        sources: Sources<'_>,
        project: Option<&Project>,
    ) -> Result<Self> {
        let IndexArgs {
            index_url,
            allow_insecure_host,
            offline,
            refresh,
            concurrency,
            timeout,
            cache,
        } = args;
        if let Some(url) = index_url {
            pinctl::index::auth::register_secrets(url);
        }
        let tool: Option<ToolPinctl> = project.map(|p| tool_pinctl::read(&p.file)).transpose()?;
        if let Some(url) = tool.as_ref().and_then(|t| t.index_url.as_ref()) {
            pinctl::index::auth::register_secrets(&url.value);
        }
        let at =
            |span| Origin::Pyproject(tool.as_ref().map_or_else(String::new, |t| t.location(span)));
        let index = match (index_url, tool.as_ref().and_then(|t| t.index_url.as_ref())) {
            (Some(url), _) => Setting::new(
                url.clone(),
                sources.origin("index_url", "--index-url", Some("PINCTL_INDEX_URL")),
            ),
            (None, Some(url)) => Setting::new(url.value.clone(), at(url.span)),
            (None, None) => Setting::new(DEFAULT_INDEX_URL.to_owned(), Origin::Default),
        };
        let mut insecure: Vec<Setting<String>> = allow_insecure_host
            .iter()
            .map(|host| Setting::new(host.clone(), Origin::Flag("--allow-insecure-host")))
            .collect();
        if let Some(tool) = &tool {
            insecure.extend(
                tool.allow_insecure_host
                    .iter()
                    .map(|host| Setting::new(host.value.clone(), at(host.span))),
            );
        }
        let concurrency = match (
            concurrency,
            tool.as_ref().and_then(|t| t.concurrency.as_ref()),
        ) {
            (Some(n), _) => Setting::new(
                usize::from(*n),
                sources.origin("concurrency", "--concurrency", Some("PINCTL_CONCURRENCY")),
            ),
            (None, Some(n)) => Setting::new(usize::from(n.value), at(n.span)),
            (None, None) => Setting::new(DEFAULT_CONCURRENCY, Origin::Default),
        };
        let timeout = match timeout {
            Some(seconds) => Setting::new(
                Duration::from_secs(*seconds),
                sources.origin("timeout", "--timeout", Some("PINCTL_HTTP_TIMEOUT")),
            ),
            None => Setting::new(DEFAULT_TIMEOUT, Origin::Default),
        };
        Ok(Self {
            indexes: vec![index],
            allow_insecure_hosts: insecure,
            concurrency,
            offline: *offline,
            refresh: *refresh,
            cache_dir: cache_dir(cache, sources),
            timeout,
        })
    }

    /// The index every package comes from.
    pub fn index_url(&self) -> &str {
        &self.indexes[0].value
    }

    /// What the index client needs.
    pub fn index_settings(&self) -> IndexSettings {
        IndexSettings {
            url: self.index_url().to_owned(),
            cache_dir: self.cache_dir.value.clone(),
            offline: self.offline,
            refresh: self.refresh,
            concurrency: self.concurrency.value,
            timeout: self.timeout.value,
            retries: DEFAULT_RETRIES,
            allow_insecure_hosts: self
                .allow_insecure_hosts
                .iter()
                .map(|h| h.value.clone())
                .collect(),
        }
    }

    /// One line for `-vv`: every value and where it came from.
    pub fn describe(&self) -> String {
        let indexes: Vec<String> = self
            .indexes
            .iter()
            .map(|i| Setting::new(pinctl::index::redact(&i.value), i.origin.clone()).to_string())
            .collect();
        format!(
            "settings: index {}; concurrency {}; timeout {}; cache {}{}{}",
            indexes.join(", "),
            self.concurrency,
            Setting::new(
                format!("{}s", self.timeout.value.as_secs()),
                self.timeout.origin.clone()
            ),
            Setting::new(
                self.cache_dir.value.display(),
                self.cache_dir.origin.clone()
            ),
            if self.offline { "; offline" } else { "" },
            if self.refresh { "; refresh" } else { "" },
        )
    }
}

/// The cache directory `args` select (flag or `PINCTL_CACHE_DIR`, else the default).
pub fn cache_dir(args: &CacheArgs, sources: Sources<'_>) -> Setting<PathBuf> {
    let CacheArgs { cache_dir } = args;
    match cache_dir {
        Some(dir) => Setting::new(
            dir.clone(),
            sources.origin("cache_dir", "--cache-dir", Some("PINCTL_CACHE_DIR")),
        ),
        None => Setting::new(IndexSettings::default_cache_dir(), Origin::Default),
    }
}

/// The settings of `pinctl lock`.
#[derive(Debug, Clone)]
pub struct LockSettings {
    pub network: NetworkSettings,
    pub upgrade: Upgrade,
    pub mode: LockMode,
    /// `--check`: compare the fingerprint only.
    pub check: bool,
}

impl LockSettings {
    pub fn resolve(args: &LockArgs, sources: Sources<'_>, project: &Project) -> Result<Self> {
        let LockArgs {
            upgrade,
            upgrade_package,
            check,
            locked,
            dry_run,
            index,
        } = args;
        let mut network = NetworkSettings::resolve(index, sources, Some(project))?;
        let upgrade = parse_upgrade(*upgrade, upgrade_package)?;
        // An upgrade asks for today's releases: cached index pages (up to 10 minutes old)
        // could hide one published since.
        network.refresh |= upgrade != Upgrade::None && !network.offline;
        let mode = if *dry_run {
            LockMode::DryRun
        } else if *locked {
            LockMode::Locked
        } else {
            LockMode::Write
        };
        Ok(Self {
            network,
            upgrade,
            mode,
            check: *check,
        })
    }
}

fn parse_upgrade(all: bool, packages: &[String]) -> Result<Upgrade> {
    if all {
        return Ok(Upgrade::All);
    }
    if packages.is_empty() {
        return Ok(Upgrade::None);
    }
    let names = packages
        .iter()
        .map(|p| {
            PackageName::new(p.clone())
                .map_err(|e| Report::msg(e.to_string()))
                .with_context(|| format!("invalid package name `{p}` for `--upgrade-package`"))
        })
        .collect::<Result<_>>()?;
    Ok(Upgrade::Packages(names))
}
