//! The terminal styles of pinctl's messages, shared by the renderers in the library
//! (lint findings) and the CLI's printer. anstream strips them when colour is off.

use anstyle::{AnsiColor, Style};

/// Bold red, for `error`.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// Bold yellow, for `warning`.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// Bold cyan, for `hint` / `help`.
pub const HINT: Style = AnsiColor::Cyan.on_default().bold();
/// Bold blue, for snippet gutters.
pub const GUTTER: Style = AnsiColor::Blue.on_default().bold();
/// Bold, for emphasis.
pub const BOLD: Style = Style::new().bold();
