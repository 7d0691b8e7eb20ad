"""Rating and binary-label metrics against hand-computed values and a brute-force AUC."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pretrec.eval.pointwise import auc, classification_report, log_loss, mae, rmse


def test_rmse_and_mae():
    # errors [0, 0, -2]: rmse = sqrt(4 / 3) = 1.1547, mae = 2 / 3
    assert rmse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])) == pytest.approx(
        math.sqrt(4 / 3)
    )
    assert mae(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])) == pytest.approx(2 / 3)
    assert type(rmse([1.0], [1.0])) is float


@pytest.mark.parametrize("pred,true", [([1.0], [1.0, 2.0]), ([], []), ([[1.0]], [[1.0]])])
def test_rating_shapes(pred, true):
    with pytest.raises(ValueError):
        rmse(np.array(pred), np.array(true))


def test_auc_hand_computed():
    assert auc(np.array([0.1, 0.2, 0.8, 0.9]), np.array([0, 0, 1, 1])) == 1.0
    assert auc(np.array([0.9, 0.8, 0.2, 0.1]), np.array([0, 0, 1, 1])) == 0.0
    # pairs (pos, neg): 0.4 vs 0.1 -> 1, 0.4 vs 0.4 -> 1/2, 0.8 vs both -> 2; AUC = 3.5 / 4
    assert auc(np.array([0.1, 0.4, 0.4, 0.8]), np.array([0, 0, 1, 1])) == pytest.approx(0.875)


def test_auc_constant_scores_is_half():
    assert auc(np.full(7, 0.3), np.array([1, 0, 0, 1, 0, 1, 1])) == pytest.approx(0.5)


@pytest.mark.parametrize("labels", [[1, 1, 1], [0, 0, 0], [0, 2, 1]])
def test_auc_needs_two_classes_of_binary_labels(labels):
    with pytest.raises(ValueError):
        auc(np.array([0.1, 0.2, 0.3]), np.array(labels))


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(0, 4), st.booleans()), min_size=2, max_size=30).filter(
        lambda rows: 0 < sum(label for _, label in rows) < len(rows)
    )
)
def test_auc_matches_pairwise_count(data):
    # few distinct scores, so ties are frequent
    scores = np.array([score for score, _ in data], dtype=float)
    labels = np.array([label for _, label in data])
    positives, negatives = scores[labels], scores[~labels]
    wins = (positives[:, None] > negatives[None, :]).sum()
    ties = (positives[:, None] == negatives[None, :]).sum()
    brute = (wins + 0.5 * ties) / (len(positives) * len(negatives))
    assert auc(scores, labels) == pytest.approx(brute)


def test_log_loss():
    # -(ln 0.9 + ln(1 - 0.2)) / 2 = (0.10536 + 0.22314) / 2 = 0.16425
    assert log_loss(np.array([0.9, 0.2]), np.array([1, 0])) == pytest.approx(
        -(math.log(0.9) + math.log(0.8)) / 2
    )
    # a confident mistake is clipped to eps: -ln(1e-7) = 16.118
    assert log_loss(np.array([0.0]), np.array([1])) == pytest.approx(-math.log(1e-7))
    assert log_loss(np.array([1.0]), np.array([0]), eps=1e-3) == pytest.approx(-math.log(1e-3))
    with pytest.raises(ValueError):
        log_loss(np.array([1.5]), np.array([1]))


def test_classification_report():
    # predicted (p >= 0.5) [1, 1, 0, 0, 1] vs labels [1, 0, 1, 0, 1]
    # pos: TP = 2, predicted 3, actual 3 -> precision = recall = f1 = 2/3
    # neg: TN = 1 (index 3), predicted 2, actual 2 -> 1/2 each; accuracy = 3/5
    report = classification_report(np.array([0.9, 0.6, 0.4, 0.2, 0.7]), np.array([1, 0, 1, 0, 1]))
    assert report == pytest.approx(
        {
            "accuracy": 0.6,
            "precision_pos": 2 / 3,
            "recall_pos": 2 / 3,
            "f1_pos": 2 / 3,
            "precision_neg": 0.5,
            "recall_neg": 0.5,
            "f1_neg": 0.5,
        }
    )
    assert all(type(value) is float for value in report.values())


def test_classification_report_zero_division_and_threshold():
    # nothing predicted positive: precision_pos = recall_pos = f1_pos = 0 by definition
    report = classification_report(np.array([0.1, 0.2]), np.array([1, 0]))
    assert report["precision_pos"] == report["recall_pos"] == report["f1_pos"] == 0.0
    # neg: TN = 1, predicted 2, actual 1 -> precision 1/2, recall 1, f1 = 2/3
    assert report["precision_neg"] == 0.5 and report["recall_neg"] == 1.0
    assert report["f1_neg"] == pytest.approx(2 / 3)
    # threshold 0.15: predicted [0, 1] vs [1, 0] -> accuracy 0
    assert classification_report(np.array([0.1, 0.2]), np.array([1, 0]), 0.15)["accuracy"] == 0.0
