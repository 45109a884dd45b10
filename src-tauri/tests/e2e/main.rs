//! The real app end to end: the built binary, driven through tauri-driver and WebKitWebDriver, against the real
//! server. It needs a display, tauri-driver and WebKitWebDriver, so its tests are ignored by a plain `cargo test`;
//! scripts/test.sh runs them under Xvfb with `-- --ignored`. Screenshots go to `artifacts/`. Each module is one
//! story with its own server and app.
#![allow(clippy::unwrap_used)]

mod clinic_contact;
mod common;
mod grandma;
mod journey;
mod kid;
mod languages;
mod phone;
mod spanish;
