//! Command-line arguments (clap derive). Parsing only: no defaults from the
//! environment or `[tool.pinctl]` are merged here (see `settings`), and no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A Python dependency lock and pin manager: hashed PEP 751 locks, readable pins,
/// and CI checks that say what drifted.
#[derive(Debug, Parser)]
#[command(name = "pinctl", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print only errors (and the data a command writes to stdout).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr; repeat for debug logs (-vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour output (NO_COLOR is honoured by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// The project to act on (the directory holding pyproject.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Never show progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
}

/// `--color`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Resolve pyproject.toml against the index and write a hashed pylock.toml.
    Lock(LockArgs),
    /// Write requirements.txt (or a single-use pylock.toml) from pylock.toml.
    ///
    /// Without a selection flag this exports the production set: exactly what
    /// `pip install -r pylock.toml` installs. Reads only pylock.toml (and pyproject.toml
    /// to check that the lock is fresh); never the network.
    Export(ExportArgs),
    /// Lint version specifiers: unpinned, unbounded, loose, wildcard.
    Check(CheckArgs),
    /// Compare locked versions with what the index offers now.
    Outdated(OutdatedArgs),
    /// Show or clear the cache of index pages and package metadata.
    Cache(CacheCommandArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// `pinctl check`
#[derive(Debug, Args)]
#[command(
    after_help = pinctl::lint::rules_help(),
    after_long_help = pinctl::lint::rules_long_help()
)]
pub struct CheckArgs {
    /// Requirements files or pyproject.toml files to lint (default: the project's pyproject.toml).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Report RULE as an error (repeatable).
    #[arg(long, value_name = "RULE", value_parser = rule_parser(), hide_possible_values = true)]
    pub deny: Vec<String>,
    /// Report RULE as a warning (repeatable).
    #[arg(long, value_name = "RULE", value_parser = rule_parser(), hide_possible_values = true)]
    pub warn: Vec<String>,
    /// Do not report RULE (repeatable).
    #[arg(long, value_name = "RULE", value_parser = rule_parser(), hide_possible_values = true)]
    pub allow: Vec<String>,
}

/// Accepts only the names of lint rules (clap lists them on a typo).
fn rule_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(pinctl::lint::rule_names())
}

/// `check --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// file:line:col, the source line and a caret.
    Human,
    /// One JSON document on stdout (schema: docs/check-json.md).
    Json,
    /// GitHub Actions workflow annotations on stdout.
    Github,
}

/// `pinctl completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where pinctl caches index pages and metadata (flattened into every command that
/// reaches the index).
#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    /// The cache directory (default: the platform's user cache dir + `pinctl`).
    #[arg(long, env = "PINCTL_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// `pinctl cache`
#[derive(Debug, Args)]
pub struct CacheCommandArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
}

/// `pinctl cache <command>`
#[derive(Debug, Clone, Subcommand)]
pub enum CacheCommand {
    /// Print the cache directory.
    Dir(CacheArgs),
    /// Remove everything pinctl cached (index pages and metadata).
    Clean(CacheArgs),
}

/// `pinctl export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export the production dependencies only (the default without a selection flag).
    #[arg(help_heading = "Selection", long, conflicts_with_all = ["group", "extra", "only_group", "all_groups", "all_extras"])]
    pub prod: bool,
    /// Add dependency group G to the production set (repeatable).
    #[arg(help_heading = "Selection", long, value_name = "G")]
    pub group: Vec<String>,
    /// Add extra E to the production set (repeatable).
    #[arg(help_heading = "Selection", long, value_name = "E")]
    pub extra: Vec<String>,
    /// Export only dependency group G, without the production set (repeatable).
    #[arg(help_heading = "Selection", long, value_name = "G", conflicts_with_all = ["group", "extra", "all_groups", "all_extras"])]
    pub only_group: Vec<String>,
    /// Add every dependency group to the production set.
    #[arg(help_heading = "Selection", long, conflicts_with = "group")]
    pub all_groups: bool,
    /// Add every extra to the production set.
    #[arg(help_heading = "Selection", long, conflicts_with = "extra")]
    pub all_extras: bool,
    /// Output format.
    #[arg(help_heading = "Output", long, value_enum, default_value_t = ExportFormat::RequirementsTxt)]
    pub format: ExportFormat,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(help_heading = "Output", short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Leave out the `--hash` lines (requirements-txt only).
    #[arg(long, help_heading = "Output")]
    pub no_hashes: bool,
    /// Leave out the header comment naming the command that regenerates the file.
    #[arg(long, help_heading = "Output")]
    pub no_header: bool,
    /// Add `# via` lines saying which package or project file needs each package
    /// (requirements-txt only).
    #[arg(long, help_heading = "Output")]
    pub annotate: bool,
    /// Export the lock as it is, without checking that it matches pyproject.toml.
    #[arg(long)]
    pub frozen: bool,
}

/// `export --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A pip requirements file with `--hash` lines (`pip install --require-hashes -r`).
    RequirementsTxt,
    /// A single-use PEP 751 pylock.toml of the selection.
    Pylock,
}

/// Where the package index is and how to reach it (flattened into every command that
/// talks to the index). Flags win over `PINCTL_*` variables, which win over
/// `[tool.pinctl]` in pyproject.toml.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Index")]
pub struct IndexArgs {
    /// The package index: a PEP 503/691 simple API base URL [default: https://pypi.org/simple].
    #[arg(
        long,
        env = "PINCTL_INDEX_URL",
        value_name = "URL",
        help_heading = "Index"
    )]
    pub index_url: Option<String>,
    /// Allow plain-http access to HOST (repeatable; loopback addresses are always allowed).
    #[arg(long, value_name = "HOST")]
    pub allow_insecure_host: Vec<String>,
    /// Use only the cache; fail naming what is missing.
    #[arg(long, conflicts_with = "refresh")]
    pub offline: bool,
    /// Fetch index pages again instead of using cached ones (metadata stays cached).
    #[arg(long)]
    pub refresh: bool,
    /// HTTP requests in flight at once [default: 50].
    #[arg(long, env = "PINCTL_CONCURRENCY", value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: Option<u16>,
    /// Seconds to wait for a connection, and between bytes of an answer, before the
    /// request is retried [default: 30].
    #[arg(long, env = "PINCTL_HTTP_TIMEOUT", value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub timeout: Option<u64>,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// `pinctl lock`
#[derive(Debug, Args)]
pub struct LockArgs {
    /// Let every package move to its newest allowed version (ignore pylock.toml's pins).
    #[arg(short = 'U', long, conflicts_with = "upgrade_package")]
    pub upgrade: bool,
    /// Let package P move to its newest allowed version; others keep their pins (repeatable).
    #[arg(short = 'P', long, value_name = "P")]
    pub upgrade_package: Vec<String>,
    /// Check that pylock.toml matches pyproject.toml, without the network: exit 1 when stale.
    #[arg(long, conflicts_with_all = ["locked", "dry_run", "upgrade", "upgrade_package"])]
    pub check: bool,
    /// Fail (exit 1) instead of writing when the lock would change.
    #[arg(long, conflicts_with = "dry_run")]
    pub locked: bool,
    /// Resolve and print what would change (`Add`, `Update`, `Remove`), writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub index: IndexArgs,
}

/// `pinctl outdated`
#[derive(Debug, Args)]
pub struct OutdatedArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutdatedFormat::Table)]
    pub format: OutdatedFormat,
    /// Only packages the production set installs.
    #[arg(long)]
    pub prod: bool,
    /// Only packages dependency group G installs (repeatable; with --prod: either).
    #[arg(long = "group", value_name = "G")]
    pub groups: Vec<String>,
    /// Only packages the project names itself.
    #[arg(long)]
    pub direct: bool,
    /// Only package P (repeatable).
    #[arg(long = "package", value_name = "P")]
    pub packages: Vec<String>,
    /// Also list packages that are up to date.
    #[arg(long)]
    pub all: bool,
    /// Exit with 1 when any package is outdated or its locked version was yanked.
    #[arg(long)]
    pub exit_code: bool,
    /// Exit with 1 only for findings at LEVEL or above (implies --exit-code).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub index: IndexArgs,
}

/// `outdated --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutdatedFormat {
    /// An aligned table.
    Table,
    /// One JSON document (schema_version 1, see docs/outdated.md).
    Json,
    /// A Markdown table, for a pull-request or issue body.
    Markdown,
    /// GitHub Actions workflow annotations.
    Github,
}

/// `outdated --fail-on`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only yanked locked versions.
    Yanked,
    /// Major updates (0.x: minor) and yanked versions.
    Major,
    /// Minor or major updates and yanked versions.
    Minor,
    /// Any update and yanked versions.
    Patch,
}
