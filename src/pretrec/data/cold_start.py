"""The cold-start split: leave-one-out, then new items and new users made on purpose.

1. Leave-one-out by time (each user's last event is the test target, the one before it the
   validation target).
2. New items: a seeded `cold_item_fraction` of the interacted items loses every training event,
   so a model can only know them through side data (text). Their validation and test events
   stay: they are the cold-item targets.
3. New users: a seeded `new_user_fraction` of the evaluated users keeps only its last 1 to
   `new_user_history` training events (the number drawn per user); older events are removed.

Validation and test parts equal plain leave-one-out's, so cold-start figures compare directly
with ordinary ones; evaluation reports warm-item, cold-item and new-user targets separately
(`pretrec.eval.groups`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from pretrec.data.interactions import Interactions
from pretrec.data.split import Split, leave_one_out, position_from_end
from pretrec.errors import DataError
from pretrec.random import make_rng


def cold_start_split(
    inter: Interactions,
    cold_item_fraction: float = 0.2,
    new_user_fraction: float = 0.0,
    new_user_history: int = 3,
    seed: int = 0,
) -> Split:
    """Leave-one-out with cold items (and optionally new users); see the module docstring."""
    if not 0 < cold_item_fraction < 1:
        raise DataError(f"cold_item_fraction must be in (0, 1), got {cold_item_fraction}")
    if not 0 <= new_user_fraction < 1:
        raise DataError(f"new_user_fraction must be in [0, 1), got {new_user_fraction}")
    if new_user_history < 1:
        raise DataError(f"new_user_history must be >= 1, got {new_user_history}")
    base = leave_one_out(inter)
    rng = make_rng(seed)
    interacted = np.flatnonzero(inter.item_counts() > 0)
    n_cold = max(1, int(round(len(interacted) * cold_item_fraction)))
    cold_items = np.sort(rng.choice(interacted, size=n_cold, replace=False))
    is_cold = np.zeros(inter.n_items, dtype=bool)
    is_cold[cold_items] = True
    train = base.train.select(~is_cold[base.train.items])

    new_users = np.empty(0, dtype=np.int64)
    if new_user_fraction > 0:
        evaluated = np.flatnonzero(base.test.user_counts() > 0)
        n_new = int(round(len(evaluated) * new_user_fraction))
        new_users = np.sort(rng.choice(evaluated, size=n_new, replace=False))
        keep_last = np.zeros(inter.n_users, dtype=np.int64)
        keep_last[new_users] = rng.integers(1, new_user_history + 1, size=n_new)
        is_new = np.zeros(inter.n_users, dtype=bool)
        is_new[new_users] = True
        from_end = position_from_end(train)
        train = train.select(~is_new[train.users] | (from_end < keep_last[train.users]))

    protocol = f"cold start (leave-one-out; {cold_item_fraction:g} of items cold"
    if new_user_fraction > 0:
        protocol += f", {new_user_fraction:g} of users new with 1-{new_user_history} events"
    protocol += f"; seed {seed})"
    return dataclasses.replace(
        base, train=train, protocol=protocol, cold_items=cold_items,
        new_users=new_users if new_user_fraction > 0 else None,
    )
