"""Coding quality of one model on the dev set (each part and all), on the external dev set, on the thirteen
letters tuning sets and on the five held-out letters sets, side by side.

    .venv/bin/python bench/letters_quality.py [--model data/models/default] [--external PATH] [--json]
                                              [--no-heldout]

The dev set (`tests/data/dev/`, hand-written stays) and the external dev set (letters written by another hand,
`../shared/data/external-dev/mistral_crh_200.jsonl` beside the repository when present) are never trained or
tuned on. The thirteen letters tuning sets (`tests/data/letters_tuning/`, `letters_tuning_b/` to
`letters_tuning_m/`: letters written apart from the dev set and the lexicons, in other
hospitals' styles) come last: error classes were read and fixed on them, so their figures are in-sample. The
held-out letters sets (`tests/data/letters_heldout/` and `letters_heldout_b/` to
`letters_heldout_e/`, each written later, apart from all of them) are never tuned on: only their totals are
printed, never a stay. Prints a Markdown table: DP accuracy (3 characters, exact), micro-F1 of the selected codes
(3 characters, exact), Recall@10 (3 characters), and the count of selected codes whose mentions are only negated,
hypothetical or familial.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coding_assistant.evaluation.metrics import evaluate
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Stay, read_stays

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"
EXTERNAL = ROOT.parent / "shared" / "data" / "external-dev" / "mistral_crh_200.jsonl"
# Letters written apart from the dev set and the lexicons, then tuned on: their figures are in-sample.
TUNING = {
    "letters tuning A (in-sample)": ROOT / "tests" / "data" / "letters_tuning",
    "letters tuning B (in-sample)": ROOT / "tests" / "data" / "letters_tuning_b",
    "letters tuning C (in-sample)": ROOT / "tests" / "data" / "letters_tuning_c",
    "letters tuning D (in-sample)": ROOT / "tests" / "data" / "letters_tuning_d",
    "letters tuning E (in-sample)": ROOT / "tests" / "data" / "letters_tuning_e",
    "letters tuning F (in-sample)": ROOT / "tests" / "data" / "letters_tuning_f",
    "letters tuning G (in-sample)": ROOT / "tests" / "data" / "letters_tuning_g",
    "letters tuning H (in-sample)": ROOT / "tests" / "data" / "letters_tuning_h",
    "letters tuning I (in-sample)": ROOT / "tests" / "data" / "letters_tuning_i",
    "letters tuning J (in-sample)": ROOT / "tests" / "data" / "letters_tuning_j",
    "letters tuning K (in-sample)": ROOT / "tests" / "data" / "letters_tuning_k",
    "letters tuning L (in-sample)": ROOT / "tests" / "data" / "letters_tuning_l",
    "letters tuning M (in-sample)": ROOT / "tests" / "data" / "letters_tuning_m",
}
# Letters written apart from everything above and never tuned on (its README): the figure on unseen letters.
HELDOUT = {
    "letters held-out (never tuned on)": ROOT / "tests" / "data" / "letters_heldout",
    "letters held-out B (never tuned on)": ROOT / "tests" / "data" / "letters_heldout_b",
    "letters held-out C (never tuned on)": ROOT / "tests" / "data" / "letters_heldout_c",
    "letters held-out D (never tuned on)": ROOT / "tests" / "data" / "letters_heldout_d",
    "letters held-out E (never tuned on)": ROOT / "tests" / "data" / "letters_heldout_e",
}


def figures(pipeline: CodingPipeline, stays: list[Stay]) -> dict[str, float | int]:
    predictions = pipeline.propose_many([stay.model_copy(update={"codes": None}) for stay in stays])
    result = evaluate(stays, predictions)
    return {
        "stays": len(stays),
        "dp_3char": result.dp_accuracy["3char"],
        "dp_exact": result.dp_accuracy["exact"],
        "f1_3char": result.selected["3char"].micro.f1,
        "f1_exact": result.selected["exact"].micro.f1,
        "precision_3char": result.selected["3char"].micro.precision,
        "recall_3char": result.selected["3char"].micro.recall,
        "recall_at_10_3char": result.ranking["3char"].recall_at[10],
        "negation_errors": result.negation.count,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "data" / "models" / "default")
    parser.add_argument("--external", type=Path, default=EXTERNAL)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    parser.add_argument("--no-heldout", action="store_true", help="leave the held-out letters set out")
    args = parser.parse_args()

    pipeline = CodingPipeline.load(args.model)
    sets: dict[str, list[Stay]] = {}
    parts = sorted(DEV.glob("*.jsonl"))
    for part in parts:
        sets[f"dev {part.stem.removeprefix('stays_')}"] = read_stays(part)
    sets["dev, all parts"] = [stay for part in parts for stay in read_stays(part)]
    if args.external.is_file():
        sets["external dev"] = read_stays(args.external)
    else:
        print(f"warning: {args.external} not found; external dev set left out", file=sys.stderr)
    for name, folder in TUNING.items():
        sets[name] = read_stays(folder / "stays.jsonl")
    if not args.no_heldout:
        for name, folder in HELDOUT.items():
            sets[name] = read_stays(folder / "stays.jsonl")
    table = {name: figures(pipeline, stays) for name, stays in sets.items()}
    if args.json:
        print(json.dumps(table, indent=1))
        return 0
    print("| set | stays | DP 3-char | DP exact | micro-F1 3-char (P / R) | micro-F1 exact | R@10 3-char | negated |")
    print("|---|---|---|---|---|---|---|---|")
    for name, f in table.items():
        print(
            f"| {name} | {f['stays']} | {f['dp_3char']:.3f} | {f['dp_exact']:.3f} | {f['f1_3char']:.3f} "
            f"({f['precision_3char']:.3f} / {f['recall_3char']:.3f}) | {f['f1_exact']:.3f} "
            f"| {f['recall_at_10_3char']:.3f} | {f['negation_errors']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
