"""Each topic's payload model, and a parser that builds models only for what changed.

The agent sends every topic's whole state in each frame, every few
seconds, and most of it is what the previous frame said: 150 containers of
which a few changed. ``PayloadParser`` keeps the JSON of the last payload of
each topic (of each item, for list topics and for the lists inside an object
such as the notifications) next to the model built from it, and builds a
model only for JSON it has not just seen. The same JSON gives back the very
same model object, so the coordinator can tell "unchanged" by identity.

JSON is compared as ``orjson.dumps`` bytes, exactly: Python's ``==`` takes
``true`` for ``1``, and a model turns those into different values. The only
values the bytes do not tell apart are ``NaN`` and ``Infinity`` (which
``json.loads`` accepts in a frame orjson refused) and ``null``: every model
takes all three for "no value", so their models are equal too.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
from operator import is_
from typing import Any, Final, get_args, get_origin, get_type_hints

import orjson

from .models import (
    ArrayStatus,
    CollectorStateEvent,
    ContainerInfo,
    ContainerUpdatesResult,
    DiskInfo,
    GPUMetrics,
    HardwareInfo,
    Model,
    MoverStatus,
    NetworkInfo,
    NotificationList,
    NUTResponse,
    OSUpdateStatus,
    PluginList,
    Registration,
    ShareInfo,
    SourceStatus,
    SystemInfo,
    UnassignedDeviceList,
    UPSStatus,
    VMInfo,
    ZFSARCStats,
    ZFSDataset,
    ZFSPool,
    ZFSSnapshot,
)
from .topics import Topic

#: The model of each topic's payload, and whether the payload is a list of them.
MODELS: Final[dict[Topic, tuple[type[Model], bool]]] = {
    Topic.SYSTEM: (SystemInfo, False),
    Topic.ARRAY: (ArrayStatus, False),
    Topic.DISKS: (DiskInfo, True),
    Topic.SHARES: (ShareInfo, True),
    Topic.CONTAINERS: (ContainerInfo, True),
    Topic.VMS: (VMInfo, True),
    Topic.UPS: (UPSStatus, False),
    Topic.NUT: (NUTResponse, False),
    Topic.GPU: (GPUMetrics, True),
    Topic.NETWORK: (NetworkInfo, True),
    Topic.HARDWARE: (HardwareInfo, False),
    Topic.REGISTRATION: (Registration, False),
    Topic.NOTIFICATIONS: (NotificationList, False),
    Topic.UNASSIGNED: (UnassignedDeviceList, False),
    Topic.ZFS_POOLS: (ZFSPool, True),
    Topic.ZFS_DATASETS: (ZFSDataset, True),
    Topic.ZFS_SNAPSHOTS: (ZFSSnapshot, True),
    Topic.ZFS_ARC: (ZFSARCStats, False),
    Topic.DOCKER_UPDATES: (ContainerUpdatesResult, False),
    Topic.PLUGIN_UPDATES: (PluginList, False),
    Topic.OS_UPDATE: (OSUpdateStatus, False),
    Topic.MOVER: (MoverStatus, False),
    Topic.SOURCE_STATUS: (SourceStatus, False),
    Topic.COLLECTOR_STATE: (CollectorStateEvent, False),
}

#: How each topic's payload (REST body or WebSocket ``data``) is parsed.
#: Object topics parse to a model or ``None``; list topics to a tuple.
PARSERS: Final[dict[Topic, Callable[[object], Any]]] = {
    topic: model.parse_list if is_list else model.parse
    for topic, (model, is_list) in MODELS.items()
}

#: Frames larger than this are parsed whole and nothing of them is kept
#: (a notification archive of many megabytes, which is not taken twice).
MEMO_FRAME_LIMIT: Final = 1024 * 1024


_ITEM_LISTS: dict[type[Model], dict[str, type[Model]]] = {}


def _item_lists(model: type[Model]) -> dict[str, type[Model]]:
    """Return the fields of ``model`` that hold a tuple of models, with that model."""
    found = _ITEM_LISTS.get(model)
    if found is None:
        found = {}
        hints = get_type_hints(model)
        for field in dataclasses.fields(model):  # type: ignore[arg-type]
            hint = hints[field.name]
            args = [arg for arg in get_args(hint) if arg is not type(None)]
            if len(args) == 1 and get_origin(args[0]) is tuple:
                (item,) = get_args(args[0])[:1]
                if isinstance(item, type) and issubclass(item, Model):
                    found[field.name] = item
        _ITEM_LISTS[model] = found
    return found


def _json(value: object) -> bytes | None:
    """Return the JSON of a decoded value; None when it has none (a huge integer)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None


type _ListKey = Topic | tuple[Topic, str]


class PayloadParser:
    """Parses payloads exactly like ``PARSERS``, reusing the models of unchanged JSON.

    One per server: it remembers the last payload of each topic. ``built``
    and ``reused`` count the models of whole payloads and of list items.
    """

    __slots__ = ("_items", "_objects", "built", "reused")

    def __init__(self) -> None:
        """Start with nothing seen."""
        #: topic -> (JSON of the last payload, its model)
        self._objects: dict[Topic, tuple[bytes, Any]] = {}
        #: topic (or topic and field, for the list in an object) -> (the last
        #: payload's models by their item's JSON, the tuple)
        self._items: dict[_ListKey, tuple[dict[bytes, Model], tuple[Model, ...]]] = {}
        self.built = 0
        self.reused = 0

    def parse(self, topic: Topic, data: object, size: int = 0) -> Any:
        """Parse ``topic``'s payload; ``size`` is the frame's, when known."""
        found = MODELS.get(topic)
        if found is None:
            return data
        model, is_list = found
        if size > MEMO_FRAME_LIMIT:
            self._objects.pop(topic, None)
            for key in [
                k
                for k in self._items
                if k is topic or (isinstance(k, tuple) and k[0] is topic)
            ]:
                del self._items[key]
            self.built += 1
            return PARSERS[topic](data)
        if is_list:
            return self._parse_list(topic, model, data)
        return self._parse_object(topic, model, data)

    def _parse_object(self, topic: Topic, model: type[Model], data: object) -> Any:
        key = _json(data) if type(data) is dict else None
        if key is not None:
            last = self._objects.get(topic)
            if last is not None and last[0] == key:
                self.reused += 1
                return last[1]
        self.built += 1
        parsed = self._build_object(topic, model, data)
        if key is None:
            self._objects.pop(topic, None)
        else:
            self._objects[topic] = (key, parsed)
        return parsed

    def _build_object(self, topic: Topic, model: type[Model], data: object) -> Any:
        """Build an object topic's model; the items of its lists are kept as for lists."""
        if not isinstance(data, dict):
            return model.parse(data)
        given: dict[str, object] = {}
        # A list in the object (notifications, temperatures, devices).
        for name, item_model in _item_lists(model).items():
            raw = data.get(name)
            if type(raw) is list:
                given[name] = self._parse_list((topic, name), item_model, raw)
        return model.from_dict(data, given)

    def _parse_list(
        self, topic: _ListKey, model: type[Model], data: object
    ) -> tuple[Model, ...]:
        if type(data) is not list:
            self._items.pop(topic, None)
            self.built += 1
            return model.parse_list(data)
        last_memo, last_tuple = self._items.get(topic, ({}, ()))
        memo: dict[bytes, Model] = {}
        out: list[Model] = []
        built = 0
        dumps = orjson.dumps
        for item in data:
            if type(item) is not dict:
                # What parse_list does with it: skipped unless a mapping.
                found = model.parse_list([item])
                out.extend(found)
                built += len(found)
                continue
            try:
                key = dumps(item)
            except orjson.JSONEncodeError:  # an integer beyond 64 bits
                out.append(model.from_dict(item))
                built += 1
                continue
            parsed = memo.get(key)
            if parsed is None:
                parsed = last_memo.get(key)
                if parsed is None:
                    parsed = model.from_dict(item)
                    built += 1
                memo[key] = parsed
            out.append(parsed)
        self.built += built
        self.reused += len(out) - built
        result = tuple(out)
        if len(result) == len(last_tuple) and all(map(is_, result, last_tuple)):
            result = last_tuple  # the same payload: the same object
        self._items[topic] = (memo, result)
        return result
