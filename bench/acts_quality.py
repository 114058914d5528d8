"""CCAM act proposals on the dev set: Recall@5 (exact code), precision of the selected acts, acts selected
from negated mentions, and the time of the acts stage alone.

    python bench/acts_quality.py [STAYS.jsonl ...] [--misses]

Default: the three parts of `tests/data/dev/`. Only stays whose gold lists its acts (`codes.acts`) are
judged. The acts stage runs on its own (no classifier): it needs only the documents and the stay's sex, age
and dates. `--misses` lists, per stay, the gold acts missed and the acts selected wrongly (codes only, never
letter text). Targets (issue 16): Recall@5 ≥ 0.80, precision ≥ 0.70, no act from a negated sentence.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from coding_assistant.acts import default_proposer
from coding_assistant.evaluation.metrics import act_scores
from coding_assistant.schema import ModelInfo, StayProposals, read_stays

DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=sorted(DEV.glob("stays_*.jsonl")))
    parser.add_argument("--misses", action="store_true", help="gold acts missed and wrong selections, per stay")
    parser.add_argument("--repeats", type=int, default=3, help="timing passes over the stays")
    args = parser.parse_args()
    stays = [stay for path in args.paths for stay in read_stays(path)]
    started = time.perf_counter()
    proposer = default_proposer()
    build = time.perf_counter() - started
    model = ModelInfo(name="acts-only", version="bench")
    predictions = []
    for stay in stays:
        blind = stay.model_copy(update={"codes": None})
        acts, warnings = proposer.propose(blind)
        predictions.append(StayProposals(stay_id=stay.stay_id, model=model, acts=acts, warnings=warnings))
    timings = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        for stay in stays:
            proposer.propose(stay)
        timings.append((time.perf_counter() - started) / len(stays) * 1000)
    scores = act_scores(stays, predictions)
    print(f"stays judged: {scores.stays} ({scores.stays_with_acts} with acts), gold acts: {scores.gold_acts}")
    print(f"act Recall@{scores.k} (exact): {scores.recall_at_k:.3f}   target ≥ 0.80")
    print(
        f"selected acts: {scores.selected_acts}, precision {scores.precision:.3f} (target ≥ 0.70), "
        f"recall {scores.recall:.3f}"
    )
    print(f"acts selected from negated / planned mentions: {scores.negated_selected}   target 0")
    print(
        f"acts stage: {statistics.median(timings):.2f} ms/stay (median of {args.repeats} passes, fastest "
        f"{min(timings):.2f}); catalogue and lexicon built in {build:.2f} s; load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    if args.misses:
        by_id = {p.stay_id: p for p in predictions}
        for stay in stays:
            if stay.codes is None or stay.codes.acts is None:
                continue
            gold = set(stay.codes.acts)
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


if __name__ == "__main__":
    main()
