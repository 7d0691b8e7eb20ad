"""What one run is, as a typed config: the YAML file's top-level keys, the command line's flags
and the Python API's arguments are the same fields (`RunSettings`), and `prepare_data` is the
one place a dataset is loaded, filtered and given its item attributes.

    settings = RunSettings.from_dict({"model": "ease", "dataset": "synthetic", "k_core": 5})
    dataset = prepare_data(settings)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from pretrec.config import Config, parse_assignments
from pretrec.data.filters import apply_filters
from pretrec.data.interactions import Dataset
from pretrec.data.io.attributes import with_item_attributes
from pretrec.data.split import Split
from pretrec.data.split_by_name import make_split
from pretrec.errors import ConfigError, DataError
from pretrec.eval.protocol import Protocol
from pretrec.experiment import load
from pretrec.models import MODELS


@dataclass(frozen=True)
class RunSettings(Config):
    """One run: data, filters, split, model and its options, seeds, protocol, output, and for
    fine-tuning the checkpoint and strategy."""

    model: str = ""
    """Registered model name (`pretrec models`)."""
    dataset: str = ""
    """Data path, or 'synthetic' for the built-in dataset."""
    format: str = ""
    """seq, pairs, atomic, csv, tsv, parquet, presplit, movielens, kg; empty: detect."""
    columns: str = ""
    """Table column roles, e.g. 'user=userId,item=movieId,rating=rating'."""
    item_attributes: str = ""
    """JSON {"item_id": [attribute, ...]} for S3-Rec's attribute objectives."""
    min_rating: float | None = None
    """Keep ratings >= this, as implicit feedback (ranking runs only)."""
    dedup: bool = False
    """Drop repeated (user, item) pairs."""
    k_core: int = 0
    """Keep users and items with at least this many events (0: no filter)."""
    split: str = "loo"
    """loo, temporal, ratio, random, presplit or cold."""
    split_options: dict[str, Any] = field(default_factory=dict)
    """Options of the split protocol, e.g. {cold_item_fraction: 0.2}."""
    seeds: tuple[int, ...] = (0,)
    """One run per seed; several give mean ± std."""
    set: dict[str, Any] = field(default_factory=dict)
    """Model and training-loop options, e.g. {epochs: 20, hidden_size: 64}."""
    protocol: Literal["full", "sampled"] = "full"
    """Ranking protocol: every item, or sampled negatives (labelled as such)."""
    sampler: Literal["uniform", "popularity"] = "uniform"
    """How the sampled protocol draws negatives."""
    mask: Literal["context", "none"] = "context"
    """Ranking mask: the user's context items, targets included (a repeated target is a miss),
    or none (repeat-aware: repeats are rankable)."""
    rare_items: int = 0
    """Report metrics on targets whose item has at most this many training events, and on the
    rest, as two groups (0: no such groups)."""
    output: str = ""
    """Run folder for report.json, per-user metrics and the checkpoint; empty: none."""
    overwrite: bool = False
    """Replace an earlier run in `output` (a non-empty output folder is refused otherwise)."""
    init: str = ""
    """Fine-tuning: the checkpoint folder to start from."""
    strategy: Literal["full", "frozen", "adaptor", "lora", "zero_shot"] = "full"
    """Fine-tuning: what trains."""
    lora_rank: int = 8
    """Fine-tuning with LoRA: adapter rank."""
    lora_alpha: float = 16.0
    """Fine-tuning with LoRA: scaling alpha."""
    match_items: str = ""
    """Fine-tuning: text fields that match items to the checkpoint's (empty: raw item id)."""

    def __post_init__(self) -> None:
        for name in ("split_options", "set"):
            if not isinstance(getattr(self, name), Mapping):
                raise ValueError(f"{name} must be a mapping of key: value, "
                                 f"got {getattr(self, name)!r}")
        if self.k_core < 0:
            raise ValueError(f"k_core must be >= 0, got {self.k_core}")
        if self.rare_items < 0:
            raise ValueError(f"rare_items must be >= 0, got {self.rare_items}")

    def column_roles(self) -> dict[str, str] | None:
        """'user=userId,item=movieId' -> {'user': 'userId', 'item': 'movieId'}; None if empty."""
        return parse_assignments([p for p in self.columns.split(",") if p.strip()]) or None

    def ranking_protocol(self) -> Protocol:
        return Protocol(ranking=self.protocol, sampler=self.sampler, mask=self.mask,
                        rare_items=self.rare_items)

    def output_folder(self) -> Path | None:
        return Path(self.output) if self.output else None


PATH_KEYS = ("dataset", "item_attributes", "init", "output")
"""Settings that name files: in a config file they are relative to the file; `~` expands."""


def expand(value: Any, base: Path | None = None) -> Any:
    """`value` with `~` expanded and, when relative and `base` is given, joined to `base`."""
    if not isinstance(value, str) or not value or value == "synthetic":
        return value
    path = Path(value).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    return os.path.normpath(path)


def read_config_file(path: str | Path) -> dict[str, Any]:
    """The top-level mapping of a YAML run config (keys are `RunSettings` fields); its paths
    (`PATH_KEYS`) resolve relative to the file's folder."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: not valid YAML ({error.problem})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not a readable YAML file ({error})") from None
    if not isinstance(loaded, Mapping):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return {key: expand(value, path.parent) if key in PATH_KEYS else value
            for key, value in loaded.items()}


def merge_settings(file_values: Mapping[str, Any], flags: Mapping[str, Any],
                   path: str | Path = "") -> RunSettings:
    """A config file's values with flags on top (flags win; `set` and `split_options` merge key
    by key); unknown or ill-typed keys are a `ConfigError` naming the file."""
    merged = dict(file_values)
    where = f"{path}: " if path else ""
    for key in ("set", "split_options"):
        given = file_values.get(key) or {}
        if not isinstance(given, Mapping):
            raise ConfigError(f"{where}{key} must be a mapping of key: value, got {given!r}")
        merged[key] = {**given, **dict(flags.get(key) or {})}
    merged |= {k: expand(v) if k in PATH_KEYS else v for k, v in flags.items()
               if k not in ("set", "split_options")}
    if isinstance(merged.get("model"), str):
        merged["model"] = MODELS.canonical(merged["model"])
    try:
        return RunSettings.from_dict(merged)
    except ConfigError as error:
        raise ConfigError(f"{where}{error}") from None


def prepare_data(settings: RunSettings, ranking: bool = True) -> Dataset:
    """Load `settings.dataset`, filter it (`filter_data`) and attach item attributes."""
    dataset = filter_data(load(settings.dataset, settings.format or None, settings.column_roles()),
                          settings, ranking)
    if settings.item_attributes:
        dataset, _ = with_item_attributes(dataset, settings.item_attributes)
    return dataset


def filter_data(dataset: Dataset, settings: RunSettings, ranking: bool = True) -> Dataset:
    """The settings' filters: rating threshold (ranking only: it would bias ratings), then
    deduplication, then the k-core."""
    filtered = apply_filters(dataset, settings.min_rating if ranking else None, settings.dedup,
                             settings.k_core)
    if len(filtered.interactions) == 0:
        raise DataError(f"the filters (min_rating={settings.min_rating}, dedup={settings.dedup}, "
                        f"k_core={settings.k_core}) removed every event of '{dataset.name}'")
    return filtered


def prepare_split(dataset: Dataset, settings: RunSettings) -> Split | str:
    """The split with its options applied, or its name when it has none (split per run)."""
    if settings.split_options:
        return make_split(dataset, settings.split, **settings.split_options)
    return settings.split
