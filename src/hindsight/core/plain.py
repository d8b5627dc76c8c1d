"""Records as plain JSON values and back, read from their type hints.

For files Hindsight keeps for itself (the recovery journal), not for exchange: the JSON
exchange format (export/json_format.py) is versioned and documented; this follows the
dataclasses as they are, so a record written by one build reads back in the same build.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any


class PlainError(ValueError):
    """Data that does not fit the type it is read as."""


def to_plain(value: Any) -> Any:
    """`value` (dataclasses, enums, dates, lists, dicts, JSON scalars) as JSON-able data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return [[to_plain(k), to_plain(v)] for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def from_plain(kind: Any, data: Any) -> Any:
    """Read `data` (made by to_plain) back as `kind`; PlainError when it does not fit."""
    try:
        return _read(kind, data)
    except PlainError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise PlainError(f"cannot read {data!r:.80} as {kind}: {error}") from error


def _read(kind: Any, data: Any) -> Any:
    if kind is Any:
        return data
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _read(option, data)
            except (PlainError, TypeError, ValueError, KeyError):
                continue
        raise PlainError(f"{data!r:.80} fits none of {kind}")
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_read(item, value) for value in _sequence(data)]
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_read(args[0], value) for value in _sequence(data))
        return tuple(_read(a, v) for a, v in zip(args, _sequence(data), strict=True))
    if origin is dict:
        key_kind, value_kind = typing.get_args(kind)
        return {_read(key_kind, k): _read(value_kind, v) for k, v in _sequence(data)}
    if isinstance(kind, type):
        if dataclasses.is_dataclass(kind):
            if not isinstance(data, dict):
                raise PlainError(f"{kind.__name__} needs an object, not {data!r:.40}")
            hints = _hints(kind)
            known = {f.name for f in dataclasses.fields(kind) if f.init}
            values = {name: _read(hints[name], v) for name, v in data.items() if name in known}
            return kind(**values)
        if issubclass(kind, Enum):
            return kind(data)
        if kind is datetime:
            return datetime.fromisoformat(_text(data))
        if kind is date:
            return date.fromisoformat(_text(data))
        if kind is bool:
            if not isinstance(data, bool):
                raise PlainError(f"{data!r:.40} is not true or false")
            return data
        if kind in (int, float, str):
            if not isinstance(data, kind) or isinstance(data, bool):
                if kind is float and isinstance(data, int) and not isinstance(data, bool):
                    return float(data)
                raise PlainError(f"{data!r:.40} is not {kind.__name__}")
            return data
    raise PlainError(f"cannot read {kind}")


def _sequence(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise PlainError(f"{data!r:.40} is not a list")
    return data


def _text(data: Any) -> str:
    if not isinstance(data, str):
        raise PlainError(f"{data!r:.40} is not text")
    return data
