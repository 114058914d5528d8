"""TF-IDF features that the ONNX graph reproduces exactly: word 1–2-grams on the normal form of the text
and character n-grams on its bounded window (see tfidf_inputs.py).

Measured pitfalls with onnxruntime 1.32 that shape this module:
- a bigram whose words are not themselves in the vocabulary is silently dropped by onnxruntime's
  TfIdfVectorizer: the word vocabulary is closed under "the words of every kept bigram";
- scikit-learn's char analyzer collapses runs of white space, onnxruntime does not: the normal form and its
  window never hold two spaces in a row;
- `strip_accents`, `char_wb`, `sublinear_tf`, `stop_words` do not convert exactly: not used.

Each analyzer runs once over the training texts (counts, then vocabulary choice and idf from those
counts): scikit-learn's TfidfVectorizer would run the word analyzer three times (closure, fit, transform).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from coding_assistant.classifier.tfidf_inputs import CharWindow

WORD_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


@dataclass
class FeatureSettings:
    word_max_features: int = 60_000
    char_max_features: int = 40_000
    char_ngrams: tuple[int, int] = (4, 4)  # (3, 5): 3.8× the fit + transform time (measured)
    min_df: int = 2
    char_window: CharWindow = field(default_factory=CharWindow)


@dataclass
class TextFeatures:
    """Fitted word and character TF-IDF: the scikit-learn reference that the ONNX graph reproduces."""

    word_counter: CountVectorizer  # fixed vocabulary, in feature order
    word_idf: TfidfTransformer
    char_counter: CountVectorizer
    char_idf: TfidfTransformer
    window: CharWindow

    @property
    def word_vocabulary(self) -> dict[str, int]:
        return cast(dict[str, int], self.word_counter.vocabulary)  # fixed at construction: term -> column

    @property
    def char_vocabulary(self) -> dict[str, int]:
        return cast(dict[str, int], self.char_counter.vocabulary_)

    @property
    def n_features(self) -> int:
        return len(self.word_vocabulary) + len(self.char_vocabulary)

    def transform(self, normal_texts: Sequence[str]) -> sparse.csr_matrix:
        """Word then char features, side by side, as the ONNX graph concatenates them (texts in normal form)."""
        words = _float_counts(self.word_counter.transform(normal_texts))
        chars = _float_counts(self.char_counter.transform([self.window.apply(t) for t in normal_texts]))
        return _side_by_side(self.word_idf.transform(words), self.char_idf.transform(chars))


def _float_counts(counts: sparse.spmatrix) -> sparse.csr_matrix:
    return sparse.csr_matrix(counts, dtype=np.float32)


def _side_by_side(words: sparse.spmatrix, chars: sparse.spmatrix) -> sparse.csr_matrix:
    x = sparse.hstack([words, chars], format="csr", dtype=np.float32)
    x.sort_indices()  # liblinear expects sorted indices
    return x


def _most_frequent(counts: sparse.csr_matrix, limit: int) -> np.ndarray:
    """Columns of the `limit` highest total counts (as CountVectorizer's max_features; ties go to the first
    in alphabetical order)."""
    totals = np.asarray(counts.sum(axis=0)).ravel()
    if len(totals) <= limit:
        return np.arange(len(totals))
    return np.argsort(-totals, kind="stable")[:limit]


def _fit_words(texts: Sequence[str], settings: FeatureSettings) -> tuple[CountVectorizer, sparse.csr_matrix]:
    """The closed word vocabulary and the training counts in its order, from one pass of the analyzer."""
    counter = CountVectorizer(
        lowercase=False, token_pattern=WORD_TOKEN_PATTERN, ngram_range=(1, 2), min_df=settings.min_df
    )
    counts = counter.fit_transform(texts).tocsc()
    terms = counter.get_feature_names_out()
    kept = {str(terms[j]) for j in _most_frequent(counts, settings.word_max_features)}
    for term in list(kept):
        kept.update(term.split())  # every word of a kept bigram has min_df too: it is a column of `counts`
    vocabulary = {term: column for column, term in enumerate(sorted(kept))}
    columns = np.array([counter.vocabulary_[term] for term in vocabulary])
    # A fixed vocabulary needs no fit: transform() counts exactly these terms, in this order.
    closed = CountVectorizer(
        lowercase=False, token_pattern=WORD_TOKEN_PATTERN, ngram_range=(1, 2), vocabulary=vocabulary
    )
    return closed, counts[:, columns].tocsr()


def _fit_chars(windows: Sequence[str], settings: FeatureSettings) -> tuple[CountVectorizer, sparse.csr_matrix]:
    counter = CountVectorizer(
        lowercase=False,
        analyzer="char",
        ngram_range=settings.char_ngrams,
        min_df=settings.min_df,
        max_features=settings.char_max_features,
    )
    return counter, counter.fit_transform(windows)


def fit_text_features(normal_texts: Sequence[str], settings: FeatureSettings) -> tuple[TextFeatures, sparse.csr_matrix]:
    """Fit the features on training texts (in normal form); also returns the training matrix."""
    word_counter, word_counts = _fit_words(normal_texts, settings)
    char_counter, char_counts = _fit_chars([settings.char_window.apply(t) for t in normal_texts], settings)
    word_counts, char_counts = _float_counts(word_counts), _float_counts(char_counts)
    word_idf, char_idf = TfidfTransformer().fit(word_counts), TfidfTransformer().fit(char_counts)
    features = TextFeatures(word_counter, word_idf, char_counter, char_idf, settings.char_window)
    return features, _side_by_side(word_idf.transform(word_counts), char_idf.transform(char_counts))
