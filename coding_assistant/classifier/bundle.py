"""The model bundle: a folder with model.onnx, labels.json, thresholds.json and card.json.

Reading a bundle needs only the standard library and numpy, so that prediction never imports the
training stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coding_assistant.errors import CodingAssistantError

MODEL_FILE = "model.onnx"
LABELS_FILE = "labels.json"
THRESHOLDS_FILE = "thresholds.json"
CARD_FILE = "card.json"
# 3: the TF-IDF graph reads two inputs (the normal form and its character window, see tfidf_inputs.py).
# 2: the TF-IDF graph reads one input, the normal form as a (texts, 1) column; still served, more slowly.
BUNDLE_FORMAT = 3
# Formats each backend reads: the transformer graph did not change between 2 and 3.
READABLE_FORMATS = {"tfidf": {2, 3}, "transformer": {2, 3}}


class ModelBundleError(CodingAssistantError):
    """A model folder that is missing, incomplete or inconsistent."""


@dataclass
class ModelBundle:
    """What a predictor needs: the ONNX graph, one label per output, per-label thresholds and the card."""

    path: Path
    labels: list[str]
    levels: list[str]  # "code" (full CIM-10 code) or "category" (3 characters), one per label
    thresholds: np.ndarray
    card: dict[str, Any]

    @property
    def model_file(self) -> Path:
        return self.path / MODEL_FILE

    @property
    def name(self) -> str:
        return str(self.card.get("name", self.path.name))

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unknown"))

    @property
    def backend(self) -> str:
        return str(self.card.get("backend", "tfidf"))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelBundleError(f"{path.parent}: not a model folder ({path.name} is missing)") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelBundleError(f"{path}: unreadable ({exc})") from exc


def read_bundle(path: Path) -> ModelBundle:
    """Read and check a model folder; errors name the folder and what is wrong."""
    path = Path(path)
    if not path.is_dir():
        raise ModelBundleError(f"{path}: no such model folder (train one with `coding-assistant train`)")
    card = _read_json(path / CARD_FILE)
    labels_doc = _read_json(path / LABELS_FILE)
    thresholds_doc = _read_json(path / THRESHOLDS_FILE)
    if not (path / MODEL_FILE).is_file():
        raise ModelBundleError(f"{path}: {MODEL_FILE} is missing")
    backend = str(card.get("backend", "tfidf"))
    found = card.get("bundle_format")
    if found not in READABLE_FORMATS.get(backend, {BUNDLE_FORMAT}):
        older = isinstance(found, int) and found < BUNDLE_FORMAT
        raise ModelBundleError(
            f"{path}: bundle format {found} ({backend} backend) cannot be read by this version, which writes "
            f"format {BUNDLE_FORMAT}"
            + (": train the model again with `coding-assistant train`" if older else ": update coding-assistant")
        )
    labels = [entry["label"] for entry in labels_doc]
    levels = [entry["level"] for entry in labels_doc]
    # One threshold per output, in output order: a category and a DP category share their label ("I50").
    if not isinstance(thresholds_doc, list) or len(thresholds_doc) != len(labels):
        raise ModelBundleError(f"{path}: {THRESHOLDS_FILE} must list one threshold per label of {LABELS_FILE}")
    for entry, label, level in zip(thresholds_doc, labels, levels, strict=True):
        if entry.get("label") != label or entry.get("level") != level:
            raise ModelBundleError(f"{path}: {THRESHOLDS_FILE} and {LABELS_FILE} disagree at label {label} ({level})")
    thresholds = np.array([entry["threshold"] for entry in thresholds_doc], dtype=np.float32)
    return ModelBundle(path=path, labels=labels, levels=levels, thresholds=thresholds, card=card)


def write_text_atomic(path: Path, text: str) -> None:
    # The package's one atomic writer: no temporary file left behind, OutputError when it cannot be written;
    # files get the umask's permissions (a model folder is read by other accounts: batch, UI). Imported here:
    # reading a bundle (prediction) stays light.
    from coding_assistant.formats.atomic import atomic_write_text

    atomic_write_text(path, text)


def write_bundle(
    path: Path,
    model_bytes: bytes,
    labels: list[str],
    levels: list[str],
    thresholds: np.ndarray,
    card: dict[str, Any],
) -> ModelBundle:
    """Write a bundle into `path` (created if needed); every file is replaced atomically, card last."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    from coding_assistant.formats.atomic import atomic_write_bytes

    atomic_write_bytes(path / MODEL_FILE, model_bytes)
    write_text_atomic(
        path / LABELS_FILE,
        json.dumps([{"label": label, "level": level} for label, level in zip(labels, levels, strict=True)]),
    )
    write_text_atomic(
        path / THRESHOLDS_FILE,
        json.dumps(
            [
                {"label": label, "level": level, "threshold": round(float(t), 6)}
                for label, level, t in zip(labels, levels, thresholds, strict=True)
            ],
            indent=0,
        ),
    )
    card = {**card, "bundle_format": BUNDLE_FORMAT}
    write_text_atomic(path / CARD_FILE, json.dumps(card, indent=2, ensure_ascii=False))
    return read_bundle(path)
