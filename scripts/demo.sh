#!/usr/bin/env bash
# Quickstart, main job: set up, then run the product on its embedded defaults —
#   1. a synthetic corpus of coded stays (data/synthetic/stays.jsonl),
#   2. the default model trained on it (data/models/default), with figures on the hand-written dev set,
#   3. the code search on the bundled ATIH table and clinical lexicon.
# Steps whose output already exists are skipped; `bash scripts/demo.sh --fresh` redoes them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fresh" ]; then rm -rf data/synthetic data/models/default; fi
bash scripts/setup.sh
ca=.venv/bin/coding-assistant
stays=data/synthetic/stays.jsonl
model=data/models/default
if [ ! -s "$stays" ]; then
    echo "== 1/3 synthetic corpus"
    mkdir -p "$(dirname "$stays")"
    "$ca" synth --n "${DEMO_STAYS:-4000}" --seed 1 --output "$stays"
fi
if [ ! -s "$model/card.json" ]; then
    echo "== 2/3 default model (TF-IDF + linear, exported to ONNX)"
    "$ca" train --input "$stays" --output "$model" --name default --dev tests/data/dev
fi
echo "== proposals on the hand-written dev set (never trained on), report in data/dev-report.html"
"$ca" evaluate --input tests/data/dev --model "$model" --report data/dev-report.html
echo "== 3/3 CIM-10 FR search"
for query in "bpco exacerbée" "sca st+ inférieur" "insufisance renale aigue" "I50.0"; do
    echo "-- $query"
    "$ca" terminology search "$query" --limit 5
done
