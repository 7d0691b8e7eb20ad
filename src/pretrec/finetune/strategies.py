"""What fine-tuning trains: everything ("full"), only the item embeddings on a frozen encoder
("frozen"), or low-rank adapters on every linear layer of the transformer plus the item
embeddings ("lora", through `peft`). Item embeddings always train: a new vocabulary needs them.

LoRA adapters are merged into the base weights after training (`merge_lora`), so the fine-tuned
model is a plain model again: it scores, saves and loads like any other.
"""

from __future__ import annotations

from typing import Literal

from torch import nn

from pretrec.errors import ConfigError

Strategy = Literal["full", "frozen", "lora"]
STRATEGIES: tuple[str, ...] = ("full", "frozen", "lora")
LORA_TARGETS = ["query", "key", "value", "attention.output", "ffn.0", "ffn.3"]
"""Linear layers of `pretrec.nn.transformer` that receive adapters."""


def apply_strategy(model: nn.Module, strategy: str, lora_rank: int = 8, lora_alpha: float = 16.0,
                   lora_dropout: float = 0.0) -> None:
    """Set which parameters train (and add LoRA adapters for "lora")."""
    if strategy not in STRATEGIES:
        raise ConfigError(f"unknown strategy '{strategy}'; choose from {', '.join(STRATEGIES)}")
    if strategy == "full":
        model.requires_grad_(True)
        return
    if strategy == "lora":
        try:
            from peft import LoraConfig, inject_adapter_in_model
        except ImportError as error:
            raise ConfigError("strategy 'lora' needs peft: pip install 'pretrec[lora]'") from error
        config = LoraConfig(r=lora_rank, lora_alpha=lora_alpha, lora_dropout=lora_dropout, target_modules=LORA_TARGETS)
        inject_adapter_in_model(config, model)
    for name, parameter in model.named_parameters():
        parameter.requires_grad_("lora_" in name or name.endswith("item_embedding.weight"))


def merge_lora(model: nn.Module) -> int:
    """Fold every LoRA adapter into its base layer and remove it; returns how many were merged."""
    from peft.tuners.lora import LoraLayer

    merged = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, LoraLayer):
                child.merge()
                setattr(parent, name, child.get_base_layer())
                merged += 1
    model.requires_grad_(True)
    return merged
