"""Seeded random generators. Randomness is always an argument: nothing here touches global state
except `seed_torch`, which the experiment calls explicitly once per run."""

from __future__ import annotations

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


def seed_torch(seed: int) -> None:
    """Seed torch's global RNG (parameter init and dropout use it); called once per run."""
    torch.manual_seed(int(seed))
