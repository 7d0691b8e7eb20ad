"""Fuzz-style checks of what a user can get wrong: each is one clear error (exit 2, no
traceback), never a quiet wrong result. Files are generated in the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pretrec.checkpoint import load_model
from pretrec.cli import main
from pretrec.errors import PretrecError

QUICK = ["--model", "ease", "--dataset", "synthetic", "--quiet"]


def fails(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err, err


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("epochs=-1", "epochs must be >= 0"),
        ("batch_size=-5", "batch_size must be >= 1"),
        ("learning_rate=nan", "learning_rate must be a finite number > 0"),
        ("patience=0", "patience must be >= 1"),
        ("resume=true", "resume needs checkpoint_dir"),
    ],
)
def test_impossible_training_options_are_refused(setting: str, message: str, capsys) -> None:
    fails(["run", "--model", "bprmf", "--dataset", "synthetic", "--set", setting], message, capsys)


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path: Path, capsys) -> None:
    config = tmp_path / "run.yaml"
    config.write_text("model: ease\n  dataset: [synthetic\n")
    fails(["run", "--config", str(config)], f"{config}, line 2: not valid YAML", capsys)


def test_a_non_empty_output_is_refused_before_training_and_overwrite_replaces_it(
        tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["run", *QUICK, "--output", str(out)]) == 0
    (out / "stale.txt").write_text("left by an earlier run\n")
    fails(["run", *QUICK, "--output", str(out)], "is not empty: pass --overwrite", capsys)
    assert main(["run", *QUICK, "--output", str(out), "--overwrite"]) == 0
    assert not (out / "stale.txt").exists() and (out / "report.json").exists()
    assert not (out / ".incomplete").exists()


def test_overwrite_never_deletes_a_folder_that_is_not_a_run(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    fails(["run", *QUICK, "--output", str(out), "--overwrite"], "not a pretrec run", capsys)
    assert (out / "notes.txt").exists()


def test_an_output_that_is_a_file_is_refused(tmp_path: Path, capsys) -> None:
    out = tmp_path / "file"
    out.write_text("x")
    fails(["run", *QUICK, "--output", str(out)], "is a file, not a folder", capsys)


def test_a_killed_runs_folder_is_refused_by_later_commands(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["run", *QUICK, "--output", str(out)]) == 0
    (out / ".incomplete").write_text("killed\n")  # as a run killed half way leaves it
    with pytest.raises(PretrecError, match="marked incomplete"):
        load_model(out / "checkpoint")
    fails(["finetune", "--init", str(out / "checkpoint"), "--dataset", "synthetic"],
          "marked incomplete", capsys)


def test_a_truncated_or_mismatched_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", *QUICK, "--output", str(out)]) == 0
    weights = out / "checkpoint" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(PretrecError, match="incomplete or corrupt"):
        load_model(out / "checkpoint")
    out2 = tmp_path / "run2"
    assert main(["run", "--model", "bprmf", "--dataset", "synthetic", "--quiet",
                 "--set", "epochs=1", "--set", "embedding_dim=8", "--output", str(out2)]) == 0
    meta_path = out2 / "checkpoint" / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["config"]["embedding_dim"] = 16  # the config no longer fits the weights
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(PretrecError, match="do not fit"):
        load_model(out2 / "checkpoint")
    meta_path.write_text("{not json")
    with pytest.raises(PretrecError, match="not a readable checkpoint"):
        load_model(out2 / "checkpoint")


def test_data_that_leaves_nothing_to_evaluate_is_an_error_not_nan(tmp_path: Path, capsys) -> None:
    one_each = tmp_path / "one.txt"
    one_each.write_text("".join(f"{u} {u % 7}\n" for u in range(30)))
    fails(["run", "--model", "pop", "--dataset", str(one_each), "--format", "pairs"],
          "has no test targets", capsys)
    fails(["run", "--model", "pop", "--dataset", "synthetic", "--k-core", "500"],
          "removed every event", capsys)


def test_debug_shows_the_traceback(capsys) -> None:
    with pytest.raises(PretrecError):
        main(["--debug", "run", "--model", "ease", "--dataset", "synthetic", "--k-core", "500"])


def test_compare_refuses_runs_of_different_data_with_equal_user_counts(tmp_path: Path,
                                                                       capsys) -> None:
    plain, deduped = tmp_path / "plain", tmp_path / "dedup"
    assert main(["run", "--model", "pop", "--dataset", "synthetic", "--quiet",
                 "--output", str(plain)]) == 0
    assert main(["run", "--model", "pop", "--dataset", "synthetic", "--dedup", "--quiet",
                 "--output", str(deduped)]) == 0
    users = [json.loads((f / "report.json").read_text())["dataset"]["users"]
             for f in (plain, deduped)]
    assert users[0] == users[1]  # the trap: equal user counts
    fails(["compare", str(plain), str(deduped)], "evaluated on different datasets", capsys)
