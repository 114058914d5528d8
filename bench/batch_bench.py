"""Nightly batch throughput on this machine: N synthetic stays (default 10,000) into a fresh SQLite store.

Runs the real command three times, as cron would:
1. the first night: every stay is new and coded (`--jobs`, default 2);
2. the next night, nothing changed: every stay is skipped (what change detection costs);
3. a night where 5 % of the stays changed: only those are recoded.
Prints a Markdown table and writes the three reports (JSON) next to the store. Use an idle machine.

    .venv/bin/python bench/batch_bench.py [N] [--jobs J] [--model DIR] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coding_assistant.schema import Document, write_jsonl
from coding_assistant.synth import generate_stays


def run_batch(folder: Path, source: Path, jobs: int, model: str | None, name: str) -> tuple[float, dict]:
    report = folder / f"report-{name}.json"
    command = [
        sys.executable,
        "-m",
        "coding_assistant",
        "batch",
        "--source",
        str(source),
        "--db",
        f"sqlite:///{folder / 'store.db'}",
        "--jobs",
        str(jobs),
        "--report",
        str(report),
    ]
    if model:
        command += ["--model", model]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ})
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"batch failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return seconds, json.loads(report.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the store and reports in")
    args = parser.parse_args()

    stays = [s.model_copy(update={"codes": None}) for s in generate_stays(args.n, seed=2026)]
    words = sum(len(s.text.split()) for s in stays) / len(stays)
    holder = None if args.keep else tempfile.TemporaryDirectory()
    folder = args.keep or Path(holder.name)  # type: ignore[union-attr]
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "stays.jsonl"
    write_jsonl(source, stays)

    rows = []
    seconds, report = run_batch(folder, source, args.jobs, args.model, "1-new")
    rows.append(("all new", seconds, report))
    seconds, report = run_batch(folder, source, args.jobs, args.model, "2-unchanged")
    rows.append(("unchanged", seconds, report))
    changed = len(stays) // 20
    for stay in stays[:changed]:
        stay.documents.append(Document(doc_id=f"{stay.stay_id}-add", type="CRH", text="Courrier complémentaire."))
    write_jsonl(source, stays)
    seconds, report = run_batch(folder, source, args.jobs, args.model, "3-five-percent")
    rows.append(("5 % changed", seconds, report))

    print(f"{args.n} synthetic stays, {words:.0f} words on average, --jobs {args.jobs}, {os.cpu_count()} cores")
    print("| night | coded | skipped | failed | whole command | coding | stays/s (coding) |")
    print("|---|---|---|---|---|---|---|")
    for name, seconds, report in rows:
        rate = report["stays_per_second"]
        print(
            f"| {name} | {report['coded']} | {report['skipped']} | {report['failed']} | {seconds:.1f} s | "
            f"{report['coding_seconds']:.1f} s | {rate if rate is not None else '—'} |"
        )
    print(f"overall, first night: {rows[0][2]['coded'] / rows[0][1]:.1f} stays/s for the whole command")
    if holder is not None:
        holder.cleanup()


if __name__ == "__main__":
    main()
