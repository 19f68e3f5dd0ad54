"""Tolerant parsing from the agent's JSON into frozen dataclasses.

Every model is a frozen, keyword-only dataclass whose fields all default to
``None``. ``Model.from_dict`` reads the agent's JSON object field by field:

* a missing key or a JSON ``null`` gives ``None`` (the agent omits empty
  fields and sends ``null`` for empty Go slices);
* Go's zero time ``0001-01-01T00:00:00Z`` gives ``None``;
* a value of the wrong type gives ``None`` and one debug line per model and
  field, never an exception, so one bad field never loses the rest;
* numbers the agent cannot produce count as a wrong type: non-finite floats
  (``NaN``, ``Infinity``, ``1e309``) and anything outside Go's 64-bit range,
  so no derived value (a duration, a rate, a time) can overflow later;
* unknown keys are ignored; integers within that range are kept exactly.

The conversion plan for a class is built once from its type hints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import dataclasses
from datetime import datetime
import logging
import types
from typing import (
    Any,
    ClassVar,
    Self,
    TypeIs,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

_LOGGER = logging.getLogger(__name__)

_ZERO_TIME_PREFIX = "0001-01-01"

type Converter = Callable[[object], object]

_reported: set[tuple[str, str]] = set()

#: Go's numbers are at most 64 bits wide: ``int64`` from -2**63, ``uint64``
#: below 2**64. Anything beyond cannot come from the agent.
INT_MIN = -(2**63)
INT_LIMIT = 2**64


class _WrongTypeError(Exception):
    """A value did not have the type the model expects."""


def _report(model: str, field: str, value: object) -> None:
    """Log one debug line per model and field with a value of the wrong type."""
    key = (model, field)
    if key in _reported:
        return
    _reported.add(key)
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    _LOGGER.debug(
        "Ignoring %s.%s: unexpected %s value %s",
        model,
        field,
        type(value).__name__,
        shown,
    )


def _to_str(value: object) -> str:
    if isinstance(value, str):
        return value
    raise _WrongTypeError


def _in_range(value: float) -> bool:
    """Finite and within Go's 64-bit range (NaN compares False everywhere)."""
    return INT_MIN <= value < INT_LIMIT


def _to_int(value: object) -> int:
    if isinstance(value, bool):
        raise _WrongTypeError
    if isinstance(value, int):
        if not _in_range(value):
            raise _WrongTypeError
        return value
    if isinstance(value, float) and _in_range(value) and value.is_integer():
        return int(value)
    raise _WrongTypeError


def _to_float(value: object) -> float:
    if isinstance(value, bool):
        raise _WrongTypeError
    if isinstance(value, float):
        if not _in_range(value):  # NaN, ±Infinity, beyond 64 bits
            raise _WrongTypeError
        return value
    if isinstance(value, int):
        if not _in_range(value):
            raise _WrongTypeError
        return float(value)
    raise _WrongTypeError


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _WrongTypeError


def parse_time(value: object) -> datetime | None:
    """Parse an RFC 3339 time; Go's zero time and empty strings give None."""
    if not isinstance(value, str):
        raise _WrongTypeError
    if not value or value.startswith(_ZERO_TIME_PREFIX):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise _WrongTypeError from err
    if parsed.tzinfo is None:
        raise _WrongTypeError
    return parsed


_SCALARS: dict[object, Converter] = {
    str: _to_str,
    int: _to_int,
    float: _to_float,
    bool: _to_bool,
    datetime: parse_time,
}


class _NoShortcut:
    """The exact type of no JSON value: fields that always go through their converter."""


#: Scalar fields whose JSON value is taken as it is when its type is exactly
#: the field's (a number also within Go's range): the converter's answer
#: for such a value, without calling it. Flags: whether to check the range.
_SHORTCUTS: dict[Converter, tuple[type[Any], bool]] = {
    _to_str: (str, False),
    _to_int: (int, True),
    _to_float: (float, True),
    _to_bool: (bool, False),
}


def _shortcut(convert: Converter) -> tuple[type[Any], bool]:
    """Return the exact JSON type ``convert`` keeps as it is, and if its range counts."""
    return _SHORTCUTS.get(convert, (_NoShortcut, False))


def _is_mapping(value: object) -> TypeIs[Mapping[str, Any]]:
    """Return True for a JSON object (a plain dict skips the ABC machinery)."""
    return type(value) is dict or isinstance(value, Mapping)


def _nested(model: type[Model]) -> Converter:
    def convert(value: object) -> object:
        if not _is_mapping(value):
            raise _WrongTypeError
        return model.from_dict(value)

    return convert


def _sequence(item: Converter) -> Converter:
    exact, bounded = _shortcut(item)

    def convert(value: object) -> tuple[object, ...]:
        if not isinstance(value, list):
            raise _WrongTypeError
        out: list[object] = []
        for element in value:
            if type(element) is exact and (
                not bounded or INT_MIN <= element < INT_LIMIT
            ):
                out.append(element)
                continue
            try:
                converted = item(element)
            except _WrongTypeError:
                continue
            if converted is not None:
                out.append(converted)
        return tuple(out)

    return convert


def _mapping(item: Converter) -> Converter:
    exact, bounded = _shortcut(item)

    def convert(value: object) -> dict[str, object]:
        if not _is_mapping(value):
            raise _WrongTypeError
        out: dict[str, object] = {}
        for key, element in value.items():
            if type(element) is exact and (
                not bounded or INT_MIN <= element < INT_LIMIT
            ):
                out[str(key)] = element
                continue
            try:
                converted = item(element)
            except _WrongTypeError:
                continue
            if converted is not None:
                out[str(key)] = converted
        return out

    return convert


def _converter_for(hint: object) -> Converter:
    """Build the converter for one field's type hint (``X | None`` forms)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported union {hint!r}")
        return _converter_for(inner[0])
    if hint in _SCALARS:
        return _SCALARS[hint]
    if isinstance(hint, type) and issubclass(hint, datetime):
        # A stand-in class (e.g. a frozen clock in tests) is still a time.
        return parse_time
    if origin is tuple:
        return _sequence(_converter_for(get_args(hint)[0]))
    if origin is dict:
        return _mapping(_converter_for(get_args(hint)[1]))
    if isinstance(hint, type) and issubclass(hint, Model):
        return _nested(hint)
    raise TypeError(f"unsupported field type {hint!r}")


#: One field of a model's plan: its name, the exact JSON type taken as it is,
#: whether that value's range is checked, and the converter for anything else.
type _Step = tuple[str, type[Any], bool, Converter]


class Model:
    """Base class of the agent's payload models."""

    __slots__ = ()
    _plan: ClassVar[tuple[_Step, ...] | None] = None

    @classmethod
    def _build_plan(cls) -> tuple[_Step, ...]:
        hints = get_type_hints(cls)
        steps: list[_Step] = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            convert = _converter_for(hints[field.name])
            exact, bounded = _shortcut(convert)
            steps.append((field.name, exact, bounded, convert))
        plan = tuple(steps)
        # Stored on the class itself, never inherited by subclasses.
        type.__setattr__(cls, "_plan", plan)
        return plan

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], given: Mapping[str, object] | None = None
    ) -> Self:
        """Build the model from one JSON object, tolerating bad fields.

        ``given``: values of some fields converted already (the items of a
        list a parser kept from the previous payload); those are not read.
        """
        plan = cls.__dict__.get("_plan") or cls._build_plan()
        values: dict[str, object] = {}
        if given:
            values.update(given)
            plan = tuple(step for step in plan if step[0] not in given)
        get = data.get
        for name, exact, bounded, convert in plan:
            raw = get(name)
            if raw is None:  # missing, or JSON null
                continue
            # The common case inline (the converter would return raw as it is);
            # NaN fails the range check and goes to the converter, which refuses it.
            if type(raw) is exact and (not bounded or INT_MIN <= raw < INT_LIMIT):
                values[name] = raw
                continue
            try:
                values[name] = convert(raw)
            except _WrongTypeError:
                _report(cls.__name__, name, raw)
        return cls(**values)

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """Build the model from any JSON value; None unless it is an object."""
        if _is_mapping(data):
            return cls.from_dict(data)
        if data is not None:
            _report(cls.__name__, "<payload>", data)
        return None

    @classmethod
    def parse_list(cls, data: object) -> tuple[Self, ...]:
        """Build a tuple of models from a JSON array, skipping non-objects."""
        if data is None:
            return ()
        if not isinstance(data, list):
            _report(cls.__name__, "<list>", data)
            return ()
        return tuple(cls.from_dict(item) for item in data if _is_mapping(item))
