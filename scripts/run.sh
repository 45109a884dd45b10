#!/usr/bin/env bash
# Runs homeplay. Until the clinic server lands, this shows the core at work: the starter library and a
# fortnight of a child's routine, schedule and adherence as a therapist would read it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (stable) with rustup first" >&2
  exit 1
fi
cargo run --quiet --locked -p homeplay-core --example demo
