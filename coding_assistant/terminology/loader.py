"""Load the configured terminology and its search index, through a compact on-disk cache.

The first load parses the source and builds the index (about ten seconds with the shipped clinicians'
wordings, once per change of an input); later loads read one pickle keyed by the content hash of every
input file, so a new yearly table, an edited lexicon or a new wordings file rebuilds it.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant import __version__
from coding_assistant.config import BUNDLED_CIM10, Settings, get_settings
from coding_assistant.errors import TerminologyFileError, unreadable
from coding_assistant.formats.atomic import OutputError, atomic_binary_file
from coding_assistant.terminology.ccam import CcamAct, ccam_prefix, read_ccam
from coding_assistant.terminology.lexicon import LexiconEntry, read_lexicon
from coding_assistant.terminology.model import CodeEntry, Terminology
from coding_assistant.terminology.search import IndexedCode, SearchIndex
from coding_assistant.terminology.sources import (
    EDSNLP_TABLE_VERSION,
    atih_csv_version,
    edsnlp_table_bytes,
    read_atih_csv,
    read_atih_txt,
    read_claml,
    read_edsnlp_table,
)
from coding_assistant.terminology.wordings import Wording, read_all
from coding_assistant.text.normalize import normalise_text

logger = logging.getLogger(__name__)

# Bump when the pickled structures change shape, or what they hold for the same input files.
CACHE_FORMAT = 22


@dataclass
class LoadedTerminology:
    terminology: Terminology
    lexicon: list[LexiconEntry]
    index: SearchIndex


def content_digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:20]


def read_input_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TerminologyFileError(unreadable(path, exc)) from exc


def _table_path(settings: Settings) -> Path | None:
    """The table file: the configured one, else the shipped CSV for atih_csv (edsnlp needs none)."""
    if settings.terminology_path is None and settings.terminology_source == "atih_csv":
        return BUNDLED_CIM10
    return settings.terminology_path


def source_bytes(settings: Settings) -> bytes:
    if settings.terminology_source == "edsnlp":
        return edsnlp_table_bytes()
    path = _table_path(settings)
    if path is None:
        raise TerminologyFileError(
            f"terminology source {settings.terminology_source!r} needs CODING_ASSISTANT_TERMINOLOGY_PATH"
        )
    return read_input_bytes(path)


def terminology_version(settings: Settings | None = None) -> str:
    """The version the configured table is shown under ("CIM-10 FR 2025 (ATIH)"), without reading it: a
    model card names its table without loading and indexing 42,000 codes."""
    settings = settings or get_settings()
    year = settings.terminology_year
    if settings.terminology_source == "edsnlp":
        return f"{EDSNLP_TABLE_VERSION} {year}" if year else EDSNLP_TABLE_VERSION
    path = _table_path(settings)
    assert path is not None
    if settings.terminology_source == "atih_csv":
        return atih_csv_version(path, year)
    kind = "LIBCIM10MULTI" if settings.terminology_source == "atih" else "ClaML"
    version = f"ATIH {kind} ({path.name})"
    return f"{version} {year}" if year else version


def _read_entries(settings: Settings) -> tuple[list[CodeEntry], str]:
    """The table's entries and its version as shown in model cards and proposals."""
    year = settings.terminology_year
    if settings.terminology_source == "edsnlp":
        version = EDSNLP_TABLE_VERSION
        return read_edsnlp_table(), f"{version} {year}" if year else version
    path = _table_path(settings)
    assert path is not None
    if settings.terminology_source == "atih_csv":
        entries = read_atih_csv(path)
    elif settings.terminology_source == "atih":
        entries = read_atih_txt(path)
    else:
        entries = read_claml(path)
    return entries, terminology_version(settings)


def wordings_bytes(settings: Settings) -> bytes:
    """Every wordings file's name and content, for the cache keys."""
    return b"".join(
        str(path).encode() + b"\0" + hashlib.sha256(read_input_bytes(path)).digest()
        for path in settings.wordings_files()
    )


def expansions_from_lexicon(lexicon: list[LexiconEntry]) -> dict[str, list[str]]:
    """Normalised term -> normalised expansions, for query rewriting."""
    expansions: dict[str, list[str]] = {}
    for entry in lexicon:
        term, expansion = normalise_text(entry.term), normalise_text(entry.expansion)
        if term and expansion and term != expansion:
            expansions.setdefault(term, []).append(expansion)
    return expansions


def build_cim10_index(
    terminology: Terminology, lexicon: list[LexiconEntry], wordings: Sequence[Wording] = ()
) -> SearchIndex:
    extra: dict[str, list[str]] = {}
    for entry in lexicon:
        for code in entry.codes:
            extra.setdefault(code, []).extend([entry.term, entry.expansion])
    # Search, unlike mentions, can afford every form of every wording: a query is scored against all of
    # them and a code keeps its best, so a long or loose wording costs ranking noise, not false codes.
    secondary: dict[str, list[str]] = {}
    for wording in wordings:
        secondary.setdefault(wording.code, []).extend(wording.forms())
    indexed = [
        IndexedCode(
            code=entry.code,
            label=entry.label,
            codable=entry.codable,
            wordings=[entry.label, *entry.synonyms, *extra.get(entry.code, [])],
            parent=entry.parent,
            children=entry.children,
            secondary=secondary.get(entry.code, []),
        )
        for entry in terminology
        if not entry.deleted
    ]
    return SearchIndex(indexed, expansions_from_lexicon(lexicon))


def build_ccam_index(acts: dict[str, CcamAct], lexicon: list[LexiconEntry]) -> SearchIndex:
    indexed = [
        IndexedCode(code=act.code, label=act.label, codable=not act.end_date, wordings=[act.label, act.short_label])
        for act in acts.values()
    ]
    return SearchIndex(indexed, expansions_from_lexicon(lexicon), code_prefix=ccam_prefix)


def cache_path(settings: Settings, kind: str, key: str) -> Path:
    return Path(settings.cache_dir) / f"{kind}-{key}.pickle"


def read_cache(path: Path) -> object | None:
    # Unpickling allocates ~10^6 objects: the cyclic GC would walk the growing heap again and again
    # (seconds, not milliseconds, in a process that already holds a large heap).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as handle:
            cached: object = pickle.load(handle)
            return cached
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or foreign cache is rebuilt, never fatal
        logger.warning("ignoring unreadable terminology cache %s (%s)", path, type(exc).__name__)
        return None
    finally:
        if gc_was_enabled:
            gc.enable()


def write_cache(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: a concurrent reader sees the old file or the new one; a failed write leaves no temporary file.
        with atomic_binary_file(path) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except (OSError, OutputError) as exc:
        logger.warning("cannot write terminology cache %s (%s); continuing without it", path, exc)


def load(settings: Settings | None = None, use_cache: bool = True) -> LoadedTerminology:
    """The CIM-10 FR terminology, the lexicon and the search index for these settings."""
    settings = settings or get_settings()
    lexicon_bytes = read_input_bytes(settings.lexicon_path)
    key = content_digest(
        f"{CACHE_FORMAT}|{__version__}|{settings.terminology_source}|{settings.terminology_year}".encode(),
        source_bytes(settings),
        lexicon_bytes,
        wordings_bytes(settings),
    )
    path = cache_path(settings, "cim10", key)
    if use_cache:
        cached = read_cache(path)
        if isinstance(cached, LoadedTerminology):
            return cached
    entries, version = _read_entries(settings)
    terminology = Terminology(entries, source=settings.terminology_source, version=version)
    known = {entry.code for entry in terminology}
    lexicon = read_lexicon(settings.lexicon_path, known_codes=known if settings.terminology_source != "claml" else None)
    wordings = read_all(settings.wordings_files(), terminology)
    loaded = LoadedTerminology(terminology, lexicon, build_cim10_index(terminology, lexicon, wordings))
    if use_cache:
        write_cache(path, loaded)
    return loaded


def load_ccam_index(settings: Settings | None = None, use_cache: bool = True) -> tuple[dict[str, CcamAct], SearchIndex]:
    settings = settings or get_settings()
    directory = Path(settings.ccam_dir)
    key = content_digest(
        f"{CACHE_FORMAT}|{__version__}".encode(),
        read_input_bytes(directory / "ccam_actes.csv"),
        read_input_bytes(directory / "ccam_code_activite_phase_dernier_tarif.csv"),
        read_input_bytes(settings.lexicon_path),
    )
    path = cache_path(settings, "ccam", key)
    if use_cache:
        cached = read_cache(path)
        if isinstance(cached, tuple) and len(cached) == 2:
            return cached
    acts = read_ccam(directory)
    result = (acts, build_ccam_index(acts, read_lexicon(settings.lexicon_path)))
    if use_cache:
        write_cache(path, result)
    return result


@lru_cache(maxsize=1)
def default_terminology() -> LoadedTerminology:
    """The process-wide terminology for the environment's settings (loaded once)."""
    return load(get_settings())
