"""Coordinated wordings: one head written once for several sites or kinds.

Letters factor a head out of a list: "métastases hépatiques, osseuses et cérébrales" names three wordings
("métastases hépatiques", "métastases osseuses", "métastases cérébrales") and "insuffisance rénale et
hépatique" two. The left-to-right scan only sees the first. From each wording it matched, this module reads
the list that follows it and puts each conjunct in place of the wording's modifier (its last stems); or, in
the mirror form where the shared part comes last ("rétinopathie et néphropathie diabétiques"), the list
before it, each conjunct in place of the wording's first stems. When that makes another wording of the
dictionary, the conjunct is a mention of it. Its span is the conjunct alone, so evidence highlights
"osseuses"; its phrase (the wording written out through the conjunct) is what the qualifiers read.

What keeps it precise (each rule answers a false reading met on the dev or synthetic letters):
- between two conjuncts only a coordinator ("et", "ou", "et/ou", ",", "/", "ainsi que") and the articles
  and prepositions a complement repeats ("du radius et (du) cubitus"): a sentence or clause end, "avec",
  "sans", "ni", "mais", a verb … ends the list ("métastases pulmonaires et il est sorti");
- a list of commas alone is a list of diagnoses, not of sites ("sevrage alcoolique, benzodiazépines à
  posologie dégressive"): a conjunct after a comma counts only in a list closed by "et", "ou" or "/";
- the substituted form is a wording of the dictionary, stem for stem; an adjective is replaced by a word,
  never by a complement ("thrombose veineuse profonde et des veines tibiales" is not "thrombose des
  veines"); a conjunct never opens with "autres", "non", "il" …;
- a conjunct never takes the words of another mention that reaches beyond it: "insuffisance rénale et
  hépatite B" keeps "hépatite B" for itself;
- the mirror form needs "et"/"ou" next to the wording and, when the shared part is an adjective, the
  plural that French gives an adjective shared by several nouns: in "DT2, hyponatrémie, obésité sévère"
  the adjective belongs to the last noun only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol

from coding_assistant.matching.dictionary import MentionDictionary, Pattern
from coding_assistant.text.normalize import stem

# Spaces within a line: like a wording, a list never runs over a line end ("- HTA,\n- diabète").
_S = r"[^\S\n]"
# Articles and prepositions a coordinated complement may repeat or not ("du radius et (du) cubitus").
_LINKS = rf"(?:(?:de|du|des|la|le|les|au|aux|a|à|en){_S}+|[dl]['’]{_S}*)*"
_COMMA = rf"{_S}*,{_S}*"
_WORD = rf"{_S}*,?{_S}*(?:et{_S}*/{_S}*ou|et|ou){_S}+|{_S}*/{_S}*"
# "ainsi que": "ainsi" is a token of its own ("que" is a stopword), read with the gaps on both sides.
_AINSI = stem("ainsi")
_BEFORE_AINSI = re.compile(rf"{_S}*,?{_S}*")
_AFTER_AINSI = re.compile(rf"{_S}+que{_S}+({_LINKS})", re.IGNORECASE)
# The gap between two conjuncts: a coordinator (group 1: a word or a slash; group 2: a comma), then links
# (group 3). Anything else in the gap (a stopword such as "avec" or "sur", a sentence mark) is not a list.
_GAP = re.compile(f"(?:({_WORD})|({_COMMA}))({_LINKS})", re.IGNORECASE)
# Between two words of one conjunct ("pulmonaires controlatérales", "col du fémur"): spaces, a hyphen, links.
_INNER_GAP = re.compile(rf"(?:{_S}|-)*{_LINKS}", re.IGNORECASE)
# Between a noun and its adjective: nothing but spaces or a hyphen.
_ADJECTIVE_GAP = re.compile(rf"(?:{_S}|-)*")
# Words that open a new phrase, never a conjunct: "fracture de la main, autres lésions" is two items of a
# list ("fracture autres" is a label wording), "métastases hépatiques et il est sorti" a new clause.
_OPENS_A_PHRASE = frozenset(
    stem(word)
    for word in (
        *("autre", "autres", "plusieurs", "certain", "certains", "certaine", "certaines", "quelques"),
        *("tout", "tous", "toute", "toutes", "divers", "diverses", "chaque", "aucun", "aucune"),
        *("pas", "non", "sans", "ni", "puis", "mais", "donc", "car", "il", "elle", "ils", "elles", "on"),
        *("nous", "je"),
    )
)
MAX_CONJUNCT = 3  # words in one conjunct: "pulmonaires controlatérales", "col du fémur"
MAX_CONJUNCTS = 8  # conjuncts read in one list


class _Token(Protocol):
    # Read-only: the matcher's tokens are frozen dataclasses.
    @property
    def stem(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


# A wording found in the text: index of its first token, how many tokens, the wording.
Match = tuple[int, int, Pattern]


class Conjunct(NamedTuple):
    """A conjunct read as a wording: tokens first..first+length-1, and the token span of the whole
    coordinated phrase, from the wording written out to this conjunct (what the qualifiers read)."""

    first: int
    length: int  # not `count`, which would shadow tuple.count
    pattern: Pattern
    phrase_first: int
    phrase_last: int


class _Crossing(NamedTuple):
    """A coordinator between two conjuncts: the token on the far side, and how it was written."""

    token: int
    word: bool  # "et", "ou", "/", "ainsi que"; False for a comma alone
    linked: bool  # a preposition or article follows the coordinator ("et du cubitus")


def coordinated_matches(
    text: str, tokens: Sequence[_Token], matches: Sequence[Match], dictionary: MentionDictionary
) -> list[Conjunct]:
    """The conjuncts of lists that share a head (or a tail) with one of `matches` (the scan's wordings, in
    text order) and make another wording with it."""
    found: list[Conjunct] = []
    owner: list[int] | None = None  # which of `matches` covers each token; built only once a list is met
    for first, count, pattern in matches:
        if len(pattern.stems) < 2:
            continue  # nothing to substitute: a one-word wording has no head and modifier
        last = first + count - 1
        after = _crossing_after(text, tokens, last)
        before = _crossing_before(text, tokens, first)
        if after is None and (before is None or not before.word):
            continue
        if owner is None:
            owner = _owners(len(tokens), matches)
        if after is not None:
            found.extend(_forward(text, tokens, first, last, pattern.stems, owner, matches, dictionary))
        if before is not None and before.word:
            found.extend(_backward(text, tokens, first, last, pattern.stems, owner, matches, dictionary))
    return found


def _crossing_after(text: str, tokens: Sequence[_Token], last: int) -> _Crossing | None:
    """The coordinator after token `last`, if one follows it."""
    following = last + 1
    if following >= len(tokens):
        return None
    gap = _GAP.fullmatch(text, tokens[last].end, tokens[following].start)
    if gap is not None:
        return _Crossing(following, gap.group(2) is None, bool(gap.group(3)))
    if (
        tokens[following].stem == _AINSI
        and following + 1 < len(tokens)
        and _BEFORE_AINSI.fullmatch(text, tokens[last].end, tokens[following].start)
        and (que := _AFTER_AINSI.fullmatch(text, tokens[following].end, tokens[following + 1].start))
    ):
        return _Crossing(following + 1, True, bool(que.group(1)))
    return None


def _crossing_before(text: str, tokens: Sequence[_Token], first: int) -> _Crossing | None:
    """The coordinator before token `first`, if one precedes it; its token is the last of the conjunct."""
    if first == 0:
        return None
    gap = _GAP.fullmatch(text, tokens[first - 1].end, tokens[first].start)
    if gap is not None:
        return _Crossing(first - 1, gap.group(2) is None, bool(gap.group(3)))
    if first >= 2 and tokens[first - 1].stem == _AINSI:
        que = _AFTER_AINSI.fullmatch(text, tokens[first - 1].end, tokens[first].start)
        if que is not None and _BEFORE_AINSI.fullmatch(text, tokens[first - 2].end, tokens[first - 1].start):
            return _Crossing(first - 2, True, bool(que.group(1)))
    return None


def _owners(size: int, matches: Sequence[Match]) -> list[int]:
    owner = [-1] * size
    for index, (first, count, _) in enumerate(matches):
        for k in range(first, first + count):
            owner[k] = index
    return owner


def _conjunct_fits(
    text: str, tokens: Sequence[_Token], lo: int, hi: int, owner: list[int], matches: Sequence[Match]
) -> bool:
    """Tokens lo..hi (inclusive) can be one conjunct: one phrase, and no other mention reaching outside
    them (that mention is a phrase of its own: "insuffisance rénale et hépatite B")."""
    if tokens[lo].stem in _OPENS_A_PHRASE:
        return False
    for k in range(lo, hi + 1):
        if k > lo and _INNER_GAP.fullmatch(text, tokens[k - 1].end, tokens[k].start) is None:
            return False
        index = owner[k]
        if index >= 0:
            first, count, _ = matches[index]
            if first < lo or first + count - 1 > hi:
                return False
    return True


def _wording(dictionary: MentionDictionary, stems: tuple[str, ...]) -> Pattern | None:
    if len(stems) == 1:
        candidates = dictionary.single.get(stems[0], [])
    else:
        candidates = dictionary.by_pair.get((stems[0], stems[1]), [])
    for pattern in candidates:
        if pattern.stems == stems:
            return pattern
    return None


def _is_adjective(text: str, tokens: Sequence[_Token], word: int) -> bool:
    """Whether token `word` follows the previous one with nothing between (an adjective after its noun), as
    opposed to a complement introduced by a preposition ("de la prostate")."""
    return _ADJECTIVE_GAP.fullmatch(text, tokens[word - 1].end, tokens[word].start) is not None


def _forward(
    text: str,
    tokens: Sequence[_Token],
    start: int,
    last: int,
    stems: tuple[str, ...],
    owner: list[int],
    matches: Sequence[Match],
    dictionary: MentionDictionary,
) -> Iterator[Conjunct]:
    """ "métastases hépatiques, osseuses et cérébrales": each conjunct after the wording takes the place of
    its last stem(s). The longest head first (the modifier is usually the last word), the longest conjunct
    first ("insuffisance cardiaque et rénale aiguë")."""
    # (head, whether the modifier it leaves out is an adjective)
    heads = [(stems[:keep], _is_adjective(text, tokens, start + keep)) for keep in range(len(stems) - 1, 0, -1)]
    pending: list[Conjunct] = []  # read after a comma: kept once a word closes the list
    for _ in range(MAX_CONJUNCTS):
        crossing = _crossing_after(text, tokens, last)
        if crossing is None or tokens[crossing.token].stem in _OPENS_A_PHRASE:
            break
        if crossing.word:
            yield from pending
            pending.clear()
        lo = crossing.token
        usable = [head for head, adjective in heads if not (adjective and crossing.linked)]
        size = 0
        for width in range(min(MAX_CONJUNCT, len(tokens) - lo), 0, -1):
            if not usable or not _conjunct_fits(text, tokens, lo, lo + width - 1, owner, matches):
                continue
            conjunct = tuple(token.stem for token in tokens[lo : lo + width])
            pattern = next((p for head in usable if (p := _wording(dictionary, head + conjunct))), None)
            if pattern is not None:
                found = Conjunct(lo, width, pattern, start, lo + width - 1)
                if crossing.word:
                    yield found
                else:
                    pending.append(found)
                size = width
                break
        if not size:
            # A word no wording takes may still stand in the list ("métastases hépatiques, pleurales et
            # osseuses" without a wording for the second); a word another mention covers ends it.
            if owner[lo] >= 0:
                break
            size = 1
        last = lo + size - 1


def _backward(
    text: str,
    tokens: Sequence[_Token],
    start: int,
    last: int,
    stems: tuple[str, ...],
    owner: list[int],
    matches: Sequence[Match],
    dictionary: MentionDictionary,
) -> Iterator[Conjunct]:
    """The mirror form, "rétinopathie, neuropathie et néphropathie diabétiques": each conjunct before the
    wording takes the place of its first stem(s), the shared part coming last. The caller has checked that
    a word ("et", "ou") joins the wording to the conjunct next to it."""
    tails = [stems[drop:] for drop in range(1, len(stems)) if _shared_by_several(text, tokens, start + drop)]
    first = start
    for _ in range(MAX_CONJUNCTS):
        crossing = _crossing_before(text, tokens, first)
        if not tails or crossing is None:
            return
        hi = crossing.token
        size = 0
        for width in range(min(MAX_CONJUNCT, hi + 1), 0, -1):
            if not _conjunct_fits(text, tokens, hi - width + 1, hi, owner, matches):
                continue
            conjunct = tuple(token.stem for token in tokens[hi - width + 1 : hi + 1])
            pattern = next((p for tail in tails if (p := _wording(dictionary, conjunct + tail))), None)
            if pattern is not None:
                yield Conjunct(hi - width + 1, width, pattern, hi - width + 1, last)
                size = width
                break
        if not size:
            if owner[hi] >= 0:
                return
            size = 1
        first = hi - size + 1


def _shared_by_several(text: str, tokens: Sequence[_Token], tail: int) -> bool:
    """Whether the shared part starting at token `tail` can qualify several nouns: a complement always can,
    an adjective only in the plural ("néphropathie et rétinopathie diabétiques")."""
    if _is_adjective(text, tokens, tail):
        return text[tokens[tail].start : tokens[tail].end].lower().endswith(("s", "x"))
    return True
