//! The `pinctl` binary: parse, run, render the error, exit.

use std::process::ExitCode;

use clap::Parser;
use pinctl::cli::Cli;
use pinctl::commands::{self, ExitStatus};
use pinctl::printer::{self, Printer, Verbosity};

/// mimalloc: a lock takes hundreds of thousands of small allocations (index pages), and
/// glibc's allocator spends much of a warm run growing and trimming its arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `-v` shows pinctl's own warnings and info logs (skipped files, invalid metadata), `-vv` its
/// debug logs, on stderr.
fn init_logging(verbosity: Verbosity) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let level = match verbosity {
        Verbosity::Quiet => return,
        Verbosity::Normal => tracing::Level::ERROR,
        Verbosity::Verbose => tracing::Level::INFO,
        Verbosity::Debug => tracing::Level::DEBUG,
    };
    let only_pinctl = tracing_subscriber::filter::filter_fn(move |meta| {
        meta.target().starts_with("pinctl") && *meta.level() <= level
    });
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .without_time()
                .with_target(false),
        )
        .with(only_pinctl)
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let printer = Printer::new(&cli.global);
    init_logging(printer.verbosity());
    match commands::run(cli, &printer) {
        Ok(status) => status.into(),
        Err(err) if printer::is_broken_pipe(&err) => ExitStatus::Success.into(),
        Err(err) => {
            printer.error(&err);
            ExitStatus::Error.into()
        }
    }
}
