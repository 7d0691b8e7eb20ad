"""Filters given in a YAML config reach the run exactly as the command-line flags do."""

from __future__ import annotations

import json
from pathlib import Path

from pretrec.cli import main


def interactions_of(folder: Path) -> int:
    return json.loads((folder / "report.json").read_text())["dataset"]["interactions"]


def test_yaml_filters_equal_flag_filters(tmp_path: Path) -> None:
    config = tmp_path / "run.yaml"
    config.write_text("model: pop\ndataset: synthetic\nk_core: 5\ndedup: true\n")
    assert main(["run", "--config", str(config), "--output", str(tmp_path / "yaml"),
                 "--quiet"]) == 0
    assert main(["run", "--model", "pop", "--dataset", "synthetic", "--k-core", "5", "--dedup",
                 "--output", str(tmp_path / "flags"), "--quiet"]) == 0
    assert main(["run", "--model", "pop", "--dataset", "synthetic",
                 "--output", str(tmp_path / "none"), "--quiet"]) == 0
    filtered = interactions_of(tmp_path / "yaml")
    assert filtered == interactions_of(tmp_path / "flags") < interactions_of(tmp_path / "none")


def test_a_negative_k_core_is_refused(capsys) -> None:
    assert main(["run", "--model", "pop", "--dataset", "synthetic", "--k-core", "-3"]) == 2
    assert "k_core must be >= 0" in capsys.readouterr().err
