"""What Spark costs over the local engine, on the same stays and the same cores.

    .venv/bin/python bench/spark_overhead.py [N] [--model DIR] [--partitions P] [--words W]

Codes N synthetic stays (default 2,000) twice with each engine — the local engine with 2 worker processes,
then SparkEngine on local[2] — and prints one JSON object: stays/s of the first pass (worker start and
pipeline load included) and of the second pass (pipelines already loaded), the Spark session start, the
driver's JSON encoding of the stays and decoding of the proposals, and whether both engines gave identical
proposals. The pipeline is loaded once in this process first (its load time is what each worker pays at
start). The machine's load average is recorded too: other work on the same cores slows both engines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from coding_assistant.batch.engines import CodingEngine, LocalEngine
from coding_assistant.batch.spark_engine import SparkEngine, build_session
from coding_assistant.errors import CodingAssistantError
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Stay, StayProposals
from coding_assistant.synth import generate_stays

CORES = 2


def bench_stays(n: int, seed: int, words: int) -> list[Stay]:
    """N synthetic stays; with `words`, each gathers the letters of the next synthetic stays until it holds
    about that many words (real stays carry several letters, 1,000–2,000 words, where synthetic ones hold ~350)."""
    if not words:
        return list(generate_stays(n, seed=seed))
    donors = generate_stays(n * (words // 200 + 2), seed=seed)
    stays = []
    for i in range(n):
        first = next(donors)
        documents = list(first.documents)
        while sum(len(d.text.split()) for d in documents) < words:
            documents += next(donors).documents
        renamed = [d.model_copy(update={"doc_id": f"L{i}-{k}"}) for k, d in enumerate(documents)]
        stays.append(first.model_copy(update={"stay_id": f"L{i}", "documents": renamed}))
    return stays


def timed_pass(engine: CodingEngine, stays: list[Stay]) -> tuple[float, dict[str, str]]:
    """Seconds to get every result, and stay_id → proposals JSON (or the error)."""
    start = time.perf_counter()
    results = list(engine.code(stays))
    seconds = time.perf_counter() - start
    answers = {r.stay_id: r.proposals.model_dump_json() if r.proposals else f"error: {r.error}" for r in results}
    return seconds, answers


def engine_figures(first: float, second: float, n: int) -> dict[str, float]:
    return {
        "first_pass_s": round(first, 2),
        "first_pass_stays_per_s": round(n / first, 1),
        "second_pass_s": round(second, 2),
        "second_pass_stays_per_s": round(n / second, 1),
        "second_pass_stays_per_s_per_core": round(n / second / CORES, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stays", nargs="?", type=int, default=2000, help="synthetic stays to code (default 2000)")
    parser.add_argument("--model", type=Path, default=Path("data/models/default"), help="model folder")
    parser.add_argument("--partitions", type=int, default=None, help="Spark tasks (default: 2 per core)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--words", type=int, default=0, help="gather letters until each stay has ~this many words")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    # Load once here: a bad model folder fails now with one line, and the load time is what each worker pays.
    start = time.perf_counter()
    try:
        CodingPipeline.load(args.model)
    except CodingAssistantError as exc:
        sys.exit(f"error: {exc}")
    pipeline_load_s = time.perf_counter() - start

    stays = bench_stays(args.stays, args.seed, args.words)
    n = len(stays)
    words = sum(len(stay.text.split()) for stay in stays) / n

    start = time.perf_counter()
    encoded = [stay.model_copy(update={"codes": None}).model_dump_json() for stay in stays]
    encode_s = time.perf_counter() - start

    local = LocalEngine(args.model, jobs=CORES)
    local_first, local_answers = timed_pass(local, stays)
    local_second, _ = timed_pass(local, stays)
    local.close()

    start = time.perf_counter()
    session = build_session(f"local[{CORES}]")
    session_s = time.perf_counter() - start
    spark = SparkEngine(args.model, master=session, partitions=args.partitions)
    spark_first, spark_answers = timed_pass(spark, stays)
    spark_second, _ = timed_pass(spark, stays)
    spark.close()
    session.stop()

    start = time.perf_counter()
    for answer in spark_answers.values():
        if not answer.startswith("error: "):
            StayProposals.model_validate_json(answer)
    decode_s = time.perf_counter() - start

    differing = sorted(k for k in local_answers if local_answers[k] != spark_answers.get(k))
    errors = sum(answer.startswith("error: ") for answer in spark_answers.values())
    report = {
        "stays": n,
        "words_per_stay_mean": round(words),
        "stay_json_mb": round(sum(len(e) for e in encoded) / 1e6, 1),
        "model": str(args.model),
        "cores": CORES,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "local_jobs_2": engine_figures(local_first, local_second, n),
        "spark_local_2": {
            **engine_figures(spark_first, spark_second, n),
            "partitions": args.partitions or 2 * CORES,
        },
        "overhead": {
            "pipeline_load_in_this_process_s": round(pipeline_load_s, 2),
            "spark_session_start_s": round(session_s, 2),
            "driver_encode_stays_s": round(encode_s, 2),
            "driver_decode_proposals_s": round(decode_s, 2),
            "spark_minus_local_first_pass_s": round(spark_first - local_first, 2),
            "spark_minus_local_second_pass_s": round(spark_second - local_second, 2),
            "spark_minus_local_ms_per_stay_second_pass": round((spark_second - local_second) / n * 1000, 2),
        },
        "identical_proposals": not differing and len(spark_answers) == n,
        "differing_stays": len(differing),
        "spark_errors": errors,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
