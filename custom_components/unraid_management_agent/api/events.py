"""Classify WebSocket frames into topics and parse their payloads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
import logging
from typing import Any

from .payloads import PARSERS, PayloadParser

__all__ = [
    "PARSERS",
    "AgentEvent",
    "Classification",
    "FrameKind",
    "build_event",
    "classify",
    "classify_payload",
]
from .topics import LEGACY_EVENT, SIGNATURES, Topic

_LOGGER = logging.getLogger(__name__)

_BY_NAME: dict[str, Topic] = {topic.value: topic for topic in Topic}
_OBJECT_SIGNATURES = tuple(sig for sig in SIGNATURES if not sig.is_list)
_LIST_SIGNATURES = tuple(sig for sig in SIGNATURES if sig.is_list)
_COLLECTOR_STATE_CHANGE = "collector_state_change"


class FrameKind(StrEnum):
    """What a frame turned out to be."""

    TOPIC = "topic"
    """A payload of a known topic (``topic`` is set)."""
    AMBIGUOUS = "ambiguous"
    """An empty list under ``"update"``: it could be any list topic."""
    UNKNOWN = "unknown"
    """A well-formed envelope with a topic or payload the client does not know."""
    GARBAGE = "garbage"
    """Not JSON, or not the agent's ``{"event","timestamp","data"}`` envelope."""


@dataclass(frozen=True, slots=True)
class Classification:
    """The outcome of classifying one envelope."""

    kind: FrameKind
    topic: Topic | None = None


_NAMED: dict[str, Classification] = {
    name: Classification(FrameKind.TOPIC, topic) for name, topic in _BY_NAME.items()
}
_UNKNOWN = Classification(FrameKind.UNKNOWN)


def classify(event: object, data: object) -> Classification:
    """Classify an envelope by its ``event`` name, or by ``data``'s fields.

    Agents from 2026.03 put the topic name in ``event``; older agents send
    ``"update"`` for every topic, and every agent sends collector state
    changes as ``"update"`` with ``data.event == "collector_state_change"``.
    """
    if not isinstance(event, str):
        return Classification(FrameKind.GARBAGE)
    if event != LEGACY_EVENT:
        # The same answer for every frame of a topic (it is frozen).
        return _NAMED.get(event) or _UNKNOWN
    return classify_payload(data)


def classify_payload(data: object) -> Classification:
    """Recognise a payload by its field signature (``"update"`` frames).

    An empty list, or ``null`` (how Go encodes an empty slice), cannot name
    its topic: it is reported as ambiguous.
    """
    if data is None:
        return Classification(FrameKind.AMBIGUOUS)
    if isinstance(data, Mapping):
        if data.get("event") == _COLLECTOR_STATE_CHANGE:
            return Classification(FrameKind.TOPIC, Topic.COLLECTOR_STATE)
        keys = set(data)
        for sig in _OBJECT_SIGNATURES:
            if sig.matches(keys):
                return Classification(FrameKind.TOPIC, sig.topic)
        return Classification(FrameKind.UNKNOWN)
    if isinstance(data, list):
        if not data:
            return Classification(FrameKind.AMBIGUOUS)
        first = data[0]
        if isinstance(first, Mapping):
            keys = set(first)
            for sig in _LIST_SIGNATURES:
                if sig.matches(keys):
                    return Classification(FrameKind.TOPIC, sig.topic)
    return Classification(FrameKind.UNKNOWN)


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """One frame from the agent's WebSocket, classified and parsed.

    ``payload`` is the parsed model (or tuple of models) for topics in
    ``PARSERS``, otherwise the raw JSON ``data``.
    """

    kind: FrameKind
    topic: Topic | None
    name: str
    payload: Any = None
    size: int = 0
    sent_at: datetime | None = None
    """The envelope's ``timestamp``: when the agent published the frame."""


def _sent_at(value: object) -> datetime | None:
    """Parse the envelope's timestamp; anything unusable gives None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and parsed.year > 1 else None


def build_event(
    envelope: object, size: int = 0, parser: PayloadParser | None = None
) -> AgentEvent:
    """Turn a decoded JSON frame into an ``AgentEvent``.

    With ``parser``, models are built only for JSON that changed since the
    previous frame of the same topic (the result is the same).
    """
    if not isinstance(envelope, Mapping) or "data" not in envelope:
        return AgentEvent(FrameKind.GARBAGE, None, "", size=size)
    name = envelope.get("event")
    data = envelope["data"]
    result = classify(name, data)
    payload: Any = data
    topic = result.topic
    if topic is not None:
        if parser is not None:
            payload = parser.parse(topic, data, size)
        elif (parse := PARSERS.get(topic)) is not None:
            payload = parse(data)
    return AgentEvent(
        result.kind,
        topic,
        name if isinstance(name, str) else "",
        payload,
        size,
        _sent_at(envelope.get("timestamp")),
    )
