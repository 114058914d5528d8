"""The linear layer: one-vs-rest logistic regression, pruned to the strongest weights of each label, then
Platt-calibrated and given a decision threshold per label on a validation split.

Pruning is what keeps the model file small and the ONNX graph fast whatever the number of labels: each
label keeps its `kept` largest |weights| (the rest of a TF-IDF logistic regression's weights are tiny),
stored as (labels × kept) index and weight matrices that the graph applies with GatherElements.

Training scales with stays × labels because each label's regression reads a reduced problem: its candidate
features (a cheap statistic over all features first) and, on large corpora, a weighted sample of its
negative stays.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.special import expit


@dataclass
class SparseLinear:
    """scores = sigmoid(Σ_j x[indices[l, j]] · weights[l, j] + bias[l]) for each label l."""

    indices: np.ndarray  # (labels, kept) int64 feature ids
    weights: np.ndarray  # (labels, kept) float32, zero where a label kept fewer features
    bias: np.ndarray  # (labels,) float32
    n_features: int

    def as_matrix(self) -> sparse.csr_matrix:
        """The same weights as a (features × labels) sparse matrix, for scoring with scipy."""
        labels, kept = self.indices.shape
        cols = np.repeat(np.arange(labels), kept)
        return sparse.csr_matrix(
            (self.weights.ravel(), (self.indices.ravel(), cols)), shape=(self.n_features, labels), dtype=np.float64
        )

    def decision(self, x: sparse.csr_matrix) -> np.ndarray:
        decision: np.ndarray = (x @ self.as_matrix()).toarray() + self.bias
        return decision

    def scores(self, x: sparse.csr_matrix) -> np.ndarray:
        scores: np.ndarray = expit(self.decision(x))
        return scores


@dataclass
class FitSettings:
    """How each label's logistic regression is fitted.

    Figures below: demo corpus (4,000 synthetic stays, 2,744 for training, 599 labels), micro-F1 and
    Recall@10 at 3 characters on its held-out split, classifier alone; and 50,000 stays (34,916 for
    training, 95,724 features, 1,628 labels) for costs.
    """

    # Inverse L2 regularisation. A regression restricted to its candidate features needs little: with 1,000
    # candidates, C = 1 / 4 / 16 / 32 gave F1 0.694 / 0.731 / 0.746 / 0.750 and R@10 0.735 / 0.765 / 0.772 /
    # 0.771 (the former model, all features and C = 1: 0.695 / 0.735).
    c: float = 16.0
    # Weights kept per label after pruning. At C = 16 with 500 candidates the held-out figures do not tell
    # 200 to 500 apart (F1 0.749–0.756, R@10 0.768–0.774); 400 is the shape the speed figures are given for.
    kept: int = 400
    # Features each label's regression may use: the largest |mean in positives − mean in negatives|. Fewer
    # candidates select features as well as saving time: at C = 16, 500 / 1,000 / 2,000 candidates gave
    # F1 0.752 / 0.746 / 0.728; at 50,000 stays a 500-candidate problem holds 1.5 % of the non-zeros.
    candidates: int = 500
    # Stays each label's regression reads at most: all its positives and a random share of its negatives,
    # weighted by the inverse of that share so that the loss (and the intercept) stay unbiased. At 50,000
    # stays (200 labels): mean average precision 0.874 with 12,000 stays vs 0.880 with all, for 2.4× less
    # CPU time; 6,000 stays gave 0.867.
    max_stays: int = 12_000
    tolerance: float = 1e-2  # liblinear's stopping tolerance; 1e-3 changed no figure
    threads: int = 2
    seed: int = 0


@dataclass
class _LabelFit:
    indices: np.ndarray
    weights: np.ndarray
    bias: float


class _LabelProblems:
    """Builds each label's reduced problem from the training matrix: candidate columns, sampled rows."""

    def __init__(self, x: sparse.csr_matrix, settings: FitSettings) -> None:
        self.x = x
        self.by_column = x.tocsc()
        self.column_sums = np.asarray(x.sum(axis=0), dtype=np.float64).ravel()
        self.settings = settings

    def candidates(self, positives: np.ndarray) -> np.ndarray:
        n, n_pos = self.x.shape[0], len(positives)
        positive_sums = np.asarray(self.x[positives].sum(axis=0), dtype=np.float64).ravel()
        gap = np.abs(positive_sums / n_pos - (self.column_sums - positive_sums) / (n - n_pos))
        informative = np.count_nonzero(gap)
        if informative <= self.settings.candidates:
            return np.flatnonzero(gap)
        return np.sort(np.argpartition(-gap, self.settings.candidates - 1)[: self.settings.candidates])

    def rows(self, column: np.ndarray, label: int) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and sample weights: every stay, or every positive and a weighted share of the negatives."""
        n = len(column)
        if n <= self.settings.max_stays:
            return np.arange(n), np.ones(n)
        positives = np.flatnonzero(column)
        negatives = np.flatnonzero(column == 0)
        # A frequent label keeps at least 4 negatives per positive, whatever max_stays.
        keep = max(self.settings.max_stays - len(positives), min(len(negatives), 4 * len(positives)))
        if keep >= len(negatives):
            return np.arange(n), np.ones(n)
        rng = np.random.default_rng([self.settings.seed, label])
        sampled = np.sort(rng.choice(negatives, size=keep, replace=False))
        rows = np.concatenate([positives, sampled])
        weights = np.concatenate([np.ones(len(positives)), np.full(keep, len(negatives) / keep)])
        order = np.argsort(rows)
        return rows[order], weights[order]

    def fit(self, column: np.ndarray, label: int) -> _LabelFit:
        from sklearn.linear_model import LogisticRegression

        settings = self.settings
        positives = np.flatnonzero(column)
        indices = np.zeros(settings.kept, dtype=np.int64)
        weights = np.zeros(settings.kept, dtype=np.float32)
        candidates = self.candidates(positives) if 0 < len(positives) < len(column) else np.zeros(0, dtype=np.int64)
        if len(candidates) == 0:
            # A label constant on the training split (or whose stays no feature tells apart): its base rate.
            rate = (len(positives) + 0.5) / (len(column) + 1.0)
            return _LabelFit(indices, weights, float(np.log(rate / (1 - rate))))
        rows, sample_weight = self.rows(column, label)
        problem = self.by_column[:, candidates].tocsr()
        if len(rows) < len(column):
            problem = problem[rows]
        # liblinear's primal solver (trust-region Newton) when the problem has more stays than features, the
        # dual (coordinate descent) otherwise, as liblinear advises. At 50,000 stays, 500 candidates and C = 16,
        # the primal fit took 0.14 CPU s per label against 0.21 for the dual (10 vs 33 iterations).
        dual = problem.shape[0] < problem.shape[1]
        model = LogisticRegression(C=settings.c, solver="liblinear", dual=dual, max_iter=300, tol=settings.tolerance)
        model.fit(problem, column[rows], sample_weight=sample_weight)
        coef = model.coef_.ravel()
        top = np.argsort(-np.abs(coef), kind="stable")[: settings.kept]
        top = top[coef[top] != 0]
        indices[: len(top)] = candidates[top]
        weights[: len(top)] = coef[top]
        return _LabelFit(indices, weights, float(model.intercept_[0]))


def fit_sparse_linear(x: sparse.csr_matrix, y: np.ndarray, settings: FitSettings | None = None) -> SparseLinear:
    """One logistic regression per label (liblinear) on its candidate features, pruned to its `kept`
    strongest weights.

    Labels are fitted by a pool of threads: liblinear releases the GIL while it trains, so the threads use
    the cores without copying the training matrix into worker processes (measured, 200 labels of the
    50,000-stay corpus on 2 cores: 36.5 CPU s in 19.1 s, against 29.3 s with one thread)."""
    settings = settings or FitSettings()
    settings = replace(settings, kept=min(settings.kept, x.shape[1]))
    problems = _LabelProblems(sparse.csr_matrix(x, dtype=np.float32), settings)
    with ThreadPoolExecutor(max_workers=max(1, settings.threads)) as pool:
        fits = list(pool.map(lambda label: problems.fit(np.ascontiguousarray(y[:, label]), label), range(y.shape[1])))
    return SparseLinear(
        indices=np.stack([f.indices for f in fits]) if fits else np.zeros((0, settings.kept), dtype=np.int64),
        weights=np.stack([f.weights for f in fits]) if fits else np.zeros((0, settings.kept), dtype=np.float32),
        bias=np.array([f.bias for f in fits], dtype=np.float32),
        n_features=x.shape[1],
    )


def fit_platt(decision: np.ndarray, y: np.ndarray, min_positives: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Per-label Platt scaling p = sigmoid(a·z + b), fitted by Newton's method on all labels at once.

    Targets are smoothed as in Platt (1999). Labels with fewer than `min_positives` validation positives,
    or whose fit is not increasing, share the parameters fitted on all labels pooled.
    """
    positives = y.sum(axis=0)
    negatives = y.shape[0] - positives
    target = np.where(y == 1, (positives + 1) / (positives + 2), 1 / (negatives + 2))

    def newton(z: np.ndarray, t: np.ndarray, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
        a = np.ones(z.shape[1])
        b = np.zeros(z.shape[1])
        # Newton converges in a few steps for most labels; each step costs several passes over
        # (stays × labels), so only the labels still moving take the next one.
        active = np.arange(z.shape[1])
        for _ in range(iterations):
            za, ta, aa, ba = z[:, active], t[:, active], a[active], b[active]
            p = expit(aa * za + ba)
            w = np.maximum(p * (1 - p), 1e-12)
            g_a, g_b = ((p - ta) * za).sum(0), (p - ta).sum(0)
            h_aa, h_ab, h_bb = (w * za * za).sum(0) + 1e-6, (w * za).sum(0), w.sum(0) + 1e-6
            det = h_aa * h_bb - h_ab * h_ab
            step_a = (h_bb * g_a - h_ab * g_b) / det
            step_b = (h_aa * g_b - h_ab * g_a) / det
            a[active] -= step_a
            b[active] -= step_b
            with np.errstate(invalid="ignore"):
                moving = ~((np.abs(step_a) < 1e-9) & (np.abs(step_b) < 1e-9))
            active = active[moving]
            if len(active) == 0:
                break
        return a, b

    pooled_a, pooled_b = newton(decision.reshape(-1, 1), target.reshape(-1, 1))
    a, b = newton(decision, target)
    unreliable = (positives < min_positives) | ~np.isfinite(a) | ~np.isfinite(b) | (a <= 0)
    a[unreliable] = pooled_a[0]
    b[unreliable] = pooled_b[0]
    return a.astype(np.float32), b.astype(np.float32)


def calibrate(linear: SparseLinear, a: np.ndarray, b: np.ndarray) -> SparseLinear:
    """Fold Platt scaling into the weights: sigmoid(a·(w·x + c) + b) = sigmoid((a·w)·x + (a·c + b))."""
    return SparseLinear(
        indices=linear.indices,
        weights=(linear.weights * a[:, None]).astype(np.float32),
        bias=(linear.bias * a + b).astype(np.float32),
        n_features=linear.n_features,
    )


def _counts_over_grid(scores: np.ndarray, truth: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True positives and predicted positives of the decision `scores >= t`, for every t of the grid."""
    order = np.argsort(scores)
    ascending = scores.astype(np.float64)[order]
    below = np.searchsorted(ascending, grid, side="left")  # scores under each threshold
    positives_below = np.concatenate([[0], np.cumsum(truth[order], dtype=np.int64)])
    return positives_below[-1] - positives_below[below], len(scores) - below


def tune_thresholds(scores: np.ndarray, y: np.ndarray, min_positives: int = 3) -> np.ndarray:
    """Per-label threshold maximising F1 on validation; labels with too few positives share the threshold
    that maximises micro-F1 over all labels. Kept within [0.05, 0.95]; the lowest threshold wins a tie.

    One sort per label instead of one pass over all scores per threshold: 0.6 s instead of 11.8 s for
    7,540 stays × 1,628 labels (measured, same thresholds)."""
    grid = np.linspace(0.05, 0.95, 91)
    truth = y == 1
    positives = truth.sum(axis=0)
    counts = [_counts_over_grid(scores[:, j], truth[:, j], grid) for j in range(scores.shape[1])]
    true_positives = np.array([c[0] for c in counts]).reshape(-1, len(grid))
    predicted = np.array([c[1] for c in counts]).reshape(-1, len(grid))
    pooled_f1 = 2 * true_positives.sum(axis=0) / np.maximum(1, predicted.sum(axis=0) + positives.sum())
    thresholds = np.full(scores.shape[1], grid[int(np.argmax(pooled_f1))], dtype=np.float32)
    f1 = 2 * true_positives / np.maximum(1, predicted + positives[:, None])
    reliable = positives >= min_positives
    thresholds[reliable] = grid[np.argmax(f1[reliable], axis=1)]
    return thresholds
