//! pinctl: a Python dependency lock and pin manager.
//!
//! `pinctl lock` resolves pyproject.toml into a hashed PEP 751 `pylock.toml`;
//! `export` writes pinned requirements; `check` lints specifiers; `outdated` reports
//! drift. The binary (`main.rs`) only parses arguments, runs a command and renders the
//! error; everything else lives here.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod diagnostic;
pub mod export;
pub mod github;
pub mod index;
pub mod lint;
pub mod lock;
pub mod ops;
pub mod outdated;
pub mod project;
pub(crate) mod python;
pub mod reporter;
pub mod requirement;
pub mod resolve;
pub mod source;
pub mod style;
pub(crate) mod version_range;
