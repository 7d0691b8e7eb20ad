"""Pointwise metrics: rating error (RMSE, MAE) and binary-label metrics (AUC, log loss, report).

Inputs are 1-D arrays of equal, non-zero length; every function returns Python floats. AUC is the
Mann-Whitney statistic with average ranks for tied scores, so a constant scorer gets 0.5.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from pretrec.eval.metrics import MetricError


def _pair(first: np.ndarray, second: np.ndarray, names: tuple[str, str]) -> tuple[np.ndarray, ...]:
    """Both arrays as float64 1-D of the same non-zero length, else :class:`MetricError`."""
    first = np.asarray(first, dtype=np.float64)
    second = np.asarray(second, dtype=np.float64)
    if first.ndim != 1 or first.shape != second.shape:
        raise MetricError(
            f"{names[0]} and {names[1]} must be 1-D of equal length, got {first.shape} and "
            f"{second.shape}"
        )
    if first.size == 0:
        raise MetricError(f"{names[0]} and {names[1]} are empty")
    return first, second


def _binary(labels: np.ndarray) -> np.ndarray:
    """Labels as a bool array; raise unless every label is 0 or 1."""
    if not np.isin(labels, (0.0, 1.0)).all():
        raise MetricError("labels must be 0/1 (or bool)")
    return labels == 1.0


def rmse(pred: np.ndarray, true: np.ndarray) -> float:
    """Root mean squared error: sqrt((1 / n) sum_i (pred_i - true_i)^2)."""
    pred, true = _pair(pred, true, ("pred", "true"))
    return float(np.sqrt(np.mean((pred - true) ** 2)))


def mae(pred: np.ndarray, true: np.ndarray) -> float:
    """Mean absolute error: (1 / n) sum_i |pred_i - true_i|."""
    pred, true = _pair(pred, true, ("pred", "true"))
    return float(np.mean(np.abs(pred - true)))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve via the Mann-Whitney U statistic.

    AUC = (sum_{i: y_i = 1} R_i - n_pos (n_pos + 1) / 2) / (n_pos n_neg), R_i the 1-based rank of
    score i among all scores with ties given their average rank; equals
    P(s_pos > s_neg) + P(s_pos = s_neg) / 2. Raises :class:`MetricError` if only one class occurs.
    """
    scores, labels = _pair(scores, labels, ("scores", "labels"))
    positive = _binary(labels)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise MetricError("AUC needs both positive and negative labels")
    ranks = rankdata(scores, method="average")
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def log_loss(probs: np.ndarray, labels: np.ndarray, eps: float = 1e-7) -> float:
    """Binary cross-entropy: -(1 / n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)].

    Probabilities are clipped to [eps, 1 - eps] first so a confident mistake costs -log(eps).
    """
    probs, labels = _pair(probs, labels, ("probs", "labels"))
    positive = _binary(labels)
    if ((probs < 0) | (probs > 1)).any() or np.isnan(probs).any():
        raise MetricError("probs must lie in [0, 1]")
    probs = np.clip(probs, eps, 1.0 - eps)
    return float(-np.mean(np.where(positive, np.log(probs), np.log1p(-probs))))


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, 0.0 when the denominator is 0 (zero division)."""
    return float(numerator / denominator) if denominator > 0 else 0.0


def classification_report(
    probs: np.ndarray, labels: np.ndarray, threshold: float = 0.5
) -> dict[str, float]:
    """Accuracy and per-class precision, recall and F1 of predicting positive when p >= threshold.

    For class c in {pos, neg}: precision_c = TP_c / predicted_c, recall_c = TP_c / actual_c,
    f1_c = 2 precision_c recall_c / (precision_c + recall_c); each is 0.0 when its denominator is
    0. accuracy = (TP + TN) / n. Keys: accuracy, precision_pos, recall_pos, f1_pos, precision_neg,
    recall_neg, f1_neg.
    """
    probs, labels = _pair(probs, labels, ("probs", "labels"))
    actual = _binary(labels)
    predicted = probs >= threshold
    report = {"accuracy": float(np.mean(predicted == actual))}
    for name, truth, guess in (("pos", actual, predicted), ("neg", ~actual, ~predicted)):
        true_positive = int(np.sum(truth & guess))
        class_precision = _ratio(true_positive, int(guess.sum()))
        class_recall = _ratio(true_positive, int(truth.sum()))
        report[f"precision_{name}"] = class_precision
        report[f"recall_{name}"] = class_recall
        report[f"f1_{name}"] = _ratio(
            2 * class_precision * class_recall, class_precision + class_recall
        )
    return report
