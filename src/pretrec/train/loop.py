"""The ONE training loop: every neural model, pre-training and fine-tuning alike.

A task (`pretrec.tasks`) supplies the batches and turns the model's outputs into named losses;
the loop does optimisation, validation-based early stopping (the test split is never seen
here), best-epoch restore, resumable checkpoints, a progress bar and optional TensorBoard
logging. It runs under its own seeded torch generator (`pretrec.random.seeded_torch`).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import torch
from tqdm.auto import tqdm

from pretrec.config import Config
from pretrec.device import autocast_dtype, resolve_device
from pretrec.errors import ConfigError
from pretrec.random import make_rng, seeded_torch
from pretrec.tasks.base import Task
from pretrec.train.checkpoint import load_trainer_state, save_trainer_state

if TYPE_CHECKING:
    from pretrec.models.base import NeuralRecommender

Validator = Callable[["NeuralRecommender"], dict[str, float]]
"""The model (in eval mode, under inference mode) -> validation metrics by name."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig(Config):
    """Options of the training loop (shared by every neural model)."""

    epochs: int = 50
    """Maximum number of epochs."""
    batch_size: int = 1024
    """Training examples per optimiser step."""
    learning_rate: float = 0.001
    """Adam learning rate."""
    weight_decay: float = 0.0
    """L2 penalty applied by the optimiser (AdamW-style decoupled decay)."""
    grad_clip: float = 0.0
    """Clip the gradient norm to this value; 0 disables clipping."""
    patience: int = 5
    """Stop after this many validations without improvement of `metric`."""
    eval_every: int = 1
    """Validate every this many epochs."""
    metric: str = "ndcg@10"
    """Validation metric used for early stopping and model selection (error metrics such as
    rmse, mae and log_loss are minimised, every other metric maximised)."""
    device: str = "auto"
    """'auto' (cuda if available, else cpu), 'cpu', 'cuda', 'cuda:1', ..."""
    progress: bool = True
    """Show a tqdm progress bar per epoch."""
    tensorboard_dir: str = ""
    """Write losses and validation metrics for TensorBoard here; empty disables it."""
    checkpoint_dir: str = ""
    """Save resumable trainer state here after every epoch; empty disables it."""
    resume: bool = False
    """Continue from the trainer state in `checkpoint_dir`."""
    mixed_precision: Literal["auto", "bf16", "off"] = "auto"
    """bf16 autocast for the forward pass: 'auto' uses it on GPUs that support bf16 (CPUs without
    native bf16 run it slower than fp32), 'bf16' forces it, 'off' keeps fp32."""
    max_seconds: float = 0.0
    """Stop after the epoch that ends past this much training wall time (0: no limit); the best
    validated epoch so far is kept, as at any other stop."""

    def __post_init__(self) -> None:
        at_least = {"epochs": 0, "batch_size": 1, "patience": 1, "eval_every": 1}
        for name, low in at_least.items():
            if getattr(self, name) < low:
                raise ValueError(f"{name} must be >= {low}, got {getattr(self, name)}")
        if not math.isfinite(self.learning_rate) or self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be a finite number > 0, got {self.learning_rate}")
        for name in ("weight_decay", "grad_clip", "max_seconds"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value}")
        if self.resume and not self.checkpoint_dir:
            raise ValueError("resume needs checkpoint_dir (the folder holding the trainer state)")


LOWER_IS_BETTER = ("rmse", "mae", "log_loss", "mse")


def lower_is_better(metric: str) -> bool:
    """Whether a smaller value of `metric` is better (error metrics)."""
    return metric.split("@")[0] in LOWER_IS_BETTER


@dataclass
class TrainResult:
    """What the loop did: per-epoch losses and validation metrics, and the selected epoch."""

    best_epoch: int = -1
    best_metric: float = -math.inf
    epochs_run: int = 0
    seconds: float = 0.0
    history: list[dict[str, float]] = field(default_factory=list)


def train_model(
    model: NeuralRecommender,
    task: Task,
    validator: Validator | None,
    config: TrainConfig,
    seed: int,
    data: str = "",
) -> TrainResult:
    """Optimise `model` under `task`; keep the weights of the best validation epoch. `data`
    fingerprints the training data, so `resume` can refuse a trainer state of other data."""
    with seeded_torch(seed):
        return _train(model, task, validator, config, seed, data)


RESUMABLE = ("epochs", "progress", "tensorboard_dir", "checkpoint_dir", "resume", "patience",
             "max_seconds")
"""Training options a resumed run may change; every other one must match the saved state."""


def run_key(model: NeuralRecommender, config: TrainConfig, seed: int, data: str) -> dict[str, Any]:
    """What a trainer state belongs to: the model's config, the loop's options that shape the
    trajectory, the seed and the training data."""
    train = {k: v for k, v in config.to_dict().items() if k not in RESUMABLE}
    key = {"model": model.config.to_dict(), "train": train, "seed": seed, "data": data}
    return json.loads(json.dumps(key, default=str))  # as the saved state reads it back


def check_resumable(saved: dict[str, Any] | None, current: dict[str, Any], directory: str) -> None:
    """Refuse to resume a trainer state made for another config, seed or dataset."""
    if saved is None:
        raise ConfigError(f"{directory}: the trainer state does not say what run it belongs to "
                          f"(written before resume checks); start the run again without resume")
    differences = []
    for part in ("model", "train"):
        for key in sorted(set(saved[part]) | set(current[part])):
            if saved[part].get(key) != current[part].get(key):
                differences.append(f"{key}: saved {saved[part].get(key)!r}, "
                                   f"now {current[part].get(key)!r}")
    for key in ("seed", "data"):
        if saved[key] != current[key]:
            differences.append(f"{key}: saved {saved[key]!r}, now {current[key]!r}")
    if differences:
        raise ConfigError(f"cannot resume from {directory}: the run differs from the saved one ("
                          + "; ".join(differences[:5]) + ")")


def _train(model: NeuralRecommender, task: Task, validator: Validator | None, config: TrainConfig,
           seed: int, data: str = "") -> TrainResult:
    rng = make_rng(seed)
    key = run_key(model, config, seed, data)
    device = resolve_device(config.device)
    model.to(device)
    heads = [head.to(device) for head in task.modules()]  # training-only parts of the task
    precision = autocast_dtype(config.mixed_precision, device)
    parameters = [p for module in (model, *heads) for p in module.parameters()]
    trainable = [p for p in parameters if p.requires_grad]  # frozen parts (fine-tuning) stay out
    if not trainable and config.epochs > 0:
        raise ConfigError("nothing to train: every parameter is frozen "
                          "(set epochs=0 to only evaluate)")
    optimizer = torch.optim.AdamW(trainable or [torch.zeros(1, requires_grad=True)],
                                  lr=config.learning_rate, weight_decay=config.weight_decay)
    result = TrainResult()
    sign = -1.0 if lower_is_better(config.metric) else 1.0
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    start_epoch, stale = 0, 0
    if config.resume and config.checkpoint_dir:
        best_state, progress = load_trainer_state(config.checkpoint_dir, model, optimizer, rng,
                                                  heads)
        check_resumable(progress.get("run"), key, config.checkpoint_dir)
        start_epoch, stale = progress["epoch"], progress["stale"]
        result.best_epoch, result.best_metric = progress["best_epoch"], progress["best_metric"]
        result.history = progress["history"]
    writer = _tensorboard(config.tensorboard_dir)
    started = time.perf_counter()
    for epoch in range(start_epoch, config.epochs):
        epoch_started = time.perf_counter()
        model.train()
        for head in heads:
            head.train()
        sums: dict[str, float] = {}
        n_batches = 0
        bar = tqdm(
            task.batches(config.batch_size, rng),
            total=task.n_batches(config.batch_size),
            desc=f"epoch {epoch + 1}/{config.epochs}",
            disable=not config.progress,
            leave=False,
        )
        for batch in bar:
            with torch.autocast(device.type, dtype=precision or torch.float32,
                                enabled=precision is not None):
                losses = task.loss(model, batch.to(device))
            total = torch.stack(list(losses.values())).sum()
            if not torch.isfinite(total):
                raise FloatingPointError(f"non-finite loss at epoch {epoch + 1}: {losses}")
            optimizer.zero_grad(set_to_none=True)
            total.backward()
            if config.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(parameters, config.grad_clip)
            optimizer.step()
            for name, value in losses.items():
                sums[name] = sums.get(name, 0.0) + float(value.detach())
            n_batches += 1
            bar.set_postfix(loss=f"{float(total.detach()):.4f}")
        record = {"epoch": epoch + 1,
                  **{f"loss/{k}": v / max(n_batches, 1) for k, v in sums.items()},
                  "time/train_seconds": time.perf_counter() - epoch_started}
        if validator is not None and (epoch + 1) % config.eval_every == 0:
            model.eval()
            valid_started = time.perf_counter()
            with torch.inference_mode():
                metrics = validator(model)
            record["time/valid_seconds"] = time.perf_counter() - valid_started
            if config.metric not in metrics:
                raise ConfigError(f"validation metric {config.metric!r} "
                                  f"is not among {sorted(metrics)}")
            value = sign * metrics[config.metric]  # compared as "higher is better"
            record |= {f"valid/{k}": v for k, v in metrics.items()}
            if value > result.best_metric:
                result.best_metric, result.best_epoch, stale = value, epoch + 1, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                stale += 1
        result.history.append(record)
        result.epochs_run = epoch + 1
        _log(record, writer, config.progress, shown=f"valid/{config.metric}")
        if config.checkpoint_dir:
            progress = {
                "epoch": epoch + 1,
                "stale": stale,
                "best_epoch": result.best_epoch,
                "best_metric": result.best_metric,
                "history": result.history,
                "run": key,
            }
            save_trainer_state(config.checkpoint_dir, model, optimizer, best_state, progress, rng,
                               heads)
        if validator is not None and stale >= config.patience:
            break
        if config.max_seconds and time.perf_counter() - started >= config.max_seconds:
            break
    if validator is None:
        result.best_epoch = result.epochs_run
    elif result.best_epoch == -1:
        # no validation ran (epochs=0, e.g. zero-shot): the model as it is
        model.eval()
        with torch.inference_mode():
            result.best_metric, result.best_epoch = validator(model)[config.metric], 0
    else:
        model.load_state_dict(best_state)
        result.best_metric *= sign
    model.eval()
    result.seconds = time.perf_counter() - started
    if writer is not None:
        writer.close()
    return result


def _tensorboard(directory: str):
    if not directory:
        return None
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as error:  # tensorboard is an optional extra
        raise ImportError("tensorboard logging needs `pip install pretrec[tune]`") from error
    Path(directory).mkdir(parents=True, exist_ok=True)
    return SummaryWriter(directory)


def _log(record: dict[str, float], writer, progress: bool, shown: str) -> None:
    """Losses and the selection metric to the log (stderr; `pretrec --verbose` shows them, and
    stdout stays for results); every value to TensorBoard."""
    epoch = int(record["epoch"])
    text = " ".join(f"{k}={v:.4f}" for k, v in record.items()
                    if k.startswith("loss/") or k == shown)
    text += f" train {record['time/train_seconds']:.1f}s"
    log.info("epoch %d %s", epoch, text)
    if writer is not None:
        for key, value in record.items():
            if key != "epoch":
                writer.add_scalar(key, value, epoch)
