"""KGAT: the collaborative knowledge graph, attention, its two alternating objectives, and
checkpoints of a model whose sizes come from the knowledge graph."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from pretrec.checkpoint import load_model, save_model
from pretrec.data.interactions import Dataset, ItemSide
from pretrec.data.knowledge_graph import KnowledgeGraph
from pretrec.data.sequences import UserHistories
from pretrec.errors import DataError
from pretrec.models import MODELS
from pretrec.models.features import SideFeatures
from pretrec.nn.knowledge_graph import edge_softmax, project_by_relation
from pretrec.pipeline.features import knowledge_graph
from pretrec.sampling.batches import PairBatch, TripleBatch, UserBatch
from pretrec.tasks.catalogue import make_task


@pytest.fixture
def graph() -> KnowledgeGraph:
    attributes = [np.array([i % 4, 4 + i % 3]) for i in range(20)]  # two attribute kinds
    return KnowledgeGraph.from_item_attributes(attributes, n_attributes=7)


def build(train, graph, **options):
    entry = MODELS.get("kgat")
    config = entry.config.from_dict({"embedding_dim": 8, "relation_dim": 8,
                                     "layer_sizes": "8,4", **options})
    model = entry.build(config, train.n_users, train.n_items, SideFeatures(knowledge_graph=graph))
    model.prepare(train)
    return model


def test_the_collaborative_graph_has_every_edge_both_ways(train, graph) -> None:
    model = build(train, graph)
    heads, relations, tails = model.collaborative_edges()
    n_pairs = len(np.unique(train.users * 20 + train.items))
    assert len(heads) == 2 * n_pairs + 2 * len(graph)
    assert set(relations.tolist()) == {0, 1, 2, 3}  # interact, inverse, has_attribute, inverse
    forward = set(zip(heads.tolist(), relations.tolist(), tails.tolist(), strict=True))
    assert all((t, r + 1 if r % 2 == 0 else r - 1, h) in forward for h, r, t in forward
               if r < 2)


def test_attention_is_a_softmax_over_each_nodes_edges(train, graph) -> None:
    model = build(train, graph)
    model.update_attention()
    attention, transpose = model.attention()
    torch.testing.assert_close(transpose.to_dense(), attention.to_dense().T)
    rows = attention.to_dense().sum(1)
    has_edges = rows > 0
    torch.testing.assert_close(rows[has_edges], torch.ones(int(has_edges.sum())))


@pytest.mark.parametrize("aggregator", ["bi", "gcn", "sage"])
def test_an_epoch_alternates_bpr_and_transr_with_finite_gradients(train, graph,
                                                                  aggregator) -> None:
    model = build(train, graph, aggregator=aggregator).train()
    task = make_task("kgat", model, train, SideFeatures(knowledge_graph=graph))
    batches = list(task.batches(64, np.random.default_rng(0)))
    assert isinstance(batches[0], PairBatch) and isinstance(batches[-1], TripleBatch)
    assert len(batches) == task.n_batches(64)
    for batch in (batches[0], batches[-1]):
        model.zero_grad()
        named = task.loss(model, batch)
        total = sum(named.values())
        assert torch.isfinite(total)
        total.backward()
        assert torch.isfinite(model.entity_embedding.weight.grad).all()
    negatives = batches[-1].negatives
    assert (negatives >= train.n_users).all()  # corrupted tails are entities, never users


def test_a_checkpoint_restores_the_knowledge_graph_sizes(train, graph, tmp_path) -> None:
    model = build(train, graph).eval()
    save_model(tmp_path / "ckpt", model, "kgat")
    loaded, _, _ = load_model(tmp_path / "ckpt")
    batch = UserBatch(np.arange(5), UserHistories.from_interactions(train))
    with torch.inference_mode():
        torch.testing.assert_close(loaded.score(batch), model.score(batch))


def test_the_knowledge_graph_comes_from_the_dataset_or_its_attributes(train, graph) -> None:
    from pretrec.data.vocab import Vocab

    plain = Dataset(train, Vocab([str(u) for u in range(30)]), Vocab([str(i) for i in range(20)]))
    with pytest.raises(DataError, match="has no knowledge graph"):
        knowledge_graph(plain, 20)
    side = ItemSide(attributes=[np.array([i % 4, 4 + i % 3]) for i in range(20)])
    from_attributes = knowledge_graph(dataclasses.replace(plain, item_side=side), 20)
    assert len(from_attributes) == len(graph) and from_attributes.n_entities == 27


def test_edge_softmax_sums_to_one_over_each_heads_edges_and_survives_large_logits() -> None:
    heads = torch.tensor([0, 0, 2, 2, 2])
    logits = torch.tensor([1000.0, 1001.0, 0.0, 0.0, 0.0])
    weights = edge_softmax(heads, logits, n_nodes=3)
    assert torch.isfinite(weights).all()
    totals = torch.zeros(3).index_add_(0, heads, weights)
    torch.testing.assert_close(totals, torch.tensor([1.0, 0.0, 1.0]))
    torch.testing.assert_close(weights[2:], torch.full((3,), 1 / 3))


def test_relation_wise_projection_matches_projecting_each_row_by_its_own_matrix() -> None:
    generator = torch.Generator().manual_seed(0)
    heads, tails = torch.randn(7, 4, generator=generator), torch.randn(7, 4, generator=generator)
    relations = torch.tensor([2, 0, 2, 1, 0, 2, 1])
    projections = torch.randn(3, 4, 5, generator=generator)
    head, tail = project_by_relation(heads, tails, relations, projections)
    torch.testing.assert_close(head, torch.einsum("nd,ndk->nk", heads, projections[relations]))
    torch.testing.assert_close(tail, torch.einsum("nd,ndk->nk", tails, projections[relations]))
