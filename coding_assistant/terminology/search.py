"""Fast, typo-tolerant, abbreviation-aware search over code labels (CIM-10 FR or CCAM).

How a query is answered:
1. A query shaped like a code ('i21.1', 'E11') lists that code and its descendants, codable first.
2. Otherwise the query is normalised (accents, case, punctuation), rewritten through the clinical lexicon
   (each abbreviation or synonym span gives a variant with its expansion), and cut into Snowball stems.
3. Each query stem is matched against the index vocabulary exactly, by prefix (truncated typing, French
   morphology the stemmer misses) and by edit distance (typos), each match with a similarity.
4. Every wording of every code (ATIH label, ClaML inclusion term, lexicon term and expansion, clinicians'
   wordings) is scored by how much of the query it covers and how much of it the query covers, both
   weighted by IDF; clinicians' wordings count a little less than the official and reviewed ones, so they
   decide only where those say nothing as well; a code keeps its best wording. The sparse wording x stem
   matrix makes this a few vector operations per stem.
5. A matched category passes its score to its codable descendants (a category is never codable), and
   the best candidates are re-ranked with a rapidfuzz similarity on the whole wording.
6. Category evidence (CIM-10: the 3-character category): every wording of a category votes for it through
   its words, a naive Bayes over the index's stems ("jéjunum" and "traumatisme" each point to the
   categories whose wordings use them, even when no single wording holds both), and the candidates of a
   likely category gain part of what their score lacks (an exact match keeps its lead). Then each further
   code of a category already listed loses a share, so a handful of subcodes of one category does not crowd
   the other categories out of the first results.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from scipy import sparse

from coding_assistant.errors import QueryError
from coding_assistant.terminology.codes import cim10_prefix
from coding_assistant.terminology.qualifier_words import QUALIFIER_STEMS
from coding_assistant.text.equivalents import label_word
from coding_assistant.text.normalize import STOPWORDS, normalise_text, stem

MAX_QUERY_CHARS = 500
MAX_VARIANTS = 8
MAX_PREFIX_MATCHES = 40
MIN_SCORE = 0.2

# Similarity given to a vocabulary stem that matches a query stem other than exactly.
PREFIX_SIMILARITY = 0.9
SHARED_PREFIX_SIMILARITY = 0.8
FUZZY_SIMILARITY_SCALE = 0.95
# A word found nowhere, not even approximately, that ends with a known word is read as a compound of it
# ("paramyotonie" → "myotonie", "périorchite" → "orchite"): the known tail, at least this long, matches.
COMPOUND_SIMILARITY = 0.7
MIN_COMPOUND_TAIL = 5
# Numbers (values, stages without their word) and qualifiers that every specialty uses (side, severity,
# course: QUALIFIER_STEMS) weigh less than the words that name the disease: "escarre sacrée stade 4" is
# about the escarre.
NUMBER_WEIGHT = 0.3
QUALIFIER_WEIGHT = 0.3
# How much of a category's score its codable descendants inherit, and what a non-codable code keeps:
# a coder wants the codable code first, the category right after.
INHERITED_SHARE = 0.97
NON_CODABLE_SHARE = 0.93
# Share of the final score given to the whole-string similarity of the best wording.
RERANK_SHARE = 0.15
# F-beta of (query coverage, wording coverage): a query that is fully found matters more than a
# wording that is fully used (labels are long, queries short).
BETA = 2.0
# What a secondary wording (a clinician's, unreviewed here) keeps of its score: an exact match on it ranks
# below an exact match on a label or the lexicon, above a partial one.
SECONDARY_SHARE = 0.95
# Category evidence: the share of what a code's score lacks to 1 that its category's naive Bayes posterior
# (relative to the best category's) fills, and the add-alpha smoothing of the categories' word counts.
CATEGORY_EVIDENCE_SHARE = 0.3
CATEGORY_SMOOTHING = 0.1
# What the n-th further code of a category already listed keeps of its score (CATEGORY_REPEAT_SHARE ** n).
CATEGORY_REPEAT_SHARE = 0.9


def _with_gain(score: float, gain: float) -> float:
    """A score raised by a share `gain` of what it lacks to 1 (increasing in the score: bounds stay bounds)."""
    return score + gain * max(0.0, 1.0 - score)


@dataclass(frozen=True, slots=True)
class SearchResult:
    code: str
    label: str
    score: float
    codable: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "score": round(self.score, 4),
            "codable": self.codable,
        }


@dataclass(slots=True)
class IndexedCode:
    """What the index needs to know about a code."""

    code: str
    label: str
    codable: bool
    wordings: list[str]
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    # Wordings scored at SECONDARY_SHARE (clinicians' wordings).
    secondary: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _CodeWordings:
    """The wordings of a few codes (a category's codable codes): where each code's wordings lie in `mass`, the
    wordings that hold each stem column, each wording's IDF mass and weight."""

    codes: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    holders: dict[int, np.ndarray]
    mass: np.ndarray
    weights: np.ndarray
    # Per query stem, its matches that these wordings hold (vocabulary id -> similarity), filled as asked.
    found: dict[str, dict[int, float]] = field(default_factory=dict)


# Bounds of the caches of what queries ask (each entry a few small arrays).
MAX_PREPARED_CODE_SETS = 20_000
MAX_CACHED_STEMS = 100_000
MAX_CACHED_STEMS_PER_CODE_SET = 512


class SearchIndex:
    """An immutable search index; build it once (it is cached on disk by the loader) and query it often."""

    def __init__(
        self,
        codes: Sequence[IndexedCode],
        expansions: dict[str, list[str]],
        code_prefix: Callable[[str], str | None] = cim10_prefix,
        category_chars: int | None = None,
    ) -> None:
        """`category_chars`: how many leading characters name a code's category (default: 3 for CIM-10
        codes, 0 otherwise, which turns the category evidence and the crowding penalty off)."""
        self.code_prefix = code_prefix
        if category_chars is None:
            category_chars = 3 if code_prefix is cim10_prefix else 0
        self.category_chars = category_chars
        self.codes = [c.code for c in codes]
        self.labels = [c.label for c in codes]
        self.codable = np.array([c.codable for c in codes], dtype=bool)
        self.position = {code: i for i, code in enumerate(self.codes)}
        self.children = [[self.position[ch] for ch in c.children if ch in self.position] for c in codes]
        self.sorted_codes = sorted(self.codes)

        wording_code: list[int] = []
        wording_text: list[str] = []
        wording_stems: list[list[str]] = []
        wording_weight: list[float] = []
        for i, entry in enumerate(codes):
            seen: set[str] = set()
            for weight, wordings in ((1.0, entry.wordings), (SECONDARY_SHARE, entry.secondary)):
                for wording in wordings:
                    text = normalise_text(wording)
                    if not text or text in seen:
                        continue
                    seen.add(text)
                    wording_code.append(i)
                    wording_text.append(text)
                    wording_stems.append(sorted({stem(w) for w in text.split() if w not in STOPWORDS}))
                    wording_weight.append(weight)
        self.wording_code = np.array(wording_code, dtype=np.int32)
        self.wording_weight = np.array(wording_weight, dtype=np.float32)
        self.wording_text = wording_text
        # Wordings are grouped by code, in code order: reduceat over these starts gives a per-code max.
        self.code_starts = np.searchsorted(self.wording_code, np.arange(len(codes)))
        self.code_stops = np.searchsorted(self.wording_code, np.arange(len(codes)), side="right")
        self.has_wording = self.code_stops > self.code_starts
        self.codable_descendants = {
            i: self._walk_codable_descendants(i) for i in range(len(codes)) if not self.codable[i]
        }

        vocabulary = sorted({s for stems_ in wording_stems for s in stems_})
        self.vocabulary = vocabulary
        self.stem_id = {s: j for j, s in enumerate(vocabulary)}
        rows = [r for r, stems_ in enumerate(wording_stems) for _ in stems_]
        cols = [self.stem_id[s] for stems_ in wording_stems for s in stems_]
        matrix = sparse.csc_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(wording_text), len(vocabulary))
        )
        document_frequency = np.diff(matrix.indptr)
        self.idf = np.log(1 + len(wording_text) / (1 + document_frequency)).astype(np.float32)
        self.matrix = matrix
        self.matrix_rows = matrix.tocsr()  # the same, by wording: the stems of one wording
        self.wording_mass = np.asarray(matrix @ self.idf).ravel().astype(np.float32)
        # Prefix and edit-distance matches reach only the words of labels and the lexicon: secondary
        # wordings bring thousands of eponyms, abbreviations and misspellings ("maisonneuve", "decouvr")
        # that a query word would otherwise be read as ("maison" → "maisonneuve"). They match exactly.
        self.approximate_vocabulary = sorted(
            {s for stems_, weight in zip(wording_stems, wording_weight, strict=True) if weight == 1.0 for s in stems_}
        )
        # Stems grouped by length, for edit-distance look-ups in a narrow band.
        self.by_length: dict[int, list[str]] = {}
        for s in self.approximate_vocabulary:
            self.by_length.setdefault(len(s), []).append(s)

        self._build_category_evidence(matrix)

        self.expansions = {key: list(dict.fromkeys(values)) for key, values in expansions.items()}
        self.max_expansion_words = max((len(k.split()) for k in self.expansions), default=0)

    def _build_category_evidence(self, matrix: sparse.csc_matrix) -> None:
        """The naive Bayes word model of each category, kept sparse: log P(stem | category) is the category's
        base (a stem none of its wordings uses, add-alpha smoothed) plus, for the stems it uses, a gain."""
        keys = [code[: self.category_chars] for code in self.codes] if self.category_chars else self.codes
        category_id = {key: i for i, key in enumerate(sorted(set(keys)))}
        self.code_category = np.array([category_id[key] for key in keys], dtype=np.int32)
        wording_category = self.code_category[self.wording_code]
        membership = sparse.csr_matrix(
            (np.ones(len(wording_category), dtype=np.float32), (wording_category, np.arange(len(wording_category)))),
            shape=(len(category_id), matrix.shape[0]),
        )
        counts = sparse.csc_matrix(membership @ matrix)  # category x stem: wordings of the category with the stem
        totals = np.asarray(counts.sum(axis=1)).ravel()
        self.category_base = np.log(CATEGORY_SMOOTHING / (totals + CATEGORY_SMOOTHING * matrix.shape[1])).astype(
            np.float32
        )
        counts.data = np.log1p(counts.data / CATEGORY_SMOOTHING).astype(np.float32)
        self.category_gain = counts

    # --- public API -----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10) -> list[SearchResult]:
        """The best codes for a query, best first; codable codes before the categories they refine."""
        if query is None or not query.strip():
            raise QueryError("empty query")
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
        if limit < 1:
            raise QueryError(f"limit must be at least 1, got {limit}")
        prefix = self.code_prefix(query)
        if prefix:
            results = self._search_code(prefix, limit)
            if results:
                return results
        return self._search_text(query, limit)

    def scores_for(self, query: str, codes: Sequence[str]) -> dict[str, float]:
        """How well each of `codes` matches a text (F-beta coverage of its best wording), for choosing among
        the codes of one category from the sentence that names it.

        Only the wordings of `codes` are scored, and words match exactly or by prefix (no edit distance):
        this runs for every pre-ticked code of every stay, so it must cost well under a millisecond.
        """
        prepared = self._code_wordings(tuple(codes))
        if prepared is None or not query.strip():
            return {}
        result = dict.fromkeys(prepared.codes, 0.0)
        if not len(prepared.mass):
            return result
        holders = prepared.holders
        matches: dict[str, tuple[float, dict[int, float]]] = {}
        beta2 = BETA * BETA
        best = np.zeros(len(prepared.mass))
        # Per query stem, its best similarity in each wording: the rewritings of a query share most of their
        # stems, each stem's vector is built once per call (the same values, in the same order, as for each).
        similarities: dict[str, np.ndarray] = {}
        # Two rewritings with the same stems score the same: the second changes no maximum.
        seen: set[tuple[str, ...]] = set()
        for variant in self.variants(query[:MAX_QUERY_CHARS]):
            stems_ = list(dict.fromkeys(stem(w) for w in variant.split() if w not in STOPWORDS))
            if tuple(stems_) in seen:
                continue
            seen.add(tuple(stems_))
            for query_stem in stems_:
                if query_stem not in matches:
                    # Kept per set of codes: a category's codes are asked again with the same words.
                    found = prepared.found.get(query_stem)
                    weight, ids, sims = self._query_stem(query_stem)
                    if found is None:
                        if len(prepared.found) >= MAX_CACHED_STEMS_PER_CODE_SET:
                            prepared.found.clear()
                        # Only the matches that some wording of these codes contains can count.
                        found = prepared.found[query_stem] = {
                            j: sim for j, sim in zip(ids, sims, strict=True) if j in holders
                        }
                    matches[query_stem] = (weight, found)
            query_mass = sum(matches[q][0] for q in stems_)
            relevant = [q for q in stems_ if matches[q][1]]
            if query_mass <= 0 or not relevant:
                continue
            # Per wording, each query stem counts with its best match among the wording's stems.
            matched = np.zeros(len(prepared.mass))
            for q in relevant:
                weight, found = matches[q]
                similarity = similarities.get(q)
                if similarity is None:
                    similarity = similarities[q] = np.zeros(len(prepared.mass))
                    for j, sim in found.items():
                        rows = holders[j]
                        similarity[rows] = np.maximum(similarity[rows], sim)
                matched += weight * similarity
            recall = matched / query_mass
            precision = np.minimum(1.0, matched / prepared.mass)
            with np.errstate(invalid="ignore", divide="ignore"):
                f_beta = np.where(matched > 0, (1 + beta2) * precision * recall / (beta2 * precision + recall), 0.0)
            best = np.maximum(best, f_beta * prepared.weights)
        for code, (start, stop) in zip(prepared.codes, prepared.spans, strict=True):
            if stop > start:
                result[code] = float(best[start:stop].max())
        return result

    def _query_stem(self, query_stem: str) -> tuple[float, list[int], list[float]]:
        """A query stem's weight for `scores_for` and its exact or prefix matches in the vocabulary (ids,
        similarities), kept: letters repeat their words, and the weight is read off numpy arrays."""
        cache: dict[str, tuple[float, list[int], list[float]]] = self.__dict__.setdefault("_query_stems", {})
        found = cache.get(query_stem)
        if found is None:
            ids, sims = self._stem_matches(query_stem, fuzzy=False)
            if len(ids):
                top = int(np.argmax(sims))
                weight = self._query_weight(query_stem, float(self.idf[ids[top]]) * float(sims[top]))
            else:
                weight = self._query_weight(query_stem, float(self.idf.max()) if len(self.idf) else 1.0)
            if len(cache) >= MAX_CACHED_STEMS:
                cache.clear()
            found = cache[query_stem] = (weight, ids.tolist(), sims.tolist())
        return found

    def _code_wordings(self, codes: tuple[str, ...]) -> _CodeWordings | None:
        """The wordings of `codes` prepared for `scores_for`, kept per set of codes: a category's codes are
        asked again for every stay that names the category, and slicing the sparse matrix is what costs."""
        cache: dict[tuple[str, ...], _CodeWordings | None] = self.__dict__.setdefault("_prepared", {})
        if codes in cache:
            return cache[codes]
        wanted = [self.position[c] for c in codes if c in self.position]
        prepared = None
        if wanted:
            spans = [(int(self.code_starts[i]), int(self.code_stops[i])) for i in wanted]
            row_ids = np.fromiter((r for start, stop in spans for r in range(start, stop)), dtype=np.int64)
            relative, position = [], 0
            for start, stop in spans:
                relative.append((position, position + stop - start))
                position += stop - start
            rows = self.matrix_rows[row_ids].tocoo()  # the wordings of `codes` x stems
            holders: dict[int, list[int]] = {}
            for row, column in zip(rows.row.tolist(), rows.col.tolist(), strict=True):
                holders.setdefault(column, []).append(row)
            prepared = _CodeWordings(
                codes=tuple(self.codes[i] for i in wanted),
                spans=tuple(relative),
                holders={column: np.array(found, dtype=np.int64) for column, found in holders.items()},
                mass=np.maximum(self.wording_mass[row_ids].astype(np.float64), 1e-6),
                weights=self.wording_weight[row_ids].astype(np.float64),
            )
        if len(cache) >= MAX_PREPARED_CODE_SETS:
            cache.clear()
        cache[codes] = prepared
        return prepared

    def __getstate__(self) -> dict[str, object]:
        # The prepared wordings are a cache of what is asked: the index on disk holds only what it was built from.
        return {
            key: value
            for key, value in self.__dict__.items()
            if key not in ("_prepared", "_stem_cache", "_query_stems", "_heads")
        }

    def search_many(self, queries: Iterable[str], limit: int = 10) -> list[list[SearchResult]]:
        return [self.search(q, limit) for q in queries]

    # --- code prefixes ----------------------------------------------------------------------------
    def _search_code(self, prefix: str, limit: int) -> list[SearchResult]:
        start = bisect.bisect_left(self.sorted_codes, prefix)
        matched: list[str] = []
        for code in self.sorted_codes[start:]:
            if not code.startswith(prefix):
                break
            matched.append(code)
        if not matched:
            return []
        # Exact code first if codable, then codable descendants in code order, then the categories.
        ordered = sorted(matched, key=lambda c: (not self.codable[self.position[c]], c != prefix, c))
        results = []
        for code in ordered[:limit]:
            i = self.position[code]
            score = 1.0 if code == prefix else 0.95 - 0.01 * (len(code) - len(prefix))
            if not self.codable[i]:
                score *= NON_CODABLE_SHARE
            results.append(SearchResult(code, self.labels[i], score, bool(self.codable[i])))
        return results

    # --- text -----------------------------------------------------------------------------------
    def variants(self, query: str) -> list[str]:
        """The normalised query and its rewritings through the lexicon (abbreviations, synonyms) and through the
        words clinicians and the labels use for the same thing (`text.equivalents`)."""
        words = normalise_text(query).split()
        cased = normalise_text(query, keep_case=True).split()
        if len(cased) != len(words):  # a character whose lower case splits differently: ignore case
            cased = words
        options: list[list[str]] = []
        heads = self._expansion_heads()
        i = 0
        while i < len(words):
            # A word that begins no expansion's key begins none of the phrases tried below: straight to the word.
            longest = min(self.max_expansion_words, len(words) - i) if words[i] in heads else 0
            for n in range(longest, 0, -1):
                key = " ".join(words[i : i + n])
                # An acronym that is also a French function word ('LA' leucémie aiguë, 'DE', 'OU') is an
                # acronym only when written in capitals.
                if n == 1 and key in STOPWORDS and not cased[i].isupper():
                    continue
                if key in self.expansions:
                    options.append([key, *self.expansions[key]])
                    i += n
                    break
            else:
                # A clinicians' word also reads as the labels' word for it (« malnutrition sévère » → « grave »).
                same = label_word(words[i])
                options.append([words[i]] if same is None else [words[i], same])
                i += 1
        variants: list[str] = []
        for combination in product(*options):
            variants.append(" ".join(combination))
            if len(variants) >= MAX_VARIANTS:
                break
        return variants

    def _expansion_heads(self) -> frozenset[str]:
        """The first word of each expansion's key (built on first use, not pickled)."""
        heads: frozenset[str] | None = self.__dict__.get("_heads")
        if heads is None:
            heads = self.__dict__["_heads"] = frozenset(key.split()[0] for key in self.expansions if key.split())
        return heads

    def _stem_matches(self, query_stem: str, fuzzy: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary ids matching one query stem, with their similarity (kept: letters repeat their words)."""
        cache: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = self.__dict__.setdefault("_stem_cache", {})
        found = cache.get((query_stem, fuzzy))
        if found is None:
            if len(cache) >= MAX_CACHED_STEMS:
                cache.clear()
            found = cache[(query_stem, fuzzy)] = self._match_stem(query_stem, fuzzy)
        return found

    def _match_stem(self, query_stem: str, fuzzy: bool) -> tuple[np.ndarray, np.ndarray]:
        exact = self.stem_id.get(query_stem)
        if exact is not None and (len(query_stem) < 5 or not query_stem.isalpha()):
            return np.array([exact]), np.array([1.0], dtype=np.float32)
        matches: dict[int, float] = {}
        if exact is not None:
            matches[exact] = 1.0
        if query_stem.isalpha() and len(query_stem) >= 3:
            # Truncated typing: the vocabulary stem extends the query stem ('insuf' -> 'insuffis').
            for candidate in self._stems_with_prefix(query_stem):
                matches.setdefault(self.stem_id[candidate], PREFIX_SIMILARITY)
        if query_stem.isalpha() and len(query_stem) >= 6:
            # French derivations the stemmer keeps apart share a long prefix
            # ('sigmoidit'/'sigmoid', 'diverticulair'/'diverticulos', 'exacerbe'/'exacerb').
            shared = max(5, len(query_stem) - 3)
            for candidate in self._stems_with_prefix(query_stem[:shared]):
                if len(candidate) <= len(query_stem) + 4:
                    matches.setdefault(self.stem_id[candidate], SHARED_PREFIX_SIMILARITY)
        if fuzzy and query_stem.isalpha() and len(query_stem) >= 5 and exact is None:
            # Typos: one edit (transpositions count as one) up to 8 letters, two beyond. The similarity
            # falls fast with the share of edited letters: a real word absent from the labels ('maison')
            # must not pull towards its near-homographs ('main') as strongly as a typo does.
            max_edits = 1 if len(query_stem) <= 8 else 2
            band = [
                s
                for n in range(len(query_stem) - max_edits, len(query_stem) + max_edits + 1)
                for s in self.by_length.get(n, ())
            ]
            for candidate, distance, _ in process.extract(
                query_stem, band, scorer=OSA.distance, score_cutoff=max_edits, limit=5
            ):
                similarity = FUZZY_SIMILARITY_SCALE * (1 - distance / len(query_stem)) ** 2
                j = self.stem_id[candidate]
                if similarity > matches.get(j, 0.0):
                    matches[j] = similarity
        if not matches and fuzzy and query_stem.isalpha():
            tail = self._known_tail(query_stem)
            if tail is not None:
                return np.array([self.stem_id[tail]]), np.array([COMPOUND_SIMILARITY], dtype=np.float32)
        if not matches:
            return np.array([], dtype=np.int64), np.array([], dtype=np.float32)
        ids = np.fromiter(matches.keys(), dtype=np.int64, count=len(matches))
        sims = np.fromiter(matches.values(), dtype=np.float32, count=len(matches))
        return ids, sims

    def _known_tail(self, query_stem: str) -> str | None:
        """The longest label or lexicon stem that ends the query stem after a prefix of 3 letters or more."""
        vocabulary = self.approximate_vocabulary
        for length in range(len(query_stem) - 3, MIN_COMPOUND_TAIL - 1, -1):
            tail = query_stem[-length:]
            position = bisect.bisect_left(vocabulary, tail)
            if position < len(vocabulary) and vocabulary[position] == tail:
                return tail
        return None

    def _stems_with_prefix(self, prefix: str) -> list[str]:
        """Stems that start with a prefix (itself excluded), shortest first, at most a few dozen; only those
        that inexact matches may reach."""
        start = bisect.bisect_left(self.approximate_vocabulary, prefix)
        found: list[str] = []
        for candidate in self.approximate_vocabulary[start : start + 4000]:
            if not candidate.startswith(prefix):
                break
            if candidate != prefix:
                found.append(candidate)
        found.sort(key=len)
        return found[:MAX_PREFIX_MATCHES]

    def _query_weight(self, query_stem: str, idf: float) -> float:
        """Weight of a query word: numbers and qualifiers (side, severity) say little about the code."""
        if not query_stem.isalpha():
            return NUMBER_WEIGHT * idf
        if query_stem in QUALIFIER_STEMS:
            return QUALIFIER_WEIGHT * idf
        return idf

    def _stem_coverage(self, query_stem: str) -> tuple[float, np.ndarray | None, int]:
        """A query stem's weight, per wording the weighted similarity of its best-matching stem, and the
        vocabulary id of its best match (-1: none)."""
        ids, sims = self._stem_matches(query_stem)
        if len(ids) == 0:
            unknown_weight = float(self.idf.max()) if len(self.idf) else 1.0
            return self._query_weight(query_stem, unknown_weight), None, -1
        # A stem found only approximately counts for less of the query, and so penalises less the
        # wordings that miss it.
        best = int(np.argmax(sims))
        weight = self._query_weight(query_stem, float(self.idf[ids[best]]) * float(sims[best]))
        cover = np.zeros(len(self.wording_text), dtype=np.float32)
        indptr, indices = self.matrix.indptr, self.matrix.indices
        for j, similarity in zip(ids, sims, strict=True):
            rows = indices[indptr[j] : indptr[j + 1]]
            cover[rows] = np.maximum(cover[rows], similarity)
        return weight, weight * cover, int(ids[best])

    def _score_variant(self, variant: str, coverage: dict[str, tuple[float, np.ndarray | None, int]]) -> np.ndarray:
        """Score of every wording for one normalised query variant (F-beta of the two coverages).

        `coverage` memoises each stem's coverage across the variants of one query.
        """
        query_stems = list(dict.fromkeys(stem(w) for w in variant.split() if w not in STOPWORDS))
        matched_mass = np.zeros(len(self.wording_text), dtype=np.float32)
        query_mass = 0.0
        for query_stem in query_stems:
            if query_stem not in coverage:
                coverage[query_stem] = self._stem_coverage(query_stem)
            weight, weighted_cover, _ = coverage[query_stem]
            query_mass += weight
            if weighted_cover is not None:
                matched_mass += weighted_cover
        if query_mass == 0:
            return matched_mass
        recall = matched_mass / query_mass
        precision = np.minimum(1.0, matched_mass / np.maximum(self.wording_mass, 1e-6))
        beta2 = BETA * BETA
        denominator = beta2 * precision + recall
        with np.errstate(invalid="ignore", divide="ignore"):
            f_beta = np.where(denominator > 0, (1 + beta2) * precision * recall / denominator, 0.0)
        return (f_beta * self.wording_weight).astype(np.float32)

    def _category_evidence(
        self, variant: str, coverage: dict[str, tuple[float, np.ndarray | None, int]]
    ) -> np.ndarray | None:
        """Per category, the naive Bayes log-likelihood of a scored variant's stems, averaged with the query
        weights (a stem found nowhere says nothing; a qualifier says little); None when no stem is found."""
        gain = self.category_gain
        evidence = np.zeros(len(self.category_base), dtype=np.float32)
        total = 0.0
        for query_stem in dict.fromkeys(stem(w) for w in variant.split() if w not in STOPWORDS):
            weight, _, best = coverage[query_stem]
            if best < 0 or weight <= 0:
                continue
            start, stop = gain.indptr[best], gain.indptr[best + 1]
            evidence[gain.indices[start:stop]] += weight * gain.data[start:stop]
            total += weight
        if total <= 0:
            return None
        result: np.ndarray = self.category_base + evidence / total
        return result

    def _search_text(self, query: str, limit: int) -> list[SearchResult]:
        variants = self.variants(query)
        wording_scores = np.zeros(len(self.wording_text), dtype=np.float32)
        best_variant = np.zeros(len(self.wording_text), dtype=np.int16)
        coverage: dict[str, tuple[float, np.ndarray | None, int]] = {}
        evidence: np.ndarray | None = None
        for k, variant in enumerate(variants):
            scores = self._score_variant(variant, coverage)
            better = scores > wording_scores
            wording_scores[better] = scores[better]
            best_variant[better] = k
            if self.category_chars:
                found = self._category_evidence(variant, coverage)
                if found is not None:
                    evidence = found if evidence is None else np.maximum(evidence, found)
        code_scores = np.maximum.reduceat(wording_scores, self.code_starts[self.has_wording])
        scores = np.zeros(len(self.codes), dtype=np.float32)
        scores[self.has_wording] = code_scores

        pool = max(limit * 5, 50)
        top = np.argpartition(-scores, min(pool, len(scores) - 1))[:pool]
        top = top[scores[top] >= MIN_SCORE * scores[top].max()] if scores[top].max() > 0 else top[:0]
        candidates: dict[int, float] = {int(i): float(scores[i]) for i in top}
        # A category is never codable: its codable descendants inherit its score.
        for i in list(candidates):
            if self.codable[i]:
                continue
            inherited = candidates[i] * INHERITED_SHARE
            for child in self.codable_descendants[i]:
                own = float(scores[child])
                candidates[child] = max(candidates.get(child, 0.0), max(own, inherited) + 0.01 * own)
        # Category evidence fills part of what the wordings leave (1 - score): it decides among partial
        # matches and never outweighs an exact one. `gain` holds CATEGORY_EVIDENCE_SHARE x the category's
        # posterior relative to the best category.
        gain: dict[int, float] = dict.fromkeys(candidates, 0.0)
        if evidence is not None:
            posterior = np.exp(evidence - evidence.max())
            gain = {i: CATEGORY_EVIDENCE_SHARE * float(posterior[self.code_category[i]]) for i in candidates}
        # Re-ranking moves a score by at most RERANK_SHARE: skip candidates that cannot reach the `limit`-th
        # of the best codes of distinct categories (those are not lowered by the crowding penalty).
        if len(candidates) > limit:
            leaders: dict[int, float] = {}
            for i, v in candidates.items():
                key = int(self.code_category[i]) if self.category_chars else i
                low = _with_gain((1 - RERANK_SHARE) * v * NON_CODABLE_SHARE, gain[i])
                leaders[key] = max(leaders.get(key, 0.0), low)
            floor = sorted(leaders.values(), reverse=True)[limit - 1] if len(leaders) >= limit else 0.0
            candidates = {
                i: v
                for i, v in candidates.items()
                if _with_gain((1 - RERANK_SHARE) * v + RERANK_SHARE, gain[i]) >= floor
            }
        reranked = self._rerank(candidates, variants, wording_scores, best_variant)
        reranked = {i: _with_gain(score, gain[i]) for i, score in reranked.items()}
        ranked = sorted(reranked.items(), key=lambda item: (-item[1], self.codes[item[0]]))
        if self.category_chars:
            ranked = self._spread_categories(ranked)
        return [
            SearchResult(self.codes[i], self.labels[i], min(1.0, score), bool(self.codable[i]))
            for i, score in ranked[:limit]
            if score > 0
        ]

    def _spread_categories(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Each further code of a category already listed keeps CATEGORY_REPEAT_SHARE ** n of its score."""
        repeats: dict[int, int] = {}
        spread: list[tuple[int, float]] = []
        for i, score in ranked:
            category = int(self.code_category[i])
            seen = repeats.get(category, 0)
            repeats[category] = seen + 1
            spread.append((i, score * CATEGORY_REPEAT_SHARE**seen))
        return sorted(spread, key=lambda item: (-item[1], self.codes[item[0]]))

    def _walk_codable_descendants(self, i: int) -> list[int]:
        result: list[int] = []
        stack = list(self.children[i])
        while stack:
            child = stack.pop()
            if self.codable[child]:
                result.append(child)
            stack.extend(self.children[child])
        return result

    def _rerank(
        self,
        candidates: dict[int, float],
        variants: list[str],
        wording_scores: np.ndarray,
        best_variant: np.ndarray,
    ) -> dict[int, float]:
        """Blend the coverage score with a whole-string similarity of the code's best wording."""
        reranked: dict[int, float] = {}
        for i, score in candidates.items():
            start, stop = int(self.code_starts[i]), int(self.code_stops[i])
            similarity = 0.0
            if stop > start:
                best = start if stop - start == 1 else start + int(np.argmax(wording_scores[start:stop]))
                variant = variants[int(best_variant[best])]
                similarity = fuzz.token_set_ratio(variant, self.wording_text[best]) / 100
            blended = (1 - RERANK_SHARE) * score + RERANK_SHARE * similarity * min(1.0, score / 0.5)
            if not self.codable[i]:
                blended *= NON_CODABLE_SHARE
            reranked[i] = blended
        return reranked
