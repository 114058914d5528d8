"""`coding-assistant train`: learn a model bundle from coded stays (synthetic corpus or a DIM's history)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from coding_assistant.errors import CodingAssistantError


class Backend(StrEnum):
    tfidf = "tfidf"
    transformer = "transformer"


def train_command(
    input: Annotated[Path, typer.Option("--input", help="coded stays: JSONL, a folder of JSONL, or an RSS file")],
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
) -> None:
    """Train a classifier, calibrate it, tune per-code thresholds on a validation split, export it to ONNX
    and write the model folder with its card (held-out figures, data summary, versions)."""
    from coding_assistant.stay_sources import read_coded_stays

    stays = read_coded_stays(input, documents, join_on)
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
        bundle = train_transformer(
            stays, output, model_name, base_model, TransformerSettings(min_count=min_count), dev_stays
        )
    from coding_assistant.classifier.train import split_of
    from coding_assistant.pipeline.training import fit_model_fusion

    split = TrainSettings()
    validation = [s for s in stays if split_of(s.stay_id, split) == "validation" and s.codes and s.documents]
    test = [s for s in stays if split_of(s.stay_id, split) == "test" and s.codes and s.documents]
    fit_model_fusion(output, validation, test, dev_stays)
    card = read_bundle(output).card
    typer.echo(f"model {bundle.name} {bundle.version} written to {output}")
    typer.echo(json.dumps({"classifier": card["metrics"], "pipeline": card["pipeline"]["metrics"]}, indent=2))
