"""Serving bundles: `pretrec export` turns a finished run into one verified folder that
recommends exactly as the run does; another format version, a changed file or a folder that is
not a bundle is refused with what to do."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pretrec.cli import main
from pretrec.errors import ConfigError, PretrecError
from pretrec.pipeline.recommend import Recommender
from pretrec.sampling.batches import UserBatch
from pretrec.serve.bundle import CARD, FORMAT_VERSION, MANIFEST, export_bundle, load_bundle
from pretrec.serve.index import ItemIndex


def test_a_bundle_recommends_exactly_as_its_run(run: Path, bundle: Path) -> None:
    loaded = load_bundle(bundle)
    source = Recommender.load(run)
    assert loaded.model_name == "sasrec"
    assert loaded.recommender.recommend(users=["u3", "u40"], k=10) == \
        source.recommend(users=["u3", "u40"], k=10)
    history = [["i1", "i5", "i9"]]
    assert loaded.recommender.recommend(histories=history, k=5) == \
        source.recommend(histories=history, k=5)
    assert main(["recommend", str(bundle), "--user", "u3", "-k", "3"]) == 0


def test_the_bundles_item_vectors_and_an_exact_index_give_the_runs_top_k(bundle: Path) -> None:
    loaded = load_bundle(bundle)
    recommender = loaded.recommender
    assert loaded.item_vectors is not None
    assert loaded.item_vectors.shape[0] == len(recommender.items)
    user = int(recommender.users.lookup(["u3"])[0])
    seen = recommender.histories.items[recommender.histories.offsets[user]:
                                       recommender.histories.offsets[user + 1]]
    with torch.inference_mode():
        query = recommender.model.retrieval_queries(UserBatch(np.array([user]),
                                                              recommender.histories))
    _, items = ItemIndex.build(loaded.item_vectors).search(query.numpy(), k=10,
                                                           exclude=[seen.tolist()])
    expected = [item for item, _ in recommender.recommend(users=["u3"], k=10)[0]]
    assert recommender.items.raw(items[0]).tolist() == expected


def test_the_card_says_what_the_reports_figures_mean(run: Path, bundle: Path) -> None:
    card = json.loads((bundle / CARD).read_text())
    report = json.loads((run / "report.json").read_text())
    assert card["dataset"]["fingerprint"] == report["dataset"]["fingerprint"]
    assert card["split"] == report["split"] and card["protocol"] == report["protocol"]
    assert card["metrics"] == report["metrics"] and card["versions"]["torch"]
    assert card["model"]["name"] == "sasrec" and card["model"]["config"]["hidden_size"] == 16
    manifest = json.loads((bundle / MANIFEST).read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert {"model.safetensors", "report.json", CARD} <= set(manifest["files"])
    assert not list(bundle.glob("*.pt")) and not list(bundle.glob("*.pkl"))  # nothing to unpickle


def _copy(bundle: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    copy.mkdir()
    for file in bundle.iterdir():
        (copy / file.name).write_bytes(file.read_bytes())
    return copy


def test_other_format_versions_are_refused_with_what_to_do(bundle: Path, tmp_path: Path) -> None:
    copy = _copy(bundle, tmp_path)
    manifest = json.loads((copy / MANIFEST).read_text())
    for version, advice in ((FORMAT_VERSION + 1, "upgrade pretrec"),
                            (FORMAT_VERSION - 1, "export the run again")):
        (copy / MANIFEST).write_text(json.dumps({**manifest, "format_version": version}))
        with pytest.raises(ConfigError, match=f"format version {version}.*{advice}"):
            load_bundle(copy)


def test_a_changed_or_missing_file_is_refused(bundle: Path, tmp_path: Path) -> None:
    copy = _copy(bundle, tmp_path)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(PretrecError, match="model.safetensors does not match the manifest"):
        load_bundle(copy)
    weights.unlink()
    with pytest.raises(PretrecError, match="model.safetensors is missing"):
        load_bundle(copy)


def test_bad_export_and_load_targets_are_one_line_errors(run: Path, bundle: Path, tmp_path: Path,
                                                         capsys) -> None:
    with pytest.raises(ConfigError, match="pretrec export. it first"):
        load_bundle(run)  # a run folder is not a bundle
    with pytest.raises(ConfigError, match="exists"):
        export_bundle(run, bundle)  # never over a bundle without --overwrite
    with pytest.raises(ConfigError, match="exists"):
        export_bundle(run, tmp_path, overwrite=True)  # nor over a folder that is not a bundle
    assert export_bundle(run, bundle, overwrite=True) == bundle
    assert main(["export", str(tmp_path / "nothing"), "--output", str(tmp_path / "b")]) == 2
    assert "run folder not found" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()
