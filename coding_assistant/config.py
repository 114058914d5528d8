"""Settings from the environment (prefix CODING_ASSISTANT_) or a TOML file, with embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_TERMINOLOGIES = REPOSITORY_ROOT / "terminologies"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coding-assistant"


class Settings(BaseSettings):
    """Where things are and which terminology to use. Every field can be set as CODING_ASSISTANT_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CODING_ASSISTANT_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="SQLite store, models and run reports")
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="compact terminology caches")
    terminology_source: Literal["edsnlp", "atih", "claml"] = Field(
        default="edsnlp",
        description="edsnlp: the ATIH table shipped in edsnlp; atih: LIBCIM10MULTI.TXT; claml: XML",
    )
    terminology_path: Path | None = Field(default=None, description="file for the atih and claml sources")
    terminology_year: str | None = Field(default=None, description="version label shown in cards and reports")
    lexicon_path: Path = Field(default=BUNDLED_TERMINOLOGIES / "lexique_clinique.csv")
    ccam_dir: Path = Field(default=BUNDLED_TERMINOLOGIES / "ccam")
    probable_is_hypothetical: bool = Field(
        default=True, description="'probable X' is not coded; a DIM that codes probable diagnoses sets False"
    )
    qualifier_engine: Literal["rules", "edsnlp"] = Field(
        default="rules",
        description="negation / hypothesis / family / history: rules (own matcher, no spaCy) or edsnlp's pipes",
    )


def get_settings() -> Settings:
    return Settings()
