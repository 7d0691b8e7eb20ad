"""Models by name. The registry is filled explicitly in `pretrec.models`; an unknown name is an
error that lists the known ones. An entry says how to build the model, its config class and what
kind of prediction it makes; which task trains it is `pretrec.tasks.catalogue`."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pretrec.errors import RegistryError

if TYPE_CHECKING:
    from pretrec.config import Config
    from pretrec.models.base import Recommender
    from pretrec.models.features import SideFeatures


Kind = Literal["ranking", "rating", "click"]
"""What a model predicts: a ranking of items (top-K), explicit ratings, or click probabilities."""


@dataclass(frozen=True)
class Entry:
    name: str
    model: type[Recommender]
    config: type[Config]
    summary: str
    kind: Kind = "ranking"
    builder: Callable[..., Any] | None = None
    """Builds the model from (config, n_users, n_items) when the class alone does not (e.g. the
    extra mask token of CL4SRec's SASRec); None: the class itself."""

    def build(self, config: Config, n_users: int, n_items: int,
              features: SideFeatures | None = None) -> Recommender:
        """A new, untrained model of this entry, given the side features it asked for (if any)."""
        extra = {} if features is None else {"features": features}
        return (self.builder or self.model)(config, n_users, n_items, **extra)


class Registry:
    """A name -> (model class, config class, one-line summary) table."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, model: type, config: type, summary: str, kind: Kind = "ranking",
                 builder: Callable[..., Any] | None = None) -> None:
        if name in self._entries:
            raise RegistryError(f"{self.kind} '{name}' is registered twice")
        self._entries[name] = Entry(name, model, config, summary, kind, builder)

    def canonical(self, name: str) -> str:
        """The registered spelling of `name`: names are case-insensitive ('SASRec' is 'sasrec')."""
        if name in self._entries:
            return name
        by_lower = {key.lower(): key for key in self._entries}
        return by_lower.get(str(name).lower(), name)

    def get(self, name: str) -> Entry:
        name = self.canonical(name)
        if name not in self._entries:
            close = difflib.get_close_matches(name, list(self._entries), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            known = ", ".join(sorted(self._entries))
            raise RegistryError(f"unknown {self.kind} '{name}'.{hint} Known: {known}")
        return self._entries[name]

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.canonical(name) in self._entries

    def __iter__(self):
        return iter(self._entries[name] for name in self.names())
