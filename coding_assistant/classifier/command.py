"""`coding-assistant train`: learn a model bundle from coded stays (synthetic corpus or a DIM's history)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay


def check_writable_folder(folder: Path) -> None:
    """Create the output folder and write (then remove) a probe file in it: a read-only or full file system is
    one clear error before the training, not a traceback after it."""
    from coding_assistant.formats.atomic import atomic_write_text, output_error

    probe = folder / ".write-check"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(probe, "ok\n")
        probe.unlink()
    except OSError as exc:
        raise output_error(folder, exc) from None


@dataclass(frozen=True)
class GpuOptions:
    """The transformer backend's device options (the TF-IDF backend ignores them)."""

    device: str = "auto"
    accumulation: int = 1
    checkpoints: str | None = None
    epochs: int | None = None


class Backend(StrEnum):
    tfidf = "tfidf"
    transformer = "transformer"


def train_command(
    output: Annotated[Path, typer.Option("--output", help="model folder to write (e.g. models/site-2026)")],
    backend: Annotated[Backend, typer.Option("--backend", help="tfidf (fast, CPU) or transformer")] = Backend.tfidf,
    documents: Annotated[
        Path | None, typer.Option("--documents", help="folder of letters joined to an RSS --input")
    ] = None,
    join_on: Annotated[str, typer.Option("--join-on", help="RSS join key: rss or admin number")] = "rss",
    base_model: Annotated[
        Path | None, typer.Option("--base-model", help="local Hugging Face encoder folder (transformer backend)")
    ] = None,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="stays a code needs to become a label")] = 5,
    dev: Annotated[
        Path | None, typer.Option("--dev", help="hand-written stays to report figures on (never trained on)")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="model name in the card (default: folder name)")] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="parallel workers")] = 2,
    input: Annotated[
        Path | None, typer.Option("--input", help="coded stays: JSONL, a folder of JSONL, or an RSS file")
    ] = None,
    from_store: Annotated[
        bool, typer.Option("--from-store", help="also train on the store's validated and exported stays")
    ] = False,
    db: Annotated[str | None, typer.Option("--db", help="store URL (default: the data directory's SQLite)")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="store stays discharged on or after this date (YYYY-MM-DD)")
    ] = None,
    synthetic: Annotated[
        int, typer.Option("--synthetic", min=0, help="add N synthetic stays (each weighs as one site stay)")
    ] = 0,
    register: Annotated[bool, typer.Option("--register", help="register the model in the store's registry")] = False,
    device: Annotated[str, typer.Option("--device", help="transformer: auto, cpu or cuda")] = "auto",
    accumulation: Annotated[
        int, typer.Option("--accumulation", min=1, help="transformer: mini-batches per optimiser step")
    ] = 1,
    checkpoints: Annotated[
        Path | None, typer.Option("--checkpoints", help="transformer: resumable checkpoints folder")
    ] = None,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="transformer: passes over the stays")] = None,
) -> None:
    """Train a classifier, calibrate it, tune per-code thresholds on a validation split, export it to ONNX
    and write the model folder with its card (held-out figures, data summary, versions)."""
    from coding_assistant.learning.command import open_store_for, parse_day
    from coding_assistant.learning.from_store import gather_training_data, record_training_data
    from coding_assistant.stay_sources import read_coded_stays

    if input is None and not from_store and not synthetic:
        raise CodingAssistantError("give --input FILE, --from-store or --synthetic N (or several)")
    check_writable_folder(output)  # before minutes of training, not after
    store = open_store_for(db) if from_store or register else None
    try:
        data = gather_training_data(
            read_coded_stays(input, documents, join_on) if input is not None else None,
            store if from_store else None,
            parse_day(since, "--since") if since else None,
            synthetic,
        )
        gpu = GpuOptions(device, accumulation, str(checkpoints) if checkpoints else None, epochs)
        _train(data.stays, output, backend, base_model, min_count, dev, name, jobs, gpu)
        record_training_data(output, data)
        if store is not None and register:
            from coding_assistant.learning.registry import register_model

            registered = register_model(store, output)
            typer.echo(f"registered {registered.name} {registered.version} (not active: `models activate`)")
    finally:
        if store is not None:
            store.close()


def _train(
    stays: Sequence[Stay],
    output: Path,
    backend: Backend,
    base_model: Path | None,
    min_count: int,
    dev: Path | None,
    name: str | None,
    jobs: int,
    gpu: GpuOptions,
) -> None:
    from coding_assistant.stay_sources import read_coded_stays

    dev_stays = read_coded_stays(dev) if dev else None
    model_name = name or output.name
    from coding_assistant.classifier.bundle import read_bundle
    from coding_assistant.classifier.train import TrainSettings

    if backend is Backend.tfidf:
        from coding_assistant.classifier.train import train_tfidf

        bundle = train_tfidf(stays, output, model_name, TrainSettings(min_count=min_count, n_jobs=jobs), dev_stays)
    else:
        if base_model is None:
            raise CodingAssistantError("--backend transformer needs --base-model PATH (a local encoder folder)")
        try:
            from coding_assistant.classifier.transformer_train import TransformerSettings, train_transformer
        except ImportError as exc:
            raise CodingAssistantError(
                f"the transformer backend needs the 'transformer' extra (pip install '.[transformer]'): {exc}"
            ) from exc
        settings = TransformerSettings(
            min_count=min_count,
            device=gpu.device,
            accumulation=gpu.accumulation,
            checkpoint_dir=gpu.checkpoints,
        )
        if gpu.epochs is not None:
            settings.epochs = gpu.epochs
        bundle = train_transformer(stays, output, model_name, base_model, settings, dev_stays)
    from coding_assistant.classifier.train import split_of
    from coding_assistant.pipeline.training import fit_model_fusion

    split = TrainSettings()
    validation = [s for s in stays if split_of(s.stay_id, split) == "validation" and s.codes and s.documents]
    test = [s for s in stays if split_of(s.stay_id, split) == "test" and s.codes and s.documents]
    fit_model_fusion(output, validation, test, dev_stays)
    card = read_bundle(output).card
    typer.echo(f"model {bundle.name} {bundle.version} written to {output}")
    typer.echo(json.dumps({"classifier": card["metrics"], "pipeline": card["pipeline"]["metrics"]}, indent=2))
