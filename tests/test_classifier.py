"""TF-IDF classifier: training, ONNX parity with scikit-learn, prediction without the training stack."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from coding_assistant.classifier import load_predictor, read_bundle
from coding_assistant.classifier.bundle import ModelBundleError
from coding_assistant.classifier.features import FeatureSettings
from coding_assistant.classifier.labels import CATEGORY, CODE, DP_CATEGORY
from coding_assistant.classifier.train import TrainSettings, export_tfidf, fit_tfidf
from coding_assistant.schema import read_stays
from coding_assistant.synth import generate_stays

DEV = Path(__file__).parent / "data" / "dev"
SETTINGS = TrainSettings(
    min_count=4, kept_weights=200, n_jobs=2, features=FeatureSettings(word_max_features=20_000, char_max_features=8_000)
)


@pytest.fixture(scope="module")
def corpus():
    return list(generate_stays(500, seed=11))


@pytest.fixture(scope="module")
def fitted(corpus):
    return fit_tfidf(corpus, SETTINGS)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, fitted):
    folder = tmp_path_factory.mktemp("model") / "small"
    bundle = export_tfidf(fitted, folder, "small", SETTINGS)
    return folder, bundle


def accented_texts(fitted, n=200):
    dev = [s.text for path in sorted(DEV.glob("*.jsonl")) for s in read_stays(path)]
    held_out = [s.text for s in fitted.parts["test"]]
    texts = (dev + held_out)[:n]
    assert sum("é" in t or "è" in t or "à" in t for t in texts) >= 0.9 * len(texts)
    return texts


def test_bundle_files_and_card(trained):
    folder, bundle = trained
    assert {p.name for p in folder.iterdir()} >= {"model.onnx", "labels.json", "thresholds.json", "card.json"}
    card = json.loads((folder / "card.json").read_text())
    assert card["backend"] == "tfidf" and card["name"] == "small"
    assert card["training_data"]["train"] > card["training_data"]["test"] > 0
    assert {"scikit-learn", "onnxruntime", "skl2onnx"} <= set(card["libraries"])
    assert "held_out_test" in card["metrics"] and card["terminology"]
    assert set(bundle.levels) == {CODE, CATEGORY, DP_CATEGORY}
    assert len(bundle.thresholds) == len(bundle.labels)
    assert np.all((bundle.thresholds >= 0.05) & (bundle.thresholds <= 0.95))


def test_onnx_matches_scikit_learn(trained, fitted):
    folder, bundle = trained
    assert fitted.labels.labels == bundle.labels
    texts = accented_texts(fitted)
    onnx_scores = load_predictor(folder).predict_scores(texts)
    reference = fitted.scores(texts)
    assert onnx_scores.shape == reference.shape == (len(texts), len(bundle.labels))
    assert np.max(np.abs(onnx_scores - reference)) < 1e-5


def test_held_out_quality_beats_the_frequency_baseline(trained, fitted):
    """On the test split (never trained on), the model ranks gold categories far better than always
    proposing the most frequent ones."""
    folder, _ = trained
    card = json.loads((folder / "card.json").read_text())
    recall = card["metrics"]["held_out_test"]["recall_at_10_3char"]
    train = fitted.parts["train"]
    frequency: dict[str, int] = {}
    for stay in train:
        for code in stay.codes.all_codes():
            frequency[code] = frequency.get(code, 0) + 1
    top10 = {c[:3] for c in sorted(frequency, key=lambda c: -frequency[c])[:10]}
    baseline = np.mean(
        [
            len({c[:3] for c in s.codes.all_codes()} & top10) / len({c[:3] for c in s.codes.all_codes()})
            for s in fitted.parts["test"]
        ]
    )
    assert recall > baseline + 0.15, (recall, baseline)


def test_predictor_imports_neither_scikit_learn_nor_torch(trained, fitted):
    folder, _ = trained
    texts = accented_texts(fitted, 5)
    script = textwrap.dedent(
        f"""
        import importlib.abc, json, sys

        class Refuse(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {{"sklearn", "torch", "skl2onnx", "transformers", "scipy"}}:
                    raise ImportError("refused in this test: " + name)
                return None

        sys.meta_path.insert(0, Refuse())
        from coding_assistant.classifier import load_predictor

        scores = load_predictor({str(folder)!r}).predict_scores(json.loads(sys.stdin.read()))
        print(json.dumps(scores.tolist()))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(texts), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    scores = np.array(json.loads(result.stdout))
    assert np.max(np.abs(scores - fitted.scores(texts))) < 1e-5


def test_bad_model_folders_are_named(tmp_path, trained):
    with pytest.raises(ModelBundleError, match="no such model folder"):
        read_bundle(tmp_path / "missing")
    (tmp_path / "broken").mkdir()
    with pytest.raises(ModelBundleError, match=r"card\.json is missing"):
        read_bundle(tmp_path / "broken")
    folder, _ = trained
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("labels.json", "thresholds.json", "card.json"):
        (copy / name).write_bytes((folder / name).read_bytes())
    (copy / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelBundleError, match="onnxruntime cannot load it"):
        load_predictor(copy)
