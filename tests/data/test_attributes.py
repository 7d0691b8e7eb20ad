"""Item attributes from JSON align with the item vocabulary."""

from __future__ import annotations

import pytest

from pretrec.data.io import load_dataset
from pretrec.data.io.attributes import with_item_attributes
from pretrec.errors import DataError


def test_attributes_follow_item_indices(tmp_path) -> None:
    (tmp_path / "seq.txt").write_text("1 10 20\n2 20 30\n")
    (tmp_path / "attrs.json").write_text('{"10": [5, 7], "30": [7]}')
    dataset = load_dataset(tmp_path / "seq.txt")
    dataset, vocab = with_item_attributes(dataset, tmp_path / "attrs.json")
    assert vocab.to_json() == ["5", "7"]
    by_raw = {raw: dataset.item_side.attributes[i].tolist()
              for i, raw in enumerate(dataset.item_vocab.to_json())}
    assert by_raw == {"10": [0, 1], "20": [], "30": [1]}


def test_bad_json_names_the_file(tmp_path) -> None:
    (tmp_path / "seq.txt").write_text("1 10 20\n")
    (tmp_path / "attrs.json").write_text('{"10": [5,\n')
    with pytest.raises(DataError, match="attrs.json"):
        with_item_attributes(load_dataset(tmp_path / "seq.txt"), tmp_path / "attrs.json")
