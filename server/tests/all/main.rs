//! The server's suites, gathered in one test binary so the whole server is linked once rather than once per
//! suite. Each module is one suite; `cargo test -p homeplay-server --test all <suite>::` runs one of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod common;

mod accounts;
mod adherence_api;
mod assign_many;
mod authorization_matrix;
mod care_team_upgrade;
mod children_api;
mod clinic_export;
mod clinic_settings;
mod compression;
mod email;
mod family_language;
mod favourites;
mod goal_check_ins;
mod goals_api;
mod goals_feed;
mod library_archive;
mod lifecycle;
mod messages;
mod metrics;
mod openapi;
mod overview_clinic;
mod pain;
mod pairing_code_cli;
mod phone_app;
mod program_api;
mod program_templates;
mod pull_by_token;
mod routine_uses;
mod security_review;
mod several_instances;
mod smtp_sink;
mod store_conformance;
mod sync_api;
mod tls;
mod ui;
