"""Every run config shipped under configs/ reads, names a registered model and gives it only
options it has, so a row's command in BENCHMARKS.md cannot fail on a typo after hours of data
loading. The data itself is not read (it lives in ../shared and is a benchmark's business)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pretrec.models import MODELS
from pretrec.pipeline.fitting import build_configs
from pretrec.pipeline.settings import merge_settings, read_config_file

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
NOT_RUN_CONFIGS = {"grids.yaml", "base_options.yaml"}  # option tables of bench/baselines.py
RUN_CONFIGS = sorted(p for p in CONFIGS.rglob("*.yaml") if p.name not in NOT_RUN_CONFIGS)


def test_there_are_run_configs() -> None:
    assert len(RUN_CONFIGS) > 40


@pytest.mark.parametrize("path", RUN_CONFIGS, ids=lambda p: str(p.relative_to(CONFIGS)))
def test_a_shipped_config_names_a_model_and_only_its_options(path: Path) -> None:
    settings = merge_settings(read_config_file(path), {}, path)
    if not settings.model:  # a fine-tuning config: its model comes from the checkpoint
        return
    for name in str(settings.model).split(","):
        assert name in MODELS.names()
        build_configs(name, settings.set)
