//! The binary's side of pinctl: flags ([`args`]), settings resolved from flags,
//! environment and pyproject.toml ([`settings`]), one thin module per command
//! ([`commands`]) over [`pinctl::ops`], and everything that writes to the terminal
//! ([`printer`], [`progress`]). The library never imports any of it.

pub mod args;
pub mod commands;
pub mod printer;
pub mod progress;
pub mod settings;
