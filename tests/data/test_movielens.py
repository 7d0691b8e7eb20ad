"""The MovieLens CSV folder reader: item text fields, cold movies, tags, malformed files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pretrec.data.io import detect_format, load_dataset
from pretrec.data.io.movielens import split_title
from pretrec.errors import DataError

RATINGS = "userId,movieId,rating,timestamp\r\n1,10,4.0,100\r\n1,20,2.5,200\r\n2,20,5.0,150\r\n"
MOVIES = (
    "movieId,title,genres\r\n"
    '10,"American President, The (1995)",Comedy|Drama\r\n'
    "20,Heat (1995),Action|Crime\r\n"
    "30,Black Mirror,(no genres listed)\r\n"
)
TAGS = (
    "userId,movieId,tag,timestamp\r\n"
    "1,20,Pacino,1\r\n2,20,heist,2\r\n1,20,pacino ,3\r\n"
    "1,99,orphan,4\r\n"  # a tag on a movie not in movies.csv: ignored
)


def write_folder(folder: Path, ratings: str = RATINGS, movies: str = MOVIES,
                 tags: str | None = TAGS) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "ratings.csv").write_bytes(ratings.encode())
    (folder / "movies.csv").write_bytes(movies.encode())
    if tags is not None:
        (folder / "tags.csv").write_bytes(tags.encode())
    return folder


def test_reads_ratings_and_aligned_item_text(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "ml")
    assert detect_format(folder) == "movielens"
    dataset = load_dataset(folder)
    assert dataset.item_vocab.to_json() == ["10", "20", "30"]  # 30 is never rated: a cold item
    assert dataset.n_items == 3 and len(dataset.interactions) == 3
    np.testing.assert_allclose(dataset.interactions.weights, [4.0, 2.5, 5.0])
    text = dataset.item_side.text
    assert text["title"].tolist() == ["American President, The", "Heat", "Black Mirror"]
    assert text["year"].tolist() == ["1995", "1995", ""]
    assert text["genres"].tolist() == ["Comedy, Drama", "Action, Crime", ""]
    assert text["tags"].tolist() == ["", "pacino, heist", ""]  # most used first, case folded


def test_tags_file_is_optional(tmp_path: Path) -> None:
    dataset = load_dataset(write_folder(tmp_path / "ml", tags=None))
    assert dataset.item_side.text["tags"].tolist() == ["", "", ""]


def test_split_title_handles_ranges_and_titles_without_year() -> None:
    titles = pd.Series(["Toy Story (1995)", "Death Note (2006–2007)", "Untitled",
                        "Se7en (a.k.a. Seven) (1995) "])
    title, year = split_title(titles)
    assert title.tolist() == ["Toy Story", "Death Note", "Untitled", "Se7en (a.k.a. Seven)"]
    assert year.tolist() == ["1995", "2006", "", "1995"]


@pytest.mark.parametrize(
    ("movies", "ratings", "message"),
    [
        (MOVIES.replace("30,Black", "20,Black"), RATINGS,
         "movies.csv, line 4: movieId '20' is listed twice"),
        (MOVIES, RATINGS + "3,77,1.0,5\r\n", "movieId '77' is rated but not listed in movies.csv"),
        (MOVIES.replace("genres", "kinds"), RATINGS, "missing column(s) genres"),
        (MOVIES.replace("Comedy|Drama", "Comedy,Drama"), RATINGS,
         "expected 3 fields like the header"),
    ],
)
def test_malformed_folders_raise_data_error(tmp_path: Path, movies: str, ratings: str,
                                            message: str) -> None:
    folder = write_folder(tmp_path / "ml", ratings=ratings, movies=movies)
    with pytest.raises(DataError) as error:
        load_dataset(folder)
    assert message in str(error.value)


def test_folder_without_movies_is_not_movielens(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "ml")
    (folder / "movies.csv").unlink()
    with pytest.raises(DataError, match="ratings.csv\\+movies.csv"):
        detect_format(folder)
    with pytest.raises(DataError, match="expected a folder holding ratings.csv and movies.csv"):
        load_dataset(folder, format="movielens")
