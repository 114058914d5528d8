"""TF-IDF classifier: training, ONNX parity with scikit-learn, prediction without the training stack."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest
from scipy import sparse

from coding_assistant.classifier import load_predictor, read_bundle
from coding_assistant.classifier.bundle import ModelBundleError
from coding_assistant.classifier.export_linear import BATCHED_FROM
from coding_assistant.classifier.features import FeatureSettings
from coding_assistant.classifier.labels import ACT, CATEGORY, CODE, DP_CATEGORY
from coding_assistant.classifier.linear import FitSettings, fit_sparse_linear
from coding_assistant.classifier.tfidf_inputs import CharWindow, normal_form
from coding_assistant.classifier.train import TrainSettings, export_tfidf, fit_tfidf
from coding_assistant.schema import read_stays
from coding_assistant.synth import generate_stays

DEV = Path(__file__).parents[1] / "data" / "dev"
# A small character window, so that the 200 parity texts include many that the window cuts.
SETTINGS = TrainSettings(
    min_count=4,
    kept_weights=200,
    n_jobs=2,
    features=FeatureSettings(word_max_features=20_000, char_max_features=8_000, char_window=CharWindow(600, 400)),
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
    assert {"scikit-learn", "onnxruntime", "onnx"} <= set(card["libraries"])
    assert card["inputs"] == {"char_head": 600, "char_tail": 400}
    assert set(card["training_stage_seconds"]) == {"features", "linear", "calibration"}
    assert "held_out_test" in card["metrics"] and card["terminology"]
    assert set(bundle.levels) == {CODE, CATEGORY, DP_CATEGORY, ACT}  # the synthetic stays have their acts coded
    assert card["training_data"]["act_labels"] == bundle.levels.count(ACT) > 0
    assert len(bundle.thresholds) == len(bundle.labels)
    assert np.all((bundle.thresholds >= 0.05) & (bundle.thresholds <= 0.95))


def test_onnx_matches_scikit_learn(trained, fitted):
    folder, bundle = trained
    assert fitted.labels.labels == bundle.labels
    texts = accented_texts(fitted)
    assert sum(len(normal_form(t)) > 1001 for t in texts) >= 50  # the character window cuts these
    onnx_scores = load_predictor(folder).predict_scores(texts)
    reference = fitted.scores(texts)
    assert onnx_scores.shape == reference.shape == (len(texts), len(bundle.labels))
    assert np.max(np.abs(onnx_scores - reference)) < 1e-5


def test_both_forms_of_the_linear_layer_agree(trained, fitted):
    """Calls of fewer than BATCHED_FROM texts take the graph's per-text branch, larger ones the batched one."""
    folder, _ = trained
    predictor = load_predictor(folder, threads=1)
    texts = accented_texts(fitted, 3 * BATCHED_FROM)
    reference = fitted.scores(texts)
    one_by_one = np.vstack([predictor.predict_scores([text]) for text in texts])
    small = np.vstack(
        [predictor.predict_scores(texts[i : i + BATCHED_FROM - 1]) for i in range(0, len(texts), BATCHED_FROM - 1)]
    )
    batched = predictor.predict_scores(texts)
    for scores in (one_by_one, small, batched):
        assert np.max(np.abs(scores - reference)) < 1e-5


def test_texts_without_words_or_characters(trained, fitted):
    folder, _ = trained
    texts = ["", "  ", "a", "ab", "abc", "é", "+-", "insuffisance cardiaque"]
    reference = fitted.scores(texts)
    predictor = load_predictor(folder)
    assert np.max(np.abs(predictor.predict_scores(texts) - reference)) < 1e-5
    assert np.max(np.abs(predictor.predict_scores([""]) - reference[:1])) < 1e-5
    assert predictor.predict_scores([]).shape == (0, len(predictor.labels))


def plain_normal_form(text: str) -> str:
    """The normal form written the plain way (regexes over the whole text): what normal_form must give."""
    text = re.sub(r"(?<=[0-9A-Za-z])\+", " plus ", text)
    text = re.sub(r"(?<=[A-Za-z])-(?=\s|$|[,;.)])", " moins ", text)
    text = text.translate(str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "µ": "u"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def test_normal_form():
    texts = [s.text for path in sorted(DEV.glob("*.jsonl")) for s in read_stays(path)]
    texts += ["SCA ST+ inférieur, Œdème", "K+ à 6,5 ; ST- ", "x-", "Ætiologie ½ ﬁn ² µg", "a\u0301b", "", "\t\n+ - +-"]
    assert [normal_form(t) for t in texts] == [plain_normal_form(t) for t in texts]
    assert normal_form("SCA ST+ inférieur, Œdème aigu") == "sca st plus inferieur oedeme aigu"


def test_character_window_keeps_whole_words_from_both_ends():
    window = CharWindow(head=13, tail=16)
    assert window.apply("motif court") == "motif court"
    text = "motif douleur thoracique puis examen normal conclusion angor"
    assert window.apply(text) == "motif douleur conclusion angor"
    assert "  " not in window.apply(text) and len(window.apply(text)) <= 13 + 16 + 1


def test_candidate_features_and_sampled_negatives_find_the_signal():
    """A label carried by one feature among thousands of noisy ones: the reduced problems (few candidate
    features, negatives sampled and weighted) still find it and give it the label's largest weight."""
    rng = np.random.default_rng(0)
    n, features = 3000, 5000
    x = sparse.random(n, features, density=0.01, format="csr", dtype=np.float32, random_state=1)
    y = (rng.random(n) < 0.05).astype(np.int8)
    x = sparse.lil_matrix(x)
    x[np.flatnonzero(y), 123] = 1.0
    x = sparse.csr_matrix(x)
    settings = FitSettings(kept=20, candidates=50, max_stays=600, threads=2)
    linear = fit_sparse_linear(x, y.reshape(-1, 1), settings)
    assert linear.indices[0, 0] == 123 and linear.weights[0, 0] > 0
    scores = linear.scores(x)[:, 0]
    assert scores[y == 1].min() > scores[y == 0].max()


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


def copy_of(folder: Path, to: Path, **card_changes: object) -> Path:
    to.mkdir()
    for path in folder.iterdir():
        (to / path.name).write_bytes(path.read_bytes())
    card = json.loads((to / "card.json").read_text())
    (to / "card.json").write_text(json.dumps({**card, **card_changes}))
    return to


def test_unknown_bundle_formats_ask_for_a_new_training(tmp_path, trained):
    folder, _ = trained
    with pytest.raises(ModelBundleError, match=r"bundle format 1 .*train the model again"):
        read_bundle(copy_of(folder, tmp_path / "old", bundle_format=1))
    with pytest.raises(ModelBundleError, match=r"bundle format 9 .*update coding-assistant"):
        read_bundle(copy_of(folder, tmp_path / "new", bundle_format=9))
    with pytest.raises(ModelBundleError, match="graph input settings"):
        load_predictor(copy_of(folder, tmp_path / "no_inputs", inputs=None))


def test_format_2_graphs_with_one_input_are_still_served(tmp_path, trained, fitted):
    """A format 2 graph reads the normal form as a (texts, 1) column and takes its character n-grams from
    the whole text: rebuilt here from the trained graph by feeding both inputs from that column."""
    folder, _ = trained
    old = copy_of(folder, tmp_path / "format2", bundle_format=2)
    model = onnx.load(str(old / "model.onnx"))
    graph = model.graph
    for value in list(graph.input):
        graph.input.remove(value)
    graph.input.append(onnx.helper.make_tensor_value_info("text", onnx.TensorProto.STRING, [None, 1]))
    for node in graph.node:
        node.input[:] = ["column" if name in ("text", "chars") else name for name in node.input]
    graph.initializer.append(onnx.numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat"))
    graph.node.insert(0, onnx.helper.make_node("Reshape", ["text", "flat"], ["column"]))
    onnx.save(model, str(old / "model.onnx"))
    texts = accented_texts(fitted, 40)
    whole_text = replace(fitted.features, window=CharWindow(10**9, 10**9))
    reference = fitted.linear.scores(whole_text.transform([normal_form(t) for t in texts]))
    assert np.max(np.abs(load_predictor(old).predict_scores(texts) - reference)) < 1e-5
