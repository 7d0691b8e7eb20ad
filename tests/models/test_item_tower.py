"""The item tower: fusion modes, the MoE adaptor by hand, padding and special tokens."""

from __future__ import annotations

import pytest
import torch

from pretrec.nn.item_tower import ItemTower, MoEAdaptor


def tower(fusion: str, adaptor: str = "linear") -> ItemTower:
    torch.manual_seed(0)
    built = ItemTower(n_tokens=6, n_items=4, hidden=3, text_dim=5, fusion=fusion, adaptor=adaptor,
                      dropout=0.0, n_experts=2)
    features = torch.randn(4, 5)
    features[3] = features[2]  # items 3 and 4 have the same text
    built.set_text_features(features)
    return built.eval()


def test_text_fusion_reads_only_text_for_items() -> None:
    t = tower("text")
    ids = torch.tensor([0, 1, 2, 3, 4, 5])
    out = t(ids)
    assert torch.equal(out[0], torch.zeros(3))  # padding
    assert torch.allclose(out[3], out[4])  # same text, same vector: ids play no part
    assert torch.allclose(out[1], t.adaptor(t.text_features[1]))
    # a special token has no text: its ID vector
    assert torch.allclose(out[5], t.id_embedding.weight[1])
    assert torch.allclose(t.weight, out)


def test_text_fusion_stores_no_item_id_vectors() -> None:
    t = tower("text")
    assert t.id_embedding.weight.shape == (2, 3)  # padding and the one special token, no item rows
    old_layout = {**t.state_dict(), "id_embedding.weight": torch.randn(6, 3)}  # a row per token
    loaded = ItemTower(n_tokens=6, n_items=4, hidden=3, text_dim=5, fusion="text", adaptor="linear")
    loaded.load_state_dict(old_layout)
    assert torch.equal(loaded.id_embedding.weight, old_layout["id_embedding.weight"][[0, 5]])


def test_id_and_sum_fusions() -> None:
    ids = torch.tensor([[1, 2], [3, 0]])
    only_id = tower("id")
    assert torch.allclose(only_id(ids), only_id.id_embedding(ids))
    both = tower("text+id")
    expected = (both.adaptor(both.text_features[ids]) * (ids > 0).unsqueeze(-1)
                + both.id_embedding(ids))
    assert torch.allclose(both(ids), expected)
    # IDs tell them apart
    assert not torch.allclose(both(torch.tensor([3])), both(torch.tensor([4])))


def test_moe_adaptor_by_hand() -> None:
    torch.manual_seed(1)
    moe = MoEAdaptor(text_dim=2, hidden=2, dropout=0.0, n_experts=2)
    with torch.no_grad():
        moe.shift.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
        moe.experts.copy_(torch.stack([torch.eye(2), 2 * torch.eye(2)]))
        moe.gate.weight.zero_()  # equal gates: the mean of the two experts
    x = torch.tensor([[3.0, 5.0]])
    # expert 1: (x - [1, 0]) I = [2, 5]; expert 2: (x - [0, 1]) 2I = [6, 8]; mean [4, 6.5]
    assert torch.allclose(moe(x), torch.tensor([[4.0, 6.5]]))


def test_bad_settings_and_shapes() -> None:
    with pytest.raises(ValueError, match="fusion"):
        ItemTower(3, 2, 4, 5, fusion="concat")
    with pytest.raises(ValueError, match="shape"):
        tower("text").set_text_features(torch.zeros(3, 5))


def test_id_dropout_drops_id_vectors_in_training_only() -> None:
    torch.manual_seed(0)
    t = ItemTower(n_tokens=2002, n_items=2000, hidden=3, text_dim=5, fusion="text+id",
                  adaptor="linear", dropout=0.0, id_dropout=0.5)
    ids = torch.arange(1, 2001)
    text_only = t.adaptor(t.text_features[ids])
    full = text_only + t.id_embedding(ids)
    t.train()
    dropped = torch.isclose(t(ids), text_only).all(-1).float().mean()
    assert 0.45 < float(dropped) < 0.55
    t.eval()
    assert torch.allclose(t(ids), full)
    special = torch.tensor([2001])
    t.train()
    # a special token always keeps its ID
    assert torch.allclose(t(special), t.id_embedding(special))


def test_text_variants_are_read_in_training_only() -> None:
    t = tower("text")
    variants = torch.randn(2, 4, 5)
    t.set_text_variants(variants)
    ids = torch.tensor([1, 2, 3, 4] * 50)
    t.train()
    read = t._text_of(ids)
    options = torch.stack([t.text_features[ids], t.text_variants[0, ids], t.text_variants[1, ids]])
    matches = (read[None] == options).all(-1)  # which source each row came from
    # every row from one of them; all three used
    assert matches.any(0).all() and matches.any(1).all()
    t.eval()
    assert torch.equal(t._text_of(ids), t.text_features[ids])
    assert "text_variants" not in t.state_dict()  # augmentations are not part of the model
