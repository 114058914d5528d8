"""`predict` speed on 1,500-word stays (2 cores) and its start-up, on the default model.

    python bench/pipeline_bench.py [N=200] [--engines rules,edsnlp] [--repeats 1] [--jobs 1,2] [--model DIR]

Stays are built from synthetic letters: each gets documents until it holds about 1,500 words. The whole
command is timed with each --jobs value; start-up is the time of the same command on one stay, and "once
started" divides the stays by the command's time less that start-up (workers start in parallel).

Each qualifier engine (`CODING_ASSISTANT_QUALIFIER_ENGINE`) is measured in turn, and the engines alternate
within each repeat, so that they share the machine's conditions; the load average is printed before and
after, since the figures mean little on a busy machine. Medians over the repeats, every run listed, and
the fastest run (the least disturbed) and the CPU time, which other work changes less than the wall clock.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from coding_assistant.schema import Document, Stay, write_jsonl
from coding_assistant.synth import generate_stays


def long_stays(n: int, words: int = 1500) -> list[Stay]:
    # Short ambulatory letters are part of the corpus: draw donors until each stay has its words.
    source = itertools.cycle(generate_stays(n * 10, seed=21))
    stays = []
    for i in range(n):
        documents: list[Document] = []
        first = next(source)
        total = 0
        donor = first
        while total < words:
            for document in donor.documents:
                documents.append(Document(doc_id=f"B{i}-{len(documents)}", type=document.type, text=document.text))
                total += len(document.text.split())
            donor = next(source)
        stays.append(first.model_copy(update={"stay_id": f"B{i}", "documents": documents, "codes": None}))
    return stays


@dataclass(frozen=True, slots=True)
class Run:
    wall: float  # seconds, whole command
    cpu: float  # user + system seconds of the command and its workers


def timed_predict(source: Path, output: Path, jobs: int, engine: str, model: Path | None) -> Run:
    environment = {**os.environ, "CODING_ASSISTANT_QUALIFIER_ENGINE": engine}
    command = [sys.executable, "-m", "coding_assistant", "predict", str(source), "--output", str(output)]
    if model is not None:
        command += ["--model", str(model)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*command, "--jobs", str(jobs)], check=True, capture_output=True, env=environment)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run(wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=200, help="stays")
    parser.add_argument("--engines", default="rules,edsnlp", help="qualifier engines, comma-separated")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--jobs", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--model", type=Path, help="model folder (default: the data directory's default model)")
    args = parser.parse_args()
    engines = args.engines.split(",")
    job_counts = [int(j) for j in args.jobs.split(",")]

    stays = long_stays(args.n)
    mean_words = sum(len(s.text.split()) for s in stays) / len(stays)
    startups: dict[str, list[Run]] = {engine: [] for engine in engines}
    wholes: dict[tuple[str, int], list[Run]] = {(engine, jobs): [] for engine in engines for jobs in job_counts}
    print(f"{args.n} stays, {mean_words:.0f} words each on average; {os.cpu_count()} CPUs")
    print(f"load average (1 / 5 / 15 min) before: {load_average()}")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "stays.jsonl"
        write_jsonl(source, stays)
        one = Path(folder) / "one.jsonl"
        write_jsonl(one, stays[:1])
        for _ in range(args.repeats):
            for engine in engines:
                startups[engine].append(timed_predict(one, Path(folder) / "one.out", 1, engine, args.model))
                for jobs in job_counts:
                    output = Path(folder) / "out.jsonl"
                    wholes[engine, jobs].append(timed_predict(source, output, jobs, engine, args.model))
    print(f"load average (1 / 5 / 15 min) after: {load_average()}\n")

    # Wall-clock figures are what a user sees; CPU seconds per stay (start-up removed) hold up better when
    # other work shares the machine.
    print("| engine | measure | value (median) | runs |")
    print("|---|---|---|---|")
    for engine in engines:
        startup = statistics.median(r.wall for r in startups[engine])
        runs = ", ".join(f"{r.wall:.1f} s (CPU {r.cpu:.1f} s)" for r in startups[engine])
        print(f"| {engine} | start-up: load and code one stay (whole command) | {startup:.1f} s | {runs} |")
        startup_cpu = statistics.median(r.cpu for r in startups[engine])
        for jobs in job_counts:
            done = wholes[engine, jobs]
            seconds = statistics.median(r.wall for r in done)
            pairs = zip(done, startups[engine], strict=True)
            steady = statistics.median(args.n / max(r.wall - s.wall, 1e-9) for r, s in pairs)
            # The fastest run is the one least disturbed by other work on the machine.
            best = args.n / max(min(r.wall for r in done) - min(s.wall for s in startups[engine]), 1e-9)
            cpu_ms = statistics.median(1000 * (r.cpu - jobs * startup_cpu) / args.n for r in done)
            runs = ", ".join(f"{r.wall:.1f} s (CPU {r.cpu:.1f} s)" for r in done)
            print(
                f"| {engine} | `predict --jobs {jobs}` | {args.n / seconds:.1f} stays/s for the whole command "
                f"({seconds:.1f} s); {steady:.1f} stays/s once started (fastest run: {best:.1f}); "
                f"{cpu_ms:.0f} CPU ms a stay | {runs} |"
            )


if __name__ == "__main__":
    main()
