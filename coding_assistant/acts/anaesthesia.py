"""The anaesthesia written in a document: general or locoregional anaesthesia is the CCAM activity 4 of the acts
it serves ("Anesthésie : AG", "rachianesthésie + bloc iliofascial", "Coloscopie totale sous AG"), local anaesthesia
and sedation are none (no anaesthetist act); each kind also chooses between CCAM siblings that differ by it
(« … sous anesthésie locale » / « … sous anesthésie générale ou locorégionale »). Never "péridurale non posée".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coding_assistant.acts.data import ActData
from coding_assistant.acts.reading import DocumentReading
from coding_assistant.text.qualifiers import QualifierEngine, qualify_mentions

_AFTER = 40
_PARENTHESES = re.compile(r"\([^()\n]*\)?")
_CLAUSE_END = re.compile(r"[,;.:\n]")


@dataclass(frozen=True, slots=True)
class Anaesthesia:
    doc_id: str
    start: int
    end: int
    text: str
    kind: str
    sentence: int
    activity4: bool  # general or locoregional: an anaesthetist's act (CCAM activity 4)


def find_anaesthesia(reading: DocumentReading, data: ActData, engine: QualifierEngine = "rules") -> list[Anaesthesia]:
    """Affirmed anaesthesia of the document (every kind of `anaesthesia.csv`), in text order."""
    spans: list[tuple[int, int, str, bool]] = []
    for wording in data.anaesthesia:
        for match in wording.pattern.finditer(reading.text):
            if not any(s < match.end() and match.start() < e for s, e, _, _ in spans):
                spans.append((match.start(), match.end(), wording.kind, wording.activity4))
    if not spans:
        return []
    spans.sort()
    qualifiers = qualify_mentions(reading.text, [(s, e) for s, e, _, _ in spans], engine=engine)
    negations = [c for c in data.cues if c.position == "after" and c.kind == "negated"]
    found = []
    for (start, end, kind, activity4), qualifier in zip(spans, qualifiers, strict=True):
        # Its own clause only: « rachianesthésie (AG récusée : BPCO) » refuses the AG, not the rachianesthesia.
        after = _CLAUSE_END.split(_PARENTHESES.sub(" ", reading.text[end : end + _AFTER]), maxsplit=1)[0]
        if qualifier.negated or qualifier.hypothetical or any(c.pattern.search(after) for c in negations):
            continue
        found.append(
            Anaesthesia(
                reading.doc_id, start, end, reading.text[start:end], kind, reading.sentence_of(start), activity4
            )
        )
    return found
