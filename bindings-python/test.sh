#!/usr/bin/env bash
# Builds the salespulse Python package (a release abi3 wheel), installs it into the current
# python3 environment with what it needs, and runs the pytest suite. Exits non-zero on failure.
#
#   bash bindings-python/test.sh            # uses python3 (or $PYTHON)
#   bash bindings-python/test.sh -k ingest  # extra arguments go to pytest
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PY="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore

# Debian's system Python refuses pip installs (PEP 668) outside a virtualenv; this script's job
# is to install into the current environment, so say so explicitly there.
PIP_FLAGS=(--quiet --disable-pip-version-check)
if "$PY" - <<'PYEOF'
import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)
PYEOF
then
    PIP_FLAGS+=(--break-system-packages)
fi

echo "== installing build and test requirements"
"$PY" -m pip install "${PIP_FLAGS[@]}" \
    "maturin>=1.5,<2" "pytest>=7" "numpy>=1.22" "pandas>=2.2" "pyarrow>=14" "polars>=1.0"

echo "== building the wheel (release)"
WHEELS="$(mktemp -d)"
trap 'rm -rf "$WHEELS"' EXIT
(cd "$ROOT" && "$PY" -m maturin build --release --quiet \
    -m bindings-python/Cargo.toml --interpreter "$PY" -o "$WHEELS")
"$PY" -m pip install "${PIP_FLAGS[@]}" --force-reinstall --no-deps "$WHEELS"/salespulse-*.whl

echo "== checking the installed package"
(cd / && "$PY" -c "import salespulse; print('salespulse', salespulse.__version__, 'from', salespulse.__file__)")

echo "== running the tests"
cd "$HERE"
"$PY" -m pytest -q -p no:cacheprovider tests "$@"
