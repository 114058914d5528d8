"""The edsnlp qualifier engine: edsnlp's rule-based pipes on the sentences that hold mentions.

eds.negation, eds.hypothesis, eds.family and eds.history (after eds.normalizer and eds.sentences), with the
French letter conventions of `patterns.qualifiers`. Kept as a setting (`CODING_ASSISTANT_QUALIFIER_ENGINE=
edsnlp`) to compare with the rules engine (`rule_qualifiers`), which applies the same cue vocabulary
without spaCy.

Speed: the pipeline is built once per process (`qualifier_pipeline()`, about 1 s on top of the seconds that
importing spaCy's French language costs). Only the sentences holding a mention are tokenised and qualified.
"""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coding_assistant.text.patterns import qualifiers as P
from coding_assistant.text.qualifier_types import Qualifiers, cue_names
from coding_assistant.text.sentences import mention_chunks

MENTIONS = "mentions"  # the span group the qualifier pipes read

# Typographic quotes and apostrophes → ASCII, character for character ("l’embolie" matches "l'embolie").
PLAIN_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"', "„": '"'})


@dataclass(frozen=True, slots=True)
class PipelineInfo:
    build_seconds: float
    pipe_names: tuple[str, ...]


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
    # Quotes are made plain before the text reaches the pipeline (`PLAIN_QUOTES`, one character for one, so
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


def qualify_with_edsnlp(
    text: str,
    valid: Sequence[tuple[int, int, int]],
    results: Sequence[Qualifiers],
    probable_is_hypothetical: bool,
) -> None:
    """Fill results[i] for each (i, start, end) of `valid` (non-empty spans inside `text`)."""
    chunks = mention_chunks(text, [(s, e) for _, s, e in valid])
    separator = "\n\n"
    # The chunks are glued into one short text; each chunk starts a sentence so no cue crosses between them.
    pieces: list[str] = []
    shifts: list[tuple[int, int, int]] = []  # (original start, original end, start in the short text)
    cursor = 0
    for start, end in chunks:
        shifts.append((start, end, cursor))
        pieces.append(text[start:end])
        cursor += end - start + len(separator)
    short = separator.join(pieces).translate(PLAIN_QUOTES)

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
        # As in the rules engine: a denial stops at a colon after what it denies (« sans abcès rénal : il
        # s'agissait d'une pyélonéphrite »), not at one right after its cue (« Pas de : fièvre »).
        negation_cues = [
            cue
            for cue in span._.negation_cues
            if not (cue.end <= span.start and any(doc[i].text == ":" for i in range(cue.end + 1, span.start)))
        ]
        result.negated = bool(span._.negation) and bool(negation_cues)
        result.hypothetical = bool(hypothesis_cues)
        result.family = bool(span._.family)
        result.history = bool(span._.history)
        result.cues += cue_names("negation", negation_cues)
        result.cues += cue_names("hypothesis", hypothesis_cues)
        if result.family:
            result.cues += cue_names("family", span._.family_cues)
        if result.history:
            result.cues += cue_names("history", span._.history_cues)
