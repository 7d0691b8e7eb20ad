"""Benchmark (slow, reads ../shared/data): popularity on Beauty.txt, leave-one-out, full ranking,
must fall inside the bounds printed by the independent ../shared/tools/pop_reference.py."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pretrec.experiment import run


@pytest.mark.slow
def test_popularity_on_beauty_agrees_with_the_reference(shared_data) -> None:
    beauty = shared_data / "seq" / "Beauty.txt"
    tool = shared_data.parent / "tools" / "pop_reference.py"
    if not tool.exists():
        pytest.skip(f"{tool} is absent")
    printed = subprocess.run([sys.executable, str(tool), str(beauty)], capture_output=True,
                             text=True, check=True).stdout
    # "train: HR@10 [pes, opt] NDCG@10 [pes, opt]": popularity counted on training items only
    line = next(row for row in printed.splitlines() if row.startswith("train:"))
    hr_low, hr_high, ndcg_low, ndcg_high = map(float, re.findall(r"[\d.]+(?=[,\]])", line))
    report = run("pop", beauty, split="loo", progress=False)
    tolerance = 1e-6  # the tool prints 6 decimals
    assert hr_low - tolerance <= report.metrics["hr@10"] <= hr_high + tolerance
    assert ndcg_low - tolerance <= report.metrics["ndcg@10"] <= ndcg_high + tolerance
