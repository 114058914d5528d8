"""A patient who does not take, or stopped on their own, the treatment prescribed: Z91.1.

CIM-10 FR Z91.1 « Antécédents personnels de non-observance d'un traitement médical et d'un régime »: coders add
it beside what the non-compliance brought about (a seizure « sur arrêt du Keppra par le patient », a
ketoacidosis « par arrêt de l'insuline », an uncontrolled hypertension « par inobservance »), a factor that
weighed on the stay's care (guide méthodologique MCO, chapitre IV, the DAS). Letters write it as a noun
(« non-observance », « défaut d'observance ») or tell it (« il reconnaît avoir arrêté son traitement », « arrêt du
traitement par le patient », « avait arrêté de lui-même le Keppra »). A treatment stopped by the team
(« arrêt du Kardégic ») is not the patient's doing, and « éducation sur l'observance » names no fault.
"""

from __future__ import annotations

import re

from coding_assistant.rules.status_drugs import DrugMention

NON_COMPLIANCE_CODE = "Z911"
_NAMED = (
    r"non[- ]?observan\w*|inobservan\w*|d[ée]faut d['’]observance|mauvaise observance|"
    r"observance (?:m[ée]diocre|insuffisante|al[ée]atoire|irr[ée]guli[èe]re|partielle|d[ée]faillante)|"
    r"mal observ[ée]e?s?"
)
# The patient's own stop: the verb with the patient as its subject or agent, in one clause.
_OWN_STOP = (
    r"(?:reconna[iî]\w*|dit|avoue\w*|admet\w*|aveu) (?:d['’]un |avoir )arr[êe]t\w*[^.;:\n]{0,40}|"
    r"arr[êe]t\w* (?:volontaire|spontan[ée]|intempestif)\w*[^.;:\n]{0,30}|"
    r"arr[êe]t\w*[^.;:\n]{0,40}?(?:de (?:lui|elle)[- ]m[êe]me|par (?:le|la) patiente?|de sa propre initiative|"
    r"sans avis m[ée]dical)"
)
_PATTERN = re.compile(rf"\b(?:{_NAMED}|{_OWN_STOP})", re.IGNORECASE)
# A cheap first look: most letters hold none of these.
_CUES = ("observ", "arret", "arrêt")


def find_non_compliance(text: str) -> list[DrugMention]:
    """Each place a letter states the patient's non-compliance, as a Z91.1 mention with its offsets."""
    folded = text.lower()
    if not any(cue in folded for cue in _CUES):
        return []
    return [DrugMention(m.start(), m.end(), m.group(), NON_COMPLIANCE_CODE) for m in _PATTERN.finditer(text)]
