"""Names the product gives to RUM fields, keyed by the names and labels used in the layout files.

Data only; `layout.py` applies it. Sources: `layouts/README.md`.
"""

from __future__ import annotations

from typing import Literal

FieldKind = Literal["text", "number", "date"]

# pmeasyr `nom` (grouped RSS table `rum`) -> our name. Grouping fields (NOCLAS, CDGHM, Fil1, NOVERG, CDERG)
# exist only in the grouped RSS and are dropped; `Fil3` (2026) is replaced by the ATIH detail below.
PMEASYR_NAMES: dict[str, str] = {
    "NOFINESS": "finess",
    "NOVERR": "version",
    "NORSS": "rss_number",
    "NAS": "admin_number",
    "NORUM": "rum_number",
    "DTNAIS": "birth_date",
    "SXPMSI": "sex",
    "CDURM": "unit",
    "KYTYPAUTLIT": "bed_authorisation",
    "D8EEUE": "entry_date",
    "MDEEUE": "entry_mode",
    "TYTRPR": "entry_origin",
    "D8SOUE": "exit_date",
    "MDSOUE": "exit_mode",
    "TYTRDS": "exit_destination",
    "CDRESI": "postcode",
    "PDNAIS": "birth_weight",
    "AGEGEST": "gestational_age",
    "DDR2": "last_period_date",
    "NBSEAN": "sessions",
    "NBDAS": "das_count",
    "NBDAD": "dad_count",
    "NBACTE": "act_count",
    "DP": "dp",
    "DR": "dr",
    "IGS": "igs2",
    "CONFCDRSS": "coding_confirmed",
    "RDT_TYPMACH": "radiotherapy_machine",
    "RDT_TYPDOSIM": "dosimetry_type",
    "NUMINNO": "innovation_number",
    "CONVERSION_HC": "full_hospitalisation_conversion",
    "PC_RAAC": "raac",
    "SURVEILLANCE_PART": "special_monitoring",
    "ADMIN_RESERV_HOSP": "hospital_reserved_drug",
    "RESCRIT_TARIFAIRE": "tariff_ruling",
    "CATEG_NB_INTERV": "intervention_count_category",
    "ADNP_75_PLUS": "unscheduled",
    "CDPU": "emergency_passage",
    "Fil2": "filler",
    "ZONRES": "reserved",
}

PMEASYR_GROUPING_NAMES = frozenset({"NOCLAS", "CDGHM", "Fil1", "NOVERG", "CDERG"})
PMEASYR_FILLER_2026 = "Fil3"
PMEASYR_DIAGNOSIS_START = "ZAD"  # start of the DA / DAD / act zones

# Format 023 fields 178-190 (ATIH 2026 table, `debut` column) -> our name.
ATIH_2026_NAMES: dict[int, str] = {
    178: "radiotherapy_complex_patient",
    179: "radiotherapy_tumour_count",
    181: "radiotherapy_adaptive",
    182: "radiotherapy_hypofractionation",
    183: "dialysis_complexity_level",
    184: "dialysis_complexity_score",
    186: "dialysis_weekly_reviews",
    187: "dialysis_weekly_time",
}

# Act zone sub-fields: ATIH `sous_libelle` (start of it, lower case) -> our name.
ACT_FIELD_NAMES: dict[str, str] = {
    "date de réalisation": "date",
    "code ccam": "code",
    "extension pmsi": "extension",
    "phase": "phase",
    "activité": "activity",
    "extension documentaire": "doc_extension",
    "modificateurs": "modifiers",
    "remboursement exceptionnel": "exceptional_refund",
    "association non prévue": "unforeseen_association",
    "nombre de réalisations": "count",
    "horaire de début des actes de dialyse": "dialysis_start_time",
    "typologie de modalité": "dialysis_modality",
}

# Kind of each field: ATIH 2026 `type` column (N: number, right-aligned zero-padded; Date: JJMMAAAA;
# A / A*: text, left-aligned space-padded). Format 022 fields are assumed to keep their 2026 kind.
NUMBER_FIELDS = frozenset(
    {
        "birth_weight",
        "gestational_age",
        "sessions",
        "das_count",
        "dad_count",
        "act_count",
        "igs2",
        "radiotherapy_tumour_count",
        "dialysis_complexity_score",
        "dialysis_weekly_reviews",
        "dialysis_weekly_time",
        "count",
    }
)
# Identifiers and codes: cutting them would make another stay or another code, so never truncated.
NEVER_TRUNCATED = frozenset({"finess", "version", "rss_number", "admin_number", "rum_number", "dp", "dr", "code"})
DATE_FIELDS = frozenset({"birth_date", "entry_date", "exit_date", "last_period_date", "date"})


def kind_of(name: str) -> FieldKind:
    if name in NUMBER_FIELDS:
        return "number"
    if name in DATE_FIELDS:
        return "date"
    return "text"
