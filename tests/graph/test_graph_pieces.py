"""The graph building blocks: normalised adjacency, propagation and its backward, graph and
embedding views, and the contrastive loss."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from pretrec import losses
from pretrec.augment.embedding import uniform_noise
from pretrec.augment.graph import augment, edge_dropout, node_dropout, views_per_layer
from pretrec.data.user_item_graph import normalized_adjacency, training_edges
from pretrec.nn.propagation import propagate, sparse_tensor, sparse_tensor_with_transpose, spmm

# users 0, 1; items 0, 1, 2; edges u0-i0, u0-i1, u1-i1, u1-i2 (a path i0-u0-i1-u1-i2)
USERS, ITEMS = np.array([0, 0, 1, 1]), np.array([0, 1, 1, 2])


def test_adjacency_matches_a_hand_computed_graph() -> None:
    matrix = normalized_adjacency(USERS, ITEMS, n_users=2, n_items=3).toarray()
    # nodes: u0 u1 i0 i1 i2 with degrees 2 2 1 2 1; entry = 1 / sqrt(d_a d_b) per edge
    expected = np.zeros((5, 5), dtype=np.float32)
    for a, b, value in [(0, 2, 1 / np.sqrt(2)), (0, 3, 1 / 2), (1, 3, 1 / 2),
                        (1, 4, 1 / np.sqrt(2))]:
        expected[a, b] = expected[b, a] = value
    np.testing.assert_allclose(matrix, expected, rtol=1e-6)


def test_duplicate_edges_count_once_and_lonely_nodes_stay_zero() -> None:
    users, items = np.concatenate([USERS, [0]]), np.concatenate([ITEMS, [0]])
    once = normalized_adjacency(USERS, ITEMS, 2, 4).toarray()  # item 3 has no edge
    twice = normalized_adjacency(users, items, 2, 4).toarray()
    np.testing.assert_array_equal(once, twice)
    assert not once[5].any() and not once[:, 5].any()


def test_training_edges_are_the_distinct_pairs(dataset_from_sequences) -> None:
    train = dataset_from_sequences([[0, 1, 0], [2]], n_items=3).interactions
    users, items = training_edges(train)
    assert sorted(zip(users.tolist(), items.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 2)]


def test_propagation_layers_and_its_symmetric_backward_match_dense_autograd() -> None:
    dense = normalized_adjacency(USERS, ITEMS, 2, 3).toarray()
    sparse = sparse_tensor(normalized_adjacency(USERS, ITEMS, 2, 3))
    start = torch.randn(5, 4, dtype=torch.float32, requires_grad=True)
    layers = propagate(sparse, start, n_layers=3)
    assert len(layers) == 4 and layers[0] is start
    weights = torch.randn(5, 4)
    (torch.stack(layers).mean(0) * weights).sum().backward()
    sparse_grad = start.grad.clone()

    start.grad = None
    a = torch.from_numpy(dense)
    reference = [start]
    for _ in range(3):
        reference.append(a @ reference[-1])
    (torch.stack(reference).mean(0) * weights).sum().backward()
    for ours, theirs in zip(layers, reference, strict=True):
        torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(sparse_grad, start.grad)


def test_propagation_takes_one_matrix_per_layer_and_checks_their_number() -> None:
    sparse = sparse_tensor(normalized_adjacency(USERS, ITEMS, 2, 3))
    start = torch.randn(5, 2)
    layers = propagate([sparse, sparse], start, n_layers=2)
    torch.testing.assert_close(layers[2], propagate(sparse, start, 2)[2])
    with pytest.raises(ValueError, match="2 adjacency matrices for 3 layers"):
        propagate([sparse, sparse], start, n_layers=3)


def test_spmm_of_a_rectangular_matrix_carrying_its_transpose_matches_dense_autograd() -> None:
    matrix = sp.random(4, 6, density=0.5, format="csr", random_state=0, dtype=np.float32)
    carried = sparse_tensor_with_transpose(matrix)
    assert carried.transposed.shape == (6, 4)
    dense = torch.randn(6, 3, requires_grad=True)
    weights = torch.randn(4, 3)
    (spmm(carried, dense) * weights).sum().backward()
    ours = dense.grad.clone()
    dense.grad = None
    reference = torch.from_numpy(matrix.toarray()) @ dense
    (reference * weights).sum().backward()
    torch.testing.assert_close(spmm(carried, dense), reference)
    torch.testing.assert_close(ours, dense.grad)


def big_graph(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 500, 20_000), rng.integers(0, 300, 20_000)


def test_edge_dropout_drops_the_configured_share_and_keeps_only_real_edges() -> None:
    users, items = big_graph()
    kept_users, kept_items = edge_dropout(users, items, 0.25, np.random.default_rng(1))
    assert abs(len(kept_users) / len(users) - 0.75) < 0.02
    original = set(zip(users.tolist(), items.tolist(), strict=True))
    assert set(zip(kept_users.tolist(), kept_items.tolist(), strict=True)) <= original
    # the view still has the graph's shape: same node universe
    view = normalized_adjacency(kept_users, kept_items, 500, 300)
    assert view.shape == (800, 800)


def test_node_dropout_removes_every_edge_of_the_dropped_nodes() -> None:
    users, items = big_graph()
    kept_users, kept_items = node_dropout(users, items, 500, 300, 0.2, np.random.default_rng(2))
    assert abs(len(np.unique(kept_users)) / 500 - 0.8) < 0.06
    dropped_users = set(range(500)) - set(kept_users.tolist())
    # every edge of a surviving user whose item survived is kept
    surviving_items = set(kept_items.tolist())
    expected = sum(1 for u, i in zip(users, items, strict=True)
                   if u not in dropped_users and i in surviving_items)
    assert len(kept_users) <= expected and not dropped_users & set(kept_users.tolist())


def test_views_are_seeded_and_a_walk_draws_one_edge_set_per_layer() -> None:
    users, items = big_graph()
    first = augment("edge", users, items, 500, 300, 0.1, np.random.default_rng(3))
    again = augment("edge", users, items, 500, 300, 0.1, np.random.default_rng(3))
    np.testing.assert_array_equal(first[0], again[0])
    assert views_per_layer("walk", 3) == 3 and views_per_layer("edge", 3) == 1
    with pytest.raises(ValueError, match="augmentation must be one of"):
        views_per_layer("shuffle", 3)


def test_uniform_noise_has_the_configured_length_and_keeps_each_sign() -> None:
    torch.manual_seed(0)
    embeddings = torch.randn(100, 16)
    noisy = uniform_noise(embeddings, 0.1)
    torch.testing.assert_close((noisy - embeddings).norm(dim=-1), torch.full((100,), 0.1))
    assert (torch.sign(noisy - embeddings) == torch.sign(embeddings)).all()


def test_cross_view_info_nce_is_each_rows_softmax_loss_on_its_own_partner() -> None:
    torch.manual_seed(0)
    first, second = torch.randn(6, 4), torch.randn(6, 4)
    cosine = torch.nn.functional.cosine_similarity(first[:, None], second[None], dim=-1)
    expected = -torch.log_softmax(cosine / 0.2, dim=1).diagonal().mean()
    torch.testing.assert_close(losses.cross_view_info_nce(first, second, 0.2), expected)
    matched = losses.cross_view_info_nce(first, first + 0.01 * torch.randn(6, 4), 0.2)
    assert matched < losses.cross_view_info_nce(first, first[torch.randperm(6)], 0.2)
