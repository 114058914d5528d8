"""Accent-, case- and punctuation-insensitive forms of French clinical text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

# Replaced one by one with str.replace: translate() with a dict costs about 1 ms on a 10,000-character letter,
# the replacements under 0.1 ms. No replacement holds another ligature, so the order does not matter.
_LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"), ("ß", "ss"), ("’", "'"), ("µ", "u"))
# "ST+" / "ST-" (ECG segment) and "K+" carry meaning in their sign: keep it as a word.
_SIGN_PLUS = re.compile(r"(?<=[0-9A-Za-z])\+")
_SIGN_MINUS = re.compile(r"(?<=[A-Za-z])-(?=\s|$|[,;.)])")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_NON_WORD_ANY_CASE = re.compile(r"[^0-9a-zA-Z]+")

# Function words that carry no meaning for retrieval. "sans" and "non" stay: they change a diagnosis.
STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "c",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "lors",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "y",
        "chez",
        "est",
        "sont",
        "cette",
        "cet",
    ]
)


def strip_accents(text: str) -> str:
    """'Œdème aigu à 39 °C' -> 'Oedeme aigu a 39 C': decomposed accents and other non-ASCII marks dropped."""
    if text.isascii():
        return text
    for ligature, plain in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, plain)
    decomposed = unicodedata.normalize("NFKD", text)
    # Dropping every non-ASCII code point after decomposition removes the combining accents (and symbols
    # such as '°' that the normalised form would turn into spaces anyway), far faster than a per-character test.
    return decomposed.encode("ascii", "ignore").decode("ascii")


# Cached: the rule readers fold the same document one after the other (adverse drugs, infectious agents), and
# the specificity refiner the same stay text for every candidate of the stay.
@lru_cache(maxsize=32)
def fold(text: str) -> str:
    """Lower case without accents: 'Hémodialysée' -> 'hemodialysee'."""
    return strip_accents(text).lower()


# Under re.IGNORECASE the dotless « ı » matches « i », but strip_accents drops it: the one letter a case-insensitive
# match can hold that folding loses.
_DOTLESS_I = "ı"


def may_hold(text: str, words: Iterable[str]) -> bool:
    """False only when no case-insensitive regex match of `text` can hold one of `words` (lower case, no
    accents) once folded: the cheap first look of a reader whose every regex match holds one of them."""
    if _DOTLESS_I in text:
        return True
    folded = strip_accents(text).lower()
    return any(word in folded for word in words)


def may_hold_text(text: str, words: Iterable[str]) -> bool:
    """`may_hold` for a whole document: the folded text is `fold`'s, cached, since the rule readers look at the
    same document one after the other."""
    if _DOTLESS_I in text:
        return True
    folded = fold(text)
    return any(word in folded for word in words)


def normalise_text(text: str, keep_case: bool = False) -> str:
    """Lower case, no accents, signs spelt out, punctuation as spaces.

    'SCA ST+ inférieur' -> 'sca st plus inferieur'
    """
    text = _SIGN_PLUS.sub(" plus ", text)
    text = _SIGN_MINUS.sub(" moins ", text)
    if keep_case:
        return _NON_WORD_ANY_CASE.sub(" ", strip_accents(text)).strip()
    return _NON_WORD.sub(" ", strip_accents(text).lower()).strip()


def tokens(text: str) -> list[str]:
    """Normalised words, stopwords removed."""
    return [word for word in normalise_text(text).split() if word not in STOPWORDS]


_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """French Snowball stem of a normalised word; digits and short words are kept as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return str(_stemmer.stemWord(word))


def stems(text: str) -> list[str]:
    return [stem(word) for word in tokens(text)]


# A single capital letter written after a word names a type (« hépatite A », « hépatite C », « vitamine D »): a
# content word, though the same letter in lower case is a function word (« a », « c' », « d' », « l' »).
TYPE_LETTERS = frozenset("ACDLY")


def is_type_letter(raw: str, text: str, start: int) -> bool:
    """Whether the raw token at `start` of `text` is a type letter: one capital, right after a word and a space."""
    return (
        len(raw) == 1 and raw in TYPE_LETTERS and start >= 2 and text[start - 1] in " \t" and text[start - 2].isalpha()
    )
