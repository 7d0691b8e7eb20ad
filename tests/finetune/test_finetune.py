"""Pre-train -> fine-tune: warm start across vocabularies, strategies train only what they say,
LoRA merges into a plain model, and the one-call API records the transfer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pretrec.checkpoint import load_model, save_model
from pretrec.data.sequences import UserHistories
from pretrec.data.split import leave_one_out
from pretrec.data.vocab import Vocab
from pretrec.errors import ConfigError
from pretrec.experiment import run
from pretrec.finetune.strategies import apply_strategy, merge_lora
from pretrec.finetune.warm_start import encoder_options, warm_start
from pretrec.models.pretrainer import PretrainConfig, SequencePretrainer
from pretrec.models.sasrec import SASRec, SASRecConfig
from pretrec.nn.parameters import parameter_counts
from pretrec.pipeline.finetune import finetune
from pretrec.pipeline.fitting import fit_built
from pretrec.sampling.batches import UserBatch
from pretrec.train.loop import TrainConfig

SMALL = {"hidden_size": 8, "inner_size": 16, "max_len": 8, "dropout": 0.1, "attention_dropout": 0.1}
QUICK = TrainConfig(epochs=3, batch_size=16, learning_rate=0.01, progress=False)


def test_warm_start_maps_items_by_raw_id_and_copies_the_encoder() -> None:
    torch.manual_seed(0)
    source = SequencePretrainer(PretrainConfig(**SMALL), 1, 3)  # items a, b, c + mask token
    target = SASRec(SASRecConfig(**SMALL), 1, 3)  # items c, x, a
    report = warm_start(target, Vocab(["c", "x", "a"]), source.state(), Vocab(["a", "b", "c"]))
    assert (report.items_mapped, report.items_new) == (2, 1)
    source_rows, target_rows = source.item_embedding.weight, target.item_embedding.weight
    assert (torch.equal(target_rows[1], source_rows[3])
            and torch.equal(target_rows[3], source_rows[1]))
    assert not torch.equal(target_rows[2], source_rows[2])  # x keeps its fresh row
    for name, tensor in source.state().items():
        if name.startswith("sequence_encoder.") and "item_embedding" not in name:
            assert torch.equal(target.state()[name], tensor), name


def test_a_different_encoder_shape_is_refused() -> None:
    source = SequencePretrainer(PretrainConfig(**SMALL), 1, 3)
    wider = SASRec(SASRecConfig(**{**SMALL, "inner_size": 32}), 1, 3)
    with pytest.raises(ConfigError, match="does not fit"):
        warm_start(wider, Vocab(["a", "b", "c"]), source.state(), Vocab(["a", "b", "c"]))
    with pytest.raises(ConfigError, match="conflicts"):
        encoder_options({"hidden_size": 8}, {"hidden_size": 16})
    assert encoder_options({"hidden_size": 8, "n_layers": 2}, {"dropout": 0.2}) == {
        "dropout": 0.2, "hidden_size": 8, "n_layers": 2}
    inherited = encoder_options({"norm": "pre", "positions": "from_start", "dropout": 0.5}, {})
    assert inherited == {"norm": "pre", "positions": "from_start"}  # meaning, not regularisation


def trained_with(strategy: str, split) -> tuple[dict[str, torch.Tensor], SASRec, dict[str, int]]:
    torch.manual_seed(0)
    model = SASRec(SASRecConfig(**SMALL), split.n_users, split.n_items)
    before = {k: v.clone() for k, v in model.state().items()}
    apply_strategy(model, strategy, lora_rank=2)
    counts = parameter_counts(model)
    fit_built("sasrec", model, split.train, train_config=QUICK)
    return before, model, counts


@pytest.fixture(scope="module")
def split(planted_dataset):
    return leave_one_out(planted_dataset.interactions)


def test_frozen_trains_only_the_item_embeddings(split) -> None:
    before, model, counts = trained_with("frozen", split)
    assert counts["trainable"] == model.item_embedding.weight.numel() < counts["total"]
    for name, tensor in model.state().items():
        changed = not torch.equal(tensor, before[name])
        assert changed == name.endswith("item_embedding.weight"), name


def test_lora_trains_adapters_then_merges_into_a_plain_model(split, tmp_path) -> None:
    before, model, counts = trained_with("lora", split)
    lora = sum(p.numel() for n, p in model.named_parameters() if "lora_" in n)
    assert lora > 0 and counts["trainable"] == lora + model.item_embedding.weight.numel()
    batch = UserBatch(np.arange(6), UserHistories.from_interactions(split.train))
    model.eval()
    with torch.no_grad():
        with_adapters = model.score(batch)
    assert merge_lora(model) == 2 * 6  # six adapted linear layers per block, two blocks
    assert set(model.state()) == set(before)  # plain parameter names again
    with torch.no_grad():
        torch.testing.assert_close(model.score(batch), with_adapters, atol=1e-4, rtol=1e-4)
    query = "sequence_encoder.encoder.blocks.0.attention.query.weight"
    assert not torch.equal(model.state()[query], before[query])  # the merged delta
    assert torch.equal(model.state()["sequence_encoder.position_embedding.weight"],
                       before["sequence_encoder.position_embedding.weight"])
    save_model(tmp_path / "ckpt", model, "sasrec")
    loaded, _, _ = load_model(tmp_path / "ckpt")
    with torch.no_grad():
        assert torch.equal(loaded.score(batch), model.score(batch))


def test_unknown_strategy_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="strategy"):
        apply_strategy(SASRec(SASRecConfig(**SMALL), 1, 3), "partial")


def test_pretrain_then_finetune_in_two_calls(planted_dataset, tmp_path) -> None:
    options = {**SMALL, "epochs": 3, "batch_size": 16, "learning_rate": 0.01}
    pre = run("pretrainer", planted_dataset, options=options, output=tmp_path / "pre",
              progress=False)
    assert set(pre.training["history"][0]) >= {"loss/masked", "loss/next", "loss/contrastive"}
    reports = finetune(tmp_path / "pre" / "checkpoint", planted_dataset, strategy="lora",
                       options={"epochs": 2, "batch_size": 16, "dropout": 0.1},
                       output=tmp_path / "ft", progress=False)
    transfer = reports[0].transfer
    assert transfer["strategy"] == "lora" and transfer["items_new"] == 0
    assert transfer["items_mapped"] == planted_dataset.n_items
    assert 0 < transfer["parameters"]["trainable"] < transfer["parameters"]["total"]
    assert reports[0].config["model"]["hidden_size"] == 8  # the checkpoint's shape
    assert np.isfinite(reports[0].metrics["ndcg@10"])
    assert (tmp_path / "ft" / "checkpoint" / "model.json").exists()
