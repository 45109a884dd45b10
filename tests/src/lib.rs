//! homeplay-tests: suites that run the real server binary and real device engines together (see `tests/`).
//! The library holds what they share: the harness, and the fault-injecting proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, missing_debug_implementations)]

pub mod harness;
pub mod proxy;

pub use harness::*;
