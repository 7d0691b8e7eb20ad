"""Shared fixtures; slow tests (real data under ../shared/data) run only with --run-slow."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Hermetic: set before pretrec is imported (the text encoder reads PRETREC_CACHE at import), so
# no test writes embeddings under the home folder or a .hypothesis/ database into the repo.
_SCRATCH = tempfile.mkdtemp(prefix="pretrec-tests-")
os.environ["PRETREC_CACHE"] = os.path.join(_SCRATCH, "cache")
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(_SCRATCH, "hypothesis")
os.environ["TMPDIR"] = os.path.join(_SCRATCH, "tmp")  # torch-geometric writes modules there
os.makedirs(os.environ["TMPDIR"])
tempfile.tempdir = None  # re-read TMPDIR
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)

import dataclasses  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from pretrec.data.interactions import Dataset, Interactions, ItemSide  # noqa: E402
from pretrec.data.vocab import Vocab  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


# Test models are tiny: one thread is faster and cannot oversubscribe a busy 2-core machine.
torch.set_num_threads(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run benchmarks on ../shared/data")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: pass --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent")
    return SHARED_DATA


def make_dataset(sequences: list[list[int]], n_items: int | None = None) -> Dataset:
    """A Dataset from per-user item sequences (time order = list order)."""
    users = np.repeat(np.arange(len(sequences)), [len(s) for s in sequences])
    items = np.concatenate([np.asarray(s, dtype=np.int64) for s in sequences])
    n_items = n_items or int(items.max()) + 1
    inter = Interactions(users, items, len(sequences), n_items)
    return Dataset(inter, Vocab([f"u{i}" for i in range(len(sequences))]),
                   Vocab([f"i{i}" for i in range(n_items)]), name="tiny")


@pytest.fixture
def dataset_from_sequences():
    """The `make_dataset` factory, as a fixture."""
    return make_dataset


@pytest.fixture(scope="session")
def planted_dataset() -> Dataset:
    """Two user groups with disjoint tastes and a fixed within-group item order (seeded)."""
    rng = np.random.default_rng(7)
    sequences = []
    for user in range(120):
        group = user % 2
        start = rng.integers(0, 6)
        items = [(group * 20) + (start + step) % 20 for step in range(int(rng.integers(8, 14)))]
        sequences.append(items)
    dataset = make_dataset(sequences, n_items=40)
    inter = dataset.interactions
    # ratings for rating models: a user effect plus an item effect, 1 to 5 stars
    ratings = 1.0 + 2.0 * (inter.items % 2) + 2.0 * (inter.users % 2)
    inter = dataclasses.replace(inter, weights=ratings)
    return dataclasses.replace(dataset, interactions=inter,
                               item_side=ItemSide(text=planted_item_text()))


def planted_item_text() -> dict[str, np.ndarray]:
    """Item text of the planted data: the genre says the group, the title names the item."""
    genres = np.where(np.arange(40) < 20, "action crime", "comedy drama").astype(object)
    titles = np.array([f"item {i}" for i in range(40)], dtype=object)
    return {"title": titles, "genres": genres}


# A tiny random BERT saved as a local model folder: fast tests of everything text.
WORDS = ("title year genres tags toy story heat action crime comedy drama 1995 pixar".split()
         + [str(i) for i in range(40)])


def write_tiny_bert(folder: Path, seed: int = 0) -> Path:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ":", ";", ",", *WORDS]
    BertTokenizerFast(vocab={t: i for i, t in enumerate(tokens)}).save_pretrained(folder)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(WORDS) + 8,
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=32,
    )
    BertModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    return write_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="session")
def make_tiny_bert():
    """The folder writer itself, for tests that need two differently seeded models."""
    pytest.importorskip("transformers")
    return write_tiny_bert
