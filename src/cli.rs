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
    /// Lint version specifiers: unpinned, unbounded, loose, wildcard.
    Check(CheckArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Show or clear the cache of index pages and package metadata.
    Cache(CacheCommandArgs),
}

/// `pinctl check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Requirements files or pyproject.toml files to lint (default: the project's pyproject.toml).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Report RULE as an error (repeatable).
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,
    /// Report RULE as a warning (repeatable).
    #[arg(long, value_name = "RULE")]
    pub warn: Vec<String>,
    /// Do not report RULE (repeatable).
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,
}

/// `check --format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// file:line:col, the source line and a caret.
    Human,
    /// One JSON document (schema in the README).
    Json,
    /// GitHub Actions workflow annotations.
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
