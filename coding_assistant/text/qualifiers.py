"""Qualify mentions: negated, hypothetical, family, history — with the cues that decided.

>>> text = "Pas de récidive de FA. Probable pneumopathie. ATCD familiaux : père IDM."
>>> spans = [(19, 21), (32, 44), (68, 71)]
>>> [text[start:end] for start, end in spans]
['FA', 'pneumopathie', 'IDM']
>>> [(q.negated, q.hypothetical, q.family) for q in qualify_mentions(text, spans)]
[(True, False, False), (False, True, False), (False, False, True)]
>>> qualify_mentions(text, spans, probable_is_hypothetical=False)[1].hypothetical
False

The rules are edsnlp's rule-based qualifiers (eds.negation, eds.hypothesis, eds.family, eds.history, after
eds.normalizer and eds.sentences) with the French letter conventions of `patterns.qualifiers`, plus the
sections of the letter: a mention in "antécédents familiaux" is family, one in "antécédents" is history.

Speed: the pipeline is built once per process (`qualifier_pipeline()`, about 1 s on top of the ~5 s that
importing spaCy's French language costs). Only the sentences holding a mention are tokenised and qualified:
a 1,500-word letter with 30 mentions costs a few milliseconds instead of ~35 ms for the whole text.
"""

from __future__ import annotations

import bisect
import re
import sys
import threading
import time
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coding_assistant.text.patterns import qualifiers as P
from coding_assistant.text.patterns.sections import SECTION_LABELS
from coding_assistant.text.sections import Section, section_at, split_sections

MENTIONS = "mentions"  # the span group the qualifier pipes read
_FAMILY_SECTION = "antecedents_familiaux"
_HISTORY_SECTION = "antecedents"


@dataclass(slots=True)
class Qualifiers:
    """How one mention text[start:end] is meant. `cues` say why, e.g. "negation: 'pas de'"."""

    start: int
    end: int
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    history: bool = False
    cues: list[str] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        """A condition of the patient now: neither negated, hypothetical nor family (history is separate)."""
        return not (self.negated or self.hypothetical or self.family)


@dataclass(frozen=True, slots=True)
class PipelineInfo:
    build_seconds: float
    pipe_names: tuple[str, ...]


# Typographic quotes and apostrophes → ASCII, character for character ("l’embolie" matches "l'embolie").
_PLAIN_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"', "„": '"'}
)

_lock = threading.Lock()
_pipeline: Any = None
_info: PipelineInfo | None = None


def _without(items: Sequence[str], dropped: Sequence[str]) -> list[str]:
    return [item for item in items if item not in set(dropped)]


def _import_spacy_lightly() -> None:
    """Import spaCy and its French language without two costs that buy nothing here.

    - thinc imports torch whenever it is installed (the `transformer` extra): seconds at every start, while
      no pipe here uses it. The name is blocked during this import only; torch stays importable afterwards.
    - `spacy.lang.fr` builds its tokenizer exceptions at import (2–7 s measured), but edsnlp's "eds"
      language replaces them by its own tokenizer and an empty exception table. An empty stand-in is
      served for that one import. (A spaCy French pipeline built later in the same process would have no
      tokenizer exceptions; the product builds none.)
    """
    if "spacy.lang.fr" in sys.modules:
        return
    blocked: dict[str, object] = {}
    if "torch" not in sys.modules:
        blocked["torch"] = None  # makes `import torch` raise ImportError
    exceptions = types.ModuleType("spacy.lang.fr.tokenizer_exceptions")
    exceptions.TOKENIZER_EXCEPTIONS = {}  # type: ignore[attr-defined]
    exceptions.TOKEN_MATCH = None  # type: ignore[attr-defined]
    blocked["spacy.lang.fr.tokenizer_exceptions"] = exceptions
    sys.modules.update(blocked)  # type: ignore[arg-type]
    try:
        import spacy.lang.fr  # noqa: F401
    finally:
        for name in blocked:
            sys.modules.pop(name, None)


def _build() -> Any:
    # Imported here: edsnlp pulls spaCy's French language (seconds); modules that never qualify skip it.
    _import_spacy_lightly()
    import edsnlp
    import edsnlp.pipes as eds
    from edsnlp.pipes.qualifiers.history import patterns as history_patterns
    from edsnlp.pipes.qualifiers.hypothesis import patterns as hypothesis_patterns
    from edsnlp.pipes.qualifiers.negation import patterns as negation_patterns

    nlp = edsnlp.blank("eds")
    # Pollution (footers, page numbers) and space tagging cost half the per-document time; our chunks are
    # whole sentences without layout noise, and the cue lists never span a line break.
    # Quotes are made plain before the text reaches the pipeline (`_PLAIN_QUOTES`, one character for one, so
    # offsets hold): the normalizer's own quote pass was a tenth of the per-stay time.
    nlp.add_pipe(eds.normalizer(pollution=False, spaces=False, quotes=False))
    nlp.add_pipe(eds.sentences(use_bullet_start=True))
    nlp.add_pipe(
        eds.negation(
            span_getter=MENTIONS,
            explain=True,
            preceding=[*negation_patterns.preceding, *P.ADD_NEGATION_PRECEDING],
            following=[
                *_without(negation_patterns.following, P.DROP_NEGATION_FOLLOWING),
                *P.ADD_NEGATION_FOLLOWING,
            ],
            pseudo=[*negation_patterns.pseudo, *P.ADD_NEGATION_PSEUDO],
        )
    )
    nlp.add_pipe(
        eds.hypothesis(
            span_getter=MENTIONS,
            explain=True,
            preceding=[
                *_without(hypothesis_patterns.preceding, P.DROP_HYPOTHESIS_PRECEDING),
                *P.ADD_HYPOTHESIS_PRECEDING,
            ],
            following=[*hypothesis_patterns.following, *P.ADD_HYPOTHESIS_FOLLOWING],
        )
    )
    # Sections come from our own splitter (split_sections), not from eds.sections.
    nlp.add_pipe(eds.family(span_getter=MENTIONS, explain=True, use_sections=False, family=list(P.FAMILY)))
    nlp.add_pipe(
        eds.history(
            span_getter=MENTIONS,
            explain=True,
            use_sections=False,
            history=[*history_patterns.history, *P.ADD_HISTORY],
        )
    )
    # eds.history takes no regex argument; its regex matcher (built by the base qualifier) accepts more
    # patterns, and its cues are read with the label "history" like the terms.
    nlp.get_pipe("history").regex_matcher.build_patterns(regex={"history": list(P.HISTORY_REGEX)})
    return nlp


def qualifier_pipeline() -> Any:
    """The edsnlp pipeline, built on first use and shared by every later call of this process."""
    global _pipeline, _info
    if _pipeline is None:
        with _lock:
            if _pipeline is None:
                started = time.perf_counter()
                nlp = _build()
                _info = PipelineInfo(time.perf_counter() - started, tuple(nlp.pipe_names))
                _pipeline = nlp
    return _pipeline


def pipeline_info() -> PipelineInfo:
    """Build time and pipes of the shared pipeline (builds it if needed)."""
    qualifier_pipeline()
    assert _info is not None
    return _info


# A sentence ends at a line break, or at . ! ? followed by a space and a capital, digit or bullet.
_SENTENCE_END = re.compile(r"\n|(?<=[.!?;])[ \t]+(?=[A-ZÀ-Ý0-9«\"(\-•])")


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _chunks(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint stretches of `text` made of the whole sentences that hold at least one span."""
    sentences = _sentences(text)
    starts = [start for start, _ in sentences]
    wanted: list[tuple[int, int]] = []
    for span_start, span_end in spans:
        first = max(bisect.bisect_right(starts, span_start) - 1, 0)
        last = max(bisect.bisect_right(starts, max(span_end - 1, span_start)) - 1, first)
        wanted.append((sentences[first][0], max(sentences[last][1], span_end)))
    wanted.sort()
    merged: list[tuple[int, int]] = []
    for start, end in wanted:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _cue_names(kind: str, cues: Sequence[Any]) -> list[str]:
    """Readable cues, one per stretch of text: "pas de" hides the "pas" inside it, duplicates go."""
    kept: list[Any] = []
    for cue in sorted(cues, key=lambda c: (c.start, -(c.end - c.start))):
        if not any(other.start <= cue.start and cue.end <= other.end for other in kept):
            kept.append(cue)
    return list(dict.fromkeys(f"{kind}: '{cue.text.lower()}'" for cue in kept))


def qualify_mentions(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    sections: Sequence[Section] | None = None,
    probable_is_hypothetical: bool = True,
) -> list[Qualifiers]:
    """One `Qualifiers` per (start, end) span of `text`, in the order given.

    `sections`: those of split_sections(text), when the caller already has them.
    `probable_is_hypothetical`: "probable pneumopathie" is hypothetical (the default, primer rule 11); a DIM
    that codes "probable" diagnoses at discharge sets it to False.
    """
    results = [Qualifiers(start, end) for start, end in spans]
    valid = [(i, s, e) for i, (s, e) in enumerate(spans) if 0 <= s < e <= len(text) and text[s:e].strip()]
    if not valid:
        return results
    if sections is None:
        sections = split_sections(text)

    chunks = _chunks(text, [(s, e) for _, s, e in valid])
    separator = "\n\n"
    # The chunks are glued into one short text; each chunk starts a sentence so no cue crosses between them.
    pieces: list[str] = []
    shifts: list[tuple[int, int, int]] = []  # (original start, original end, start in the short text)
    cursor = 0
    for start, end in chunks:
        shifts.append((start, end, cursor))
        pieces.append(text[start:end])
        cursor += end - start + len(separator)
    short = separator.join(pieces).translate(_PLAIN_QUOTES)

    nlp = qualifier_pipeline()
    doc = nlp.make_doc(short)
    doc_spans = []
    owners: list[int] = []
    chunk_index = 0
    for index, start, end in sorted(valid, key=lambda item: item[1]):
        while shifts[chunk_index][1] < end:
            chunk_index += 1
        original_start, _, short_start = shifts[chunk_index]
        offset = short_start - original_start
        span = doc.char_span(start + offset, end + offset, alignment_mode="expand")
        if span is not None:
            doc_spans.append(span)
            owners.append(index)
    doc.spans[MENTIONS] = doc_spans

    for name, pipe in nlp.pipeline:
        doc = pipe(doc)
        if name == "sentences":
            for _, _, short_start in shifts:
                token = doc.char_span(short_start, short_start + 1, alignment_mode="expand")
                if token is not None:
                    doc[token.start].is_sent_start = True

    for span, index in zip(doc.spans[MENTIONS], owners, strict=True):
        result = results[index]
        hypothesis_cues = list(span._.hypothesis_cues)
        if not probable_is_hypothetical:
            hypothesis_cues = [c for c in hypothesis_cues if not c.text.lower().startswith(P.PROBABLE_CUE_PREFIX)]
        result.negated = bool(span._.negation)
        result.hypothetical = bool(hypothesis_cues)
        result.family = bool(span._.family)
        result.history = bool(span._.history)
        result.cues += _cue_names("negation", span._.negation_cues)
        result.cues += _cue_names("hypothesis", hypothesis_cues)
        if result.family:
            result.cues += _cue_names("family", span._.family_cues)
        if result.history:
            result.cues += _cue_names("history", span._.history_cues)

    for index, start, _ in valid:
        section = section_at(sections, start)
        if section is None:
            continue
        result = results[index]
        if section.kind == _FAMILY_SECTION:
            result.family = True
            result.cues.append(f"section: {SECTION_LABELS[_FAMILY_SECTION]}")
        elif section.kind == _HISTORY_SECTION:
            result.history = True
            result.cues.append(f"section: {SECTION_LABELS[_HISTORY_SECTION]}")
    return results
