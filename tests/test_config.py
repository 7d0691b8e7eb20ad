"""Frozen typed configs: coercion from strings, unknown keys with did-you-mean, registry errors."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import Literal

import pytest

from pretrec.config import Config, parse_assignments
from pretrec.errors import ConfigError, RegistryError
from pretrec.models import MODELS
from pretrec.pipeline.fitting import build_configs


@dataclass(frozen=True)
class Example(Config):
    size: int = 4
    rate: float = 0.1
    name: str = "x"
    flag: bool = False
    mode: Literal["a", "b"] = "a"
    ks: tuple[int, ...] = (1, 2)
    limit: float | None = None


def test_strings_are_coerced_to_field_types() -> None:
    config = Example.from_dict({"size": "8", "rate": "1e-3", "flag": "true", "mode": "b",
                                "ks": "5,10", "limit": "none"})
    assert config == Example(size=8, rate=0.001, flag=True, mode="b", ks=(5, 10), limit=None)


def test_bad_values_and_unknown_keys_are_errors() -> None:
    with pytest.raises(ConfigError, match="did you mean 'size'"):
        Example.from_dict({"sise": 3})
    with pytest.raises(ConfigError, match="expected int"):
        Example.from_dict({"size": "four"})
    with pytest.raises(ConfigError, match="not one of"):
        Example.from_dict({"mode": "c"})


def test_configs_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        Example().size = 3  # type: ignore[misc]


def test_parse_assignments() -> None:
    assert parse_assignments(["a=1", "b = x=y"]) == {"a": "1", "b": "x=y"}
    with pytest.raises(ConfigError):
        parse_assignments(["novalue"])


def test_options_route_to_model_or_trainer() -> None:
    model_config, train_config = build_configs("bprmf", {"embedding_dim": "32", "epochs": "3"})
    assert model_config.embedding_dim == 32 and train_config.epochs == 3
    with pytest.raises(ConfigError, match="did you mean 'embedding_dim'"):
        build_configs("bprmf", {"embeding_dim": 3})


def test_unknown_model_lists_known_ones() -> None:
    with pytest.raises(RegistryError,
                       match="Did you mean 'bprmf'.*Known: .*bprmf, .*ease, .*gru4rec"):
        MODELS.get("bpmf")
