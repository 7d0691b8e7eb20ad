"""Next-item batches: every target is the item after its input, no padding leaks, buckets."""

from __future__ import annotations

import numpy as np

from pretrec.data.interactions import Interactions
from pretrec.data.sequences import UserHistories
from pretrec.sampling.sequences import masked_item_batches, next_item_batches


def histories(sequences: list[list[int]], n_items: int = 50) -> UserHistories:
    users = np.repeat(np.arange(len(sequences)), [len(s) for s in sequences])
    items = np.concatenate([np.asarray(s) for s in sequences])
    return UserHistories.from_interactions(Interactions(users, items, len(sequences), n_items))


def test_targets_are_the_next_items_and_padding_has_no_target() -> None:
    hist = histories([[1, 2, 3], [4], [5, 6, 7, 8, 9, 10]])
    (batch,) = list(next_item_batches(hist, batch_size=10, max_len=4, rng=np.random.default_rng(0)))
    rows = {int(u): (i.tolist(), t.tolist())
            for u, i, t in zip(batch.users, batch.inputs, batch.targets, strict=True)}
    assert set(rows) == {0, 2}  # user 1 has a single item: nothing to predict
    # 1-based ids; user 2 keeps its last max_len + 1 = 5 items: 6..10 -> ids 7..11
    assert rows[2] == ([7, 8, 9, 10], [8, 9, 10, 11])
    assert rows[0] == ([0, 0, 2, 3], [0, 0, 3, 4])  # padded to the batch width


def test_buckets_pad_each_batch_to_its_own_longest_sequence() -> None:
    rng = np.random.default_rng(1)
    sequences = [list(rng.integers(0, 50, n)) for n in [2, 2, 3, 3, 20, 21, 22, 23]]
    batches = list(next_item_batches(histories(sequences), batch_size=4, max_len=50, rng=rng))
    widths = sorted(b.inputs.shape[1] for b in batches)
    assert widths == [2, 22]
    for batch in batches:
        assert ((batch.inputs == 0) <= (batch.targets == 0)).all()


def test_every_user_once_per_epoch_and_seeded() -> None:
    rng_sequences = np.random.default_rng(2)
    hist = histories([list(rng_sequences.integers(0, 50, rng_sequences.integers(2, 30)))
                      for _ in range(37)])
    first = list(next_item_batches(hist, 8, 10, np.random.default_rng(3)))
    second = list(next_item_batches(hist, 8, 10, np.random.default_rng(3)))
    users = np.concatenate([b.users.numpy() for b in first])
    assert sorted(users.tolist()) == list(range(37))
    assert all((a.inputs == b.inputs).all() for a, b in zip(first, second, strict=True))


def test_masked_batches_mask_only_items_and_at_least_one_per_row() -> None:
    from pretrec.sampling.sequences import masked_item_batches

    rng = np.random.default_rng(4)
    hist = histories([list(rng.integers(0, 50, rng.integers(1, 15))) for _ in range(40)])
    for batch in masked_item_batches(hist, 16, 10, mask_probability=0.2, mask_id=99,
                                     rng=np.random.default_rng(5)):
        masked = batch.inputs == 99
        assert (masked == (batch.targets > 0)).all()  # a target exactly where an item was masked
        assert masked.any(1).all()
        assert ((batch.inputs == 0) <= (batch.targets == 0)).all()  # padding is never a target
        for user, row, target in zip(batch.users, batch.inputs, batch.targets, strict=True):
            original = hist.padded(np.array([int(user)]), row.shape[0])[0]
            restored = np.where(row.numpy() == 99, target.numpy(), row.numpy())
            assert (restored == original).all()


def test_batch_scale_weighs_every_target_alike() -> None:
    # lengths 2, 2, 9, 9 -> 1, 1, 8, 8 targets; two buckets of two users: 2 and 16 targets, mean 9
    data = histories([[1, 2], [3, 4], list(range(10, 19)), list(range(20, 29))])
    batches = list(next_item_batches(data, 2, 20, np.random.default_rng(0)))
    by_targets = {int((b.targets > 0).sum()): b.scale for b in batches}
    assert by_targets == {2: 2 / 9, 16: 16 / 9}
    masked = list(masked_item_batches(data, 2, 20, 0.5, 99, np.random.default_rng(0)))
    assert sorted(b.scale for b in masked) == [4 / 11, 18 / 11]  # items 2 + 2 and 9 + 9, mean 11
