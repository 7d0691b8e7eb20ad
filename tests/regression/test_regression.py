"""The redesign changed no figure: every case of `record.py` reproduces figures.json to 1e-4.

The cases run once per session (about half a minute on one thread); the demo table is slow and
runs with --run-slow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from record import CASES, FIGURES, differences, run_cases, run_demo

RECORDED = json.loads(FIGURES.read_text())


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    out = tmp_path_factory.mktemp("regression")
    return {name: figures for name, figures, _ in run_cases(out)}


@pytest.mark.parametrize("case", list(CASES))
def test_case_reproduces_its_recorded_figures(case: str,
                                              measured: dict[str, dict[str, float]]) -> None:
    assert RECORDED[case], f"{case} has no recorded figures"
    assert not differences(RECORDED[case], measured[case])


@pytest.mark.slow
def test_demo_table_reproduces_its_recorded_figures(tmp_path: Path) -> None:
    demo = run_demo(tmp_path)
    recorded = {k: v for k, v in RECORDED.items() if k.startswith("demo/")}
    assert recorded.keys() == demo.keys()
    for name, figures in demo.items():
        assert not differences(recorded[name], figures), name
