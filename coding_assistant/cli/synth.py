"""`coding-assistant synth`: write a synthetic corpus of stays as JSONL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def synth_command(
    n: Annotated[int, typer.Option("--n", min=0, help="number of stays to generate")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="random seed: the same seed gives the same corpus")] = 0,
    output: Annotated[Path, typer.Option("--output", help="JSONL file to write (replaced atomically)")] = Path(
        "stays.jsonl"
    ),
    hospital_share: Annotated[
        float | None,
        typer.Option(
            "--hospital-share",
            min=0.0,
            max=1.0,
            help="share of stays written in the hospital house style (default 0.45, data/hospital.json)",
        ),
    ] = None,
) -> None:
    """Generate synthetic French discharge letters with gold PMSI codes (DP, DR, DAS).

    Each stay has one to three documents (CRH or session report, sometimes an operative report, a delivery
    report or a letter to the GP) and codes that respect the ATIH position types and the patient's sex and
    age. A share of the stays (--hospital-share) is written as hospital clinicians write: hospital headings,
    telegraphic antecedents with the status codes a coder gives them, brand-name prescriptions, short letters
    of day hospital and ambulatory surgery. Example: coding-assistant synth --n 10000 --seed 42 --output stays.jsonl
    """
    from coding_assistant.schema import write_jsonl
    from coding_assistant.synth.generator import generate_stays  # the corpus data load only when used

    count = write_jsonl(output, generate_stays(n, seed, hospital_share=hospital_share))
    typer.echo(f"wrote {count} stays to {output}")
