"""Resumable checkpoints of a transformer fine-tuning: fine-tuning 100,000 stays takes hours, and a killed job
(a preempted GPU, a reboot) must not start over.

A checkpoint holds the model, optimiser, scheduler and loss-scaler states, the torch random state (dropout) and
where training stands (epoch, next mini-batch, running loss). It is written at optimiser-step boundaries only, so
no half-accumulated gradient is lost, to a temporary file renamed over the previous one: a kill while writing
leaves the previous checkpoint whole. A checkpoint made for other data, labels or settings (its fingerprint
differs) is ignored and replaced, never resumed from.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from coding_assistant.formats.atomic import atomic_binary_file

logger = logging.getLogger(__name__)

CHECKPOINT_FILE = "checkpoint.pt"
# Settings that change what training computes; threads, device and checkpoint cadence do not (on the same
# device), so a run resumed with more threads or on a GPU continues the same training.
_FINGERPRINT_SETTINGS = (
    "epochs",
    "batch_size",
    "accumulation",
    "learning_rate",
    "head_learning_rate",
    "weight_decay",
    "warmup_share",
    "dropout",
    "seed",
    "max_length",
    "stride",
    "max_chunks",
    "pooling",
)


def fingerprint_of(stay_ids: Sequence[str], labels: Sequence[str], base: dict[str, Any], settings: Any) -> str:
    digest = hashlib.sha256()
    payload = {
        "stays": list(stay_ids),
        "labels": list(labels),
        "base": base,
        "settings": {name: getattr(settings, name) for name in _FINGERPRINT_SETTINGS},
    }
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()


@dataclass
class TrainingState:
    epoch: int = 0
    batch: int = 0  # the next mini-batch of `epoch`
    total: float = 0.0  # running loss sum of `epoch`
    losses: list[float] = field(default_factory=list)


class Checkpointer:
    def __init__(self, folder: Path | None, fingerprint: str, every: int) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.fingerprint = fingerprint
        self.every = max(1, every)
        self.steps = 0

    @property
    def path(self) -> Path | None:
        return self.folder / CHECKPOINT_FILE if self.folder is not None else None

    def resume(self, model: torch.nn.Module, optimiser: Any, scheduler: Any, scaler: Any) -> TrainingState:
        """Load the matching checkpoint into the given objects; a fresh state when there is none."""
        path = self.path
        if path is None or not path.is_file():
            return TrainingState()
        # weights_only=False: the optimiser and RNG states are plain containers of tensors and numbers, and the
        # file is one this process family wrote into the site's own folder.
        saved = torch.load(path, map_location="cpu", weights_only=False)
        if saved.get("fingerprint") != self.fingerprint:
            logger.warning("checkpoint %s: made for other data or settings; training starts over", path)
            return TrainingState()
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        scheduler.load_state_dict(saved["scheduler"])
        if scaler is not None and saved.get("scaler") is not None:
            scaler.load_state_dict(saved["scaler"])
        torch.set_rng_state(saved["rng"])
        state = TrainingState(saved["epoch"], saved["batch"], saved["total"], list(saved["losses"]))
        logger.info("resuming from checkpoint: epoch %d, mini-batch %d", state.epoch + 1, state.batch)
        return state

    def after_step(self, epoch: int, batch: int, total: float, losses: list[float], *objects: Any) -> None:
        self.steps += 1
        if self.steps % self.every == 0:
            self.save(epoch, batch, total, losses, *objects)

    def save(
        self,
        epoch: int,
        batch: int,
        total: float,
        losses: list[float],
        model: torch.nn.Module,
        optimiser: Any,
        scheduler: Any,
        scaler: Any,
    ) -> None:
        path = self.path
        if path is None:
            return
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {
            "fingerprint": self.fingerprint,
            "epoch": epoch,
            "batch": batch,
            "total": total,
            "losses": list(losses),
            "model": {k: v.detach().to("cpu") for k, v in model.state_dict().items()},
            "optimiser": optimiser.state_dict(),
            "scheduler": scheduler.state_dict(),
            "scaler": scaler.state_dict() if scaler is not None else None,
            "rng": torch.get_rng_state(),
        }
        with atomic_binary_file(path) as handle:  # a run killed mid-save keeps the previous checkpoint whole
            torch.save(payload, handle)
