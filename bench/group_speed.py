"""Speed of the grouping preview (`coding-assistant group`'s work): stays grouped per second.

    nice python bench/group_speed.py [--stays 20000] [--workers 1] [--seed 7]

Synthetic stays built from the shipped lists: a DP from a CMD tree's medical lists, 0–6 DAS (half of them
CMAs), 0–3 acts from the act lists, 0–20 nights, ages 0–99. Each stay is grouped and its JSON line written
to memory, as the command does. Table loading is timed apart. Target: ≥ 5,000 stays/s on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import time
from concurrent.futures import ProcessPoolExecutor

from coding_assistant.groupage import Act, StayFacts, default_grouper


def synthetic_stays(count: int, seed: int) -> list[StayFacts]:
    grouper = default_grouper()
    rng = random.Random(seed)
    dps = sorted(c for c, lists in grouper.lists.diagnosis.items() if any(re.match(r"^D-\d{4}$", n) for n in lists))
    cmas = sorted(grouper.cma.entries)
    others = sorted(grouper.lists.diagnosis)
    acts = sorted(grouper.lists.acts)
    stays = []
    for number in range(count):
        das = tuple(rng.choice(cmas if rng.random() < 0.5 else others) for _ in range(rng.randint(0, 6)))
        stays.append(
            StayFacts(
                stay_id=f"b{number}",
                dp=rng.choice(dps),
                das=das,
                acts=tuple(Act(rng.choice(acts)) for _ in range(rng.choice((0, 0, 1, 2, 3)))),
                length_of_stay=rng.randint(0, 20),
                age=rng.randint(0, 99),
                sex=rng.choice("MF"),
                exit_mode=rng.choice(("8", "8", "8", "7", "9")),
            )
        )
    return stays


def group_chunk(stays: list[StayFacts]) -> int:
    grouper = default_grouper()
    out = io.StringIO()
    for stay in stays:
        out.write(json.dumps(grouper.group(stay).as_dict(), ensure_ascii=False) + "\n")
    return len(stays)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stays", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    default_grouper()
    load = time.perf_counter() - start
    warm_up = synthetic_stays(2_000, args.seed + 1)  # other stays: the lists' compiled forms, not the answers
    stays = synthetic_stays(args.stays, args.seed)
    if args.workers <= 1:
        group_chunk(warm_up)
        start, cpu = time.perf_counter(), time.process_time()
        done = group_chunk(stays)
        cpu = time.process_time() - cpu
    else:
        size = -(-len(stays) // (args.workers * 4))
        chunks = [stays[i : i + size] for i in range(0, len(stays), size)]
        with ProcessPoolExecutor(args.workers) as pool:
            list(pool.map(group_chunk, [warm_up] * args.workers))  # tables loaded in each worker first
            start, cpu = time.perf_counter(), float("nan")
            done = sum(pool.map(group_chunk, chunks))
    elapsed = time.perf_counter() - start
    print(f"tables loaded in {load:.2f} s")
    print(f"{done} stays in {elapsed:.2f} s: {done / elapsed:,.0f} stays/s ({args.workers} worker(s))")
    if cpu == cpu:  # not NaN: one process, its CPU time says what a quiet core would do
        print(f"CPU time {cpu:.2f} s: {done / cpu:,.0f} stays/s per busy core")


if __name__ == "__main__":
    main()
