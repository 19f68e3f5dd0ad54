"""Property tests: arbitrary JSON never makes the classifier or the models raise."""

from __future__ import annotations

from datetime import datetime
import json
import os
import types
from typing import Any, Union, get_args, get_origin, get_type_hints

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.unraid_management_agent.api import (
    PARSERS,
    SIGNATURES,
    AgentEvent,
    Classification,
    FrameKind,
    Topic,
    classify,
    classify_payload,
    decode_frame,
    models,
)
from custom_components.unraid_management_agent.api.events import build_event
from custom_components.unraid_management_agent.api.models import Model

MODELS: list[type[Model]] = sorted(
    (
        obj
        for obj in vars(models).values()
        if isinstance(obj, type) and issubclass(obj, Model) and obj is not Model
    ),
    key=lambda cls: cls.__name__,
)

#: Keys the classifier and the models look at, so random objects hit real paths.
KNOWN_KEYS = sorted(
    {key for sig in SIGNATURES for key in sig.required | sig.any_of}
    | {name for cls in MODELS for name in get_type_hints(cls) if name != "_plan"}
    | {"event", "data"}
)
EVENT_NAMES = [str(t) for t in Topic] + ["update", "flux_update", ""]

#: Examples per property in the everyday suite (kept short so the suite stays
#: under 5 minutes); ``UMA_EXAMPLES=1000 scripts/test tests/api`` looks harder.
EXAMPLES = int(os.environ.get("UMA_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------ strategies


def _nest(depth: int) -> Any:
    value: Any = 1
    for level in range(depth):
        value = [value] if level % 2 else {"hostname": value}
    return value


#: integers beyond int64/uint64 and beyond what a float can hold (valid JSON)
HUGE = [2**64 - 1, 2**64 + 1, -(2**64) - 1, 10**30, 10**400, -(10**400)]

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**53, max_value=2**80)
    | st.sampled_from(HUGE)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=16)
    | st.sampled_from(
        ["0001-01-01T00:00:00Z", "2026-11-20T18:00:00+10:00", "2026-11-20T18:00:00", ""]
    )
)
KEYS = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=24,
) | st.integers(min_value=100, max_value=3000).map(_nest)


def _valid(hint: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values of the right shape for ``hint`` (so nested paths get exercised)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return st.none() | _valid(inner, depth)
    if hint is str:
        return st.text(max_size=8)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers() | st.sampled_from(HUGE) | st.floats()
    if hint is float:
        return st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(HUGE)
    if hint is datetime:
        return st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    if depth > 2:
        return st.none()
    if origin is tuple:
        return st.lists(_valid(get_args(hint)[0], depth + 1) | JSON, max_size=3)
    if origin is dict:
        return st.dictionaries(
            st.text(max_size=6), _valid(get_args(hint)[1], depth + 1) | JSON, max_size=3
        )
    assert isinstance(hint, type) and issubclass(hint, Model)
    return _objects(hint, depth + 1)


def _objects(model: type[Model], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts built from the model's own keys with right-shaped or random values."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: _valid(hint, depth) | JSON for name, hint in _hints(model).items()
        },
    )


# ------------------------------------------------------------ type conformance


def _conforms(value: object, hint: Any) -> bool:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return value is None or _conforms(value, inner)
    if hint in (str, int, float, bool):
        return type(value) is hint
    if hint is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    if origin is tuple:
        item = get_args(hint)[0]
        return isinstance(value, tuple) and all(_conforms(v, item) for v in value)
    if origin is dict:
        item = get_args(hint)[1]
        return isinstance(value, dict) and all(
            isinstance(k, str) and _conforms(v, item) for k, v in value.items()
        )
    return isinstance(value, hint) and _model_conforms(value)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """Return the field type hints of a model class (cached)."""
    if cls not in _HINTS:
        _HINTS[cls] = {k: v for k, v in get_type_hints(cls).items() if k != "_plan"}
    return _HINTS[cls]


def _model_conforms(model: object) -> bool:
    return all(
        _conforms(getattr(model, name), hint)
        for name, hint in _hints(type(model)).items()
    )


# ------------------------------------------------------------ classifier


@SETTINGS
@given(event=st.sampled_from(EVENT_NAMES) | JSON, data=JSON)
def test_classify_never_raises(event: object, data: object) -> None:
    """Any envelope field values classify to a ``Classification``."""
    result = classify(event, data)
    assert isinstance(result, Classification)
    assert (result.topic is not None) == (result.kind is FrameKind.TOPIC)
    if isinstance(event, str) and event != "update":
        assert result.kind in (FrameKind.TOPIC, FrameKind.UNKNOWN)
    assert isinstance(classify_payload(data), Classification)


def _check_event(event: AgentEvent) -> None:
    assert isinstance(event, AgentEvent)
    assert isinstance(event.name, str)
    if event.kind is FrameKind.TOPIC and event.topic in PARSERS:
        payload = event.payload
        if isinstance(payload, tuple):
            assert all(
                isinstance(item, Model) and _model_conforms(item) for item in payload
            )
        else:
            assert payload is None or (
                isinstance(payload, Model) and _model_conforms(payload)
            )


@SETTINGS
@given(
    envelope=st.fixed_dictionaries(
        {"data": JSON},
        optional={"event": st.sampled_from(EVENT_NAMES) | JSON, "timestamp": JSON},
    )
    | JSON
)
def test_build_event_never_raises(envelope: object) -> None:
    """Any decoded frame becomes an ``AgentEvent`` whose payload has the right types."""
    _check_event(build_event(envelope, 3))


def _dumps(value: object) -> str | None:
    try:
        return json.dumps(value)
    except (ValueError, RecursionError):  # ints beyond the str limit, deep nests
        return None


@SETTINGS
@given(
    envelope=st.fixed_dictionaries(
        {"event": st.sampled_from(EVENT_NAMES), "data": JSON},
        optional={"timestamp": JSON},
    )
    | JSON,
    as_bytes=st.booleans(),
)
def test_decode_frame_of_json_never_raises(envelope: object, as_bytes: bool) -> None:
    """Frames of any JSON (NaN, Infinity, huge numbers included) decode."""
    text = _dumps(envelope)
    if text is None:
        return
    raw: str | bytes = text.encode() if as_bytes else text
    event = decode_frame(raw)
    _check_event(event)
    assert event.size == len(raw)


@SETTINGS
@given(
    raw=st.text()
    | st.binary()
    | st.integers(0, 40_000).map(lambda n: "[" * n + "]" * n)
)
def test_decode_frame_of_anything_never_raises(raw: str | bytes) -> None:
    """Random text, bytes and very deep nesting decode to some ``AgentEvent``."""
    _check_event(decode_frame(raw))


# ------------------------------------------------------------ models


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_models_parse_random_objects(model: type[Model]) -> None:
    """Random dicts of the model's own keys give a model with only declared types."""

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=_objects(model), other=JSON)
    def check(data: dict[str, Any], other: object) -> None:
        parsed = model.from_dict(data)
        assert isinstance(parsed, model) and _model_conforms(parsed)
        assert model.parse(data) == parsed
        loose = model.parse(other)
        assert loose is None or (isinstance(loose, model) and _model_conforms(loose))
        items = model.parse_list([data, other])
        assert all(isinstance(i, model) and _model_conforms(i) for i in items)

    check()


def test_every_model_is_covered() -> None:
    """The property test walks every model the package exports."""
    exported = {name for name in models.__all__ if name not in {"Model", "parse_time"}}
    assert {m.__name__ for m in MODELS} == exported
