"""What fine-tuning trains: everything ("full"), only the item side on a frozen encoder
("frozen", or "adaptor": the same rule, named for text models whose item side is the text
adaptor plus any ID embeddings), low-rank adapters on every linear layer of the transformer
plus the item side ("lora", through `peft`), or nothing at all ("zero_shot": the pre-trained
model is evaluated on the target as it is). The item side trains in every strategy but
zero-shot: a new vocabulary needs it.

LoRA adapters are merged into the base weights after training (`merge_lora`), so the fine-tuned
model is a plain model again: it scores, saves and loads like any other.
"""

from __future__ import annotations

from typing import Literal

from torch import nn

from pretrec.errors import ConfigError

Strategy = Literal["full", "frozen", "adaptor", "lora", "zero_shot"]
STRATEGIES: tuple[str, ...] = ("full", "frozen", "adaptor", "lora", "zero_shot")
ITEM_SIDE = "item_embedding."
"""Parameters under the item table: an embedding's weight, or a text tower's adaptor and IDs."""
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
    if strategy == "zero_shot":
        model.requires_grad_(False)
        return
    if strategy == "lora":
        try:
            from peft import LoraConfig, inject_adapter_in_model
        except ImportError as error:
            raise ConfigError("strategy 'lora' needs peft: pip install 'pretrec[lora]'") from error
        config = LoraConfig(r=lora_rank, lora_alpha=lora_alpha, lora_dropout=lora_dropout,
                            target_modules=LORA_TARGETS)
        inject_adapter_in_model(config, model)
    for name, parameter in model.named_parameters():
        parameter.requires_grad_("lora_" in name or ITEM_SIDE in name)


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
