"""The inductive GraphSAGE model: users and items absent from training are embedded from their
neighbours without retraining; transductive models are refused on inductive splits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pretrec.data.inductive import new_item_split, new_user_split
from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.errors import ConfigError, NotApplicable
from pretrec.experiment import check_applicable
from pretrec.models import MODELS
from pretrec.models.features import NO_FEATURES
from pretrec.sampling.batches import PairBatch, UserBatch
from pretrec.tasks.catalogue import make_task


@pytest.fixture
def inter() -> Interactions:
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(60), 8)
    items = (users % 3) * 10 + rng.integers(0, 10, size=len(users))  # three taste groups
    return Interactions(users=users, items=items, n_users=60, n_items=30)


def build(train: Interactions):
    entry = MODELS.get("graphsage")
    model = entry.build(entry.config.from_dict({"embedding_dim": 8}), train.n_users, train.n_items)
    model.prepare(train)
    return model.eval()


def scores(model, context: Interactions, users) -> torch.Tensor:
    with torch.inference_mode():
        return model.score(UserBatch(np.asarray(users), UserHistories.from_interactions(context)))


def test_an_unseen_user_is_embedded_from_its_items_and_follows_them(inter) -> None:
    train = inter.select(inter.users != 0)  # user 0 is not in the training graph
    model = build(train)
    shown = Interactions(users=np.array([0, 0]), items=np.array([1, 2]), n_users=60, n_items=30)
    other = Interactions(users=np.array([0, 0]), items=np.array([21, 22]), n_users=60,
                         n_items=30)
    first = scores(model, train.concat(shown), [0])
    assert torch.isfinite(first).all()
    assert not torch.allclose(first, scores(model, train.concat(other), [0]))


def test_an_unseen_item_reads_unknown_until_observed_through_its_users(inter) -> None:
    train = inter.select(inter.items != 5)  # item 5 has no training event
    model = build(train)
    assert not model.trained_items[5]
    before = scores(model, train, [1])[0, 5]
    model.observe(inter)  # the events on item 5 arrive
    after = scores(model, inter, [1])[0, 5]
    assert torch.isfinite(after) and not torch.isclose(before, after)


def test_one_training_step_reaches_every_layer(inter) -> None:
    model = build(inter).train()
    task = make_task("graphsage", model, inter, NO_FEATURES)
    batch = next(iter(task.batches(32, np.random.default_rng(0))))
    named = task.loss(model, batch)
    assert set(named) == {"ce", "l2"}  # the default loss is the softmax
    sum(named.values()).backward()
    for module in (model.users_from_items, model.items_from_users, model.users_from_item_states):
        grads = [p.grad for p in module.parameters()]
        assert all(g is not None and torch.isfinite(g).all() for g in grads)


def test_item_dropout_hides_ids_only_while_training(inter) -> None:
    model = build(inter)
    torch.testing.assert_close(model._item_inputs(), model.item_embedding.weight)
    model.train()
    hidden = (model._item_inputs() == model.unknown_item).all(dim=1)
    assert 0 < hidden.float().mean() < 0.6


def test_transductive_models_are_refused_on_inductive_splits(inter) -> None:
    users = new_user_split(inter, fraction=0.1, given=2, seed=0)
    items = new_item_split(inter, fraction=0.1, given=2, max_given=3, seed=0)
    for name in ("lightgcn", "bprmf"):
        with pytest.raises(NotApplicable, match="cannot score users absent from training"):
            check_applicable(name, users)
    with pytest.raises(NotApplicable, match="no representation of items absent"):
        check_applicable("lightgcn", items)
    check_applicable("graphsage", users)
    check_applicable("graphsage", items)
    check_applicable("itemknn", users)  # history-based: a new user is its history


def test_popularity_and_item_knn_fold_in_observed_events(inter) -> None:
    train = inter.select(inter.items != 5)
    for name in ("pop", "itemknn"):
        entry = MODELS.get(name)
        model = entry.build(entry.config(), train.n_users, train.n_items).fit(train)
        assert float(scores(model, train, [0])[0, 5]) == 0.0  # user 0 shares item 5's group
        model.observe(inter)
        assert float(scores(model, inter, [0])[0, 5]) > 0.0


def test_a_training_batch_is_scored_over_a_graph_without_its_own_pairs(inter) -> None:
    model = build(inter).train()
    users, items = model.edges()
    batch = PairBatch(users=torch.from_numpy(users[:40]), positives=torch.from_numpy(items[:40]),
                      negatives=torch.zeros(40, 1, dtype=torch.int64))
    torch.manual_seed(0)
    user_items, item_users = (m.to_dense() for m in model._step_graph(batch))
    kept = user_items > 0
    full = torch.from_numpy(inter.csr.toarray() > 0)
    assert not (kept & ~full).any()  # only training edges
    assert not kept[batch.users, batch.positives].any()  # never the batch's own pairs
    share = kept.sum() / (full.sum() - 40)
    assert 0.4 < share < 0.6  # about half of the others, at the default context_dropout 0.5
    torch.testing.assert_close((item_users > 0), kept.T)  # one edge set for both sides
    torch.testing.assert_close(user_items.sum(1)[kept.any(1)],
                               torch.ones(int(kept.any(1).sum())))  # rows average
    task = make_task("graphsage", model, inter, NO_FEATURES)
    losses = task.loss(model, batch)
    assert all(torch.isfinite(v) for v in losses.values())
    with pytest.raises(ConfigError, match="context_dropout must lie in"):
        MODELS.get("graphsage").config.from_dict({"context_dropout": 1.0})


def test_the_softmax_objective_is_the_cross_entropy_of_the_positive_over_every_item(inter) -> None:
    entry = MODELS.get("graphsage")
    model = entry.build(entry.config.from_dict({"embedding_dim": 8, "loss": "softmax", "l2": 0.0}),
                        inter.n_users, inter.n_items)
    model.prepare(inter)
    model.eval()  # no dropout: the tables are deterministic
    task = make_task("graphsage", model, inter, NO_FEATURES)
    batch = next(task.batches(16, np.random.default_rng(0)))
    with torch.no_grad():
        named = task.pair_losses(model, batch, *model.pair_tables())
        users, items = model.pair_tables()
        expected = torch.nn.functional.cross_entropy(users[batch.users] @ items.T,
                                                     batch.positives)
    assert set(named) == {"ce", "l2"}
    torch.testing.assert_close(named["ce"], expected)
