"""Fine-tuning the sentence encoder inside a recommendation model: LoRA (through `peft`) or
full, with the texts tokenised once and kept as tensors.

A model that fine-tunes its encoder registers the Hugging Face model as a submodule (so the
optimiser and checkpoints see it) and encodes, at each step, only the distinct texts the batch
needs (`encode_rows`).
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from pretrec.errors import ConfigError
from pretrec.text.encoder import SentenceEncoder

Tuning = Literal["frozen", "lora", "full"]
LORA_TARGETS = ["query", "key", "value"]
"""Attention projections of BERT-family models (names as in transformers' BERT/RoBERTa)."""


def prepare_language_model(model: nn.Module, tuning: Tuning, lora_rank: int = 8,
                           lora_alpha: float = 16.0) -> nn.Module:
    """Make `model` trainable as `tuning` says: LoRA adapters only, or every weight."""
    if tuning == "full":
        return model.requires_grad_(True)
    if tuning != "lora":
        raise ConfigError(f"encoder tuning must be 'frozen', 'lora' or 'full', got {tuning!r}")
    try:
        from peft import LoraConfig, inject_adapter_in_model
    except ImportError as error:
        raise ConfigError("encoder tuning 'lora' needs peft: "
                          "pip install 'pretrec[text]'") from error
    inject_adapter_in_model(LoraConfig(r=lora_rank, lora_alpha=lora_alpha,
                                       target_modules=LORA_TARGETS), model)
    for name, parameter in model.named_parameters():
        parameter.requires_grad_("lora_" in name)
    return model


def token_table(encoder: SentenceEncoder, texts: list[str], pad_to: int) -> dict[str, torch.Tensor]:
    """Every text tokenised once and padded to `pad_to` tokens (a fixed width, so the table can
    live in a checkpoint)."""
    tokens = encoder.tokenizer(texts, padding="max_length", truncation=True, max_length=pad_to,
                               return_tensors="pt")
    return {"input_ids": tokens["input_ids"], "attention_mask": tokens["attention_mask"]}


def encode_rows(encoder: SentenceEncoder, table: dict[str, torch.Tensor],
                rows: torch.Tensor) -> torch.Tensor:
    """(len(rows), dim) vectors of the table's `rows`, each distinct row encoded once (with
    grad)."""
    unique, inverse = torch.unique(rows, return_inverse=True)
    index = unique.to(table["input_ids"].device)
    mask = table["attention_mask"][index]
    width = max(int(mask.sum(1).max()), 1)  # drop columns that are padding in every row
    tokens = {"input_ids": table["input_ids"][index, :width], "attention_mask": mask[:, :width]}
    return encoder.embed(tokens)[inverse.to(rows.device)]
