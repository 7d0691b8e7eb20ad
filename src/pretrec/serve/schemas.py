"""The JSON bodies of the HTTP service (pydantic): what each endpoint takes and returns.

Unknown fields are refused (a typo such as `"user"` for `"user_id"` is a 422 naming it, not a
silently ignored key); ids are non-empty strings of at most `MAX_ID_LENGTH` characters.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pretrec.serve.engine import MAX_K

MAX_ID_LENGTH = 256
MAX_HISTORY = 10_000
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH)]
TextValue = str | int | float | list[str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Context(Strict):
    """Whose recommendations: a known user's stored history, or a history given here."""

    user_id: Id | None = None
    history: Annotated[list[Id], Field(max_length=MAX_HISTORY)] | None = None

    @model_validator(mode="after")
    def one_context(self) -> Context:
        if (self.user_id is None) == (self.history is None):
            raise ValueError("give exactly one of user_id and history")
        return self


class RecommendRequest(Context):
    k: Annotated[int, Field(ge=1, le=MAX_K)] = 10
    exclude_seen: bool = True
    exclude: Annotated[list[Id], Field(max_length=MAX_HISTORY)] = []


class ExplainRequest(Context):
    item_id: Id


class EventRequest(Strict):
    user_id: Id
    item_id: Id
    timestamp: float | None = None


class ItemRequest(Strict):
    item_id: Id
    text: Annotated[dict[Annotated[str, Field(max_length=MAX_ID_LENGTH)], TextValue],
                    Field(max_length=64)]


class ScoredItem(BaseModel):
    item_id: str
    score: float


class ItemList(BaseModel):
    items: list[ScoredItem]


class EventAck(BaseModel):
    seq: int
    user_id: str
    history_length: int


class ItemAck(BaseModel):
    item_id: str
    n_items: int


class UserHistoryOut(BaseModel):
    user_id: str
    history: list[str]


class Contribution(BaseModel):
    item_id: str
    contribution: float


class Explanation(BaseModel):
    item_id: str
    score: float
    method: str
    contributions: list[Contribution]


class Health(BaseModel):
    status: str
    model: str
    n_items: int
    n_training_users: int
    index: str
