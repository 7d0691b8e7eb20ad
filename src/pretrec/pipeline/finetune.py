"""`finetune`: one call from a pre-trained checkpoint to a fine-tuned, evaluated model.

    from pretrec.experiment import run
    from pretrec.pipeline.finetune import finetune
    run("pretrainer", "Beauty.txt", output="runs/pre")                   # self-supervised
    report = finetune("runs/pre/checkpoint", "Beauty.txt", strategy="lora", output="runs/ft")
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pretrec.checkpoint import load_item_text, load_model, read_model_meta
from pretrec.data.interactions import Dataset
from pretrec.data.split import Split
from pretrec.errors import ConfigError
from pretrec.eval.protocol import Protocol
from pretrec.eval.report import Report
from pretrec.experiment import load, run_seeds
from pretrec.files import check_complete
from pretrec.finetune.item_match import item_keys, match_items, parse_fields
from pretrec.finetune.strategies import STRATEGIES, apply_strategy, merge_lora
from pretrec.finetune.text_fields import missing_labels, read_fields
from pretrec.finetune.warm_start import encoder_options, warm_start
from pretrec.models.base import Recommender
from pretrec.nn.parameters import parameter_counts
from pretrec.pipeline.fitting import FitHooks

log = logging.getLogger(__name__)


class FineTuning(FitHooks):
    """Warm-start from a checkpoint and apply a strategy before fit; merge LoRA after.

    `match_items`: the text fields that identify an item across the two catalogues (e.g.
    "title,year"); empty or "id" matches by raw item id.
    """

    def __init__(self, checkpoint: str | Path, dataset: Dataset, strategy: str,
                 lora_rank: int = 8, lora_alpha: float = 16.0,
                 match_items: str | Sequence[str] | None = None):
        if strategy not in STRATEGIES:
            raise ConfigError(f"unknown strategy '{strategy}'; choose from {', '.join(STRATEGIES)}")
        self.checkpoint, self.dataset, self.strategy = Path(checkpoint), dataset, strategy
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha
        self.match_fields = parse_fields(match_items)

    def before_fit(self, model: Recommender) -> dict[str, Any]:
        source, _, source_items = load_model(self.checkpoint)
        if source_items is None:
            raise ConfigError(f"{self.checkpoint} has no item vocabulary; cannot map its items")
        meta, source_text = read_model_meta(self.checkpoint), load_item_text(self.checkpoint)
        report = warm_start(model, self.dataset.item_vocab, source.state(), source_items,
                            str(self.checkpoint), meta["model"],
                            found=self._match(source_items, source_text),
                            matched_by=",".join(self.match_fields) or "id")
        apply_strategy(model, self.strategy, self.lora_rank, self.lora_alpha)
        missing = self._missing_text_fields(model, meta["config"], source_text)
        return {**report.to_dict(), "strategy": self.strategy,
                "parameters": parameter_counts(model),
                **({"text_fields_missing": missing} if missing else {}),
                **({"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha}
                   if self.strategy == "lora" else {})}

    def _match(self, source_items: Any, source_text: dict[str, Any] | None) -> Any:
        if not self.match_fields:
            return None  # by raw id
        side = self.dataset.item_side
        target = item_keys(self.dataset.item_vocab, side.text if side else None, self.match_fields,
                           "dataset")
        source = item_keys(source_items, source_text, self.match_fields,
                           f"checkpoint {self.checkpoint}")
        return match_items(target, source)

    def _missing_text_fields(self, model: Recommender, source_config: dict[str, Any],
                             source_text: dict[str, Any] | None) -> list[str]:
        """Item text fields the source model read that the target's items lack (warned about)."""
        side = self.dataset.item_side
        if not hasattr(model.config, "text_fields") or source_text is None or side is None:
            return []
        missing = missing_labels(read_fields(source_config, source_text),
                                 read_fields(model.config.to_dict(), side.text))
        if missing:
            log.warning("the pre-trained model read item text field(s) %s that %s lacks: "
                        "its items' texts look unlike those it was trained on; "
                        "pre-train with text_fields set to the fields both share",
                        missing, self.dataset.name)
        return missing

    def after_fit(self, model: Recommender) -> None:
        if self.strategy == "lora":
            merge_lora(model)


def finetune(
    init: str | Path,
    dataset: str | Path | Dataset,
    strategy: str = "full",
    model: str = "sasrec",
    split: str | Split = "loo",
    options: Mapping[str, Any] | None = None,
    seeds: Sequence[int] = (0,),
    format: str | None = None,
    protocol: Protocol | None = None,
    output: str | Path | None = None,
    progress: bool = True,
    lora_rank: int = 8,
    lora_alpha: float = 16.0,
    match_items: str | Sequence[str] | None = None,
    overwrite: bool = False,
) -> list[Report]:
    """Fine-tune `model` (a transformer sequence model) initialised from the checkpoint `init`
    on `dataset` with `strategy` (full | frozen | lora); select on validation, evaluate on test.

    The encoder shape comes from the checkpoint. Items are matched by raw id, or by the text
    fields in `match_items` (e.g. "title,year") across differently numbered catalogues. Returns
    one report per seed; each records under `transfer` the checkpoint, strategy,
    trainable/total parameters and items mapped/new.
    """
    check_complete(init)
    meta = read_model_meta(init)
    data = load(dataset, format)
    merged = encoder_options(meta["config"], dict(options or {}))
    if strategy == "zero_shot":
        merged["epochs"] = 0  # evaluate the pre-trained model as it is
    hooks = FineTuning(init, data, strategy, lora_rank, lora_alpha, match_items)
    reports, _ = run_seeds(model, data, seeds, split, merged, protocol=protocol, output=output,
                           progress=progress, hooks=hooks, overwrite=overwrite)
    return reports
