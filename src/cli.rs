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
    /// Write requirements.txt (or a single-use pylock.toml) from pylock.toml.
    ///
    /// Without a selection flag this exports the production set: exactly what
    /// `pip install -r pylock.toml` installs. Reads only pylock.toml (and pyproject.toml
    /// to check that the lock is fresh); never the network.
    Export(ExportArgs),
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
