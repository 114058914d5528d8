"""Speed and shape of the synthetic corpus: stays/s, seconds for N stays (terminology loading included),
distinct codes, mean words per stay and the share of stays with at least one distractor.

    python bench/synth_speed.py [N] [SEED]
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from coding_assistant.synth.generator import build_context, generate_synthetic


def main(n: int = 10_000, seed: int = 42) -> None:
    start = time.perf_counter()
    context = build_context()  # loads the terminology: part of the measured time on purpose
    loaded = time.perf_counter()
    codes: Counter[str] = Counter()
    words = with_distractor = documents = 0
    kinds: Counter[str] = Counter()
    for synthetic in generate_synthetic(n, seed, context):
        stay = synthetic.stay
        codes.update(stay.codes.all_codes())
        words += len(stay.text.split())
        documents += len(stay.documents)
        with_distractor += bool(synthetic.distractors)
        kinds.update(d.kind for d in synthetic.distractors)
    end = time.perf_counter()
    total = end - start
    print(f"| stays | {n} |")
    print(f"| seconds (terminology load included) | {total:.1f} |")
    print(f"| terminology load, seconds | {loaded - start:.1f} |")
    print(f"| stays/s (generation only) | {n / max(end - loaded, 1e-9):.0f} |")
    print(f"| distinct codes | {len(codes)} |")
    print(f"| codes seen once | {sum(1 for c in codes.values() if c == 1)} |")
    print(f"| mean words per stay | {words / max(n, 1):.0f} |")
    print(f"| mean documents per stay | {documents / max(n, 1):.2f} |")
    print(f"| stays with >= 1 distractor | {with_distractor / max(n, 1):.1%} |")
    print(f"| distractors by kind | {', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))} |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
