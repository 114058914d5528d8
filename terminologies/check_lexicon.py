"""Validate terminologies/lexique_clinique.csv against the ATIH CIM-10 FR table.

Usage: python terminologies/check_lexicon.py [path/to/lexique_clinique.csv] [--strict] [--table=CSV]

Checks:
- UTF-8, RFC 4180 CSV, header exactly ``term,expansion,codes,kind``;
- every row has 4 fields, a non-empty term and expansion, a known kind;
- codes are space-separated, without dots, and each exists in the CIM-10 FR
  table shipped in ``terminologies/cim10/`` (the default table; ``--table=`` names another
  year's CSV of the same layout);
- no deleted code (``active`` 0 or label ``*** SU..``), type-3 codes are reported;
- codes that still have more specific children are reported (information);
- no exact duplicate rows, no duplicate (term, expansion, codes);
- summary counts (rows, per kind, rows with codes).

Exit status 1 when an error is found (type-3 codes count as errors with --strict).
"""

from __future__ import annotations

import collections
import csv
import io
import re
import sys
from pathlib import Path

HEADER = ["term", "expansion", "codes", "kind"]
KINDS = {"abbreviation", "acronym", "synonym", "lay", "misspelling", "not_a_condition"}
CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z+]{1,5}$")


DEFAULT_TABLE = Path(__file__).with_name("cim10") / "cim10_fr_2025.csv"


def load_cim10(path: Path = DEFAULT_TABLE) -> dict[str, dict[str, str]]:
    """Code -> {type, long, deleted} from the ATIH CSV (columns code, type_mco, active, label, ...)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {
            r["code"]: {
                "type": r["type_mco"],
                "long": r["label"],
                "deleted": "1" if r["active"] == "0" or r["label"].startswith("*** SU") else "",
            }
            for r in rows
        }


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    args = [a for a in argv if not a.startswith("-")]
    path = Path(args[0]) if args else Path(__file__).with_name("lexique_clinique.csv")
    tables = [a.split("=", 1)[1] for a in argv if a.startswith("--table=")]
    table = load_cim10(Path(tables[0]) if tables else DEFAULT_TABLE)
    codes_sorted = sorted(table)

    def has_children(code: str) -> bool:
        import bisect

        i = bisect.bisect_right(codes_sorted, code)
        while i < len(codes_sorted) and codes_sorted[i].startswith(code):
            child = codes_sorted[i]
            if not table[child]["deleted"]:
                return True
            i += 1
        return False

    errors: list[str] = []
    warnings: list[str] = []
    infos: list[str] = []

    text = path.read_bytes().decode("utf-8")  # raises on invalid UTF-8
    if text.startswith("\ufeff"):
        errors.append("file starts with a BOM")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows or rows[0] != HEADER:
        errors.append(f"bad header: {rows[0] if rows else None!r}")
    body = rows[1:]

    seen_rows: dict[tuple, int] = {}
    seen_key: dict[tuple, int] = {}
    kinds = collections.Counter()
    with_codes = 0
    all_codes = collections.Counter()
    for lineno, row in enumerate(body, start=2):
        if len(row) != 4:
            errors.append(f"line {lineno}: {len(row)} fields: {row!r}")
            continue
        term, expansion, codes, kind = row
        if not term.strip() or term != term.strip():
            errors.append(f"line {lineno}: empty or padded term {term!r}")
        if not expansion.strip() or expansion != expansion.strip():
            errors.append(f"line {lineno}: empty or padded expansion for {term!r}")
        if kind not in KINDS:
            errors.append(f"line {lineno}: unknown kind {kind!r}")
        kinds[kind] += 1
        key = tuple(row)
        if key in seen_rows:
            errors.append(f"line {lineno}: duplicate of line {seen_rows[key]}: {row!r}")
        else:
            seen_rows[key] = lineno
        k2 = (term, expansion)
        if k2 in seen_key:
            warnings.append(f"line {lineno}: same term+expansion as line {seen_key[k2]}: {term!r}")
        else:
            seen_key[k2] = lineno
        if codes != codes.strip() or "  " in codes:
            errors.append(f"line {lineno}: badly spaced codes {codes!r}")
        code_list = codes.split()
        if code_list:
            with_codes += 1
        if len(set(code_list)) != len(code_list):
            errors.append(f"line {lineno}: repeated code in {codes!r}")
        for code in code_list:
            all_codes[code] += 1
            if "." in code or not CODE_RE.match(code):
                errors.append(f"line {lineno}: malformed code {code!r}")
                continue
            entry = table.get(code)
            if entry is None:
                errors.append(f"line {lineno}: unknown code {code} ({term!r})")
                continue
            if entry["deleted"]:
                errors.append(f"line {lineno}: deleted code {code} ({term!r})")
                continue
            if entry["type"] == "3":
                (errors if strict else warnings).append(
                    f"line {lineno}: type-3 (not codable) code {code} ({term!r}): {entry['long'][:80]}"
                )
            elif has_children(code):
                infos.append(f"line {lineno}: {code} has more specific children ({term!r})")

    for m in errors:
        print("ERROR", m)
    for m in warnings:
        print("WARN ", m)
    if "-v" in argv or "--verbose" in argv:
        for m in infos:
            print("INFO ", m)
    print(f"rows: {len(body)}")
    for kind in sorted(KINDS):
        print(f"  {kind}: {kinds.get(kind, 0)}")
    print(f"rows with codes: {with_codes}; rows without codes: {len(body) - with_codes}")
    print(f"distinct codes: {len(all_codes)}; codes with more specific children: {len(infos)}")
    print(f"errors: {len(errors)}; warnings: {len(warnings)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
