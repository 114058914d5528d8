"""What would keep a stay out of the export, checked when the coder validates it and shown on the stay, in
French: the RUM's field constraints (unit code of 4 characters at most, FINESS of 9 characters), the fields a
RUM cannot do without (age, dates), then the RSS writer's own checks on the RUM the export would write.

The export itself (coding_assistant/export.py) leaves such a stay out with a technical reason; coders learn it
here, on the stay, when there is still time to have the unit or the FINESS fixed.
"""

from __future__ import annotations

import re

from coding_assistant.config import get_settings
from coding_assistant.errors import CodingAssistantError
from coding_assistant.export import FINESS_PATTERN, writable_records
from coding_assistant.schema import Codes, Stay

UNIT_MAX = 4  # the RUM's "unité médicale" field (positions 72-75)
FIELD_LABELS = {
    "unit": "code de l'unité médicale",
    "finess": "FINESS",
    "rss_number": "numéro de RSS (le numéro du séjour)",
    "admin_number": "numéro administratif",
    "rum_number": "numéro de RUM",
    "birth_date": "date de naissance",
    "sex": "sexe",
    "entry_date": "date d'entrée",
    "exit_date": "date de sortie",
    "entry_mode": "mode d'entrée",
    "exit_mode": "mode de sortie",
    "postcode": "code postal",
    "dp": "DP",
    "dr": "DR",
}
MISSING_LABELS = {"admission_date": "la date d'entrée", "discharge_date": "la date de sortie", "age": "l'âge"}
_TOO_LONG = re.compile(r"(\w+) (?:is|has) (\d+) (?:characters|digits), the field holds (\d+)")
_NOT_NUMBER = re.compile(r"(\w+) \([^)]*\) must be a number")
_MISSING = re.compile(r"cannot build a RUM without (.+)$")
_ENCODING = re.compile(r"a character at column \d+ cannot be written")
_ACT_OUTSIDE = re.compile(r"act ([A-Z]{4}\d{3}) dated \S+, outside the stay")


def french_reason(reason: str) -> str:
    """The RSS writer's reason for refusing a stay, in French (the export page shows it too)."""
    if match := _TOO_LONG.search(reason):
        field, size, room = match.groups()
        return f"{FIELD_LABELS.get(field, field)} trop long : {size} caractères, le RUM en admet {room}"
    if match := _NOT_NUMBER.search(reason):
        return f"{FIELD_LABELS.get(match.group(1), match.group(1))} : une valeur numérique est attendue"
    if match := _MISSING.search(reason):
        missing = [MISSING_LABELS.get(name.strip(), name.strip()) for name in match.group(1).split(",")]
        return f"il manque {', '.join(missing)} pour écrire le RUM"
    if _ENCODING.search(reason):
        return "un caractère ne peut pas être écrit dans le jeu de caractères du RSS (Latin-1)"
    if "no codes to write" in reason:
        return "aucun code validé à écrire"
    if "covers" in reason and "RUMs" in reason:
        return "le séjour couvre plusieurs RUM : son codage ne peut pas être réparti entre eux"
    if match := _ACT_OUTSIDE.search(reason):
        return f"l'acte {match.group(1)} est daté hors des dates du séjour (FG 102) : corrigez sa date"
    return "le RUM de ce séjour ne peut pas être écrit au format RSS"


def configured_finess() -> str:
    """The site's FINESS (the `finess` setting, CODING_ASSISTANT_FINESS), as the export would check it."""
    return get_settings().finess.strip().upper()


def finess_problem(finess: str) -> str | None:
    if not finess:
        return (
            "FINESS de l'établissement non renseigné (réglage CODING_ASSISTANT_FINESS) : l'export le demandera "
            "et refusera un FINESS vide."
        )
    if not FINESS_PATTERN.match(finess):
        return f"FINESS « {finess} » invalide : 9 caractères attendus (chiffres, 2A ou 2B pour la Corse)."
    return None


def export_problems(stay: Stay, codes: Codes, source_rum: str | None, finess: str) -> list[str]:
    """Why the export would refuse this stay with this coding, in French; [] when it would write it."""
    problems: list[str] = []
    if source_rum is None and stay.unit and len(stay.unit) > UNIT_MAX:
        problems.append(
            f"Code d'unité médicale « {stay.unit} » trop long : {len(stay.unit)} caractères, le RUM en admet "
            f"{UNIT_MAX}. Faites corriger le code de l'unité (correspondance des UM) avant l'export."
        )
    finess_issue = finess_problem(finess)
    if finess_issue:
        problems.append(finess_issue)
    if problems or codes.dp is None:
        return problems  # the writer would only repeat these, in other words
    coded = stay.model_copy(update={"documents": [], "codes": codes})
    rums = {stay.stay_id: source_rum} if source_rum else {}
    try:
        _, skipped = writable_records([coded], finess, source_rums=rums)
    except CodingAssistantError as exc:  # an unreadable stored RUM line
        return [f"Export impossible : {french_reason(str(exc))}."]
    return [f"Export impossible : {french_reason(s.reason)}." for s in skipped]
