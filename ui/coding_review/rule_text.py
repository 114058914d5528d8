"""PMSI rule warnings as a coder reads them: the rule named in French, the FG return code said once.

The rule checker ends each message with its tag, "(règle « sex », FG 92)": an identifier meant for the
metrics, not for a coder. Here the tag is cut off and replaced by the rule's French name and the FG number.
"""

from __future__ import annotations

import re

from coding_assistant.rules import RuleWarning

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
}
_TAG = re.compile(r"\s*\(règle « ([^»]*) »(?:, FG ([^)]*))?\)\s*$")
_PIPELINE_TAG = re.compile(r"^\[([^\]·]*?)(?:\s*·\s*FG\s*([^\]]*))?\]\s*")


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, "règle PMSI")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _suffix(rule: str, fg: str | None) -> str:
    return f" — {rule_label(rule)}" + (f" (FG {fg})" if fg else "")


def warning_text(warning: RuleWarning) -> str:
    """The message without its tag, then the rule's French name and the FG number once."""
    message = _TAG.sub("", warning.message).strip()
    return _sentence(message) + _suffix(warning.rule, warning.fg_error)


def stored_warning_text(note: str) -> str:
    """A warning the pipeline stored as "[rule · FG n] message (règle « rule », FG n)", in the same words."""
    match = _PIPELINE_TAG.match(note)
    rule, fg = (match.group(1).strip(), match.group(2)) if match else ("", None)
    message = _TAG.sub("", _PIPELINE_TAG.sub("", note)).strip()
    tag = _TAG.search(note)
    if tag and not rule:
        rule, fg = tag.group(1), tag.group(2)
    return _sentence(message) + (_suffix(rule, fg.strip() if fg else None) if rule else "")
