"""CIM-10 code normalisation: the ATIH writes codes without dots, upper case, no dagger/asterisk mark."""

from __future__ import annotations

import re

from coding_assistant.errors import CodeValidationError

# Marks that letters and coders append to codes: dagger (aetiology) and asterisk (manifestation),
# sometimes typed as "+" or "!" (the WHO's "optional additional code" mark).
_TRAILING_MARKS = "†‡*!+"
# ATIH codes: a letter, two digits, then up to 3 characters; "+" appears inside a few FR codes (B24+0).
_CODE_RE = re.compile(r"^[A-Z][0-9]{2}[0-9A-Z+]{0,4}$")
_SEPARATORS = re.compile(r"[\s.,]")
_CODE_LIKE_RE = re.compile(r"^\s*[A-Za-z]\s*\d{1,2}(?:\s*[.,]?\s*[0-9A-Za-z+]{0,4})?\s*[†‡*!+]?\s*$")


def cim10_prefix(text: str) -> str | None:
    """The ATIH form of a text shaped like a (possibly partial) CIM-10 code ('i21.1' -> 'I211', 'e1' -> 'E1'),
    or None when the text is not shaped like one."""
    if not _CODE_LIKE_RE.match(text):
        return None
    cleaned = _SEPARATORS.sub("", text.strip().upper())
    return cleaned.rstrip(_TRAILING_MARKS) or None


def normalise_code(raw: str) -> str:
    """Return the ATIH form of a CIM-10 code ('i21.1 ' -> 'I211', 'G01*' -> 'G01').

    Raises CodeValidationError naming the reason when the text cannot be a CIM-10 code.
    Whether the code exists is the terminology's business (`Terminology.validate`).
    """
    if raw is None:
        raise CodeValidationError("empty code")
    text = str(raw).strip().upper()
    while text and text[-1] in _TRAILING_MARKS:
        text = text[:-1].rstrip()
    text = _SEPARATORS.sub("", text)
    if not text:
        raise CodeValidationError(f"empty code {raw!r}")
    if not text[0].isalpha():
        raise CodeValidationError(f"malformed code {raw!r}: a CIM-10 code starts with a letter")
    if len(text) < 3:
        raise CodeValidationError(f"malformed code {raw!r}: a CIM-10 code has at least 3 characters")
    if len(text) > 7:
        raise CodeValidationError(f"malformed code {raw!r}: more than 7 characters")
    if not _CODE_RE.match(text):
        raise CodeValidationError(
            f"malformed code {raw!r}: expected a letter, two digits and up to four more characters"
        )
    return text


def chapter_of(code: str) -> str:
    """Roman numeral of the CIM-10 chapter holding a code (from its first three characters)."""
    key = code[:3]
    for start, end, chapter in _CHAPTERS:
        if start <= key <= end:
            return chapter
    return ""


# CIM-10 chapters (WHO ICD-10, as used by the ATIH), as inclusive 3-character ranges.
_CHAPTERS: tuple[tuple[str, str, str], ...] = (
    ("A00", "B99", "I"),
    ("C00", "D48", "II"),
    ("D50", "D89", "III"),
    ("E00", "E90", "IV"),
    ("F00", "F99", "V"),
    ("G00", "G99", "VI"),
    ("H00", "H59", "VII"),
    ("H60", "H95", "VIII"),
    ("I00", "I99", "IX"),
    ("J00", "J99", "X"),
    ("K00", "K93", "XI"),
    ("L00", "L99", "XII"),
    ("M00", "M99", "XIII"),
    ("N00", "N99", "XIV"),
    ("O00", "O99", "XV"),
    ("P00", "P96", "XVI"),
    ("Q00", "Q99", "XVII"),
    ("R00", "R99", "XVIII"),
    ("S00", "T98", "XIX"),
    ("V01", "Y98", "XX"),
    ("Z00", "Z99", "XXI"),
    ("U00", "U99", "XXII"),
)

CHAPTER_TITLES: dict[str, str] = {
    "I": "Maladies infectieuses et parasitaires",
    "II": "Tumeurs",
    "III": "Maladies du sang et du système immunitaire",
    "IV": "Maladies endocriniennes, nutritionnelles et métaboliques",
    "V": "Troubles mentaux et du comportement",
    "VI": "Maladies du système nerveux",
    "VII": "Maladies de l'œil et de ses annexes",
    "VIII": "Maladies de l'oreille et de l'apophyse mastoïde",
    "IX": "Maladies de l'appareil circulatoire",
    "X": "Maladies de l'appareil respiratoire",
    "XI": "Maladies de l'appareil digestif",
    "XII": "Maladies de la peau et du tissu cellulaire sous-cutané",
    "XIII": "Maladies du système ostéo-articulaire",
    "XIV": "Maladies de l'appareil génito-urinaire",
    "XV": "Grossesse, accouchement et puerpéralité",
    "XVI": "Affections de la période périnatale",
    "XVII": "Malformations congénitales",
    "XVIII": "Symptômes et résultats anormaux",
    "XIX": "Lésions traumatiques et empoisonnements",
    "XX": "Causes externes de morbidité",
    "XXI": "Facteurs influant sur l'état de santé",
    "XXII": "Codes d'utilisation particulière",
}


# Codes outside chapter XVIII that name a symptom rather than a disease: the CIM-10 files a few pains under
# their organ's chapter (« Colique néphrétique, sans précision » N23, the back pains M54, arthralgia M25.5, pain
# in a limb M79.6). Like R00-R99, they are the DP only when no diagnosis explains the stay, and give way to the
# diagnosis the letter states as their cause (ATIH Guide méthodologique MCO, chapitre IV; the CIM-10's note at
# the head of chapter XVIII).
_SYMPTOMS_OUTSIDE_CHAPTER_XVIII = ("N23", "M54", "M255", "M796")


def is_symptom(code: str) -> bool:
    """Whether a code names a symptom: chapter XVIII, or one of the pains filed with their organ."""
    return code.startswith("R") or code.startswith(_SYMPTOMS_OUTSIDE_CHAPTER_XVIII)


# The CIM-10 groups the symptoms of chapter XVIII by body system; a symptom of a system is a usual manifestation
# of that system's diseases. General symptoms (R50-R69 but the convulsions: fever, syncope, malaise, weight loss)
# and abnormal findings (R70-R99) are usual for any disease.
_SYMPTOM_SYSTEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("R42", "R42", ("VI", "VIII", "IX")),  # dizziness and vertigo: the nervous system, the inner ear, the heart
    ("R56", "R56", ("VI",)),  # convulsions, febrile ones included: the nervous system
    ("R00", "R09", ("IX", "X")),
    ("R10", "R19", ("XI",)),
    ("R20", "R23", ("XII",)),
    ("R25", "R29", ("VI", "XIII")),
    ("R30", "R39", ("XIV",)),
    ("R40", "R49", ("V", "VI")),
)


def symptom_of_its_system(symptom: str, disease: str) -> bool:
    """Whether a symptom of chapter XVIII that belongs to one body system (R00-R49: the heart and lungs, the
    digestive tract, the skin, the nerves and muscles, the urinary tract; R42 and R56 too) is of the disease's
    system. The general symptoms (the rest of R50-R69: fever, headache, malaise) belong to none, and only a
    disease of the whole body, an infectious or parasitic one of chapter I (« fièvre, céphalées … goutte
    épaisse : Plasmodium ovale »), explains them."""
    category = symptom[:3]
    chapters = _system_chapters(category)
    if chapters is not None:
        return chapter_of(disease) in chapters
    return "R50" <= category <= "R69" and chapter_of(disease) == "I"


def _system_chapters(category: str) -> tuple[str, ...] | None:
    """The chapters of the body system a symptom category belongs to (`_SYMPTOM_SYSTEMS`), None for none."""
    for start, end, chapters in _SYMPTOM_SYSTEMS:
        if start <= category <= end:
            return chapters
    return None


def usual_manifestation(symptom: str, disease: str) -> bool:
    """Whether a symptom is a usual manifestation of a disease's body system: the guide méthodologique MCO
    (chapitre IV) does not code apart a symptom that is a usual manifestation of the diagnosis that explains it,
    while an unusual one (a confusion beside a urinary infection) may stand as a DAS."""
    if not symptom.startswith("R"):
        return chapter_of(symptom) == chapter_of(disease)
    chapters = _system_chapters(symptom[:3])
    return chapters is None or chapter_of(disease) in chapters
