"""Fine-tuning strategies that act on a built model: warm start across item vocabularies, then
what trains (full, frozen encoder, adaptor, LoRA adapters through `peft`, or nothing: zero-shot).
The one-call workflow from a checkpoint is `pretrec.pipeline.finetune.finetune`."""

from pretrec.finetune.strategies import STRATEGIES

__all__ = ["STRATEGIES"]
