"""The RUM's administrative codes (modes d'entrée et de sortie, provenance, destination) and their labels.

Value sets of the ATIH RSS non groupé format 023 (2026, table "RUM", columns `modalites`; format 022 of
2024-2025 has the same lists): mode d'entrée dans l'unité médicale (position 86), provenance (87), mode de
sortie de l'unité médicale (96), destination (97). Labels are the ATIH ones, in French, for the review UI.
Provenance 5 (« urgences ») is not in these lists: since 2023 the passage through an emergency department has
its own field (« passage par une structure des urgences »).

Data only, read by the stay contract (`schema.Stay`), the RSS reader and the review UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Mode d'entrée dans l'unité médicale (ATIH RUM format 023, position 86). "0" is zero, "O" the letter.
ENTRY_MODES: Mapping[str, str] = MappingProxyType(
    {
        "0": "transfert provisoire",
        "6": "mutation",
        "7": "transfert définitif",
        "8": "domicile",
        "N": "naissance",
        "O": "patient entré décédé pour prélèvement d'organes",
    }
)
# Provenance (position 87), "si mode d'entrée est mutation, transfert ou domicile".
ENTRY_ORIGINS: Mapping[str, str] = MappingProxyType(
    {
        "1": "MCO (hors réanimation)",
        "R": "réanimation",
        "2": "SMR",
        "3": "SLD",
        "4": "psychiatrie",
        "6": "HAD",
        "7": "structure d'hébergement médico-sociale",
    }
)
# Mode de sortie de l'unité médicale (position 96).
EXIT_MODES: Mapping[str, str] = MappingProxyType(
    {
        "0": "transfert provisoire",
        "6": "mutation",
        "7": "transfert définitif",
        "8": "domicile",
        "9": "décès",
    }
)
# Destination (position 97), "si mode de sortie est mutation, transfert ou domicile".
EXIT_DESTINATIONS: Mapping[str, str] = MappingProxyType(
    {
        "1": "MCO",
        "2": "SMR",
        "3": "SLD",
        "4": "psychiatrie",
        "6": "HAD",
        "7": "structure d'hébergement médico-sociale",
    }
)

# Field name (as in `schema.Stay` and `formats.RumRecord`) -> (what it is, in words; its value set).
ADMIN_CODE_FIELDS: Mapping[str, tuple[str, Mapping[str, str]]] = MappingProxyType(
    {
        "entry_mode": ("entry mode", ENTRY_MODES),
        "entry_origin": ("entry origin (provenance)", ENTRY_ORIGINS),
        "exit_mode": ("exit mode", EXIT_MODES),
        "exit_destination": ("exit destination", EXIT_DESTINATIONS),
    }
)

# The administrative fields of `schema.Stay`, as the batch's table sources and the Spark job name their columns.
STAY_ADMIN_FIELDS: tuple[str, ...] = (*ADMIN_CODE_FIELDS, "birth_weight", "gestational_age", "sessions")

# The numeric fields' widths bound them (ATIH RUM format 023: birth weight 103-106 in grams, gestational age
# 107-108 in weeks, number of sessions 117-118).
MAX_BIRTH_WEIGHT_G = 9999
MAX_GESTATIONAL_AGE_WEEKS = 99
MAX_SESSIONS = 99


def normalise_admin_code(value: object) -> str | None:
    """A code as the RUM writes it: one character, upper case ("n" → "N", 7 → "7"); None when blank."""
    if value is None:
        return None
    text = str(value).strip().upper()
    return text or None


def admin_code_problem(field: str, code: str) -> str | None:
    """Why `code` is not a valid value of `field` ("entry_mode"…), naming the allowed codes, never the value;
    None when it is valid."""
    what, allowed = ADMIN_CODE_FIELDS[field]
    if code in allowed:
        return None
    return f"not an ATIH {what} code (allowed: {', '.join(allowed)})"
