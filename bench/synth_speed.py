"""Speed and shape of the synthetic corpus: stays/s, seconds for N stays (terminology loading included),
distinct codes, mean words per stay, the share of stays with at least one distractor, and the hospital
house style: its share, its short letters, symptom DPs and the status codes of antecedents; the operative
reports: the share of stays with one, their distinct CCAM codes, the acts written as not done or planned.

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
    words = with_distractor = documents = hospital = short = symptom = 0
    full_words: list[int] = []
    kinds: Counter[str] = Counter()
    acts: Counter[str] = Counter()
    reports = unperformed = 0
    for synthetic in generate_synthetic(n, seed, context):
        stay = synthetic.stay
        codes.update(stay.codes.all_codes())
        words += len(stay.text.split())
        documents += len(stay.documents)
        with_distractor += bool(synthetic.distractors)
        kinds.update(d.kind for d in synthetic.distractors)
        hospital += synthetic.style == "hospital"
        short += synthetic.short
        symptom += stay.codes.dp.startswith("R")
        acts.update(stay.codes.act_codes())
        reports += synthetic.report_doc_id is not None
        unperformed += len(synthetic.unperformed_acts)
        if not synthetic.short:
            full_words.append(len(stay.text.split()))
    end = time.perf_counter()
    total = end - start
    print(f"| stays | {n} |")
    print(f"| seconds (terminology load included) | {total:.1f} |")
    print(f"| terminology load, seconds | {loaded - start:.1f} |")
    print(f"| stays/s (generation only) | {n / max(end - loaded, 1e-9):.0f} |")
    print(f"| distinct codes | {len(codes)} |")
    print(f"| codes seen once | {sum(1 for c in codes.values() if c == 1)} |")
    print(f"| mean words per stay | {words / max(n, 1):.0f} |")
    if full_words:
        print(
            f"| words per full letter, min / mean / max | {min(full_words)} / {sum(full_words) / len(full_words):.0f}"
            f" / {max(full_words)} |"
        )
    print(f"| hospital-style stays | {hospital / max(n, 1):.1%} |")
    print(f"| short letters (3-6 lines) | {short / max(n, 1):.1%} |")
    print(f"| symptom DP (R00-R99) | {symptom / max(n, 1):.1%} |")
    status = ("Z6", "Z74", "Z85", "Z9", "F17", "F10", "Z72")
    print(
        f"| status codes of antecedents (Z60, Z74, Z85, Z90-Z99, F10, F17, Z72) | "
        f"{sum(v for c, v in codes.items() if c.startswith(status))} |"
    )
    print(f"| mean documents per stay | {documents / max(n, 1):.2f} |")
    print(f"| stays with >= 1 distractor | {with_distractor / max(n, 1):.1%} |")
    print(f"| stays with an operative report | {reports / max(n, 1):.1%} |")
    print(f"| distinct CCAM codes (gold acts) | {len(acts)} |")
    print(f"| acts written as not done or planned (never gold) | {unperformed} |")
    print(f"| distractors by kind | {', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))} |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
