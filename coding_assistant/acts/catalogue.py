"""The CCAM acts a letter can propose: each active, in-scope act with what its label says, indexed by stem.

Read from the configured CCAM folder (`ccam_actes.csv` and `ccam_code_activite_phase_dernier_tarif.csv`,
CCAM v68, ATIH) with `terminology.ccam.read_ccam`. Left out of the proposals (but kept for the checks):
acts with an end date, and the label starts of `data/scope.csv` (imaging, functional tests, anaesthesia …).
"""

from __future__ import annotations

import hashlib
import logging
import math
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant import __version__
from coding_assistant.acts.data import DATA_DIR, ActData, default_act_data
from coding_assistant.acts.labels import LabelFeatures, read_label
from coding_assistant.errors import TerminologyFileError, unreadable
from coding_assistant.formats.atomic import OutputError, atomic_binary_file
from coding_assistant.terminology.ccam import CcamAct, read_ccam
from coding_assistant.text.normalize import normalise_text

logger = logging.getLogger(__name__)
CACHE_FORMAT = 4  # bump when ActCatalogue's pickled form changes
# An action word shared by more acts than this ("exérèse", "pose") finds candidates only with another word of
# the sentence: alone it says nothing about which act.
GENERIC_ACTION = 40


@dataclass(frozen=True, slots=True)
class ActEntry:
    code: str
    label: str
    features: LabelFeatures
    weight: float  # sum of the positive stems' weights
    words: frozenset[str] = frozenset()  # every word it states: positive, optional and each choice's


class ActCatalogue:
    """Acts by code (every CCAM act, for the checks) and the in-scope ones by stem (for the proposals)."""

    def __init__(self, acts: dict[str, CcamAct], data: ActData) -> None:
        self.acts = acts
        self.data = data
        counted = frozenset(data.counted.values())
        entries: list[ActEntry] = []
        for act in acts.values():
            if act.end_date or not act.label or self._excluded(act.label):
                continue
            features = read_label(act.label, data, counted)
            if features.positive:
                entries.append(ActEntry(act.code, act.label, features, 0.0, _words(features)))
        documents = len(entries) or 1
        frequency: dict[str, int] = {}
        for entry in entries:
            for stem in _words(entry.features):
                frequency[stem] = frequency.get(stem, 0) + 1
        # IDF: a stem that names few acts says more about which act a sentence describes.
        self.weights = {stem: math.log(1.0 + documents / count) for stem, count in frequency.items()}
        self.entries = [ActEntry(e.code, e.label, e.features, self._weight(e.features), e.words) for e in entries]
        self.by_code = {entry.code: entry for entry in self.entries}
        postings: dict[str, list[int]] = {}
        for index, entry in enumerate(self.entries):
            for stem in _words(entry.features):
                postings.setdefault(stem, []).append(index)
        self.postings = {stem: frozenset(ids) for stem, ids in postings.items()}
        # The stems that name few acts (under a tenth of them): those a generic act word's context is read on.
        self.selective = {stem: ids for stem, ids in self.postings.items() if len(ids) < len(self.entries) // 10}
        firsts = {entry.features.first for entry in self.entries}
        # Bracketed synonyms that start with an act word name the act too ("[Sphinctérotomie biliaire …]"), and so
        # does a procedure noun among them: letters write « cyphoplastie », the label « Spondyloplastie expansive
        # [cyphoplastie] ».
        named = {s for e in self.entries for s in e.features.optional if s in firsts}
        self.actions = frozenset(firsts | named | {s for e in self.entries for s in e.features.named_by})

    def _weight(self, features: LabelFeatures) -> float:
        """What a letter must state: every positive word, and one word of each choice (the weightiest)."""
        total = sum(self.weights[s] for s in features.positive)
        return total + sum(max(self.weights[s] for s in choice) for choice in features.choices)

    def _excluded(self, label: str) -> bool:
        folded = normalise_text(label.replace("'", " "))
        return any(folded.startswith(start.replace("'", " ")) for start in self.data.excluded_starts)

    def weight(self, stem: str) -> float:
        return self.weights.get(stem, 0.0)

    def candidates(self, keys: Iterable[str], context: Iterable[str]) -> set[int]:
        """Acts whose label holds every key stem; when the keys are generic, only those that share another
        stem with the context."""
        keys = [k for k in keys if k in self.postings]
        if not keys:
            return set()
        found = set(self.postings[keys[0]])
        for key in keys[1:]:
            found &= self.postings[key]
        if len(found) <= GENERIC_ACTION:
            return found
        keyset = set(keys)
        shared: set[int] = set()
        selective = self.selective
        for stem in context:
            ids = selective.get(stem)
            if ids is not None and stem not in keyset:
                shared |= ids & found
        return shared


def _words(features: LabelFeatures) -> frozenset[str]:
    return features.positive | features.optional | frozenset().union(*features.choices)


def build_catalogue(directory: Path, data: ActData | None = None) -> ActCatalogue:
    return ActCatalogue(read_ccam(Path(directory)), data or default_act_data())


@lru_cache(maxsize=2)
def catalogue_for(directory: str, cache_dir: str | None = None) -> ActCatalogue:
    """The catalogue of a CCAM folder, built once per process and kept in `cache_dir` between processes (the
    labels take about a second to read; a batch starts one process per worker)."""
    if cache_dir is None:
        return build_catalogue(Path(directory))
    return cached_catalogue(Path(directory), Path(cache_dir))


def cached_catalogue(directory: Path, cache_dir: Path) -> ActCatalogue:
    files = [directory / "ccam_actes.csv", directory / "ccam_code_activite_phase_dernier_tarif.csv"]
    # The data files, and the code that reads labels: a change to either rebuilds the catalogue.
    files += sorted(DATA_DIR.glob("*.csv"))
    files += [Path(__file__).with_name(name) for name in ("catalogue.py", "labels.py", "data.py")]
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}".encode())
    for path in files:
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            raise TerminologyFileError(unreadable(path, exc)) from exc
    path = cache_dir / f"acts-{digest.hexdigest()[:20]}.pickle"
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)
        if isinstance(cached, ActCatalogue):
            return cached
    except FileNotFoundError:
        pass
    except Exception as exc:  # a corrupt or foreign cache is rebuilt, never fatal
        logger.warning("ignoring unreadable acts cache %s (%s)", path, type(exc).__name__)
    catalogue = build_catalogue(directory)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Atomic: a concurrent reader sees the old file or the new one; a failed write leaves no temporary file.
        with atomic_binary_file(path) as handle:
            pickle.dump(catalogue, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except (OSError, OutputError) as exc:
        logger.warning("cannot write acts cache %s (%s); continuing without it", path, exc)
    return catalogue


def default_catalogue() -> ActCatalogue:
    """The catalogue of the configured CCAM folder (`CODING_ASSISTANT_CCAM_DIR`), built once per process."""
    from coding_assistant.config import get_settings

    settings = get_settings()
    return catalogue_for(str(Path(settings.ccam_dir).resolve()), str(settings.cache_dir))
