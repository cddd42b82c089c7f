//! Support shared by the integration tests.
#![allow(dead_code)]

/// Asserts the insta snapshot `$name` of `$value`, stored in the repo-root `snapshots/`
/// directory; further insta settings may follow (`omit_expression => true`,
/// `filters => vec![...]`). Import it with `use crate::common::snapshot;`.
macro_rules! snapshot {
    ($name:expr, $value:expr $(, $key:ident => $setting:expr)* $(,)?) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
            $($key => $setting,)*
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}
pub(crate) use snapshot;

pub mod cli;
pub mod fixtures;
pub mod python;
pub mod scenario;
pub mod server;
