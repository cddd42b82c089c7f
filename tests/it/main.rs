//! pinctl's integration tests, in one test binary (`cargo test --test it [FILTER]`) so that
//! the shared support in `common/` (the in-process test index above all) is compiled and
//! linked once. Each module is one area; filter by its name, e.g.
//! `cargo test --test it lock_command`.

mod common;

mod check;
mod completions;
mod export;
mod hostile_input;
mod index_cache_cmd;
mod index_client;
mod lock_command;
mod lock_file;
mod lock_scenarios;
mod lock_trust;
mod ops;
mod outdated;
mod project_errors;
mod project_proptest;
mod project_pyproject;
mod project_requirements;
mod resolve_scenarios;
mod test_index;
mod trust;
