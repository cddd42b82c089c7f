//! One thin module per command: turn arguments into settings, call the domain
//! modules, print through the [`Printer`](crate::printer::Printer).

pub mod cache;
pub mod check;
pub mod completions;
pub mod export;
pub mod lock;
pub mod outdated;

use crate::cli::{Cli, Command};
use crate::printer::Printer;

/// How a command ended (DESIGN.md "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done.
    Success,
    /// 1: a check failed (stale lock, lint errors, `outdated --exit-code` found updates).
    Failure,
    /// 2: an error (bad input, unsatisfiable, network failure, usage).
    Error,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => Self::SUCCESS,
            ExitStatus::Failure => Self::from(1),
            ExitStatus::Error => Self::from(2),
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let Cli { global, command } = cli;
    match command {
        Command::Check(args) => check::run(&global, args, printer),
        Command::Completions(args) => completions::run(&args, printer),
        Command::Cache(args) => cache::run(&args, printer),
        Command::Lock(args) => lock::run(&global, args, printer),
        Command::Export(args) => export::run(&global, args, printer),
        Command::Outdated(args) => outdated::run(&global, args, printer),
    }
}

/// Reads the project's pylock.toml, which must exist (`export`, `outdated`).
pub(crate) fn read_lock(path: &std::path::Path) -> anyhow::Result<crate::lock::Lock> {
    crate::lock::Lock::read(path)
        .map_err(crate::lock::LockError::into_anyhow)?
        .ok_or_else(|| {
            crate::printer::HintedError::new(
                format!("no lock file: `{}` does not exist", path.display()),
                "run `pinctl lock` to create it",
            )
            .into()
        })
}
