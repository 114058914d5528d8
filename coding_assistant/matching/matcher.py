"""Find code mentions in a document: longest stem-sequence matches, with offsets into the original text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from coding_assistant.matching.coordination import Match, coordinated_matches
from coding_assistant.matching.dictionary import MentionDictionary, Pattern
from coding_assistant.text.equivalents import canonical
from coding_assistant.text.normalize import STOPWORDS, is_type_letter, stem, strip_accents

# Words (letters of any accent, digits), and the signs that carry meaning after a word: ST+ / ST-.
# A sign after a word (« VIH- », « Ag HBs + ») is read as « moins » / « plus »; a hyphen left hanging before « et » or
# « ou » and another hyphenated word (« branches ilio- et ischio-pubiennes ») is the prefix of a shared word.
_TOKEN = re.compile(
    r"[0-9A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+|(?<=[0-9A-Za-z])\+"
    r"|(?<=[A-Za-z])-(?=\s|$|[,;.)])(?!\s+(?:et|ou)\s+[A-Za-zÀ-ÖØ-öø-ÿ]+-[A-Za-zÀ-ÖØ-öø-ÿ])"
)
# Two words of one mention are never further apart than this (characters), nor across a line or sentence end.
_MAX_GAP = 25
_BREAK = re.compile(r"[.\n;:!?]")


class Token(NamedTuple):
    """A content word's stem and its offsets (a tuple: letters hold thousands, built for each document)."""

    stem: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a document that names one or more codes."""

    codes: tuple[str, ...]
    start: int
    end: int
    text: str
    source: str  # "lexicon" or "label"
    fuzzy: bool = False  # one word of the mention was read as a typo of the wording's word (fuzzy.py)
    # A conjunct of a list whose head is written once ("métastases hépatiques et osseuses": "osseuses"), read
    # as the wording it makes with that head (coordination.py); start/end are the conjunct alone.
    coordinated: bool = False
    # The whole coordinated phrase ("métastases hépatiques et osseuses"), for a coordinated mention.
    phrase: tuple[int, int] | None = None

    @property
    def context_span(self) -> tuple[int, int]:
        """The characters the qualifiers should read. For a conjunct, the whole phrase: "Absence de
        métastases hépatiques et osseuses" negates "osseuses" too, but negation scopes (ConText, edsnlp)
        end at "et" and at commas, so the conjunct's own span would escape the cue that governs its head."""
        return self.phrase or (self.start, self.end)


@lru_cache(maxsize=100_000)
def _token_stem(raw: str) -> str | None:
    """The stem of a raw token, None for a stopword (cached: letters repeat the same words)."""
    if raw == "+":
        word = "plus"
    elif raw == "-":
        word = "moins"
    else:
        word = strip_accents(raw).lower()
    return None if word in STOPWORDS else canonical(stem(word))


def tokenize(text: str) -> list[Token]:
    """Content-word stems with their offsets; stopwords are dropped (they never start or end a mention)."""
    return list(_tokens(text))


# The diagnosis matcher and the act reader read the same documents one after the other: a stay's documents
# are tokenised once.
@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    append = tokens.append
    # The stems of the words seen so far, looked up without `_token_stem`'s call: this loop runs for every word.
    known = _STEMS_SEEN
    if len(known) > _STEMS_KEPT:
        known.clear()
    for match in _TOKEN.finditer(text):
        raw = match[0]
        token_stem = known.get(raw, _UNSEEN)
        if token_stem is _UNSEEN:
            token_stem = known[raw] = _token_stem(raw)
        start, end = match.span()
        if token_stem is None:
            if not is_type_letter(raw, text, start):
                continue
            token_stem = canonical(stem(raw.lower()))  # « hépatite C »: the type, not « c' »
        if start > 1 and text[start - 1] in _APOSTROPHES and _after_reflexive(text, start):
            continue  # « il s'agit d'une… », « la dyspnée s'aggrave »: a verb, never a condition's word
        append(_new_token(Token, (token_stem, start, end)))
    return tuple(tokens)


# Token(...) goes through the named tuple's own __new__, a Python function: tuple.__new__ builds the same Token
# without it, a tenth of what tokenising a letter costs.
_new_token = tuple.__new__


_UNSEEN = ""  # no stem is empty: the mark of a word not seen yet
_STEMS_SEEN: dict[str, str | None] = {}
_STEMS_KEPT = 200_000


_APOSTROPHES = "'’"


# A capital and its dot before a lower-case word: an abbreviated genus (« P. falciparum », « S. aureus »), not a
# sentence's last letter nor an initial of a name followed by a capitalised surname.
_GENUS_INITIAL = re.compile(r"(?<![\w.'’])([A-Z])\.[ \t]?(?=[a-zà-ÿ])")


def _with_genera(text: str, tokens: list[Token], dictionary: MentionDictionary) -> list[Token]:
    """The tokens, with each abbreviated genus read as the genus the wordings write before that species: one
    token over the capital and its dot, so that « paludisme à P. falciparum » matches « paludisme à Plasmodium
    falciparum ». A species no wording names, or one two genera share, leaves the text as it is."""
    initials = list(_GENUS_INITIAL.finditer(text))
    if not initials:
        return tokens
    genera = dictionary.genera
    by_start = {token.start: k for k, token in enumerate(tokens)}
    replaced: dict[int, Token] = {}
    for initial in initials:
        following = by_start.get(initial.end())
        if following is None:
            continue
        genus = genera.get((initial.group(1).lower(), tokens[following].stem))
        if genus is not None:
            replaced[following] = Token(genus, initial.start(), initial.start() + 2)
    if not replaced:
        return tokens
    read: list[Token] = []
    for k, token in enumerate(tokens):
        if k in replaced:
            if read and read[-1].start == replaced[k].start:
                read.pop()  # the capital itself, when it is a token
            read.append(replaced[k])
        read.append(token)
    return read


def _after_reflexive(text: str, start: int) -> bool:
    """The elided reflexive « s' » comes only before a verb: « s'agit » is not « agitation », whose stem it
    shares."""
    return text[start - 2] in "sS" and (start < 3 or not text[start - 3].isalnum())


def _joined(text: str, previous: Token, following: Token) -> bool:
    gap = text[previous.end : following.start]
    return len(gap) <= _MAX_GAP and not _BREAK.search(gap)


def _in_capitals(text: str, token: Token) -> bool:
    raw = text[token.start : token.end]
    return not any(ch.isalpha() for ch in raw) or raw.isupper()


def _with_joined_compounds(text: str, tokens: list[Token], dictionary: MentionDictionary) -> list[Token]:
    """The tokens, with each compound written with a hyphen after its combining form (« pyélo-néphrite »,
    « angio-oedème ») read as the one word the wordings write (« pyélonéphrite », « angiœdème », where the
    form's final o elides before a vowel): one token over both parts. Only where the joined word is a wording's
    and no wording is read there as written, so that « gastro-entérite aiguë » is read as before."""
    if "o-" not in text:
        return tokens
    known = dictionary.corrector().known
    read: list[Token] = []
    k = 0
    while k < len(tokens):
        token = tokens[k]
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        if (
            following is not None
            and following.start == token.end + 1
            and text[token.end] == "-"
            and text[token.end - 1] in "oO"
            and not any(
                _matches_at(text, tokens, k, p) for p in dictionary.by_pair.get((token.stem, following.stem), ())
            )
        ):
            joined = _joined_compound(text[token.start : token.end], text[following.start : following.end], known)
            if joined is not None:
                read.append(Token(joined, token.start, following.end))
                k += 2
                continue
        read.append(token)
        k += 1
    return read


def _joined_compound(form: str, word: str, known: frozenset[str]) -> str | None:
    for joined in (form + word, form[:-1] + word if word[:1].lower() in "aeiouyéèêœ" else ""):
        if len(joined) > len(form):
            joined_stem = _token_stem(joined)
            if joined_stem is not None and joined_stem in known:
                return joined_stem
    return None


def find_mentions(text: str, dictionary: MentionDictionary, coordination: bool = True) -> list[Mention]:
    """Left-to-right, longest match first; a matched span is not matched again by a shorter pattern. Then,
    unless `coordination` is off, the conjuncts of lists that share a head with a matched wording
    ("métastases hépatiques, osseuses et cérébrales"). In text order."""
    tokens = _with_joined_compounds(text, _with_genera(text, tokenize(text), dictionary), dictionary)
    mentions: list[Mention] = []
    matches: list[Match] = []
    # Where modifiers start, found once: most positions have none within reach. The stem test is
    # `_starts_modifier`'s first one, written here so that most tokens cost no call.
    modifier_starts = [
        k
        for k, token in enumerate(tokens)
        if token.stem in _MODIFIER_STARTS or (token.stem.isdigit() and _starts_modifier(tokens, k))
    ]
    modifier_at = set(modifier_starts)  # `_starts_modifier(tokens, k)` is `k in modifier_at`
    # `_typo_match` only reads a position where a word is unknown and has a known stem one edit away: most
    # positions of a letter are ruled out here, without a call.
    corrector = dictionary.corrector()
    known, corrections = corrector.known, corrector.candidates
    i = 0
    while i < len(tokens):
        matched = 0
        pair = (tokens[i].stem, tokens[i + 1].stem) if i + 1 < len(tokens) else None
        by_pair = dictionary.by_pair.get(pair, ()) if pair is not None else ()
        found_pattern: Pattern | None = None
        inner: tuple[Pattern, int] | None = None
        # Modifiers are rare: the wordings are read across one only where the next words hold one.
        modifier_near = bool(by_pair) and _any_between(modifier_starts, i + 2, i + 2 + _INNER_REACH)
        for pattern in by_pair:  # longest first: the first wording that fits, as written or across a modifier
            if found_pattern is not None:
                if len(pattern.stems) < len(found_pattern.stems):
                    break
            elif _matches_at(text, tokens, i, pattern):
                found_pattern = pattern
                continue  # a wording as long read across a modifier covers one more word
            last = _match_skipping_inner_modifier(text, tokens, i, pattern) if modifier_near else None
            if last is not None:
                # « gastro-entérite aiguë à rotavirus »: the wording read across its modifier, not the wording
                # « gastro-entérite aiguë » that stops at it.
                inner, found_pattern = (pattern, last), None
                break
        if found_pattern is None and inner is None:
            if i + 2 < len(tokens) and i + 1 in modifier_at and _modifier_run(tokens, i + 1):
                skipped = _skipped_modifier_match(text, tokens, i, dictionary)
                if skipped is not None:
                    # Not offered to the coordination pass, which reads a wording's words token by token.
                    mentions.append(skipped[0])
                    i = skipped[1] + 1
                    continue
            for pattern in dictionary.single.get(tokens[i].stem, ()):
                if not pattern.capitals or _in_capitals(text, tokens[i]):
                    found_pattern = pattern
                    break
        if inner is not None:  # not offered to the coordination pass either
            pattern, last = inner
            start, end = tokens[i].start, tokens[last].end
            mentions.append(Mention(pattern.codes, start, end, text[start:end], pattern.source))
            i = last + 1
            continue
        if found_pattern is not None and (
            _opens_a_compound(text, tokens[i + len(found_pattern.stems) - 1].end)
            or _closes_a_number_compound(text, tokens[i].start)
        ):
            # « gastro » of « gastro-entérologie », « OH » of « 25-OH vitamine D »: a word that goes on, or a
            # chemical name, names something else.
            found_pattern = None
        if found_pattern is not None:
            matched = len(found_pattern.stems)
            start, end = tokens[i].start, tokens[i + matched - 1].end
            mentions.append(Mention(found_pattern.codes, start, end, text[start:end], found_pattern.source))
            matches.append((i, matched, found_pattern))
        if (
            not matched
            and pair is not None
            and (pair[0] not in known or pair[1] not in known)
            and (corrections(pair[0]) or corrections(pair[1]))
        ):
            found = _typo_match(text, tokens, i, dictionary)
            if found is not None:
                mention, pattern = found
                mentions.append(mention)
                matched = len(pattern.stems)
                matches.append((i, matched, pattern))
        i += matched or 1
    # A phrase that names no condition (« goutte épaisse ») was read so that its words make no shorter mention;
    # it is no mention itself, nor a head for coordination.
    matches = [match for match in matches if match[2].codes]
    mentions = [mention for mention in mentions if mention.codes]
    if coordination and matches:
        extra = _coordinated(text, tokens, matches, dictionary, mentions)
        if extra:
            mentions = sorted([*mentions, *extra], key=lambda m: (m.start, m.end))
    return mentions


def _coordinated(
    text: str, tokens: list[Token], matches: list[Match], dictionary: MentionDictionary, mentions: list[Mention]
) -> list[Mention]:
    seen = {(m.start, m.end, m.codes) for m in mentions}
    extra: list[Mention] = []
    for conjunct in coordinated_matches(text, tokens, matches, dictionary):
        first, last = conjunct.first, conjunct.first + conjunct.length - 1
        pattern = conjunct.pattern
        if not pattern.codes:
            continue
        if pattern.capitals and not all(_in_capitals(text, tokens[k]) for k in range(first, last + 1)):
            continue
        start, end = tokens[first].start, tokens[last].end
        if (start, end, pattern.codes) in seen:
            continue  # the same conjunct reached from both sides of a list, or a mention in its own right
        seen.add((start, end, pattern.codes))
        phrase = (tokens[conjunct.phrase_first].start, tokens[conjunct.phrase_last].end)
        extra.append(
            Mention(pattern.codes, start, end, text[start:end], pattern.source, coordinated=True, phrase=phrase)
        )
    return extra


# Words a clinician puts between a condition's head and the rest of its wording that say when or how much,
# never which condition (« infection précoce de prothèse », « hémorragie massive du post-partum »). Severity
# grades (« sévère », « modérée ») and chronicity are left out: codes tell them apart. « Fermée » is read past
# too (« fracture fermée du cadre obturateur »): the lexicon codes a fracture closed unless it says open, and
# « ouverte » is never skipped. How a lesion arose or looks is read past too (« infection spontanée du liquide
# d'ascite », « polype sessile du sigmoïde »). So is a poisoning's intent (« intoxication volontaire aux
# benzodiazépines »): CIM-10 codes it with the external cause (X60-X69 or X40-X49), not with the T code. How
# strongly, how suddenly or how long a symptom is felt says nothing of its code either (« douleurs intenses
# localisées à la partie supérieure de l'abdomen », « douleur violente de la fosse iliaque droite »).
SKIPPABLE_MODIFIERS = frozenset(
    {
        "volontair",
        "involontair",
        "accidentel",
        "precoc",
        "tardiv",
        "tardif",
        "aigu",
        "recent",
        "import",
        "massiv",
        "minim",
        "recidiv",
        "ferme",
        "ferm",
        "deplace",
        "spontane",
        "spontan",
        "sessil",
        "pedicul",
        "pedicule",
        "intens",
        "violent",
        "brutal",
        "persist",
    }
)


def _matches_at(text: str, tokens: list[Token], i: int, pattern: Pattern) -> bool:
    """A wording indexed by its first two words (equal to tokens i and i+1) matches from token i."""
    stems = pattern.stems
    n = len(stems)
    if i + n > len(tokens):
        return False
    # A loop, not all() over a generator: this runs for every wording of a common pair (dozens begin with
    # « insuffisance cardiaque »), and most fail on their third word.
    for k in range(2, n):
        if tokens[i + k].stem != stems[k]:
            return False
    return all(_joined(text, tokens[i + k - 1], tokens[i + k]) for k in range(1, n)) and (
        not pattern.capitals or all(_in_capitals(text, tokens[i + k]) for k in range(n))
    )


# « non déplacée »: a modifier of two words, read past as one; so is a size (« 12 mm »).
_NEGATED_MODIFIERS = frozenset({"deplace"})
_SIZE_UNITS = frozenset({"mm", "cm"})


_MODIFIER_STARTS = SKIPPABLE_MODIFIERS | {"non"}


def _starts_modifier(tokens: list[Token], k: int) -> bool:
    """Whether a modifier may start at token k: a modifier's word, « non », or a number before its unit."""
    stem = tokens[k].stem
    if stem in _MODIFIER_STARTS:
        return True
    return stem.isdigit() and k + 1 < len(tokens) and tokens[k + 1].stem in _SIZE_UNITS


def _any_between(positions: list[int], low: int, high: int) -> bool:
    """Whether a sorted list holds a position in [low, high)."""
    at = bisect.bisect_left(positions, low)
    return at < len(positions) and positions[at] < high


_INNER_REACH = 12  # words after a wording's first two where a modifier inside it may stand
_MODIFIER_RUN = 3  # at most this many words read past (« fracture fermée non déplacée des branches … »)


def _modifier_run(tokens: list[Token], k: int) -> int:
    """How many tokens from k are modifiers to read past (0 when tokens[k] is none)."""
    run = 0
    while k + run < len(tokens) and run < _MODIFIER_RUN:
        stem = tokens[k + run].stem
        if stem in SKIPPABLE_MODIFIERS:
            run += 1
        elif stem.isdigit() and k + run + 1 < len(tokens) and tokens[k + run + 1].stem in _SIZE_UNITS:
            run += 2  # « polype sessile de 12 mm du côlon sigmoïde »: a size says how big, never which condition
        elif stem == "non" and k + run + 1 < len(tokens) and tokens[k + run + 1].stem in _NEGATED_MODIFIERS:
            run += 2
        else:
            break
    return run if run <= _MODIFIER_RUN else 0


def _match_skipping_inner_modifier(text: str, tokens: list[Token], i: int, pattern: Pattern) -> int | None:
    """The last token of a wording (indexed by its first two words, equal to tokens i and i+1) read across the
    modifiers written inside it, after its second word; None when it does not match so."""
    n = len(pattern.stems)
    if n < 3 or pattern.capitals or i + n >= len(tokens):
        return None
    k = next((k for k in range(2, n) if tokens[i + k].stem != pattern.stems[k]), None)
    run = _modifier_run(tokens, i + k) if k is not None else 0
    last = i + n - 1 + run
    if k is None or not run or last >= len(tokens):
        return None
    if any(tokens[i + k + run + m].stem != pattern.stems[k + m] for m in range(n - k)):
        return None
    if not all(_joined(text, tokens[m - 1], tokens[m]) for m in range(i + 1, last + 1)):
        return None
    return last


def _skipped_modifier_match(
    text: str, tokens: list[Token], i: int, dictionary: MentionDictionary
) -> tuple[Mention, int] | None:
    """A multi-word wording read across the modifiers after its first word, when no wording starts with the two
    words as written: the mention, which covers the modifiers too, and its last token."""
    run = _modifier_run(tokens, i + 1)
    if not run or i + run + 1 >= len(tokens):
        return None
    rest = [tokens[i], *tokens[i + run + 1 :]]
    for pattern in dictionary.by_pair.get((tokens[i].stem, tokens[i + run + 1].stem), ()):
        n = len(pattern.stems)
        if pattern.capitals or n > len(rest):
            continue
        last = i + run + n - 1
        if all(rest[k].stem == pattern.stems[k] for k in range(2, n)) and all(
            _joined(text, tokens[m - 1], tokens[m]) for m in range(i + 1, last + 1)
        ):
            start, end = tokens[i].start, tokens[last].end
            return Mention(pattern.codes, start, end, text[start:end], pattern.source), last
    return None


def _typo_match(
    text: str, tokens: list[Token], i: int, dictionary: MentionDictionary
) -> tuple[Mention, Pattern] | None:
    """A multi-word wording whose first or second word is misspelt in the text, the others exact; the mention
    and the wording (its length is how many tokens the mention covers)."""
    corrector = dictionary.corrector()
    first, second = tokens[i].stem, tokens[i + 1].stem
    if first in corrector.known and second in corrector.known:
        return None  # no word to correct: most positions of a letter
    pairs = [(fixed, second) for fixed in corrector.candidates(first)]
    pairs += [(first, fixed) for fixed in corrector.candidates(second)]
    for pair in pairs:
        for pattern in dictionary.by_pair.get(pair, ()):
            n = len(pattern.stems)
            if pattern.capitals or i + n > len(tokens):
                continue
            if all(tokens[i + k].stem == pattern.stems[k] for k in range(2, n)) and all(
                _joined(text, tokens[i + k - 1], tokens[i + k]) for k in range(1, n)
            ):
                start, end = tokens[i].start, tokens[i + n - 1].end
                return Mention(pattern.codes, start, end, text[start:end], pattern.source, fuzzy=True), pattern
    return None


def _opens_a_compound(text: str, end: int) -> bool:
    """The wording ends on a hyphen that the word goes on after (« gastro » in « Service de gastro-entérologie »,
    « hépato-gastro-entérologie »): the compound is another word, a specialty here, not the wording."""
    return text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha()


def _closes_a_number_compound(text: str, start: int) -> bool:
    """The wording follows a number and a hyphen (« OH » in « 25-OH vitamine D », the hydroxylated vitamin, not
    alcohol): a chemical name, not the wording."""
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isdigit()
