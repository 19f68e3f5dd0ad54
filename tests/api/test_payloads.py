"""The payload parser: models only for changed JSON, and exactly what PARSERS give."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import given, strategies as st
import orjson
import pytest

from custom_components.unraid_management_agent.api import (
    MODELS,
    PARSERS,
    PayloadParser,
    Topic,
    decode_frame,
)
from custom_components.unraid_management_agent.api.models import (
    ContainerInfo,
    SystemInfo,
)
from custom_components.unraid_management_agent.api.payloads import MEMO_FRAME_LIMIT
from tests.api.test_properties import JSON, SETTINGS, _objects


def _payloads(topic: Topic) -> st.SearchStrategy[Any]:
    """Payloads of ``topic``: right-shaped mostly, sometimes anything."""
    model, is_list = MODELS[topic]
    item = _objects(model)
    if is_list:
        return st.lists(item | JSON, max_size=4) | JSON
    return item | JSON


def _twin(value: Any, depth: int = 0) -> Any:
    """Return JSON equal for Python's ``==``, other for a model: ``true`` as ``1``."""
    if depth > 20:  # (very deep nesting stays as it is)
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, int) and abs(value) < 2**53:
        return float(value)
    if isinstance(value, list):
        return [_twin(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {key: _twin(item, depth + 1) for key, item in value.items()}
    return value


@pytest.mark.parametrize("topic", list(MODELS), ids=str)
def test_same_models_as_parsers(topic: Topic) -> None:
    """Over any sequence of frames (repeats included), the parser gives what PARSERS give.

    Each payload comes with its twin (``true`` for ``1``: equal for ``==``).
    Compared by ``repr``: ``==`` would take ``True`` for ``1`` too.
    """

    @SETTINGS
    @given(
        payloads=st.lists(_payloads(topic), min_size=1, max_size=2),
        order=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=6),
    )
    def check(payloads: list[Any], order: list[int]) -> None:
        frames = [variant for data in payloads for variant in (data, _twin(data))]
        parser = PayloadParser()
        for index in order:
            data = frames[index % len(frames)]
            assert repr(parser.parse(topic, data)) == repr(PARSERS[topic](data))

    check()


def _container(**fields: Any) -> dict[str, Any]:
    return {"id": "c1", "name": "plex", "image": "plex:1", "state": "running", **fields}


def test_unchanged_payload_is_the_same_object() -> None:
    """The same JSON again: no model built, the very tuple (or model) returned."""
    parser = PayloadParser()
    items = [_container(name=f"app{i}", cpu_percent=1.5) for i in range(10)]
    first = parser.parse(Topic.CONTAINERS, items)
    assert (parser.built, parser.reused) == (10, 0)
    again = parser.parse(Topic.CONTAINERS, orjson.loads(orjson.dumps(items)))
    assert again is first
    assert (parser.built, parser.reused) == (10, 10)
    system = {"hostname": "tower", "cpu_usage_percent": 3.5}
    assert parser.parse(Topic.SYSTEM, system) is parser.parse(Topic.SYSTEM, system)


def test_one_changed_item_builds_one_model() -> None:
    """Only the item whose JSON changed is built; the others are the same objects."""
    parser = PayloadParser()
    items = [_container(name=f"app{i}", cpu_percent=1.5) for i in range(10)]
    first = parser.parse(Topic.CONTAINERS, items)
    items[3] = _container(name="app3", cpu_percent=2.5)
    built = parser.built
    second = parser.parse(Topic.CONTAINERS, items)
    assert parser.built - built == 1
    assert second[3].cpu_percent == 2.5
    assert [a is b for a, b in zip(first, second, strict=True)] == [
        i != 3 for i in range(10)
    ]
    # An item that moved keeps its model; a new one is built.
    third = parser.parse(Topic.CONTAINERS, [items[5], _container(name="new")])
    assert third[0] is second[5] and third[1].name == "new"


def test_lists_inside_objects_keep_their_items() -> None:
    """A new notification: the list and its one new item are built, not the others."""
    parser = PayloadParser()
    notes = [
        {"id": f"n{i}", "subject": f"note {i}", "type": "unread"} for i in range(5)
    ]
    frame = {"overview": {"unread": {"total": 5}}, "notifications": notes}
    first = parser.parse(Topic.NOTIFICATIONS, frame)
    built = parser.built
    frame = {
        "overview": {"unread": {"total": 6}},
        "notifications": [*notes, {"id": "n5", "subject": "new", "type": "unread"}],
    }
    second = parser.parse(Topic.NOTIFICATIONS, frame)
    assert parser.built - built == 2  # the list's object, and the new item
    assert second.notifications[:5] == first.notifications
    assert all(
        a is b for a, b in zip(first.notifications, second.notifications, strict=False)
    )
    assert second == PARSERS[Topic.NOTIFICATIONS](frame)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (True, 1),  # equal for Python, not for the model
        (1, True),
        (0, False),
        (1, 1.0),
        (0.0, -0.0),
        ("1", 1),
    ],
)
def test_equal_for_python_is_not_equal_json(before: object, after: object) -> None:
    """A value that changes type is an update, even where ``==`` says equal."""
    parser = PayloadParser()
    parser.parse(Topic.CONTAINERS, [_container(cpu_percent=before, autostart=before)])
    changed = parser.parse(
        Topic.CONTAINERS, [_container(cpu_percent=after, autostart=after)]
    )
    assert repr(changed) == repr(
        ContainerInfo.parse_list([_container(cpu_percent=after, autostart=after)])
    )


@pytest.mark.parametrize("topic", list(MODELS), ids=str)
def test_every_field_tells_types_apart(topic: Topic) -> None:
    """For every field of every topic's model: ``true`` then ``1`` is a change."""
    model, is_list = MODELS[topic]
    pairs = [(True, 1), (1, True), (False, 0), (0, False), (1, 1.0), ("1", 1)]
    for name in (field.name for field in dataclasses.fields(model)):  # type: ignore[arg-type]
        for before, after in pairs:
            parser = PayloadParser()
            for value in (before, after, before):
                data: Any = {name: value}
                if is_list:
                    data = [data]
                assert repr(parser.parse(topic, data)) == repr(PARSERS[topic](data))


def test_refused_numbers_stay_refused() -> None:
    """NaN, Infinity (json's fallback) and integers beyond 64 bits: no value, every time."""
    parser = PayloadParser()
    huge = 2**70
    text = (
        '{"event":"system_update","timestamp":"2026-11-20T18:00:00+10:00",'
        '"data":{"hostname":"tower","cpu_usage_percent":NaN,'
        f'"ram_total_bytes":{huge},"cpu_temp_celsius":Infinity}}}}'
    )
    for _ in range(2):
        event = decode_frame(text, parser)
        assert event.payload == SystemInfo(hostname="tower")
        assert event.payload == PARSERS[Topic.SYSTEM](json.loads(text)["data"])
    # NaN (from json.loads) and null mean the same: no value.
    nan = parser.parse(Topic.SYSTEM, {"hostname": "tower", "cpu_mhz": float("nan")})
    assert nan == parser.parse(Topic.SYSTEM, {"hostname": "tower", "cpu_mhz": None})


def test_huge_frames_are_not_kept() -> None:
    """A frame over the limit is parsed whole, and nothing of it stays behind."""
    parser = PayloadParser()
    items = [_container(name=f"app{i}") for i in range(3)]
    parser.parse(Topic.CONTAINERS, items)
    big = parser.parse(Topic.CONTAINERS, items, MEMO_FRAME_LIMIT + 1)
    assert len(big) == 3
    assert Topic.CONTAINERS not in parser._items
    archive = {"notifications": [{"id": str(i)} for i in range(3)]}
    parser.parse(Topic.NOTIFICATIONS, archive, MEMO_FRAME_LIMIT + 1)
    assert Topic.NOTIFICATIONS not in parser._objects


def test_topics_without_model_pass_through() -> None:
    """Topics the client has no model for are returned as they are."""
    parser = PayloadParser()
    raw = {"fans": [], "profiles": [], "summary": {}}
    assert parser.parse(Topic.FAN_CONTROL, raw) is raw


def test_shortcut_gives_what_the_converters_give() -> None:
    """Values of exactly the field's type are taken as they are; others are converted."""

    class Text(str):
        __slots__ = ()

    class Whole(int):
        pass

    class Real(float):
        pass

    exact = {"hostname": "tower", "cpu_cores": 8, "cpu_usage_percent": 1.5}
    odd = {
        "hostname": Text("tower"),
        "cpu_cores": Whole(8),
        "cpu_usage_percent": Real(1.5),
    }
    assert SystemInfo.from_dict(odd) == SystemInfo.from_dict(exact)
    assert SystemInfo.from_dict(
        {"cpu_cores": 8.0, "cpu_usage_percent": 2}
    ) == SystemInfo(cpu_cores=8, cpu_usage_percent=2.0)
    flags = ContainerInfo.from_dict({"update_available": Whole(1)})
    assert flags.update_available is None  # a number is no boolean
    assert ContainerInfo.from_dict({"update_available": True}).update_available is True
