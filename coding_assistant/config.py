"""Settings from the environment (prefix CODING_ASSISTANT_) or a TOML file, with embedded defaults."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from coding_assistant.errors import CodingAssistantError

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


def bundled_folder(name: str) -> Path:
    """A folder the product ships (`terminologies`, `ui`): inside the installed package, where the wheel puts it
    (coding_assistant/bundled/NAME, pyproject.toml's package-dir), else the checkout's NAME/ at the repository root,
    where it lives in the sources and where an editable install reads it."""
    installed = resources.files("coding_assistant") / "bundled" / name
    # A Path only: the data are read with open() and handed to Streamlit as files, which a zipped install cannot do.
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return REPOSITORY_ROOT / name


BUNDLED_TERMINOLOGIES = bundled_folder("terminologies")
BUNDLED_CIM10 = BUNDLED_TERMINOLOGIES / "cim10" / "cim10_fr_2025.csv"
BUNDLED_WORDINGS = BUNDLED_TERMINOLOGIES / "wordings" / "hector_2019.csv"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coding-assistant"


ENV_PREFIX = "CODING_ASSISTANT_"
# Named here because they cross process boundaries: the `ui` command hands the store's URL to the Streamlit
# server in DB_URL_ENV, and the `--db` / `--finess` options show these names in their help.
DB_URL_ENV = f"{ENV_PREFIX}DB_URL"
FINESS_ENV = f"{ENV_PREFIX}FINESS"


class Settings(BaseSettings):
    """Where things are and which terminology to use. Every field can be set as CODING_ASSISTANT_<NAME>."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="SQLite store, models and run reports")
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="compact terminology caches")
    terminology_source: Literal["atih_csv", "edsnlp", "atih", "claml"] = Field(
        default="atih_csv",
        description="atih_csv: the CIM-10 FR table shipped in terminologies/cim10 (or terminology_path); "
        "edsnlp: the ATIH table shipped in edsnlp; atih: LIBCIM10MULTI.TXT; claml: XML",
    )
    terminology_path: Path | None = Field(
        default=None, description="file for the atih and claml sources; another year's CSV for atih_csv"
    )
    terminology_year: str | None = Field(default=None, description="version label shown in cards and reports")
    lexicon_path: Path = Field(default=BUNDLED_TERMINOLOGIES / "lexique_clinique.csv")
    bundled_wordings: bool = Field(
        default=True, description="read the shipped clinicians' wordings (terminologies/wordings/hector_2019.csv)"
    )
    # NoDecode: the environment gives paths separated by os.pathsep ("a.csv:b.csv"), not a JSON list.
    wordings_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="a site's own wording -> code CSV files, read after the shipped ones"
    )
    ccam_dir: Path = Field(default=BUNDLED_TERMINOLOGIES / "ccam")
    propose_acts: bool = Field(
        default=True, description="propose CCAM acts from the documents (operative reports, letters)"
    )
    grouping_preview: bool = Field(
        default=True,
        description="group the proposed coding (aperçu de groupage) and find the best revaluation, with the proposals",
    )
    probable_is_hypothetical: bool = Field(
        default=True, description="'probable X' is not coded; a DIM that codes probable diagnoses sets False"
    )
    das_from_antecedents: Literal["all", "cared_for"] = Field(
        default="all",
        description=(
            "all: a chronic condition named only among the antecedents is pre-ticked as a DAS, as many coders add "
            "them; cared_for: it is listed unticked unless the letter describes a care of it during the stay "
            "(the ATIH's DAS definition, read strictly)"
        ),
    )
    qualifier_engine: Literal["rules", "edsnlp"] = Field(
        default="rules",
        description="negation / hypothesis / family / history: rules (own matcher, no spaCy) or edsnlp's pipes",
    )
    # One stay never holds a night (coding_assistant/stay_limits.py): far above real letters (a few thousand
    # characters; 1,000,000 codes in about 4 s), far below an export gone wrong.
    max_document_chars: int = Field(
        default=1_000_000, ge=1, description="a longer document fails its stay (batch, predict) before coding"
    )
    max_stay_chars: int = Field(
        default=3_000_000, ge=1, description="documents of one stay together; a longer stay fails before coding"
    )
    stay_time_budget_s: float = Field(
        default=120.0, ge=0, description="batch: a stay whose coding takes longer fails alone; 0 = no budget"
    )
    db_url: str | None = Field(
        default=None,
        description="the store's SQLAlchemy URL for ui, users, export (default: the SQLite file in data_dir)",
    )
    finess: str = Field(default="", description="the FINESS `export` writes when --finess is not given")

    @field_validator("db_url")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        # An empty variable means "not set", as the command line's --db option reads it.
        return value or None

    @field_validator("wordings_paths", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part) for part in value.split(os.pathsep) if part.strip()]
        return value

    def wordings_files(self) -> list[Path]:
        """Every wordings file to read: the shipped one (unless switched off), then the site's own, in order."""
        return [*([BUNDLED_WORDINGS] if self.bundled_wordings else []), *self.wordings_paths]


class SettingsError(CodingAssistantError):
    """A CODING_ASSISTANT_* value that cannot be used; the message names the setting and what it accepts."""


def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "a setting"
        reason = first.get("msg", "invalid value").removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise SettingsError(f"setting CODING_ASSISTANT_{name.upper()}: {reason}{more}") from None
