//! The server's suites share the cross-component harness (crate homeplay-tests): a fresh SQLite or
//! PostgreSQL database per test, the real server binary on a free loopback port, and HTTP clients.
#![allow(unused_imports)]

pub use homeplay_tests::*;
