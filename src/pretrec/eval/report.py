"""A run's report: metrics with everything needed to trust and reproduce them."""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pretrec.errors import PretrecError
from pretrec.files import atomic_path, write_text

REPORT_FILE = "report.json"
PER_USER_FILE = "per_user.npz"


NO_EFFECT = ("progress", "tensorboard_dir", "checkpoint_dir")
"""Training options that change how a run reports, not what it computes: left out of the hash."""


def config_hash(config: dict[str, Any]) -> str:
    """sha256 (12 hex digits) of the canonical JSON of a config: equal configs, equal hashes;
    options that cannot change a result (`NO_EFFECT`) are left out."""
    config = dict(config)
    if isinstance(config.get("train"), dict):
        config["train"] = {k: v for k, v in config["train"].items() if k not in NO_EFFECT}
    canonical = json.dumps(config, sort_keys=True, default=_plain)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def library_versions() -> dict[str, str]:
    import numpy
    import scipy
    import torch

    from pretrec import __version__

    return {
        "pretrec": __version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


@dataclass
class Report:
    """Test metrics (floats, lower-case names like ``ndcg@10``) plus their provenance."""

    model: str
    metrics: dict[str, float]
    dataset: dict[str, Any]
    split: dict[str, Any]
    protocol: dict[str, Any]
    seed: int
    config: dict[str, Any]
    valid_metrics: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    transfer: dict[str, Any] = field(default_factory=dict)
    """Fine-tuned runs only: the checkpoint, strategy, parameter counts and item mapping."""
    timings: dict[str, float] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=library_versions)
    config_hash: str = ""
    seeds: list[int] = field(default_factory=list)
    """Several-seed aggregates only: the seeds whose mean `metrics` holds."""
    metrics_std: dict[str, float] = field(default_factory=dict)
    """Several-seed aggregates only: sample std of each metric over the seeds."""
    groups: dict[str, dict[str, float]] = field(default_factory=dict)
    """Cold-start splits only: test metrics per target group (warm_items, cold_items, ...)."""
    valid_groups: dict[str, dict[str, float]] = field(default_factory=dict)
    """Cold-start splits only: the same per-group metrics on validation (for choosing settings)."""

    def __post_init__(self) -> None:
        if not self.config_hash:
            self.config_hash = config_hash({"model": self.model, **self.config})

    def save(self, directory: str | Path, users: np.ndarray | None = None,
             per_user: dict[str, np.ndarray] | None = None) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if per_user is not None and users is not None:  # first, so a report never lacks it
            with atomic_path(directory / PER_USER_FILE) as partial:
                np.savez_compressed(partial, users=users, **per_user)
        write_text(directory / REPORT_FILE, json.dumps(asdict(self), indent=2, default=_plain))
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> Report:
        path = Path(directory)
        path = path if path.suffix == ".json" else path / REPORT_FILE
        return cls(**json.loads(path.read_text()))


def load_per_user(directory: str | Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(users, metric -> per-user values) saved beside a report."""
    path = Path(directory) / PER_USER_FILE
    if not path.is_file():
        raise PretrecError(f"{directory} holds no {PER_USER_FILE}: not the folder of one run "
                           f"evaluated by pretrec run (a multi-seed folder's seeds are seed-N/)")
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    return arrays.pop("users"), arrays


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value)}")
