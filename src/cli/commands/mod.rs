//! One thin module per command: settings, then [`pinctl::ops`], then rendering through
//! the [`Printer`].

pub mod cache;
pub mod check;
pub mod completions;
pub mod export;
pub mod lock;
pub mod outdated;

use clap::ArgMatches;
use pinctl::diagnostic::{Context as _, Report, Result};
use pinctl::lock::StaleLock;

use crate::cli::args::{Cli, Command};
use crate::cli::printer::Printer;
use crate::cli::settings::Sources;

/// How a command ended (DESIGN.md "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done.
    Success,
    /// 1: a check failed (stale lock, lint errors, `outdated --exit-code` found updates).
    Failure,
    /// 2: an error (bad input, unsatisfiable, network failure, usage).
    Error,
    /// 130: interrupted (Ctrl-C), as a shell reports a command killed by SIGINT.
    Interrupted,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => Self::SUCCESS,
            ExitStatus::Failure => Self::from(1),
            ExitStatus::Error => Self::from(2),
            ExitStatus::Interrupted => Self::from(130),
        }
    }
}

/// Runs the parsed command line; `matches` tell where each value came from.
pub fn run(cli: Cli, matches: &ArgMatches, printer: &Printer) -> Result<ExitStatus> {
    let Cli { global, command } = cli;
    let sources = Sources::new(matches.subcommand().map(|(_, m)| m));
    let status = match command {
        Command::Check(args) => check::run(&global, args, printer),
        Command::Completions(args) => completions::run(&args, printer),
        Command::Cache(args) => cache::run(&args, sources, printer),
        Command::Lock(args) => lock::run(&global, &args, sources, printer),
        Command::Export(args) => export::run(&global, args, printer),
        Command::Outdated(args) => outdated::run(&global, args, sources, printer),
    };
    match status {
        // A lock that cannot be trusted is a failed check, whichever command found it.
        Err(report) if is_stale_lock(&report) => {
            printer.error(&report);
            Ok(ExitStatus::Failure)
        }
        other => other,
    }
}

fn is_stale_lock(report: &Report) -> bool {
    let err: &(dyn std::error::Error + 'static) = report.diagnostic();
    err.downcast_ref::<StaleLock>().is_some()
}

/// The one async runtime of a command that talks to the index.
///
/// Blocking work (cache reads, parsing) is CPU-bound: more threads than cores only cost
/// each new thread its own allocator pages (measured on 2 cores: a warm lock took 20 ms
/// with 8 blocking threads, 19 with 2, and used a quarter less memory). One more
/// blocking thread than cores, as the solver holds one for the whole run.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(threads)
        .max_blocking_threads(threads + 1)
        .build()
        .context("failed to start the async runtime")
}

/// Runs `work` on `runtime` until it is done, or until Ctrl-C: then the work is dropped
/// (requests in flight are cancelled), the runtime is shut down, temporary files of cache
/// writes that had not finished are deleted, and `None` comes back. The caller clears its
/// progress display and exits with [`ExitStatus::Interrupted`]. Nothing is written after
/// an interrupt: the lock is written only once the work is done.
pub(crate) fn run_interruptible<T>(
    runtime: tokio::runtime::Runtime,
    work: impl std::future::Future<Output = T>,
) -> Option<T> {
    let outcome = runtime.block_on(async {
        tokio::select! {
            done = work => Some(done),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    // Prefetches the solver did not need may still be in flight. Stop them now: a TLS
    // handshake still running while the process exits can abort it (aws-lc's entropy
    // source, seen as an exit status of 134 after the lock was written). Pending
    // requests are dropped at once; a cache write in progress gets a moment to finish.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    if outcome.is_none() {
        pinctl::index::cache::remove_unfinished_writes();
    }
    outcome
}

/// Forgets its value instead of dropping it: the index holds every project page read
/// (tens of megabytes in small allocations), and the process is about to exit.
pub(crate) struct Leak<T>(pub Option<T>);

impl<T> Drop for Leak<T> {
    fn drop(&mut self) {
        std::mem::forget(self.0.take());
    }
}
