"""Each code's ATIH type (CIM-10 FR à usage PMSI) must allow its position; deleted or unknown codes are refused.

Type MCO (ATIH): DP ∈ {0}, DR ∈ {0, 4}, DAS ∈ {0, 1, 2, 4}; chapter XX (V01-Y98) is never DP nor DR whatever
its type says. FG return codes: 113-119 (position), 67/68, 94/95, 70/71 (never existed / no longer exists), 40
(no DP).
"""

from __future__ import annotations

from coding_assistant.rules.coding import StayCoding
from coding_assistant.rules.ranges import EXTERNAL_CAUSES
from coding_assistant.rules.warning import RuleWarning
from coding_assistant.terminology.model import ALLOWED_TYPES, Position, Terminology

TYPE_MEANINGS_FR: dict[int, str] = {
    0: "sans restriction",
    1: "interdit en DP et en DR",
    2: "cause externe, interdite en DP et en DR",
    3: "non codable : catégorie avec subdivisions",
    4: "interdit en DP",
}

# FG return code per (position, ATIH type) when the type refuses the position. Type 4 in DP has no dedicated
# FG code in the list: none is cited.
FG_TYPE_ERRORS: dict[tuple[str, int], str] = {
    ("DP", 1): "113",
    ("DP", 2): "114",
    ("DP", 3): "115",
    ("DR", 1): "116",
    ("DR", 2): "117",
    ("DR", 3): "118",
    ("DAS", 3): "119",
}
FG_EXTERNAL_CAUSE = {"DP": "114", "DR": "117"}
FG_NEVER_EXISTED = {"DP": "67", "DR": "94", "DAS": "70"}
FG_NO_LONGER_EXISTS = {"DP": "68", "DR": "95", "DAS": "71"}
FG_DP_MISSING = "40"


def type_allows(terminology: Terminology, code: str, position: str) -> bool:
    """Whether the ATIH type of a known, non-deleted code allows it in a position (chapter XX never DP/DR)."""
    if position in ("DP", "DR") and code in EXTERNAL_CAUSES:
        return False
    return bool(terminology.allowed(code, position))


def check_dp_present(coding: StayCoding) -> list[RuleWarning]:
    if coding.dp:
        return []
    return [RuleWarning("dp-missing", None, "aucun diagnostic principal : un RUM a exactement un DP", FG_DP_MISSING)]


def check_positions(coding: StayCoding, terminology: Terminology, skip: set[tuple[str, str]]) -> list[RuleWarning]:
    """Unknown, deleted and type-refused codes; `skip` holds (position, code) pairs already reported by a more
    specific rule (a sequela in DP, for instance)."""
    warnings: list[RuleWarning] = []
    for diagnosis in coding.diagnoses:
        position, code = diagnosis.position, diagnosis.code
        entry = terminology.get(code)
        if entry is None:
            fg = FG_NEVER_EXISTED[position]
            warnings.append(
                RuleWarning(
                    "unknown-code",
                    code,
                    f"{code} en {position} n'existe pas dans la CIM-10 FR chargée ({terminology.version})",
                    fg,
                )
            )
            continue
        if entry.deleted:
            fg = FG_NO_LONGER_EXISTS[position]
            year = f" en 20{entry.deleted_year}" if entry.deleted_year else ""
            warnings.append(
                RuleWarning(
                    "deleted-code",
                    code,
                    f"{code} en {position} a été supprimé de la CIM-10 FR{year} : choisir le code qui le remplace",
                    fg,
                )
            )
            continue
        if (position, code) in skip:
            continue
        if position in ("DP", "DR") and code in EXTERNAL_CAUSES:
            fg = FG_EXTERNAL_CAUSE[position]
            warnings.append(
                RuleWarning(
                    "type-position",
                    code,
                    f"{code} est une cause externe (V01-Y98) : jamais en {position}, seulement en DAS à côté de la "
                    f"lésion",
                    fg,
                )
            )
            continue
        if entry.mco_type not in ALLOWED_TYPES[Position(position)]:
            type_fg = FG_TYPE_ERRORS.get((position, entry.mco_type))
            meaning = TYPE_MEANINGS_FR.get(entry.mco_type, "type inconnu")
            hint = " : choisir un code plus précis" if entry.mco_type == 3 else ""
            warnings.append(
                RuleWarning(
                    "type-position",
                    code,
                    f"{code} interdit en {position} (type MCO {entry.mco_type}, {meaning}){hint}",
                    type_fg,
                )
            )
    return warnings
