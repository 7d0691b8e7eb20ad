"""Pre-split files and the validation part carved from their train part (`valid_fraction`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pretrec.data.interactions import Interactions
from pretrec.data.io import load_dataset
from pretrec.data.split import presplit, user_ratio
from pretrec.data.split_by_name import make_split
from pretrec.errors import DataError

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def presplit_folder(folder: Path, with_valid: bool = False) -> Path:
    """20 users with 1 to 20 distinct train items each, one test item each."""
    rng = np.random.default_rng(3)
    train = [[u, *rng.choice(50, size=u + 1, replace=False)] for u in range(20)]
    (folder / "train.txt").write_text("\n".join(" ".join(map(str, r)) for r in train) + "\n")
    (folder / "test.txt").write_text("\n".join(f"{u} {50 + u}" for u in range(20)) + "\n")
    if with_valid:
        (folder / "valid.txt").write_text("0 60\n")
    return folder


def pairs(part: Interactions) -> set[tuple[int, int]]:
    return set(zip(part.users.tolist(), part.items.tolist(), strict=True))


def test_carving_moves_a_seeded_floor_share_of_each_users_train(tmp_path: Path) -> None:
    dataset = load_dataset(presplit_folder(tmp_path))
    train, _, test = dataset.presplit
    split = presplit(dataset, valid_fraction=0.25, seed=5)
    # disjoint, and together exactly the original train part; test untouched
    assert not pairs(split.train) & pairs(split.valid)
    assert pairs(split.train) | pairs(split.valid) == pairs(train)
    assert len(split.train) + len(split.valid) == len(train)
    assert split.test is test
    counts = train.user_counts()
    np.testing.assert_array_equal(split.valid.user_counts(), np.floor(counts * 0.25))
    assert (split.train.user_counts() >= 1).all()  # every user keeps a train event
    assert split.protocol == ("pre-split files, validation carved from train (random 0.25 of "
                              "each user's train events; seed 5)")
    again = presplit(dataset, valid_fraction=0.25, seed=5)
    assert pairs(again.valid) == pairs(split.valid)
    other = presplit(dataset, valid_fraction=0.25, seed=6)
    assert pairs(other.valid) != pairs(split.valid)


def test_carved_rows_keep_their_file_order(tmp_path: Path) -> None:
    dataset = load_dataset(presplit_folder(tmp_path))
    split = presplit(dataset, valid_fraction=0.5, seed=0)
    train = dataset.presplit[0]
    position = {pair: row for row, pair in enumerate(zip(train.users.tolist(),
                                                          train.items.tolist(), strict=True))}
    for part in (split.train, split.valid):
        rows = [position[p] for p in zip(part.users.tolist(), part.items.tolist(), strict=True)]
        assert rows == sorted(rows)


def test_no_fraction_returns_the_files_parts(tmp_path: Path) -> None:
    dataset = load_dataset(presplit_folder(tmp_path, with_valid=True))
    split = presplit(dataset)
    assert split.protocol == "pre-split files"
    assert [len(p) for p in (split.train, split.valid, split.test)] == [
        len(p) for p in dataset.presplit]


def test_carving_is_refused_when_the_files_have_a_valid_part(tmp_path: Path) -> None:
    dataset = load_dataset(presplit_folder(tmp_path, with_valid=True))
    with pytest.raises(DataError, match="already has a validation part \\(1 events\\)"):
        presplit(dataset, valid_fraction=0.1)
    with pytest.raises(DataError, match="valid_fraction must be in \\[0, 1\\)"):
        presplit(dataset, valid_fraction=1.0)


def test_make_split_passes_the_command_line_options(tmp_path: Path) -> None:
    dataset = load_dataset(presplit_folder(tmp_path))
    split = make_split(dataset, "presplit", seed=2, valid_fraction="0.25")  # text, as from argv
    assert pairs(split.valid) == pairs(presplit(dataset, 0.25, seed=2).valid)
    assert "seed 2" in split.protocol
    with pytest.raises(DataError, match="options: valid_fraction"):
        make_split(dataset, "presplit", test_fraction=0.1)


def test_user_ratio_random_is_unchanged_by_the_shared_rank_helper() -> None:
    # a regression pin for the refactor: the per-user random rank is the one user_ratio drew
    inter = Interactions(np.repeat(np.arange(3), 5), np.tile(np.arange(5), 3), 3, 5)
    split = user_ratio(inter, 0.2, 0.2, seed=1, by_time=False)
    key = np.random.default_rng(1).random(len(inter))
    expected_test = [(u, int(np.argmax(key[u * 5:(u + 1) * 5]))) for u in range(3)]
    assert sorted(pairs(split.test)) == expected_test


@pytest.mark.slow
def test_the_real_gowalla_split_with_a_carved_validation_part() -> None:
    path = SHARED_DATA / "graph" / "gowalla"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    dataset = load_dataset(path)
    assert (dataset.n_users, dataset.n_items) == (29_858, 40_981)
    assert [len(p) for p in dataset.presplit] == [810_128, 0, 217_242]
    split = make_split(dataset, "presplit", valid_fraction=0.1)
    train = dataset.presplit[0]
    assert len(split.train) + len(split.valid) == 810_128 and len(split.test) == 217_242
    np.testing.assert_array_equal(split.valid.user_counts(), np.floor(train.user_counts() * 0.1))
    assert split.train.user_counts().min() >= 1
