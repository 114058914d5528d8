"""Load the generator's vocabulary and templates (JSON files under `data/`), once per process.

Everything a letter can say lives in these files, so that a DIM can read, review and extend the
corpus without touching code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=8)
def load_json(name: str) -> Any:
    """One JSON file of `data/`, parsed once per process (callers must not modify it)."""
    return _read(name)


@dataclass(frozen=True)
class SynthData:
    """The generator's data files, parsed."""

    rules: dict[str, Any]
    style: dict[str, Any]
    frames: dict[str, Any]
    drugs: dict[str, Any]
    biology: dict[str, Any]
    measurements: dict[str, Any]
    comorbidities: dict[str, Any]
    distractors: dict[str, Any]
    oncology: dict[str, Any]
    external_causes: dict[str, Any]
    status: dict[str, Any]
    hospital: dict[str, Any]
    scenarios: tuple[dict[str, Any], ...]


@lru_cache(maxsize=1)
def load_data() -> SynthData:
    # Scenario files are read in name order so that the scenario list, hence the output, never depends
    # on the file system's listing order.
    scenarios: list[dict[str, Any]] = []
    for path in sorted((DATA_DIR / "scenarios").glob("*.json")):
        scenarios.extend(_read(f"scenarios/{path.name}"))
    return SynthData(
        rules=_read("rules.json"),
        style=_read("style.json"),
        frames=_read("frames.json"),
        drugs=_read("drugs.json"),
        biology=_read("biology.json"),
        measurements=_read("measurements.json"),
        comorbidities=_read("comorbidities.json"),
        distractors=_read("distractors.json"),
        oncology=_read("oncology.json"),
        external_causes=_read("external_causes.json"),
        status=_read("status.json"),
        hospital=_read("hospital.json"),
        scenarios=tuple(scenarios),
    )
