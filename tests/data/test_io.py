"""Readers: each format on tiny hand-written files, detection, and one test per error message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pretrec.data.io import FORMATS, detect_format, load_dataset
from pretrec.errors import DataError

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode())
    return path


def raw_rows(dataset) -> list[tuple[str, str]]:
    inter = dataset.interactions
    users = dataset.user_vocab.raw(inter.users)
    items = dataset.item_vocab.raw(inter.items)
    return list(zip(users.tolist(), items.tolist(), strict=True))


def test_seq_keeps_line_order_and_skips_users_without_items(tmp_path: Path) -> None:
    path = write(tmp_path, "tiny.txt", "1 10 11 12\n7\n\n2 11 13\n")
    dataset = load_dataset(path)
    assert detect_format(path) == "seq"
    assert dataset.name == "tiny"
    assert raw_rows(dataset) == [("1", "10"), ("1", "11"), ("1", "12"), ("2", "11"), ("2", "13")]
    assert dataset.user_vocab.to_json() == ["1", "2"]  # user 7 has no items
    assert dataset.item_vocab.to_json() == ["10", "11", "12", "13"]
    assert dataset.interactions.timestamps is None and dataset.interactions.weights is None


def test_seq_fast_parse_matches_a_python_reference(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    lines = [[u, *rng.integers(0, 50, rng.integers(1, 9)).tolist()] for u in range(40)]
    text = "\ufeff" + "\r\n".join("\t ".join(map(str, line)) for line in lines)  # BOM, CRLF, tabs
    path = write(tmp_path, "ref.txt", text)
    expected = [(str(line[0]), str(item)) for line in lines for item in line[1:]]
    assert raw_rows(load_dataset(path, format="seq")) == expected


def test_pairs_detected_and_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, "pairs.txt", "1 5\n1 6\n2 5\n2 7\n")
    assert detect_format(path) == "pairs"
    assert raw_rows(load_dataset(path)) == [("1", "5"), ("1", "6"), ("2", "5"), ("2", "7")]


def test_pairs_with_rating_and_timestamp(tmp_path: Path) -> None:
    path = write(tmp_path, "rated.txt", "1 5 4.5 100\n1 6 3 90\n2 5 1 80\n")
    dataset = load_dataset(path)
    assert raw_rows(dataset) == [("1", "5"), ("1", "6"), ("2", "5")]
    np.testing.assert_allclose(dataset.interactions.weights, [4.5, 3, 1])
    np.testing.assert_allclose(dataset.interactions.timestamps, [100, 90, 80])


def test_csv_with_windows_endings_guessed_columns_and_quotes(tmp_path: Path) -> None:
    text = 'userId,movieId,rating,timestamp,note\r\n1,007,4.0,10,"a, b"\r\n2,7,0.5,20,x\r\n'
    dataset = load_dataset(write(tmp_path, "ratings.csv", text))
    assert raw_rows(dataset) == [("1", "007"), ("2", "7")]  # ids kept as written
    np.testing.assert_allclose(dataset.interactions.weights, [4.0, 0.5])
    np.testing.assert_allclose(dataset.interactions.timestamps, [10, 20])


def test_tsv_and_parquet_with_explicit_columns(tmp_path: Path) -> None:
    tsv = write(tmp_path, "log.tsv", "who\twhat\tstars\nann\tpen\t5\nbob\tcup\t2\n")
    columns = {"user": "who", "item": "what", "rating": "stars"}
    dataset = load_dataset(tsv, columns=columns)
    assert raw_rows(dataset) == [("ann", "pen"), ("bob", "cup")]
    parquet = tmp_path / "log.parquet"
    pd.DataFrame({"who": [3, 4], "what": ["pen", "cup"], "stars": [5.0, 2.0]}).to_parquet(parquet)
    dataset = load_dataset(parquet, columns=columns)
    assert raw_rows(dataset) == [("3", "pen"), ("4", "cup")]
    np.testing.assert_allclose(dataset.interactions.weights, [5, 2])


def write_atomic(folder: Path) -> Path:
    folder.mkdir()
    write(
        folder,
        "tiny.inter",
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
        "u1\ti2\t3\t100\nu2\ti1\t5\t200\n",
    )
    write(
        folder,
        "tiny.item",
        "item_id:token\ttitle:token_seq\tyear:token\ni1\tToy Story\t1995\ni9\tCold Item\t2001\n",
    )
    write(folder, "tiny.user", "user_id:token\tage:token\nu2\t30\n")
    return folder


def test_atomic_aligns_side_data_and_adds_cold_items(tmp_path: Path) -> None:
    folder = write_atomic(tmp_path / "tiny")
    assert detect_format(folder) == "atomic" and detect_format(folder / "tiny.inter") == "atomic"
    dataset = load_dataset(folder)
    assert dataset.name == "tiny"
    assert raw_rows(dataset) == [("u1", "i2"), ("u2", "i1")]
    assert dataset.item_vocab.to_json() == ["i2", "i1", "i9"]  # i9: only in the item file
    assert dataset.item_side.text["title"].tolist() == ["", "Toy Story", "Cold Item"]
    assert dataset.item_side.text["year"].tolist() == ["", "1995", "2001"]
    assert dataset.user_features["age"].tolist() == ["", "30"]
    np.testing.assert_allclose(dataset.interactions.weights, [3, 5])
    np.testing.assert_allclose(dataset.interactions.timestamps, [100, 200])


def test_presplit_shares_one_universe(tmp_path: Path) -> None:
    write(tmp_path, "train.txt", "0 0 1\n1 2\n30 \n")
    write(tmp_path, "valid.txt", "0 2\n")
    write(tmp_path, "test.txt", "1 3\n2 0\n")
    assert detect_format(tmp_path) == "presplit"
    dataset = load_dataset(tmp_path, name="split")
    train, valid, test = dataset.presplit
    assert [len(train), len(valid), len(test)] == [3, 1, 2]
    assert dataset.user_vocab.to_json() == ["0", "1", "2"]
    assert dataset.item_vocab.to_json() == ["0", "1", "2", "3"]
    assert all((p.n_users, p.n_items) == (3, 4) for p in (train, valid, test))
    assert raw_rows(dataset)[-2:] == [("1", "3"), ("2", "0")]
    (tmp_path / "valid.txt").unlink()
    assert len(load_dataset(tmp_path).presplit[1]) == 0


def error_of(path: Path, **kwargs) -> str:
    with pytest.raises(DataError) as caught:
        load_dataset(path, **kwargs)
    return str(caught.value)


ATOMIC_HEADER = "user_id:token\titem_id:token\trating:float\n"
# (file name, content, load_dataset kwargs, expected message fragments)
ERRORS = [
    ("empty.txt", " \n\n", {}, ["empty.txt", "empty file"]),
    ("p.txt", "1 2\n1 3\n1 4 5\n", {"format": "pairs"}, ["p.txt, line 3", "expected 2 columns"]),
    ("s.txt", "1 2 3\n2 x4 5\n", {}, ["s.txt, line 2", "integer id", "'x4'"]),
    ("s.txt", "1 2\n2 -5\n", {"format": "seq"}, ["line 2", "'-5'"]),
    ("s.txt", "1 2\n1 99999999999999999999\n", {}, ["s.txt, line 2", "64 bits"]),
    ("r.txt", "1 2 4\n1 3 -1\n", {"format": "pairs"}, ["r.txt, line 2", "rating >= 0"]),
    ("r.txt", "1 2 4\n1 3 good\n", {"format": "pairs"}, ["r.txt, line 2", "'good'"]),
    ("c.csv", "user,item\n1,2\n\n3\n", {}, ["c.csv, line 4", "expected 2 fields", "got 1"]),
    ("c.csv", "user,item\n1,2,3\n", {}, ["c.csv, line 2", "got 3"]),
    ("c.csv", "user,item,rating\n1,2,4\n1,3,-2\n", {}, ["c.csv, line 3", "rating >= 0"]),
    ("c.csv", "user,item,rating\n1,2,4\n1,3,lots\n", {}, ["line 3", "numeric rating", "'lots'"]),
    ("c.csv", "user,item,ts\n1,2,5\n1,3,soon\n", {}, ["line 3", "numeric timestamp"]),
    ("c.csv", "user,item\n1,2\n,3\n", {}, ["c.csv, line 3", "missing user id"]),
    ("c.csv", "who,what\n1,2\n", {}, ["c.csv, line 1", "no user column", "who, what"]),
    ("c.csv", "who,what\n1,2\n", {"columns": {"user": "who", "item": "it"}}, ["'it' not found"]),
    ("c.csv", "who,what\n1,2\n", {"columns": {"owner": "who"}}, ["unknown column roles"]),
    ("c.csv", "user,item\n", {}, ["c.csv, line 1", "no data rows"]),
    ("a.inter", "user_id\titem_id:token\n1\t2\n", {}, ["a.inter, line 1", "':type'"]),
    ("a.inter", "user_id:token\titem_id:int\n1\t2\n", {}, ["line 1", "unknown type 'int'"]),
    ("a.inter", "person:token\tsku:token\n1\t2\n", {}, ["line 1", "no user column"]),
    ("a.inter", ATOMIC_HEADER + "1\t2\t3\n1\t2\tbad\n", {}, ["a.inter, line 3", "'bad'"]),
    ("a.inter", ATOMIC_HEADER + "1\t2\n", {}, ["a.inter, line 2", "expected 3 fields"]),
    ("s.txt", "1 2\n", {"format": "parquet2"}, ["unknown format 'parquet2'", "seq, pairs"]),
    ("s.txt", "1 2\n", {"columns": {"user": "a"}}, ["columns= applies"]),
]


@pytest.mark.parametrize(("name", "content", "kwargs", "fragments"), ERRORS)
def test_errors_name_the_file_line_and_expectation(
    tmp_path: Path, name: str, content: str, kwargs: dict, fragments: list[str]
) -> None:
    message = error_of(write(tmp_path, name, content), **kwargs)
    for fragment in fragments:
        assert fragment in message, message


def test_error_for_missing_path_and_bad_side_files(tmp_path: Path) -> None:
    assert "no such file" in error_of(tmp_path / "absent.txt")
    folder = write_atomic(tmp_path / "tiny")
    write(folder, "tiny.item", "item_id:token\ttitle:token_seq\ni1\tA\ni1\tB\n")
    assert "tiny.item, line 3: item_id 'i1' is listed twice" in error_of(folder)
    write(folder, "tiny.item", "movie:token\ttitle:token_seq\ni1\tA\n")
    assert "tiny.item, line 1: no 'item_id' field" in error_of(folder)


def test_error_rows_of_parquet_and_presplit(tmp_path: Path) -> None:
    parquet = tmp_path / "t.parquet"
    pd.DataFrame({"user": [1, 2], "item": [3, 4], "rating": [1.0, -1.0]}).to_parquet(parquet)
    assert "t.parquet: row 2: expected a rating >= 0" in error_of(parquet)
    write(tmp_path, "train.txt", "0 1\n")
    write(tmp_path, "test.txt", "0 2\n1 2.5\n")
    assert "test.txt, line 2: expected an integer id, got '2.5'" in error_of(tmp_path)
    assert sorted(FORMATS) == sorted(
        ["seq", "pairs", "presplit", "kg", "atomic", "movielens", "csv", "tsv", "parquet"]
    )


REAL = [  # path under shared/data, users, items, interactions (from its README)
    ("seq/Beauty.txt", 22_363, 12_101, 198_502),
    ("seq/ml-1m.txt", 6_040, 3_416, 999_611),  # the original SASRec file (README)
    ("text/ml-100k", 943, 1_682, 100_000),
    ("text/ml-latest-small/ratings.csv", 610, 9_724, 100_836),
    ("text/ml-latest-small", 610, 9_742, 100_836),  # movies.csv adds 18 never-rated movies
    ("graph/yelp-sslrec", 42_712, 26_822, 182_357 + 13_025 + 65_128),
]


@pytest.mark.slow
@pytest.mark.parametrize(("relative", "n_users", "n_items", "n_rows"), REAL)
def test_real_files_match_their_readme(
    relative: str, n_users: int, n_items: int, n_rows: int
) -> None:
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} is absent")
    dataset = load_dataset(path)
    assert (dataset.n_users, dataset.n_items, len(dataset.interactions)) == (
        n_users,
        n_items,
        n_rows,
    )
    if dataset.presplit is not None:
        assert [len(p) for p in dataset.presplit] == [182_357, 13_025, 65_128]
