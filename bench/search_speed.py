"""Code-search speed: start-up (load + index, cold and cached), per-query latency on one core, and the
`--queries` command on 1,000 lines end to end. Prints a Markdown table for the README."""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def queries() -> list[str]:
    found: list[str] = []
    for name, column in (("search_queries.csv", "query"), ("search_clinical_wordings.csv", "wording")):
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            found.extend(row[column] for row in csv.DictReader(handle))
    return found


def main() -> None:
    pin_one_core()
    from coding_assistant.config import Settings
    from coding_assistant.terminology import loader

    with tempfile.TemporaryDirectory() as cache:
        settings = Settings(cache_dir=Path(cache))
        start = time.perf_counter()
        loader.load(settings)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        loaded = loader.load(settings)
        warm = time.perf_counter() - start
    index = loaded.index
    texts = queries()
    for text in texts[:20]:  # warm the stem cache like a running service
        index.search(text, 10)
    latencies = []
    for text in texts:
        start = time.perf_counter()
        index.search(text, 10)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]

    loader.load(Settings())  # the command below reads the default cache: make sure it exists, as after set-up
    lines = (texts * (1000 // len(texts) + 1))[:1000]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    start = time.perf_counter()
    subprocess.run(
        [
            "taskset",
            "-c",
            "0",
            sys.executable,
            "-m",
            "coding_assistant",
            "terminology",
            "search",
            "--queries",
            handle.name,
            "--limit",
            "10",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    batch = time.perf_counter() - start
    os.unlink(handle.name)

    print(f"rows indexed: {len(index.codes)} codes, {len(index.wording_text)} wordings, {len(texts)} queries timed")
    print("| measure | value |")
    print("|---|---|")
    print(f"| start-up, first run (parse + build index + write cache) | {cold:.2f} s |")
    print(f"| start-up, cached (load + index) | {warm:.2f} s |")
    print(
        f"| query latency p50 / p95 / max (one core) | {statistics.median(latencies):.1f} / {p95:.1f} / "
        f"{latencies[-1]:.1f} ms |"
    )
    print(f"| `--queries` with 1,000 lines, whole command (one core) | {batch:.1f} s |")


if __name__ == "__main__":
    main()
