"""Run settings: YAML, flags and the Python API are one typed config; filters are options of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pretrec.errors import ConfigError
from pretrec.pipeline.settings import RunSettings, filter_data, merge_settings, read_config_file


def test_flags_win_over_the_file_and_mappings_merge_key_by_key() -> None:
    file_values = {"model": "ease", "dataset": "synthetic", "set": {"l2": 50, "epochs": 3},
                   "k_core": 2}
    settings = merge_settings(file_values, {"model": "itemknn", "set": {"l2": 75}})
    assert settings.model == "itemknn" and settings.k_core == 2
    assert settings.set == {"l2": 75, "epochs": 3}


def test_seeds_come_as_a_list_or_as_text() -> None:
    assert RunSettings.from_dict({"seeds": [0, 1]}).seeds == (0, 1)
    assert RunSettings.from_dict({"seeds": "0,1"}).seeds == (0, 1)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"set": [1, 2]}, "set must be a mapping"),
        ({"split_options": "cold"}, "split_options must be a mapping"),
        ({"k_core": -3}, "k_core must be >= 0"),
        ({"seeds": "a,b"}, "expected int"),
        ({"protocl": "full"}, "did you mean 'protocol'"),
    ],
)
def test_ill_shaped_values_are_config_errors(values: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        merge_settings(values, {}, "run.yaml")


def test_a_config_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text("just a scalar\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        read_config_file(path)
    with pytest.raises(ConfigError, match="not found"):
        read_config_file(tmp_path / "missing.yaml")


def test_the_settings_filters_are_applied(dataset_from_sequences) -> None:
    dataset = dataset_from_sequences([[0, 1, 2, 2], [0, 1, 2], [3]])
    filtered = filter_data(dataset, RunSettings(dedup=True, k_core=2))
    # the repeated (user 0, item 2) goes; the 2-core drops user 2 (one event) and so item 3
    assert len(filtered.interactions) == 6 and filtered.n_users == 2
    assert len(filter_data(dataset, RunSettings()).interactions) == 8  # no filter: unchanged


def test_paths_in_a_config_file_are_relative_to_it_and_home_expands(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    config = tmp_path / "configs" / "run.yaml"
    config.write_text("model: ease\ndataset: ../data/pairs.txt\nitem_attributes: ~/attrs.json\n")
    values = read_config_file(config)
    assert Path(values["dataset"]) == tmp_path / "data" / "pairs.txt"
    assert values["item_attributes"] == str(Path.home() / "attrs.json")
    flags = merge_settings({}, {"model": "ease", "dataset": "~/d.txt", "output": "runs/x"})
    assert flags.dataset == str(Path.home() / "d.txt") and flags.output == "runs/x"
    assert merge_settings({}, {"model": "ease", "dataset": "synthetic"}).dataset == "synthetic"
