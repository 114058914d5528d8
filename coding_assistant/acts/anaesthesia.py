"""General or locoregional anaesthesia written in a document: the CCAM activity 4 of the acts it serves.

"Anesthésie : AG", "rachianesthésie + bloc iliofascial", "Coloscopie totale sous AG"; not "anesthésie
locale", "topique" or "sédation" (no anaesthetist act), nor "péridurale non posée".
"""

from __future__ import annotations

from dataclasses import dataclass

from coding_assistant.acts.data import ActData
from coding_assistant.acts.reading import DocumentReading
from coding_assistant.text.qualifiers import QualifierEngine, qualify_mentions

_AFTER = 40


@dataclass(frozen=True, slots=True)
class Anaesthesia:
    doc_id: str
    start: int
    end: int
    text: str
    kind: str
    sentence: int


def find_anaesthesia(reading: DocumentReading, data: ActData, engine: QualifierEngine = "rules") -> list[Anaesthesia]:
    """Affirmed general or locoregional anaesthesia of the document, in text order."""
    spans: list[tuple[int, int, str]] = []
    for wording in data.anaesthesia:
        if not wording.activity4:
            continue
        for match in wording.pattern.finditer(reading.text):
            if not any(s < match.end() and match.start() < e for s, e, _ in spans):
                spans.append((match.start(), match.end(), wording.kind))
    if not spans:
        return []
    spans.sort()
    qualifiers = qualify_mentions(reading.text, [(s, e) for s, e, _ in spans], engine=engine)
    negations = [c for c in data.cues if c.position == "after" and c.kind == "negated"]
    found = []
    for (start, end, kind), qualifier in zip(spans, qualifiers, strict=True):
        after = reading.text[end : end + _AFTER].split(",")[0]
        if qualifier.negated or qualifier.hypothetical or any(c.pattern.search(after) for c in negations):
            continue
        found.append(Anaesthesia(reading.doc_id, start, end, reading.text[start:end], kind, reading.sentence_of(start)))
    return found
