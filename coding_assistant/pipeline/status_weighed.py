"""Codes a letter names that a coder leaves unticked because another code already says it or because the stay
did not deal with it: each rule unticks the proposal, keeps it in the ranked list and says why in a note.

- Z92.1 is « utilisation au long cours d'anticoagulants sans hémorragie »: beside the haemorrhage the
  anticoagulant caused (D68.3 selected) it is not coded, and an anticoagulation the stay introduces is not yet a
  long-term use (ATIH, « Précisions sur l'utilisation de certains codes de la CIM-10 », D68.3 and Z92.1).
- A49 is a bacterial infection « de siège non précisé »: a bacteraemia read beside a selected infection whose
  site the letter names (« angiocholite … bactériémique », « PAC bactériémique ») is that infection's, and the
  agent goes to B95-B96 (CIM-10 FR, A49's note; guide méthodologique MCO, chapitre IV: one condition, one code).
- Y83-Y84 (a surgical or medical act « ayant provoqué une réaction anormale ou une complication ultérieure »)
  is the external cause of a complication of care: without a selected complication of care (T80-T88, or a
  post-procedural disorder of its chapter: E89, G97, H59, H95, I97, J95, K91, M96, N99), « intervention
  chirurgicale » names the act, not a complication (CIM-10 FR, chapter XX, Y83-Y84; guide méthodologique MCO,
  chapitre IV, the complications of care).
- Z49 (« séance de dialyse ») is the code of a session stay: a dialysed patient kept overnight came for something
  else, and is coded Z99.2 (guide méthodologique MCO, chapitre IV, « séances »; the same reading keeps Z49 out of
  such a stay's DP in `roles`).
- Z96 (presence of a functional implant: a joint prosthesis, an artificial lens) is a status that rarely weighs
  on a stay: named only among the antecedents it is left for the coder, and the stay that puts the implant in
  (« PTH droite programmée ») codes the disease it treats, not its presence (guide méthodologique MCO,
  chapitre IV: a DAS is a condition or status that weighed on the stay's care).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coding_assistant.pipeline.combined_codes import sentence_around
from coding_assistant.pipeline.decided import Decided
from coding_assistant.rules.infectious_agents import AGENT_CATEGORIES, names_an_infection
from coding_assistant.schema import Note

LONG_TERM_ANTICOAGULANT = "Z921"
ANTICOAGULANT_HAEMORRHAGE = "D683"
# An anticoagulation the stay starts (« introduction de l'apixaban », « anticoagulation … à débuter »).
_INTRODUCED = re.compile(
    r"\b(?:introdu\w*|instaur\w*|initiation|initi[ée]e?s?|d[ée]but[ée]e?s?|d[ée]buter|mise? (?:en route|sous)|"
    r"d[ée]marr\w*)",
    re.IGNORECASE,
)
BACTERIAL_INFECTION_UNSPECIFIED_SITE = "A49"
# The words that name an infection without its site: no site for the bacteraemia to belong to.
_SITELESS = re.compile(r"bact[ée]ri[ée]mi|h[ée]moculture|culture|pr[ée]l[èe]vement", re.IGNORECASE)
IMPLANT_PRESENCE = "Z96"
DIALYSIS_SESSION = "Z49"
CARE_AS_CAUSE = ("Y83", "Y84")
COMPLICATIONS_OF_CARE = (
    "T80",
    "T81",
    "T82",
    "T83",
    "T84",
    "T85",
    "T86",
    "T87",
    "T88",
    "E89",
    "G97",
    "H59",
    "H95",
    "I97",
    "J95",
    "K91",
    "M96",
    "N99",
)
_BACKGROUND_SECTIONS = frozenset({"antecedents", "mode_de_vie", "traitement_entree"})


def codes_already_said_or_not_dealt_with(
    decided: Sequence[Decided], documents: dict[str, str], *, overnight: bool = False
) -> None:
    """The rules of the module docstring, on the selected codes as the other rules left them; `overnight`: the
    stay lasts at least one night, so it is no session."""
    _long_term_anticoagulation_only(decided, documents)
    _bacteraemia_of_a_named_site(decided)
    _care_as_cause_of_a_complication(decided)
    _implant_presence_that_weighed(decided)
    if overnight:
        _no_session_code_in_a_stay(decided)


def _untick(d: Decided, rule: str, message: str, code: str | None = None) -> None:
    d.selected, d.role = False, None
    d.notes.append(Note(rule=rule, message=message, code=code))


def _long_term_anticoagulation_only(decided: Sequence[Decided], documents: dict[str, str]) -> None:
    haemorrhage = any(d.selected and d.code.startswith(ANTICOAGULANT_HAEMORRHAGE) for d in decided)
    for d in decided:
        if not d.selected or d.role == "DP" or not d.code.startswith(LONG_TERM_ANTICOAGULANT):
            continue
        if haemorrhage:
            _untick(
                d,
                "anticoagulant-haemorrhage",
                "non présélectionné : l'hémorragie sous anticoagulant (D68.3) est codée, Z92.1 est « sans hémorragie »",
                ANTICOAGULANT_HAEMORRHAGE,
            )
            continue
        mentions = d.candidate.affirmed
        if mentions and all(
            m.section not in _BACKGROUND_SECTIONS and _INTRODUCED.search(sentence_around(m, documents))
            for m in mentions
        ):
            _untick(d, "anticoagulant-introduced", "non présélectionné : anticoagulation introduite pendant le séjour")


def _bacteraemia_of_a_named_site(decided: Sequence[Decided]) -> None:
    if not any(d.selected and d.code.startswith(BACTERIAL_INFECTION_UNSPECIFIED_SITE) for d in decided):
        return
    sited = [
        d
        for d in decided
        if d.selected
        and not d.code.startswith((BACTERIAL_INFECTION_UNSPECIFIED_SITE, *AGENT_CATEGORIES))
        and (d.code[:1] == "A" or any(_names_a_sited_infection(m.text) for m in d.candidate.current))
    ]
    if not sited:
        return
    for d in decided:
        if d.selected and d.role != "DP" and d.code.startswith(BACTERIAL_INFECTION_UNSPECIFIED_SITE):
            _untick(
                d,
                "bacteraemia-of-a-site",
                f"non présélectionné : bactériémie de l'infection codée {sited[0].code}, de siège connu",
                sited[0].code,
            )


def _names_a_sited_infection(text: str) -> bool:
    return names_an_infection(text) and not _SITELESS.search(text)


def _care_as_cause_of_a_complication(decided: Sequence[Decided]) -> None:
    if not any(d.selected and d.code.startswith(COMPLICATIONS_OF_CARE) for d in decided):
        _untick_every(
            decided,
            CARE_AS_CAUSE,
            "care-without-complication",
            "non présélectionné : cause externe d'une complication des soins, aucune complication codée",
        )


def _implant_presence_that_weighed(decided: Sequence[Decided]) -> None:
    _untick_every(
        decided,
        (IMPLANT_PRESENCE,),
        "implant-presence",
        "non présélectionné : présence d'implant, à cocher si elle a pesé sur la prise en charge du séjour",
    )


def _no_session_code_in_a_stay(decided: Sequence[Decided]) -> None:
    _untick_every(
        decided,
        (DIALYSIS_SESSION,),
        "session-code-in-a-stay",
        "non présélectionné : séance de dialyse, code d'un séjour de séance ; un patient dialysé hospitalisé est "
        "codé Z99.2",
    )


def _untick_every(decided: Sequence[Decided], prefixes: tuple[str, ...], rule: str, message: str) -> None:
    """Every selected code of these categories but the DP (a stay always has one) is unticked with the note."""
    for d in decided:
        if d.selected and d.role != "DP" and d.code.startswith(prefixes):
            _untick(d, rule, message)
