"""pretrec plot: training curves and a results chart with seed error bars, as a PNG."""

from __future__ import annotations

from pathlib import Path

import pytest

from pretrec.cli import main

pytest.importorskip("matplotlib")


def test_plot_writes_a_png_of_several_runs_and_refuses_other_outputs(tmp_path: Path,
                                                                    capsys) -> None:
    runs = []
    for model in ("bprmf", "ease"):
        out = tmp_path / model
        options = ["--set", "epochs=2"] if model == "bprmf" else []
        assert main(["run", "--model", model, "--dataset", "synthetic", "--seeds", "0,1",
                     "--quiet", *options, "--output", str(out)]) == 0
        runs.append(str(out))
    picture = tmp_path / "runs.png"
    assert main(["plot", *runs, "--output", str(picture)]) == 0
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and picture.stat().st_size > 10_000
    capsys.readouterr()
    assert main(["plot", *runs, "--output", str(tmp_path / "runs.jpg")]) == 2
    assert "must name a .png" in capsys.readouterr().err
    assert main(["plot", str(tmp_path / "nowhere"), "--output", str(picture)]) == 2
