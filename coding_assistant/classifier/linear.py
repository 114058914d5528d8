"""The linear layer: one-vs-rest logistic regression, pruned to the strongest weights of each label, then
Platt-calibrated and given a decision threshold per label on a validation split.

Pruning is what keeps the model file small and the ONNX graph fast whatever the number of labels: each
label keeps its `kept_weights` largest |weights| (the rest of a TF-IDF logistic regression's weights are
tiny), stored as (labels × kept) index and weight matrices that the graph applies with Gather.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
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
        return (x @ self.as_matrix()).toarray() + self.bias

    def scores(self, x: sparse.csr_matrix) -> np.ndarray:
        return expit(self.decision(x))


def _fit_labels(x: sparse.csr_matrix, y: np.ndarray, c: float, kept: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
    from sklearn.linear_model import LogisticRegression

    out = []
    for column in y.T:
        positives = int(column.sum())
        if positives == 0 or positives == len(column):
            # A label constant on the training split: predict its base rate, no weights.
            rate = (positives + 0.5) / (len(column) + 1.0)
            out.append(
                (np.zeros(kept, dtype=np.int64), np.zeros(kept, dtype=np.float32), float(np.log(rate / (1 - rate))))
            )
            continue
        # The dual formulation is several times faster here: far fewer stays than TF-IDF features.
        model = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=300)
        model.fit(x, column)
        coef = model.coef_.ravel()
        top = np.argsort(-np.abs(coef))[:kept]
        top = top[coef[top] != 0]
        indices = np.zeros(kept, dtype=np.int64)
        weights = np.zeros(kept, dtype=np.float32)
        indices[: len(top)] = top
        weights[: len(top)] = coef[top]
        out.append((indices, weights, float(model.intercept_[0])))
    return out


def fit_sparse_linear(
    x: sparse.csr_matrix, y: np.ndarray, c: float = 1.0, kept: int = 400, n_jobs: int = 2
) -> SparseLinear:
    """One logistic regression per label (liblinear), each pruned to its `kept` strongest weights."""
    kept = min(kept, x.shape[1])
    chunks = np.array_split(np.arange(y.shape[1]), max(1, min(y.shape[1], n_jobs * 8)))
    results = Parallel(n_jobs=n_jobs)(
        delayed(_fit_labels)(x, np.ascontiguousarray(y[:, chunk]), c, kept) for chunk in chunks if len(chunk)
    )
    flat = [item for chunk in results for item in chunk]
    return SparseLinear(
        indices=np.stack([f[0] for f in flat]),
        weights=np.stack([f[1] for f in flat]).astype(np.float32),
        bias=np.array([f[2] for f in flat], dtype=np.float32),
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
        for _ in range(iterations):
            p = expit(a * z + b)
            w = np.maximum(p * (1 - p), 1e-12)
            g_a, g_b = ((p - t) * z).sum(0), (p - t).sum(0)
            h_aa, h_ab, h_bb = (w * z * z).sum(0) + 1e-6, (w * z).sum(0), w.sum(0) + 1e-6
            det = h_aa * h_bb - h_ab * h_ab
            a -= (h_bb * g_a - h_ab * g_b) / det
            b -= (h_aa * g_b - h_ab * g_a) / det
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


def tune_thresholds(scores: np.ndarray, y: np.ndarray, min_positives: int = 3) -> np.ndarray:
    """Per-label threshold maximising F1 on validation; labels with too few positives share the threshold
    that maximises micro-F1 over all labels. Kept within [0.05, 0.95]."""
    grid = np.linspace(0.05, 0.95, 91)
    pooled_f1 = []
    for t in grid:
        predicted = scores >= t
        tp = np.logical_and(predicted, y == 1).sum()
        pooled_f1.append(2 * tp / max(1, predicted.sum() + (y == 1).sum()))
    pooled = float(grid[int(np.argmax(pooled_f1))])
    thresholds = np.full(scores.shape[1], pooled, dtype=np.float32)
    for j in np.flatnonzero(y.sum(axis=0) >= min_positives):
        column, truth = scores[:, j], y[:, j] == 1
        best_f1, best_t = -1.0, pooled
        for t in grid:
            predicted = column >= t
            tp = np.logical_and(predicted, truth).sum()
            f1 = 2 * tp / max(1, predicted.sum() + truth.sum())
            if f1 > best_f1 + 1e-9:
                best_f1, best_t = f1, float(t)
        thresholds[j] = best_t
    return thresholds
