"""Shared fixtures; slow tests (real data under ../shared/data) run only with --run-slow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.vocab import Vocab

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
    return Dataset(inter, Vocab([f"u{i}" for i in range(len(sequences))]), Vocab([f"i{i}" for i in range(n_items)]), name="tiny")


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
    return make_dataset(sequences, n_items=40)
