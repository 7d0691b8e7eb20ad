"""How an evaluation is done, as a frozen config that every report carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pretrec.config import Config


@dataclass(frozen=True)
class Protocol(Config):
    """Evaluation protocol. Full ranking is the default; sampled is a labelled alternative."""

    ranking: Literal["full", "sampled"] = "full"
    """'full': rank every item; 'sampled': rank each target against `n_negatives` sampled items."""
    ks: tuple[int, ...] = (5, 10, 20)
    """Cut-offs for every @K metric."""
    ties: Literal["pessimistic", "optimistic"] = "pessimistic"
    """Tied candidates count as ranked above the target ('pessimistic') or below it."""
    n_negatives: int = 100
    """Sampled protocol only: negatives per target."""
    sampler: Literal["uniform", "popularity"] = "uniform"
    """Sampled protocol only: how negatives are drawn."""
    seed: int = 0
    """Sampled protocol only: seed of the negative sampler."""
    mask: Literal["context", "none"] = "context"
    """'context': the user's context items cannot be recommended, targets included, so a target
    that repeats one is a miss (S3-Rec's evaluation, RecBole's general recommenders); 'none':
    nothing is masked, repeats are rankable (repeat-aware; RecBole's sequential default)."""
    rare_items: int = 0
    """When > 0, the report adds two target groups: `rare_items` (targets on items with at most
    this many training events, the long tail where side information should help) and
    `frequent_items` (the rest)."""

    def __post_init__(self) -> None:
        if self.rare_items < 0:
            raise ValueError(f"rare_items must be >= 0, got {self.rare_items}")

    @property
    def label(self) -> str:
        name = ("full-ranking" if self.ranking == "full"
                else f"sampled-{self.n_negatives}-{self.sampler}")
        return name if self.mask == "context" else f"{name}-repeat-aware"

    def describe(self) -> dict[str, object]:
        return {
            "name": self.label,
            "ties": self.ties,
            "ks": list(self.ks),
            "masking": ("context items masked (train for valid; train+valid for test), targets "
                        "included: a target repeating a context item is a miss"
                        if self.mask == "context" else "nothing masked (repeat-aware)"),
            **({} if self.ranking == "full"
               else {"negatives": self.n_negatives, "sampler": self.sampler}),
            **({"rare_items": f"targets on items with <= {self.rare_items} training events"}
               if self.rare_items else {}),
        }
