#!/usr/bin/env bash
# Create (or update) the project's virtual environment in .venv with the given extras.
# Usage: bash scripts/setup.sh [EXTRAS]   e.g. bash scripts/setup.sh dev
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: Python >= 3.11 is needed ($("$python" --version 2>&1) found); set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
spec="."
if [ -n "$extras" ]; then spec=".[${extras}]"; fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
