"""The code of a category whose own words the sentence naming the condition writes out.

A letter often names the condition briefly and says its kind in the words that follow or precede: « adénocarcinome
du côlon sigmoïde » (C18.7, not « côlon, sans précision » C18.9), « FA paroxystique » (I48.0), « tumeur du lobe
inférieur droit » (C34.3), « convulsions fébriles » (R56.0). The CIM-10 asks for the most precise code the record
supports (ATIH guide méthodologique MCO, chapitre I: codage au niveau le plus fin). The ranking of the category's
wordings on the sentence (`SearchIndex.scores_for`) weighs every word of it, so a sentence that also says « côlon »
and « adénocarcinome » leaves the vague code level with the precise one; this rule reads only what sets a sibling
apart: the words its label adds to the category's and to the vague code's. When the sentence writes every one of
them for one sibling only, that sibling is the code.

The other way round, a wording that names a combination code and a plain sibling (« maladie de Horton »: M31.5
« avec polymyalgie rhumatismale » and M31.6) is the combination only when the letter writes what its « avec »
part adds (`combination_not_written`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from weakref import WeakKeyDictionary

from coding_assistant.terminology.model import Terminology
from coding_assistant.text.normalize import stems

# Words of a label that set nothing apart (« Autres … », « non classé ailleurs », « sai »).
_GENERIC = frozenset(stems("autre autres précision précisé précisée classé classée ailleurs sai forme"))
# Parenthesised words of a CIM-10 label are optional modifiers; a label's « sans … » or « non … » part speaks of
# what the condition lacks, which a sentence that names that very word contradicts more often than it supports.
_OPTIONAL = re.compile(r"\([^)]*\)")
_NEGATIVE_PART = re.compile(r"\b(?:sans|non)\b", re.IGNORECASE)
# A label « … avec X » is a combination code: the combination rules code it when the letter links the two
# (`combined_codes`), not because X is written nearby.
_COMBINATION = re.compile(r"\bavec\b", re.IGNORECASE)
# The words around a mention that can still qualify it: up to the clause's end, a few words on either side.
WINDOW_BEFORE = 30
WINDOW_AFTER = 60
_CLAUSE_END = re.compile(r"[.;:,\n]")

_STEMS: WeakKeyDictionary[Terminology, dict[str, frozenset[str]]] = WeakKeyDictionary()


def label_stems(code: str, terminology: Terminology) -> frozenset[str]:
    """The stems of a code's label, without its optional (parenthesised) and generic words."""
    return _own_label_stems(terminology, code)


def _own_label_stems(terminology: Terminology, code: str) -> frozenset[str]:
    known = _STEMS.setdefault(terminology, {})
    found = known.get(code)
    if found is None:
        found = known[code] = frozenset(stems(_OPTIONAL.sub(" ", terminology.label(code)))) - _GENERIC
    return found


_NAMEABLE: WeakKeyDictionary[Terminology, dict[str, bool]] = WeakKeyDictionary()


def _may_be_named(terminology: Terminology, code: str) -> bool:
    """Whether a code's label can be the sibling a context names: neither vague, nor with a negative part (« sans
    … », « non … ») nor a combination (« avec … »). Kept per code: the labels never change."""
    known = _NAMEABLE.setdefault(terminology, {})
    found = known.get(code)
    if found is None:
        label = terminology.label(code)
        plain = _OPTIONAL.sub(" ", label)
        found = known[code] = not (vague_label(label) or _NEGATIVE_PART.search(plain) or _COMBINATION.search(plain))
    return found


def mention_window(text: str, start: int, end: int) -> str:
    """The mention and the words next to it, within its clause: where « sigmoïde » or « paroxystique » qualify it."""
    before = text[max(0, start - WINDOW_BEFORE) : start]
    cuts = list(_CLAUSE_END.finditer(before))
    left = before[cuts[-1].end() :] if cuts else before
    after = text[end : end + WINDOW_AFTER]
    cut = _CLAUSE_END.search(after)
    right = after[: cut.start()] if cut else after
    return f"{left}{text[start:end]}{right}"


def vague_label(label: str) -> bool:
    """A label that leaves the kind open: « … sans précision », « … non précisé », « Autres … »."""
    lowered = label.lower()
    return "sans précision" in lowered or "non précisé" in lowered or lowered.startswith("autres")


def sibling_named_in(
    start: str, category: str, options: Sequence[str], context: str, terminology: Terminology
) -> str | None:
    """The one code of `options` (the category's codable codes) whose own label words `context` all writes,
    when `start` is a vague code of the category; the sibling with the most such words when several do (« sous-
    corticale » holds « corticale »); None when none does or two tie."""
    written = set(stems(context))
    if not written:
        return None
    common = _own_label_stems(terminology, category) | _own_label_stems(terminology, start)
    best: str | None = None
    best_size = 0
    tied = False
    for code in options:
        if code == start or not code.startswith(category) or not _may_be_named(terminology, code):
            continue
        own = _own_label_stems(terminology, code) - common
        if not own or not own <= written:
            continue
        if len(own) > best_size:
            best, best_size, tied = code, len(own), False
        elif len(own) == best_size:
            tied = True
    return None if tied else best


# What a label adds after « avec », up to a « sans » part: the condition a combination code also names.
WITH_PART = re.compile(r"\bavec\b(.*?)(?:\bsans\b|$)", re.IGNORECASE)
# A condition the letter says is absent: « sans pseudo-polyarthrite », « pas de … », up to the clause's end.
_ABSENT = re.compile(r"\b(?:sans|pas d[eu']|absence d[eu'])[^.;,\n]*", re.IGNORECASE)


def combination_not_written(
    start: str,
    alongside: Sequence[str],
    context: str,
    terminology: Terminology,
    named: Iterable[str] = (),
) -> str:
    """`start` when it is no combination code, or when the letter writes what its « avec » part adds: in `context`,
    or as a condition of its own among `named` (the codes of the stay's affirmed mentions: « PPR » is M35.3,
    « polymyalgie rhumatismale »); else the first code of `alongside` (the codes one wording names with it) of its
    category that is not one. « Maladie de Horton » names M31.5 (« avec polymyalgie rhumatismale ») and M31.6;
    without the polymyalgia it is M31.6."""
    added = WITH_PART.search(_OPTIONAL.sub(" ", terminology.label(start)))
    if added is None:
        return start
    needed = set(stems(added.group(1))) - _GENERIC
    if not needed or needed <= set(stems(_ABSENT.sub(" ", context))):
        return start
    if any(code[:3] != start[:3] and needed <= _own_label_stems(terminology, code) for code in named):
        return start
    for code in alongside:
        if code != start and code[:3] == start[:3] and not WITH_PART.search(terminology.label(code)):
            return code
    return start
