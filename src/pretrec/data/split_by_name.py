"""Splits by protocol name, the way the command line and YAML configs ask for them:
loo, temporal, ratio, random, presplit, cold, new_users or new_items (`pretrec.data.split`,
`pretrec.data.cold_start`, `pretrec.data.inductive`)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from pretrec.data.cold_start import cold_start_split
from pretrec.data.inductive import new_item_split, new_user_split
from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.split import Split, leave_one_out, presplit, random_ratio, temporal, user_ratio
from pretrec.errors import DataError

SPLITS = ("loo", "temporal", "ratio", "random", "presplit", "cold", "new_users", "new_items")


def make_split(dataset: Dataset, name: str, seed: int = 0, **options: float | str) -> Split:
    """Split `dataset` by protocol name (one of SPLITS).

    `options` are the protocol function's keyword arguments (numbers may come as strings from
    the command line); an option the protocol does not take is a DataError naming the known ones.
    """
    makers: dict[str, Callable[..., Split]] = {
        "loo": leave_one_out,
        "temporal": temporal,
        "ratio": user_ratio,
        "random": random_ratio,
        "presplit": functools.partial(_presplit, dataset),
        "cold": cold_start_split,
        "new_users": new_user_split,
        "new_items": new_item_split,
    }
    if name not in makers:
        raise DataError(f"unknown split '{name}'; known: {', '.join(makers)}")
    maker = makers[name]
    accepted = [p for p in inspect.signature(maker).parameters if p not in ("inter", "seed")]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise DataError(f"split '{name}' takes no option(s) {unknown}; "
                        f"options: {', '.join(accepted) or 'none'}")
    values = {key: _number(key, value) for key, value in options.items()}
    if "seed" in inspect.signature(maker).parameters:  # `--split-option seed=N` comes as text
        values["seed"] = int(_number("seed", seed))
    return maker(dataset.interactions, **values)


def _presplit(dataset: Dataset, inter: Interactions, valid_fraction: float = 0.0,
              seed: int = 0) -> Split:
    """`presplit` under make_split's calling convention (the interactions are not needed)."""
    return presplit(dataset, valid_fraction, seed)


def _number(key: str, value: float | str) -> float:
    """An int or float from a number or its text."""
    if not isinstance(value, str):
        return value
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            raise DataError(f"split option {key} must be a number, got {value!r}") from None
