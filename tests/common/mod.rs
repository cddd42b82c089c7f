//! Support shared by the integration tests.
#![allow(dead_code)]

pub mod cli;
pub mod fixtures;
pub mod python;
pub mod scenario;
pub mod server;
