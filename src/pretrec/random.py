"""Seeded random generators. Randomness is always an argument; `seeded_torch` is the one place
torch's global generator is seeded, inside a scope that restores it afterwards (parameter
initialisation and dropout draw from it and take no generator)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Return a numpy Generator; a Generator passes through unchanged."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def torch_generator(seed: int, device: str | torch.device = "cpu") -> torch.Generator:
    """A torch Generator seeded with `seed` on `device`."""
    generator = torch.Generator(device=device)
    generator.manual_seed(int(seed))
    return generator


@contextmanager
def seeded_torch(seed: int) -> Iterator[None]:
    """Within the block torch's global RNG (CPU, and CUDA when present) starts from `seed`; the
    caller's generator state is restored on exit, so nothing outside the block is affected."""
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seed))
        yield
