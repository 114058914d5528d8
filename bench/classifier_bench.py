"""Classifier benchmarks for the README (2,000-word documents; run them on an otherwise idle machine).

speed     onnxruntime vs scikit-learn throughput, one-document latency and model size, for a TF-IDF graph
          with 2,000 and 5,000 labels. Features are fitted on synthetic letters; the linear layer has the
          trained model's shape (labels × kept weights) with random values: speed and size depend on
          shapes, not on what the weights learned. `--threads` sets the predictor's threads (default 2).
profile   where one document's time goes, on one core: normal form (Python), word features, character
          features, linear layer (each graph stage run alone), for 2,000 labels.
pruning   quality cost of keeping only the strongest weights per label (of its candidate features), on a
          real trained model (held-out split of the synthetic corpus and the hand-written dev set).
training  wall and CPU time of `fit_tfidf` on N stays (default 50,000) with at least L labels (default
          2,000), by stage.

Every part prints the load average before and after: figures taken under load are not comparable.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from coding_assistant.classifier.export import OUTPUT
from coding_assistant.classifier.export_text import CHAR_FEATURES, WORD_FEATURES
from coding_assistant.classifier.features import FeatureSettings, TextFeatures, fit_text_features
from coding_assistant.classifier.linear import SparseLinear
from coding_assistant.classifier.tfidf_inputs import CHARS_INPUT, TEXT_INPUT, graph_feeds, normal_form
from coding_assistant.classifier.train import TrainSettings
from coding_assistant.synth import generate_stays

DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev"


def load_average() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


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


def random_linear(features: TextFeatures, labels: int, kept: int, seed: int = 0) -> SparseLinear:
    rng = np.random.default_rng(seed)
    return SparseLinear(
        indices=rng.integers(0, features.n_features, size=(labels, kept)),
        weights=rng.normal(0, 0.5, size=(labels, kept)).astype(np.float32),
        bias=rng.normal(-3, 1, size=labels).astype(np.float32),
        n_features=features.n_features,
    )


def bench_features(docs: list[str]) -> TextFeatures:
    features, _ = fit_text_features([normal_form(t) for t in docs], FeatureSettings())
    return features


def write_random_bundle(folder: Path, features: TextFeatures, linear: SparseLinear) -> int:
    from coding_assistant.classifier.bundle import write_bundle
    from coding_assistant.classifier.export import build_model

    model = build_model(features, linear).SerializeToString()
    labels = linear.indices.shape[0]
    names = [f"L{i}" for i in range(labels)]
    card = {"name": "bench", "inputs": features.window.as_card()}
    write_bundle(folder, model, names, ["code"] * labels, np.full(labels, 0.5), card)
    return len(model)


def bench_speed(labels_list: list[int], kept: int, threads: int, repeats: int) -> None:
    from coding_assistant.classifier.predictor import load_predictor

    docs = long_documents(600)
    features = bench_features(docs[:300])
    test = docs[300:]
    print(
        f"documents: {len(test)} × {len(test[0].split())} words; features: {features.n_features}; "
        f"kept weights: {kept}; predictor threads: {threads}; cpus: {os.cpu_count()}; {load_average()}"
    )
    print("| labels | onnxruntime docs/s | scikit-learn docs/s | one-doc latency p50 / p95 | model.onnx |")
    print("|---|---|---|---|---|")
    for labels in labels_list:
        linear = random_linear(features, labels, kept)
        with tempfile.TemporaryDirectory() as folder:
            size = write_random_bundle(Path(folder), features, linear) / 1e6
            predictor = load_predictor(Path(folder), threads=threads)
            predictor.predict_scores(test[:32])
            for _ in range(repeats):
                start = time.perf_counter()
                onnx_scores = predictor.predict_scores(test)
                onnx_rate = len(test) / (time.perf_counter() - start)
                start = time.perf_counter()
                reference = linear.scores(features.transform([normal_form(t) for t in test]))
                sklearn_rate = len(test) / (time.perf_counter() - start)
                latencies = []
                for text in test[:100]:
                    start = time.perf_counter()
                    predictor.predict_scores([text])
                    latencies.append((time.perf_counter() - start) * 1000)
                latencies.sort()
                drift = float(np.max(np.abs(onnx_scores - reference)))
                print(
                    f"| {labels:,} | {onnx_rate:.0f} | {sklearn_rate:.0f} | {statistics.median(latencies):.1f} / "
                    f"{latencies[int(0.95 * (len(latencies) - 1))]:.1f} ms | {size:.1f} MB (max |Δ| {drift:.1e}) |",
                    flush=True,
                )
    print(load_average())


def _stage_session(model_file: Path, inputs: list[str], output: str) -> Callable[[dict[str, np.ndarray]], object]:
    """A one-thread session for only the nodes of the graph that `output` depends on."""
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(model_file))
    graph = model.graph
    needed, kept = {output}, []
    for node in reversed(graph.node):
        if needed & set(node.output):
            kept.append(node)
            needed.update(node.input)
            for branch in (a.g for a in node.attribute if a.type == onnx.AttributeProto.GRAPH):
                needed.update(name for inner in branch.node for name in inner.input)  # outer names an If reads
    del graph.node[:]
    graph.node.extend(reversed(kept))
    initializers = [i for i in graph.initializer if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    graph_inputs = [i for i in graph.input if i.name in inputs]
    del graph.input[:]
    graph.input.extend(graph_inputs)
    del graph.output[:]
    graph.output.extend([onnx.helper.make_tensor_value_info(output, onnx.TensorProto.FLOAT, None)])
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return lambda feeds: session.run(None, {name: feeds[name] for name in inputs})


def bench_profile(labels: int, kept: int, batch: int) -> None:
    """CPU time per document of each stage, one thread, best of 3 (CPU time is less disturbed by other
    processes than wall time)."""
    docs = long_documents(460)
    features = bench_features(docs[:300])
    test = docs[300:]
    normal = [normal_form(t) for t in test]

    def cpu_ms(run: Callable[[list[str]], object], texts: list) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            for i in range(0, len(texts), batch):
                run(texts[i : i + batch])
            best = min(best, time.process_time() - start)
        return best / len(texts) * 1000

    with tempfile.TemporaryDirectory() as folder:
        write_random_bundle(Path(folder), features, random_linear(features, labels, kept))
        model_file = Path(folder) / "model.onnx"
        words = _stage_session(model_file, [TEXT_INPUT], WORD_FEATURES)
        chars = _stage_session(model_file, [CHARS_INPUT], CHAR_FEATURES)
        both = _stage_session(model_file, [TEXT_INPUT, CHARS_INPUT], "features")
        scores = _stage_session(model_file, [TEXT_INPUT, CHARS_INPUT], OUTPUT)
        feeds = [graph_feeds(normal[i : i + batch], features.window) for i in range(0, len(normal), batch)]

        def graph_ms(run: Callable[[dict[str, np.ndarray]], object]) -> float:
            best = float("inf")
            for _ in range(3):
                start = time.process_time()
                for feed in feeds:
                    run(feed)
                best = min(best, time.process_time() - start)
            return best / len(normal) * 1000

        rows = {
            "normal form (Python)": cpu_ms(lambda texts: [normal_form(t) for t in texts], test),
            "character window (Python)": cpu_ms(lambda texts: [features.window.apply(t) for t in texts], normal),
            "word features (graph)": graph_ms(words),
            "character features (graph)": graph_ms(chars),
            "both feature sets (graph)": graph_ms(both),
            "whole graph": graph_ms(scores),
        }
    print(
        f"{len(test)} documents × 2,000 words, batches of {batch}, {labels:,} labels × {kept} weights, one thread, "
        f"{load_average()}"
    )
    print("| stage | CPU ms per document |")
    print("|---|---|")
    for name, value in rows.items():
        print(f"| {name} | {value:.2f} |")
    print(f"| linear layer (whole graph − features) | {rows['whole graph'] - rows['both feature sets (graph)']:.2f} |")


def bench_pruning(n_stays: int, kept_list: list[int]) -> None:
    from coding_assistant.classifier.proposals import model_only_proposals
    from coding_assistant.classifier.train import fit_tfidf, headline_metrics
    from coding_assistant.schema import ModelInfo, read_stays

    stays = list(generate_stays(n_stays, 7))
    dev = [s for p in sorted(DEV.glob("*.jsonl")) for s in read_stays(p)]
    print(f"{n_stays} synthetic stays; figures: micro-F1 / Recall@10 at 3 characters; {load_average()}")
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
        label = f"{kept:,} (all candidates)" if kept >= TrainSettings().candidate_features else f"{kept:,}"
        print(f"| {label} | " + " | ".join(f"{v:.3f}" for v in row) + " |")


def bench_training(n_stays: int, labels: int, jobs: int) -> None:
    from coding_assistant.classifier.labels import choose_labels
    from coding_assistant.classifier.train import fit_tfidf, split_of

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")  # the fit's stages as they end

    print(f"cpus: {os.cpu_count()}; {load_average()}", flush=True)
    start = time.perf_counter()
    stays = list(generate_stays(n_stays, 5))
    synth_seconds = time.perf_counter() - start
    # The largest min_count that still gives at least `labels` labels (codes + categories + DP categories),
    # counted on the training split as fit_tfidf counts them.
    train = [s for s in stays if split_of(s.stay_id, TrainSettings()) == "train"]
    min_count = 2
    while len(choose_labels(train, min_count + 1)) >= labels:
        min_count += 1
    settings = TrainSettings(min_count=min_count, n_jobs=jobs)
    print(f"{n_stays:,} stays generated in {synth_seconds:.0f} s; min_count {min_count}; {load_average()}", flush=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    fitted = fit_tfidf(stays, settings)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    stages = ", ".join(f"{stage} {value:.0f} s" for stage, value in fitted.stage_seconds.items())
    # CPU seconds (all threads) tell how much work the fit was when other processes share the machine.
    print(f"| stays | labels | fit, wall ({jobs} threads) | fit, CPU | stages (wall) |")
    print("|---|---|---|---|---|")
    print(f"| {n_stays:,} | {len(fitted.labels):,} | {seconds:.0f} s | {cpu_seconds:.0f} s | {stages} |")
    print(load_average())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["speed", "profile", "pruning", "training"])
    parser.add_argument("--stays", type=int, default=None)
    parser.add_argument("--labels", type=int, default=2000)
    parser.add_argument("--kept", type=int, default=TrainSettings().kept_weights, help="weights kept per label")
    parser.add_argument("--threads", type=int, default=2, help="predictor threads (speed), fitting threads (training)")
    parser.add_argument("--repeats", type=int, default=1, help="speed: measure each model this many times")
    parser.add_argument("--batch", type=int, default=16, help="profile: documents per graph call")
    args = parser.parse_args()
    if args.part == "speed":
        bench_speed([2000, 5000], kept=args.kept, threads=args.threads, repeats=args.repeats)
    elif args.part == "profile":
        bench_profile(args.labels, args.kept, args.batch)
    elif args.part == "pruning":
        bench_pruning(args.stays or 2000, [TrainSettings().candidate_features, 400, 200, 150])
    else:
        bench_training(args.stays or 50_000, args.labels, args.threads)


if __name__ == "__main__":
    main()
