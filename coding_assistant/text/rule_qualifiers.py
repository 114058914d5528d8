"""The rules qualifier engine: negation, hypothesis, family and history without spaCy.

ConText (NegEx for negation) over the sentences that hold mentions, with the cue lists of `qualifier_cues`:

1. each sentence is cut into words, numbers and punctuation marks, each folded (lower case, no accents,
   plain quotes, "œ" spelt "oe") through a cache, since letters repeat their words;
2. the cues are found word for word through one dictionary keyed by their first word (thousands of
   conjugated verb forms cost one look-up per word), and a few regexes ("ne … pas", a past year) on the
   lower-cased sentence;
3. termination cues and sentence starts cut the sentence into segments; a cue acts only in its segment:
   a "preceding" cue on the mentions after it, a "following" cue on those before it, a family or history
   cue on all of them; a pseudo cue hides the shorter cues it overlaps.

Words are what edsnlp's tokenizer makes of French letters ("d'", "peut", "-", "être", "0,5"), so the same
cue lists mean the same here as in the edsnlp engine; `bench/qualifier_agreement.py` measures how often the
two engines agree.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from coding_assistant.text.patterns import qualifiers as P
from coding_assistant.text.qualifier_cues import CueList, Qualifier, Role, qualifier_cues
from coding_assistant.text.qualifier_types import Qualifiers, cue_names
from coding_assistant.text.regex_words import required_words
from coding_assistant.text.sentences import mention_chunks, sentence_bounds

# One (spaces, word) pair per word, every character but trailing spaces in one of them (offsets are running
# sums). A word is a number with its decimals ("0,5", "2.5"), a run of letters with its elided apostrophe
# ("d'", "l’"), or any other visible character on its own (punctuation is a cue or a termination of its own).
_SPACED_WORD = re.compile(r"(\s*)(\d+(?:[.,]\d+)*|[^\W\d_]+['’‘´`]?|\S)")
_QUOTES = {"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"', "„": '"'}
_PLAIN_QUOTES = str.maketrans(_QUOTES)
_ANY_QUOTE = re.compile("[" + "".join(_QUOTES) + "]")
_LIGATURES = (("œ", "oe"), ("æ", "ae"))
_SENTENCE_MARKS = frozenset({"?", "!"})


def _fold_table() -> dict[int, str]:
    """Lower case without accents, one character for one (so offsets into the folded text hold)."""
    table: dict[int, str] = {ord(k): v for k, v in _QUOTES.items()}
    for code in range(0x41, 0x250):  # ASCII capitals to the end of Latin Extended-B
        char = chr(code)
        folded = "".join(c for c in unicodedata.normalize("NFD", char.lower()) if not unicodedata.combining(c))
        if len(folded) == 1 and folded != char:
            table[code] = folded
    return table


_FOLD = _fold_table()
# Folded form of each word met: letters repeat their words, and one dictionary look-up is cheaper than
# folding every sentence character by character. Emptied when it grows past _MAX_CACHED (memory stays small).
_folded_words: dict[str, str] = {}
_MAX_CACHED = 200_000


def fold_word(word: str) -> str:
    """'Écartée' → 'ecartee', 'Sœur' → 'soeur', 'd’' → "d'": how cues and letters are compared."""
    folded = _folded_words.get(word)
    if folded is None:
        folded = word.translate(_FOLD)
        # Ligatures are spelt out per word, where the length no longer matters: "sœur" and "soeur" are one cue.
        for ligature, plain in _LIGATURES:
            if ligature in folded:
                folded = folded.replace(ligature, plain)
        if len(_folded_words) >= _MAX_CACHED:
            _folded_words.clear()
        _folded_words[word] = folded
    return folded


def lower_plain(text: str) -> str:
    """Lower case with plain quotes, one character for one: the text the regex cues read (accents as written)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare capital whose lower case is longer ("İ"): fold instead
        return text.translate(_FOLD)
    return lowered.translate(_PLAIN_QUOTES) if _ANY_QUOTE.search(lowered) else lowered


def words(text: str) -> list[str]:
    """The folded words of a cue or a sentence: "Pas d’IDM" → ['pas', "d'", 'idm']."""
    return [fold_word(word) for _, word in _SPACED_WORD.findall(text)]


Meaning = tuple[Qualifier, Role]


@dataclass(frozen=True, slots=True)
class CompiledCues:
    # first word → (all words of the cue, what it means), longest cues first
    by_first_word: dict[str, tuple[tuple[tuple[str, ...], tuple[Meaning, ...]], ...]]
    regexes: tuple[tuple[re.Pattern[str], Meaning], ...]
    # Per regex, the words one of which each of its matches holds (`regex_words.required_words`; None: no such
    # words): a stretch without them is not searched, and most stretches hold none.
    regex_words: tuple[tuple[str, ...] | None, ...]


def compile_cues(lists: Iterable[CueList]) -> CompiledCues:
    meanings: dict[tuple[str, ...], list[Meaning]] = {}
    regexes: list[tuple[re.Pattern[str], Meaning]] = []
    for cue_list in lists:
        meaning: Meaning = (cue_list.qualifier, cue_list.role)
        for phrase in cue_list.phrases:
            key = tuple(words(phrase))
            if key and meaning not in meanings.setdefault(key, []):
                meanings[key].append(meaning)
        regexes += [(re.compile(pattern), meaning) for pattern in cue_list.regexes]
    grouped: dict[str, list[tuple[tuple[str, ...], tuple[Meaning, ...]]]] = defaultdict(list)
    for key, found in meanings.items():
        grouped[key[0]].append((key, tuple(found)))
    by_first = {first: tuple(sorted(cues, key=lambda cue: -len(cue[0]))) for first, cues in grouped.items()}
    return CompiledCues(by_first, tuple(regexes), tuple(required_words(pattern) for pattern, _ in regexes))


_lock = threading.Lock()
_compiled: CompiledCues | None = None


def default_cues() -> CompiledCues:
    """The cues of `qualifier_cues()`, compiled once per process (a few milliseconds)."""
    global _compiled
    if _compiled is None:
        with _lock:
            if _compiled is None:
                _compiled = compile_cues(qualifier_cues())
    return _compiled


@dataclass(frozen=True, slots=True)
class CueMatch:
    start: int  # first word
    end: int  # after the last word
    text: str  # as written, quotes made plain
    role: Role
    segment: int = -1


_ANTECEDENTS_WORD = re.compile(r"(?:ant[ée]c[ée]dents?|atcds?|tacds?)$", re.IGNORECASE)


class _Stretch:
    """One stretch of whole sentences: its words, its cues by qualifier and its segments."""

    def __init__(self, text: str, sentence_starts: Sequence[int], cues: CompiledCues) -> None:
        lowered = lower_plain(text)
        # Comprehensions rather than one loop: this runs for every sentence that holds a mention.
        pairs = _SPACED_WORD.findall(lowered)
        self.word_ends: list[int] = list(accumulate(len(spaces) + len(word) for spaces, word in pairs))
        self.word_starts: list[int] = [end - len(word) for end, (_, word) in zip(self.word_ends, pairs, strict=True)]
        known = _folded_words.get
        norms = [known(word) or fold_word(word) for _, word in pairs]
        cuts = {0, *(bisect.bisect_left(self.word_starts, start) for start in sentence_starts)}
        # "?" and "!" close their sentence whatever follows ("Endocardite ? pas de fièvre"): the next word
        # starts a segment, while the mark itself stays with the mention it qualifies.
        # (Only a "?" or "!" of the text folds to one: most stretches hold neither and skip the look at each word.)
        if "?" in text or "!" in text:
            cuts.update(i + 1 for i, norm in enumerate(norms) if norm in _SENTENCE_MARKS)
        found: dict[Qualifier, list[CueMatch]] = defaultdict(list)

        def add(first: int, last: int, meanings: Sequence[Meaning]) -> None:
            for qualifier, role in meanings:
                if role == "termination":
                    cuts.add(first)
                else:
                    piece = text[self.word_starts[first] : self.word_ends[last - 1]].translate(_PLAIN_QUOTES)
                    found[qualifier].append(CueMatch(first, last, piece, role))

        by_first = cues.by_first_word
        for i in [i for i, norm in enumerate(norms) if norm in by_first]:
            for key, meanings in by_first[norms[i]]:
                size = len(key)
                if size == 1 or tuple(norms[i : i + size]) == key:
                    add(i, i + size, meanings)
        for (pattern, meaning), required in zip(cues.regexes, cues.regex_words, strict=True):
            if required is not None and not any(word in lowered for word in required):
                continue
            for match in pattern.finditer(lowered):
                first, last = self._words_of(match.start(), match.end())
                if first < last:
                    add(first, last, (meaning,))

        # A colon after what a preceding negation denies opens another statement (« sans abcès rénal : il
        # s'agissait d'une pyélonéphrite obstructive »): the cue reaches no further. Right after the cue it
        # introduces what the cue qualifies (« Pas de : fièvre, toux »). A following cue still reaches back over
        # it (« Toxoplasmose : sérologie négative »).
        self.colons = [i for i, norm in enumerate(norms) if norm == ":"] if ":" in text else []
        self.cuts = sorted(cuts)
        self.cues: dict[Qualifier, list[CueMatch]] = {}
        for qualifier, matches in found.items():
            self.cues[qualifier] = [
                CueMatch(m.start, m.end, m.text, m.role, self.segment(m.start)) for m in _without_pseudo(matches)
            ]

    def _words_of(self, start: int, end: int) -> tuple[int, int]:
        """Words [first, last) that overlap characters [start, end)."""
        return bisect.bisect_right(self.word_ends, start), bisect.bisect_left(self.word_starts, end)

    def _colon_after(self, cue: CueMatch, first: int) -> bool:
        """Whether a colon stands between a cue and word `first`, not counting one right after the cue."""
        index = bisect.bisect_left(self.colons, cue.end + 1)
        return index < len(self.colons) and self.colons[index] < first

    def segment(self, word: int) -> int:
        return bisect.bisect_right(self.cuts, word) - 1

    def qualify(self, start: int, end: int, result: Qualifiers, probable_is_hypothetical: bool) -> None:
        """Fill `result` for the mention on characters [start, end) of this stretch."""
        first, last = self._words_of(start, end)
        if first >= last:
            return
        low, high = self.segment(first), self.segment(last - 1)

        def scoped(qualifier: Qualifier, directed: bool) -> list[CueMatch]:
            # A condition reaches over its colon to what it conditions (« Si échec : RTUP »), a denial does not.
            stops = qualifier == "negation"
            return [
                cue
                for cue in self.cues.get(qualifier, ())
                if low <= cue.segment <= high
                and (
                    not directed
                    or (cue.role == "preceding" and cue.end <= first and not (stops and self._colon_after(cue, first)))
                    or (cue.role == "following" and cue.start >= last)
                )
            ]

        negation = scoped("negation", directed=True)
        hypothesis = scoped("hypothesis", directed=True)
        if not probable_is_hypothetical:
            hypothesis = [c for c in hypothesis if not c.text.lower().startswith(P.PROBABLE_CUE_PREFIX)]
        family = scoped("family", directed=False)
        # « Pneumopathie chez une patiente aux antécédents d'insuffisance cardiaque »: the antecedents' word opens
        # the list of the past, it does not reach back to what its sentence states first.
        history = [
            cue
            for cue in scoped("history", directed=False)
            if cue.start < first or not _ANTECEDENTS_WORD.match(cue.text)
        ]
        result.negated = bool(negation)
        result.hypothetical = bool(hypothesis)
        result.family = bool(family)
        result.history = bool(history)
        result.cues += cue_names("negation", negation)
        result.cues += cue_names("hypothesis", hypothesis)
        result.cues += cue_names("family", family)
        result.cues += cue_names("history", history)


def _without_pseudo(matches: list[CueMatch]) -> list[CueMatch]:
    """Drop the cues that overlap a pseudo cue at least as long (the longest, then leftmost, wins)."""
    if not any(m.role == "pseudo" for m in matches):
        return matches
    hidden: set[int] = set()
    kept: list[CueMatch] = []
    for match in sorted(matches, key=lambda m: (m.end - m.start, -m.start), reverse=True):
        words_of_match = range(match.start, match.end)
        if not hidden.isdisjoint(words_of_match):
            continue
        if match.role == "pseudo":
            hidden.update(words_of_match)
        else:
            kept.append(match)
    kept.sort(key=lambda m: m.start)
    return kept


def qualify_with_rules(
    text: str,
    valid: Sequence[tuple[int, int, int]],
    results: Sequence[Qualifiers],
    probable_is_hypothetical: bool,
    cues: CompiledCues | None = None,
) -> None:
    """Fill results[i] for each (i, start, end) of `valid` (non-empty spans inside `text`)."""
    cues = cues or default_cues()
    sentences = sentence_bounds(text)
    starts = [start for start, _ in sentences]
    by_start = sorted(valid, key=lambda item: item[1])
    position = 0
    for chunk_start, chunk_end in mention_chunks(text, [(s, e) for _, s, e in by_start], sentences):
        inner = starts[bisect.bisect_right(starts, chunk_start) : bisect.bisect_left(starts, chunk_end)]
        stretch = _Stretch(text[chunk_start:chunk_end], [s - chunk_start for s in inner], cues)
        while position < len(by_start) and by_start[position][1] < chunk_end:
            index, start, end = by_start[position]
            stretch.qualify(start - chunk_start, end - chunk_start, results[index], probable_is_hypothetical)
            position += 1
