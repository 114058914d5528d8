#!/usr/bin/env bash
# Quickstart, main job: set up, then run the product on its embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== CIM-10 FR search on the bundled ATIH table and clinical lexicon"
for query in "bpco exacerbée" "sca st+ inférieur" "insufisance renale aigue" "I50.0"; do
    echo "-- $query"
    .venv/bin/coding-assistant terminology search "$query" --limit 5
done
