"""Fine-tuning a pre-trained sequence encoder for next-item retrieval: warm start across item
vocabularies, then a strategy (full, frozen encoder, or LoRA adapters through `peft`)."""

from pretrec.finetune.api import finetune
from pretrec.finetune.strategies import STRATEGIES

__all__ = ["finetune", "STRATEGIES"]
