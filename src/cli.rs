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
    /// Compare locked versions with what the index offers now.
    Outdated(OutdatedArgs),
}

/// `pinctl check`
#[derive(Debug, Args)]
#[command(
    after_help = crate::lint::rules_help(),
    after_long_help = crate::lint::rules_long_help()
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
    clap::builder::PossibleValuesParser::new(crate::lint::rule_names())
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
    /// The package index (simple API base URL).
    #[arg(long, env = "PINCTL_INDEX_URL", value_name = "URL")]
    pub index_url: Option<String>,
    /// Where to cache index pages and metadata.
    #[arg(long, env = "PINCTL_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Use only the cache; fail naming what is missing.
    #[arg(long, conflicts_with = "refresh")]
    pub offline: bool,
    /// Ignore cached index pages and fetch them again.
    #[arg(long)]
    pub refresh: bool,
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
