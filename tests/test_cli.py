"""The CLI end to end on the built-in synthetic data: run, seeds, compare, describe, models,
errors."""

from __future__ import annotations

import json

import pytest

from pretrec.cli import main


def test_models_lists_the_registry(capsys) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "bprmf" in out and "ease" in out and "itemknn" in out and "pop" in out


def test_run_writes_a_report_and_compare_reads_two_runs(tmp_path, capsys) -> None:
    assert main(["run", "--model", "pop", "--dataset", "synthetic",
                 "--output", str(tmp_path / "pop"), "--quiet"]) == 0
    assert main(["run", "--model", "itemknn", "--dataset", "synthetic", "--set", "neighbours=20",
                 "--output", str(tmp_path / "knn"), "--quiet"]) == 0
    report = json.loads((tmp_path / "knn" / "report.json").read_text())
    assert report["protocol"]["name"] == "full-ranking"
    assert report["config"]["model"]["neighbours"] == 20
    assert 0.0 <= report["metrics"]["ndcg@10"] <= 1.0 and "hr@10" in report["metrics"]
    assert (tmp_path / "knn" / "checkpoint" / "model.safetensors").exists()
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "pop"), str(tmp_path / "knn"),
                 "--metric", "ndcg@10"]) == 0
    line = [row for row in capsys.readouterr().out.splitlines() if row.startswith("ndcg@10")][0]
    assert float(line.split()[3]) > 0  # item-KNN beats popularity on the planted data


def test_seeds_report_mean_and_std(tmp_path, capsys) -> None:
    assert main(["run", "--model", "pop", "--dataset", "synthetic", "--seeds", "0,1",
                 "--output", str(tmp_path), "--quiet"]) == 0
    aggregate = json.loads((tmp_path / "report.json").read_text())
    assert aggregate["seeds"] == [0, 1]
    assert aggregate["metrics_std"]["ndcg@10"] == 0.0  # popularity has no randomness
    assert (tmp_path / "seed-1" / "report.json").exists()
    assert "±" in capsys.readouterr().out


def test_config_file_and_flags(tmp_path) -> None:
    config = tmp_path / "run.yaml"
    config.write_text("model: ease\ndataset: synthetic\nsplit: loo\nset:\n  l2: 50.0\n")
    assert main(["run", "--config", str(config), "--set", "l2=75",
                 "--output", str(tmp_path / "out"), "--quiet"]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["config"]["model"]["l2"] == 75.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--model", "nope", "--dataset", "synthetic"], "unknown model 'nope'"),
        (["run", "--model", "ease", "--dataset", "synthetic", "--set", "l3=1"],
         "did you mean 'l2'"),
        (["run", "--model", "ease", "--dataset", "synthetic", "--seeds", "a,b"], "--seeds"),
        (["run", "--dataset", "synthetic"], "--model is required"),
        (["run", "--model", "ease", "--dataset", "synthetic", "--config", "missing.yaml"],
         "not found"),
        (["finetune", "--dataset", "synthetic"], "--init is required"),
        (["finetune", "--dataset", "synthetic", "--init", "nowhere"], "not a pretrec checkpoint"),
        (["pretrain", "--dataset", "synthetic", "--objective", "cloze"],
         "unknown objective 'cloze'"),
        (["pretrain", "--dataset", "synthetic", "--objective", "masked=x"], "must be a number"),
    ],
)
def test_errors_are_one_line_not_tracebacks(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_describe_prints_counts_and_length_statistics(capsys) -> None:
    assert main(["describe", "--dataset", "synthetic"]) == 0
    out = capsys.readouterr().out
    assert "users" in out and "2000" in out and "seq length mean" in out


def test_describe_reports_a_data_error_with_file_and_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2\n1 x\n")
    assert main(["describe", "--dataset", str(bad), "--format", "pairs"]) == 2
    err = capsys.readouterr().err
    assert "bad.txt" in err and "line 2" in err


def test_filters_and_sampled_protocol_flags(tmp_path) -> None:
    assert main(["run", "--model", "pop", "--dataset", "synthetic", "--k-core", "10", "--dedup",
                 "--protocol", "sampled", "--sampler", "popularity", "--output", str(tmp_path),
                 "--quiet"]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["protocol"]["name"] == "sampled-100-popularity"
    assert report["dataset"]["users"] < 2000  # the 10-core dropped short users


def test_csv_with_a_column_mapping(tmp_path, capsys) -> None:
    table = tmp_path / "events.csv"
    table.write_text("who,what,when\n" + "".join(f"u{u},i{(u + t) % 7},{t}\n"
                                                 for u in range(5) for t in range(6)))
    assert main(["describe", "--dataset", str(table),
                 "--columns", "user=who,item=what,timestamp=when"]) == 0
    out = capsys.readouterr().out
    assert "interactions             30" in out and "timestamps               True" in out


def test_pretrain_then_finetune(tmp_path, capsys) -> None:
    small = ["--set", "epochs=1", "--set", "hidden_size=8", "--set", "inner_size=16",
             "--set", "max_len=10", "--quiet"]
    assert main(["pretrain", "--dataset", "synthetic", "--objective", "masked",
                 "--objective", "contrastive=0.2", "--output", str(tmp_path / "pre"), *small]) == 0
    model = json.loads((tmp_path / "pre" / "report.json").read_text())["config"]["model"]
    assert (model["masked_weight"], model["next_weight"],
            model["contrastive_weight"]) == (1.0, 0.0, 0.2)
    assert main(["finetune", "--init", str(tmp_path / "pre" / "checkpoint"),
                 "--dataset", "synthetic", "--strategy", "frozen", "--set", "epochs=1", "--quiet",
                 "--output", str(tmp_path / "ft")]) == 0
    assert "strategy frozen" in capsys.readouterr().out
    transfer = json.loads((tmp_path / "ft" / "report.json").read_text())["transfer"]
    assert transfer["strategy"] == "frozen" and transfer["source_model"] == "pretrainer"
    assert main(["finetune", "--init", str(tmp_path / "pre" / "checkpoint"),
                 "--dataset", "synthetic", "--strategy", "zero_shot",
                 "--match-items", "title,genres", "--quiet"]) == 0
    assert "(by title,genres)" in capsys.readouterr().out


def write_ratings(path) -> None:
    """A small ratings CSV: 40 users x 30 items, a user effect plus an item effect."""
    import numpy as np

    rng = np.random.default_rng(0)
    rows = ["user,item,rating,timestamp"]
    for user in range(40):
        for item in rng.choice(30, size=12, replace=False):
            rating = int(np.clip(1 + (item % 5) + (user % 2), 1, 5))
            rows.append(f"u{user},i{item},{rating},{user * 100 + item}")
    path.write_text("\n".join(rows) + "\n")


def test_rate_and_click_commands(tmp_path, capsys) -> None:
    data = tmp_path / "ratings.csv"
    write_ratings(data)
    fast = ["--set", "epochs=5", "--set", "embedding_dim=4", "--set", "batch_size=64", "--quiet"]
    assert main(["rate", "--model", "biasedmf", "--dataset", str(data), "--seeds", "0,1",
                 "--output", str(tmp_path / "rate"), *fast]) == 0
    out = capsys.readouterr().out
    assert "rmse" in out and "±" in out
    assert json.loads((tmp_path / "rate" / "report.json").read_text())["seeds"] == [0, 1]
    assert main(["click", "--model", "mf_click", "--dataset", str(data), "--labels", "sampled",
                 *fast]) == 0
    assert "auc" in capsys.readouterr().out
    # not a rating model
    assert main(["rate", "--model", "sasrec", "--dataset", str(data), "--quiet"]) == 2


def test_model_names_are_case_insensitive_and_models_name_lists_options(tmp_path, capsys) -> None:
    assert main(["run", "--model", "EASE", "--dataset", "synthetic", "--quiet",
                 "--output", str(tmp_path / "ease")]) == 0
    assert json.loads((tmp_path / "ease" / "report.json").read_text())["model"] == "ease"
    capsys.readouterr()
    assert main(["models", "SASRec"]) == 0
    out = capsys.readouterr().out
    assert "hidden_size (int, default 64)" in out and "Width of item embeddings" in out
    assert "training options (TrainConfig)" in out and "norm (one of pre|post" in out
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    assert version.value.code == 0 and "pretrec 0.1.0" in capsys.readouterr().out


def test_the_config_hash_leaves_out_options_that_change_no_result() -> None:
    from pretrec.eval.report import config_hash

    def config(l2: float, progress: bool, board: str) -> dict:
        return {"model": {"l2": l2},
                "train": {"epochs": 3, "progress": progress, "tensorboard_dir": board}}

    base, quiet, other = config(1.0, True, ""), config(1.0, False, "x"), config(2.0, True, "")
    assert config_hash(base) == config_hash(quiet) != config_hash(other)


def test_several_models_in_one_run_share_the_split_and_give_one_table(tmp_path, capsys) -> None:
    out = tmp_path / "several"
    assert main(["run", "--model", "pop,ease", "--dataset", "synthetic", "--set", "l2=50",
                 "--quiet", "--output", str(out)]) == 0
    table = capsys.readouterr().out
    assert "pop " in table and "ease " in table
    ease = json.loads((out / "ease" / "report.json").read_text())
    pop = json.loads((out / "pop" / "report.json").read_text())
    assert ease["config"]["model"]["l2"] == 50.0 and ease["split"] == pop["split"]
    assert main(["run", "--model", "pop,ease", "--dataset", "synthetic", "--set", "nope=1"]) == 2
