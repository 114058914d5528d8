#!/usr/bin/env bash
# Quickstart, tests: set up with the dev extras, lint, type-check, check the layers, then run the whole test suite — on SQLite always,
# and on PostgreSQL too (installed from Debian packages and started locally when it can be).
# CODING_ASSISTANT_TEST_PG=URL uses an existing server instead; CODING_ASSISTANT_TEST_PG=none skips it.
# The Spark tests need Java 17+ and the UI's end-to-end test Debian's chromium: both are installed from the
# Debian packages when missing (under CI=true a failed install fails the run; elsewhere those tests skip).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev,transformer,spark
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy                 # strict on coding_assistant/ (pyproject.toml [tool.mypy])
PYTHONPATH=ui .venv/bin/lint-imports  # the layers (pyproject.toml [tool.importlinter]); ui/ holds coding_review
for tool in java chromium; do
    if ! bash "scripts/${tool}_for_tests.sh" >/dev/null; then
        if [ "${CI:-}" = "true" ]; then
            echo "error: ${tool} could not be installed for the tests" >&2
            exit 1
        fi
        echo "warning: ${tool} unavailable; the tests that need it will be skipped" >&2
    fi
done
if [ -z "${CODING_ASSISTANT_TEST_PG:-}" ]; then
    if url="$(bash scripts/postgres_for_tests.sh | tail -n 1)" && [ -n "$url" ]; then
        export CODING_ASSISTANT_TEST_PG="$url"
    elif [ "${CI:-}" = "true" ]; then
        echo "error: PostgreSQL could not be started for the store tests" >&2
        exit 1
    else
        echo "warning: PostgreSQL unavailable; its store tests will be skipped" >&2
    fi
elif [ "$CODING_ASSISTANT_TEST_PG" = "none" ]; then
    unset CODING_ASSISTANT_TEST_PG
fi
.venv/bin/python -m pytest "$@"
