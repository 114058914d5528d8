"""Small French wording helpers: elision, articles, capitals, numbers written the French way."""

from __future__ import annotations

import string
from collections.abc import Mapping

_VOWELS = "aeiouyàâäéèêëîïôöùûüœhAEIOUYÀÂÉÈÊÎÔŒH"
# Endings that are mostly feminine in clinical nouns; used only to agree past participles ("connue").
_FEMININE_ENDINGS = (
    "ie",
    "ion",
    "ité",
    "ite",
    "ose",
    "ée",
    "ure",
    "ence",
    "ance",
    "émie",
    "pathie",
    "algie",
    "ase",
    "tte",
    "elle",
)
_FEMININE_ACRONYMS = ("HTA", "FA", "BPCO", "MRC", "IRC", "IRA", "IC", "AOMI", "EP", "TVP", "IU", "HBP", "ACFA", "PNA")


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (HTA, BPCO...)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def elide(word: str, text: str) -> str:
    """'de' + 'embolie' -> "d'embolie"; 'de' + 'fibrillation' -> 'de fibrillation'."""
    if text[:1] in _VOWELS and word.endswith("e"):
        return f"{word[:-1]}'{text}"
    return f"{word} {text}"


def guess_feminine(text: str) -> bool:
    first = text.split(" ", 1)[0].strip(",.")
    if first.upper() == first and first:
        return first in _FEMININE_ACRONYMS
    return first.lower().endswith(_FEMININE_ENDINGS)


def indefinite(text: str, feminine: bool) -> str:
    return f"{'une' if feminine else 'un'} {text}"


def french_join(items: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b et c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def french_number(value: float, decimals: int) -> str:
    """2.5 -> '2,5' (French decimal comma), integers without decimals."""
    if decimals <= 0:
        return str(round(value))
    return f"{value:.{decimals}f}".replace(".", ",")


class _Lenient(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        # A template naming an unknown field writes nothing rather than crashing a 10,000-stay run;
        # the data tests list every field the templates use so that such gaps are caught early.
        return ""


def fill(template: str, values: Mapping[str, object]) -> str:
    # str.format_map runs in C and honours __missing__; ten times faster than string.Formatter.
    return template.format_map(_Lenient(values))


def template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
