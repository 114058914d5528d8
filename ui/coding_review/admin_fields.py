"""The RUM's administrative fields on the stay page, in French: « Entrée : mutation (6), provenance réanimation
(R) ; sortie : transfert définitif (7) vers MCO (1) », then a newborn's weight and gestational age and the number
of sessions when the RUM gives them.

No Streamlit here. Labels are the ATIH ones of the RUM format (value sets in `coding_assistant.rum_admin`); a code
the lists lack (the stay contract refuses it, so only a stay stored by an older version could hold one) is shown
bare, as « code X ».
"""

from __future__ import annotations

from collections.abc import Mapping

from coding_assistant.rum_admin import ENTRY_MODES, ENTRY_ORIGINS, EXIT_DESTINATIONS, EXIT_MODES
from coding_assistant.schema import Stay

NARROW_SPACE = "\u202f"  # French thousands separator: 2 450 g


def code_label(code: str, labels: Mapping[str, str]) -> str:
    """ "domicile (8)": the ATIH label of `code`, then the code as the RUM writes it."""
    label = labels.get(code)
    return f"{label} ({code})" if label else f"code {code}"


def _grams(value: int) -> str:
    return f"{value:,}".replace(",", NARROW_SPACE) + " g"


def _entry(stay: Stay) -> str | None:
    origin = f"provenance {code_label(stay.entry_origin, ENTRY_ORIGINS)}" if stay.entry_origin else None
    if stay.entry_mode:
        mode = code_label(stay.entry_mode, ENTRY_MODES)
        return f"entrée : {mode}, {origin}" if origin else f"entrée : {mode}"
    return origin


def _exit(stay: Stay) -> str | None:
    destination = code_label(stay.exit_destination, EXIT_DESTINATIONS) if stay.exit_destination else None
    if stay.exit_mode:
        mode = code_label(stay.exit_mode, EXIT_MODES)
        return f"sortie : {mode} vers {destination}" if destination else f"sortie : {mode}"
    return f"destination {destination}" if destination else None


def admin_summary(stay: Stay) -> str | None:
    """One French line of the stay's administrative fields, None when it has none (a stay from JSONL without
    them). Modes first, then the newborn's weight and gestational age, then the sessions."""
    parts = [_entry(stay), _exit(stay)]
    if stay.birth_weight:
        parts.append(f"poids à l'entrée {_grams(stay.birth_weight)}")
    if stay.gestational_age:
        parts.append(f"âge gestationnel {stay.gestational_age} SA")
    if stay.sessions:
        parts.append(f"{stay.sessions} séance{'s' if stay.sessions > 1 else ''}")
    text = " ; ".join(part for part in parts if part)
    return text[:1].upper() + text[1:] if text else None
