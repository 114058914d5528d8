"""Top-1 / top-5 of the code search on the query sets of tests/data (prints a Markdown table).

A result is a hit when its code starts with one of the expected codes; the category columns compare
3-character categories only. The Hector held-out set (tests/data/search_hector_heldout.csv, never in the
shipped wordings) queries each entry the way a letter writes it: the bare form of an index entry ("Torsion
(de), cordon, spermatique" → "torsion cordon spermatique"), a thesaurus wording as written; rows whose code
the table lacks or has deleted are left out, and a (query, code) pair is counted once.

`--before` adds the search as it was before the clinicians' wordings: the edsnlp table, no wordings.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

from rapidfuzz import fuzz, process, utils

from coding_assistant.config import Settings
from coding_assistant.terminology.loader import default_terminology, load
from coding_assistant.terminology.wordings import read_wordings, usable_wordings

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {
    "coder queries (tests/data/search_queries.csv)": (DATA / "search_queries.csv", "query", "kind"),
    "clinical wordings (tests/data/search_clinical_wordings.csv)": (
        DATA / "search_clinical_wordings.csv",
        "wording",
        "specialty",
    ),
    "Hector held-out (tests/data/search_hector_heldout.csv)": (DATA / "search_hector_heldout.csv", "query", "source"),
}


def read_rows(path: Path, query_column: str) -> list[dict[str, str]]:
    """Rows with `query_column` and `expected`; the Hector held-out file is turned into that shape."""
    if path.name != "search_hector_heldout.csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for wording in usable_wordings(read_wordings(path), default_terminology().terminology):
        forms = wording.forms()
        if forms:
            rows.setdefault(
                (forms[0], wording.code), {"query": forms[0], "expected": wording.code, "source": wording.source}
            )
    return list(rows.values())


def rank_of_hit(codes: list[str], expected: list[str], category: bool) -> int | None:
    for rank, code in enumerate(codes, start=1):
        if category:
            if any(code[:3] == e[:3] for e in expected):
                return rank
        elif any(code.startswith(e) for e in expected):
            return rank
    return None


class LabelBaseline:
    """Plain rapidfuzz token_set_ratio over the ATIH labels of codable codes: the reference to beat."""

    def __init__(self) -> None:
        terminology = default_terminology().terminology
        entries = [e for e in terminology if e.codable]
        self.codes = [e.code for e in entries]
        self.labels = [e.label for e in entries]

    def search(self, query: str, limit: int) -> list[SimpleNamespace]:
        found = process.extract(
            query, self.labels, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=limit
        )
        return [SimpleNamespace(code=self.codes[i]) for _, _, i in found]


def evaluate(path: Path, query_column: str, group_column: str, show_misses: bool, index=None) -> dict[str, float]:
    index = index or default_terminology().index
    rows = read_rows(path, query_column)
    totals: dict[str, float] = defaultdict(float)
    by_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        expected = row["expected"].split()
        codes = [r.code for r in index.search(row[query_column], limit=10)]
        exact = rank_of_hit(codes, expected, category=False)
        cat = rank_of_hit(codes, expected, category=True)
        totals["top1"] += exact == 1
        totals["top5"] += exact is not None and exact <= 5
        totals["cat_top1"] += cat == 1
        totals["cat_top5"] += cat is not None and cat <= 5
        by_group[row[group_column]][0] += 1
        by_group[row[group_column]][1] += cat is not None and cat <= 5
        if show_misses and (cat is None or cat > 5):
            print(f"MISS {row[query_column]!r} expected {expected} got {codes[:5]}", file=sys.stderr)
    n = len(rows)
    return {"n": n, **{k: v / n for k, v in totals.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="print the queries missed at category top-5")
    parser.add_argument("--baseline", action="store_true", help="also score plain rapidfuzz over ATIH labels")
    parser.add_argument("--before", action="store_true", help="also score the search without the wordings")
    args = parser.parse_args()
    engines = [("coding-assistant", default_terminology().index)]
    if args.before:
        before = Settings(terminology_source="edsnlp", bundled_wordings=False, wordings_paths=[])
        engines.append(("before: edsnlp table, no wordings", load(before).index))
    if args.baseline:
        engines.append(("rapidfuzz token_set_ratio on labels", LabelBaseline()))
    print("| query set | search | n | top-1 | top-5 | category top-1 | category top-5 |")
    print("|---|---|---|---|---|---|---|")
    for name, (path, column, group) in SETS.items():
        for engine, index in engines:
            m = evaluate(path, column, group, args.misses and engine == "coding-assistant", index)
            print(
                f"| {name} | {engine} | {m['n']} | {m['top1']:.3f} | {m['top5']:.3f} | {m['cat_top1']:.3f} "
                f"| {m['cat_top5']:.3f} |"
            )


if __name__ == "__main__":
    main()
