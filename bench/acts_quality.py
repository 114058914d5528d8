"""CCAM act proposals on the dev set, the act tuning set and four held-out sets: Recall@5 and @10 (exact code),
precision / recall / F1 of the selected acts (exact code and first 4 characters), activity-4 lines, acts
selected from negated or planned mentions, and the time of the acts stage alone.

    python bench/acts_quality.py [STAYS.jsonl ...] [--heldout DIR] [--heldout-b DIR] [--heldout-c DIR]
                                 [--heldout-d DIR] [--no-heldout] [--no-tuning] [--misses] [--model DIR]

Default: the three parts of `tests/data/dev/` (the letters the act lexicon and weights were tuned on) in one
column, `tests/data/acts_tuning/` (45 stays written apart from the lexicon, then tuned on, see its README) in
the next, then `tests/data/acts_heldout/` (A: 40 stays written apart and never tuned on; an earlier README
described its miss classes, see the main README) and `tests/data/acts_heldout_b/` (B: 40 stays written
later, apart from all of the above; never tuned on, its misses never read) and `tests/data/acts_heldout_c/` (C:
40 stays written after B, with codes B does not use; never tuned on, its misses never read) and
`tests/data/acts_heldout_d/` (D: 40 stays written after C, with codes C does not use; never tuned on, its misses
never read). Only stays whose gold lists
its acts (`codes.acts`) are judged. The acts stage runs on its own (no classifier): it needs only the
documents and the stay's sex, age and dates; `--model DIR` adds the act heads of a model that learnt acts
(as `predict` does with such a model).

The held-out sets have an annotation file (`annotations.jsonl`: the anaesthesia the report states, and the
codes of the acts it says were not done or only planned), so two figures are judged there only: activity-4
lines (expected for each gold act with an activity 4 in the CCAM table when the anaesthesia is general or
locoregional) and acts selected from negated or planned mentions by code (a selected code among the
annotated not-done codes and not in the gold). "Negated (product's view)" counts selected lines whose every
evidence the product itself marked negated or hypothetical, on every set.

`--misses` lists, per stay of the in-sample sets, the gold acts missed and the acts selected wrongly (codes
only, never letter text); a held-out set's misses are never listed. Targets (issue 16): Recall@5 ≥ 0.80,
precision ≥ 0.70, no act from a negated or planned sentence.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coding_assistant.acts import LearnedActs, default_proposer
from coding_assistant.evaluation.metrics import act_scores
from coding_assistant.schema import ModelInfo, Stay, StayProposals, read_stays

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"
HELDOUT = ROOT / "tests" / "data" / "acts_heldout"
HELDOUT_B = ROOT / "tests" / "data" / "acts_heldout_b"
HELDOUT_C = ROOT / "tests" / "data" / "acts_heldout_c"
HELDOUT_D = ROOT / "tests" / "data" / "acts_heldout_d"
TUNING = ROOT / "tests" / "data" / "acts_tuning"
ACTIVITIES = ROOT / "terminologies" / "ccam" / "ccam_code_activite_phase_dernier_tarif.csv"
# Anaesthesia that makes an activity-4 line (the annotation's words).
ANAESTHESIA_WITH_A4 = {"AG", "ALR"}


@dataclass
class Annotation:
    anaesthesia: str
    not_done: set[str]


@dataclass
class SetFigures:
    name: str
    stays: int = 0
    stays_with_acts: int = 0
    gold_acts: int = 0
    recall_at_5: float = 0.0
    recall_at_10: float = 0.0
    selected: int = 0
    exact: tuple[float, float, float] = (0.0, 0.0, 0.0)
    four: tuple[float, float, float] = (0.0, 0.0, 0.0)
    negated_product: int = 0
    # Judged only with annotations (the held-out set); None elsewhere.
    a4_expected: int | None = None
    a4_correct: int | None = None
    a4_spurious: int | None = None
    negated_annotated: int | None = None
    negated_examples: list[str] = field(default_factory=list)
    ms_per_stay: float = 0.0


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def read_annotations(path: Path) -> dict[str, Annotation]:
    notes: dict[str, Annotation] = {}
    if not path.exists():
        return notes
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            notes[row["stay_id"]] = Annotation(row["anaesthesia"], set(row.get("not_done", [])))
    return notes


def codes_with_activity_4(path: Path = ACTIVITIES) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle) if row["activite"] == "4"}


def judge(
    name: str,
    stays: Sequence[Stay],
    predictions: Sequence[StayProposals],
    annotations: dict[str, Annotation] | None = None,
    with_a4: set[str] | None = None,
) -> SetFigures:
    at5, at10 = act_scores(stays, predictions, k=5), act_scores(stays, predictions, k=10)
    figures = SetFigures(name, at5.stays, at5.stays_with_acts, at5.gold_acts, at5.recall_at_k, at10.recall_at_k)
    figures.selected = at5.selected_acts
    figures.exact = (
        at5.precision,
        at5.recall,
        (2 * at5.precision * at5.recall / (at5.precision + at5.recall)) if at5.precision + at5.recall else 0.0,
    )
    figures.negated_product = at5.negated_selected
    by_id = {p.stay_id: p for p in predictions}
    tp4 = fp4 = fn4 = 0
    a4 = {"expected": 0, "correct": 0, "spurious": 0}
    negated = 0
    for stay in stays:
        if stay.codes is None or stay.codes.acts is None:
            continue
        gold = set(stay.codes.act_codes())
        lines = by_id[stay.stay_id].acts if stay.stay_id in by_id else []
        selected = {line.code for line in lines if line.selected and line.activity == 1}
        gold4, selected4 = {c[:4] for c in gold}, {c[:4] for c in selected}
        tp4 += len(gold4 & selected4)
        fp4 += len(selected4 - gold4)
        fn4 += len(gold4 - selected4)
        note = (annotations or {}).get(stay.stay_id)
        if note is None:
            continue
        expected = {c for c in gold if c in (with_a4 or set())} if note.anaesthesia in ANAESTHESIA_WITH_A4 else set()
        lines4 = {line.code for line in lines if line.selected and line.activity == 4}
        a4["expected"] += len(expected)
        a4["correct"] += len(expected & lines4)
        a4["spurious"] += len(lines4 - expected)
        wrong = (selected & note.not_done) - gold
        negated += len(wrong)
        figures.negated_examples += [f"{stay.stay_id} {code}" for code in sorted(wrong)]
    figures.four = _prf(tp4, fp4, fn4)
    if annotations:
        figures.a4_expected, figures.a4_correct, figures.a4_spurious = a4["expected"], a4["correct"], a4["spurious"]
        figures.negated_annotated = negated
    return figures


def learned_of(model_dir: Path | None, stays: Sequence[Stay]) -> list[LearnedActs | None]:
    """The classifier's act heads for each stay (None each without a model, or when it learnt no act)."""
    if model_dir is None:
        return [None] * len(stays)
    from coding_assistant.pipeline import CodingPipeline

    pipeline = CodingPipeline.load(model_dir)
    if pipeline.predictor is None:
        return [None] * len(stays)
    scores = pipeline.predictor.predict_scores([stay.text for stay in stays])
    return [pipeline.learned_acts(row) for row in scores]


def run(
    proposer, stays: Sequence[Stay], repeats: int, model_dir: Path | None = None
) -> tuple[list[StayProposals], float]:
    model = ModelInfo(name="acts-only", version="bench")
    predictions = []
    learned = learned_of(model_dir, stays)
    for stay, heads in zip(stays, learned, strict=True):
        blind = stay.model_copy(update={"codes": None})
        acts, warnings = proposer.propose(blind, learned=heads)
        predictions.append(StayProposals(stay_id=stay.stay_id, model=model, acts=acts, warnings=warnings))
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        for stay in stays:
            proposer.propose(stay)
        timings.append((time.perf_counter() - started) / max(len(stays), 1) * 1000)
    return predictions, statistics.median(timings) if timings else 0.0


def print_table(columns: Sequence[SetFigures]) -> None:
    def cell(value: object) -> str:
        return "–" if value is None else str(value)

    def trio(values: tuple[float, float, float]) -> str:
        return "{:.3f} / {:.3f} / {:.3f}".format(*values)

    rows = [
        ("stays judged (with acts)", [f"{c.stays} ({c.stays_with_acts})" for c in columns], ""),
        ("gold acts", [str(c.gold_acts) for c in columns], ""),
        ("act Recall@5 (exact 7-character code)", [f"{c.recall_at_5:.3f}" for c in columns], "≥ 0.80"),
        ("act Recall@10 (exact)", [f"{c.recall_at_10:.3f}" for c in columns], ""),
        ("selected acts", [str(c.selected) for c in columns], ""),
        ("selected: precision / recall / F1 (exact)", [trio(c.exact) for c in columns], "P ≥ 0.70"),
        ("selected: precision / recall / F1 (4 characters)", [trio(c.four) for c in columns], ""),
        (
            "activity-4 lines correct / expected (spurious)",
            ["–" if c.a4_expected is None else f"{c.a4_correct} / {c.a4_expected} ({c.a4_spurious})" for c in columns],
            "",
        ),
        ("selected from negated / planned acts (annotated)", [cell(c.negated_annotated) for c in columns], "0"),
        ("selected from negated mentions (product's view)", [str(c.negated_product) for c in columns], "0"),
        ("acts stage, ms a stay (median)", [f"{c.ms_per_stay:.2f}" for c in columns], ""),
    ]
    width = max(len(r[0]) for r in rows)
    widths = [max(len(c.name), *(len(r[1][i]) for r in rows)) for i, c in enumerate(columns)]
    print(f"{'':{width}}  " + "  ".join(f"{c.name:>{w}}" for c, w in zip(columns, widths, strict=True)) + "  target")
    for label, values, target in rows:
        print(
            f"{label:{width}}  " + "  ".join(f"{v:>{w}}" for v, w in zip(values, widths, strict=True)) + f"  {target}"
        )
    for c in columns:
        if c.negated_examples and not c.name.startswith("held-out"):
            print(f"{c.name}: selected although not done or planned: {', '.join(c.negated_examples)}")


def print_misses(name: str, stays: Sequence[Stay], predictions: Sequence[StayProposals]) -> None:
    by_id = {p.stay_id: p for p in predictions}
    print(f"misses, {name}:")
    for stay in stays:
        if stay.codes is None or stay.codes.acts is None:
            continue
        gold = set(stay.codes.act_codes())
        lines = by_id[stay.stay_id].acts
        ranking = list(dict.fromkeys(line.code for line in lines))
        selected = {line.code for line in lines if line.selected}
        missed = sorted(gold - set(ranking[:5]))
        wrong = sorted(selected - gold)
        unselected = sorted(gold & set(ranking[:5]) - selected)
        if missed or wrong or unselected:
            print(
                f"  {stay.stay_id}: gold {sorted(gold)} missed@5 {missed} not selected {unselected} "
                f"wrong {wrong} top5 {ranking[:5]}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=sorted(DEV.glob("stays_*.jsonl")))
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="folder of the held-out set")
    parser.add_argument("--heldout-b", type=Path, default=HELDOUT_B, help="folder of the second held-out set")
    parser.add_argument("--heldout-c", type=Path, default=HELDOUT_C, help="folder of the third held-out set")
    parser.add_argument("--heldout-d", type=Path, default=HELDOUT_D, help="folder of the fourth held-out set")
    parser.add_argument("--no-heldout", action="store_true", help="leave the held-out sets out")
    parser.add_argument("--tuning", type=Path, default=TUNING, help="folder of the act tuning set")
    parser.add_argument("--no-tuning", action="store_true", help="leave the tuning set out")
    parser.add_argument(
        "--misses", action="store_true", help="gold acts missed and wrong selections, per stay (in-sample sets only)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="timing passes over the stays")
    parser.add_argument(
        "--model", type=Path, help="a model folder whose act heads (if it learnt acts) the proposer reads too"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    proposer = default_proposer()
    build = time.perf_counter() - started
    with_a4 = codes_with_activity_4()
    sets: list[tuple[str, list[Stay], dict[str, Annotation]]] = [
        ("dev (in-sample)", [stay for path in args.paths for stay in read_stays(path)], {})
    ]
    if not args.no_tuning:
        sets.append(("tuning (in-sample)", list(read_stays(args.tuning / "stays.jsonl")), {}))
    if not args.no_heldout:
        held_out = (
            ("held-out A", args.heldout),
            ("held-out B", args.heldout_b),
            ("held-out C", args.heldout_c),
            ("held-out D", args.heldout_d),
        )
        for name, folder in held_out:
            held = list(read_stays(folder / "stays.jsonl"))
            sets.append((name, held, read_annotations(folder / "annotations.jsonl")))
    columns, runs = [], []
    for name, stays, notes in sets:
        predictions, ms = run(proposer, stays, args.repeats, args.model)
        figures = judge(name, stays, predictions, notes, with_a4)
        figures.ms_per_stay = ms
        columns.append(figures)
        runs.append((name, stays, predictions))
    print_table(columns)
    print(
        f"catalogue and lexicon built in {build:.2f} s; load average {os.getloadavg()[0]:.2f}; "
        f"timing: median of {args.repeats} passes"
    )
    if args.misses:
        # A held-out set's misses are never read: reading them would make it a tuning set.
        for name, stays, predictions in runs:
            if not name.startswith("held-out"):
                print_misses(name, stays, predictions)


if __name__ == "__main__":
    main()
