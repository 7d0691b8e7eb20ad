"""KGCL: knowledge-aware item vectors, stability-guided views, its three objectives, and
checkpoints of a model whose sizes come from the knowledge graph."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pretrec.augment.graph import stability_keep_rates, weighted_item_dropout
from pretrec.checkpoint import load_model, save_model
from pretrec.data.knowledge_graph import KnowledgeGraph
from pretrec.data.sequences import UserHistories
from pretrec.models import MODELS
from pretrec.models.features import SideFeatures
from pretrec.sampling.batches import PairBatch, TripleBatch, UserBatch
from pretrec.tasks.catalogue import make_task


@pytest.fixture
def graph() -> KnowledgeGraph:
    """Items 0..15 carry two attributes each; items 16..19 none."""
    attributes = [np.array([i % 4, 4 + i % 3]) if i < 16 else np.array([], np.int64)
                  for i in range(20)]
    return KnowledgeGraph.from_item_attributes(attributes, n_attributes=7)


def build(train, graph, **options):
    entry = MODELS.get("kgcl")
    config = entry.config.from_dict({"embedding_dim": 8, "n_layers": 2, **options})
    model = entry.build(config, train.n_users, train.n_items, SideFeatures(knowledge_graph=graph))
    model.prepare(train)
    return model


def test_an_item_is_its_id_vector_plus_what_its_entities_say(train, graph) -> None:
    model = build(train, graph).eval()
    with torch.no_grad():
        before = model.knowledge_items()
        ids = model.item_embedding.weight
        torch.testing.assert_close(before[16:], ids[16:])  # no triples: the ID vector alone
        assert not torch.allclose(before[:16], ids[:16])
        model.entity_embedding.weight[20 + 0] += 1.0  # attribute 0: items 0, 4, 8, 12
        after = model.knowledge_items()
    changed = torch.nonzero((after - before).abs().sum(1) > 0).flatten().tolist()
    assert changed == [0, 4, 8, 12]


def test_a_kg_view_uses_only_the_triples_it_keeps(train, graph) -> None:
    model = build(train, graph).eval()
    keep = torch.zeros(model.n_triples, dtype=torch.bool)
    with torch.no_grad():
        torch.testing.assert_close(model.knowledge_items(keep), model.item_embedding.weight)
        stability = model.item_stability(keep, torch.ones_like(keep))
    assert stability.shape == (20,)
    torch.testing.assert_close(stability[16:], torch.ones(4))  # nothing to lose: fully stable


def test_keep_rates_grow_with_stability_and_average_one_minus_the_drop() -> None:
    stability = np.linspace(-1, 1, 101)
    rates = stability_keep_rates(stability, drop=0.2)
    assert np.all(np.diff(rates) >= 0)
    assert rates.min() > 0 and rates.max() <= 0.95
    uncapped = stability_keep_rates(stability, drop=0.2, ceiling=2.0)
    assert abs(uncapped.mean() - 0.8) < 1e-9 and rates.mean() < 0.8  # the cap lowers it
    np.testing.assert_allclose(stability_keep_rates(np.full(5, 0.3), drop=0.1), 0.9)


def test_weighted_item_dropout_keeps_or_drops_an_items_edges_together() -> None:
    users, items = np.arange(6), np.array([0, 0, 1, 1, 2, 2])
    kept_users, kept_items = weighted_item_dropout(users, items, np.array([1.0, 0.0, 1.0]),
                                                   np.random.default_rng(0))
    assert kept_items.tolist() == [0, 0, 2, 2] and kept_users.tolist() == [0, 1, 4, 5]


def test_an_epoch_is_bpr_with_contrast_then_transe_with_finite_gradients(train, graph) -> None:
    model = build(train, graph).train()
    task = make_task("kgcl", model, train, SideFeatures(knowledge_graph=graph))
    batches = list(task.batches(64, np.random.default_rng(0)))
    assert isinstance(batches[0], PairBatch) and isinstance(batches[-1], TripleBatch)
    assert len(batches) == task.n_batches(64)
    expected = {PairBatch: {"bpr", "l2", "contrastive"}, TripleBatch: {"transe", "transe_l2"}}
    for batch in (batches[0], batches[-1]):
        model.zero_grad()
        named = task.loss(model, batch)
        assert set(named) == expected[type(batch)]
        sum(named.values()).backward()
        assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)
    assert model.entity_embedding.weight.grad.abs().sum() > 0


def test_corrupted_entities_make_no_known_triple(train, graph) -> None:
    model = build(train, graph)
    task = make_task("kgcl", model, train, SideFeatures(knowledge_graph=graph))
    known = set(zip(graph.heads.tolist(), graph.relations.tolist(), graph.tails.tolist(),
                    strict=True))
    for batch in task.batches(64, np.random.default_rng(1)):
        if isinstance(batch, TripleBatch):
            for h, r, n in zip(batch.heads.tolist(), batch.relations.tolist(),
                               batch.negatives[:, 0].tolist(), strict=True):
                assert (h, r, n) not in known


def test_no_triple_batches_without_the_transe_weight(train, graph) -> None:
    model = build(train, graph, transe_weight=0.0)
    task = make_task("kgcl", model, train, SideFeatures(knowledge_graph=graph))
    batches = list(task.batches(64, np.random.default_rng(0)))
    assert all(isinstance(b, PairBatch) for b in batches) and len(batches) == task.n_batches(64)


def test_a_checkpoint_restores_the_graph_sizes_and_scores(train, graph, tmp_path) -> None:
    model = build(train, graph).eval()
    save_model(tmp_path / "ckpt", model, "kgcl")
    loaded, _, _ = load_model(tmp_path / "ckpt")
    batch = UserBatch(np.arange(5), UserHistories.from_interactions(train))
    with torch.no_grad():
        torch.testing.assert_close(loaded.score(batch), model.score(batch))
    assert loaded.n_triples == model.n_triples
