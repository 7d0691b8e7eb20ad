"""Next-item training batches from user histories, built without per-sample Python.

One sample per user: the last ``max_len + 1`` training items give inputs (all but the last) and
targets (all but the first), right-aligned, 1-based, 0 = padding. With `bucket=True` users are
grouped by length so each batch is padded only to its own longest sequence: on Beauty (mean
length 8.9) this skips most of the work a fixed max_len of 50 would do. Batch order is shuffled.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from pretrec.data.sequences import UserHistories
from pretrec.sampling.batches import SequenceBatch


def batch_order(lengths: np.ndarray, batch_size: int, rng: np.random.Generator,
                bucket: bool) -> list[np.ndarray]:
    """Index groups of at most `batch_size`; by length (ties shuffled) when `bucket`, in random
    order."""
    if bucket:
        order = np.lexsort((rng.random(len(lengths)), lengths))
    else:
        order = rng.permutation(len(lengths))
    groups = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    return [groups[i] for i in rng.permutation(len(groups))]


def next_item_batches(
    histories: UserHistories,
    batch_size: int,
    max_len: int,
    rng: np.random.Generator,
    bucket: bool = True,
) -> Iterator[SequenceBatch]:
    """One epoch of `SequenceBatch`es over users with at least two training items."""
    users = np.flatnonzero(histories.lengths() >= 2)
    n_inputs = np.minimum(histories.lengths(users), max_len + 1) - 1  # positions with a target
    groups = batch_order(n_inputs, batch_size, rng, bucket)
    mean_targets = n_inputs.sum() / max(len(groups), 1)
    for group in groups:
        width = int(n_inputs[group].max())
        window = histories.padded(users[group], width + 1)  # (B, width + 1)
        inputs, targets = window[:, :-1], window[:, 1:].copy()
        targets[inputs == 0] = 0  # the first item is never a target
        yield SequenceBatch(
            users=torch.from_numpy(users[group]),
            inputs=torch.from_numpy(np.ascontiguousarray(inputs)),
            targets=torch.from_numpy(targets),
            scale=float(n_inputs[group].sum() / mean_targets),
        )


def masked_item_batches(
    histories: UserHistories,
    batch_size: int,
    max_len: int,
    mask_probability: float,
    mask_id: int,
    rng: np.random.Generator,
    bucket: bool = True,
) -> Iterator[SequenceBatch]:
    """Cloze batches (BERT4Rec): each of a user's last `max_len` items is replaced by `mask_id`
    with `mask_probability`; `targets` holds the original id at masked positions, 0 elsewhere.
    A row with no masked item gets its latest item masked, the case scoring asks about."""
    users = np.flatnonzero(histories.lengths() >= 1)
    widths = np.minimum(histories.lengths(users), max_len)
    groups = batch_order(widths, batch_size, rng, bucket)
    mean_items = widths.sum() / max(len(groups), 1)  # masked targets are proportional to items
    for group in groups:
        window = histories.padded(users[group], int(widths[group].max()))  # (B, W)
        masked = (rng.random(window.shape) < mask_probability) & (window > 0)
        masked[~masked.any(1), -1] = True
        yield SequenceBatch(
            users=torch.from_numpy(users[group]),
            inputs=torch.from_numpy(np.where(masked, mask_id, window)),
            targets=torch.from_numpy(np.where(masked, window, 0)),
            scale=float(widths[group].sum() / mean_items),
        )
