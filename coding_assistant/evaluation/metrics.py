"""Evaluation of code proposals against the codes a DIM validated (the gold standard).

Definitions (every figure lies in [0, 1]; "gold" is the stay's DP + DR + DAS, without repeats):

* **Comparison levels.** ``exact`` compares full ATIH codes (``I5002``); ``4char`` and ``3char`` compare the
  first 4 / 3 characters (``I500`` / ``I50``). At a truncated level each side of a stay becomes the *set* of
  its truncated codes, so I5002 + I5003 proposed against gold I5001 is one true positive at ``3char``.
* **Zero denominators.** Any ratio whose denominator is 0 is 0.0, everywhere (precision with nothing
  selected, recall with nothing in gold, F1 when precision + recall = 0). An empty prediction therefore
  scores 0.0, never "undefined", and the counts say how much data stands behind each figure.
* **DP accuracy** at a level: among the stays whose gold has a DP, the share whose predicted DP equals the
  gold DP at that level. The predicted DP is the best-ranked proposal that is ``selected`` with role
  ``"DP"``; a stay without one (or without any prediction) counts as wrong.
* **Selected codes, micro**: true positives TP = Σ over stays |gold ∩ selected|, FP = Σ |selected − gold|,
  FN = Σ |gold − selected|; precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2TP / (2TP + FP + FN).
* **Selected codes, macro**: the same counts per code c (at the level), over the codes that appear at least
  once in gold or in the selections of the evaluated stays; precision, recall and F1 are computed per code
  (F1_c from c's own counts, so a code only predicted has recall 0 and F1 0; a code only in gold has
  precision 0) and averaged with equal weight. Macro F1 is the mean of the F1_c, not the F1 of the means.
* **Recall@k / precision@k** on the ranking (every proposal in rank order, selected or not): for one stay
  hits@k = number of distinct codes (at the level) among the first k proposals that are in gold;
  recall@k = hits@k / |gold|, precision@k = hits@k / min(k, number of proposals) — the precision of the
  list a coder actually sees, so that proposing exactly the gold codes scores 1.0 and a stay with no
  proposal scores 0. Both are averaged over the stays that have at least one gold code.
* **Negation errors**: selected codes whose evidence list is non-empty and whose every evidence item is
  negated, hypothetical or about a relative (family); rate = errors / selected codes. A code without any
  evidence is not counted: nothing says it came from a negated mention.
* **Calibration**: every proposal (selected or not) is a forecast "this code is in gold (exact)" with
  probability ``score``. Scores fall into 10 equal-width bins [0, 0.1), …, [0.9, 1.0]; for each bin b with
  n_b proposals, conf_b = mean score and acc_b = share in gold; ECE = Σ_b (n_b / N) · |acc_b − conf_b|.
* **Per chapter** (exact level): gold and selected codes are grouped by CIM-10 chapter (``chapter_of``);
  support = gold codes of the chapter, and precision / recall / F1 are the micro figures on those codes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from coding_assistant.errors import CodingAssistantError
from coding_assistant.evaluation.result import (
    LEVELS,
    RANKING_KS,
    RANKING_LEVELS,
    Calibration,
    CalibrationBin,
    ChapterScores,
    Counts,
    EvaluationResult,
    NegationError,
    NegationErrors,
    RankingScores,
    Scores,
    SelectionScores,
)
from coding_assistant.schema import Proposal, Stay, StayProposals
from coding_assistant.terminology.codes import CHAPTER_TITLES, chapter_of

CALIBRATION_BINS = 10
UNKNOWN_CHAPTER = "?"

PredictFn = Callable[[Sequence[Stay]], Iterable[StayProposals]]


class EvaluationError(CodingAssistantError):
    """Gold and predictions that cannot be evaluated together (unknown or repeated stay, no gold codes)."""


@dataclass(frozen=True)
class StayPair:
    """One gold stay and what the product proposed for it (no proposals when it had no prediction)."""

    stay_id: str
    gold_dp: str | None
    gold: tuple[str, ...]
    proposals: tuple[Proposal, ...]
    has_prediction: bool

    @property
    def selected(self) -> tuple[str, ...]:
        """Codes of the selected proposals, in rank order, without repeats."""
        return tuple(dict.fromkeys(p.code for p in self.proposals if p.selected))

    @property
    def predicted_dp(self) -> str | None:
        """The best-ranked selected proposal with role DP."""
        return next((p.code for p in self.proposals if p.selected and p.role == "DP"), None)


# ----------------------------------------------------------------------------------------------- helpers


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, and 0.0 when the denominator is 0 (the module-wide convention)."""
    return numerator / denominator if denominator else 0.0


def truncate(code: str, level: str) -> str:
    """The code as compared at a level ('I5002' at '3char' -> 'I50')."""
    length = LEVELS[level]
    return code if length is None else code[:length]


def truncated_set(codes: Iterable[str], level: str) -> set[str]:
    return {truncate(code, level) for code in codes}


def scores_from_counts(tp: int, fp: int, fn: int) -> Scores:
    """Precision, recall and F1 from counts; F1 = 2TP / (2TP + FP + FN) equals the harmonic mean of
    precision and recall whenever that mean is defined, and is 0 when TP = 0."""
    return Scores(precision=ratio(tp, tp + fp), recall=ratio(tp, tp + fn), f1=ratio(2 * tp, 2 * tp + fp + fn))


# ----------------------------------------------------------------------------------------------- joining


def join(gold: Sequence[Stay], predictions: Sequence[StayProposals]) -> list[StayPair]:
    """Pair each gold stay with its prediction by stay_id, in gold order.

    A gold stay with no prediction gets an empty one. A prediction for a stay that is not in gold, a stay_id
    repeated on either side, or a gold stay without codes raises EvaluationError naming the stay.
    """
    by_id: dict[str, StayProposals] = {}
    for prediction in predictions:
        if prediction.stay_id in by_id:
            raise EvaluationError(f"stay {prediction.stay_id}: more than one prediction")
        by_id[prediction.stay_id] = prediction
    pairs: list[StayPair] = []
    seen: set[str] = set()
    for stay in gold:
        if stay.stay_id in seen:
            raise EvaluationError(f"stay {stay.stay_id}: appears more than once in the gold stays")
        seen.add(stay.stay_id)
        if stay.codes is None:
            # A stay without codes cannot be scored; counting it as "nothing to find" would inflate precision.
            raise EvaluationError(f"stay {stay.stay_id}: no gold codes (the 'codes' field is missing)")
        stay_prediction = by_id.get(stay.stay_id)
        pairs.append(
            StayPair(
                stay_id=stay.stay_id,
                gold_dp=stay.codes.dp,
                gold=tuple(stay.codes.all_codes()),
                proposals=tuple(stay_prediction.proposals) if stay_prediction else (),
                has_prediction=stay_prediction is not None,
            )
        )
    unknown = [stay_id for stay_id in by_id if stay_id not in seen]
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise EvaluationError(f"stay {unknown[0]}: predicted but not among the gold stays{more}")
    return pairs


# ----------------------------------------------------------------------------------------------- metrics


def dp_accuracy(pairs: Sequence[StayPair], level: str) -> float:
    """Share of the stays with a gold DP whose predicted DP matches it at `level` (missing DP = wrong)."""
    judged = [pair for pair in pairs if pair.gold_dp]
    correct = sum(
        1
        for pair in judged
        if pair.predicted_dp is not None and truncate(pair.predicted_dp, level) == truncate(pair.gold_dp or "", level)
    )
    return ratio(correct, len(judged))


def selection_scores(pairs: Sequence[StayPair], level: str) -> SelectionScores:
    """Micro and macro precision / recall / F1 of the selected codes at `level` (see the module docstring)."""
    total: Counter[str] = Counter()
    per_code: dict[str, Counter[str]] = {}
    for pair in pairs:
        gold = truncated_set(pair.gold, level)
        selected = truncated_set(pair.selected, level)
        for outcome, codes in (("tp", gold & selected), ("fp", selected - gold), ("fn", gold - selected)):
            total[outcome] += len(codes)
            for code in codes:
                per_code.setdefault(code, Counter())[outcome] += 1
    micro = scores_from_counts(total["tp"], total["fp"], total["fn"])
    code_scores = [scores_from_counts(c["tp"], c["fp"], c["fn"]) for c in per_code.values()]
    macro = Scores(
        precision=ratio(sum(s.precision for s in code_scores), len(code_scores)),
        recall=ratio(sum(s.recall for s in code_scores), len(code_scores)),
        f1=ratio(sum(s.f1 for s in code_scores), len(code_scores)),
    )
    return SelectionScores(micro=micro, macro=macro, macro_codes=len(code_scores))


def hits_at_k(ranking: Sequence[str], gold: set[str], k: int, level: str) -> int:
    """Distinct codes (at `level`) among the first k proposals that are in gold (`gold` already truncated)."""
    return len(truncated_set(ranking[:k], level) & gold)


def ranking_scores(pairs: Sequence[StayPair], level: str, ks: Sequence[int] = RANKING_KS) -> RankingScores:
    """Recall@k and precision@k at `level`, averaged over the stays with at least one gold code."""
    judged = [pair for pair in pairs if pair.gold]
    recall_at: dict[int, float] = {}
    precision_at: dict[int, float] = {}
    for k in ks:
        recalls: list[float] = []
        precisions: list[float] = []
        for pair in judged:
            gold = truncated_set(pair.gold, level)
            hits = hits_at_k([p.code for p in pair.proposals], gold, k, level)
            recalls.append(ratio(hits, len(gold)))
            precisions.append(ratio(hits, min(k, len(pair.proposals))))
        recall_at[k] = ratio(sum(recalls), len(judged))
        precision_at[k] = ratio(sum(precisions), len(judged))
    return RankingScores(recall_at=recall_at, precision_at=precision_at, stays=len(judged))


def _qualifiers(proposal: Proposal) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (
            item.text,
            tuple(name for name in ("negated", "hypothetical", "family") if getattr(item, name)),
        )
        for item in proposal.evidence
    )


def is_negation_error(proposal: Proposal) -> bool:
    """A selected proposal resting only on negated, hypothetical or family mentions (PMSI rule: such mentions
    are not coded as current conditions). Proposals without evidence are not judged."""
    return (
        proposal.selected
        and bool(proposal.evidence)
        and all(item.negated or item.hypothetical or item.family for item in proposal.evidence)
    )


def negation_errors(pairs: Sequence[StayPair]) -> NegationErrors:
    """Selected codes whose every evidence item is negated, hypothetical or family; rate per selected code."""
    items: list[NegationError] = []
    selected_total = 0
    for pair in pairs:
        selected_total += len(pair.selected)
        seen: set[str] = set()
        for proposal in pair.proposals:
            # A code selected twice is one selected code: judge its best-ranked occurrence only.
            if not proposal.selected or proposal.code in seen:
                continue
            seen.add(proposal.code)
            if is_negation_error(proposal):
                items.append(NegationError(pair.stay_id, proposal.code, proposal.score, _qualifiers(proposal)))
    return NegationErrors(count=len(items), rate=ratio(len(items), selected_total), items=tuple(items))


def bin_index(score: float, bins: int = CALIBRATION_BINS) -> int:
    """Bin of a score in [0, 1]: [i/bins, (i+1)/bins), the last bin closed so that 1.0 falls in it."""
    return min(math.floor(score * bins), bins - 1)


def calibration(pairs: Sequence[StayPair], bins: int = CALIBRATION_BINS) -> Calibration:
    """Expected calibration error of the proposal scores against "code in gold (exact)", with per-bin data."""
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for pair in pairs:
        gold = set(pair.gold)
        for proposal in pair.proposals:
            members[bin_index(proposal.score, bins)].append((proposal.score, proposal.code in gold))
    total = sum(len(m) for m in members)
    table: list[CalibrationBin] = []
    ece = 0.0
    for index, member in enumerate(members):
        mean_score = observed = None
        if member:
            mean_score = sum(score for score, _ in member) / len(member)
            observed = sum(1 for _, hit in member if hit) / len(member)
            ece += len(member) / total * abs(observed - mean_score)
        table.append(CalibrationBin(index / bins, (index + 1) / bins, len(member), mean_score, observed))
    return Calibration(ece=ece, proposals=total, bins=tuple(table))


def chapter_key(code: str) -> str:
    return chapter_of(code) or UNKNOWN_CHAPTER


def chapter_scores(pairs: Sequence[StayPair]) -> tuple[ChapterScores, ...]:
    """Exact-level micro scores of the selected codes per CIM-10 chapter, in chapter order (I … XXII, then
    codes outside every chapter under "?"), for the chapters present in gold or in the selections."""
    counts: dict[str, Counter[str]] = {}
    for pair in pairs:
        gold, selected = set(pair.gold), set(pair.selected)
        for outcome, codes in (("tp", gold & selected), ("fp", selected - gold), ("fn", gold - selected)):
            for code in codes:
                counts.setdefault(chapter_key(code), Counter())[outcome] += 1
    order = [*CHAPTER_TITLES, UNKNOWN_CHAPTER]
    rows = []
    for chapter in sorted(counts, key=order.index):
        c = counts[chapter]
        scores = scores_from_counts(c["tp"], c["fp"], c["fn"])
        rows.append(
            ChapterScores(
                chapter=chapter,
                title=CHAPTER_TITLES.get(chapter, "Hors chapitre CIM-10"),
                support=c["tp"] + c["fn"],
                predicted=c["tp"] + c["fp"],
                true_positives=c["tp"],
                precision=scores.precision,
                recall=scores.recall,
                f1=scores.f1,
            )
        )
    return tuple(rows)


def counts(pairs: Sequence[StayPair]) -> Counts:
    return Counts(
        stays=len(pairs),
        stays_with_prediction=sum(1 for pair in pairs if pair.has_prediction),
        stays_with_gold_dp=sum(1 for pair in pairs if pair.gold_dp),
        stays_without_predicted_dp=sum(1 for pair in pairs if pair.predicted_dp is None),
        gold_codes=sum(len(pair.gold) for pair in pairs),
        selected_codes=sum(len(pair.selected) for pair in pairs),
        proposals=sum(len(pair.proposals) for pair in pairs),
    )


# ----------------------------------------------------------------------------------------------- entry points


def evaluate(gold: Sequence[Stay], predictions: Sequence[StayProposals]) -> EvaluationResult:
    """Every metric of the module docstring for `predictions` against the codes of the `gold` stays.

    Stays are joined on stay_id; a gold stay without prediction counts as an empty prediction. Raises
    EvaluationError for a prediction of an unknown stay, a repeated stay_id or a gold stay without codes.
    """
    pairs = join(gold, predictions)
    return EvaluationResult(
        counts=counts(pairs),
        dp_accuracy={level: dp_accuracy(pairs, level) for level in LEVELS},
        selected={level: selection_scores(pairs, level) for level in LEVELS},
        ranking={level: ranking_scores(pairs, level) for level in RANKING_LEVELS},
        negation=negation_errors(pairs),
        calibration=calibration(pairs),
        chapters=chapter_scores(pairs),
    )


def evaluate_model(gold: Sequence[Stay], predict_fn: PredictFn) -> EvaluationResult:
    """Run `predict_fn` (stays in, one StayProposals per stay out) on the gold stays and evaluate it.

    The stays are handed over without their codes, so a predictor cannot read the answer it is scored on.
    """
    blind = [stay.model_copy(update={"codes": None}) for stay in gold]
    return evaluate(gold, list(predict_fn(blind)))


# ----------------------------------------------------------------------------------------------- CCAM acts


@dataclass(frozen=True)
class ActScores:
    """Act proposals against the acts a DIM coded (`codes.acts`), exact 7-character CCAM codes.

    Only stays whose gold lists its acts (`codes.acts` present, possibly empty) are judged; an activity-4 line
    is the same act as its activity-1 line (codes are compared without repeats).

    * ``recall_at_k``: per stay with at least one gold act, the share of its gold acts among the first k
      distinct codes of its act lines (rank order, selected or not), averaged over those stays.
    * ``precision`` / ``recall``: micro, on the selected acts (TP / (TP + FP), TP / (TP + FN)).
    * ``negated_selected``: selected acts whose evidence is non-empty and all negated, hypothetical or
      family (what `is_negation_error` counts for diagnoses); the target is zero.
    """

    stays: int
    stays_with_acts: int
    gold_acts: int
    selected_acts: int
    true_positives: int
    k: int
    recall_at_k: float
    precision: float
    recall: float
    negated_selected: int


def act_scores(gold: Sequence[Stay], predictions: Sequence[StayProposals], k: int = 5) -> ActScores:
    """Recall@k, precision and recall of the selected acts, and acts selected from negated mentions."""
    by_id = {prediction.stay_id: prediction for prediction in predictions}
    judged = [stay for stay in gold if stay.codes is not None and stay.codes.acts is not None]
    recalls: list[float] = []
    tp = fp = fn = negated = 0
    for stay in judged:
        wanted = set(stay.codes.act_codes()) if stay.codes else set()
        lines = by_id[stay.stay_id].acts if stay.stay_id in by_id else []
        ranking = list(dict.fromkeys(line.code for line in lines))
        selected = {line.code for line in lines if line.selected}
        if wanted:
            recalls.append(ratio(len(set(ranking[:k]) & wanted), len(wanted)))
        tp += len(selected & wanted)
        fp += len(selected - wanted)
        fn += len(wanted - selected)
        negated += sum(
            1
            for line in lines
            if line.selected
            and line.activity == 1
            and line.evidence
            and all(item.negated or item.hypothetical or item.family for item in line.evidence)
        )
    return ActScores(
        stays=len(judged),
        stays_with_acts=len(recalls),
        gold_acts=tp + fn,
        selected_acts=tp + fp,
        true_positives=tp,
        k=k,
        recall_at_k=ratio(sum(recalls), len(recalls)),
        precision=ratio(tp, tp + fp),
        recall=ratio(tp, tp + fn),
        negated_selected=negated,
    )
