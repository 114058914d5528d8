"""Build hector_2019.csv (shipped) and tests/data/search_hector_heldout.csv (held out) from the Hector export.

Usage: python terminologies/wordings/make_hector.py HECTOR_INDEX_THESAM.csv

The input has the header `term,code,second_code,sheet` (sheet: `index` or `thesam`). Rows without a code
(`nocode`: cross-references only) are dropped. Each remaining row goes to the held-out file when the hash of
its normalised bare form (the way a letter writes it, see coding_assistant/terminology/index_entries.py)
falls in the first 2 of 100 buckets, so a wording and its other spellings (the same condition in the index
and in the thesaurus) are always on the same side. Deterministic: the same input gives the same files.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

from coding_assistant.terminology.index_entries import index_entry_forms, plain_forms
from coding_assistant.text.normalize import normalise_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "terminologies" / "wordings" / "hector_2019.csv"
HELD_OUT = ROOT / "tests" / "data" / "search_hector_heldout.csv"
HELD_OUT_PERCENT = 2
HEADER = ["term", "code", "second_code", "source"]


def split_key(term: str, source: str) -> str:
    forms = index_entry_forms(term) if source == "index" else plain_forms(term)
    return normalise_text(forms[0]) if forms else normalise_text(term)


def is_held_out(term: str, source: str) -> bool:
    digest = hashlib.sha256(split_key(term, source).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < HELD_OUT_PERCENT


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with Path(argv[0]).open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["code"].strip() not in ("", "nocode")]
    shipped, held_out = [], []
    for row in rows:
        out = [row["term"], row["code"], row["second_code"], row["sheet"]]
        (held_out if is_held_out(row["term"], row["sheet"]) else shipped).append(out)
    for path, body in ((SHIPPED, shipped), (HELD_OUT, held_out)):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(body)
    print(f"{len(rows)} rows with a code: {len(shipped)} shipped, {len(held_out)} held out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
