"""Speed of the text stages on a 1,500-word letter: sections, qualifiers (30 mentions), measurements.

    python bench/text_speed.py [--runs 50] [--spans 30]

Prints a Markdown table (median and 90th percentile, ms per document; both qualifier engines) and the
start-up of each qualifier engine. The letter is cut from the hand-written dev letters (tests/data/dev), so
it reads like a real one; mentions are spread over its clinical words. Target: the whole proposal pipeline
at >= 20 stays/s on 2 cores, so qualifiers should stay under ~20 ms per document.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

DEV = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev"
WORDS = 1500


def sample_letter(words: int = WORDS) -> str:
    """Dev letters joined until `words` words, cut at the last line that fits."""
    lines: list[str] = []
    count = 0
    for path in sorted(DEV.glob("*.jsonl")):
        for row in path.read_text(encoding="utf-8").splitlines():
            for document in json.loads(row)["documents"]:
                for line in document["text"].splitlines():
                    size = len(line.split())
                    if count + size > words:
                        return "\n".join(lines)
                    lines.append(line)
                    count += size
    return "\n".join(lines)


def sample_spans(text: str, n: int) -> list[tuple[int, int]]:
    """`n` mentions spread over the letter: words of 6+ letters, evenly picked."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\b[^\W\d_]{6,}\b", text)]
    step = max(len(words) // n, 1)
    return words[::step][:n]


def timed(function: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--spans", type=int, default=30)
    args = parser.parse_args()

    started = time.perf_counter()
    from coding_assistant.text.measurements import find_measurements
    from coding_assistant.text.qualifiers import qualify_mentions
    from coding_assistant.text.rule_qualifiers import default_cues
    from coding_assistant.text.sections import _match_title, split_sections

    default_cues()
    rules_first_use = time.perf_counter() - started
    started = time.perf_counter()
    from coding_assistant.text.edsnlp_qualifiers import pipeline_info

    info = pipeline_info()
    first_use = time.perf_counter() - started

    text = sample_letter()
    spans = sample_spans(text, args.spans)
    sections = split_sections(text)
    for engine in ("rules", "edsnlp"):
        qualify_mentions(text, spans, sections=sections, engine=engine)  # warm caches

    rows = [
        ("split_sections (title cache warm)", timed(lambda: split_sections(text), args.runs)),
        # A batch meets new lines every letter: the cold figure is the honest one for unseen text.
        (
            "split_sections (title cache cold)",
            timed(lambda: (_match_title.cache_clear(), split_sections(text)), args.runs),
        ),
        (
            f"qualify_mentions, rules engine ({len(spans)} spans)",
            timed(lambda: qualify_mentions(text, spans, sections=sections, engine="rules"), args.runs),
        ),
        (
            f"qualify_mentions, edsnlp engine ({len(spans)} spans)",
            timed(lambda: qualify_mentions(text, spans, sections=sections, engine="edsnlp"), args.runs),
        ),
        ("find_measurements", timed(lambda: find_measurements(text), args.runs)),
    ]
    print(f"Letter: {len(text.split())} words, {len(text)} characters, {len(sections)} sections, {args.runs} runs\n")
    print("| stage | median ms/doc | p90 ms/doc |")
    print("|---|---:|---:|")
    for name, (median, p90) in rows:
        print(f"| {name} | {median:.2f} | {p90:.2f} |")
    total = sum(median for name, (median, _) in rows if "warm" not in name and "edsnlp" not in name)
    print(f"| **all three (cold sections, rules engine)** | **{total:.2f}** | |")
    print(f"\nRules engine: {rules_first_use:.2f} s from import to compiled cues.")
    print(
        f"edsnlp engine: built in {info.build_seconds:.2f} s "
        f"({first_use:.2f} s from import to first use, spaCy's French language included); pipes: "
        + ", ".join(info.pipe_names)
    )


if __name__ == "__main__":
    main()
