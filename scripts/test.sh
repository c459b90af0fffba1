#!/usr/bin/env bash
# Every test suite: Rust (fmt, clippy, unit, property, integration, doc), Python, Node, and the
# weekly brief's HTML in headless Chromium (installs the Debian package chromium if missing).
# Installs what it needs on a fresh machine (Rust crates via cargo, Python packages via pip into
# the current python3, Node packages via npm ci). Reads real datasets from ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: format and lints"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== Rust: tests"
cargo test --workspace

if [ -x bindings-python/test.sh ]; then
  echo "== Python"
  bindings-python/test.sh
  # The Node suite's parity test compares the brief with the Python package just installed.
  export SALESPULSE_PARITY=1
fi
if [ -x bindings-node/test.sh ]; then
  echo "== Node"
  bindings-node/test.sh
fi
echo "== Brief: HTML in headless Chromium (en, he), DOM checks and screenshots"
python3 scripts/brief_screenshots.py

echo "== all suites passed"
