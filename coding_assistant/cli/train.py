"""`coding-assistant train`: learn a model bundle from coded stays (synthetic corpus or a DIM's history)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.errors import CodingAssistantError
from coding_assistant.pipeline.model_training import Backend


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
    from coding_assistant.cli.models import open_store_for, parse_day
    from coding_assistant.cli.stay_sources import read_coded_stays
    from coding_assistant.formats.atomic import check_writable_folder
    from coding_assistant.learning.from_store import gather_training_data, record_training_data
    from coding_assistant.pipeline.model_training import GpuOptions, train_model

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
        trained = train_model(
            data.stays,
            output,
            backend,
            base_model=base_model,
            min_count=min_count,
            dev_stays=read_coded_stays(dev) if dev else None,
            name=name,
            jobs=jobs,
            gpu=GpuOptions(device, accumulation, str(checkpoints) if checkpoints else None, epochs),
        )
        typer.echo(f"model {trained.bundle.name} {trained.bundle.version} written to {output}")
        card = trained.card
        typer.echo(json.dumps({"classifier": card["metrics"], "pipeline": card["pipeline"]["metrics"]}, indent=2))
        record_training_data(output, data)
        if store is not None and register:
            from coding_assistant.learning.registry import register_model

            registered = register_model(store, output)
            typer.echo(f"registered {registered.name} {registered.version} (not active: `models activate`)")
    finally:
        if store is not None:
            store.close()
