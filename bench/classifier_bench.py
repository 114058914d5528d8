"""Classifier benchmarks for the README (2 cores, 2,000-word documents).

speed     onnxruntime vs scikit-learn throughput, one-document latency and model size, for a TF-IDF graph
          with 2,000 and 5,000 labels. Features are fitted on synthetic letters; the linear layer has the
          trained model's shape (labels × kept weights) with random values: speed and size depend on
          shapes, not on what the weights learned.
pruning   quality cost of keeping only the strongest weights per label, on a real trained model
          (held-out split of the synthetic corpus and the hand-written dev set).
training  wall time of `fit_tfidf` on N stays (default 50,000) with about L labels (default 2,000).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from coding_assistant.classifier.features import FeatureSettings, fit_vectorizers, transform
from coding_assistant.classifier.linear import SparseLinear
from coding_assistant.classifier.predictor import prepare_text
from coding_assistant.synth import generate_stays

DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev"


def long_documents(n: int, words: int = 2000, seed: int = 3) -> list[str]:
    """Synthetic stays concatenated until each document has `words` words."""
    stays = [s.text for s in generate_stays(n * 8, seed)]
    docs, current = [], []
    for text in stays:
        current.extend(text.split())
        if len(current) >= words:
            docs.append(" ".join(current[:words]))
            current = []
        if len(docs) == n:
            break
    return docs


def bench_speed(labels_list: list[int], kept: int) -> None:
    import onnxruntime  # noqa: F401 - fail early if absent

    from coding_assistant.classifier.bundle import write_bundle
    from coding_assistant.classifier.export import build_model
    from coding_assistant.classifier.predictor import load_predictor

    docs = long_documents(600)
    train_texts = [prepare_text(t) for t in docs[:300]]
    vectorizers = fit_vectorizers(train_texts, FeatureSettings())
    n_features = len(vectorizers[0].vocabulary_) + len(vectorizers[1].vocabulary_)
    test = docs[300:]
    rng = np.random.default_rng(0)
    print(f"documents: {len(test)} × {len(test[0].split())} words; features: {n_features}; kept weights: {kept}")
    print("| labels | onnxruntime docs/s | scikit-learn docs/s | one-doc latency p50 / p95 | model.onnx |")
    print("|---|---|---|---|---|")
    for labels in labels_list:
        linear = SparseLinear(
            indices=rng.integers(0, n_features, size=(labels, kept)),
            weights=rng.normal(0, 0.5, size=(labels, kept)).astype(np.float32),
            bias=rng.normal(-3, 1, size=labels).astype(np.float32),
            n_features=n_features,
        )
        with tempfile.TemporaryDirectory() as folder:
            model = build_model(vectorizers, linear).SerializeToString()
            names = [f"L{i}" for i in range(labels)]
            write_bundle(Path(folder), model, names, ["code"] * labels, np.full(labels, 0.5), {"name": "bench"})
            predictor = load_predictor(Path(folder), threads=2)
            predictor.predict_scores(test[:16])
            start = time.perf_counter()
            onnx_scores = predictor.predict_scores(test)
            onnx_rate = len(test) / (time.perf_counter() - start)
            start = time.perf_counter()
            reference = linear.scores(transform(vectorizers, [prepare_text(t) for t in test]))
            sklearn_rate = len(test) / (time.perf_counter() - start)
            latencies = []
            for text in test[:100]:
                start = time.perf_counter()
                predictor.predict_scores([text])
                latencies.append((time.perf_counter() - start) * 1000)
            latencies.sort()
            size = len(model) / 1e6
            drift = float(np.max(np.abs(onnx_scores - reference)))
        print(
            f"| {labels:,} | {onnx_rate:.0f} | {sklearn_rate:.0f} | {statistics.median(latencies):.1f} / "
            f"{latencies[int(0.95 * (len(latencies) - 1))]:.1f} ms | {size:.1f} MB (max |Δ| {drift:.1e}) |"
        )


def bench_pruning(n_stays: int, kept_list: list[int]) -> None:
    from coding_assistant.classifier.proposals import model_only_proposals
    from coding_assistant.classifier.train import TrainSettings, fit_tfidf, headline_metrics
    from coding_assistant.schema import ModelInfo, read_stays

    stays = list(generate_stays(n_stays, 7))
    dev = [s for p in sorted(DEV.glob("*.jsonl")) for s in read_stays(p)]
    print(f"{n_stays} synthetic stays; figures: micro-F1 / Recall@10 at 3 characters")
    print("| weights kept per label | held-out F1 | held-out R@10 | dev F1 | dev R@10 |")
    print("|---|---|---|---|---|")
    for kept in kept_list:
        fitted = fit_tfidf(stays, TrainSettings(kept_weights=kept))
        row = []
        for items in (fitted.parts["test"], dev):
            scores = fitted.scores([s.text for s in items])
            info = ModelInfo(name="bench", version=str(kept))
            predictions = model_only_proposals(
                [s.stay_id for s in items], scores, fitted.labels.labels, fitted.labels.levels, fitted.thresholds, info
            )
            m = headline_metrics(items, predictions)
            row += [m["micro_f1_3char"], m["recall_at_10_3char"]]
        label = "all" if kept >= 10**6 else f"{kept:,}"
        print(f"| {label} | " + " | ".join(f"{v:.3f}" for v in row) + " |")


def bench_training(n_stays: int, labels: int) -> None:
    from coding_assistant.classifier.labels import choose_labels
    from coding_assistant.classifier.train import TrainSettings, fit_tfidf

    start = time.perf_counter()
    stays = list(generate_stays(n_stays, 5))
    synth_seconds = time.perf_counter() - start
    # The smallest min_count that yields at most `labels` labels (codes + categories + DP categories).
    min_count = 2
    while len(choose_labels(stays, min_count)) > labels:
        min_count += 1
    settings = TrainSettings(min_count=min_count, n_jobs=os.cpu_count() or 2)
    start = time.perf_counter()
    fitted = fit_tfidf(stays, settings)
    seconds = time.perf_counter() - start
    print(f"| stays | labels | min_count | generate | fit (features, {settings.n_jobs} workers, calibration) |")
    print("|---|---|---|---|---|")
    print(f"| {n_stays:,} | {len(fitted.labels):,} | {min_count} | {synth_seconds:.0f} s | {seconds:.0f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["speed", "pruning", "training"])
    parser.add_argument("--stays", type=int, default=None)
    parser.add_argument("--labels", type=int, default=2000)
    args = parser.parse_args()
    if args.part == "speed":
        bench_speed([2000, 5000], kept=400)
    elif args.part == "pruning":
        bench_pruning(args.stays or 2000, [10**7, 400, 150])
    else:
        bench_training(args.stays or 50_000, args.labels)


if __name__ == "__main__":
    main()
