#!/usr/bin/env bash
# Quickstart, main job: set up, then run the product on its embedded defaults —
#   1. a synthetic corpus of coded stays (data/synthetic/stays.jsonl),
#   2. the default model trained on it (data/models/default), with figures on the hand-written dev set,
#   3. the code search on the bundled ATIH table and clinical lexicon,
#   4. the nightly batch: the 64 hand-written dev stays coded into the store (data/coding_assistant.sqlite3),
#   5. the review UI on those stays (http://localhost:8501), with a demo account.
# Steps whose output already exists are skipped; `bash scripts/demo.sh --fresh` redoes them. `--no-ui` stops
# before starting the UI (DEMO_PORT, DEMO_USER and DEMO_PASSWORD change the UI's port and account).
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=false
ui=true
for arg in "$@"; do
    case "$arg" in
        --fresh) fresh=true ;;
        --no-ui) ui=false ;;
        *) echo "usage: bash scripts/demo.sh [--fresh] [--no-ui]" >&2; exit 2 ;;
    esac
done
if $fresh; then rm -rf data/synthetic data/models/default data/coding_assistant.sqlite3*; fi
bash scripts/setup.sh
ca=.venv/bin/coding-assistant
stays=data/synthetic/stays.jsonl
model=data/models/default
if [ ! -s "$stays" ]; then
    echo "== 1/5 synthetic corpus"
    mkdir -p "$(dirname "$stays")"
    "$ca" synth --n "${DEMO_STAYS:-12000}" --seed 1 --output "$stays"
fi
if [ ! -s "$model/card.json" ]; then
    echo "== 2/5 default model (TF-IDF + linear, exported to ONNX)"
    "$ca" train --input "$stays" --output "$model" --name default --dev tests/data/dev
fi
echo "== proposals on the hand-written dev set (never trained on), report in data/dev-report.html"
"$ca" evaluate --input tests/data/dev --model "$model" --report data/dev-report.html
echo "== 3/5 CIM-10 FR search"
for query in "bpco exacerbée" "sca st+ inférieur" "insufisance renale aigue" "I50.0"; do
    echo "-- $query"
    "$ca" terminology search "$query" --limit 5
done
echo "== 4/5 nightly batch: the dev stays coded into the store (rerun: unchanged stays are skipped)"
"$ca" batch --source tests/data/dev --report data/batch-report.json
user="${DEMO_USER:-demo}"
password="${DEMO_PASSWORD:-demo-dim-2026}"
if ! "$ca" users list | grep -q "^${user} "; then
    printf '%s\n' "$password" | "$ca" users add "$user" --role dim_physician --name "Démo DIM" --password-stdin
fi
if $ui; then
    echo "== 5/5 review UI: open http://localhost:${DEMO_PORT:-8501} and sign in as ${user} / ${password} (Ctrl-C stops it)"
    exec "$ca" ui --port "${DEMO_PORT:-8501}" --address "${DEMO_ADDRESS:-127.0.0.1}"
fi
