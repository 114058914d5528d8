"""Where a letter's letterhead ends: the lines that name the hospital, its units and staff, before the letter.

A hospital letter opens on its letterhead: « CHU de Nantes », « Service de Cardiologie et Maladies Vasculaires »,
« Hôpital de jour d'insuffisance cardiaque », « Dr C. Petit (hypertension artérielle) », « Centre de dialyse »,
the address, the telephone, the copies, then the place and date. Their words name units and specialties, not
the patient's conditions: like a heading (`text.sections`), nothing in them is a mention. The letterhead is the
run of such lines from the top; the first other line (a title with its text, a salutation, the patient, a
sentence) ends it. A line of the letter that names a unit (« transféré en unité de soins palliatifs ») is read
as any other.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A letterhead line opens on the institution, a unit, a role or a contact (before any colon of a field).
_INSTITUTION = (
    r"centre hospitalier|c\.?h\.?u\.?\b|c\.?h\.?r\.?\b|c\.?h\.?\b|h[ôo]pital|h[ôo]pitaux|clinique|groupe hospitalier|"
    r"groupement hospitalier|p[ôo]le\b|service\b|unit[ée]\b|d[ée]partement\b|f[ée]d[ée]ration\b|institut\b|"
    r"centre\b|consultations?\b|chef de (?:service|p[ôo]le|clinique)|praticiens?\b|secr[ée]tariat|"
    r"t[ée]l(?:[ée]phone)?\b|fax\b|courriel|e-?mail|copies?\b|destinataires?\b|dr\b|pr\b|docteur|professeur|"
    r"assistante?s?\b|internes?\b|cadre de sant[ée]|rpps|finess|www\.|site\b"
)
_LETTERHEAD_LINE = re.compile(rf"^[\W_]*(?:{_INSTITUTION})", re.IGNORECASE)
# Fields a letterhead writes with a colon (« Tél : 02 … », « Chef de service : Pr … »); a clinical title's colon
# (« Motif : … », « Hôpital de jour : cure … ») opens the letter.
_LETTERHEAD_FIELD = re.compile(
    r"^[\W_]*(?:t[ée]l|fax|courriel|e-?mail|secr[ée]tariat|chef de|praticiens?|copies?|destinataires?|rpps|finess|"
    r"site|dr\b|pr\b)[^:]*:",
    re.IGNORECASE,
)
# The address, the place and date (« 44093 Nantes cedex 1 », « 12, rue … », « Nantes, le 12 mars 2026 »).
_ADDRESS_OR_DATE = re.compile(
    r"^[\W_]*(?:\d{5}\s+\w|\d+\s*(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|chemin|route|quai|all[ée]e)\b|"
    r"[A-ZÉÈ][\w'’\- ]{1,40},\s+le\s+\d)",
    re.IGNORECASE,
)
_LINE = re.compile(r"[^\n]*\n?")
# A letterhead line names a unit, a person or a contact: longer than this, it is the letter's first paragraph.
LETTERHEAD_LINE_MAX = 120
# The end of a sentence: a full stop after a word of three letters or more (not « Dr. », « C.H.U. »), then a
# capital.
_SENTENCE_END = re.compile(r"(?<=\w{3})[.!?]\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ])")


@lru_cache(maxsize=64)
def letterhead_end(text: str) -> int:
    """The offset where the letterhead ends (0 when the text opens on the letter itself)."""
    end = 0
    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        stripped = line.strip()
        if not stripped:
            end = match.end()
            continue
        if _ADDRESS_OR_DATE.match(stripped) or (
            _LETTERHEAD_LINE.match(stripped) and (":" not in stripped or _LETTERHEAD_FIELD.match(stripped))
        ):
            if len(stripped) > LETTERHEAD_LINE_MAX:
                # « Hôpital de jour d'ophtalmologie. Patiente de 81 ans … »: a letter written as one paragraph
                # opens on its unit, and its first sentence ends the letterhead; without one, the line is the
                # letter's.
                sentence_end = _SENTENCE_END.search(line)
                return match.start() + sentence_end.end() if sentence_end is not None else end
            end = match.end()
            continue
        break
    return end
