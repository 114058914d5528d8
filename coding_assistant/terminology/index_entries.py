"""Entries of the CIM-10 FR alphabetical index, rewritten the way discharge letters name the condition.

An index entry is a lead term followed by comma-separated sub-terms, each refining the one before:
"Torsion (de), cordon, spermatique" is the lead "Torsion" → "cordon" → "spermatique". Parentheses hold
"non-essential modifiers" (words that may be present or not without changing the code: "Anémie (à) (de),
normocytaire (infectieuse)"), the prepositions that join the sub-terms ("(de)", "(due à)"), morphology
codes ("(m8140/3)") and cross-references ("(voir aussi …)"); a part may end with a cross-reference
(" - voir aussi maladie" adds nothing; " - voir fracture, …" sends the reader elsewhere, so what follows it
is another entry's path). Eponyms are inverted: "Kedani, maladie de" is "maladie de Kedani".

Two written forms come out of an entry: the bare form (modifiers dropped), which is what a letter writes
most often, and the full form (every modifier kept), which only search uses. Prepositions are not put
back between the parts: matching and search both ignore function words, so "torsion cordon spermatique"
already matches "torsion du cordon spermatique".
"""

from __future__ import annotations

import re
from functools import lru_cache

from coding_assistant.text.normalize import STOPWORDS, normalise_text

# Parenthesised words that only say how sub-terms join the lead term.
_JOINING = frozenset(
    {"a", "sans", "au cours de", "associe a", "associee a", "du a", "dus a", "due a", "dues a", "secondaire a"}
)
_MORPHOLOGY = re.compile(r"^m\s?\d{4}\s*/\s*\d$", re.IGNORECASE)
# " - voir aussi X" closes a part and adds nothing; " - voir X" ends the entry (what follows is X's path).
_SEE_ALSO = re.compile(r"\s+-\s+voir\s+aussi\b", re.IGNORECASE)
_SEE = re.compile(r"\s+-\s+voir\b", re.IGNORECASE)
# "nca" (non classé ailleurs) and "sai" (sans autre indication) are index conventions, never written in letters.
_CONVENTIONS = re.compile(r"\b(?:nca|sai)\b", re.IGNORECASE)
# A hyphen the index wraps before a space ("tubulo- interstitiel") joins the two halves of one word.
_WRAPPED_HYPHEN = re.compile(r"(?<=\w)-\s+(?=\w)")
# A last part that ends with "de" / "d'" takes the lead as its complement: "Kedani, maladie de".
_EPONYM_TAIL = re.compile(r"(?:\b(?:de|du|des)|\bd')\s*$", re.IGNORECASE)


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """Split at separators outside parentheses: "Fracture (par abduction, adduction), mandibule" has 2 parts."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _closing(text: str, start: int) -> int:
    """Index of the parenthesis that closes the one at `start` (the end of the text when unbalanced)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


@lru_cache(maxsize=50_000)
def is_modifier(content: str) -> bool:
    """Whether a parenthesised group is a non-essential modifier (not a joining word, code or reference)."""
    words = normalise_text(content)
    if not words or words.startswith("voir") or " voir " in f" {words} " or _MORPHOLOGY.match(content.strip()):
        return False
    return words not in _JOINING and not all(word in STOPWORDS for word in words.split())


# Cached: lead terms and their modifiers repeat across thousands of entries ("Tuberculose (de)").
@lru_cache(maxsize=200_000)
def render(part: str, keep_modifiers: bool) -> str:
    """One part of an entry as plain words: modifiers kept or dropped, everything else in parentheses dropped.

    A group glued to a word is an inflection or an optional half of a name ("Fracture(s)", "aigu(ë)",
    "Schmitz(-stutzer)"): it is always dropped, the word kept.
    """
    out: list[str] = []
    i = 0
    while (start := part.find("(", i)) >= 0:
        out.append(part[i:start])
        end = _closing(part, start)
        content = part[start + 1 : end]
        glued = start > 0 and part[start - 1].isalnum()
        if keep_modifiers and not glued and is_modifier(content):
            out.append(f" {render(content, keep_modifiers=False)} ")
        else:
            out.append(" ")
        i = end + 1
    out.append(part[i:])
    return " ".join(_CONVENTIONS.sub(" ", "".join(out).replace(")", " ")).split())


def _parts(term: str) -> list[str]:
    """The entry's own parts, cross-references removed."""
    kept: list[str] = []
    for part in split_top_level(_WRAPPED_HYPHEN.sub("-", term)):
        see = _SEE.search(part)
        if see is None:
            kept.append(part)
            continue
        kept.append(part[: see.start()])
        if not _SEE_ALSO.match(part, see.start()):
            break  # "- voir X, …": the rest is the path of X, not sub-terms of this entry
    return kept


@lru_cache(maxsize=50_000)
def _is_joining(part: str) -> bool:
    words = normalise_text(part)
    return words in _JOINING or all(word in STOPWORDS for word in words.split())


def _join(parts: list[str]) -> str:
    # A part that is only a joining word ("associée à", "au cours de", "avec") lists how the next part
    # attaches; the letter's wording does without it.
    parts = [part for part in parts if part and not _is_joining(part)]
    if len(parts) > 1 and _EPONYM_TAIL.search(parts[-1]):
        parts = [parts[-1], *parts[:-1]]
    return " ".join(parts).lower()


def sub_term_count(term: str) -> int:
    """How many sub-terms refine the lead term ("Torsion (de), cordon, spermatique" → 2)."""
    return sum(1 for part in _parts(term)[1:] if render(part, keep_modifiers=False) and not _is_joining(part))


def index_entry_forms(term: str) -> list[str]:
    """The bare form of an index entry, then its full form when modifiers make it differ.

    "Anémie (à) (de), normocytaire (infectieuse)" → ["anémie normocytaire", "anémie normocytaire infectieuse"]
    """
    parts = _parts(term)
    if not parts or not render(parts[0], keep_modifiers=False):
        return []  # no lead term left (a stray "Nca, …" line): nothing a letter would write
    bare = _join([render(part, keep_modifiers=False) for part in parts])
    full = _join([render(part, keep_modifiers=True) for part in parts])
    return [form for form in dict.fromkeys([bare, full]) if form]


def plain_forms(term: str) -> list[str]:
    """A wording taken as written (a thesaurus entry, a site's own wording), index conventions removed."""
    text = " ".join(_CONVENTIONS.sub(" ", _WRAPPED_HYPHEN.sub("-", term)).split())
    return [text] if text else []
