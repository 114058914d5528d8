"""`coding-assistant train --backend transformer`: fine-tune a local encoder (CamemBERT-bio, DrBERT, …) on coded
stays and write a bundle that serves with onnxruntime + tokenizers + numpy.

The way mirrors the TF-IDF backend (train.py): the same stable split, the same labels (choose_labels on the
train split), Platt calibration and per-label thresholds on the validation split, held-out figures in the
card. What differs:
- letters longer than the encoder's input are cut into overlapping chunks and the chunk logits pooled per
  letter (transformer_text: max pooling by default);
- a chunk is represented by the mean of its token states (masked), then a linear head gives one logit per
  label; the loss is binary cross-entropy on the pooled letter logits;
- the graph exported (transformer_export) is encoder + head on chunks; pooling and calibration run in the
  predictor (transformer_predictor), after Platt parameters are fitted on pooled validation logits.
Training runs on the CPU or a CUDA GPU (`device`), with mixed precision on the GPU, gradient accumulation
(a large effective batch on a small card) and checkpoints it resumes from after a crash or a kill
(classifier/checkpoints.py). On the CPU it is deterministic for a seed (on a given machine and thread count),
resumed or not. The exported ONNX graph is float32 and runs on the CPU whatever trained it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer

from coding_assistant.classifier.bundle import ModelBundle
from coding_assistant.classifier.labels import LabelSet, choose_labels
from coding_assistant.classifier.linear import fit_platt, tune_thresholds
from coding_assistant.classifier.train import TrainSettings, split_of
from coding_assistant.classifier.transformer_text import (
    Chunking,
    chunk_texts,
    pad_chunks,
    prepare_tokenizer,
    special_tokens,
)
from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay

logger = logging.getLogger(__name__)

# Chunks per forward pass when scoring (validation, test, reference scores): bounds activation memory.
SCORING_BATCH = 64


@dataclass
class TransformerSettings:
    min_count: int = 5  # a code or category needs this many training stays to become a label
    validation_share: float = 0.15  # calibration and thresholds
    test_share: float = 0.15  # held-out figures in the card
    max_length: int = 512  # tokens per chunk, special tokens included
    stride: int = 128  # tokens shared by consecutive chunks
    max_chunks: int = 16  # chunks read per letter (evenly spaced beyond that)
    pooling: str = "max"  # chunk logits → letter logits: "max" or "mean"
    epochs: int = 3
    batch_size: int = 4  # letters per optimisation step (all their chunks)
    learning_rate: float = 3e-5  # encoder
    head_learning_rate: float = 1e-3  # the new head learns from scratch: a larger step
    weight_decay: float = 0.01
    warmup_share: float = 0.1  # share of steps with a linearly rising learning rate
    dropout: float = 0.1  # before the head
    seed: int = 13
    threads: int | None = None  # torch CPU threads (None: torch's default)
    opset: int = 17
    device: str = "auto"  # "auto" (CUDA when there is one), "cpu" or "cuda"
    mixed_precision: bool = True  # on CUDA only: bfloat16 where the card has it, else float16 with loss scaling
    accumulation: int = 1  # mini-batches whose gradients add up before one optimiser step
    checkpoint_dir: str | None = None  # folder of resumable checkpoints (None: none); a str: the card is JSON
    checkpoint_every: int = 200  # optimiser steps between checkpoints (and one at each epoch's end)


class ChunkClassifier(torch.nn.Module):
    """Encoder + masked mean of token states + linear head: one logit per label for each chunk."""

    def __init__(self, encoder: Any, n_labels: int, dropout: float) -> None:  # a transformers model (untyped)
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(int(encoder.config.hidden_size), n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        states: torch.Tensor = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        logits: torch.Tensor = self.head(self.dropout(pooled))
        return logits


def pool_chunk_logits(chunk_logits: torch.Tensor, counts: Sequence[int], pooling: str) -> torch.Tensor:
    """(letters, labels) from (chunks, labels), in torch (training loss and reference scores)."""
    parts = torch.split(chunk_logits, list(counts))
    if pooling == "max":
        return torch.stack([part.max(dim=0).values for part in parts])
    return torch.stack([part.mean(dim=0) for part in parts])


@dataclass
class FittedTransformer:
    """The fine-tuned torch model and what the bundle needs: the reference the ONNX graph must reproduce."""

    model: ChunkClassifier
    tokenizer: Tokenizer
    chunking: Chunking
    labels: LabelSet
    platt_a: np.ndarray
    platt_b: np.ndarray
    thresholds: np.ndarray
    parts: dict[str, list[Stay]]
    base_model: dict[str, Any]
    epoch_losses: list[float]
    seconds: float
    settings: TransformerSettings = field(default_factory=TransformerSettings)
    run: dict[str, Any] = field(default_factory=dict)  # device, precision, throughput: for the card

    def chunks(self, texts: Sequence[str]) -> list[list[list[int]]]:
        return chunk_texts(self.tokenizer, texts, self.chunking)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Pooled, uncalibrated (texts, labels) logits computed with torch."""
        per_text = self.chunks(texts)
        flat = [chunk for chunks in per_text for chunk in chunks]
        self.model.eval()
        outputs = []
        with torch.no_grad():
            for start in range(0, len(flat), SCORING_BATCH):
                ids, mask = pad_chunks(flat[start : start + SCORING_BATCH], self.chunking.pad_id)
                outputs.append(self.model(torch.from_numpy(ids), torch.from_numpy(mask)))
            pooled = pool_chunk_logits(torch.cat(outputs), [len(c) for c in per_text], self.chunking.pooling)
        return pooled.numpy().astype(np.float64)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities computed with torch (texts as written)."""
        z = torch.from_numpy(self.logits(texts))
        a, b = (torch.from_numpy(np.asarray(v, dtype=np.float64)) for v in (self.platt_a, self.platt_b))
        return torch.sigmoid(a * z + b).numpy()


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """torch's CPU thread count for a block, restored after it (it is process-wide).

    On a shared machine, more OpenMP threads than idle cores makes training several times slower (measured:
    2 threads on 2 busy cores, 4× slower than 1), so the setting is explicit."""
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _split(stays: Sequence[Stay], settings: TransformerSettings) -> dict[str, list[Stay]]:
    """The TF-IDF backend's split (same stays in the same parts for the same shares)."""
    shares = TrainSettings(validation_share=settings.validation_share, test_share=settings.test_share)
    usable = [s for s in stays if s.codes is not None and s.codes.dp and s.documents]
    if len(usable) < 20:
        raise CodingAssistantError(f"training needs at least 20 coded stays with documents, got {len(usable)}")
    parts: dict[str, list[Stay]] = {"train": [], "validation": [], "test": []}
    for stay in usable:
        parts[split_of(stay.stay_id, shares)].append(stay)
    if not parts["validation"] or not parts["test"]:
        raise CodingAssistantError("too few stays to hold out validation and test splits")
    return parts


def _load_base(base_model: Path) -> tuple[torch.nn.Module, Tokenizer, int, dict[str, Any]]:
    """Encoder, fast tokenizer (as a `tokenizers.Tokenizer`), pad id and a summary for the card.

    Read from the local folder only: the product never calls a model hub."""
    from transformers import AutoModel, AutoTokenizer

    base_model = Path(base_model)
    if not base_model.is_dir():
        raise CodingAssistantError(f"{base_model}: no such encoder folder (a local Hugging Face model)")
    try:
        hf_tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
        encoder = AutoModel.from_pretrained(base_model, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise CodingAssistantError(f"{base_model}: cannot load an encoder and tokenizer ({exc})") from exc
    if not getattr(hf_tokenizer, "is_fast", False):
        raise CodingAssistantError(f"{base_model}: needs a fast tokenizer (tokenizer.json) for serving")
    # A copy through JSON: the serving tokenizer is exactly the file written into the bundle.
    tokenizer = prepare_tokenizer(Tokenizer.from_str(hf_tokenizer.backend_tokenizer.to_str()))
    pad_id = hf_tokenizer.pad_token_id
    if pad_id is None:
        pad_id = getattr(encoder.config, "pad_token_id", None) or 0
    summary = {
        "name": base_model.name,
        "model_type": getattr(encoder.config, "model_type", "unknown"),
        "hidden_size": int(encoder.config.hidden_size),
        "layers": int(getattr(encoder.config, "num_hidden_layers", 0)),
        "parameters": int(sum(p.numel() for p in encoder.parameters())),
        "max_positions": int(getattr(encoder.config, "max_position_embeddings", 0)),
        "tokenizer_max_length": _finite_length(getattr(hf_tokenizer, "model_max_length", None)),
    }
    return encoder, tokenizer, int(pad_id), summary


def _finite_length(value: Any) -> int | None:
    """A tokenizer's declared input length, or None where it declares none (transformers then says 1e30)."""
    return int(value) if isinstance(value, int | float) and 0 < value < 10**6 else None


def _chunking(tokenizer: Tokenizer, pad_id: int, base: dict[str, Any], settings: TransformerSettings) -> Chunking:
    limits = [n for n in (base["max_positions"], base["tokenizer_max_length"]) if n]
    if limits and settings.max_length > min(limits):
        raise CodingAssistantError(f"max_length {settings.max_length} exceeds the encoder's {min(limits)} positions")
    prefix, suffix = special_tokens(tokenizer)
    try:
        return Chunking(
            settings.max_length, settings.stride, settings.max_chunks, prefix, suffix, pad_id, settings.pooling
        )
    except ValueError as exc:
        raise CodingAssistantError(f"chunking settings: {exc}") from exc


def _base_rate_bias(y: np.ndarray) -> torch.Tensor:
    """Head bias at each label's training log-odds: rare labels start near their rate, not at 0.5."""
    rate = (y.sum(axis=0) + 0.5) / (len(y) + 1.0)
    return torch.from_numpy(np.log(rate / (1 - rate)).astype(np.float32))


def _optimiser(
    model: ChunkClassifier, settings: TransformerSettings, steps: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
    """AdamW with a larger step for the new head; linear warm-up then linear decay to zero."""
    groups = [
        {"params": list(model.encoder.parameters()), "lr": settings.learning_rate},
        {"params": list(model.head.parameters()), "lr": settings.head_learning_rate},
    ]
    optimiser = torch.optim.AdamW(groups, weight_decay=settings.weight_decay)
    warmup = max(1, int(steps * settings.warmup_share))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (steps - step) / max(1, steps - warmup))

    return optimiser, torch.optim.lr_scheduler.LambdaLR(optimiser, factor)


def _train_epochs(
    model: ChunkClassifier,
    chunks: list[list[list[int]]],
    y: np.ndarray,
    chunking: Chunking,
    settings: TransformerSettings,
    fingerprint: str = "",
    run: dict[str, Any] | None = None,
) -> list[float]:
    """Mini-batches of letters (all their chunks); BCE on the pooled letter logits. Mean loss per epoch.

    `accumulation` mini-batches make one optimiser step; with a checkpoint folder, training resumes at the
    mini-batch after the last checkpoint written for the same `fingerprint` (same data, labels and settings)."""
    from coding_assistant.classifier.checkpoints import Checkpointer
    from coding_assistant.classifier.device import Precision, resolve_device

    device = resolve_device(settings.device)
    precision = Precision.for_device(device, settings.mixed_precision)
    model.to(device)
    accumulation = max(1, settings.accumulation)
    batches_per_epoch = math.ceil(len(chunks) / settings.batch_size)
    steps_per_epoch = math.ceil(batches_per_epoch / accumulation)
    optimiser, scheduler = _optimiser(model, settings, steps_per_epoch * settings.epochs)
    loss_function = torch.nn.BCEWithLogitsLoss()
    targets = torch.from_numpy(y.astype(np.float32))
    folder = Path(settings.checkpoint_dir) if settings.checkpoint_dir else None
    checkpoints = Checkpointer(folder, fingerprint, settings.checkpoint_every)
    state = checkpoints.resume(model, optimiser, scheduler, precision.scaler)
    losses = list(state.losses)
    started, letters_seen = time.perf_counter(), 0
    for epoch in range(state.epoch, settings.epochs):
        model.train()
        # One generator per epoch, from the seed: a resumed run draws the same order as an uninterrupted one.
        order = np.random.default_rng([settings.seed, epoch]).permutation(len(chunks))
        first = state.batch if epoch == state.epoch else 0
        total = state.total if epoch == state.epoch else 0.0
        for batch in range(first, batches_per_epoch):
            letters = order[batch * settings.batch_size : (batch + 1) * settings.batch_size]
            flat = [chunk for i in letters for chunk in chunks[i]]
            ids, mask = pad_chunks(flat, chunking.pad_id)
            with precision.autocast():
                chunk_logits = model(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
                letter_logits = pool_chunk_logits(chunk_logits, [len(chunks[i]) for i in letters], chunking.pooling)
            # The loss in float32 whatever the forward pass ran in: BCE on half-precision logits loses the tail.
            loss = loss_function(letter_logits.float(), targets[letters].to(device))
            precision.backward(loss / accumulation)
            total += float(loss.detach()) * len(letters)
            letters_seen += len(letters)
            last_of_step = (batch + 1) % accumulation == 0 or batch + 1 == batches_per_epoch
            if last_of_step:
                # Clipping keeps the first steps of a randomly initialised head from wrecking the encoder.
                precision.step(optimiser, model.parameters(), max_norm=1.0)
                optimiser.zero_grad()
                scheduler.step()
                checkpoints.after_step(epoch, batch + 1, total, losses, model, optimiser, scheduler, precision.scaler)
        losses.append(total / len(chunks))
        checkpoints.save(epoch + 1, 0, 0.0, losses, model, optimiser, scheduler, precision.scaler)
        logger.info("epoch %d/%d: training loss %.4f", epoch + 1, settings.epochs, losses[-1])
    seconds = time.perf_counter() - started
    if run is not None:
        run.update(
            device=str(device),
            device_name=torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
            precision=precision.name,
            accumulation=accumulation,
            resumed_at=None if state.epoch == state.batch == 0 else {"epoch": state.epoch, "batch": state.batch},
            training_stays_per_s=round(letters_seen / seconds, 2) if seconds > 0 else None,
        )
    model.eval()
    model.to("cpu")  # scoring, calibration and the ONNX export run on the CPU, in float32
    return losses


def fit_transformer(
    stays: Sequence[Stay], base_model: Path, settings: TransformerSettings | None = None
) -> FittedTransformer:
    """Split, choose labels, fine-tune encoder + head, calibrate after pooling, tune thresholds."""
    settings = settings or TransformerSettings()
    started = time.perf_counter()
    parts = _split(stays, settings)
    labels = choose_labels(parts["train"], settings.min_count)
    if len(labels) == 0:
        raise CodingAssistantError(f"no code appears in {settings.min_count} training stays: lower --min-count")
    with torch_threads(settings.threads):
        fitted = _fine_tune(parts, labels, base_model, settings)
        y_validation = labels.targets(parts["validation"])
        validation_texts = [s.text for s in parts["validation"]]
        fitted.platt_a, fitted.platt_b = fit_platt(fitted.logits(validation_texts), y_validation)
        fitted.thresholds = tune_thresholds(fitted.scores(validation_texts), y_validation)
    fitted.seconds = time.perf_counter() - started
    return fitted


def _fine_tune(
    parts: dict[str, list[Stay]], labels: LabelSet, base_model: Path, settings: TransformerSettings
) -> FittedTransformer:
    """Encoder + new head trained on the train split; calibration left at identity for the caller to fit."""
    torch.manual_seed(settings.seed)
    encoder, tokenizer, pad_id, base = _load_base(base_model)
    chunking = _chunking(tokenizer, pad_id, base, settings)
    logger.info(
        "fine-tuning %s on %d stays (%d validation, %d test), %d labels",
        base["name"],
        len(parts["train"]),
        len(parts["validation"]),
        len(parts["test"]),
        len(labels),
    )
    y_train = labels.targets(parts["train"])
    model = ChunkClassifier(encoder, len(labels), settings.dropout)
    with torch.no_grad():
        model.head.bias.copy_(_base_rate_bias(y_train))
    train_chunks = chunk_texts(tokenizer, [s.text for s in parts["train"]], chunking)
    from coding_assistant.classifier.checkpoints import fingerprint_of

    fingerprint = fingerprint_of([s.stay_id for s in parts["train"]], labels.labels, base, settings)
    run: dict[str, Any] = {}
    losses = _train_epochs(model, train_chunks, y_train, chunking, settings, fingerprint, run)
    return FittedTransformer(
        model=model,
        tokenizer=tokenizer,
        chunking=chunking,
        labels=labels,
        platt_a=np.ones(len(labels), dtype=np.float32),
        platt_b=np.zeros(len(labels), dtype=np.float32),
        thresholds=np.full(len(labels), 0.5, dtype=np.float32),
        parts=parts,
        base_model=base,
        epoch_losses=losses,
        seconds=0.0,
        settings=settings,
        run=run,
    )


def train_transformer(
    stays: Sequence[Stay],
    output: Path,
    name: str,
    base_model: Path,
    settings: TransformerSettings | None = None,
    dev_stays: Sequence[Stay] | None = None,
) -> ModelBundle:
    """Fine-tune `base_model` (a local Hugging Face encoder folder), calibrate, tune thresholds, export to ONNX
    and write the bundle with its card and tokenizer."""
    from coding_assistant.classifier.transformer_export import export_transformer

    fitted = fit_transformer(stays, base_model, settings or TransformerSettings())
    bundle = export_transformer(fitted, output, name, dev_stays)
    return _with_training_run(bundle, fitted.run)


def _with_training_run(bundle: ModelBundle, run: dict[str, Any]) -> ModelBundle:
    """The card also says where and how fast the model trained: GPU figures must name the card that gave them."""
    import json

    from coding_assistant.classifier.bundle import CARD_FILE, read_bundle, write_text_atomic

    card = {**bundle.card, "training_run": run}
    write_text_atomic(bundle.path / CARD_FILE, json.dumps(card, indent=2, ensure_ascii=False))
    return read_bundle(bundle.path)
