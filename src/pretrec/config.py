"""Frozen, typed configurations.

Every model, trainer and experiment option is a field of a frozen dataclass deriving from
`Config`. Unknown keys are errors with a did-you-mean; values given as strings (from the CLI's
``--set key=value``) are converted to the field's declared type.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Mapping
from typing import Any, Self

from pretrec.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class Config:
    """Base of all configs: frozen dataclasses whose fields carry their documentation."""

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None = None) -> Self:
        """Build from a mapping; unknown keys raise `ConfigError` with a did-you-mean."""
        values = dict(values or {})
        check_keys(cls, values)
        hints = typing.get_type_hints(cls)
        try:
            return cls(**{key: coerce(value, hints[key], key) for key, value in values.items()})
        except ValueError as error:  # a config's own __post_init__ check
            raise ConfigError(f"{cls.__name__}: {error}") from error

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` applied (validated like `from_dict`)."""
        merged = {**self.to_dict(), **changes}
        return type(self).from_dict(merged)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def check_keys(cls: type[Config], values: Mapping[str, Any]) -> None:
    known = cls.field_names()
    for key in values:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(
                f"unknown key '{key}' for {cls.__name__}{hint} (known: {', '.join(known)})"
            )


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """Parse CLI ``key=value`` strings into a dict (values stay strings until coerced)."""
    result: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"expected key=value, got '{item}'")
        key, value = item.split("=", 1)
        result[key.strip()] = value.strip()
    return result


def coerce(value: Any, annotation: Any, key: str) -> Any:
    """Convert `value` (often a string) to `annotation`; raise `ConfigError` when impossible."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if value is None or (isinstance(value, str) and value.lower() in ("none", "null")):
            if type(None) in args:
                return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return coerce(value, arg, key)
            except ConfigError as error:
                errors.append(str(error))
        raise ConfigError(errors[0] if errors else f"{key}: cannot be None")
    if origin is typing.Literal:
        for choice in args:
            if value == choice or (isinstance(value, str) and str(choice) == value):
                return choice
        raise ConfigError(f"{key}: '{value}' is not one of {', '.join(map(str, args))}")
    if origin in (tuple, list):
        if isinstance(value, str):
            value = [part for part in value.replace(",", " ").split() if part]
        inner = args[0] if args else str
        return tuple(coerce(item, inner, key) for item in value)
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on"):
            return True
        if isinstance(value, str) and value.lower() in ("false", "0", "no", "off"):
            return False
        raise ConfigError(f"{key}: expected true/false, got '{value}'")
    if annotation in (int, float, str):
        try:
            return _scalar(value, annotation)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: expected {annotation.__name__}, got '{value}'") from None
    return value


def _scalar(value: Any, annotation: type) -> Any:
    """int/float/str conversion that refuses to truncate ('2.5' is not an int)."""
    if annotation is int:
        number = float(value) if isinstance(value, str | float) else value
        if isinstance(number, bool) or not float(number).is_integer():
            raise ValueError(value)
        return int(number)
    return annotation(value)


def field_docs(cls: type[Config]) -> dict[str, str]:
    """Each field's docstring (the string literal under it in the class body), read from the
    source of `cls` and its bases; fields without one map to ""."""
    import ast
    import inspect
    import textwrap

    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, Config)):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):  # no source (e.g. built in a REPL)
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in zip(body, [*body[1:], None], strict=True):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                text = ""
                if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                    text = " ".join(str(after.value.value).split())
                docs[node.target.id] = text or docs.get(node.target.id, "")
    return {name: docs.get(name, "") for name in cls.field_names()}
