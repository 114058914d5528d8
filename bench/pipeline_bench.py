"""`predict` speed on 1,500-word stays (2 cores) and its start-up, on the default model.

Stays are built from synthetic letters: each gets documents until it holds about 1,500 words. The whole
command is timed with --jobs 1 and --jobs 2; start-up is the time of the same command on one stay, and
"once started" divides the stays by the command's time less that start-up (workers start in parallel).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coding_assistant.schema import Document, Stay, write_jsonl
from coding_assistant.synth import generate_stays


def long_stays(n: int, words: int = 1500) -> list[Stay]:
    source = iter(generate_stays(n * 6, seed=21))
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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    stays = long_stays(n)
    mean_words = sum(len(s.text.split()) for s in stays) / len(stays)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "stays.jsonl"
        write_jsonl(source, stays)
        one = Path(folder) / "one.jsonl"
        write_jsonl(one, stays[:1])
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "coding_assistant", "predict", str(one), "--output", str(one) + ".out"],
            check=True,
            capture_output=True,
        )
        startup = time.perf_counter() - start
        print(f"{n} stays, {mean_words:.0f} words each on average")
        print("| measure | value |")
        print("|---|---|")
        print(f"| start-up: load the pipeline and code one stay (whole command) | {startup:.1f} s |")
        for jobs in (1, 2):
            out = Path(folder) / f"out{jobs}.jsonl"
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "coding_assistant",
                    "predict",
                    str(source),
                    "--output",
                    str(out),
                    "--jobs",
                    str(jobs),
                ],
                check=True,
                capture_output=True,
            )
            seconds = time.perf_counter() - start
            steady = n / max(seconds - startup, 1e-9)
            print(
                f"| `predict --jobs {jobs}` | {n / seconds:.1f} stays/s for the whole command ({seconds:.1f} s); "
                f"{steady:.1f} stays/s once started |"
            )


if __name__ == "__main__":
    main()
