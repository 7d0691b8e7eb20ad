"""Text models transfer across catalogues: items are matched through their text, not their ids."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from pretrec.data.interactions import Interactions, ItemSide
from pretrec.data.split import leave_one_out
from pretrec.data.vocab import Vocab
from pretrec.eval.evaluate import evaluate
from pretrec.experiment import run
from pretrec.finetune.strategies import apply_strategy
from pretrec.models.popularity import Popularity, PopularityConfig
from pretrec.pipeline.finetune import finetune

TEXT = {"hidden_size": 16, "inner_size": 32, "max_len": 12, "dropout": 0.1,
        "attention_dropout": 0.1, "fusion": "text", "adaptor": "linear", "text_dropout": 0.0,
        "batch_size": 32, "learning_rate": 0.005, "patience": 40}


def other_catalogue(dataset, seed: int = 1):
    """The same items under new raw ids and a shuffled index order, used by the same kind of
    users."""
    # target index j = source item perm[j]
    perm = np.random.default_rng(seed).permutation(dataset.n_items)
    inverse = np.argsort(perm)
    inter = dataset.interactions
    items = Interactions(inter.users, inverse[inter.items], inter.n_users, inter.n_items,
                         inter.timestamps)
    text = {field: values[perm] for field, values in dataset.item_side.text.items()}
    return dataclasses.replace(dataset, interactions=items,
                               item_vocab=Vocab([f"m{j}" for j in range(dataset.n_items)]),
                               item_side=ItemSide(text=text), name="other")


@pytest.fixture(scope="module")
def pretrained(planted_dataset, tiny_bert, tmp_path_factory):
    folder = tmp_path_factory.mktemp("text-pre")
    run("text_sasrec", planted_dataset,
        options={**TEXT, "text_model": str(tiny_bert), "epochs": 40},
        output=folder, progress=False)
    return folder / "checkpoint"


def test_zero_shot_on_a_new_catalogue_beats_popularity(planted_dataset, pretrained) -> None:
    target = other_catalogue(planted_dataset)
    (report,) = finetune(pretrained, target, strategy="zero_shot", model="text_sasrec",
                         progress=False)
    split = leave_one_out(target.interactions)
    popular = evaluate(
        Popularity(PopularityConfig(), split.n_users, split.n_items).fit(split.train).score, split)
    assert report.transfer["items_mapped"] == 0  # no raw id in common: only text carries over
    assert report.transfer["parameters"]["trainable"] == 0
    # validated once, untrained
    assert report.training["best_epoch"] == 0 and report.training["best_valid"] > 0
    assert report.metrics["ndcg@10"] > popular.metrics["ndcg@10"] + 0.1, (
        report.metrics["ndcg@10"], popular.metrics)


def test_adaptor_strategy_trains_only_the_item_side(planted_dataset, pretrained) -> None:
    target = other_catalogue(planted_dataset)
    (report,) = finetune(pretrained, target, strategy="adaptor", model="text_sasrec",
                         progress=False, options={"epochs": 3, "batch_size": 32})
    counts = report.transfer["parameters"]
    assert 0 < counts["trainable"] < counts["total"] / 2
    from pretrec.models.text_sasrec import TextSASRec, TextSASRecConfig

    model = TextSASRec(TextSASRecConfig(**{k: v for k, v in TEXT.items()
                                           if k in TextSASRecConfig.field_names()},
                                        text_model=str(report.config["model"]["text_model"])), 5, 4)
    apply_strategy(model, "adaptor")
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trained and all("item_embedding." in n for n in trained)
    assert any("adaptor" in n for n in trained)


def test_a_text_only_tower_has_no_item_ids_to_match(planted_dataset, pretrained) -> None:
    assert (pretrained / "item_text.json").exists()  # a run saves its items' text for matching
    target = other_catalogue(planted_dataset)
    (report,) = finetune(pretrained, target, strategy="zero_shot", model="text_sasrec",
                         progress=False, match_items="title")
    # a text-only tower has no ID vectors to match
    assert report.transfer["matched_by"] == "text only"
    assert report.transfer["items_mapped"] == 0


def test_new_items_start_with_a_zero_id_vector_in_a_text_tower(pretrained, planted_dataset,
                                                                tiny_bert) -> None:
    from pretrec.checkpoint import load_model
    from pretrec.finetune.warm_start import TOWER_ID_EMBEDDING, warm_start
    from pretrec.models.text_sasrec import TextSASRec, TextSASRecConfig

    source, _, source_items = load_model(pretrained)
    assert len(source.state()[TOWER_ID_EMBEDDING]) == 1  # a text-only tower keeps no item ID rows
    options = {k: v for k, v in TEXT.items() if k in TextSASRecConfig.field_names()}
    target = TextSASRec(TextSASRecConfig(**{**options, "fusion": "text+id",
                                            "text_model": str(tiny_bert)}),
                        planted_dataset.n_users, planted_dataset.n_items)
    with torch.no_grad():  # random item ID vectors, which warm_start must clear
        target.sequence_encoder.item_embedding.id_embedding.weight[1:].normal_()
    report = warm_start(target, planted_dataset.item_vocab, source.state(), source_items)
    # the source has no ID vectors
    assert (report.items_mapped, report.matched_by) == (0, "text only")
    rows = target.state()[TOWER_ID_EMBEDDING]
    assert torch.count_nonzero(rows[1 : len(source_items) + 1]) == 0  # so every item starts at zero


def test_fields_the_source_read_and_the_target_lacks_are_reported(planted_dataset, pretrained,
                                                                  caplog) -> None:
    target = other_catalogue(planted_dataset)
    target = dataclasses.replace(target, item_side=ItemSide(
        text={"movie_title": target.item_side.text["title"]}))
    with caplog.at_level("WARNING", logger="pretrec.pipeline.finetune"):
        (report,) = finetune(pretrained, target, strategy="zero_shot", model="text_sasrec",
                             progress=False)
    # movie_title reads as "title": present
    assert report.transfer["text_fields_missing"] == ["genres"]
    assert "genres" in caplog.text and "text_fields" in caplog.text
    (full,) = finetune(pretrained, other_catalogue(planted_dataset), strategy="zero_shot",
                       model="text_sasrec", progress=False)
    assert "text_fields_missing" not in full.transfer
