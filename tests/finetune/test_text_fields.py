"""The item text fields a source model read, compared with a target's under common labels."""

from __future__ import annotations

from pretrec.finetune.text_fields import missing_labels, read_fields


def test_read_fields_are_the_configured_ones_else_all_available() -> None:
    assert read_fields({"text_fields": "title, year"},
                       ["title", "year", "tags"]) == ["title", "year"]
    assert read_fields({"text_fields": ""}, ["title", "tags"]) == ["title", "tags"]
    assert read_fields({}, ["title"]) == ["title"]


def test_missing_labels_compare_common_names() -> None:
    # ml-latest-small (title, year, genres, tags) against ml-100k (movie_title, release_year, class)
    assert missing_labels(["title", "year", "genres", "tags"],
                          ["movie_title", "release_year", "class"]) == ["tags"]
    assert missing_labels(["title", "year", "genres"],
                          ["movie_title", "release_year", "class"]) == []
    # extra target fields are not a mismatch
    assert missing_labels(["title"], ["title", "tags"]) == []
