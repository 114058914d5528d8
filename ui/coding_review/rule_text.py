"""PMSI rule warnings as a coder reads them: the rule named in French, the FG return code said once.

A warning carries its rule's identifier and its FG return code apart from its message (`schema.Note`,
`rules.RuleWarning`): the identifier is meant for the metrics, not for a coder, so it is shown here by the
rule's French name.
"""

from __future__ import annotations

from coding_assistant.rules import RuleWarning
from coding_assistant.schema import Note

RULE_LABELS = {
    "age": "âge incompatible",
    "sex": "sexe incompatible",
    "asterisk-without-dagger": "astérisque sans dague",
    "delivery-act-without-obstetric": "acte d'accouchement sans diagnostic obstétrical",
    "obstetric-without-delivery-act": "diagnostic d'accouchement sans acte",
    "delivery-mode-dp": "mode d'accouchement en DP",
    "sequelae-dp": "séquelle en DP",
    "dp-missing": "DP manquant",
    "dr-forbidden": "DR inutile",
    "dr-required": "DR attendu",
    "duplicate-code": "code en double",
    "deleted-code": "code supprimé de la CIM-10",
    "type-position": "code non autorisé à cette position",
    "unknown-code": "code inconnu",
    "external-cause-alone": "cause externe seule",
    "measurement-code": "code contredit par une valeur mesurée",
    "act-unknown": "acte inconnu de la CCAM",
    "act-validity": "acte hors de sa période de validité",
    "act-sex": "acte incompatible avec le sexe",
    "act-age": "acte incompatible avec l'âge",
    "act-activity": "activité non prévue pour cet acte",
    "act-phase": "phase non prévue pour cet acte",
    "act-date": "date d'acte hors du séjour",
    "act-date-missing": "date de réalisation manquante",
}


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, "règle PMSI")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _suffix(rule: str, fg: str | None) -> str:
    return f" — {rule_label(rule)}" + (f" (FG {fg})" if fg else "")


def warning_text(warning: RuleWarning | Note) -> str:
    """The message, then the rule's French name and the FG number once."""
    return _sentence(warning.message.strip()) + _suffix(warning.rule, warning.fg_error)
