#!/usr/bin/env bash
# Builds the Node package from scratch and runs its test suite.
#
#   bash bindings-node/test.sh            # npm ci, release build of the .node file, node --test
#   PROFILE=debug bash bindings-node/test.sh   # a faster debug build, for development
#
# Needs cargo and node >= 18 with npm on PATH; everything else comes from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"

command -v cargo >/dev/null || { echo "test.sh: cargo is not on PATH" >&2; exit 1; }
command -v node >/dev/null || { echo "test.sh: node is not on PATH" >&2; exit 1; }

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== napi build (${PROFILE:-release})"
if [ "${PROFILE:-release}" = "debug" ]; then
  npx napi build --platform
else
  npx napi build --platform --release
fi
# The package loads from the repository root as the docs say.
(cd .. && node -e "require('./bindings-node')")

echo "== node --test"
node --test
