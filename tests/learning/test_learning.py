"""Learning from the site's coders: train from the store, the model registry, recalibration from decisions."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from coding_assistant.cli import app
from coding_assistant.learning.from_store import validated_stays
from coding_assistant.learning.recalibration import Judged, StayDecisions, learn
from coding_assistant.learning.registry import active_model, list_models
from coding_assistant.schema import write_jsonl
from coding_assistant.store import Store
from coding_assistant.store.models import ProposalRunRow
from coding_assistant.synth import generate_stays

runner = CliRunner()
N_STAYS = 60


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def versions_used(store: Store) -> set[str]:
    with store.sessions() as session:
        return set(session.execute(select(ProposalRunRow.model_version)).scalars())


@pytest.fixture(scope="module")
def site(tmp_path_factory, small_model):
    """A store whose stays were coded by the batch with `small_model` and validated by a coder."""
    folder = tmp_path_factory.mktemp("site")
    db = f"sqlite:///{folder / 'store.db'}"
    gold = list(generate_stays(N_STAYS, seed=31))
    source = folder / "stays.jsonl"
    write_jsonl(source, [s.model_copy(update={"codes": None}) for s in gold])
    cli("batch", "--source", str(source), "--db", db, "--model", str(small_model))
    store = Store.open(db, folder)
    store.add_user("alice", "a long enough password", "coder")
    for stay in gold:
        # As the review UI saves: the version the coder opened, the codes they validated.
        assert stay.codes is not None
        store.save_decision(stay.stay_id, "alice", stay.codes, store.get_stay(stay.stay_id).version)
    store.close()
    return folder, db


@pytest.fixture(scope="module")
def trained(site, tmp_path_factory) -> Path:
    _, db = site
    model = tmp_path_factory.mktemp("trained") / "site-model"
    cli(
        "train", "--from-store", "--db", db, "--synthetic", "120", "--output", str(model), "--min-count", "3",
        "--register",
    )  # fmt: skip
    return model


def unseen_copy(source: Path, target: Path, **card_changes: object) -> Path:
    """A copy of a model folder under another name, as if trained without the store (it saw no site stay)."""
    shutil.copytree(source, target)
    card = json.loads((target / "card.json").read_text(encoding="utf-8"))
    card["training_data"].pop("store_stay_keys", None)
    (target / "card.json").write_text(json.dumps({**card, **card_changes}), encoding="utf-8")
    return target


def test_train_from_store_activate_and_the_next_batch_uses_it(site, trained, tmp_path):
    folder, db = site
    model = trained
    card = json.loads((model / "card.json").read_text(encoding="utf-8"))
    sources = card["training_data"]["sources"]
    assert sources["store"]["stays"] == N_STAYS and sources["synthetic"]["stays"] == 120
    assert sources["store"]["statuses"] == {"validated": N_STAYS} and "discharge_from" in sources["store"]
    assert 0 < len(card["training_data"]["store_stay_keys"]) < N_STAYS  # its held-out site stays stay unseen

    store = Store.open(db, folder)
    assert [m.version for m in list_models(store) if m.name == "site-model"] == [card["version"]]  # --register
    assert validated_stays(store, since=date(2100, 1, 1))[0] == []  # --since filters on the discharge date
    store.close()
    cli("models", "activate", "site-model", "--db", db)  # no active model yet: nothing to compare with
    store = Store.open(db, folder)
    assert active_model(store).version == card["version"]  # type: ignore[union-attr]
    store.close()

    fresh = tmp_path / "new.jsonl"
    write_jsonl(
        fresh, [s.model_copy(update={"codes": None, "stay_id": f"NEW-{s.stay_id}"}) for s in generate_stays(5, seed=77)]
    )
    cli("batch", "--source", str(fresh), "--db", db)  # no --model: the active one
    store = Store.open(db, folder)
    assert card["version"] in versions_used(store)
    store.close()


def test_a_worse_model_is_refused_unless_forced_and_forcing_is_audited(site, trained, tmp_path):
    folder, db = site
    good = unseen_copy(trained, tmp_path / "good", name="good")
    bad = unseen_copy(trained, tmp_path / "bad", name="bad", version="worse-1")
    # The same model that never ticks a code: its micro-F1 falls to 0.
    fusion = json.loads((bad / "fusion.json").read_text(encoding="utf-8"))
    (bad / "fusion.json").write_text(json.dumps({**fusion, "threshold": 1.01}), encoding="utf-8")

    cli("models", "register", str(good), "--db", db, "--last", "20")
    cli("models", "register", str(bad), "--db", db, "--last", "20")
    cli("models", "activate", "good", "--db", db, "--force", "--last", "20")
    refused = runner.invoke(app, ["models", "activate", "bad", "--db", db, "--last", "20"])
    assert refused.exit_code == 2 and "micro_f1_3char" in refused.output
    store = Store.open(db, folder)
    assert active_model(store).name == "good"  # type: ignore[union-attr]
    store.close()

    cli("models", "activate", "bad", "--db", db, "--force", "--last", "20", "--actor", "dim-chief")
    cli("models", "rollback", "--db", db)
    assert "* good@" in cli("models", "list", "--db", db)
    store = Store.open(db, folder)
    assert active_model(store).name == "good"  # type: ignore[union-attr]
    with store.sessions() as session:
        from coding_assistant.store.models import AuditRow

        forced = session.execute(select(AuditRow).where(AuditRow.action == "model_activation_forced")).scalars()
        entries = [row for row in forced if row.details["model"] == "bad@worse-1"]
    assert entries and entries[0].actor == "dim-chief" and "micro_f1_3char" in entries[0].details["reason"]
    assert {m.name for m in list_models(store)} >= {"good", "bad"}
    store.close()


def test_recalibrate_measures_before_and_after_on_held_out_decisions(site, small_model, trained, tmp_path):
    _, db = site
    # The model the coders' decisions were made on, with a fusion to recalibrate.
    copy = tmp_path / "recal"
    shutil.copytree(small_model, copy)
    shutil.copy(trained / "fusion.json", copy / "fusion.json")
    card = json.loads((copy / "card.json").read_text(encoding="utf-8"))
    (copy / "card.json").write_text(json.dumps({**card, "name": "recal"}), encoding="utf-8")
    cli("models", "register", str(copy), "--db", db, "--last", "10")
    out = cli("models", "recalibrate", "recal", "--db", db)
    record = json.loads((copy / "site_thresholds.json").read_text(encoding="utf-8"))
    assert record["decided_stays"] == N_STAYS and "precision" in out
    held = record["held_out"]
    assert held["before"]["stays"] == held["after_categories"]["stays"] > 0
    fusion = json.loads((copy / "fusion.json").read_text(encoding="utf-8"))
    assert fusion["threshold"] == record["fusion_threshold_applied"]


def _stays(category: str, score: float, selected: bool, accepted: bool, n: int) -> list[StayDecisions]:
    return [
        StayDecisions(
            f"{category}-{i}",
            [Judged(f"{category}-{i}", category, score, selected, accepted)],
            frozenset({category} if accepted else set()),
        )
        for i in range(n)
    ]


def test_recalibration_moves_thresholds_the_way_the_coders_decided():
    rejected = _stays("R10", 0.6, True, False, 8)  # pre-ticked, always unticked by the coders
    kept = _stays("R10", 0.9, True, True, 8)
    added = _stays("J18", 0.3, False, True, 8)  # left unticked, always added back
    noise = _stays("J18", 0.1, False, False, 8)
    thresholds = learn([*rejected, *kept, *added, *noise])
    assert thresholds.of("R10") > 0.6  # above what the coders reject
    assert thresholds.of("J18") <= 0.3  # at most what the coders add back
    assert thresholds.of("J18") > 0.1
    few = learn(_stays("K35", 0.5, True, False, 3))
    assert "K35" not in few.categories  # too few decisions: the overall threshold applies


# Transformer backend on a device: CPU correctness of the GPU path's pieces --------------------------------

TINY_LENGTH = 64


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory) -> Path:
    """A randomly initialised two-layer BERT and its WordPiece tokenizer, as a local folder (no hub)."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-encoder")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(
        [s.text for s in generate_stays(80, seed=3)],
        trainers.WordPieceTrainer(vocab_size=1500, special_tokens=specials),
    )
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]"
    ).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=512,  # the CLI's default chunk length fits
    )
    BertModel(config).save_pretrained(folder)
    return folder


def tiny_settings(**changes: object):
    from coding_assistant.classifier.transformer_train import TransformerSettings

    base = TransformerSettings(
        min_count=4,
        max_length=TINY_LENGTH,
        stride=16,
        max_chunks=4,
        epochs=2,
        batch_size=4,
        learning_rate=1e-3,
        head_learning_rate=3e-3,
        threads=1,
        seed=7,
        device="cpu",
        accumulation=2,
        checkpoint_every=3,
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_transformer_resumes_from_its_checkpoint_to_the_same_model(tiny_encoder, tmp_path, monkeypatch):
    import numpy as np

    from coding_assistant.classifier import checkpoints, load_predictor
    from coding_assistant.classifier.transformer_train import train_transformer

    corpus = list(generate_stays(90, seed=9))
    whole = train_transformer(corpus, tmp_path / "whole", "whole", tiny_encoder, tiny_settings())
    assert whole.card["training_run"]["device"] == "cpu" and whole.card["training_run"]["precision"] == "float32"

    saves = {"n": 0}
    original = checkpoints.Checkpointer.save

    def save_then_die(self, *args, **kwargs):
        original(self, *args, **kwargs)
        saves["n"] += 1
        if saves["n"] == 2:
            raise KeyboardInterrupt  # the job is killed right after its second checkpoint

    monkeypatch.setattr(checkpoints.Checkpointer, "save", save_then_die)
    folder = str(tmp_path / "checkpoints")
    with pytest.raises(KeyboardInterrupt):
        train_transformer(corpus, tmp_path / "killed", "killed", tiny_encoder, tiny_settings(checkpoint_dir=folder))
    monkeypatch.setattr(checkpoints.Checkpointer, "save", original)
    resumed = train_transformer(
        corpus, tmp_path / "resumed", "resumed", tiny_encoder, tiny_settings(checkpoint_dir=folder)
    )
    assert resumed.card["training_run"]["resumed_at"] is not None
    texts = [s.text for s in corpus[:12]]
    # The exported graph runs with onnxruntime alone; resumed training gives the uninterrupted run's model.
    first = load_predictor(whole.path).predict_scores(texts)
    second = load_predictor(resumed.path).predict_scores(texts)
    assert np.max(np.abs(first - second)) < 1e-5


def test_device_choice_and_precision_on_a_machine_without_gpu(monkeypatch):
    pytest.importorskip("torch")
    import torch

    from coding_assistant.classifier.device import Precision, resolve_device
    from coding_assistant.errors import CodingAssistantError

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto").type == "cpu"
    with pytest.raises(CodingAssistantError, match="no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(CodingAssistantError, match="--device"):
        resolve_device("tpu")
    assert Precision.for_device(torch.device("cpu"), mixed=True).name == "float32"  # CPU stays float32


def test_train_cli_takes_the_device_options(tiny_encoder, tmp_path):
    data = tmp_path / "stays.jsonl"
    write_jsonl(data, list(generate_stays(60, seed=12)))
    out = tmp_path / "cli-model"
    cli(
        "train", "--input", str(data), "--output", str(out), "--backend", "transformer", "--base-model",
        str(tiny_encoder), "--device", "cpu", "--accumulation", "2", "--checkpoints", str(tmp_path / "ck"),
        "--epochs", "1", "--min-count", "4",
    )  # fmt: skip
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert card["training_run"]["accumulation"] == 2 and card["settings"]["device"] == "cpu"
    assert (tmp_path / "ck" / "checkpoint.pt").is_file()
