"""Score ensembles of saved checkpoints: the combination rule, and a run over real members."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError
from pretrec.experiment import run
from pretrec.models.ensemble import EnsembleConfig, combine_scores

SASREC = {"hidden_size": 16, "inner_size": 32, "max_len": 12, "batch_size": 32,
          "learning_rate": 0.005, "epochs": 3, "patience": 3}


def test_softmax_combination_by_hand() -> None:
    a = torch.tensor([[0.0, math.log(3.0)]])  # probabilities 1/4, 3/4
    b = torch.tensor([[5.0, 5.0]])  # 1/2, 1/2: any shift of a row leaves its softmax alone
    mixed = combine_scores([a, b], torch.tensor([0.5, 0.5]))
    torch.testing.assert_close(mixed, torch.tensor([[0.375, 0.625]]))
    weighted = combine_scores([a, b], torch.tensor([1.0, 0.0]))
    torch.testing.assert_close(weighted, torch.tensor([[0.25, 0.75]]))


def test_zscore_combination_by_hand() -> None:
    a = torch.tensor([[1.0, 2.0, 3.0]])  # mean 2, std 1 -> -1, 0, 1
    b = torch.tensor([[30.0, 10.0, 20.0]])  # mean 20, std 10 -> 1, -1, 0
    mixed = combine_scores([a, b], torch.tensor([0.5, 0.5]), "zscore")
    torch.testing.assert_close(mixed, torch.tensor([[0.0, -0.5, 0.5]]))


def test_weights_are_checked_and_normalised() -> None:
    torch.testing.assert_close(EnsembleConfig(weights="1,3").member_weights(2),
                               torch.tensor([0.25, 0.75]))
    torch.testing.assert_close(EnsembleConfig().member_weights(4), torch.full((4,), 0.25))
    for bad in ("1", "1,x", "-1,2", "0,0"):
        with pytest.raises(ConfigError):
            EnsembleConfig(weights=bad).member_weights(2)


@pytest.fixture(scope="module")
def members(planted_dataset, tmp_path_factory):
    folder = tmp_path_factory.mktemp("members")
    reports = [run("sasrec", planted_dataset, options=SASREC, seed=s, output=folder / f"s{s}",
                   progress=False)
               for s in (0, 1)]
    return [folder / f"s{s}" / "checkpoint" for s in (0, 1)], reports


def test_an_ensemble_of_one_member_ranks_like_it(planted_dataset, members) -> None:
    (first, _), (report, _) = members
    single = run("ensemble", planted_dataset, options={"members": str(first)}, progress=False)
    assert single.metrics["ndcg@10"] == pytest.approx(report.metrics["ndcg@10"])


def test_an_ensemble_of_two_seeds_runs_end_to_end(planted_dataset, members, tmp_path) -> None:
    paths, reports = members
    both = run("ensemble", planted_dataset, options={"members": ",".join(map(str, paths))},
               output=tmp_path / "ens", progress=False)
    assert 0 < both.metrics["ndcg@10"] <= 1 and both.valid_metrics["ndcg@10"] > 0
    # reloadable: the config names the members
    assert (tmp_path / "ens" / "checkpoint" / "model.json").is_file()
    assert min(r.metrics["ndcg@10"] for r in reports) - 0.1 < both.metrics["ndcg@10"]


def test_members_must_exist_and_share_the_catalogue(planted_dataset, members, tmp_path) -> None:
    with pytest.raises(ConfigError, match="needs members"):
        run("ensemble", planted_dataset, progress=False)
    with pytest.raises(ConfigError, match="not a run checkpoint"):
        run("ensemble", planted_dataset, options={"members": str(tmp_path)}, progress=False)
    renamed = dataclasses.replace(
        planted_dataset, item_vocab=Vocab([f"x{i}" for i in range(planted_dataset.n_items)]))
    with pytest.raises(ConfigError, match="another item catalogue"):
        run("ensemble", renamed, options={"members": str(members[0][0])}, progress=False)
