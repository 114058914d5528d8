"""What an evaluation returns: plain, frozen dataclasses that `as_dict()` turns into JSON-ready data.

The definitions of the figures live with the code that computes them (`metrics.py`); this module only
holds them, so that the HTML report, the CLI and the tests read one structure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Comparison levels: the full ATIH code, its first 4 characters (the WHO subcategory, e.g. I500 for I5002)
# and its first 3 (the category, e.g. I50). A wrong 5th/6th FR character is a lesser mistake than a wrong
# category; reporting the three levels shows where the errors lie.
LEVELS: dict[str, int | None] = {"exact": None, "4char": 4, "3char": 3}
# The ranking is read at the exact and the category level only (what a coder scanning the list sees).
RANKING_LEVELS: tuple[str, ...] = ("exact", "3char")
RANKING_KS: tuple[int, ...] = (5, 10, 15)


@dataclass(frozen=True)
class Counts:
    """How much was evaluated."""

    stays: int
    stays_with_prediction: int
    stays_with_gold_dp: int
    stays_without_predicted_dp: int
    gold_codes: int
    selected_codes: int
    proposals: int


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 (each in [0, 1])."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class SelectionScores:
    """Scores of the selected codes at one comparison level."""

    micro: Scores
    macro: Scores
    # Number of distinct codes (at this level) the macro average runs over.
    macro_codes: int


@dataclass(frozen=True)
class RankingScores:
    """Recall@k and precision@k of the ranking at one comparison level, keyed by k."""

    recall_at: dict[int, float]
    precision_at: dict[int, float]
    # Stays the per-stay values are averaged over (those with at least one gold code).
    stays: int


@dataclass(frozen=True)
class NegationError:
    """A selected code whose every piece of evidence is negated, hypothetical or about a relative."""

    stay_id: str
    code: str
    score: float
    # Each evidence item as (text, qualifiers), e.g. ("pas d'embolie", ("negated",)).
    evidence: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class NegationErrors:
    count: int
    # count / number of selected codes.
    rate: float
    items: tuple[NegationError, ...]


@dataclass(frozen=True)
class CalibrationBin:
    """One of the equal-width score bins [lower, upper) (the last one includes 1.0)."""

    lower: float
    upper: float
    count: int
    # Both None when the bin is empty.
    mean_score: float | None
    observed_rate: float | None


@dataclass(frozen=True)
class Calibration:
    ece: float
    proposals: int
    bins: tuple[CalibrationBin, ...]


@dataclass(frozen=True)
class ChapterScores:
    """Selected-code scores (exact level) restricted to the codes of one CIM-10 chapter."""

    chapter: str
    title: str
    support: int
    predicted: int
    true_positives: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class EvaluationResult:
    """Every figure of one evaluation; see `coding_assistant.evaluation.metrics` for the definitions."""

    counts: Counts
    # Keyed by level name ("exact", "4char", "3char").
    dp_accuracy: dict[str, float]
    selected: dict[str, SelectionScores]
    # Keyed by level name ("exact", "3char").
    ranking: dict[str, RankingScores]
    negation: NegationErrors
    calibration: Calibration
    chapters: tuple[ChapterScores, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready nested dict: lists instead of tuples, string keys (k = 5 is written "5"), so that
        `json.loads(json.dumps(result.as_dict())) == result.as_dict()`."""
        return {key: _jsonable(item) for key, item in asdict(self).items()}

    def headline(self) -> dict[str, float]:
        """The few figures a DIM looks at first, flat."""
        return {
            "dp_exact": self.dp_accuracy["exact"],
            "dp_3char": self.dp_accuracy["3char"],
            "micro_precision_exact": self.selected["exact"].micro.precision,
            "micro_recall_exact": self.selected["exact"].micro.recall,
            "micro_f1_exact": self.selected["exact"].micro.f1,
            "recall_at_10_exact": self.ranking["exact"].recall_at[10],
            "ece": self.calibration.ece,
            "negation_error_rate": self.negation.rate,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value
