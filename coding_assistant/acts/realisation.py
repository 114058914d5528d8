"""Whether an act mention says the act was done during the stay: negated ("pas de geste d'angioplastie",
"ventriculographie non réalisée"), planned ("cholécystectomie à programmer", a date after discharge),
or past (an antecedent, a date before admission), and the day it was done when the text writes it.

Negation, hypothesis, family and history come from the qualifier stage (`text.qualifiers.qualify_mentions`,
the same cues as for diagnoses); `data/cues.csv` adds what only acts have: post-posed "non réalisé(e)",
"récusé(e)", planning words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

from coding_assistant.acts.data import ActData
from coding_assistant.acts.dates import WrittenDate
from coding_assistant.acts.reading import CLAUSE_END, PAST_SECTIONS, Anchor, DocumentReading
from coding_assistant.text.qualifiers import QualifierEngine, qualify_mentions

_PARENTHESES = re.compile(r"\([^()\n]*\)")
_AFTER_WINDOW = 80
# "résection trans-urétrale de prostate (RTUP) ou énucléation": an acronym in parentheses or an alternative
# after "ou" is meant as the act before it (qualifier scopes stop at brackets and "ou").
_JOINED = re.compile(r"^[\s(]*$|^[\s)]*(?:ou\b|/)[\s(]*$")
# An act the day before admission (emergency department, transfer) still belongs to the stay.
_GRACE = timedelta(days=1)


def qualify_anchors(
    reading: DocumentReading,
    data: ActData,
    admission: date | None,
    discharge: date | None,
    probable_is_hypothetical: bool = True,
    engine: QualifierEngine = "rules",
) -> None:
    """Set each anchor's status, qualifier flags, cues and date, in place."""
    anchors = reading.anchors
    if not anchors:
        return
    qualifiers = qualify_mentions(
        _arrows_end_clauses(reading.text),
        [(a.start, a.end) for a in anchors],
        sections=reading.sections,
        probable_is_hypothetical=probable_is_hypothetical,
        engine=engine,
    )
    for anchor, qualifier in zip(anchors, qualifiers, strict=True):
        anchor.negated, anchor.hypothetical, anchor.family = qualifier.negated, qualifier.hypothetical, qualifier.family
        anchor.cues = list(qualifier.cues)
        kinds = _cue_kinds(reading, anchor, data)
        if anchor.intended:
            # « Indication de PTH. » opening an operative report's sentence is what the operation was meant to be,
            # as « Indication : PTH » is, not a plan: the report says whether it was done (`given_up`).
            kinds = [(kind, text) for kind, text in kinds if not text.startswith("indication")]
        anchor.cues += [f"{kind}: '{text}'" for kind, text in kinds]
        written = _nearest_date(reading, anchor)
        anchor.date = _act_day(reading, anchor, written)
        found = {kind for kind, _ in kinds}
        if "included" in found:  # a part of the act its sentence names: context of that act, never one of its own
            anchor.selectable = False
        if qualifier.family or qualifier.history or anchor.section in PAST_SECTIONS or "history" in found:
            anchor.status = "history"
        elif written is not None and admission is not None and written.last < admission - _GRACE:
            anchor.status = "history"
            anchor.cues.append("date: avant l'admission")
        elif qualifier.negated or "negated" in found:
            anchor.status = "negated"
        elif qualifier.hypothetical or "future" in found:
            anchor.status = "future"
        elif written is not None and discharge is not None and written.first > discharge:
            anchor.status = "future"
            anchor.cues.append("date: après la sortie")
    for previous, anchor in pairwise(anchors):
        joined = previous.sentence == anchor.sentence and _JOINED.match(reading.text[previous.end : anchor.start])
        if joined and previous.status != "current" and anchor.status == "current":
            anchor.status, anchor.negated = previous.status, previous.negated
            anchor.hypothetical = previous.hypothetical
            anchor.cues.append(f"comme « {previous.text} »")


def given_up(anchors: list[Anchor]) -> None:
    """An act the report's « Indication : » sentence names and that the same report then says was not done or
    put off (« Indication : urétéroscopie … », then « l'urétéroscopie est abandonnée », « urétéroscopie différée »)
    was not done: the indication is what was meant, the report what happened. So is an act a letter's « Motif : »
    line names that the letter then says was not done (`Anchor.intended`). One of the two mentions must say all
    that the other does (« urétéroscopie » of « urétéroscopie rigide »), so « pas de pose de drain » leaves
    « Indication : pose de PAC »: both say « pose », each of something else.
    What the indication names after the act given up (« urétéroscopie avec lithotritie ») was a part of it: not
    done either; what it names before it (« cholécystectomie avec cholangiographie ») keeps its own status."""
    given: dict[int, Anchor] = {}  # sentence → the first act of its indication that the report gave up
    for anchor in anchors:
        if not anchor.intended or anchor.status != "current":
            continue
        later = given.get(anchor.sentence) or next(
            (
                other
                for other in anchors
                if other.start > anchor.end
                and other.status in ("negated", "future")
                and set(anchor.keys) & set(other.keys)
                and (anchor.stems <= other.stems or other.stems <= anchor.stems)
            ),
            None,
        )
        if later is not None:
            given.setdefault(anchor.sentence, anchor)
            anchor.status, anchor.negated, anchor.hypothetical = later.status, later.negated, later.hypothetical
            anchor.cues.append(f"indication, puis « {later.text} »")


def _arrows_end_clauses(text: str) -> str:
    """An arrow starts a new clause ("non viable après détorsion → orchidectomie"), as ";" does for the qualifiers'
    scopes; the replacements keep the length, so offsets are unchanged."""
    return text.replace("→", ";").replace("->", "; ").replace("=>", "; ")


def already_past(anchors: list[Anchor]) -> None:
    """An act the antecedents list ("néphrectomie droite en 2016") named again without a date of the stay
    ("Rein unique (néphrectomie droite)") is the same past act."""
    past = {key for anchor in anchors if anchor.status == "history" for key in anchor.keys}
    for anchor in anchors:
        if anchor.status == "current" and anchor.date is None and set(anchor.keys) & past:
            anchor.status = "history"
            anchor.cues.append("history: déjà dans les antécédents")


def _cue_kinds(reading: DocumentReading, anchor: Anchor, data: ActData) -> list[tuple[str, str]]:
    text = reading.text
    sentence_start, sentence_end = reading.sentences[anchor.sentence]
    after = _PARENTHESES.sub(
        lambda m: " " * len(m.group(0)), text[anchor.end : min(sentence_end, anchor.end + _AFTER_WINDOW)]
    )
    clause_end = CLAUSE_END.search(after)
    after = after[: clause_end.start()] if clause_end else after
    before = text[sentence_start : anchor.start]
    found = []
    for cue in data.cues:
        match = cue.pattern.search(after) if cue.position == "after" else cue.pattern.search(before)
        if match:
            found.append((cue.kind, match.group(0).strip().lower()))
    return found


def _nearest_date(reading: DocumentReading, anchor: Anchor) -> WrittenDate | None:
    """The written date of the anchor's sentence nearest to it (after it first, at equal distance); for an
    act field ("Intervention (23/09) :" then the act on the next line), the field line's date."""
    start, end = reading.sentences[anchor.sentence]
    near = [d for d in reading.dates if start <= d.start < end]
    if not near:
        for label_start, label_end in reading.field_lines:
            if 0 < start - label_end <= 2 or label_start <= anchor.start < label_end:
                near = [d for d in reading.dates if label_start <= d.start < label_end]
        if not near:
            return None
    return min(
        near, key=lambda d: abs(d.start - anchor.end) if d.start >= anchor.end else abs(anchor.start - d.end) + 1
    )


def _act_day(reading: DocumentReading, anchor: Anchor, written: WrittenDate | None) -> date | None:
    if written is not None and written.day is not None:
        return written.day
    if written is None and reading.operative and anchor.selectable:
        return reading.document_date
    return None
