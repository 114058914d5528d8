"""Regex pieces, units, plausible ranges and decision policies for `find_measurements`.

All regexes are compiled with re.IGNORECASE; symbols whose case matters ("K+", "Na", "Hb", "SA") switch it
off locally with "(?-i:...)". A keyword is followed by a short gap (words such as "à", ":", "=", "altérée",
"(CKD-EPI)", never a digit, a comma or a sentence end), an optional comparator, a number or range, and an
optional unit. The value is converted to the kind's canonical unit; values outside the plausible range are
dropped ("FEVG 300 %" is a typo or something else).
"""

from __future__ import annotations

from typing import NamedTuple

# French decimals use a comma; "9 850" style thousands are not read (none of our kinds needs them).
NUMBER = r"\d{1,4}(?:[.,]\d{1,3})?"
RANGE_SEPARATOR = r"\s*(?:-|–|à|et)\s*"  # "22-25", "1,40 à 2,20", "entre 1,4 et 2"
COMPARATOR = r"(?:[<>≤≥]=?|plus de|moins de|sup[ée]rieure? à|inf[ée]rieure? à)"
# Between a value and the next one of a sequence: "126 -> 131", "48 mg/L (H12) puis 164 mg/L", "214 à J3 puis 181".
CHAIN = r"\s*(?:\([^()\n]{0,20}\)\s*|à\s+[JH]\d{1,3}\s*|en\s+\w+\s*)?(?:->|→|=>|puis(?:\s+à)?)\s*"
# A unit written right after a number; if it is not one the kind accepts, the number is something else
# ("Diffu-K 2 gél", "vitamine K 10 mg", "Na 0,9 %").
ANY_UNIT = (
    r"\s?(?:%|°|[µu]g|[µu]mol|mmol|meq|mg|kg|g\b|g/|ng|pg|ui|ml|l/|mm\b|cm\b|m\b|/min|bpm|gél|cp|sa\b|mosm"
    r"|h\b|heures?\b|j\b|jours?\b|ans?\b|mois\b)"
)


class Unit(NamedTuple):
    regex: str
    factor: float  # multiply by this to get the canonical unit


class KindSpec(NamedTuple):
    keyword: str
    canonical_unit: str
    units: tuple[Unit, ...]
    low: float  # plausible range, canonical unit
    high: float
    max_gap: int = 30
    # Unit assumed when none is written: a function of the value would be too clever; a tuple of
    # (max value, factor) pairs read in order says "up to max, the value is in the unit with this factor".
    unitless: tuple[tuple[float, float], ...] = ()


_MMOL = Unit(r"mmol\s*/\s*l", 1.0)
_MEQ = Unit(r"m[eé]q\s*/\s*l", 1.0)

KINDS: dict[str, KindSpec] = {
    "fevg": KindSpec(
        r"FEVG|FE\s?VG|fraction d'[ée]jection(?:\s+(?:du\s+)?(?:ventricule gauche|ventriculaire gauche|VG))?"
        r"|(?-i:FE)(?=\s)",
        "%",
        (Unit(r"%", 1.0),),
        5,
        90,
        unitless=((90, 1.0),),
    ),
    "imc": KindSpec(
        r"IMC|BMI|indice de masse corporelle",
        "kg/m²",
        (Unit(r"kg\s*/\s*m\s*(?:2|²|\^2)", 1.0),),
        10,
        90,
        unitless=((90, 1.0),),
    ),
    "poids": KindSpec(
        r"poids|p[èe]se|pesant|(?-i:PN)",
        "kg",
        (Unit(r"kg", 1.0), Unit(r"g\b", 0.001), Unit(r"grammes", 0.001)),
        0.3,
        350,
    ),
    "taille": KindSpec(
        r"taille|mesurant|mesure",
        "cm",
        (Unit(r"cm", 1.0), Unit(r"m\b", 100.0)),
        30,
        230,
    ),
    "kaliemie": KindSpec(
        r"(?:hyper|hypo)?kali[ée]mie|potassium|(?<![\w/-])(?-i:K)\+?(?=[\s:=à])",
        "mmol/L",
        (_MMOL, _MEQ),
        1.0,
        10.0,
        max_gap=20,
        unitless=((10, 1.0),),
    ),
    "natremie": KindSpec(
        r"(?:hyper|hypo)?natr[ée]mie|sodium|(?<![\w/-])(?-i:Na)\+?(?=[\s:=à])",
        "mmol/L",
        (_MMOL, _MEQ),
        95,
        200,
        max_gap=20,
        unitless=((200, 1.0),),
    ),
    "creatinine": KindSpec(
        r"cr[ée]atinin[ée]mie|cr[ée]atinine|cr[ée]at\b|cr[ée]at(?=\s)",
        "µmol/L",
        (Unit(r"[µu]mol\s*/\s*l", 1.0), Unit(r"mg\s*/\s*dl", 88.4), Unit(r"mg\s*/\s*l", 8.84)),
        10,
        3000,
        unitless=((3000, 1.0),),
    ),
    "dfg": KindSpec(
        r"e?DFGe?|e?GFR|d[ée]bit de filtration glom[ée]rulaire(?:\s+estim[ée])?|clairance(?: de la cr[ée]atinine)?"
        r"|MDRD|CKD[- ]?EPI|Cockcroft(?:[- ]Gault)?",
        "mL/min/1,73m²",
        (Unit(r"ml\s*/\s*min(?:\s*/\s*1[.,]73\s*m\s*(?:2|²)?)?", 1.0),),
        1,
        200,
        unitless=((200, 1.0),),
    ),
    "hba1c": KindSpec(
        r"HbA1c|h[ée]moglobine glyqu[ée]e|(?-i:A1c)",
        "%",
        (Unit(r"%", 1.0),),
        3,
        20,
        unitless=((20, 1.0),),
    ),
    "glycemie": KindSpec(
        r"(?:hyper|hypo)?glyc[ée]mies?(?:\s+(?:capillaire|à jeun|veineuse|plasmatique))?|dextro|(?-i:GAJ)",
        "mmol/L",
        (_MMOL, Unit(r"g\s*/\s*l", 5.551)),
        0.5,
        60,
        # "glycémie 1,12" is g/L, "glycémie 13,8" is mmol/L; between 3 and 7 nobody can tell: not read.
        unitless=((3, 5.551), (7, 0.0), (60, 1.0)),
    ),
    "hemoglobine": KindSpec(
        r"h[ée]moglobine(?!\s+glyqu)|(?-i:Hb)(?!A1)|(?-i:HGB)",
        "g/dL",
        (Unit(r"g\s*/\s*dl", 1.0), Unit(r"g\s*/\s*l", 0.1)),
        2,
        25,
        max_gap=20,
        # "Hb 11,9" is g/dL, "Hb 98" is g/L.
        unitless=((25, 1.0), (250, 0.1)),
    ),
    "crp": KindSpec(
        r"CRP|prot[ée]ine C[ -]r[ée]active",
        "mg/L",
        (Unit(r"mg\s*/\s*l", 1.0), Unit(r"mg\s*/\s*dl", 10.0)),
        0,
        1000,
        unitless=((1000, 1.0),),
    ),
}

# Words in front of "poids" that make the number a change, not a weight: "prise de poids de 4 kg".
WEIGHT_CHANGE = r"(?:prise|perte|gain|variation|baisse|reprise|diminution|augmentation)\s+(?:de\s+)?$"
# "82 kg / 1,61 m", "112 kg pour 1.64 m", "94 kg, taille 1.60 m".
WEIGHT_HEIGHT = (
    r"(?P<weight>"
    + NUMBER
    + r")(?P<kg>\s?kg)\s*(?:/|pour|,|et|-)\s*(?:taille\s*(?::|=|de|à)?\s*)?(?P<height>"
    + NUMBER
    + r")\s?(?P<unit>cm|m)\b"
)
# How far apart (characters) a weight and a height may be to compute an IMC from them.
WEIGHT_HEIGHT_WINDOW = 80

# "32 SA + 3 j", "terme 39 SA", "38+2 SA", "34 SA et 5 jours", "28 semaines d'aménorrhée".
TERM = (
    r"(?:(?:terme|[âa]ge gestationnel|(?-i:AG))\s*(?:de|à|:|=)?\s*)?"
    r"(?P<weeks>\d{1,2})\s*(?:\+\s*(?P<days_before>[0-6])\s*(?:j(?:ours?)?)?\s*)?"
    r"(?:(?-i:SA)\b|semaines? d'am[ée]norrh[ée]e)"
    r"(?:\s*(?:\+|et)\s*(?P<days_after>[0-6])\s*(?:j(?:ours?)?\b)?)?"
)
TERM_WEEKS = (4, 45)

# Delay from symptom onset to care, in hours.
DURATION_UNITS: dict[str, float] = {"min": 1 / 60, "h": 1.0, "j": 24.0, "sem": 168.0}
DURATION_UNIT = r"(?P<unit>minutes?|mn|min|heures?|h|jours?|j|semaines?|sem)(?:\b|(?=\d{2}\b))"
DELAY_PATTERNS: tuple[str, ...] = (
    # "depuis 3 h", "depuis 36h", "depuis 10 jours"; not "depuis 6h du matin" nor "depuis 6h30" (clock times)
    r"depuis\s+(?:environ\s+|plus de\s+|moins de\s+)?(?P<value>"
    + NUMBER
    + r")\s*"
    + DURATION_UNIT
    + r"(?!\s*(?:\d|du matin|du soir|ce matin))",
    # "délai douleur-ballon 1h55", "délai symptômes-reperfusion de 4 h"
    r"d[ée]lai[^\d\n.;]{0,40}?(?P<value>" + NUMBER + r")\s*" + DURATION_UNIT + r"(?:\s*(?P<minutes>\d{2})\b)?",
    # "< 24 h", "plus de 36 h", "vu à plus de 24 h"
    # but not "OLD ≥ 16 h/j" (a daily duration)
    r"(?P<comparator>[<>≤≥]=?|plus de|moins de)\s*(?P<value>"
    + NUMBER
    + r")\s*"
    + DURATION_UNIT
    + r"(?!\s*/\s*(?:j|jour|24))",
)
DELAY_HOURS = (0, 24 * 90)

# Which value decides a code when a stay reports several, and why.
DECISIVE: dict[str, str] = {
    "fevg": "min",  # I50.x FR extension: the worst ejection fraction documented in the stay
    "kaliemie": "max",  # E87.50 needs a kaliémie > 6.5 mmol/L: the highest value
    "natremie": "farthest",  # hypo- or hypernatraemia: the value farthest from normal
    "creatinine": "max",
    "dfg": "min",  # the stage refiner should still prefer a written "stade" over an acute low DFG
    "hba1c": "last",
    "imc": "last",  # explicit values are preferred over computed ones, see decisive()
    "poids": "first",  # weight at admission
    "taille": "first",
    "terme": "last",  # the term at delivery is the last one written
    "delai_prise_en_charge": "min",  # I21 "prise en charge initiale": the earliest care
    "glycemie": "farthest",
    "hemoglobine": "min",
    "crp": "max",
}
NORMAL: dict[str, float] = {"natremie": 140.0, "glycemie": 5.5, "kaliemie": 4.2}
