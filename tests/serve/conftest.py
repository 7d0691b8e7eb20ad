"""Bundles the serving tests share: a small SASRec (inner-product scores, served through the
index) and an item-KNN (full scoring), each trained once on the built-in synthetic data."""

from __future__ import annotations

from pathlib import Path

import pytest

from pretrec.cli import main


def _train(folder: Path, model: str, *options: str) -> Path:
    assert main(["run", "--model", model, "--dataset", "synthetic", "--quiet", *options,
                 "--output", str(folder)]) == 0
    return folder


@pytest.fixture(scope="session")
def run(tmp_path_factory) -> Path:
    return _train(tmp_path_factory.mktemp("bundle") / "sasrec", "sasrec",
                  "--set", "epochs=1", "--set", "hidden_size=16")


@pytest.fixture(scope="session")
def bundle(run: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exported") / "sasrec-bundle"
    assert main(["export", str(run), "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def itemknn_bundle(tmp_path_factory) -> Path:
    run = _train(tmp_path_factory.mktemp("bundle") / "itemknn", "itemknn")
    out = tmp_path_factory.mktemp("exported") / "itemknn-bundle"
    assert main(["export", str(run), "--output", str(out)]) == 0
    return out
