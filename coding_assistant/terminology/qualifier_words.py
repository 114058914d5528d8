"""Words that qualify a condition in every specialty (side, severity, course) without naming it.

Search weighs them less than the words that name the disease; the mention dictionary does not count them
as content words of a clinicians' wording ("hernie inguinale droite" has two).
"""

from __future__ import annotations

from coding_assistant.text.normalize import stem

QUALIFIER_STEMS = frozenset(
    stem(word)
    for word in [
        "droit",
        "droite",
        "droits",
        "droites",
        "gauche",
        "gauches",
        "bilateral",
        "bilaterale",
        "bilaterales",
        "bilateraux",
        "severe",
        "moderee",
        "modere",
        "leger",
        "legere",
        "grave",
        "majeur",
        "mineur",
        "important",
        "importante",
        "recidivant",
        "recidivante",
        "recent",
        "recente",
        "ancien",
        "ancienne",
        "initial",
        "initiale",
        "symptomatique",
        "asymptomatique",
        "type",
        "stade",
        "grade",
        "lobe",
    ]
)
