//! Progress on a terminal: an indicatif spinner fed by the library's
//! [`Reporter`] events, hidden unless [`Printer::show_progress`] allows it (a terminal,
//! no `-q`, `-v` or `--no-progress`); the library's warnings, printed above it.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pep508_rs::PackageName;

use crate::cli::printer::Printer;
use pinctl::ops::{Observer, Warning};
use pinctl::reporter::Reporter;

/// Counts the packages looked at and the HTTP requests (done, in flight) on one
/// spinner line.
#[derive(Debug)]
pub struct ProgressReporter {
    printer: Printer,
    bar: ProgressBar,
    verb: &'static str,
    packages: AtomicUsize,
    in_flight: AtomicUsize,
    requests: AtomicUsize,
}

impl ProgressReporter {
    /// A spinner labelled `verb` ("Resolving", "Checking"); hidden when progress is off.
    pub fn new(printer: &Printer, verb: &'static str) -> Self {
        let bar = if printer.show_progress() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self {
            printer: printer.clone(),
            bar,
            verb,
            packages: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            requests: AtomicUsize::new(0),
        }
    }

    fn redraw(&self) {
        if self.bar.is_hidden() {
            return;
        }
        // The resolver settles versions only at the end of a solve, so the packages it
        // has looked at and the request counters are what moves while it works.
        let in_flight = self.in_flight.load(Ordering::Relaxed);
        let done = self
            .requests
            .load(Ordering::Relaxed)
            .saturating_sub(in_flight);
        let packages = self.packages.load(Ordering::Relaxed);
        self.bar
            .set_message(message(self.verb, packages, done, in_flight));
    }

    /// Removes the spinner from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for ProgressReporter {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl Reporter for ProgressReporter {
    fn on_request_start(&self, _what: &str) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }

    fn on_request_done(&self, _what: &str) {
        let _ = self
            .in_flight
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_sub(1))
            });
        self.redraw();
    }

    fn on_package_discovered(&self, _name: &PackageName) {
        self.packages.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }
}

impl Observer for ProgressReporter {
    fn on_warning(&self, warning: Warning<'_>) {
        self.bar.suspend(|| self.printer.warning(warning));
    }
}

/// `Resolving: 12 packages, 30 requests done, 5 in flight`.
fn message(verb: &str, packages: usize, done: usize, in_flight: usize) -> String {
    let mut message = format!("{verb}: ");
    if packages > 0 {
        let noun = if packages == 1 { "package" } else { "packages" };
        let _ = write!(message, "{packages} {noun}, ");
    }
    let _ = write!(message, "{done} requests done, {in_flight} in flight");
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_messages() {
        assert_eq!(
            message("Checking", 0, 3, 1),
            "Checking: 3 requests done, 1 in flight"
        );
        assert_eq!(
            message("Resolving", 1, 0, 1),
            "Resolving: 1 package, 0 requests done, 1 in flight"
        );
        assert_eq!(
            message("Resolving", 57, 120, 12),
            "Resolving: 57 packages, 120 requests done, 12 in flight"
        );
    }
}
