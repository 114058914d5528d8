#!/usr/bin/env bash
# Quickstart, tests: set up with the dev extras, lint, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
