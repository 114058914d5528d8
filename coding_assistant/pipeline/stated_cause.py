"""A symptom whose cause the same sentence names: the cause is the DP.

The guide méthodologique MCO (chapitre IV, and the CIM-10's own note at the head of chapter XVIII) keeps the
symptom codes R00-R99 for a DP only when no diagnosis explains the stay. Letters state the explanation next to
the symptom with a few fixed links: "rétention aiguë d'urine sur hypertrophie de prostate", "désorientation liée
à une dépendance à l'alcool", "hématémèse par ulcère duodénal", "confusion dans le cadre d'une infection
urinaire", a retained diagnosis after its symptom and a colon ("Douleurs thoraciques : péricardite aiguë"),
the symptoms of one list sharing the link ("douleurs abdominales et rectorragies révélant une colite
ischémique") — or the other way round, "adénome prostatique compliqué d'une rétention", "cirrhose révélée par une
ascite". Such a link, with nothing but a determiner between it and the two mentions, is what this module reads;
a symptom and a diagnosis that merely share a sentence are not linked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.evidence import QualifiedMention

_DETERMINER = r"(?:(?:un|une|le|la|les|des|du|de la|de l'|l'|d'un|d'une|son|sa|ses)\s*)?"
# What a letter writes of the symptom itself before its link (« colique néphrétique gauche hyperalgique sur
# calcul urétéral »): its side, its intensity, its course. They qualify the symptom; they name no other problem.
_SYMPTOM_QUALIFIERS = (
    r"(?:(?:gauche|droite?|bilat[ée]rale?s?|hyperalgiques?|s[ée]v[èe]res?|intenses?|aigu[ëe]?s?|f[ée]briles?|"
    r"r[ée]cidivantes?|persistantes?|importantes?|massives?|brutale?s?|typiques?|atypiques?|"
    r"invalidantes?|r[ée]fractaires?)[\s,]+)*"
)
# symptom LINK cause
_CAUSE_AFTER = re.compile(
    # « Décompensation ascitique inaugurale d'une cirrhose »: the symptom of a disease, or what it reveals.
    r"^[\s,]*"
    + _SYMPTOM_QUALIFIERS
    + r"(?::|(?:inaugura(?:l|le|ux|les)\s+)?(?:d['e]|du)(?=\s|un|une|la)|sur|par|li[ée]e?s? (?:à|a|au|aux)|"
    r"d[uû]e?s? (?:à|a|au|aux)|secondaires? (?:à|a|au|aux)|en rapport avec|"
    r"dans (?:le|un) (?:cadre|contexte) d[e']|r[ée]v[ée]lant|r[ée]v[ée]latri(?:ce|ces) d[e']|"
    r"r[ée]v[ée]lateurs? d[e']|(?:en lien|compatible) avec|expliqu[ée]e?s? par|attribu[ée]e?s? (?:à|a|au|aux))\s*"
    + _DETERMINER
    + r"$",
    re.IGNORECASE,
)
# cause LINK symptom
_CAUSE_BEFORE = re.compile(
    r"^[\s,]*(?:compliqu[ée]e?s? (?:d[e']|par)|responsables? d[e']|à l'origine d[e']|r[ée]v[ée]l[ée]e?s? par|"
    r"se manifestant par|manifest[ée]e?s? par)\s*" + _DETERMINER + r"$",
    re.IGNORECASE,
)
# The words a link may span at most: a link and a determiner, never a clause.
MAX_GAP_CHARS = 40
# A list of symptoms before their link (`_linked`) spans a line's worth at most.
_MAX_LIST_CHARS = 160


@dataclass(frozen=True, slots=True)
class StatedCause:
    symptom: QualifiedMention
    cause: QualifiedMention


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("’", "'")).lower()


# Between a symptom and its link, the other symptoms of one list (« douleurs abdominales et rectorragies révélant
# une colite ischémique »): what is left of the gap once their mentions are taken out.
_LIST_JOINTS = re.compile(r"^(?:[\s,]*(?:et|ou|puis|avec)?[\s,]*)")


def _linked(
    documents: dict[str, str],
    first: QualifiedMention,
    second: QualifiedMention,
    link: re.Pattern[str],
    listed: Sequence[QualifiedMention] = (),
) -> bool:
    if first.doc_id != second.doc_id or not 0 <= second.start - first.end <= _MAX_LIST_CHARS:
        return False
    text = documents.get(first.doc_id, "")
    gap = text[first.end : second.start]
    if "\n" in gap:
        return False
    inside = sorted(
        (m for m in listed if m.doc_id == first.doc_id and first.end <= m.start and m.end <= second.start),
        key=lambda m: m.start,
    )
    if inside and link is _CAUSE_AFTER:
        # The symptoms listed first share the link: only a list of mentions and its joints may precede it.
        last = inside[-1].end
        between = [text[a.end : b.start] for a, b in zip([first, *inside], inside, strict=False)]
        if all(_LIST_JOINTS.fullmatch(_normalised(piece)) for piece in between):
            gap = text[last : second.start]
    return len(gap) <= MAX_GAP_CHARS and link.match(_normalised(gap)) is not None


def _current(mentions: Iterable[QualifiedMention]) -> list[QualifiedMention]:
    return [m for m in mentions if not m.excluded and not m.past]


def stated_cause(
    symptom: Candidate, causes: Sequence[Candidate], documents: dict[str, str], others: Sequence[Candidate] = ()
) -> tuple[Candidate, StatedCause] | None:
    """The first of `causes` that a current mention of `symptom` is linked to (symptom LINK cause, or cause
    LINK symptom), with the two mentions; None when no sentence links them. `others`: the stay's other
    candidates, whose mentions may stand in a list of symptoms before its link (« syncope avec chute et plaie du
    cuir chevelu, révélatrice d'un BAV complet »)."""
    listed = [m for candidate in (symptom, *causes, *others) for m in _current(candidate.mentions)]
    for mention in _current(symptom.mentions):
        for candidate in causes:
            if candidate is symptom:
                continue
            for other in _current(candidate.mentions):
                if _linked(documents, mention, other, _CAUSE_AFTER, listed) or _linked(
                    documents, other, mention, _CAUSE_BEFORE
                ):
                    return candidate, StatedCause(mention, other)
    return None
