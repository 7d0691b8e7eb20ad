"""Where tensors live and in what precision: one small module the loop, the text encoders and
the serving layer share (it imports nothing of pretrec)."""

from __future__ import annotations

import torch


def resolve_device(name: str) -> torch.device:
    """'auto' -> cuda when available, else cpu; any other name ('cpu', 'cuda:1') as given."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def on_host(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Detached, contiguous CPU copies of `tensors` (what safetensors writes)."""
    return {name: t.detach().cpu().contiguous() for name, t in tensors.items()}


def autocast_dtype(setting: str, device: torch.device) -> torch.dtype | None:
    """bf16 when `setting` asks for it (or 'auto' on a bf16-capable GPU), else None (fp32)."""
    if setting == "bf16":
        return torch.bfloat16
    if setting == "auto" and device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return None
