"""Grid search selects on validation only."""

from __future__ import annotations

from pretrec.data.split import leave_one_out
from pretrec.eval.evaluate import evaluate
from pretrec.experiment import build_configs
from pretrec.models import MODELS
from pretrec.tune import grid_search


def test_grid_search_picks_the_best_validation_score(planted_dataset) -> None:
    split = leave_one_out(planted_dataset.interactions)
    best, trials = grid_search("itemknn", split, {"neighbours": [1, 20]})
    assert len(trials) == 2
    assert best["neighbours"] == max(trials, key=lambda t: t.valid_metric).options["neighbours"]
    # the trial's figure is the validation metric of that configuration, recomputed here
    model_config, _ = build_configs("itemknn", {"neighbours": best["neighbours"]})
    model = MODELS.get("itemknn").model(model_config, split.n_users, split.n_items).fit(split.train)
    assert evaluate(model, split, "valid").metrics["ndcg@10"] == max(t.valid_metric for t in trials)
