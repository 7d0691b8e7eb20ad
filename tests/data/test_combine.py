"""Combining datasets keeps sources apart and aligns their side data."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pretrec.data.combine import concat_datasets
from pretrec.errors import DataError
from pretrec.experiment import load


def test_sources_stay_apart_and_text_fields_are_united(planted_dataset) -> None:
    other = dataclasses.replace(planted_dataset, name="other", item_side=None)
    combined = concat_datasets([planted_dataset, other])
    n_users, n_items = planted_dataset.n_users, planted_dataset.n_items
    assert (combined.n_users, combined.n_items) == (2 * n_users, 2 * n_items)
    assert (combined.item_vocab.raw([0, n_items])[1]
            == "other:" + planted_dataset.item_vocab.raw([0])[0])
    second = combined.interactions.select(np.arange(len(planted_dataset.interactions),
                                                    len(combined.interactions)))
    assert second.users.min() >= n_users and second.items.min() >= n_items
    titles = combined.item_side.text["title"]
    assert titles[0] == planted_dataset.item_side.text["title"][0] and titles[n_items] == ""
    np.testing.assert_array_equal(
        combined.interactions.weights[: len(planted_dataset.interactions)],
        planted_dataset.interactions.weights)
    with pytest.raises(DataError, match="distinct names"):
        concat_datasets([planted_dataset, planted_dataset])


def test_load_combines_a_list_of_paths(tmp_path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text("1 10 11 12\n2 11 13\n")
    combined = load([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert combined.name == "a+b" and combined.n_users == 4 and combined.n_items == 8
