"""Transformer backend: fine-tuning a tiny local BERT, ONNX parity with torch, serving without torch.

The encoder is built here from a config (hidden 32, 2 layers) with a WordPiece vocabulary learned on the
synthetic letters, so the tests need no model download and run in seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

# Set before transformers is imported: huggingface_hub reads it once, and nothing here may reach a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from coding_assistant.classifier import load_predictor, read_bundle  # noqa: E402
from coding_assistant.classifier.transformer_export import export_transformer  # noqa: E402
from coding_assistant.classifier.transformer_predictor import (  # noqa: E402
    CALIBRATION_FILE,
    TOKENIZER_FILE,
    OnnxTransformerPredictor,
)
from coding_assistant.classifier.transformer_text import Chunking, chunk_ids, pool_logits  # noqa: E402
from coding_assistant.classifier.transformer_train import (  # noqa: E402
    TransformerSettings,
    fit_transformer,
    train_transformer,
)
from coding_assistant.errors import CodingAssistantError  # noqa: E402
from coding_assistant.synth import generate_stays  # noqa: E402

SETTINGS = TransformerSettings(
    min_count=4,
    max_length=128,
    stride=32,
    max_chunks=8,
    epochs=2,
    batch_size=8,
    learning_rate=1e-3,  # a randomly initialised encoder, not a pre-trained one: larger steps
    head_learning_rate=3e-3,
    threads=1,  # one OpenMP thread: on busy shared CI cores, two are several times slower
    seed=7,
)
# Accents, ligatures and a cedilla, repeated so that each text spans several chunks.
ACCENTED = [
    "Patiente âgée hospitalisée pour décompensation cardiaque globale, œdème des membres inférieurs, "
    "hyperkaliémie à 6,2 mmol/l ; fraction d'éjection altérée à 35 %. Traitement diurétique reçu. " * 12,
    "Pneumopathie d'inhalation traitée par amoxicilline–acide clavulanique ; déshydratation, "
    "insuffisance rénale aiguë fonctionnelle, hypernatrémie à 152 mmol/l. Ça s'améliore. " * 15,
    "Chute à domicile avec fracture du col fémoral droit opérée ; anémie post-opératoire à 8,1 g/dl, "
    "transfusion de deux culots globulaires, syndrome confusionnel résolutif, kinésithérapie. " * 10,
]


@pytest.fixture(scope="module")
def corpus():
    return list(generate_stays(240, seed=5))


@pytest.fixture(scope="module")
def base_model(tmp_path_factory, corpus) -> Path:
    """A tiny BERT and its WordPiece tokenizer, saved as a local Hugging Face folder."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    # Accents kept: "rénale" and "renale" are one word to a French clinician, but the encoder sees both.
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(
        [stay.text for stay in corpus], trainers.WordPieceTrainer(vocab_size=3000, special_tokens=specials)
    )
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]"
    ).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=SETTINGS.max_length,
    )
    BertModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def fitted(corpus, base_model):
    return fit_transformer(corpus, base_model, SETTINGS)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, fitted) -> Path:
    folder = tmp_path_factory.mktemp("model") / "tiny"
    export_transformer(fitted, folder, "tiny")
    return folder


def held_out_texts(fitted) -> list[str]:
    return [s.text for s in fitted.parts["test"]][:25] + ACCENTED


def test_chunks_overlap_by_the_stride_and_keep_the_end():
    chunking = Chunking(max_length=8, stride=2, max_chunks=3, prefix=(101,), suffix=(102,), pad_id=0)
    chunks = chunk_ids(list(range(1, 15)), chunking)  # window 6, step 4: starts 0, 4, 8
    assert chunks == [[101, 1, 2, 3, 4, 5, 6, 102], [101, 5, 6, 7, 8, 9, 10, 102], [101, 9, 10, 11, 12, 13, 14, 102]]
    long = chunk_ids(list(range(100)), chunking)
    assert len(long) == 3 and long[0][1] == 0 and long[-1][-2] == 99
    assert chunk_ids([], chunking) == [[101, 102]]
    with pytest.raises(ValueError):
        Chunking(max_length=8, stride=6, max_chunks=3, prefix=(101,), suffix=(102,), pad_id=0)


def test_pooling_by_hand():
    logits = np.array([[1.0, -2.0], [3.0, -4.0], [0.5, 0.5]], dtype=np.float32)
    assert pool_logits(logits, [2, 1], "max").tolist() == [[3.0, -2.0], [0.5, 0.5]]
    assert pool_logits(logits, [2, 1], "mean").tolist() == [[2.0, -3.0], [0.5, 0.5]]


def test_bundle_files_and_card(trained, fitted):
    bundle = read_bundle(trained)
    names = {p.name for p in trained.iterdir()}
    assert names >= {"model.onnx", "labels.json", "thresholds.json", "card.json", TOKENIZER_FILE, CALIBRATION_FILE}
    card = bundle.card
    assert card["backend"] == "transformer" and card["name"] == "tiny"
    assert card["training_data"]["train"] > card["training_data"]["test"] > 0
    assert card["training_data"]["labels"] == len(bundle.labels) == len(fitted.labels)
    assert {"torch", "transformers", "tokenizers", "onnxruntime"} <= set(card["libraries"])
    assert {"dp_accuracy_3char", "micro_f1_exact", "recall_at_10_3char", "ece"} <= set(card["metrics"]["held_out_test"])
    assert card["chunking"]["max_length"] == 128 and card["chunking"]["stride"] == 32
    assert card["chunking"]["pooling"] == "max" and card["chunking"]["prefix"] and card["chunking"]["suffix"]
    assert card["base_model"]["model_type"] == "bert" and card["base_model"]["layers"] == 2
    assert card["settings"]["epochs"] == 2 and len(card["training_loss"]) == 2
    assert card["terminology"] and card["onnx_export_max_gap"] < 1e-4
    assert np.all((bundle.thresholds >= 0.05) & (bundle.thresholds <= 0.95))


def test_onnx_matches_torch_on_long_accented_texts(trained, fitted):
    predictor = load_predictor(trained, threads=2)
    assert isinstance(predictor, OnnxTransformerPredictor) and predictor.labels == fitted.labels.labels
    texts = held_out_texts(fitted)
    assert len(texts) >= 20 and all(any(c in t for c in "éèàê") for t in texts)
    assert sum(len(chunks) >= 3 for chunks in fitted.chunks(texts)) >= 20  # several chunks: pooling is exercised
    scores = predictor.predict_scores(texts)
    reference = fitted.scores(texts)
    assert scores.dtype == np.float32 and scores.shape == reference.shape == (len(texts), len(fitted.labels))
    assert np.max(np.abs(scores - reference)) < 1e-4
    # Scores depend on the text: a model that learnt nothing would give every letter the same row.
    assert np.ptp(scores, axis=0).max() > 1e-3


def test_empty_inputs(trained):
    predictor = load_predictor(trained)
    assert predictor.predict_scores([]).shape == (0, len(predictor.labels))
    assert predictor.predict_scores([""]).shape == (1, len(predictor.labels))


def test_predicts_without_torch_transformers_or_scikit_learn(trained, fitted, tmp_path):
    texts = held_out_texts(fitted)[:5]
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import importlib.abc, json, sys
        import numpy as np

        BLOCKED = {{"torch", "transformers", "sklearn"}}

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{{name}} is blocked in this test")
                return None

        sys.meta_path.insert(0, Block())
        for name in BLOCKED:
            try:
                __import__(name)
            except ImportError:
                pass
            else:
                raise SystemExit(f"{{name}} was importable")
        from coding_assistant.classifier import load_predictor

        texts = json.loads(open({str(tmp_path / "texts.json")!r}, encoding="utf-8").read())
        scores = load_predictor({str(trained)!r}).predict_scores(texts)
        np.save({str(tmp_path / "scores.npy")!r}, scores)
        assert not BLOCKED & set(sys.modules), BLOCKED & set(sys.modules)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    in_process = load_predictor(trained).predict_scores(texts)
    assert np.allclose(np.load(tmp_path / "scores.npy"), in_process, atol=1e-6)


def test_training_is_deterministic(tmp_path, corpus, base_model, trained):
    """Same stays, encoder and seed: the same model, through the one-call entry point."""
    again = train_transformer(corpus, tmp_path / "again", "again", base_model, SETTINGS)
    assert json.loads((tmp_path / "again" / "thresholds.json").read_text()) == json.loads(
        (trained / "thresholds.json").read_text()
    )
    texts = ACCENTED
    first, second = load_predictor(trained).predict_scores(texts), load_predictor(again.path).predict_scores(texts)
    assert np.max(np.abs(first - second)) < 1e-6


def test_missing_base_model_is_a_clear_error(tmp_path, corpus):
    with pytest.raises(CodingAssistantError, match="no such encoder folder"):
        fit_transformer(corpus, tmp_path / "absent", SETTINGS)
